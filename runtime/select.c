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

enum { SMALL = 16, INSERTION_MAX = 128 };

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

/* Free the channels of the GOCC_CASE_RELEASE cases, each once (the same
 * channel may appear in several cases), after the select is done and its
 * channels are unlocked.  Walks the lock order, where the cases of one
 * channel are adjacent: O(n), not O(n^2), for a large select. */
static void sel_release(const selstate *s) {
    for (int i = 0; i < s->nlock;) {
        gocc_hchan *c = s->cases[s->lockorder[i]].chan;
        bool release = false;
        for (; i < s->nlock && s->cases[s->lockorder[i]].chan == c; i++)
            if (s->cases[s->lockorder[i]].flags & GOCC_CASE_RELEASE)
                release = true;
        if (release)
            gocc_chan_free_(c);
    }
}

/* A case's sort key and index (lock_order's scratch). */
typedef struct selkey {
    uintptr_t key;
    int idx;
} selkey;
_Static_assert(sizeof(selkey) <= sizeof(gocc_waiter) &&
                   _Alignof(selkey) <= _Alignof(gocc_waiter),
               "lock_order sorts in the waiters' array");

static inline uintptr_t chan_key(const gocc_select_case *cases, int i) {
    return (uintptr_t)cases[i].chan;
}

/* Fill lockorder[0..n) with the case indices of poll[0..n), sorted by
 * channel address: the order every select locks its channels in, so two
 * selects never deadlock on each other.  Heapsort, as Go's selectgo:
 * O(n log n) with no allocation (insertion sort took 1.5 s for a select
 * of 100,000 cases); up to INSERTION_MAX cases, insertion sort, which is
 * faster there (poll order is random: about n^2/4 moves, but few
 * mispredicted branches; 100 cases took 4.3 us a select with heapsort,
 * 3.0 us with insertion; 200 cases 8.5 us either way).  The order among
 * cases on one channel is unspecified; they are adjacent, which is all
 * sel_lock and sel_release need.  scratch: room for n selkeys (the
 * waiters' array, unused until the select parks). */
static void lock_order(const gocc_select_case *cases, const int *poll,
                       int *lockorder, int n, selkey *scratch) {
    if (n <= INSERTION_MAX) {
        for (int i = 0; i < n; i++) {
            int x = poll[i], j = i;
            uintptr_t k = chan_key(cases, x);
            while (j > 0 && chan_key(cases, lockorder[j - 1]) > k) {
                lockorder[j] = lockorder[j - 1];
                j--;
            }
            lockorder[j] = x;
        }
        return;
    }
    /* sort (address, index) pairs in scratch, not indices: one load per
     * comparison instead of two dependent ones */
    selkey *h = scratch;
    /* build a max-heap by inserting in poll order (sift up) */
    for (int i = 0; i < n; i++) {
        selkey x = {chan_key(cases, poll[i]), poll[i]};
        int j = i;
        while (j > 0 && h[(j - 1) / 2].key < x.key) {
            h[j] = h[(j - 1) / 2];
            j = (j - 1) / 2;
        }
        h[j] = x;
    }
    /* repeatedly move the largest to the end and put the last leaf in its
     * place: Floyd's bottom-up sift (down to a leaf along the larger
     * children, a data-independent branch, then up), half the
     * comparisons of a plain sift-down and few mispredicted branches */
    for (int i = n - 1; i > 0; i--) {
        selkey x = h[i];
        h[i] = h[0];
        int j = 0, c;
        while ((c = 2 * j + 1) < i) {
            c += (c + 1 < i) & (h[c].key < h[c + 1].key);
            h[j] = h[c];
            j = c;
        }
        while (j > 0 && h[(j - 1) / 2].key < x.key) {
            h[j] = h[(j - 1) / 2];
            j = (j - 1) / 2;
        }
        h[j] = x;
    }
    for (int i = 0; i < n; i++)
        lockorder[i] = h[i].idx;
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
    unsigned release = 0;   /* any GOCC_CASE_RELEASE case: sel_release */
    for (int i = 0; i < n; i++) {
        if (!cases[i].chan)
            continue;
        chan_check(cases[i].chan);
        release |= cases[i].flags & GOCC_CASE_RELEASE;
        int j = (int)(sched_rand() % (uint32_t)(np + 1));
        poll[np] = poll[j];
        poll[j] = i;
        np++;
    }
    lock_order(cases, poll, lockorder, np, (selkey *)waiters);
    selstate s = {cases, lockorder, np};
    int chosen = -1;
    gocc_g *wake = NULL;

    if (np == 0 && !has_default) {
        /* select {} or only nil channels: block forever */
        g_park(NULL, NULL, n == 0 ? WR_SELECT_NO_CASES : WR_SELECT);
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
        g_park(sel_unlock, &s, WR_SELECT);
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
    if (release)
        sel_release(&s);
    if (n > SMALL) {
        free(poll);
        free(lockorder);
        free(waiters);
    }
    return chosen;
}
