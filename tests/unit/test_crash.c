/*
 * test_crash.c - how programs fail and end (LANGUAGE.md 5, 9, 3), checked
 * on child processes (tests/progs/crash_*.c):
 *   - runtime panics print "panic: <message>" and "goroutine <id>
 *     [running]:" (the id of the goroutine that panicked) to stderr and
 *     exit 2: send on a closed channel (also for a sender already blocked
 *     when the channel is closed, and a select send), close of a closed or
 *     nil channel, makechan with a negative size or a buffer past Go's
 *     allocation limit (2^48 bytes) or whose size overflows, a negative
 *     WaitGroup counter, gocc_panic;
 *   - a deadlock (main blocked on a channel nobody sends on, a cycle, a
 *     wait group never done, a nil channel, select {}, a mutex locked
 *     twice) prints "fatal error: all goroutines are asleep - deadlock!"
 *     and exits 2, with one worker and with several;
 *   - no false deadlock while a timer is pending or a plain pthread could
 *     still send;
 *   - a stack overflow, guarded or past the guarded-stack budget, prints
 *     "fatal error: stack overflow in goroutine <id>" and exits 2;
 *   - main (goroutine 1) gets RLIMIT_STACK's soft limit as its stack (1 GB
 *     when unlimited), or GOCC_STACKSIZE if larger; running off it is
 *     reported as an overflow of goroutine 1; other goroutines keep 64 KiB
 *     (tests/progs/main_stack.c);
 *   - using a freed channel (every operation, select, a second free) is
 *     "fatal error: use of freed channel", exit 2 (tests/progs/chan_misuse.c),
 *     and a pointer that is not a channel "use of invalid channel";
 *   - in a Debug build, the runtime's invariant checks: a goroutine readied
 *     that is not waiting is "fatal error: bad g->status in ready", a free
 *     lock released "fatal error: unlock of unlocked lock"
 *     (tests/progs/debug_checks.c; skipped with NDEBUG);
 *   - a dump (a panic, GOCC_TRACEBACK=all) shows a wait of three minutes as Go does,
 *     "[chan receive, 3 minutes]" (tests/progs/dump_internals.c);
 *   - main returning 3 exits 3 at once whatever other goroutines do;
 *     exit(4) from another goroutine exits 4.
 */
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static const char *DEADLOCK =
    "fatal error: all goroutines are asleep - deadlock!";

static child_result *run_case(const char *prog, const char *mode,
                              const char *maxprocs, int timeout_s) {
    char *argv[] = {(char *)prog, (char *)mode, NULL};
    char env[64];
    snprintf(env, sizeof env, "GOCC_MAXPROCS=%s", maxprocs);
    char *envp[] = {env, NULL};
    return run_child(argv, envp, timeout_s);
}

static void expect_exit(const child_result *r, int status) {
    if (r->timed_out || !r->exited || r->status != status)
        print_child(r);
    assert_false(r->timed_out);
    assert_true(r->exited);
    assert_int_equal(r->status, status);
}

static void expect_in(const char *hay, const char *needle) {
    if (!strstr(hay, needle))
        print_message("expected to find \"%s\" in:\n%s\n", needle, hay);
    assert_non_null(strstr(hay, needle));
}

/* The id the child printed as "goid=N" on stdout. */
static long child_goid(const child_result *r) {
    const char *p = strstr(r->out, "goid=");
    if (!p)
        print_child(r);
    assert_non_null(p);
    return atol(p + 5);
}

/* ---------------------------------------------------------------- panics */

/* Run a panic case; goid: the id of the goroutine that panics (ids are
 * handed out in spawn order, main is 1). */
static void check_panic(const char *mode, const char *message, long goid) {
    child_result *r = run_case(PROG("crash_panic"), mode, "1", 20);
    expect_exit(r, 2);
    char want[256], head[64];
    snprintf(want, sizeof want, "panic: %s\n", message);
    expect_in(r->err, want);
    assert_int_equal(child_goid(r), goid);
    snprintf(head, sizeof head, "goroutine %ld [running]:", goid);
    expect_in(r->err, head);
    assert_null(strstr(r->out, "no panic"));
    assert_null(strstr(r->err, "fatal error"));
    free(r);
}

static void test_panic_send_closed(void **s) {
    (void)s;
    check_panic("send_closed", "send on closed channel", 1);
    check_panic("send_closed_buffered", "send on closed channel", 1);
    check_panic("send_closed_select", "send on closed channel", 1);
}

static void test_panic_send_closed_while_blocked(void **s) {
    (void)s;
    check_panic("send_closed_blocked", "send on closed channel", 2);
}

static void test_panic_close_closed(void **s) {
    (void)s;
    check_panic("close_closed", "close of closed channel", 1);
}

