# A tensor-parallel model run against the single-rank run: `tilegraph run MODEL ARGS --dump`
# on one process, then `mpirun -np RANKS tilegraph run MODEL ARGS --tp RANKS --dump` (its golden
# check must pass), then the two dumps compared by tp_dump_compare (bitwise, ULPS for the
# tensors whose reduction order the all-reduce changes). READ_INPUTS=1: the ranks read the
# single-rank dump's inputs (--inputs) instead of generating them.
separate_arguments(args UNIX_COMMAND "${ARGS}")
set(one ${WORK}/one_rank)
set(tp ${WORK}/tp${RANKS})
file(REMOVE_RECURSE ${one} ${tp})
execute_process(COMMAND ${CLI} run ${MODEL} ${args} --threads 1 --dump ${one}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 100)
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "the single-rank run exited with ${rc}:\n${out}\n${err}")
endif()
set(tp_args ${args})
if(READ_INPUTS)
  set(tp_args ${tp_args} --inputs ${one})
endif()
execute_process(COMMAND ${MPIRUN} -np ${RANKS} ${CLI} run ${MODEL} ${tp_args} --threads 1 --tp ${RANKS} --dump ${tp}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 100)
message(STATUS "--tp ${RANKS}: exit ${rc}\n${out}\n${err}")
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "the --tp ${RANKS} run exited with ${rc}")
endif()
if(NOT out MATCHES "PASS\n$")
  message(FATAL_ERROR "the --tp ${RANKS} run did not end with PASS")
endif()
string(REGEX MATCHALL "golden check of the ranks" reports "${out}")
list(LENGTH reports report_count)
if(NOT report_count EQUAL 1)
  message(FATAL_ERROR "expected one report (rank 0's), found ${report_count}")
endif()
separate_arguments(ulps UNIX_COMMAND "${ULPS}")
execute_process(COMMAND ${COMPARE} ${one} ${tp} ${ulps} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "${out}${err}")
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "the --tp ${RANKS} dump differs from the single-rank dump")
endif()
