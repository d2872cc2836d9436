# tests/golden/check.cmake - one golden translation test.
#   cmake -DGOCC=path/to/gocc -DSRC=tests/golden/x.gc [-DWORK=dir]
#         [-DROOT=project/source/dir] -P tests/golden/check.cmake
# Translates SRC twice with `gocc -T`, requires the two outputs to be
# identical (the translation is deterministic), normalises the output (the
# absolute directory of SRC becomes @SRC@, the project root @ROOT@) and
# compares it with the expected file next to SRC (x.gc -> x.c).  A missing
# expected file is a failure: create it with tests/golden/regen.
# With -DINC=include/dir and -DCCS="gcc;clang", the translation must also
# compile without a warning under -Wall -Wextra -Werror with each compiler,
# in -std=c11 and in -std=gnu11 (the output is plain C, GNU or not).
cmake_minimum_required(VERSION 3.20)
foreach(v GOCC SRC)
  if(NOT DEFINED ${v} OR "${${v}}" STREQUAL "")
    message(FATAL_ERROR "check.cmake: -D${v}=... is required")
  endif()
endforeach()
get_filename_component(SRC "${SRC}" ABSOLUTE)
get_filename_component(dir "${SRC}" DIRECTORY)
get_filename_component(name "${SRC}" NAME_WE)
set(expected "${dir}/${name}.c")
if(NOT DEFINED WORK)
  set(WORK "${CMAKE_CURRENT_BINARY_DIR}/golden-${name}")
endif()
if(NOT DEFINED ROOT)
  get_filename_component(ROOT "${dir}/../.." ABSOLUTE)
endif()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
foreach(k 1 2)
  execute_process(COMMAND ${GOCC} -T ${SRC} -o ${WORK}/out${k}.c
    WORKING_DIRECTORY "${WORK}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
  if(NOT rc STREQUAL "0")
    message(FATAL_ERROR "${name}: `gocc -T` failed (${rc})\n${err}${out}")
  endif()
  if(NOT EXISTS "${WORK}/out${k}.c")
    message(FATAL_ERROR "${name}: `gocc -T ${SRC} -o ${WORK}/out${k}.c` exited 0 but wrote nothing")
  endif()
endforeach()
file(READ "${WORK}/out1.c" t1)
file(READ "${WORK}/out2.c" t2)
if(NOT t1 STREQUAL t2)
  message(FATAL_ERROR "${name}: two translations of the same file differ (${WORK}/out1.c, out2.c)")
endif()

# Normalise: the longest paths first, real and as given.
get_filename_component(rdir "${dir}" REALPATH)
get_filename_component(rroot "${ROOT}" REALPATH)
foreach(p "${dir}" "${rdir}")
  string(REPLACE "${p}/" "@SRC@/" t1 "${t1}")
endforeach()
foreach(p "${ROOT}" "${rroot}")
  string(REPLACE "${p}/" "@ROOT@/" t1 "${t1}")
endforeach()
file(WRITE "${WORK}/${name}.c" "${t1}")

if(NOT EXISTS "${expected}")
  message(FATAL_ERROR "${name}: no expected file ${expected}; "
    "review ${WORK}/${name}.c and run tests/golden/regen path/to/gocc")
endif()
file(READ "${expected}" want)
if(NOT t1 STREQUAL want)
  find_program(DIFF diff)
  set(d "")
  if(DIFF)
    execute_process(COMMAND ${DIFF} -u "${expected}" "${WORK}/${name}.c"
      OUTPUT_VARIABLE d ERROR_VARIABLE d)
  endif()
  message(FATAL_ERROR "${name}: translation differs from ${expected}\n"
    "(if the change is intended: tests/golden/regen path/to/gocc)\n${d}")
endif()
message(STATUS "${name}: matches ${expected}")

if(DEFINED INC AND DEFINED CCS)
  foreach(cc IN LISTS CCS)
    foreach(std c11 gnu11)
      execute_process(COMMAND ${cc} -std=${std} -Wall -Wextra -Werror
          -fsyntax-only -I${INC} ${WORK}/out1.c
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 120)
      if(NOT rc STREQUAL "0")
        message(FATAL_ERROR "${name}: the translation does not compile "
          "cleanly with ${cc} -std=${std} -Wall -Wextra -Werror:\n${out}")
      endif()
    endforeach()
  endforeach()
  message(STATUS "${name}: compiles cleanly with ${CCS}, -std=c11 and gnu11")
endif()
