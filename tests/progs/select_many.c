/*
 * select_many.c - one select over many channels, for bench numbers (not a
 * test: test_select.c checks the behaviour in-process).
 *
 * Usage: select_many NCASES ITERS
 * Makes NCASES buffered channels of capacity 1, then ITERS times: puts a
 * value on one of them (a different one each time), runs one gocc_select
 * over all NCASES receive cases, and checks that it chose that channel and
 * received the value.  Prints "NCASES cases: <us> us per select" (the
 * median of the ITERS selects).
 */
#include <gocc.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef gocc_chan(int) ichan;

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int prog_main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: select_many NCASES ITERS\n");
        return 2;
    }
    int n = atoi(argv[1]), iters = atoi(argv[2]);
    if (n < 1 || iters < 1)
        return 2;
    ichan *chans = malloc((size_t)n * sizeof *chans);
    gocc_select_case *cases = malloc((size_t)n * sizeof *cases);
    int *vals = malloc((size_t)n * sizeof *vals);
    int64_t *t = malloc((size_t)iters * sizeof *t);
    if (!chans || !cases || !vals || !t)
        return 2;
    for (int i = 0; i < n; i++)
        chans[i] = gocc_make(int, 1);
    for (int it = 0; it < iters; it++) {
        int k = (int)(((int64_t)it * 7919 + 13) % n);
        gocc_send(chans[k], k + 1);
        for (int i = 0; i < n; i++)
            cases[i] = gocc_case_recv(chans[i], &vals[i]);
        int64_t t0 = gocc_nanotime();
        int got = gocc_select(cases, n, false);
        t[it] = gocc_nanotime() - t0;
        if (got != k || vals[k] != k + 1 || !cases[k].ok) {
            fprintf(stderr, "select chose %d, want %d\n", got, k);
            return 1;
        }
    }
    qsort(t, (size_t)iters, sizeof *t, cmp_i64);
    printf("%d cases: %.2f us per select\n", n, (double)t[iters / 2] / 1e3);
    for (int i = 0; i < n; i++)
        gocc_chan_free(chans[i]);
    free(chans);
    free(cases);
    free(vals);
    free(t);
    return 0;
}

GOCC_MAIN(prog_main)
