/*
 * chan_fcfs.c - first come, first served service of blocked senders and
 * receivers, for test_chan.c, run with GOCC_MAXPROCS=1.  With one worker a
 * goroutine started by main runs, and parks in its channel operation,
 * before main's 1 ms sleep ends, so the order in which the goroutines block
 * is exactly the order in which they are started.  Prints, in order, the
 * values received from blocked senders (unbuffered, then behind a full
 * buffer), the values blocked receivers got, and what close gave them.
 */
#include <gocc.h>
#include <stdbool.h>
#include <stdio.h>

typedef gocc_chan(int) ichan;

enum { N = 8 };

typedef struct job {
    ichan c, done;
    int value;
    int *got;
    bool *ok;
} job;

static void send_value(void *p) {
    job *j = p;
    gocc_send(j->c, j->value);
    gocc_send(j->done, 1);
}

static void recv_value(void *p) {
    job *j = p;
    *j->ok = gocc_recv_ok(j->c, j->got);
    gocc_send(j->done, 1);
}

static void senders(const char *label, int cap) {
    ichan c = gocc_make(int, cap), done = gocc_make(int, N);
    for (int i = 0; i < cap; i++)
        gocc_send(c, 100 + i);
    for (int i = 0; i < N; i++) {
        job j = {c, done, i, NULL, NULL};
        gocc_go_copy(send_value, &j, sizeof j);
        gocc_sleep_ms(1);
    }
    printf("%s:", label);
    for (int i = 0; i < N + cap; i++)
        printf(" %d", gocc_recv(c));
    printf("\n");
    for (int i = 0; i < N; i++)
        (void)gocc_recv(done);
    gocc_chan_free(c);
    gocc_chan_free(done);
}

static void receivers(bool by_close) {
    ichan c = gocc_make(int, 0), done = gocc_make(int, N);
    int got[N];
    bool ok[N];
    for (int i = 0; i < N; i++) {
        got[i] = -1;
        job j = {c, done, 0, &got[i], &ok[i]};
        gocc_go_copy(recv_value, &j, sizeof j);
        gocc_sleep_ms(1);
    }
    if (by_close)
        gocc_close(c);
    else
        for (int i = 0; i < N; i++)
            gocc_send(c, i);
    for (int i = 0; i < N; i++)
        (void)gocc_recv(done);
    printf(by_close ? "close:" : "receivers:");
    for (int i = 0; i < N; i++) {
        if (by_close)
            printf(" %d/%d", got[i], ok[i]);
        else
            printf(" %d", got[i]);
    }
    printf("\n");
    gocc_chan_free(c);
    gocc_chan_free(done);
}

static int run(int argc, char **argv) {
    (void)argc;
    (void)argv;
    senders("senders", 0);
    senders("buffered senders", 2);
    receivers(false);
    receivers(true);
    return 0;
}

GOCC_MAIN(run)
