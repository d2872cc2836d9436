/*
 * crash_panic.c - runtime panics, for test_crash.c.  argv[1] names the
 * case; each one panics (exit 2, "panic: ..." and "goroutine N [running]:"
 * on stderr).  The goroutine that panics first prints "goid=N" on stdout
 * (flushed) so the test can check the id in the panic report.  Run with
 * GOCC_MAXPROCS=1 so the "already blocked" case is deterministic.
 */
#include <gocc.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static void say_goid(void) {
    printf("goid=%lld\n", (long long)gocc_goid());
    fflush(stdout);
}

static gocc_chan(int) ready, ch;

/* Blocks sending on ch (unbuffered, no receiver) until ch is closed. */
static void blocked_sender(void *arg) {
    (void)arg;
    say_goid();
    gocc_send(ready, 1);
    gocc_send(ch, 7);
    puts("send on closed channel returned");
}

static gocc_waitgroup wg = GOCC_WAITGROUP_INIT;

static void negative_wg(void *arg) {
    (void)arg;
    say_goid();
    gocc_wg_done(&wg);
    puts("negative counter did not panic");
    gocc_send(ready, 1);
}

/* Spawns a chain: the depth-th goroutine panics. */
static void chain(void *arg) {
    int depth = (int)(long)arg;
    if (depth > 0) {
        gocc_go(chain, (void *)(long)(depth - 1));
        return;
    }
    say_goid();
    gocc_panic("custom %d", 42);
}

static int run(int argc, char **argv) {
    const char *m = argc > 1 ? argv[1] : "";
    ready = gocc_make(int, 1);
    ch = gocc_make(int, 0);
    if (!strcmp(m, "send_closed")) {
        say_goid();
        gocc_close(ch);
        gocc_send(ch, 1);
    } else if (!strcmp(m, "send_closed_buffered")) {
        gocc_chan(int) b = gocc_make(int, 4);
        say_goid();
        gocc_send(b, 1);
        gocc_close(b);
        gocc_send(b, 2);
    } else if (!strcmp(m, "send_closed_blocked")) {
        gocc_go(blocked_sender, NULL);
        (void)gocc_recv(ready);
        gocc_sleep_ms(50);   /* the sender parks in its send meanwhile */
        gocc_close(ch);
        gocc_sleep_ms(1000); /* the sender panics now */
        puts("sender did not panic");
        return 0;
    } else if (!strcmp(m, "send_closed_select")) {
        int v = 3;
        gocc_select_case c[1] = {gocc_case_send(ch, &v)};
        say_goid();
        gocc_close(ch);
        gocc_select(c, 1, false);
    } else if (!strcmp(m, "close_closed")) {
        say_goid();
        gocc_close(ch);
        gocc_close(ch);
    } else if (!strcmp(m, "close_nil")) {
        gocc_chan(int) nil = 0;
        say_goid();
        gocc_close(nil);
    } else if (!strcmp(m, "makechan")) {
        volatile long n = -1;
        say_goid();
        gocc_chan(int) bad = gocc_make(int, n);
        (void)bad;
    } else if (!strcmp(m, "makechan_overflow")) {
        volatile long n = 1L << 62;     /* 2^65 bytes: the product overflows */
        say_goid();
        gocc_chan(long) bad = gocc_make(long, n);
        (void)bad;
    } else if (!strcmp(m, "makechan_limit")) {
        volatile long n = 1L << 59;     /* 2^61 bytes, past Go's 2^48 */
        say_goid();
        gocc_chan(int) bad = gocc_make(int, n);
        (void)bad;
    } else if (!strcmp(m, "negative_wg")) {
        gocc_go(negative_wg, NULL);
        (void)gocc_recv(ready);
        return 0;
    } else if (!strcmp(m, "custom")) {
        say_goid();
        gocc_panic("custom %d", 42);
    } else if (!strcmp(m, "custom_chain")) {
        gocc_go(chain, (void *)4L);
        gocc_sleep_ms(5000);
        return 0;
    } else {
        fprintf(stderr, "crash_panic: unknown case '%s'\n", m);
        return 100;
    }
    puts("no panic");
    return 0;
}

GOCC_MAIN(run)