static void test_panic_close_nil(void **s) {
    (void)s;
    check_panic("close_nil", "close of nil channel", 1);
}

static void test_panic_makechan(void **s) {
    (void)s;
    check_panic("makechan", "makechan: size out of range", 1);
    check_panic("makechan_overflow", "makechan: size out of range", 1);
    check_panic("makechan_limit", "makechan: size out of range", 1);
}

static void test_panic_negative_wg(void **s) {
    (void)s;
    check_panic("negative_wg", "sync: negative WaitGroup counter", 2);
}

static void test_panic_custom(void **s) {
    (void)s;
    check_panic("custom", "custom 42", 1);
    check_panic("custom_chain", "custom 42", 6);
}

/* The main goroutine is goroutine 1. */
static void test_panic_main_is_goroutine_1(void **s) {
    (void)s;
    child_result *r = run_case(PROG("crash_panic"), "custom", "2", 20);
    expect_exit(r, 2);
    expect_in(r->out, "goid=1\n");
    expect_in(r->err, "goroutine 1 [running]:");
    free(r);
}

/* -------------------------------------------------------------- deadlock */

static const char *deadlock_cases[] = {
    "recv_nobody", "recv_nobody_others", "cycle", "wg_never_done",
    "nil_chan", "nil_send", "select_empty", "select_nil_cases",
    "mutex_twice",
};

static void check_deadlock(const char *mode, const char *maxprocs) {
    child_result *r = run_case(PROG("crash_deadlock"), mode, maxprocs, 20);
    if (!strstr(r->err, DEADLOCK))
        print_message("case %s, GOCC_MAXPROCS=%s\n", mode, maxprocs);
    expect_exit(r, 2);
    expect_in(r->err, DEADLOCK);
    assert_null(strstr(r->out, "not blocked"));
    free(r);
}

static void test_deadlock_one_worker(void **s) {
    (void)s;
    for (size_t i = 0; i < sizeof deadlock_cases / sizeof *deadlock_cases; i++)
        check_deadlock(deadlock_cases[i], "1");
}

static void test_deadlock_four_workers(void **s) {
    (void)s;
    for (size_t i = 0; i < sizeof deadlock_cases / sizeof *deadlock_cases; i++)
        check_deadlock(deadlock_cases[i], "4");
}

/* ------------------------------------------------------ no false deadlock */

static void check_live(const char *mode, const char *maxprocs) {
    child_result *r = run_case(PROG("crash_deadlock"), mode, maxprocs, 20);
    if (strstr(r->err, DEADLOCK))
        print_message("false deadlock: case %s, GOCC_MAXPROCS=%s\n", mode,
                      maxprocs);
    expect_exit(r, 0);
    expect_in(r->out, "done\n");
    assert_null(strstr(r->err, "fatal error"));
    free(r);
}

static void test_no_deadlock_sleeping_main(void **s) {
    (void)s;
    check_live("live_sleep", "1");
    check_live("live_sleep", "3");
}

static void test_no_deadlock_after_channel(void **s) {
    (void)s;
    check_live("live_after", "1");
    check_live("live_after", "3");
}

static void test_no_deadlock_foreign_thread(void **s) {
    (void)s;
    check_live("live_pthread", "1");
    check_live("live_pthread", "3");
}

/* --------------------------------------------------------- stack overflow */

static void check_overflow(const child_result *r) {
    expect_exit(r, 2);
    char want[96];
    snprintf(want, sizeof want, "fatal error: stack overflow in goroutine %ld\n",
             child_goid(r));
    expect_in(r->err, want);
}

static void test_stack_overflow_guarded(void **s) {
    (void)s;
    child_result *r = run_case(PROG("crash_stack"), "guarded", "2", 20);
    check_overflow(r);
    free(r);
}

/* The runtime guards the first max_map_count / 16 stacks (4,713 parked
 * goroutines are past that on Debian's 65530); where the budget is much
 * larger, parking past it would take too long: skip. */
static void test_stack_overflow_unguarded(void **s) {
    (void)s;
    SKIP_UNDER_TSAN("4,713 live fibers");
    long maps = 65530;
    FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
    if (f) {
        if (fscanf(f, "%ld", &maps) != 1)
            maps = 65530;
        fclose(f);
    }
    long parked = maps / 16 + 618;
    if (parked > 40000) {
        print_message("vm.max_map_count = %ld: too many stacks to park\n", maps);
        skip();
    }
    child_result *r = run_case(PROG("crash_stack"), "unguarded", "2", 30);
    char want[48];
    snprintf(want, sizeof want, "parked=%ld\n", parked);
    expect_in(r->out, want);
    check_overflow(r);
    assert_true(child_goid(r) > parked);
    free(r);
}

