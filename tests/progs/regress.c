/*
 * regress.c - regression programs for bugs found in review, for
 * test_regress.c.  Plain main(): the runtime starts only when a mode
 * needs it.  Usage: regress MODE; prints "ok" and exits 0 when right.
 *   free_after_select   a select fired on channel a while its waiter on b
 *                       was still queued; freeing b at once must neither
 *                       panic nor free b under the select's cleanup
 *   free_after_trysend  the same, after a try-send on b dropped the stale
 *                       waiter (was a heap use-after-free)
 *   after_cold          gocc_after in a program that never started a
 *                       goroutine must still fire (was a hang)
 *   foreign_key         a pthread blocking before the runtime starts must
 *                       not clobber the program's own pthread key 0
 *   sleep_forever       gocc_sleep_ms(INT64_MAX) must not return at once
 *                       (deadline overflow)
 *   after_closed        a gocc_after channel closed before it fires: the
 *                       timer must not panic on a scheduler thread; the
 *                       receive sees the close
 *   late_spawn          three workers, all idle, the watcher asleep until a
 *                       10 s timer; a foreign thread's spawn wakes one
 *                       worker, whose goroutine spawns a child and then
 *                       computes: another worker must run the child within
 *                       3 s (was: only when the timer fired)
 */
#include <gocc.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef gocc_chan(int) ichan;
static ichan a, b;
static gocc_waitgroup wg = GOCC_WAITGROUP_INIT;

static void selector(void *p) {
    int *got = p;
    gocc_select_case cs[2] = {gocc_case_recv(a, got), gocc_case_recv(b, got)};
    if (gocc_select(cs, 2, false) != 0)
        *got = -1;
    gocc_wg_done(&wg);
}

static int free_after_select(bool trysend) {
    a = gocc_make(int, 0);
    b = gocc_make(int, 0);
    int got = 0;
    gocc_wg_add(&wg, 1);
    gocc_go(selector, &got);
    while (gocc_len(a) == 0 && !gocc_try_send(a, &(int){42}))
        gocc_sleep_ms(1);   /* until the selector is blocked and takes it */
    if (trysend && gocc_try_send(b, &(int){7}))
        return puts("try_send on b succeeded"), 1;
    gocc_chan_free(b);      /* nobody is blocked on b any more */
    gocc_wg_wait(&wg);
    gocc_chan_free(a);
    return got == 42 ? (puts("ok"), 0) : (printf("got %d\n", got), 1);
}

static void *key_thread(void *p) {
    pthread_key_t *key = p;
    static char mine[] = "mine";
    pthread_setspecific(*key, mine);
    (void)gocc_recv(a);     /* parks before the runtime has started */
    return pthread_getspecific(*key) == mine ? mine : NULL;
}

static int foreign_key(void) {
    pthread_key_t key;
    pthread_key_create(&key, NULL);
    a = gocc_make(int, 0);
    pthread_t t;
    pthread_create(&t, NULL, key_thread, &key);
    usleep(50000);
    gocc_send(a, 1);
    void *r;
    pthread_join(t, &r);
    return r ? (puts("ok"), 0) : (puts("key clobbered"), 1);
}

static volatile int slept_through;
static void sleeper(void *p) {
    (void)p;
    gocc_sleep_ms(INT64_MAX);
    slept_through = 1;
}

static _Atomic int64_t child_ran;
static _Atomic int late_result;   /* 1 child ran, 2 it did not */
static void late_child(void *p) {
    (void)p;
    atomic_store(&child_ran, gocc_nanotime());
}
static void far_sleeper(void *p) {
    (void)p;
    gocc_sleep_ms(10000);
}
static void late_parent(void *p) {
    (void)p;
    /* computing 5 ms lets the workers the spawn woke go back to sleep */
    int64_t t = gocc_nanotime();
    while (gocc_nanotime() - t < 5000000)
        ;
    t = gocc_nanotime();
    gocc_go(late_child, NULL);
    while (!atomic_load(&child_ran) && gocc_nanotime() - t < 3000000000LL)
        ;
    atomic_store(&late_result, atomic_load(&child_ran) ? 1 : 2);
}
static int late_spawn(void) {
    setenv("GOCC_MAXPROCS", "3", 1);   /* read when the runtime starts */
    gocc_go(far_sleeper, NULL);
    usleep(200000);                    /* every worker idle */
    gocc_go(late_parent, NULL);
    while (!atomic_load(&late_result))
        usleep(1000);
    return atomic_load(&late_result) == 1
               ? (puts("ok"), 0)
               : (puts("child not run in 3 s"), 1);
}

int main(int argc, char **argv) {
    const char *m = argc > 1 ? argv[1] : "";
    if (!strcmp(m, "late_spawn"))
        return late_spawn();
    if (!strcmp(m, "free_after_select"))
        return free_after_select(false);
    if (!strcmp(m, "free_after_trysend"))
        return free_after_select(true);
    if (!strcmp(m, "after_cold")) {
        int64_t t0 = gocc_nanotime(), v = gocc_recv_release(gocc_after(20));
        return v >= t0 + 20000000 ? (puts("ok"), 0) : (puts("early"), 1);
    }
    if (!strcmp(m, "foreign_key"))
        return foreign_key();
    if (!strcmp(m, "sleep_forever")) {
        gocc_go(sleeper, NULL);
        usleep(200000);
        return slept_through ? (puts("woke early"), 1) : (puts("ok"), 0);
    }
    if (!strcmp(m, "after_closed")) {
        gocc_chan(int64_t) t = gocc_after(10);
        gocc_close(t);
        usleep(50000);   /* well past the deadline */
        int64_t v;
        bool ok = gocc_recv_ok(t, &v);
        gocc_chan_free(t);
        return !ok && v == 0 ? (puts("ok"), 0) : (puts("got a value"), 1);
    }
    fprintf(stderr, "regress: unknown mode '%s'\n", m);
    return 64;
}
