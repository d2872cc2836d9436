/*
 * test_types.c - channel types (LANGUAGE.md 2): the well-typed uses that
 * tests/compile_fail/ rejects the ill-typed twins of compile without
 * warnings and work at run time.  Channels of channels, of structs
 * (large and over-aligned), unions, pointers and function pointers carry
 * their values intact; `= 0`, `= {0}` and static storage give the nil
 * channel; `==` compares identity and assignment copies the handle;
 * a handle is pointer sized; gocc_chan(T) works as a struct member,
 * typedef, parameter and return type, and in casts and compound literals.
 */
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <gocc.h>

/* ------------------------------------------------------------ nested */

static gocc_chan(gocc_chan(int)) relay;

static void echo_via_relay(void *arg) {
    (void)arg;
    gocc_chan(int) c = gocc_recv(relay);   /* receive a channel ... */
    int v = gocc_recv(c);                  /* ... then use it */
    gocc_send(c, v * 2);
}

static void test_nested_channels(void **state) {
    (void)state;
    gocc_chan(gocc_chan(int)) cc = gocc_make(gocc_chan(int), 2);
    gocc_chan(int) a = gocc_make(int, 1), b = gocc_make(int, 1);
    gocc_send(cc, a);
    gocc_send(cc, b);
    assert_int_equal(gocc_len(cc), 2);
    gocc_chan(int) ra = gocc_recv(cc);
    gocc_chan(int) rb;
    assert_true(gocc_recv_ok(cc, &rb));
    assert_true(ra == a);
    assert_true(rb == b);
    gocc_send(ra, 5);
    assert_int_equal(gocc_recv(a), 5);

    /* three levels, across goroutines, unbuffered */
    relay = gocc_make(gocc_chan(int), 0);
    gocc_go(echo_via_relay, NULL);
    gocc_chan(int) c = gocc_make(int, 0);
    gocc_send(relay, c);
    gocc_send(c, 21);
    assert_int_equal(gocc_recv(c), 42);

    gocc_chan(gocc_chan(gocc_chan(int))) ccc = gocc_make(gocc_chan(gocc_chan(int)), 1);
    gocc_send(ccc, cc);
    gocc_send(gocc_recv(ccc), a);
    assert_true(gocc_recv(cc) == a);
    gocc_chan_free(ccc);
    gocc_chan_free(cc);
    gocc_chan_free(a);
    gocc_chan_free(b);
    gocc_chan_free(c);
    gocc_chan_free(relay);
}

/* ---------------------------------------------------- aggregate elements */

struct big {
    char name[40];
    double d;
    long arr[20];
};

union num {
    double d;
    uint64_t bits;
    char bytes[8];
};

struct aligned32 {
    alignas(32) unsigned char v[32];
};

static gocc_chan(struct big) big_chan;

static void big_sender(void *arg) {
    (void)arg;
    for (int i = 0; i < 3; i++) {
        struct big s = {.d = i + 0.5};
        snprintf(s.name, sizeof s.name, "item-%d", i);
        for (int j = 0; j < 20; j++)
            s.arr[j] = i * 100 + j;
        gocc_send(big_chan, s);
    }
    gocc_close(big_chan);
}

static void test_struct_elements(void **state) {
    (void)state;
    big_chan = gocc_make(struct big, 0);   /* unbuffered: direct hand-off */
    gocc_go(big_sender, NULL);
    struct big s;
    int i = 0;
    while (gocc_recv_ok(big_chan, &s)) {
        char want[40];
        snprintf(want, sizeof want, "item-%d", i);
        assert_string_equal(s.name, want);
        assert_true(s.d == i + 0.5);
        for (int j = 0; j < 20; j++)
            assert_int_equal(s.arr[j], i * 100 + j);
        i++;
    }
    assert_int_equal(i, 3);
    struct big z = gocc_recv(big_chan);    /* closed: zero value */
    assert_int_equal(z.name[0], 0);
    assert_int_equal(z.arr[19], 0);
    gocc_chan_free(big_chan);

    gocc_chan(struct aligned32) al = gocc_make(struct aligned32, 3);
    for (int k = 0; k < 3; k++) {
        struct aligned32 v;
        memset(v.v, k + 1, sizeof v.v);
        gocc_send(al, v);
    }
    for (int k = 0; k < 3; k++) {
        struct aligned32 v = gocc_recv(al);
        assert_int_equal(v.v[0], k + 1);
        assert_int_equal(v.v[31], k + 1);
    }
    gocc_chan_free(al);
}

