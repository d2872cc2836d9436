# tests/header/check.cmake - <gocc.h> changes nothing about how plain C
# compiles (ctest: header_clean).
#   cmake -DGOCC=path/to/gocc -DINC=include -DCCS="gcc;clang" -DWORK=dir
#         -P tests/header/check.cmake
# With each compiler of CCS:
#   - plain.c (C89 code using the whole API) and user_bool.c (a program
#     with its own bool, true, false, int64_t and uint32_t, the header
#     included after them with -DBOOL_FIRST, and before) must compile
#     with -pedantic -Wall -Wextra -Werror in c89, gnu89, c99, gnu99, c11,
#     gnu11, c17 and gnu17;
#   - prog.gc, translated with `gocc -T`, the same from c99 on.  (Not in
#     C89: the translator's lowerings are C99 - a for-range keeps its
#     declaration in the for, a go call fills its argument block with
#     designated initializers, select declares its temporaries between
#     statements.)
cmake_minimum_required(VERSION 3.20)
foreach(v GOCC INC CCS WORK)
  if(NOT DEFINED ${v} OR "${${v}}" STREQUAL "")
    message(FATAL_ERROR "check.cmake: -D${v}=... is required")
  endif()
endforeach()
get_filename_component(here "${CMAKE_CURRENT_LIST_FILE}" DIRECTORY)
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

execute_process(COMMAND "${GOCC}" -T "${here}/prog.gc" -o "${WORK}/prog.c"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gocc -T prog.gc failed:\n${out}")
endif()

set(flags -pedantic -Wall -Wextra -Werror "-I${INC}" -fsyntax-only)
set(failed "")
set(n 0)
foreach(cc ${CCS})
  if("${cc}" STREQUAL "")
    continue()
  endif()
  foreach(std c89 gnu89 c99 gnu99 c11 gnu11 c17 gnu17)
    set(cases "plain.c" "user_bool.c" "user_bool.c -DBOOL_FIRST")
    if(NOT std MATCHES "89$")
      list(APPEND cases "${WORK}/prog.c")
    endif()
    foreach(case ${cases})
      separate_arguments(args UNIX_COMMAND "${case}")
      list(GET args 0 file)
      list(REMOVE_AT args 0)
      if(NOT IS_ABSOLUTE "${file}")
        set(file "${here}/${file}")
      endif()
      execute_process(COMMAND "${cc}" -std=${std} ${flags} ${args} "${file}"
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
      math(EXPR n "${n} + 1")
      if(NOT rc EQUAL 0 OR NOT "${out}" STREQUAL "")
        string(APPEND failed
          "\n--- ${cc} -std=${std} ${case}:\n${out}")
      endif()
    endforeach()
  endforeach()
endforeach()
if(failed)
  message(FATAL_ERROR "<gocc.h> is not clean:${failed}")
endif()
message(STATUS "${n} compilations clean")
