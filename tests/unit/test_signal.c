/*
 * test_signal.c - signals the Go way (LANGUAGE.md section 12):
 * gocc_signal_notify delivers signal numbers on channels, without blocking
 * (a full channel drops them) and never from inside the raw handler, so a
 * flood of signals beside busy channel traffic cannot hang the program;
 * gocc_signal_stop undoes it; and a mask set in a goroutine is every
 * worker's, so a signal main blocks reaches sigwait in a thread.
 *
 * ctest runs it with GOCC_MAXPROCS=2.
 */
#include "support.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include <gocc.h>

#include "harness.h"

typedef gocc_chan(int) ichan;

/* Receive one value within ms milliseconds; -1 on timeout. */
static int recv_within(ichan ch, int ms) {
    int v = -1;
    gocc_select_case c[2] = {gocc_case_recv(ch, &v),
                             gocc_case_recv_drop(gocc_after(ms))};
    c[1].flags = GOCC_CASE_RELEASE;
    int i = gocc_select(c, 2, false);
    return i == 0 ? v : -1;
}

/* ------------------------------------------------------------- notify */

static void notify_delivers(void) {
    ichan ch = gocc_make(int, 4);
    CHECK_EQ(gocc_signal_notify(ch, SIGUSR1, SIGUSR2, 0), 0);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(recv_within(ch, 2000), SIGUSR1);
    CHECK_EQ(kill(getpid(), SIGUSR2), 0);
    CHECK_EQ(recv_within(ch, 2000), SIGUSR2);
    /* a second channel on the same signal gets it too */
    ichan other = gocc_make(int, 1);
    CHECK_EQ(gocc_signal_notify(other, SIGUSR1, 0), 0);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(recv_within(ch, 2000), SIGUSR1);
    CHECK_EQ(recv_within(other, 2000), SIGUSR1);
    gocc_signal_stop(other);
    gocc_signal_stop(ch);
    gocc_chan_free(other);
    gocc_chan_free(ch);
}
TEST_BOTH(notify_delivers)

/* A full channel drops the signal; the sender never blocks. */
static void notify_full_channel_drops(void) {
    ichan ch = gocc_make(int, 1);
    CHECK_EQ(gocc_signal_notify(ch, SIGUSR1, 0), 0);
    for (int i = 0; i < 5; i++) {
        CHECK_EQ(kill(getpid(), SIGUSR1), 0);
        gocc_sleep_ms(20);
    }
    CHECK_EQ(gocc_len(ch), 1);
    CHECK_EQ(recv_within(ch, 1000), SIGUSR1);
    CHECK_EQ(recv_within(ch, 100), -1);
    gocc_signal_stop(ch);
    gocc_chan_free(ch);
}
TEST_IN_GOROUTINE(notify_full_channel_drops)

static atomic_int handled;
static void count_handler(int s) {
    (void)s;
    atomic_fetch_add(&handled, 1);
}

/* After gocc_signal_stop the signal's previous action is back. */
static void stop_restores_action(void) {
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = count_handler;
    sigaction(SIGUSR2, &sa, &old);
    ichan ch = gocc_make(int, 1);
    CHECK_EQ(gocc_signal_notify(ch, SIGUSR2, 0), 0);
    CHECK_EQ(kill(getpid(), SIGUSR2), 0);
    CHECK_EQ(recv_within(ch, 2000), SIGUSR2);
    CHECK_EQ(atomic_load(&handled), 0);
    gocc_signal_stop(ch);
    CHECK_EQ(kill(getpid(), SIGUSR2), 0);
    for (int i = 0; i < 200 && atomic_load(&handled) == 0; i++)
        gocc_sleep_ms(5);
    CHECK_EQ(atomic_load(&handled), 1);
    CHECK_EQ(recv_within(ch, 50), -1);
    sigaction(SIGUSR2, &old, NULL);
    gocc_chan_free(ch);
}
TEST_IN_GOROUTINE(stop_restores_action)

/* Signals that cannot be caught, or that the runtime reports itself. */
static void notify_rejects(void) {
    ichan ch = gocc_make(int, 1);
    CHECK_EQ(gocc_signal_notify(ch, SIGKILL, 0), -1);
    CHECK_EQ(gocc_errno_get(), EINVAL);
    CHECK_EQ(gocc_signal_notify(ch, SIGSEGV, 0), -1);
    CHECK_EQ(gocc_signal_notify(ch, 0), -1);
    CHECK_EQ(gocc_signal_notify(ch, 99, 0), -1);
    gocc_chan_free(ch);
}
TEST_IN_GOROUTINE(notify_rejects)

/* ------------------------------------------------------------- a flood */

typedef struct flood {
    atomic_int stop, senders_done, pairs_done;
    ichan sig;
    long exchanges;
} flood;

