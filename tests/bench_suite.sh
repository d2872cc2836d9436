#!/usr/bin/env bash
# tests/bench_suite.sh GOCC CC SUITE WORKDIR - the benchmark programs of
# bench/suite still build with `gocc -O2` and print their known results
# with one worker and with two (bench/run compares them with their Go
# twins and times them; this keeps them correct between benchmark runs).
set -euo pipefail
gocc=$1 cc=$2 suite=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
declare -A want=(
    [pingpong]="500000500000"
    [skynet]="499999500000"
    [sieve]="27449"
    [mpmc]="7999998000000"
    [select]="1000000 499999500000"
    [spawn]="499999500000"
    [parked]="100000"
)
status=0
for name in pingpong skynet sieve mpmc select spawn parked; do
    CC=$cc "$gocc" -O2 "$suite/$name.gc" -o "$work/$name"
    for procs in 1 2; do
        got=$(GOCC_MAXPROCS=$procs "$work/$name")
        if [ "$got" = "${want[$name]}" ]; then
            echo "ok   $name procs=$procs: $got"
        else
            echo "FAIL $name procs=$procs: got '$got', want '${want[$name]}'"
            status=1
        fi
    done
done
exit $status
