/*
 * gdb_script.c - puts the gdb extension (runtime/gdb/gocc-gdb.py: `info
 * goroutines`, `goroutine N bt`) in every program the runtime is linked
 * into, for gdb to load with the program (docs/debugging.md, "gdb").
 *
 * The script's whole text is an entry of the .debug_gdb_scripts section,
 * gdb's "inline Python script" (kind 4: the byte 4, a name line, the text,
 * a NUL), rather than its file name (kind 1, which Go uses): a file name
 * written when the runtime is compiled would point into the build tree,
 * wrong once gocc is installed elsewhere or its tree moved, and a relative
 * one is looked up on gdb's source path, which users would have to set.
 * The cost is the script's size (about 20 KB) in each program's file: the
 * section is not loaded at run time, and strip --strip-debug drops it with
 * the DWARF the script needs anyway.  The section is mergeable strings
 * ("MS", 1), so a program that links the runtime twice (libgocc.a into a
 * shared library and the program) carries one copy; gdb loads a script of
 * a given name once.
 *
 * gdb runs section scripts only from files under `auto-load safe-path`
 * (docs/debugging.md says what to set).  GOCC_GDB_SCRIPT, the script's
 * absolute path, comes from CMakeLists.txt, which also makes this file's
 * object depend on the script.
 */
#ifndef GOCC_GDB_SCRIPT
#error "GOCC_GDB_SCRIPT: the path of runtime/gdb/gocc-gdb.py (CMakeLists.txt)"
#endif

__asm__(".pushsection \".debug_gdb_scripts\", \"MS\", @progbits, 1\n"
        ".byte 4\n"
        ".ascii \"gocc-gdb.py\\n\"\n"
        ".incbin \"" GOCC_GDB_SCRIPT "\"\n"
        ".byte 0\n"
        ".popsection\n");