static void test_union_and_pointer_elements(void **state) {
    (void)state;
    gocc_chan(union num) u = gocc_make(union num, 1);
    union num n = {.d = 1.5};
    gocc_send(u, n);
    union num m = gocc_recv(u);
    assert_true(m.bits == n.bits);
    gocc_chan_free(u);

    static int target = 7;
    gocc_chan(int *) p = gocc_make(int *, 1);
    gocc_send(p, &target);
    int *q = gocc_recv(p);
    assert_ptr_equal(q, &target);
    *q = 8;
    assert_int_equal(target, 8);
    gocc_send(p, NULL);
    assert_null(gocc_recv(p));
    gocc_chan_free(p);

    gocc_chan(const char *) s = gocc_make(const char *, 1);
    gocc_send(s, "hello");
    assert_string_equal(gocc_recv(s), "hello");
    gocc_chan_free(s);
}

typedef int (*binop)(int, int);
static int add(int a, int b) { return a + b; }
static int mul(int a, int b) { return a * b; }

static void test_function_pointer_elements(void **state) {
    (void)state;
    gocc_chan(binop) ops = gocc_make(binop, 2);
    gocc_send(ops, add);
    gocc_send(ops, &mul);
    binop f = gocc_recv(ops);
    assert_int_equal(f(3, 4), 7);
    assert_int_equal(gocc_recv(ops)(3, 4), 12);
    gocc_chan_free(ops);

    gocc_chan(void (*)(void *)) jobs = gocc_make(void (*)(void *), 1);
    gocc_send(jobs, (void (*)(void *))0);
    assert_null(gocc_recv(jobs));
    gocc_chan_free(jobs);
}

/* ------------------------------------------------------------------ nil */

static gocc_chan(int) static_nil;

static void check_nil(gocc_chan(int) c) {
    assert_null(gocc_chan_ptr_(c));
    assert_true(c == 0);
    assert_int_equal(gocc_len(c), 0);
    assert_int_equal(gocc_cap(c), 0);
    int v = 1;
    bool ok = true;
    assert_false(gocc_try_send(c, &v));
    assert_false(gocc_try_recv(c, &v, &ok));
    gocc_select_case k[1] = {gocc_case_recv(c, &v)};
    assert_int_equal(gocc_select(k, 1, true), -1);   /* never ready */
    gocc_chan_free(c);                               /* ignored */
}

static void test_nil_channels(void **state) {
    (void)state;
    gocc_chan(int) z = 0;
    gocc_chan(int) b = {0};
    check_nil(z);
    check_nil(b);
    check_nil(static_nil);
    struct { int n; gocc_chan(int) c; } holder = {0};
    check_nil(holder.c);
    gocc_chan(gocc_chan(int)) nested = 0;
    assert_null(gocc_chan_ptr_(nested));
}

/* ----------------------------------------------------- identity, size */

typedef gocc_chan(double) dchan;

struct pipe {
    dchan in;
    gocc_chan(double) out;
};

static dchan make_dchan(int n) { return gocc_make(double, n); }
static double pass_through(gocc_chan(double) c, double v) {
    gocc_send(c, v);
    return gocc_recv(c);
}

static void test_identity_and_size(void **state) {
    (void)state;
    assert_int_equal(sizeof(gocc_chan(int)), sizeof(void *));
    assert_int_equal(sizeof(gocc_chan(struct big)), sizeof(void *));
    assert_int_equal(sizeof(gocc_chan(gocc_chan(char))), sizeof(void *));
    assert_int_equal(sizeof(dchan), sizeof(void *));

    dchan a = make_dchan(1), b = make_dchan(1);
    dchan a2 = a;                       /* copies the handle */
    assert_true(a == a2);
    assert_false(a == b);
    assert_true(a != b);
    struct pipe p = {a, a2};            /* member of either spelling */
    assert_true(p.in == p.out);
    gocc_send(p.in, 2.5);               /* one channel behind both */
    assert_int_equal(gocc_len(a2), 1);
    assert_true(gocc_recv(p.out) == 2.5);
    assert_true(pass_through(b, 4.25) == 4.25);

    void *raw = (void *)gocc_chan_ptr_(a);
    dchan back = (dchan)(uintptr_t)raw;  /* cast round trip */
    assert_true(back == a);
    dchan arr[2] = {(dchan){0}, a};     /* compound literal */
    assert_null(gocc_chan_ptr_(arr[0]));
    assert_true(arr[1] == a);
    gocc_chan_free(a);
    gocc_chan_free(b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nested_channels),
        cmocka_unit_test(test_struct_elements),
        cmocka_unit_test(test_union_and_pointer_elements),
        cmocka_unit_test(test_function_pointer_elements),
        cmocka_unit_test(test_nil_channels),
        cmocka_unit_test(test_identity_and_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
