# GoccTranslate.cmake - build .gc sources with CMake (docs/install.md).
# Included by goccConfig.cmake; needs CMake >= 3.20 (DEPFILE with the
# Makefile generators) and a Ninja or Makefile generator.
#
#   gocc_add_executable(<name> [WIN32|MACOSX_BUNDLE] [EXCLUDE_FROM_ALL] <source>...)
#       add_executable() whose .gc sources are translated (the other sources
#       go in as they are), linked with the runtime (gocc::rt, static).
#
#   gocc_target_sources(<target> <source.gc>...)
#       translate the .gc sources and add the C to <target> (which must
#       link gocc::rt or gocc::rt_shared itself).
#
# Each x.gc becomes <binary dir>/gocc/<target>/x.gc.c through
# `gocc -T -MD -MF <depfile>` at build time, so that editing x.gc or any
# header it includes translates it again.  The target's include
# directories and compile definitions (theirs and those they get from the
# libraries they link, evaluated at generate time) go to the translation
# as -I and -D; the C compile of the result gets them as usual, plus
# -iquote <the .gc's directory> for its #include "..." lines.
# GOCC_TRANSLATE_OPTIONS (a list, e.g. -std=gnu11) adds options to every
# translation.  The translator is told the C compiler ($CC) so that its
# __clang__ matches the one that compiles the result.
include_guard(GLOBAL)
cmake_minimum_required(VERSION 3.20)

function(gocc_target_sources target)
  if(TARGET gocc::gocc)
    set(gocc_exe $<TARGET_FILE:gocc::gocc>)
    set(gocc_dep gocc::gocc)
  elseif(GOCC_EXECUTABLE)
    set(gocc_exe ${GOCC_EXECUTABLE})
    set(gocc_dep ${GOCC_EXECUTABLE})
  else()
    message(FATAL_ERROR "gocc_target_sources: no gocc::gocc target")
  endif()
  set(incs "$<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>")
  set(defs "$<TARGET_PROPERTY:${target},COMPILE_DEFINITIONS>")
  foreach(src IN LISTS ARGN)
    get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    get_filename_component(dir "${abs}" DIRECTORY)
    file(RELATIVE_PATH rel "${CMAKE_CURRENT_SOURCE_DIR}" "${abs}")
    string(REPLACE "../" "__/" rel "${rel}")
    set(out "${CMAKE_CURRENT_BINARY_DIR}/gocc/${target}/${rel}.c")
    get_filename_component(outdir "${out}" DIRECTORY)
    file(MAKE_DIRECTORY "${outdir}")
    add_custom_command(
      OUTPUT "${out}"
      COMMAND ${CMAKE_COMMAND} -E env "CC=${CMAKE_C_COMPILER}"
              ${gocc_exe} -T
              "$<$<BOOL:${incs}>:-I$<JOIN:${incs},;-I>>"
              "$<$<BOOL:${defs}>:-D$<JOIN:${defs},;-D>>"
              ${GOCC_TRANSLATE_OPTIONS}
              -MD -MF "${out}.d" "${abs}" -o "${out}"
      DEPENDS "${abs}" ${gocc_dep}
      DEPFILE "${out}.d"
      COMMENT "gocc: translating ${src}"
      COMMAND_EXPAND_LISTS
      VERBATIM)
    set_source_files_properties("${out}" PROPERTIES
      GENERATED TRUE
      COMPILE_OPTIONS "-iquote;${dir}")
    target_sources(${target} PRIVATE "${out}")
  endforeach()
endfunction()

function(gocc_add_executable name)
  set(flags)
  set(gc)
  set(other)
  foreach(a IN LISTS ARGN)
    if(a MATCHES "^(WIN32|MACOSX_BUNDLE|EXCLUDE_FROM_ALL)$")
      list(APPEND flags ${a})
    elseif(a MATCHES "\\.gc$")
      list(APPEND gc ${a})
    else()
      list(APPEND other ${a})
    endif()
  endforeach()
  add_executable(${name} ${flags} ${other})
  gocc_target_sources(${name} ${gc})
  target_link_libraries(${name} PRIVATE gocc::rt)
endfunction()
