#!/usr/bin/env bash
# tests/gdb/check.sh - the gdb_goroutines test: the gdb extension
# (runtime/gdb/gocc-gdb.py, docs/debugging.md "gdb") is auto-loaded from
# a program built by the gocc driver, and its commands show that program's
# goroutines.
#   check.sh GOCC CC WORK [SANITIZE [BUILD_TYPE]]
# Builds goroutines.gc with `gocc -O1`, runs it under gdb in batch mode
# (no terminal; a timeout) to its breakpoint in gdb_stop_here, and checks:
#   info goroutines   every goroutine's id, status, wait reason (Go's
#                     names) and the .gc line of its innermost program
#                     frame (the `// gdb:` markers), `*` on goroutine 1;
#   goroutine 2 bt    the parked receiver's stack, from its saved context;
#   goroutine 1 bt    the running goroutine: its thread's stack;
#   goroutine 999 bt  a gdb error, no Python traceback;
#   continue          the program runs on and exits normally (the
#                     registers the commands borrowed were put back);
# then, but in sanitizer builds (whose shadow memory a core would hold),
# the same `info goroutines` and `goroutine 2 bt` on a core file that gdb
# wrote (gcore) at the breakpoint, where registers cannot be written.
# Also: WAIT_NAMES in the script are traceback.c's wait_names.
# Exit 77 (skipped) without gdb or its Python.  SANITIZE: GOCC_SANITIZE
# (passes with asm and ucontext, and with ASan and TSan, gcc and clang).
set -u
gocc=$1 cc=$2 work=$3 sanitize=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
src=$here/goroutines.gc

skip() { echo "gdb_goroutines: skipped: $*"; exit 77; }
fail() { echo "gdb_goroutines: FAIL: $*"; echo "--- gdb output:"; cat "$out"; exit 1; }

# gocc-gdb.py's WAIT_NAMES are traceback.c's wait_names, in the order of
# enum wait_reason (runtime/internal.h)
rt=$here/../../runtime
enum=$(sed -n '/^enum wait_reason {/,/};/p' "$rt/internal.h" |
       grep -o 'WR_[A-Z_]*' | grep -v WR_COUNT | tr '\n' ' ')
desig=$(sed -n '/wait_names\[WR_COUNT\] = {/,/};/p' "$rt/traceback.c" |
        grep -o '^ *\[WR_[A-Z_]*\]' | tr -d '[] ' | tr '\n' ' ')
names_c=$(sed -n '/wait_names\[WR_COUNT\] = {/,/};/p' "$rt/traceback.c" |
          grep -o '"[^"]*"' | tail -n +3)
names_py=$(sed -n '/^WAIT_NAMES = \[/,/^\]/p' "$rt/gdb/gocc-gdb.py" |
           grep -o '"[^"]*"' | tail -n +3)
if [ -z "$enum" ] || [ "$enum" != "$desig" ] || [ -z "$names_c" ] ||
   [ "$names_c" != "$names_py" ]; then
    echo "gdb_goroutines: FAIL: gocc-gdb.py's WAIT_NAMES differ from traceback.c's wait_names or enum wait_reason"
    echo "enum: $enum"; echo "wait_names: $desig"
    diff <(echo "$names_c") <(echo "$names_py")
    exit 1
fi

# ASan: LeakSanitizer cannot work under ptrace and would end the program
# with an error at its exit
case $sanitize in
*address*) export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 ;;
esac
command -v gdb >/dev/null 2>&1 || skip "no gdb (Debian package gdb)"
gdb -batch -nx -ex 'python print("py-ok")' 2>/dev/null | grep -q py-ok ||
    skip "this gdb has no Python"

mkdir -p "$work" || exit 1
prog=$work/goroutines
out=$work/gdb.out
: >"$out"
CC=$cc "$gocc" -O1 -Wall -Wextra -Werror "$src" -o "$prog" ||
    { echo "gdb_goroutines: FAIL: gocc could not build $src"; exit 1; }

