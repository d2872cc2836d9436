# tests/gc/run.cmake - one end-to-end .gc test (see tests/gc/README.md).
#   cmake -DGOCC=path/to/gocc -DCC=gcc -DSRC=tests/gc/run/x.gc
#         [-DWORK=scratch/dir] [-DOPT="-O1 -Wall -Wextra -Werror"]
#         -P tests/gc/run.cmake
# Compiles SRC (and its "// extra-sources:") with the gocc driver, CC in the
# environment, then runs the program with the "// env:" settings and a
# timeout and checks its stdout exactly, its stderr by regex and its exit
# status.
cmake_minimum_required(VERSION 3.20)
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)

foreach(v GOCC CC SRC)
  if(NOT DEFINED ${v} OR "${${v}}" STREQUAL "")
    message(FATAL_ERROR "run.cmake: -D${v}=... is required")
  endif()
endforeach()
get_filename_component(SRC "${SRC}" ABSOLUTE)
get_filename_component(srcdir "${SRC}" DIRECTORY)
get_filename_component(name "${SRC}" NAME_WE)
if(NOT DEFINED WORK)
  set(WORK "${CMAKE_CURRENT_BINARY_DIR}/gc-${name}")
endif()
if(NOT DEFINED OPT)
  set(OPT "-O1 -Wall -Wextra -Werror")
endif()
separate_arguments(opt_list UNIX_COMMAND "${OPT}")

# ------------------------------------------------------------ the header
set(expect_stdout "")
set(stdout_re "")
set(have_stdout_re OFF)
set(n_stderr_re 0)
set(expect_status 0)
set(env_line "")
set(args_line "")
set(cflags_line "")
set(extra_line "")
set(timeout 30)
set(tries 1)
set(n_compile_error_re 0)
set(compile_warning_re "")
set(have_compile_warning OFF)

gc_read_lines("${SRC}" L)
math(EXPR last "${L_COUNT} - 1")
foreach(i RANGE ${last})
  set(line "${L_${i}}")
  if(line MATCHES "^//\\|")
    string(SUBSTRING "${line}" 3 -1 rest)
    if(rest MATCHES "^ ")
      string(SUBSTRING "${rest}" 1 -1 rest)
    endif()
    string(APPEND expect_stdout "${rest}\n")
  elseif(line MATCHES "^// expect-stdout: *$")
    # marker only: the //| lines that follow are the stdout
  elseif(line MATCHES "^// expect-stdout-regex: (.*)$")
    gc_regex(stdout_re "${CMAKE_MATCH_1}")
    set(have_stdout_re ON)
  elseif(line MATCHES "^// expect-stderr-regex: (.*)$")
    gc_regex(stderr_re_${n_stderr_re} "${CMAKE_MATCH_1}")
    math(EXPR n_stderr_re "${n_stderr_re} + 1")
  elseif(line MATCHES "^// expect-status: *([0-9]+|abort) *$")
    set(expect_status ${CMAKE_MATCH_1})
  elseif(line MATCHES "^// env: (.*)$")
    string(APPEND env_line " ${CMAKE_MATCH_1}")
  elseif(line MATCHES "^// args: (.*)$")
    string(APPEND args_line " ${CMAKE_MATCH_1}")
  elseif(line MATCHES "^// cflags: (.*)$")
    string(APPEND cflags_line " ${CMAKE_MATCH_1}")
  elseif(line MATCHES "^// extra-sources: (.*)$")
    string(APPEND extra_line " ${CMAKE_MATCH_1}")
  elseif(line MATCHES "^// timeout: *([0-9]+) *$")
    set(timeout ${CMAKE_MATCH_1})
  elseif(line MATCHES "^// tries: *([1-9][0-9]*) *$")
    set(tries ${CMAKE_MATCH_1})
  elseif(line MATCHES "^// expect-compile-error: (.*)$")
    gc_regex(compile_error_re_${n_compile_error_re} "${CMAKE_MATCH_1}")
    math(EXPR n_compile_error_re "${n_compile_error_re} + 1")
  elseif(line MATCHES "^// expect-compile-warning: (.*)$")
    gc_regex(compile_warning_re "${CMAKE_MATCH_1}")
    set(have_compile_warning ON)
  elseif(line MATCHES "^// (expect-[a-z-]+|env|args|cflags|extra-sources|timeout|tries):")
    message(FATAL_ERROR "${SRC}:${i}: malformed header line: ${line}")
  endif()
endforeach()

separate_arguments(cflags UNIX_COMMAND "${cflags_line}")
separate_arguments(args UNIX_COMMAND "${args_line}")
separate_arguments(envs UNIX_COMMAND "${env_line}")
separate_arguments(extra_rel UNIX_COMMAND "${extra_line}")
set(extras)
foreach(e IN LISTS extra_rel)
  list(APPEND extras "${srcdir}/${e}")
