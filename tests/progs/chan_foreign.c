/*
 * chan_foreign.c - deadlock detection with threads the runtime did not
 * create, for test_foreign.c.  Plain main() (no gocc_main): the main
 * thread is a foreign thread.  Usage: chan_foreign MODE.
 *   sleeping_pthread    a goroutine waits for a value that a pthread sends
 *                       after 300 ms spent outside the runtime, while main
 *                       is blocked in the runtime waiting for the
 *                       goroutine's answer: no deadlock; prints "ok".
 *   started_by_pthread  the runtime is started by a pthread that then
 *                       exits; main sleeps 300 ms outside the runtime,
 *                       then sends to the waiting goroutine: no deadlock;
 *                       prints "ok".
 *   deadlock            a goroutine and the main thread both wait on
 *                       channels nobody will send on: the runtime must
 *                       report the deadlock (status 2).
 */
#define _GNU_SOURCE
#include <gocc.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef gocc_chan(int) ichan;

static ichan in, out;

static void answer(void *p) {
    (void)p;
    gocc_send(out, gocc_recv(in) + 1);
}

static void sleep_ms_outside(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static void *late_sender(void *p) {
    (void)p;
    sleep_ms_outside(300);
    gocc_send(in, 41);
    return NULL;
}

static void *start_runtime(void *p) {
    (void)p;
    gocc_go(answer, NULL);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fputs("usage: chan_foreign MODE\n", stderr);
        return 64;
    }
    in = gocc_make(int, 0);
    out = gocc_make(int, 0);
    if (!strcmp(argv[1], "sleeping_pthread")) {
        gocc_go(answer, NULL);
        pthread_t t;
        pthread_create(&t, NULL, late_sender, NULL);
        int v = gocc_recv(out);
        pthread_join(t, NULL);
        puts(v == 42 ? "ok" : "wrong value");
    } else if (!strcmp(argv[1], "started_by_pthread")) {
        pthread_t t;
        pthread_create(&t, NULL, start_runtime, NULL);
        pthread_join(t, NULL);
        sleep_ms_outside(300);
        gocc_send(in, 41);
        puts(gocc_recv(out) == 42 ? "ok" : "wrong value");
    } else if (!strcmp(argv[1], "deadlock")) {
        gocc_go(answer, NULL);
        (void)gocc_recv(out); /* nobody sends on in: both wait forever */
        puts("deadlocked receive returned");
    } else {
        fprintf(stderr, "chan_foreign: unknown mode %s\n", argv[1]);
        return 64;
    }
    return 0;
}
