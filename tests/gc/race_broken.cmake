# tests/gc/race_broken.cmake - the other direction of a race-free
# tests/gc/race/*.gc test (tests/gc/README.md, "Sanitizer tests"): built
# with its "// cflags:" (-race or -fsanitize=address) and its
# "// broken:" options, which take its synchronisation (or its bounds)
# away, it must be reported: exit status 66 (TSAN_OPTIONS / ASAN_OPTIONS
# exitcode=66), "WARNING: ThreadSanitizer: data race" or "ERROR:
# AddressSanitizer" on stderr, with a frame on the test's own .gc file, in
# one of up to 5 runs.
#   cmake -DGOCC=build/gocc -DCC=gcc -DSRC=tests/gc/race/x.gc -DWORK=dir
#         -P tests/gc/race_broken.cmake
cmake_minimum_required(VERSION 3.20)
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
get_filename_component(SRC "${SRC}" ABSOLUTE)
get_filename_component(name "${SRC}" NAME_WE)
file(STRINGS "${SRC}" hdr REGEX "^// (cflags|env|broken): ")
set(cflags_line "")
set(env_line "")
set(broken_line "")
foreach(line IN LISTS hdr)
  if(line MATCHES "^// cflags: (.*)$")
    string(APPEND cflags_line " ${CMAKE_MATCH_1}")
  elseif(line MATCHES "^// env: (.*)$")
    string(APPEND env_line " ${CMAKE_MATCH_1}")
  elseif(line MATCHES "^// broken: (.*)$")
    string(APPEND broken_line " ${CMAKE_MATCH_1}")
  endif()
endforeach()
if(broken_line STREQUAL "")
  message(FATAL_ERROR "${SRC}: no // broken: line")
endif()
separate_arguments(cflags UNIX_COMMAND "${cflags_line} ${broken_line}")
separate_arguments(envs UNIX_COMMAND "${env_line}")
if(cflags_line MATCHES "address")
  set(report "ERROR: AddressSanitizer")
else()
  set(report "WARNING: ThreadSanitizer: data race")
endif()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(exe "${WORK}/${name}")
set(ENV{CC} "${CC}")
gc_clean_env()
set(cmd ${GOCC} -O1 -Wall -Wextra -Werror ${cflags} ${SRC} -o ${exe})
string(JOIN " " cmd_text ${cmd})
execute_process(COMMAND ${cmd} WORKING_DIRECTORY "${WORK}"
  RESULT_VARIABLE crc OUTPUT_VARIABLE cout ERROR_VARIABLE cout TIMEOUT 300)
if(NOT crc EQUAL 0)
  message(FATAL_ERROR "${name}: compilation failed (${crc})\n"
    "command: CC=${CC} ${cmd_text}\n${cout}")
endif()
foreach(e IN LISTS envs)
  if(e MATCHES "^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
    set(ENV{${CMAKE_MATCH_1}} "${CMAKE_MATCH_2}")
  endif()
endforeach()
set(ENV{TSAN_OPTIONS} "exitcode=66:halt_on_error=1")
set(ENV{ASAN_OPTIONS} "exitcode=66:detect_leaks=0")
# TSan sees a race only between goroutines that ran at the same time on
# different workers (docs/debugging.md), which the scheduler does not
# promise on every run: up to 5 runs, the first report passes.
foreach(try RANGE 1 5)
  execute_process(COMMAND ${exe} WORKING_DIRECTORY "${WORK}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
  set(problems "")
  if(NOT rc STREQUAL "66")
    string(APPEND problems "  exit '${rc}', expected 66 (a sanitizer report)\n")
  endif()
  if(NOT err MATCHES "${report}")
    string(APPEND problems "  no '${report}' on stderr\n")
  endif()
  if(NOT err MATCHES "${name}\\.gc:[0-9]+")
    string(APPEND problems "  the report names no line of ${name}.gc\n")
  endif()
  if(problems STREQUAL "")
    break()
  endif()
  message(STATUS "${name} broken, run ${try}: not reported")
endforeach()
if(NOT problems STREQUAL "")
  message(FATAL_ERROR "${name} broken (CC=${CC}):\n${problems}"
    "----- stdout -----\n${out}----- stderr -----\n${err}"
    "----- compile: CC=${CC} ${cmd_text}\n${cout}")
endif()
message(STATUS "${name} broken (CC=${CC}): reported as expected")