endforeach()

# --------------------------------------------------------------- compile
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(exe "${WORK}/${name}")
set(ENV{CC} "${CC}")
gc_clean_env()
set(cmd ${GOCC} ${opt_list} ${cflags} ${SRC} ${extras} -o ${exe})
string(JOIN " " cmd_text ${cmd})
execute_process(COMMAND ${cmd}
  WORKING_DIRECTORY "${WORK}"
  RESULT_VARIABLE crc OUTPUT_VARIABLE cout ERROR_VARIABLE cout
  TIMEOUT 300)

if(n_compile_error_re GREATER 0)
  if(crc EQUAL 0)
    message(FATAL_ERROR "${name}: compiled, but a diagnostic was expected\n"
      "command: CC=${CC} ${cmd_text}\n${cout}")
  endif()
  math(EXPR lastre "${n_compile_error_re} - 1")
  foreach(k RANGE ${lastre})
    if(NOT cout MATCHES "${compile_error_re_${k}}")
      message(FATAL_ERROR "${name}: compiler output does not match '${compile_error_re_${k}}'\n"
        "command: CC=${CC} ${cmd_text}\n${cout}")
    endif()
  endforeach()
  message(STATUS "${name}: rejected at compile time as expected")
  return()
endif()

if(NOT crc EQUAL 0)
  message(FATAL_ERROR "${name}: compilation failed (${crc})\n"
    "command: CC=${CC} ${cmd_text}\n${cout}")
endif()
if(NOT EXISTS "${exe}")
  message(FATAL_ERROR "${name}: the driver exited 0 but wrote no ${exe}\n"
    "command: CC=${CC} ${cmd_text}\n${cout}")
endif()
if(have_compile_warning AND NOT cout MATCHES "${compile_warning_re}")
  message(FATAL_ERROR "${name}: no compile warning matching '${compile_warning_re}'\n"
    "command: CC=${CC} ${cmd_text}\n${cout}")
endif()

# ------------------------------------------------------------------- run
foreach(e IN LISTS envs)
  if(NOT e MATCHES "^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
    message(FATAL_ERROR "${SRC}: bad // env: entry '${e}'")
  endif()
  set(ENV{${CMAKE_MATCH_1}} "${CMAKE_MATCH_2}")
endforeach()
# "// tries: N": up to N runs, the first that meets the expectations
# passes (a race report needs two goroutines running at once on
# different workers, which a loaded machine does not promise each run).
foreach(try RANGE 1 ${tries})
  execute_process(COMMAND ${exe} ${args}
    WORKING_DIRECTORY "${WORK}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
    TIMEOUT ${timeout})

  # Sanitizer builds: ASan's notice about makecontext/swapcontext (the
  # runtime annotates every switch, so it is only a notice) is not the
  # program's output.
  string(REGEX REPLACE "==[0-9]+==WARNING: ASan doesn't fully support makecontext/swapcontext functions and may produce false positives in some cases!\n" "" err "${err}")

  set(problems "")
  if(expect_status STREQUAL "abort")
    # killed by SIGABRT (GOCC_TRACEBACK=crash): cmake says "Subprocess aborted"
    if(NOT rc MATCHES "aborted")
      string(APPEND problems "  exit: '${rc}', expected death by SIGABRT\n")
    endif()
  elseif(NOT rc MATCHES "^[0-9]+$")
    string(APPEND problems "  exit: '${rc}' (expected status ${expect_status})\n")
  elseif(NOT rc EQUAL expect_status)
    string(APPEND problems "  exit status ${rc}, expected ${expect_status}\n")
  endif()
  if(have_stdout_re)
    if(NOT out MATCHES "${stdout_re}")
      string(APPEND problems "  stdout does not match '${stdout_re}'\n")
    endif()
  elseif(NOT out STREQUAL expect_stdout)
    string(APPEND problems "  stdout differs from the //| lines\n")
  endif()
  if(n_stderr_re EQUAL 0)
    if(NOT err STREQUAL "")
      string(APPEND problems "  stderr is not empty\n")
    endif()
  else()
    math(EXPR lastre "${n_stderr_re} - 1")
    foreach(k RANGE ${lastre})
      if(NOT err MATCHES "${stderr_re_${k}}")
        string(APPEND problems "  stderr does not match '${stderr_re_${k}}'\n")
      endif()
    endforeach()
  endif()

  if(problems STREQUAL "")
    break()
  endif()
endforeach()
if(NOT problems STREQUAL "")
  message(FATAL_ERROR "${name} (CC=${CC}):\n${problems}"
    "----- expected stdout -----\n${expect_stdout}"
    "----- actual stdout -----\n${out}"
    "----- actual stderr -----\n${err}"
    "----- compile: CC=${CC} ${cmd_text}\n${cout}")
endif()
message(STATUS "${name} (CC=${CC}): ok")
