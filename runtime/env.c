/*
 * env.c - the runtime's settings from the environment, parsed strictly.
 *
 * Every variable the runtime reads (GOCC_MAXPROCS, GOCC_MAXTHREADS,
 * GOCC_SEED, GOCC_STACKSIZE) goes through env_uint: a value is decimal
 * digits only (no sign, no spaces, no 0x), range-checked without overflow.
 * Unset or empty means the default.  Anything else is either fatal
 *     gocc: invalid GOCC_STACKSIZE="-1": want an integer from 16384 to ...
 * (exit status 2, before main runs), or, for GOCC_MAXPROCS only, as Go
 * treats GOMAXPROCS, a warning and the default; GOCC_MAXPROCS=0 is the
 * default, silently, as GOMAXPROCS=0 is (docs/runtime.md, "Settings").  Called from start() only, before any runtime thread
 * exists: nothing here needs a lock.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Parse s as a decimal integer within [lo, hi].  Returns true and sets *out
 * on success; false for an empty string, any character other than the
 * digits 0-9, or a value that overflows or is out of range. */
static bool parse_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out) {
    if (!*s)
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;   /* overflow */
        v = v * 10 + d;
    }
    if (v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* Quote s into buf (size n) as Go's %q would for ASCII: backslash and
 * double quote escaped, other bytes outside 0x20-0x7e as \xNN; a value
 * longer than ~64 bytes is cut with "...". */
static void quote(const char *s, char *buf, size_t n) {
    size_t j = 0;
    buf[j++] = '"';
    for (size_t i = 0; s[i] && j + 8 < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (i >= 64) {
            j += (size_t)snprintf(buf + j, n - j, "...");
            break;
        }
        if (ch == '"' || ch == '\\') {
            buf[j++] = '\\';
            buf[j++] = (char)ch;
        } else if (ch < 0x20 || ch > 0x7e) {
            j += (size_t)snprintf(buf + j, n - j, "\\x%02x", ch);
        } else {
            buf[j++] = (char)ch;
        }
    }
    buf[j++] = '"';
    buf[j] = 0;
}

/* The value of name in [lo, hi], or dflt (unset, empty, or with
 * ENV_ZERO_DEFAULT "0"); otherwise report it and exit 2, or with ENV_WARN
 * report it and return dflt (contract in internal.h). */
uint64_t env_uint(const char *name, uint64_t lo, uint64_t hi, uint64_t dflt,
                  int flags) {
    const char *s = getenv(name);
    uint64_t v;
    if (!s || !*s)
        return dflt;
    if ((flags & ENV_ZERO_DEFAULT) && parse_uint(s, 0, 0, &v))
        return dflt;
    if (parse_uint(s, lo, hi, &v))
        return v;
    char q[300];
    quote(s, q, sizeof q);
    fflush(stdout);
    if (flags & ENV_WARN) {
        fprintf(stderr, "gocc: invalid %s=%s: want an integer from %llu to "
                        "%llu; using the default, %llu\n",
                name, q, (unsigned long long)lo, (unsigned long long)hi,
                (unsigned long long)dflt);
        return dflt;
    }
    fprintf(stderr, "gocc: invalid %s=%s: want an integer from %llu to %llu\n",
            name, q, (unsigned long long)lo, (unsigned long long)hi);
    exit(2);
}
