#!/usr/bin/env bash
# tests/ccache_hit.sh GOCC CC WORKDIR - `gocc -c` through CC="ccache CC":
# translating the same .gc twice gives the same C at the same path (next to
# the object), so the second compile is a ccache hit.  Skipped (77) without
# ccache.
set -euo pipefail
gocc=$1 cc=$2 work=$3
command -v ccache >/dev/null || { echo "ccache not installed: skipped"; exit 77; }
rm -rf "$work" && mkdir -p "$work" && cd "$work"
export CCACHE_DIR=$work/cache
unset CCACHE_DISABLE CCACHE_NOSTATS
cat >x.gc <<'GC'
#include <stdio.h>
int main(void) {
    chan<int> c = make(chan<int>, 1);
    go { c <- 42; }
    printf("%d\n", <-c);
    return 0;
}
GC
ccache -z >/dev/null
CC="ccache $cc" "$gocc" -c x.gc -o x.o
CC="ccache $cc" "$gocc" -c x.gc -o x.o
hits=$(ccache --print-stats | awk '$1 == "direct_cache_hit" { print $2 }')
echo "direct hits: ${hits:-none}"
[ "${hits:-0}" -ge 1 ] || { ccache -s; exit 1; }
# the -T flow (Makefile rules, gocc_add_executable): translate again into
# the same file, compile through ccache twice: the second is a hit too
ccache -z >/dev/null
for i in 1 2; do
    "$gocc" -T x.gc -o t.gc.c
    ccache "$cc" -I"$("$gocc" --cflags | sed 's/^-I//; s/ .*//')" -c t.gc.c -o t.o
done
thits=$(ccache --print-stats | awk '$1 == "direct_cache_hit" { print $2 }')
echo "-T direct hits: ${thits:-none}"
[ "${thits:-0}" -ge 1 ] || { ccache -s; exit 1; }
# the translation next to the object is gone, the object links and runs
[ ! -e x.o.gc.c ] || { echo "x.o.gc.c left behind"; exit 1; }
CC="$cc" "$gocc" x.o -o x
[ "$(./x)" = 42 ]
echo ok
