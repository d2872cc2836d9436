/*
 * test_stress.c - runs tests/progs/stress.c (over a million messages
 * through a random mix of buffered and unbuffered channels, sends,
 * try-sends, receives, selects and closes, every id checked exactly once
 * and in per-sender order) as a child process with 1, 2 and 8 worker
 * threads.  One worker exercises the single-threaded scheduler paths
 * (runnext hand-offs, yields); two and eight exercise stealing, spinning,
 * futex sleeps and real cross-thread races on channel locks, eight of them
 * oversubscribing the machine's cores.  Each setting uses its own seed, so
 * three topologies are covered per run.  A failure prints the child's
 * output: the seed there replays the topology.
 */
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <cmocka.h>

/* Run the stress program with GOCC_MAXPROCS=procs and check that it
 * reports success. */
static void run_stress(const char *procs, const char *seed) {
    char env_procs[32];
    snprintf(env_procs, sizeof env_procs, "GOCC_MAXPROCS=%s", procs);
    char *argv[] = {PROG("stress"), (char *)seed, NULL};
    char *env[] = {env_procs, NULL};
    child_result *r = run_child(argv, env, 120);
    bool good = r->exited && r->status == 0 && !r->timed_out &&
                strstr(r->out, "stress: OK") != NULL;
    if (!good)
        print_error("stress (GOCC_MAXPROCS=%s, seed %s): exited %d status %d "
                    "timed out %d\n--- stdout\n%s\n--- stderr\n%s\n",
                    procs, seed, r->exited, r->status, r->timed_out, r->out,
                    r->err);
    else
        print_message("%s", r->out);
    assert_false(r->timed_out);
    assert_true(r->exited);
    assert_int_equal(r->status, 0);
    assert_non_null(strstr(r->out, "stress: OK"));
    free(r);
}

static void stress_procs_1(void **state) {
    (void)state;
    run_stress("1", "1");
}

static void stress_procs_2(void **state) {
    (void)state;
    run_stress("2", "2");
}

static void stress_procs_8(void **state) {
    (void)state;
    run_stress("8", "3");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stress_procs_1),
        cmocka_unit_test(stress_procs_2),
        cmocka_unit_test(stress_procs_8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
