# Run by ctest: compile SRC with CC and -Werror; pass only if compilation
# fails and the compiler's output matches every "// expect: <regex>" line
# of SRC.  Also compiles SRC with -DGOCC_GOOD (the well-typed variant of the
# snippet, if the file has one) and requires that to succeed, so a test
# cannot pass merely because the snippet is broken in some other way.
file(STRINGS ${SRC} expects REGEX "// expect: ")
if(NOT expects)
  message(FATAL_ERROR "${SRC}: no // expect: line")
endif()
set(flags -std=c11 -Wall -Wextra -Werror -I${INC} -fsyntax-only)
execute_process(COMMAND ${CC} ${flags} -DGOCC_GOOD ${SRC}
  RESULT_VARIABLE good_rc OUTPUT_VARIABLE good_out ERROR_VARIABLE good_out)
if(NOT good_rc EQUAL 0)
  message(FATAL_ERROR "${SRC}: the well-typed variant (-DGOCC_GOOD) does not compile:\n${good_out}")
endif()
execute_process(COMMAND ${CC} ${flags} ${SRC}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "${SRC}: compiled without a diagnostic")
endif()
foreach(line ${expects})
  string(REGEX REPLACE ".*// expect: " "" re "${line}")
  if(NOT out MATCHES "${re}")
    message(FATAL_ERROR "${SRC}: diagnostic does not match '${re}':\n${out}")
  endif()
endforeach()
message(STATUS "${SRC}: rejected as expected")
