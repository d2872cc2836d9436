#!/usr/bin/env bash
# tests/install_examples.sh - the install_examples ctest (docs/install.md):
# install the built tree into a scratch prefix, build examples/make with
# make + pkg-config and examples/cmake with find_package(gocc) (Ninja, when
# there is one, and Makefiles), run them, check that touching a header the
# .gc files include translates them again, then move the prefix and check
# that it still works from its new place.  The programs built with make
# (linked by cc, then by gocc, with pkg-config's options) must run with no
# LD_LIBRARY_PATH and without libgocc.so: gocc.pc names libgocc.a.
# Usage: install_examples.sh <build dir> <source dir> <C compiler> <work dir>
# Exit status 77 (ctest: skipped) when make or pkg-config is missing.
set -euo pipefail
build=$1 src=$2 cc=$3 work=$4

for tool in make pkg-config; do
    command -v "$tool" >/dev/null || { echo "SKIP: no $tool"; exit 77; }
done

rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
export CC=$cc
unset GOCC_INCLUDE_DIR GOCC_LIB_DIR MAKEFLAGS MFLAGS LD_LIBRARY_PATH

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "=== $*"; }

# expect_output <program> <expected stdout>: run with no LD_LIBRARY_PATH
expect_output() {
    local got
    got=$(env -u LD_LIBRARY_PATH "$1") || fail "$1 exited with $?"
    [ "$got" = "$2" ] || fail "$1 printed:
$got
expected:
$2"
}

make_out="sum of squares 1..10: 385
worker finished"
cmake_out="3
13
23
33
43
pipeline of 3 stages done (goroutine 1)"

step "cmake --install $build --prefix $prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/gocc include/gocc.h lib/libgocc.a lib/libgocc.so \
         lib/pkgconfig/gocc.pc lib/cmake/gocc/goccConfig.cmake \
         lib/cmake/gocc/goccConfigVersion.cmake \
         lib/cmake/gocc/GoccTranslate.cmake share/man/man1/gocc.1 \
         share/gocc/gdb/gocc-gdb.py; do
    [ -e "$prefix/$f" ] || fail "not installed: $f"
done

# check_make <prefix>: examples/make, built with make, pkg-config and the
# gocc on PATH, linked by cc and then by gocc (make LINK=gocc); the program
# runs from elsewhere without LD_LIBRARY_PATH and does not load
# libgocc.so; then a touched header must make it translate again.
check_make() {
    local p=$1 d=$work/make
    step "examples/make against $p"
    rm -rf "$d"
    cp -R "$src/examples/make" "$d"
    (
        export PATH=$p/bin:$PATH PKG_CONFIG_PATH=$p/lib/pkgconfig
        cd "$d"
        pkg-config --libs gocc | grep -q -- "-l:libgocc.a" ||
            fail "pkg-config --libs gocc: $(pkg-config --libs gocc)"
        for link in "$cc" gocc; do
            make clean >/dev/null
            make CC="$cc" LINK="$link"
            (cd / && expect_output "$d/squares" "$make_out")
            if ldd ./squares | grep libgocc >/dev/null; then
                fail "squares (linked by $link) needs libgocc.so"
            fi
        done
        make -q || fail "make: not up to date after a build"
        sleep 1
        touch squares.h
        if make -q; then fail "make: squares.h changed, nothing to redo"; fi
        local log
        log=$(make CC="$cc")
        grep -q -- "-T .*squares.gc" <<<"$log" ||
            fail "make: squares.gc not translated again"
        expect_output ./squares "$make_out"
    )
}

# check_cmake <prefix> <generator>: examples/cmake through find_package.
check_cmake() {
    local p=$1 gen=$2 d=$work/cmake-src b=$work/cmake-build
    step "examples/cmake against $p ($gen)"
    rm -rf "$d" "$b"
    cp -R "$src/examples/cmake" "$d"
    cmake -S "$d" -B "$b" -G "$gen" -DCMAKE_C_COMPILER="$cc" \
          -DCMAKE_PREFIX_PATH="$p" >/dev/null
    cmake --build "$b"
    expect_output "$b/pipeline" "$cmake_out"
    # gocc_target_sources on a plain add_executable, with gocc::rt_shared
    expect_output "$b/pipeline_shared" "$cmake_out"
    ldd "$b/pipeline_shared" | grep "$p/.*libgocc.so" >/dev/null ||
        fail "cmake: pipeline_shared does not use $p's libgocc.so"
    local log
    log=$(cmake --build "$b")
    if grep -q "translating" <<<"$log"; then
        fail "cmake: translated again with nothing changed"
    fi
    sleep 1
    touch "$d/include/stages.h"
    log=$(cmake --build "$b")
    grep -q "translating pipeline.gc" <<<"$log" ||
        fail "cmake: include/stages.h changed, pipeline.gc not translated again"
    expect_output "$b/pipeline" "$cmake_out"
}

gens=("Unix Makefiles")
command -v ninja >/dev/null && gens+=(Ninja)

check_make "$prefix"
cp "$work/make/squares" "$work/squares-before-move"
for g in "${gens[@]}"; do
    check_cmake "$prefix" "$g"
done

# Relocation: the installed tree, moved, must still find its own files.
moved=$work/elsewhere/deeper
step "relocated: $prefix -> $moved"
mkdir -p "$work/elsewhere"
mv "$prefix" "$moved"
moved_real=$(cd "$moved" && pwd -P)
"$moved/bin/gocc" --cflags | grep -- "-I$moved_real/include" >/dev/null ||
    fail "gocc --cflags does not point into $moved: $("$moved/bin/gocc" --cflags)"
(
    cd "$work"
    "$moved/bin/gocc" -O1 -Wall -Werror "$src/examples/make/main.gc" \
        "$src/examples/make/squares.gc" -o relocated
    expect_output ./relocated "$make_out"
    # the driver links the static library
    if ldd ./relocated | grep libgocc >/dev/null; then
        fail "gocc linked libgocc.so, not libgocc.a"
    fi
)
# the sanitizer runtimes, where the build has them: installed beside
# libgocc.a, and the moved gocc links them (-race, -fsanitize=address)
for v in race:-race asan:-fsanitize=address; do
    name=${v%%:*} flag=${v#*:}
    [ -e "$build/libgocc-$name.a" ] || continue
    step "relocated: gocc $flag"
    [ -e "$moved/lib/libgocc-$name.a" ] || fail "not installed: lib/libgocc-$name.a"
    (
        cd "$work"
        "$moved/bin/gocc" -O1 -Wall -Werror "$flag" \
            "$src/examples/make/main.gc" "$src/examples/make/squares.gc" \
            -o "relocated-$name"
        expect_output "./relocated-$name" "$make_out"
    )
done
# built before the move, it never needed the prefix at run time
expect_output "$work/squares-before-move" "$make_out"
check_make "$moved"
check_cmake "$moved" "${gens[0]}"
step "install_examples: all passed"
