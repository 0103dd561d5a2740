# Runs one command line whose stdout must be one JSON object holding every key in KEYS
# (comma-separated), e.g.
#   cmake -DCOMMAND=tilegraph;bench;... -DKEYS=median_ms,min_ms -P expect_json.cmake
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REPLACE ";" " " shown "${COMMAND}")
if(NOT code EQUAL 0)
  message(FATAL_ERROR "`${shown}` exited with ${code}:\n${out}${err}")
endif()
string(REPLACE "," ";" keys "${KEYS}")
foreach(key IN LISTS keys)
  string(JSON value ERROR_VARIABLE json_error GET "${out}" ${key})
  if(json_error)
    message(FATAL_ERROR "`${shown}`: no key '${key}' in its JSON (${json_error}):\n${out}")
  endif()
  message(STATUS "${key} = ${value}")
endforeach()
