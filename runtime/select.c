/*
 * select.c - gocc_select: wait on several channel operations at once.
 *
 * After Go's selectgo (select.go):
 *   1. Shuffle the cases into a random poll order; sort them by channel
 *      address into a lock order.  Lock every distinct channel, in address
 *      order (so two selects never deadlock on each other).
 *   2. Scan in poll order for a case that can proceed now; the first found
 *      is uniformly random among the ready ones.  Do it, unlock, return.
 *   3. None: with a default, unlock and return -1.  Otherwise enqueue one
 *      waiter per case (all on this G's stack, is_select set), park, and
 *      let the unlock run after the switch.
 *   4. Woken: the waker won g->select_done (0 -> 1) on one channel, did the
 *      transfer there and stored that waiter in g->param.  Relock, dequeue
 *      the losing waiters from every other channel, unlock.
 * Cases marked GOCC_CASE_RELEASE (auto-released gocc_after channels) are
 * freed after the channels are unlocked, whichever case fired.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

enum { SMALL = 16 };

typedef struct selstate {
    gocc_select_case *cases;
    int *lockorder;   /* indices of non-nil cases, sorted by channel */
    int nlock;
} selstate;

static void sel_lock(selstate *s) {
    gocc_hchan *prev = NULL;
    for (int i = 0; i < s->nlock; i++) {
        gocc_hchan *c = s->cases[s->lockorder[i]].chan;
        if (c != prev)
            lock_acquire(&c->lock);
        prev = c;
    }
}

static void sel_unlock(void *p) {
    selstate *s = p;
    for (int i = s->nlock - 1; i >= 0; i--) {
        gocc_hchan *c = s->cases[s->lockorder[i]].chan;
        if (i == 0 || s->cases[s->lockorder[i - 1]].chan != c)
            lock_release(&c->lock);
    }
}

static void sel_release(gocc_select_case *cases, int n) {
    for (int i = 0; i < n; i++) {
        if (!(cases[i].flags & GOCC_CASE_RELEASE) || !cases[i].chan)
            continue;
        /* the same channel may appear twice: free it once */
        bool seen = false;
        for (int j = 0; j < i; j++)
            if (cases[j].chan == cases[i].chan &&
                (cases[j].flags & GOCC_CASE_RELEASE))
                seen = true;
        if (!seen)
            gocc_chan_free_(cases[i].chan);
    }
}

/* Try case i now (all channels locked).  Returns the G to ready after
 * unlocking (or NULL), sets *fired.  Panics on a send to a closed channel. */
static gocc_g *sel_try(selstate *s, int i, bool *fired) {
    gocc_select_case *k = &s->cases[i];
    gocc_hchan *c = k->chan;
    gocc_waiter *w;
    *fired = true;
    if (k->dir == GOCC_CASE_RECV) {
        if ((w = waitq_dequeue(&c->sendq))) {
            chan_recv_from(c, w, k->elem);
            k->ok = true;
            return w->g;
        }
        if (c->qcount > 0) {
            chan_buf_take(c, k->elem);
            k->ok = true;
            return NULL;
        }
        if (c->closed) {
            if (k->elem)
                memset(k->elem, 0, c->elemsize);
            k->ok = false;
            return NULL;
        }
    } else {
        if (c->closed) {
            sel_unlock(s);
            gocc_panic("send on closed channel");
        }
        if ((w = waitq_dequeue(&c->recvq))) {
            chan_send_to(c, w, k->elem);
            return w->g;
        }
        if (c->qcount < c->dataqsiz) {
            chan_buf_put(c, k->elem);
            return NULL;
        }
    }
    *fired = false;
    return NULL;
}

int gocc_select(gocc_select_case *cases, int n, bool has_default) {
    int small_poll[SMALL], small_lock[SMALL];
    gocc_waiter small_w[SMALL];
    int *poll = small_poll, *lockorder = small_lock;
    gocc_waiter *waiters = small_w;
    if (n < 0)
        gocc_panic("gocc_select: negative case count");
    if (n > SMALL) {
        poll = malloc((size_t)n * sizeof *poll);
        lockorder = malloc((size_t)n * sizeof *lockorder);
        waiters = malloc((size_t)n * sizeof *waiters);
        if (!poll || !lockorder || !waiters)
            gocc_panic("gocc_select: out of memory");
    }

    /* poll order: a random permutation of the non-nil cases */
    int np = 0;
    for (int i = 0; i < n; i++) {
        if (!cases[i].chan)
            continue;
        chan_check(cases[i].chan);
        int j = (int)(sched_rand() % (uint32_t)(np + 1));
        poll[np] = poll[j];
        poll[j] = i;
        np++;
    }
    /* lock order: by channel address (insertion sort: n is small) */
    for (int i = 0; i < np; i++) {
        int x = poll[i], j = i;
        while (j > 0 && (uintptr_t)cases[lockorder[j - 1]].chan >
                            (uintptr_t)cases[x].chan) {
            lockorder[j] = lockorder[j - 1];
            j--;
        }
        lockorder[j] = x;
    }
    selstate s = {cases, lockorder, np};
    int chosen = -1;
    gocc_g *wake = NULL;

    if (np == 0 && !has_default) {
        /* select {} or only nil channels: block forever */
        g_park(NULL, NULL);
        gocc_throw("a goroutine blocked forever was woken");
    }

    sel_lock(&s);
    for (int i = 0; i < np; i++) {
        bool fired;
        wake = sel_try(&s, poll[i], &fired);
        if (fired) {
            chosen = poll[i];
            break;
        }
    }
    if (chosen < 0 && !has_default) {
        gocc_g *g = g_self();
        atomic_store(&g->select_done, 0);
        g->param = NULL;
        for (int i = 0; i < np; i++) {
            int ci = lockorder[i];
            gocc_waiter *w = &waiters[ci];
            memset(w, 0, sizeof *w);
            w->g = g;
            w->c = cases[ci].chan;
            w->elem = cases[ci].elem;
            w->is_select = true;
            w->case_index = ci;
            waitq_push(cases[ci].dir == GOCC_CASE_RECV ? &w->c->recvq
                                                       : &w->c->sendq,
                       w);
            w->c->sel_pending++;
        }
        g_park(sel_unlock, &s);
        sel_lock(&s);
        gocc_waiter *won = g->param;
        for (int i = 0; i < np; i++) {
            int ci = lockorder[i];
            gocc_waiter *w = &waiters[ci];
            if (w != won)
                waitq_remove(cases[ci].dir == GOCC_CASE_RECV ? &w->c->recvq
                                                             : &w->c->sendq,
                             w);
            w->c->sel_pending--;
        }
        chosen = won->case_index;
        if (cases[chosen].dir == GOCC_CASE_RECV) {
            cases[chosen].ok = won->success;
        } else if (!won->success) {
            sel_unlock(&s);
            gocc_panic("send on closed channel");
        }
    }
    sel_unlock(&s);
    if (wake)
        g_ready(wake, true);
    sel_release(cases, n);
    if (n > SMALL) {
        free(poll);
        free(lockorder);
        free(waiters);
    }
    return chosen;
}