/* main_stack LIMIT MODE KIB (tests/progs/main_stack.c) with env (NULL or
 * one "NAME=value"); skips when the hard limit does not allow LIMIT. */
static child_result *run_main_stack(const char *limit, const char *mode,
                                    const char *kib, const char *env) {
    char *argv[] = {(char *)PROG("main_stack"), (char *)limit, (char *)mode,
                    (char *)kib, NULL};
    char *envp[] = {(char *)env, NULL};
    child_result *r = run_child(argv, envp, 60);
    if (r->exited && r->status == 77) {
        print_message("cannot run with RLIMIT_STACK %s KiB\n", limit);
        free(r);
        skip();
    }
    return r;
}

static void expect_ok(child_result *r, const char *line) {
    expect_exit(r, 0);
    expect_in(r->out, line);
    free(r);
}

/* main gets RLIMIT_STACK: 4 MiB deep under the default 8 MiB. */
static void test_main_stack_rlimit(void **s) {
    (void)s;
    expect_ok(run_main_stack("8192", "deep", "4096", NULL),
              "main 4096 KiB ok\n");
}

/* An unlimited RLIMIT_STACK gives main more than the 8 MiB default.
 * Not under TSan: its start-up executes a program whose limit is
 * unlimited again with a 32 MiB limit (main_stack then exits 77). */
static void test_main_stack_unlimited(void **s) {
    (void)s;
    SKIP_UNDER_TSAN("TSan cannot start with an unlimited RLIMIT_STACK");
    expect_ok(run_main_stack("unlimited", "deep", "16384", NULL),
              "main 16384 KiB ok\n");
}

/* Running off RLIMIT_STACK (1 MiB here) is goroutine 1's overflow. */
static void test_main_stack_overflow(void **s) {
    (void)s;
    child_result *r = run_main_stack("1024", "overflow", "0", NULL);
    expect_exit(r, 2);
    expect_in(r->err, "fatal error: stack overflow in goroutine 1\n");
    expect_in(r->out, "main past 768 KiB\n");
    assert_null(strstr(r->out, "main past 1280 KiB"));
    free(r);
}

/* GOCC_STACKSIZE larger than RLIMIT_STACK sizes main's stack too, and
 * every other goroutine's. */
static void test_main_stack_gocc_stacksize(void **s) {
    (void)s;
    expect_ok(run_main_stack("1024", "deep", "8192",
                             "GOCC_STACKSIZE=16777216"),
              "main 8192 KiB ok\n");
    expect_ok(run_main_stack("1024", "goroutine", "8192",
                             "GOCC_STACKSIZE=16777216"),
              "goroutine 8192 KiB ok\n");
}

/* Other goroutines keep the 64 KiB default whatever main has. */
static void test_goroutine_stack_default(void **s) {
    (void)s;
    expect_ok(run_main_stack("8192", "goroutine", "32", NULL),
              "goroutine 32 KiB ok\n");
    child_result *r = run_main_stack("8192", "goroutine", "256", NULL);
    expect_exit(r, 2);
    expect_in(r->err, "fatal error: stack overflow in goroutine 2\n");
    free(r);
}

/* ----------------------------------------------------------- ending runs */

static double elapsed_s(const struct timespec *t0) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) +
           (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void test_main_return_status(void **s) {
    (void)s;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    child_result *r = run_case(PROG("crash_exit"), "main_returns", "2", 20);
    double secs = elapsed_s(&t0);
    expect_exit(r, 3);
    expect_in(r->out, "returning 3\n");
    assert_true(secs < 5.0);   /* the spinner never stops by itself */
    free(r);
}

static void test_exit_from_goroutine(void **s) {
    (void)s;
    child_result *r = run_case(PROG("crash_exit"), "goroutine_exit", "2", 20);
    expect_exit(r, 4);
    assert_null(strstr(r->out, "main was woken"));
    assert_null(strstr(r->err, "fatal error"));
    free(r);
}

/* ------------------------------------------------------ freed channels */

/* Every use of a freed channel, and a second free, is "fatal error: use
 * of freed channel", exit 2, in every build (once a release build spun on
 * the lock word malloc had overwritten, at 100% CPU, for ever): the case
 * printed "freed" and never "not caught". */
static void test_use_of_freed_channel(void **s) {
    (void)s;
    static const char *const modes[] = {
        "double_free", "send", "recv", "recv_ok", "trysend", "tryrecv",
        "close", "len", "cap", "select_recv", "select_send",
        "select_default", "after", "reused", "goroutine", "signal_notify",
    };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        /* one worker, but "goroutine" (the use on another goroutine) on
         * two as well */
        for (int procs = 1; procs <= (strcmp(modes[i], "goroutine") ? 1 : 2);
             procs++) {
            child_result *r = run_case(PROG("chan_misuse"), modes[i],
                                       procs == 1 ? "1" : "2", 20);
            if (r->status != 2 || strcmp(r->out, "freed\n"))
                print_message("case %s, GOCC_MAXPROCS=%d\n", modes[i], procs);
            expect_exit(r, 2);
            assert_string_equal(r->out, "freed\n");
            assert_string_equal(r->err, "fatal error: use of freed channel\n");
            free(r);
        }
    }
    /* a pointer that was never a channel */
    child_result *r = run_case(PROG("chan_misuse"), "invalid", "1", 20);
    expect_exit(r, 2);
    assert_string_equal(r->err, "fatal error: use of invalid channel\n");
    free(r);
}