gdb_run() {
    GOCC_MAXPROCS=1 timeout -k 10 120 gdb -batch -nx \
        -iex 'set auto-load safe-path /' -iex 'set pagination off' \
        -iex 'set width 0' -iex 'set confirm off' "$@" </dev/null
    local rc=$?
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then fail "gdb timed out"; fi
}
core=
[ -z "$sanitize" ] && core=$work/core
rm -f "$work/core"
gdb_run -ex 'break gdb_stop_here' -ex run \
    -ex 'info goroutines' \
    -ex 'echo ==== goroutine 2 bt\n' -ex 'goroutine 2 bt' \
    -ex 'echo ==== goroutine 1 bt\n' -ex 'goroutine 1 bt' \
    -ex 'echo ==== goroutine 999 bt\n' -ex 'goroutine 999 bt' \
    ${core:+-ex "gcore $core"} \
    -ex 'echo ==== continue\n' -ex continue \
    --args "$prog" >"$out" 2>&1

# the line of marker `// gdb:NAME` in the source
line() {
    local n
    n=$(grep -n "// gdb:$1\$" "$src" | cut -d: -f1)
    [ -n "$n" ] || { echo "no marker gdb:$1 in $src" >&2; exit 1; }
    echo "$n"
}
# one line of the output must match the extended regex $1
expect() {
    grep -Eq -- "$1" "$out" || fail "no line matches: $1"
}
# the part of the output between "==== $1" and the next "===="
section() {
    awk -v h="==== $1" '$0 == h {on = 1; next} /^==== / {on = 0} on' "$out"
}

f='goroutines\.gc'
# what `info goroutines` and `goroutine 2 bt` show, live or from a core
check_goroutines() {
    grep -q 'Python Exception\|Traceback (most recent' "$out" &&
        fail "a Python exception"
    grep -q 'Undefined info command: "goroutines"' "$out" &&
        fail "the gdb extension was not loaded (.debug_gdb_scripts)"
    expect '^  Id +Status +Wait reason +Location$'
    expect "^\* 1 +running +gdb_stop_here at .*$f:$(line stop)\$"
    expect "^  2 +waiting +chan receive +receiver at .*$f:$(line receiver)\$"
    expect "^  3 +waiting +chan send +sender at .*$f:$(line sender)\$"
    expect "^  4 +waiting +select +chooser at .*$f:$(line chooser)\$"
    expect "^  6 +waiting +select \(no cases\) +main\.func5 at .*$f:$(line block)\$"
    [ "$(grep -cE '^[* ] [0-9]+ ' "$out")" -eq 6 ] || fail "not 6 goroutines listed"
    bt2=$(section 'goroutine 2 bt')
    echo "$bt2" | grep -Eq "^#[01] " || fail "goroutine 2 bt: no frames"
    echo "$bt2" | grep -Eq "^#[0-9]+ .* in receiver \(\) at .*$f:$(line receiver)\$" ||
        fail "goroutine 2 bt: no frame of receiver at its .gc line"
}
check_goroutines
bt1=$(section 'goroutine 1 bt')
echo "$bt1" | grep -Eq "^#0 +gdb_stop_here \(\) at .*$f:$(line stop)\$" ||
    fail "goroutine 1 bt: not the running thread's stack"
section 'goroutine 999 bt' | grep -qx 'No goroutine 999 (`info goroutines` lists them).' ||
    fail "goroutine 999 bt: not the expected error"
section continue | grep -q '^main returns$' || fail "the program did not run on"
section continue | grep -Eq 'exited normally' || fail "the program did not exit normally"

if [ -n "$core" ]; then
    [ -s "$core" ] || fail "gcore wrote no core file"
    out=$work/gdb-core.out
    gdb_run -ex 'info goroutines' \
        -ex 'echo ==== goroutine 2 bt\n' -ex 'goroutine 2 bt' \
        "$prog" "$core" >"$out" 2>&1
    check_goroutines
    section 'goroutine 2 bt' | grep -q '^#0 ' &&
        fail "core: goroutine 2 bt shows the thread's own frame 0"
    rm -f "$core"
fi
echo "gdb_goroutines: ok"
