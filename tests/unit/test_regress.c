/*
 * test_regress.c - regressions for bugs found in review of the runtime:
 * each runs a mode of tests/progs/regress.c as a child process (fresh
 * runtime state each time) with 1 and 2 workers and expects "ok", exit 0.
 */
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void expect_ok(const char *mode) {
    static char *const envs[][2] = {{"GOCC_MAXPROCS=1", NULL},
                                    {"GOCC_MAXPROCS=2", NULL}};
    for (int i = 0; i < 2; i++) {
        char *argv[] = {PROG("regress"), (char *)mode, NULL};
        child_result *r = run_child(argv, envs[i], 30);
        if (r->timed_out || !r->exited || r->status != 0 ||
            strcmp(r->out, "ok\n") != 0)
            print_error("regress %s (%s): exited=%d status=%d timed_out=%d\n"
                        "stdout:\n%s\nstderr:\n%s\n",
                        mode, envs[i][0], r->exited, r->status, r->timed_out,
                        r->out, r->err);
        assert_false(r->timed_out);
        assert_int_equal(r->exited, 1);
        assert_int_equal(r->status, 0);
        assert_string_equal(r->out, "ok\n");
        free(r);
    }
}

static void test_free_after_select(void **s) { (void)s; expect_ok("free_after_select"); }
static void test_free_after_trysend(void **s) { (void)s; expect_ok("free_after_trysend"); }
static void test_after_cold(void **s) { (void)s; expect_ok("after_cold"); }
static void test_foreign_key(void **s) { (void)s; expect_ok("foreign_key"); }
static void test_sleep_forever(void **s) { (void)s; expect_ok("sleep_forever"); }
static void test_after_closed(void **s) { (void)s; expect_ok("after_closed"); }
static void test_late_spawn(void **s) { (void)s; expect_ok("late_spawn"); }

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_free_after_select),
        cmocka_unit_test(test_free_after_trysend),
        cmocka_unit_test(test_after_cold),
        cmocka_unit_test(test_foreign_key),
        cmocka_unit_test(test_sleep_forever),
        cmocka_unit_test(test_after_closed),
        cmocka_unit_test(test_late_spawn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
