/*
 * harness.h - the test harness shared by test_chan, test_select, test_timer
 * and test_foreign: each check runs as a "body" either inside a goroutine
 * or on a plain pthread (TEST_BOTH defines both tests), records failures
 * from any thread (CHECK, CHECK_EQ, REQUIRE) and reports the first one on
 * the test thread (finish), turns a hung body into a failure after
 * BODY_TIMEOUT_MS, and a hung test into exit 3 after WATCHDOG_S.
 * Include it once per test program, after the system headers.
 */
#ifndef GOCC_TEST_HARNESS_H
#define GOCC_TEST_HARNESS_H

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <gocc.h>

enum { BODY_TIMEOUT_MS = 8000, WATCHDOG_S = 60, SETTLE_MS = 10 };

static pthread_mutex_t failure_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int failure_count;
static char failure_text[512];
static const char *volatile current_test = "?";

static void note_failure(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void note_failure(const char *file, int line, const char *fmt, ...) {
    pthread_mutex_lock(&failure_lock);
    if (atomic_fetch_add(&failure_count, 1) == 0) {
        int n = snprintf(failure_text, sizeof failure_text, "%s:%d: ", file,
                         line);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(failure_text + n, sizeof failure_text - (size_t)n, fmt, ap);
        va_end(ap);
    }
    pthread_mutex_unlock(&failure_lock);
}

/* CHECK and CHECK_EQ: usable on any thread; on failure record the message
 * (the first one is reported) and carry on, so that helper goroutines that
 * point into the caller's frame are still served and the frame outlives
 * them.  REQUIRE returns from the (void) function instead: for conditions
 * without which going on is unsafe (an index out of range, no memory). */
#define CHECK(cond)                                                           \
    do {                                                                      \
        if (!(cond))                                                          \
            note_failure(__FILE__, __LINE__, "check failed: %s", #cond);      \
    } while (0)
#define CHECK_EQ(a, b)                                                        \
    do {                                                                      \
        long long a_ = (long long)(a), b_ = (long long)(b);                   \
        if (a_ != b_)                                                         \
            note_failure(__FILE__, __LINE__, "%s == %s failed: %lld != %lld", \
                         #a, #b, a_, b_);                                     \
    } while (0)
#define REQUIRE(cond)                                                         \
    do {                                                                      \
        if (!(cond)) {                                                        \
            note_failure(__FILE__, __LINE__, "required: %s", #cond);          \
            return;                                                           \
        }                                                                     \
    } while (0)

static void on_alarm(int sig) {
    (void)sig;
    const char *m = "watchdog: test hung: ";
    if (write(2, m, strlen(m)) < 0 ||
        write(2, current_test, strlen(current_test)) < 0 ||
        write(2, "\n", 1) < 0)
        _exit(3);
    _exit(3);
}

static void begin(const char *name) {
    current_test = name;
    atomic_store(&failure_count, 0);
    alarm(WATCHDOG_S);
}

static void finish(void) {
    alarm(0);
    if (atomic_load(&failure_count) == 0)
        return;
    char text[sizeof failure_text];
    pthread_mutex_lock(&failure_lock);
    memcpy(text, failure_text, sizeof text);
    pthread_mutex_unlock(&failure_lock);
    fail_msg("%s", text);
}

static void sleep_thread_us(long us) {
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

/* Poll (without the runtime) until *flag >= v; false after ms. */
static bool wait_flag_for(atomic_int *flag, int v, int ms) {
    int64_t end = gocc_nanotime() + (int64_t)ms * 1000000;
    while (atomic_load(flag) < v) {
        if (gocc_nanotime() > end)
            return false;
        sleep_thread_us(200);
    }
    return true;
}

/* From a body (goroutine or thread): wait until *flag >= v, then give the
 * party that set it SETTLE_MS to reach the blocking call it announced. */
__attribute__((unused)) static void wait_then_settle(atomic_int *flag,
                                                    int v) {
    while (atomic_load(flag) < v)
        gocc_sleep_ms(1);
    gocc_sleep_ms(SETTLE_MS);
}

typedef struct runner {
    void (*fn)(void);
    atomic_int done;
} runner;

static void runner_goroutine(void *p) {
    runner *r = p;
    r->fn();
    atomic_store(&r->done, 1);
}

static void *runner_thread(void *p) {
    runner_goroutine(p);
    return NULL;
}

/* Run fn in a new goroutine or on a new plain pthread; wait for it. */
__attribute__((unused)) static void run_body(void (*fn)(void),
                                            bool in_goroutine) {
    runner *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->fn = fn;
    if (in_goroutine) {
        gocc_go(runner_goroutine, r);
    } else {
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, runner_thread, r), 0);
        pthread_detach(t);
    }
    if (!wait_flag_for(&r->done, 1, BODY_TIMEOUT_MS)) {
        note_failure(__FILE__, __LINE__, "body did not finish in %d ms",
                     BODY_TIMEOUT_MS);
        if (getenv("GOCC_TEST_ABORT_ON_HANG")) /* for a core to debug */
            abort();
        return; /* r stays allocated: the body may still touch it */
    }
    free(r);
}

#define TEST_IN_GOROUTINE(body)                                               \
    static void test_##body##_in_goroutine(void **state) {                    \
        (void)state;                                                          \
        begin(__func__);                                                      \
        run_body(body, true);                                                 \
        finish();                                                             \
    }
#define TEST_ON_THREAD(body)                                                  \
    static void test_##body##_on_thread(void **state) {                       \
        (void)state;                                                          \
        begin(__func__);                                                      \
        run_body(body, false);                                                \
        finish();                                                             \
    }
#define TEST_BOTH(body) TEST_IN_GOROUTINE(body) TEST_ON_THREAD(body)
#define BOTH(body)                                                            \
    cmocka_unit_test(test_##body##_in_goroutine),                             \
        cmocka_unit_test(test_##body##_on_thread)

/* Run tests/progs/<prog> <mode> (env: one "NAME=value" or NULL) as a
 * child and fail unless it exits with status and stderr contains
 * err_substr.  Needs support.h. */
__attribute__((unused)) static void child_expect(const char *prog,
                                                 const char *mode,
                                                 const char *env, int status,
                                                 const char *err_substr) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", GOCC_PROGS_DIR, prog);
    char *argv[] = {path, (char *)mode, NULL};
    char *envv[] = {(char *)env, NULL};
    child_result *r = run_child(argv, env ? envv : NULL, 20);
    if (r->timed_out || !r->exited || r->status != status ||
        !strstr(r->err, err_substr)) {
        print_error("%s %s: timed_out=%d exited=%d status=%d (want %d)\n"
                    "stdout:\n%s\nstderr:\n%s\n",
                    prog, mode, r->timed_out, r->exited, r->status, status,
                    r->out, r->err);
        free(r);
        fail_msg("child %s %s: want status %d and stderr containing \"%s\"",
                 prog, mode, status, err_substr);
    }
    free(r);
}

#endif
