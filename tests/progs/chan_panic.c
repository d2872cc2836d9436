/*
 * chan_panic.c - channel operations that must panic (or block forever),
 * one per mode, for test_chan.c.  Usage: chan_panic MODE.  Each mode does
 * the faulty operation from the main goroutine, or from a goroutine that is
 * already blocked when main closes or frees its channel; if the runtime
 * does not stop the program, it prints "no panic" and exits 0.
 */
#include <gocc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef gocc_chan(int) ichan;

static atomic_int started;

static void sender(void *p) {
    ichan c = *(ichan *)p;
    atomic_store(&started, 1);
    gocc_send(c, 1);
    puts("blocked sender returned");
}

static void receiver(void *p) {
    ichan c = *(ichan *)p;
    atomic_store(&started, 1);
    (void)gocc_recv(c);
    puts("blocked receiver returned");
}

/* Start fn(c) in a goroutine and return once it is blocked on c. */
static void start_blocked(void (*fn)(void *), ichan c) {
    gocc_go_copy(fn, &c, sizeof c);
    while (!atomic_load(&started))
        gocc_sleep_ms(1);
    gocc_sleep_ms(20);
}

static int run(int argc, char **argv) {
    if (argc < 2) {
        fputs("usage: chan_panic MODE\n", stderr);
        return 64;
    }
    const char *mode = argv[1];
    ichan nil = 0;
    if (!strcmp(mode, "make_negative")) {
        long long n = -(long long)argc; /* not a constant */
        ichan c = gocc_make(int, n);
        (void)c;
    } else if (!strcmp(mode, "make_huge")) {
        ichan c = gocc_make(int, (long long)1 << 62);
        (void)c;
    } else if (!strcmp(mode, "close_nil")) {
        gocc_close(nil);
    } else if (!strcmp(mode, "close_closed")) {
        ichan c = gocc_make(int, 1);
        gocc_close(c);
        gocc_close(c);
    } else if (!strcmp(mode, "send_closed")) {
        ichan c = gocc_make(int, 1);
        gocc_close(c);
        gocc_send(c, 1);
    } else if (!strcmp(mode, "try_send_closed")) {
        ichan c = gocc_make(int, 1);
        gocc_close(c);
        int v = 1;
        printf("try_send returned %d\n", gocc_try_send(c, &v));
    } else if (!strcmp(mode, "blocked_send_closed")) {
        ichan c = gocc_make(int, 0);
        start_blocked(sender, c);
        gocc_close(c);
        gocc_sleep_ms(3000);
    } else if (!strcmp(mode, "blocked_buffered_send_closed")) {
        ichan c = gocc_make(int, 1);
        gocc_send(c, 0);
        start_blocked(sender, c);
        gocc_close(c);
        gocc_sleep_ms(3000);
    } else if (!strcmp(mode, "free_busy")) {
        ichan c = gocc_make(int, 0);
        start_blocked(receiver, c);
        gocc_chan_free(c);
        gocc_sleep_ms(1000);
    } else if (!strcmp(mode, "recv_nil")) {
        (void)gocc_recv(nil);
        puts("recv on nil channel returned");
    } else if (!strcmp(mode, "send_nil")) {
        gocc_send(nil, 1);
        puts("send on nil channel returned");
    } else {
        fprintf(stderr, "chan_panic: unknown mode %s\n", mode);
        return 64;
    }
    puts("no panic");
    return 0;
}

GOCC_MAIN(run)
