/*
 * test_env.c - the runtime's settings from the environment (runtime/env.c,
 * docs/runtime.md "Settings"), on a child process (tests/progs/env_hello.c)
 * started with each variable set to garbage, a negative number, a value
 * past the range, one that overflows 64 bits, an empty string and zero:
 *   - GOCC_MAXTHREADS, GOCC_STACKSIZE and GOCC_SEED: an invalid value prints
 *     `gocc: invalid NAME="v": want an integer from LO to HI` and exits 2
 *     before main runs (nothing on stdout);
 *   - GOCC_MAXPROCS, as Go's GOMAXPROCS: an invalid value prints the same
 *     message with "; using the default, N" and the program runs; 0 is the
 *     default, silently;
 *   - empty is unset (the default, silently); valid values run cleanly.
 */
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static const char *RAN = "main ran 42\n";

/* Run env_hello with name=value in its environment. */
static child_result *run_with(const char *name, const char *value) {
    static char env[512];
    snprintf(env, sizeof env, "%s=%s", name, value);
    char *argv[] = {PROG("env_hello"), NULL};
    char *envp[] = {env, NULL};
    child_result *r = run_child(argv, envp, 30);
    if (r->timed_out || !r->exited)
        print_child(r);
    assert_false(r->timed_out);
    assert_true(r->exited);
    return r;
}

/* name=value must run main normally with nothing on stderr. */
static void expect_ok(const char *name, const char *value) {
    child_result *r = run_with(name, value);
    if (r->status != 0 || strcmp(r->out, RAN) || r->err[0]) {
        print_message("%s=\"%s\":\n", name, value);
        print_child(r);
    }
    assert_int_equal(r->status, 0);
    assert_string_equal(r->out, RAN);
    assert_string_equal(r->err, "");
    free(r);
}

/* name=value must exit 2 before main, saying exactly want (one line). */
static void expect_fatal(const char *name, const char *value,
                         const char *want) {
    child_result *r = run_with(name, value);
    if (r->status != 2 || r->out[0] || strcmp(r->err, want)) {
        print_message("%s=\"%s\": want status 2 and stderr %s", name, value,
                      want);
        print_child(r);
    }
    assert_int_equal(r->status, 2);
    assert_string_equal(r->out, "");
    assert_string_equal(r->err, want);
    free(r);
}

/* name=value must warn exactly want_prefix + "; using the default, N\n"
 * and then run main normally. */
static void expect_warning(const char *name, const char *value,
                           const char *want_prefix) {
    child_result *r = run_with(name, value);
    size_t n = strlen(want_prefix);
    const char *tail = "; using the default, ";
    bool ok = r->status == 0 && !strcmp(r->out, RAN) &&
              !strncmp(r->err, want_prefix, n) &&
              !strncmp(r->err + n, tail, strlen(tail));
    if (!ok) {
        print_message("%s=\"%s\": want a warning %s...\n", name, value,
                      want_prefix);
        print_child(r);
    }
    assert_true(ok);
    /* the default: a worker count from 1 to 1024, then the end of line */
    char *end;
    long d = strtol(r->err + n + strlen(tail), &end, 10);
    assert_true(d >= 1 && d <= 1024);
    assert_string_equal(end, "\n");
    free(r);
}

/* The values every variable is tried with that no variable accepts. */
static const char *const GARBAGE[] = {
    "abc", "-1", "-4096", "+4", " 4", "4 ", "4x", "0x10", "1e3",
    "99999999999999999999",        /* 20 digits: past 2^64 */
    "18446744073709551616",        /* 2^64 */
    "123456789012345678901234567890",
};
enum { NGARBAGE = sizeof GARBAGE / sizeof GARBAGE[0] };

static void check_fatal_all(const char *name, const char *range) {
    char want[512];
    for (int i = 0; i < NGARBAGE; i++) {
        snprintf(want, sizeof want,
                 "gocc: invalid %s=\"%s\": want an integer from %s\n", name,
                 GARBAGE[i], range);
        expect_fatal(name, GARBAGE[i], want);
    }
}

