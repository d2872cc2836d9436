# Helpers shared by run.cmake and fail.cmake (included, not run).

# gc_read_lines(PATH PREFIX): read PATH and set PREFIX_COUNT and
# PREFIX_0 .. PREFIX_<COUNT-1>, one variable per line, byte for byte.
# Lines are kept in separate variables, not in a CMake list, because list
# splitting mangles ';', '[', ']' and '\'.
function(gc_read_lines path prefix)
  file(READ "${path}" text)
  gc_split_lines("${text}" ${prefix})
  set(${prefix}_COUNT ${${prefix}_COUNT} PARENT_SCOPE)
  if(${prefix}_COUNT EQUAL 0)
    return()
  endif()
  math(EXPR last "${${prefix}_COUNT} - 1")
  foreach(i RANGE ${last})
    set(${prefix}_${i} "${${prefix}_${i}}" PARENT_SCOPE)
  endforeach()
endfunction()

# gc_split_lines(TEXT PREFIX): the same for a string.
function(gc_split_lines text prefix)
  string(ASCII 1 bs)
  string(ASCII 2 sc)
  string(ASCII 3 lb)
  string(ASCII 4 rb)
  string(REPLACE "\\" "${bs}" text "${text}")
  string(REPLACE ";" "${sc}" text "${text}")
  string(REPLACE "[" "${lb}" text "${text}")
  string(REPLACE "]" "${rb}" text "${text}")
  string(REPLACE "\r\n" "\n" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(n 0)
  foreach(line IN LISTS lines)
    string(REPLACE "${bs}" "\\" line "${line}")
    string(REPLACE "${sc}" ";" line "${line}")
    string(REPLACE "${lb}" "[" line "${line}")
    string(REPLACE "${rb}" "]" line "${line}")
    set(${prefix}_${n} "${line}" PARENT_SCOPE)
    math(EXPR n "${n} + 1")
  endforeach()
  set(${prefix}_COUNT ${n} PARENT_SCOPE)
endfunction()

# gc_regex(OUT RE): a header regex with "\n" (backslash, n) turned into a
# newline, so that one regex can span lines of output.
function(gc_regex out re)
  string(REPLACE "\\n" "\n" re "${re}")
  set(${out} "${re}" PARENT_SCOPE)
endfunction()

# Keep the runtime's knobs out of the inherited environment, so that only
# a test's own "// env:" line sets them.
macro(gc_clean_env)
  foreach(v GOCC_MAXPROCS GOCC_MAXTHREADS GOCC_SEED GOCC_STACKSIZE GOCC_TRACEBACK)
    unset(ENV{${v}})
  endforeach()
endmacro()
