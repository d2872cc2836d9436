#!/usr/bin/env bash
# tests/link/exported_symbols.sh - the exported_symbols ctest: libgocc.a
# and libgocc.so define, as global symbols, exactly the public API (gocc_
# names that include/gocc.h declares) and the libc functions the runtime
# defines in libc's place (the list below: goroutine I/O parking needs
# every one of them exported, docs/runtime.md "I/O" and "Linking"), and
# none of the runtime's internal names (internal_names.h).
# The sanitizer runtimes (libgocc-race.a, libgocc-asan.a), named after
# these, must export the same set as libgocc.a.
# Usage: exported_symbols.sh <nm> <libgocc.a> <libgocc.so> <gocc.h> <internal_names.h> [<libgocc-race.a> ...]
set -euo pipefail
nm=$1 archive=$2 shlib=$3 header=$4 internal=$5
shift 5

hooks="__poll_chk __ppoll_chk __read_chk __recv_chk __recvfrom_chk accept
accept4 clock_nanosleep close connect dup2 dup3 epoll_pwait epoll_wait fcntl
fcntl64 ioctl nanosleep pipe pipe2 poll ppoll pselect pthread_sigmask read
readv recv recvfrom recvmsg select send sendmsg sendto setsockopt
sigprocmask sleep socket socketpair usleep write writev"

fail=0
bad() { echo "FAIL: $*"; fail=1; }

# defined global symbols (nm: "address type name"; the archive's member
# headers and blank lines have fewer fields)
static_syms=$("$nm" -g --defined-only "$archive" | awk 'NF == 3 {print $3}' | sort -u)
shared_syms=$("$nm" -D --defined-only "$shlib" | awk 'NF == 3 {print $3}' |
              sed 's/@.*//' | sort -u)
[ -n "$static_syms" ] || bad "no symbols read from $archive"
[ -n "$shared_syms" ] || bad "no symbols read from $shlib"

check() {   # <what> <symbols>
    local what=$1 syms=$2 s h
    for s in $syms; do
        case " $(echo $hooks) " in *" $s "*) continue ;; esac
        if [[ $s == gocc_* ]] && grep -qw -- "$s" "$header"; then
            continue
        fi
        bad "$what exports $s, neither gocc.h's API nor a libc call"
    done
    for h in $hooks; do
        grep -qx -- "$h" <<<"$syms" || bad "$what does not export $h"
    done
    for s in $(sed -n 's/^GOCC_FORMER(\(.*\))$/\1/p' "$internal"); do
        grep -qx -- "$s" <<<"$syms" && bad "$what exports internal $s"
    done
    echo "$what: $(wc -l <<<"$syms") exported symbols"
}
check libgocc.a "$static_syms"
check libgocc.so "$shared_syms"
[ "$static_syms" = "$shared_syms" ] ||
    bad "libgocc.a and libgocc.so export different sets: $(diff <(echo "$static_syms") <(echo "$shared_syms") | grep '^[<>]' | tr '\n' ' ')"
for variant in "$@"; do
    v_syms=$("$nm" -g --defined-only "$variant" | awk 'NF == 3 {print $3}' | sort -u)
    [ "$v_syms" = "$static_syms" ] ||
        bad "$variant and libgocc.a export different sets: $(diff <(echo "$static_syms") <(echo "$v_syms") | grep '^[<>]' | tr '\n' ' ')"
    echo "$(basename "$variant"): $(wc -l <<<"$v_syms") exported symbols"
done
[ "$(grep -c '^GOCC_FORMER(' "$internal")" -gt 80 ] || bad "$internal: list too short"
[ $fail = 0 ] && echo "exported_symbols: ok"
exit $fail
