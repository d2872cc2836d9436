#!/usr/bin/env bash
# tests/line_map_check.sh GOCC [-Dflags...] FILE.gc... - check that the
# translation maps every line of copied source back to its own .gc line.
#
# Each FILE.gc is translated with `gocc -T`, then preprocessed with
# `gcc -E -fdirectives-only` (conditionals, #include and #line processed as
# the compiler does, macros not expanded), so the line markers in that
# output are the lines the compiler and the debugger use.  Every output
# line attributed to FILE.gc must show that .gc line: each identifier in
# it must occur on the .gc line it maps to (a directive: on its lines
# joined by backslash-newline; but for `return` and `break`,
# which the emitter adds to main's last line and to select cases).  Lines that name gocc_ or
# GOCC_ (lowered constructs, generated code) are not compared, nor the
# rest of a marker section that starts with generated code (the structs
# and trampolines written before and after a function, main's wrapper).  -D, -U and -I
# options apply to every file; a file's own `// cflags:` line (the run
# tests' header) adds its -D/-U options.
# Prints `FILE: N lines checked, M wrong` and the first wrong lines; exit
# status 1 when any line is wrong.
set -euo pipefail
gocc=$1
shift
flags=()
while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do
    flags+=("$1")
    shift
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
incdir=$("$gocc" --cflags | sed 's/^-I//; s/ .*//')
bad=0
for f in "$@"; do
    abs=$(cd "$(dirname "$f")" && pwd -P)/$(basename "$f")
    own=()
    while read -r opt; do
        case $opt in -D*|-U*) own+=("$opt") ;; esac
    done < <(sed -n 's|^// cflags:||p' "$f" | tr ' ' '\n')
    "$gocc" -T "${flags[@]}" "${own[@]}" "$abs" -o "$tmp/out.c"
    gcc -E -fdirectives-only -I"$incdir" -iquote "$(dirname "$abs")" \
        "${flags[@]}" "${own[@]}" "$tmp/out.c" -o "$tmp/out.i"
    if ! awk -v src="$abs" -v name="$f" '
        function ids(s, out,   n) {
            n = 0
            delete out
            while (match(s, /[A-Za-z_][A-Za-z0-9_]*/)) {
                out[substr(s, RSTART, RLENGTH)] = 1
                s = substr(s, RSTART + RLENGTH)
                n++
            }
            return n
        }
        FNR == NR { line[FNR] = $0; next }
        /^# [0-9]+ "/ {
            file = $3
            gsub(/^"|"$/, "", file)
            cur = $2 - 1
            first = 1
            gen = 0
            next
        }
        {
            cur++
            if (file != src)
                next
            if (first && $0 ~ /^(struct gocc_|static (void|int) gocc_|extern char \*\*environ;)/)
                gen = 1
            first = 0
            if ($0 ~ /gocc_|GOCC_/)
                next
            if (gen || $0 ~ /^[ \t]*$/)
                next
            checked++
            # a directive comes back joined with its continuation lines
            text = line[cur]
            for (k = cur; $0 ~ /^[ \t]*#/ && line[k] ~ /\\$/; k++)
                text = text " " line[k + 1]
            ids(text, want)
            ids($0, got)
            for (id in got)
                if (!(id in want) && id != "return" && id != "break") {
                    if (wrong++ < 5)
                        printf "%s:%d: shows \"%s\"\n", name, cur, $0
                    break
                }
        }
        END {
            printf "%s: %d lines checked, %d wrong\n", name, checked, wrong
            exit wrong > 0
        }' "$abs" "$tmp/out.i"; then
        bad=1
    fi
done
exit $bad
