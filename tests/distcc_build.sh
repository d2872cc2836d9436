#!/usr/bin/env bash
# tests/distcc_build.sh GOCC CC WORKDIR - `gocc -c` through CC="distcc cc"
# (DISTCC_HOSTS=localhost: distcc compiles locally, no daemon needed): the
# launcher receives the translated C, and the object links and runs.
# Skipped (77) without distcc.
set -euo pipefail
gocc=$1 cc=$2 work=$3
command -v distcc >/dev/null || { echo "distcc not installed: skipped"; exit 77; }
rm -rf "$work" && mkdir -p "$work" && cd "$work"
export DISTCC_HOSTS=localhost DISTCC_DIR=$work/distcc
cat >x.gc <<'GC'
#include <stdio.h>
static void twice(chan<int> c, int v) { c <- 2 * v; }
int main(void) {
    chan<int> c = make(chan<int>);
    go twice(c, 21);
    printf("%d\n", <-c);
    return 0;
}
GC
CC="distcc $cc" "$gocc" -c x.gc -o x.o
CC="$cc" "$gocc" x.o -o x
[ "$(./x)" = 42 ]
echo ok
