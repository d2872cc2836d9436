/*
 * test_errno.c - errno belongs to the goroutine, not to the thread
 * (NOTES.md "Thread migration": the runtime saves and restores errno
 * across every park).  Runs tests/progs/errno_migrate.c as a child:
 *   - with GOCC_MAXPROCS=2, goroutines that set a unique errno, park and
 *     resume find their errno intact, including when they resume on the
 *     other worker thread; migrations are forced (a hog wakes the victim
 *     on its own worker and then spins without yielding, so the idle
 *     worker must steal the victim) and at least one must happen;
 *   - with GOCC_MAXPROCS=1, two goroutines that ping-pong on the one
 *     thread each keep their own errno, and a goroutine started after
 *     another set errno does not see that value (it starts at 0).
 */
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static child_result *run_errno(const char *mode, const char *maxprocs) {
    char *argv[] = {PROG("errno_migrate"), (char *)mode, NULL};
    char env[64];
    snprintf(env, sizeof env, "GOCC_MAXPROCS=%s", maxprocs);
    char *envp[] = {env, NULL};
    child_result *r = run_child(argv, envp, 30);
    if (r->timed_out || !r->exited || r->status != 0)
        print_child(r);
    assert_false(r->timed_out);
    assert_true(r->exited);
    assert_int_equal(r->status, 0);
    return r;
}

/* The integer after "name=" in s. */
static long field(const child_result *r, const char *name) {
    long v = 0;
    assert_true(child_field(r, name, &v));
    return v;
}

static void test_errno_survives_migration(void **state) {
    (void)state;
    long migrations = 0;
    for (int run = 0; run < 2; run++) {
        child_result *r = run_errno("migrate", "2");
        print_message("%s", r->out);
        assert_true(field(r, "iterations") > 0);
        assert_int_equal(field(r, "errno_bad"), 0);
        /* a forced wake-up left runnable but unstolen for 2 s */
        assert_int_equal(field(r, "stuck"), 0);
        assert_true(field(r, "forced") > 0);
        assert_true(field(r, "migrations") >= field(r, "forced"));
        migrations += field(r, "migrations");
        free(r);
    }
    assert_true(migrations > 0);
}

static void test_errno_isolation(void **state) {
    (void)state;
    child_result *r = run_errno("isolation", "1");
    assert_int_equal(field(r, "pingpong_bad"), 0);
    if (field(r, "fresh_errno") != 0)
        print_message("a new goroutine saw errno %ld left by another\n",
                      field(r, "fresh_errno"));
    assert_int_equal(field(r, "fresh_errno"), 0);
    free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errno_survives_migration),
        cmocka_unit_test(test_errno_isolation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
