/*
 * chan_misuse.c - using a channel after gocc_chan_free, for test_crash.c.
 * argv[1] names the case; each one frees a channel and then uses it, which
 * must end in "fatal error: use of freed channel" and exit status 2 (in
 * every build: the check is not a debug one).  Before the misuse the
 * program prints "freed" (flushed), so the test knows the free itself was
 * fine; after it, "not caught" (never expected).
 *   double_free  send  recv  recv_ok  trysend  tryrecv  close  len  cap
 *   select_recv  select_send  select_default  after  reused  goroutine
 *   signal_notify
 * and "invalid": a pointer to zeroed memory used as a channel, which is
 * "fatal error: use of invalid channel".
 */
#include <gocc.h>

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef gocc_chan(int) ichan;

static ichan victim;

static void use_in_goroutine(void *p) {
    gocc_chan(int) *done = p;
    gocc_send(victim, 1);
    gocc_send(*done, 1);
}

static int run(int argc, char **argv) {
    const char *m = argc > 1 ? argv[1] : "";
    int v = 0;
    bool ok;
    victim = gocc_make(int, 1);
    gocc_send(victim, 5);
    gocc_chan_free(victim);
    printf("freed\n");
    fflush(stdout);
    if (!strcmp(m, "double_free")) {
        gocc_chan_free(victim);
    } else if (!strcmp(m, "send")) {
        gocc_send(victim, 1);
    } else if (!strcmp(m, "recv")) {
        v = gocc_recv(victim);
    } else if (!strcmp(m, "recv_ok")) {
        gocc_recv_ok(victim, &v);
    } else if (!strcmp(m, "trysend")) {
        gocc_try_send(victim, &v);
    } else if (!strcmp(m, "tryrecv")) {
        gocc_try_recv(victim, &v, &ok);
    } else if (!strcmp(m, "close")) {
        gocc_close(victim);
    } else if (!strcmp(m, "len")) {
        v = gocc_len(victim);
    } else if (!strcmp(m, "cap")) {
        v = gocc_cap(victim);
    } else if (!strcmp(m, "select_recv") || !strcmp(m, "select_send") ||
               !strcmp(m, "select_default")) {
        ichan live = gocc_make(int, 1);
        gocc_select_case cs[2] = {
            gocc_case_recv(live, &v),
            !strcmp(m, "select_send") ? gocc_case_send(victim, &v)
                                      : gocc_case_recv(victim, &v),
        };
        gocc_select(cs, 2, !strcmp(m, "select_default"));
    } else if (!strcmp(m, "after")) {
        /* a gocc_after channel, freed (stopping its timer), then waited on */
        gocc_chan(gocc_int64) t = gocc_after(1);
        gocc_chan_free(t);
        v = (int)gocc_recv(t);
    } else if (!strcmp(m, "reused")) {
        /* new channels of the same size do not take over the freed one's
         * memory while it waits in the quarantine */
        ichan fresh[8];
        for (int i = 0; i < 8; i++)
            fresh[i] = gocc_make(int, 1);
        gocc_send(victim, 1);
        (void)fresh;
    } else if (!strcmp(m, "goroutine")) {
        gocc_chan(int) done = gocc_make(int, 0);
        gocc_go(use_in_goroutine, &done);
        gocc_recv_drop(done);
    } else if (!strcmp(m, "invalid")) {
        /* not a channel at all: zeroed memory where a header would be */
        static _Alignas(64) unsigned char fake[256];
        ichan bogus = (ichan)(gocc_uintptr)fake;
        gocc_send(bogus, 1);
    } else if (!strcmp(m, "signal_notify")) {
        gocc_signal_notify(victim, SIGUSR1, 0);
    } else {
        printf("unknown case %s\n", m);
        return 1;
    }
    printf("not caught %d\n", v);
    return 0;
}

GOCC_MAIN(run)
