/*
 * test_many.c - many goroutines (LANGUAGE.md 9, NOTES.md "Stacks"), on
 * child processes:
 *   - 100,000 goroutines alive at the same time, all parked on one channel
 *     and released by closing it, with the default 64 KiB stacks: more than
 *     vm.max_map_count (65530) allows for guarded stacks, so stack
 *     allocation must cope; every one runs to completion and the exit
 *     status is 0;
 *   - 1,000,000 goroutines spawned over time (batches of 1000) all run,
 *     and the stacks are reused: the process does not grow with the
 *     number of goroutines;
 *   - 1,000,000 goroutines spawned by one loop that never blocks, on one
 *     worker: each gets its 1000-byte argument block intact, and the loop
 *     yields to them, so the process stays small.
 */
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static long field(const child_result *r, const char *name) {
    long v = 0;
    assert_true(child_field(r, name, &v));
    return v;
}

static child_result *run_ok(char *const argv[], char *const env[],
                            int timeout_s) {
    child_result *r = run_child(argv, env, timeout_s);
    if (r->timed_out || !r->exited || r->status != 0)
        print_child(r);
    assert_false(r->timed_out);
    assert_true(r->exited);
    assert_int_equal(r->status, 0);
    return r;
}

/* How many goroutines a million-goroutine test spawns: TSan creates and
 * destroys a fiber per goroutine (~100 us), so 100,000 there; the full
 * million runs in every other configuration. */
#ifdef GOCC_TEST_TSAN
static const long million = 100000;
#else
static const long million = 1000000;
#endif

/* Run prog with the count n as its argument. */
static child_result *run_count(const char *prog, long n, char *const env[],
                               int timeout_s) {
    char count[24];
    snprintf(count, sizeof count, "%ld", n);
    char *argv[] = {(char *)prog, count, NULL};
    return run_ok(argv, env, timeout_s);
}

static void test_100k_parked_at_once(void **state) {
    (void)state;
    SKIP_UNDER_TSAN("100,000 live fibers");
    child_result *r = run_count(PROG("many_park"), 100000, NULL, 60);
    assert_int_equal(field(r, "arrived"), 100000);
    assert_int_equal(field(r, "early"), 0);       /* none passed the gate */
    assert_int_equal(field(r, "finished"), 100000);
    assert_int_equal(field(r, "bad"), 0);         /* all saw the close */
    assert_null(strstr(r->err, "fatal error"));
    free(r);
}

static void test_1m_spawned_over_time(void **state) {
    (void)state;
    const long n = million;
    /* One malloc arena: glibc gives a thread that finds the arenas busy
     * one of its own, 64 MiB of address space each, and on a loaded
     * machine that added up to 320 MiB of VmSize (measured with the
     * ucontext build), which has nothing to do with the stacks counted
     * here. */
    char *env[] = {"MALLOC_ARENA_MAX=1", NULL};
    child_result *r = run_count(PROG("many_spawn"), n, env, 60);
    assert_int_equal(field(r, "ran"), n);
    long early = field(r, "vm_early"), end = field(r, "vm_end");
    print_message("VmSize after 10,000: %ld KiB, after 1,000,000: %ld KiB\n",
                  early, end);
    assert_true(early > 0);
    /* without reuse the last 990,000 goroutines alone would need ~60 GiB
     * of stacks; allow 4096 stacks' worth of growth */
    assert_true(end - early < 4096L * 64);
    free(r);
}

static void test_spawn_loop_yields(void **state) {
    (void)state;
    const long n = million;
    char *env[] = {"GOCC_MAXPROCS=1", NULL};
    child_result *r = run_count(PROG("spawn_loop"), n, env, 120);
    assert_int_equal(field(r, "ran"), n);
    assert_int_equal(field(r, "bad"), 0);
    long rss = field(r, "maxrss_kb");
    print_message("peak RSS after a %ld-spawn loop: %ld KiB\n", n, rss);
    /* all queued at once would be n stack pages (~4 GiB for a million) or
     * n pending blocks of ~1.2 KiB; the loop yields every 128 */
    assert_true(rss < 128 * 1024);
    free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spawn_loop_yields),
        cmocka_unit_test(test_100k_parked_at_once),
        cmocka_unit_test(test_1m_spawned_over_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