static void test_maxprocs(void **s) {
    (void)s;
    const char *range = "1 to 1024";
    char want[512];
    for (int i = 0; i < NGARBAGE; i++) {
        snprintf(want, sizeof want,
                 "gocc: invalid GOCC_MAXPROCS=\"%s\": want an integer from %s",
                 GARBAGE[i], range);
        expect_warning("GOCC_MAXPROCS", GARBAGE[i], want);
    }
    /* past the limit, and past int: once a crash before main */
    expect_warning("GOCC_MAXPROCS", "1025",
                   "gocc: invalid GOCC_MAXPROCS=\"1025\": want an integer "
                   "from 1 to 1024");
    expect_warning("GOCC_MAXPROCS", "2147483648",
                   "gocc: invalid GOCC_MAXPROCS=\"2147483648\": want an "
                   "integer from 1 to 1024");
    expect_ok("GOCC_MAXPROCS", "");
    expect_ok("GOCC_MAXPROCS", "0");
    expect_ok("GOCC_MAXPROCS", "1");
    expect_ok("GOCC_MAXPROCS", "3");
    expect_ok("GOCC_MAXPROCS", "0003");
}

static void test_maxthreads(void **s) {
    (void)s;
    check_fatal_all("GOCC_MAXTHREADS", "1 to 1000000");
    expect_fatal("GOCC_MAXTHREADS", "0",
                 "gocc: invalid GOCC_MAXTHREADS=\"0\": want an integer from "
                 "1 to 1000000\n");
    expect_fatal("GOCC_MAXTHREADS", "1000001",
                 "gocc: invalid GOCC_MAXTHREADS=\"1000001\": want an integer "
                 "from 1 to 1000000\n");
    expect_ok("GOCC_MAXTHREADS", "");
    expect_ok("GOCC_MAXTHREADS", "1000000");
    expect_ok("GOCC_MAXTHREADS", "1100");   /* enough for 1024 workers */
}

static void test_stacksize(void **s) {
    (void)s;
    check_fatal_all("GOCC_STACKSIZE", "16384 to 1073741824");
    expect_fatal("GOCC_STACKSIZE", "0",
                 "gocc: invalid GOCC_STACKSIZE=\"0\": want an integer from "
                 "16384 to 1073741824\n");
    expect_fatal("GOCC_STACKSIZE", "16383",
                 "gocc: invalid GOCC_STACKSIZE=\"16383\": want an integer "
                 "from 16384 to 1073741824\n");
    expect_fatal("GOCC_STACKSIZE", "1073741825",
                 "gocc: invalid GOCC_STACKSIZE=\"1073741825\": want an "
                 "integer from 16384 to 1073741824\n");
    expect_ok("GOCC_STACKSIZE", "");
    expect_ok("GOCC_STACKSIZE", "16384");
    expect_ok("GOCC_STACKSIZE", "1000000");   /* rounded up to pages */
}

static void test_seed(void **s) {
    (void)s;
    check_fatal_all("GOCC_SEED", "0 to 18446744073709551615");
    expect_ok("GOCC_SEED", "");
    expect_ok("GOCC_SEED", "0");
    expect_ok("GOCC_SEED", "18446744073709551615");
    expect_ok("GOCC_SEED", "42");
}

/* Unprintable bytes and quotes are escaped, and a long value is cut. */
static void test_quoting(void **s) {
    (void)s;
    expect_fatal("GOCC_SEED", "a\"b\\c\n\x01",
                 "gocc: invalid GOCC_SEED=\"a\\\"b\\\\c\\x0a\\x01\": want an "
                 "integer from 0 to 18446744073709551615\n");
    char big[200], want[512];
    memset(big, '7', 100);
    big[100] = 'x';
    big[101] = 0;
    snprintf(want, sizeof want,
             "gocc: invalid GOCC_SEED=\"%.64s...\": want an integer from 0 "
             "to 18446744073709551615\n", big);
    expect_fatal("GOCC_SEED", big, want);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_maxprocs),
        cmocka_unit_test(test_maxthreads),
        cmocka_unit_test(test_stacksize),
        cmocka_unit_test(test_seed),
        cmocka_unit_test(test_quoting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
