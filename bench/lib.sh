# shellcheck shell=bash
# bench/lib.sh - helpers shared by bench/run and bench/run-runtime, which
# source it.  The caller defines log MESSAGE (progress to stderr).

# apt_install PACKAGE: install a Debian package (with sudo when not root),
# running apt-get update if the first try fails.
apt_install() {
    local sudo=
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get install -y "$1" >/dev/null ||
        { $sudo apt-get update >/dev/null && $sudo apt-get install -y "$1" >/dev/null; }
}

# ensure_go: install golang-go if `go` is missing.
ensure_go() {
    command -v go >/dev/null && return
    log "go not found: installing golang-go"
    apt_install golang-go
}

# median_lines [FMT]: the median of the numbers on stdin, one per line
# ("nan" for none); an even count averages the middle two, printed with
# FMT (default %.6g, awk's own).
median_lines() {
    sort -g | awk -v fmt="${1:-%.6g}" '{ v[NR] = $1 }
        END { if (NR == 0) print "nan";
              else if (NR % 2) print v[(NR + 1) / 2];
              else printf fmt "\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
