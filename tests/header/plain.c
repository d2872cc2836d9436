/* plain.c - plain C that includes <gocc.h> and uses its API, written in
 * C89 (declarations first, no // comments), for check.cmake: it must
 * compile warning-free with gcc and clang in every -std mode from c89 on,
 * with -pedantic -Wall -Wextra -Werror. */
#include <gocc.h>

#include <signal.h>

struct point {
    int x, y;
};

typedef gocc_chan(int) ichan;

static gocc_mutex mu = GOCC_MUTEX_INIT;
static gocc_waitgroup wg = GOCC_WAITGROUP_INIT;
static gocc_once once = GOCC_ONCE_INIT;
static int inits;

static void init(void) { inits++; }

static void worker(void *arg) {
    ichan c = *(ichan *)arg;
    gocc_mutex_lock(&mu);
    gocc_once_do(&once, init);
    gocc_mutex_unlock(&mu);
    gocc_send(c, 42);
    gocc_wg_done(&wg);
}

static int run(int argc, char **argv) {
    ichan c = gocc_make(int, 1);
    ichan tc = gocc_make_chan(ichan, 0);
    gocc_chan(struct point) pc = gocc_make(struct point, 2);
    gocc_chan(int) sig = gocc_make(int, 1);
    struct point p = {1, 2};
    struct point q;
    gocc_select_case cases[3];
    int v = 0, w = 0;
    gocc_bool ok, ok2;
    gocc_int64 t;

    (void)argv;
    gocc_wg_add(&wg, 1);
    gocc_go(worker, &c);
    gocc_wg_wait(&wg);
    v = gocc_recv(c);
    gocc_send(pc, p);
    q = gocc_recv(pc);
    ok = gocc_recv_ok(c, &w) || gocc_try_recv(c, &w, &ok2);
    (void)gocc_try_send(c, &v);
    gocc_recv_drop(c);
    cases[0] = gocc_case_recv(c, &w);
    cases[1] = gocc_case_send(pc, &p);
    cases[2] = gocc_case_recv_drop(gocc_after(1));
    cases[2].flags = GOCC_CASE_RELEASE;
    (void)gocc_select(cases, 3, 0);
    t = gocc_recv_release(gocc_after(0));
    if (gocc_signal_notify(sig, SIGUSR1, 0) == 0)
        gocc_signal_stop(sig);
    if (gocc_mutex_trylock(&mu))
        gocc_mutex_unlock(&mu);
    gocc_close(c);
    gocc_sleep_ms(0);
    v += gocc_len(c) + gocc_cap(pc) + (int)gocc_goid() + gocc_maxprocs() +
         (int)(t - gocc_nanotime() > 0) + q.x + ok + inits + argc;
    gocc_chan_free(c);
    gocc_chan_free(tc);
    gocc_chan_free(pc);
    gocc_chan_free(sig);
    errno = 0;
    if (v < 0)
        gocc_panic("negative %d", v);
    return v > 0 ? 0 : 1;
}

GOCC_MAIN(run)
