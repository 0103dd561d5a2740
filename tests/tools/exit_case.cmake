# tg_exit_case(<test name> <exit code> <message fragment> [ENV VAR=value] [PROGRAM prefix...]
#              [LABELS l1;l2] [TIMEOUT s] [EMPTY_LAST] [NO_CONTROL_CHARS] <tilegraph arguments>...)
# One CTest running `tilegraph <arguments>` through expect_exit.cmake: it passes when the
# command exits with <exit code> and prints <message fragment> (docs/cli.md's contract).
#   ENV       runs the command under `cmake -E env VAR=value` (a launcher's variables)
#   PROGRAM   what runs before tilegraph's path, one quoted list ("mpirun;-np;2"), default nothing
#   LABELS    one quoted list ("tuning;tools"); default: TG_EXIT_CASE_LABELS of the calling directory, else "tools"
#   TIMEOUT   default: TG_EXIT_CASE_TIMEOUT of the calling directory, else 120 s
#   EMPTY_LAST, NO_CONTROL_CHARS: as expect_exit.cmake documents them.
# Every exit-code table of the tests (tests/tools, tests/tuning, tests/distributed) uses it,
# so a change to how a case runs is made once.
function(tg_exit_case test code text)
  # One-value keywords, read with PARSE_ARGV, keep a LABELS or PROGRAM list whole; a
  # multi-value one would swallow the tilegraph arguments that follow it.
  cmake_parse_arguments(PARSE_ARGV 3 C "EMPTY_LAST;NO_CONTROL_CHARS" "ENV;TIMEOUT;PROGRAM;LABELS" "")
  if(NOT C_LABELS)
    set(C_LABELS tools)
    if(DEFINED TG_EXIT_CASE_LABELS)
      set(C_LABELS ${TG_EXIT_CASE_LABELS})
    endif()
  endif()
  if(NOT C_TIMEOUT)
    set(C_TIMEOUT 120)
    if(DEFINED TG_EXIT_CASE_TIMEOUT)
      set(C_TIMEOUT ${TG_EXIT_CASE_TIMEOUT})
    endif()
  endif()
  set(command ${C_PROGRAM} $<TARGET_FILE:tilegraph>)
  if(C_ENV)
    set(command ${CMAKE_COMMAND} -E env ${C_ENV} ${command})
  endif()
  add_test(NAME ${test}
    COMMAND ${CMAKE_COMMAND} "-DCOMMAND=${command};${C_UNPARSED_ARGUMENTS}" -DEXPECT_CODE=${code}
            "-DEXPECT_TEXT=${text}" -DEMPTY_LAST=${C_EMPTY_LAST} -DNO_CONTROL_CHARS=${C_NO_CONTROL_CHARS}
            -P ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/expect_exit.cmake)
  set_tests_properties(${test} PROPERTIES LABELS "${C_LABELS}" TIMEOUT ${C_TIMEOUT})
endfunction()