/* ------------------------------------------------ internal invariants */

/* In a Debug build (no NDEBUG: tests/run-all's "debug" configuration) the
 * runtime's invariant checks stop a broken runtime with Go's messages
 * (tests/progs/debug_checks.c breaks each invariant on purpose). */
static void test_debug_invariant_checks(void **s) {
    (void)s;
#ifdef NDEBUG
    print_message("skipped: the invariant checks are compiled out (NDEBUG)\n");
    skip();
#else
    static const char *const cases[][2] = {
        {"ready_running", "fatal error: bad g->status in ready\n"},
        {"ready_foreign", "fatal error: bad g->status in ready\n"},
        {"unlock_unlocked", "fatal error: unlock of unlocked lock\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        child_result *r = run_case(PROG("debug_checks"), cases[i][0], "2", 20);
        if (r->status != 2 || strcmp(r->err, cases[i][1]))
            print_message("case %s\n", cases[i][0]);
        expect_exit(r, 2);
        assert_string_equal(r->out, "broken\n");
        assert_string_equal(r->err, cases[i][1]);
        free(r);
    }
#endif
}

/* A goroutine dump gives a wait's length in whole minutes once it passes
 * one, as Go does (docs/debugging.md); the park stamp is moved back three
 * minutes through the runtime's internals (tests/progs/dump_internals.c). */
static void test_dump_wait_minutes(void **s) {
    (void)s;
    char *argv[] = {(char *)PROG("dump_internals"), "wait_minutes", NULL};
    char *envp[] = {"GOCC_MAXPROCS=1", "GOCC_TRACEBACK=all", NULL};
    child_result *r = run_child(argv, envp, 20);
    static const char *const want[] = {
        "panic: dumped\n", "goroutine 1 [running]:\n",
        "goroutine 2 [chan receive, 3 minutes]:\n"};
    for (size_t i = 0; i < 3; i++)
        if (!strstr(r->err, want[i]))
            print_child(r);
    expect_exit(r, 2);
    for (size_t i = 0; i < 3; i++)
        assert_non_null(strstr(r->err, want[i]));
    free(r);
}

int main(void) {
    if (getenv("GOCC_TEST_SKIP"))   /* debugging aid: cmocka skip pattern */
        cmocka_set_skip_filter(getenv("GOCC_TEST_SKIP"));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_panic_send_closed),
        cmocka_unit_test(test_panic_send_closed_while_blocked),
        cmocka_unit_test(test_panic_close_closed),
        cmocka_unit_test(test_panic_close_nil),
        cmocka_unit_test(test_panic_makechan),
        cmocka_unit_test(test_panic_negative_wg),
        cmocka_unit_test(test_panic_custom),
        cmocka_unit_test(test_panic_main_is_goroutine_1),
        cmocka_unit_test(test_deadlock_one_worker),
        cmocka_unit_test(test_deadlock_four_workers),
        cmocka_unit_test(test_no_deadlock_sleeping_main),
        cmocka_unit_test(test_no_deadlock_after_channel),
        cmocka_unit_test(test_no_deadlock_foreign_thread),
        cmocka_unit_test(test_stack_overflow_guarded),
        cmocka_unit_test(test_stack_overflow_unguarded),
        cmocka_unit_test(test_main_stack_rlimit),
        cmocka_unit_test(test_main_stack_unlimited),
        cmocka_unit_test(test_main_stack_overflow),
        cmocka_unit_test(test_main_stack_gocc_stacksize),
        cmocka_unit_test(test_goroutine_stack_default),
        cmocka_unit_test(test_main_return_status),
        cmocka_unit_test(test_dump_wait_minutes),
        cmocka_unit_test(test_exit_from_goroutine),
        cmocka_unit_test(test_use_of_freed_channel),
        cmocka_unit_test(test_debug_invariant_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