static void *flood_thread(void *p) {
    flood *f = p;
    pid_t pid = getpid();
    while (!atomic_load(&f->stop))
        kill(pid, SIGUSR1);
    atomic_fetch_add(&f->senders_done, 1);
    return NULL;
}

typedef struct pair {
    flood *f;
    ichan a, b;
} pair;

static void ping(void *p) {
    pair *x = p;
    for (int i = 0; i < 20000; i++) {
        gocc_send(x->a, i);
        (void)gocc_recv(x->b);
    }
    atomic_fetch_add(&x->f->pairs_done, 1);
}

static void pong(void *p) {
    pair *x = p;
    for (int i = 0; i < 20000; i++)
        gocc_send(x->b, gocc_recv(x->a) + 1);
}

/* Two threads send SIGUSR1 without pause while goroutines exchange 80,000
 * values on channels and a subscriber drains the signal channel: every
 * exchange completes (a handler that touched a channel would hang here
 * on a lock its own thread holds). */
static void signal_flood_never_hangs(void) {
    /* signals the flood left pending reach the action gocc_signal_stop
     * restores: a counting handler, not the default (death) */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = count_handler;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    flood *f = calloc(1, sizeof *f);
    REQUIRE(f);
    f->sig = gocc_make(int, 16);
    CHECK_EQ(gocc_signal_notify(f->sig, SIGUSR1, 0), 0);
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        REQUIRE(pthread_create(&t[i], NULL, flood_thread, f) == 0);
    pair pr[4];
    for (int i = 0; i < 4; i++) {
        pr[i] = (pair){f, gocc_make(int, 0), gocc_make(int, 0)};
        gocc_go(ping, &pr[i]);
        gocc_go(pong, &pr[i]);
    }
    int got = 0;
    while (atomic_load(&f->pairs_done) < 4)
        if (recv_within(f->sig, 10) == SIGUSR1)
            got++;
    atomic_store(&f->stop, 1);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    CHECK(got > 0);
    gocc_signal_stop(f->sig);
    for (int i = 0; i < 4; i++) {
        gocc_chan_free(pr[i].a);
        gocc_chan_free(pr[i].b);
    }
    gocc_chan_free(f->sig);
    free(f);
}
TEST_IN_GOROUTINE(signal_flood_never_hangs)

/* --------------------------------------------------------------- masks */

static atomic_int waited_sig;

static void *sigwait_thread(void *p) {
    sigset_t *set = p;
    int sig = 0;
    if (sigwait(set, &sig) == 0)
        atomic_store(&waited_sig, sig);
    return NULL;
}

static void spin_ms(void *p) {
    int64_t until = gocc_nanotime() + (int64_t)(long)p * 1000000;
    while (gocc_nanotime() < until)
        gocc_yield();
}

/* The classic C pattern, from a goroutine: block SIGTERM, raise it
 * process-wide while goroutines keep every worker busy: nobody takes it
 * (an unblocked worker would have died of it: exit 143), it stays
 * pending; then a thread started afterwards waits for it with sigwait and
 * gets it. */
static void blocked_signal_reaches_sigwait(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    CHECK_EQ(pthread_sigmask(SIG_BLOCK, &set, NULL), 0);
    for (int i = 0; i < 4; i++)
        gocc_go(spin_ms, (void *)200L);
    gocc_sleep_ms(20);
    CHECK_EQ(kill(getpid(), SIGTERM), 0);
    gocc_sleep_ms(50);
    sigset_t pend;
    CHECK_EQ(sigpending(&pend), 0);
    CHECK(sigismember(&pend, SIGTERM));
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, sigwait_thread, &set) == 0);
    pthread_join(t, NULL);
    CHECK_EQ(atomic_load(&waited_sig), SIGTERM);
    /* every worker blocks it now */
    sigset_t cur;
    CHECK_EQ(pthread_sigmask(SIG_BLOCK, NULL, &cur), 0);
    CHECK(sigismember(&cur, SIGTERM));
    CHECK_EQ(pthread_sigmask(SIG_UNBLOCK, &set, NULL), 0);
}
TEST_IN_GOROUTINE(blocked_signal_reaches_sigwait)

int main(void) {
    signal(SIGALRM, on_alarm);
    gocc_maxprocs();
    /* this thread (cmocka's) is not a worker: it must not take the SIGTERM
     * that blocked_signal_reaches_sigwait raises (blocked after the start,
     * so the workers do not inherit it) */
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &term, NULL);
    const struct CMUnitTest tests[] = {
        BOTH(notify_delivers),
        cmocka_unit_test(test_notify_full_channel_drops_in_goroutine),
        cmocka_unit_test(test_stop_restores_action_in_goroutine),
        cmocka_unit_test(test_notify_rejects_in_goroutine),
        cmocka_unit_test(test_signal_flood_never_hangs_in_goroutine),
        cmocka_unit_test(test_blocked_signal_reaches_sigwait_in_goroutine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
