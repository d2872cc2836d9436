# GoccInstall.cmake - `cmake --install` rules (included by the top-level
# CMakeLists.txt; docs/install.md).  Installs
#   bin/gocc                              the driver
#   include/gocc.h                        the runtime's header
#   lib/libgocc.a, lib/libgocc.so[.N]     the runtime, static and shared
#   lib/libgocc-race.a, lib/libgocc-asan.a  the runtime built with TSan and
#                                         ASan (gocc -race, -fsanitize=address;
#                                         where built: GOCC_RT_VARIANTS)
#   lib/pkgconfig/gocc.pc                 for pkg-config (libgocc.a)
#   lib/cmake/gocc/                       find_package(gocc): gocc::rt,
#                                         gocc::gocc, gocc_add_executable
#   share/man/man1/gocc.1                 the manual page
#   share/gocc/gdb/gocc-gdb.py            the gdb extension, for `source`
#                                         by hand (every program carries
#                                         it too: runtime/gdb_script.c)
# Every file refers to the others relatively (gocc from its executable,
# gocc.pc through ${pcfiledir}, goccConfig.cmake through its own
# directory), so an installed tree still works after it is moved.
include(CMakePackageConfigHelpers)

# The sanitizer the runtime was built with: programs that link it need it.
if(GOCC_SANITIZE)
  set(GOCC_INSTALL_RT_FLAGS "-fsanitize=${GOCC_SANITIZE}")
  set(GOCC_PC_RT_FLAGS " -fsanitize=${GOCC_SANITIZE}")
else()
  set(GOCC_INSTALL_RT_FLAGS "")
  set(GOCC_PC_RT_FLAGS "")
endif()

install(TARGETS gocc RUNTIME DESTINATION bin)
install(TARGETS gocc_rt ARCHIVE DESTINATION lib)
if(GOCC_RT_VARIANTS)
  install(TARGETS ${GOCC_RT_VARIANTS} ARCHIVE DESTINATION lib)
endif()
install(TARGETS gocc_rt_shared LIBRARY DESTINATION lib)
install(FILES ${PROJECT_SOURCE_DIR}/include/gocc.h DESTINATION include)
install(FILES ${PROJECT_SOURCE_DIR}/docs/gocc.1 DESTINATION share/man/man1)
install(FILES ${PROJECT_SOURCE_DIR}/runtime/gdb/gocc-gdb.py
  DESTINATION share/gocc/gdb)

configure_file(${CMAKE_CURRENT_LIST_DIR}/gocc.pc.in
  ${PROJECT_BINARY_DIR}/gocc.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/gocc.pc DESTINATION lib/pkgconfig)

set(GOCC_CONFIG_INCLUDEDIR include)
set(GOCC_CONFIG_LIBDIR lib)
set(GOCC_CONFIG_BINDIR bin)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/goccConfig.cmake.in
  ${PROJECT_BINARY_DIR}/goccConfig.cmake
  INSTALL_DESTINATION lib/cmake/gocc
  PATH_VARS GOCC_CONFIG_INCLUDEDIR GOCC_CONFIG_LIBDIR GOCC_CONFIG_BINDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/goccConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/goccConfig.cmake
  ${PROJECT_BINARY_DIR}/goccConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/GoccTranslate.cmake
  DESTINATION lib/cmake/gocc)
