#!/usr/bin/env bash
# tests/sema_check.sh GOCC ROOT - the text pass (translator/tr_text.c)
# against libclang on every .gc file of the project.
#
# Each .gc file under ROOT's samples/ and tests/ is translated with
# GOCC_SEMA=check, which runs both passes and reports every site where the
# text pass's answer differs from libclang's; any such line fails the test.
# The samples and tests/gc/run/text_pass_*.gc must also take the text pass
# (no "types from libclang" note): that is what keeps a small file's
# translation from loading libclang, and a change that makes the pass give
# up on them shows here.  Files that fail to translate (tests/gc/fail)
# are fine: only disagreements count.
# Prints `N files, T answered by the text pass, F fell back, D disagreed`.
set -uo pipefail
gocc=$1
root=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 text=0 back=0 bad=0 missed=0
while IFS= read -r f; do
    n=$((n + 1))
    GOCC_SEMA=check "$gocc" -T "$f" -o "$tmp/out.c" >/dev/null 2>"$tmp/err"
    if grep -q "GOCC_SEMA=check: the text pass answers" "$tmp/err"; then
        bad=$((bad + 1))
        grep "GOCC_SEMA=check: the text pass answers" "$tmp/err" | head -5
    fi
    if grep -q "GOCC_SEMA=check: types from libclang" "$tmp/err"; then
        back=$((back + 1))
        case $f in
        "$root"/samples/*.gc | "$root"/tests/gc/run/text_pass_*.gc)
            missed=$((missed + 1))
            echo "should take the text pass:"
            grep "types from libclang" "$tmp/err" ;;
        esac
    else
        text=$((text + 1))
    fi
done < <(find "$root/samples" "$root/tests" -name '*.gc' | sort)
echo "$n files, $text answered by the text pass (or asked nothing), $back fell back, $bad disagreed"
[ "$bad" -eq 0 ] && [ "$missed" -eq 0 ] && [ "$n" -gt 100 ]
