/*
 * test_seed.c - repeatable runs (LANGUAGE.md 9): with GOCC_MAXPROCS=1 and
 * GOCC_SEED=s, tests/progs/seed_interleave.c (goroutines interleaving on
 * channels, selects with several ready cases, every event printed in
 * order) gives byte-identical output on every run with the same seed, and
 * the seed really drives the choices: some other seed gives a different
 * output.
 */
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static child_result *run_seed(unsigned seed) {
    char *argv[] = {PROG("seed_interleave"), NULL};
    char env_seed[48];
    snprintf(env_seed, sizeof env_seed, "GOCC_SEED=%u", seed);
    char *env[] = {"GOCC_MAXPROCS=1", env_seed, NULL};
    child_result *r = run_child(argv, env, 20);
    if (r->timed_out || !r->exited || r->status != 0)
        print_message("seed %u: exited=%d status=%d timed_out=%d\n%s\n%s\n",
                      seed, r->exited, r->status, r->timed_out, r->out,
                      r->err);
    assert_false(r->timed_out);
    assert_true(r->exited);
    assert_int_equal(r->status, 0);
    assert_non_null(strstr(r->out, "\nend\n"));
    return r;
}

/* How many different consumer cases ("cK=") the output shows. */
static int distinct_choices(const char *out) {
    int seen = 0;
    for (const char *p = out; (p = strstr(p, " c")) != NULL; p++)
        if (p[2] >= '0' && p[2] <= '3' && p[3] == '=')
            seen |= 1 << (p[2] - '0');
    return __builtin_popcount((unsigned)seen);
}

static void test_same_seed_same_output(void **state) {
    (void)state;
    child_result *first = run_seed(42);
    assert_true(strlen(first->out) > 1000);   /* a real run, not a stub */
    assert_int_equal(distinct_choices(first->out), 4);
    for (int i = 0; i < 2; i++) {
        child_result *again = run_seed(42);
        if (strcmp(first->out, again->out) != 0)
            print_message("run 1:\n%s\nrun %d:\n%s\n", first->out, i + 2,
                          again->out);
        assert_string_equal(first->out, again->out);
        free(again);
    }
    free(first);
}

static void test_other_seed_other_output(void **state) {
    (void)state;
    child_result *base = run_seed(42);
    int differ = 0;
    for (unsigned s = 1; s <= 5; s++) {
        child_result *r = run_seed(s);
        if (strcmp(base->out, r->out) != 0)
            differ++;
        free(r);
    }
    print_message("%d of 5 other seeds gave a different run\n", differ);
    assert_true(differ >= 1);
    free(base);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_output),
        cmocka_unit_test(test_other_seed_other_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
