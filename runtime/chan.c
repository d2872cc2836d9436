/*
 * chan.c - channels: make, send, receive, close, len, cap, free, after.
 *
 * After Go's chan.go.  A channel is one allocation: the header, then a ring
 * buffer of dataqsiz elements.  All state is guarded by c->lock.
 *
 * Invariants (under c->lock):
 *   - at most one of recvq and sendq is non-empty;
 *   - recvq non-empty implies qcount == 0 (no receiver waits on a channel
 *     with buffered data); sendq non-empty implies qcount == dataqsiz;
 *   - closed implies sendq is empty.
 * Waiters live on the waiting G's stack; the waking party copies the value
 * straight into (or out of) that stack frame, sets w->success, and readies
 * the G after the copy.  A G readied by a channel operation goes to the
 * waker's runnext slot: it runs next on the same thread.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- wait queues */

void waitq_push(gocc_waitq *q, gocc_waiter *w) {
    w->next = NULL;
    w->prev = q->last;
    if (q->last)
        q->last->next = w;
    else
        q->first = w;
    q->last = w;
}

void waitq_remove(gocc_waitq *q, gocc_waiter *w) {
    if (w->prev)
        w->prev->next = w->next;
    else if (q->first == w)
        q->first = w->next;
    else
        return;   /* not queued */
    if (w->next)
        w->next->prev = w->prev;
    else
        q->last = w->prev;
    w->next = w->prev = NULL;
}

gocc_waiter *waitq_dequeue(gocc_waitq *q) {
    for (;;) {
        gocc_waiter *w = q->first;
        if (!w)
            return NULL;
        q->first = w->next;
        if (q->first)
            q->first->prev = NULL;
        else
            q->last = NULL;
        w->next = w->prev = NULL;
        if (w->is_select) {
            uint32_t z = 0;
            if (!atomic_compare_exchange_strong(&w->g->select_done, &z, 1))
                continue;   /* its select was won on another channel */
        }
        return w;
    }
}

/* -------------------------------------------------------------- basics */

void chan_unlock_cb(void *c) { lock_release(&((gocc_hchan *)c)->lock); }

/* The slow half of chan_check: c's header does not say "live channel". */
_Noreturn void chan_bad(const gocc_hchan *c) {
    gocc_throw(c->magic == CHAN_DEAD ? "use of freed channel"
                                     : "use of invalid channel");
}

static inline void *chan_slot(gocc_hchan *c, size_t i) {
    return c->buf + i * c->elemsize;
}

/* Copy an element; the common sizes as plain moves, not a call. */
static inline void elem_copy(void *dst, const void *src, size_t n) {
    if (!dst || !src)
        return;
    switch (n) {
    case 1: memcpy(dst, src, 1); break;
    case 2: memcpy(dst, src, 2); break;
    case 4: memcpy(dst, src, 4); break;
    case 8: memcpy(dst, src, 8); break;
    default: memcpy(dst, src, n); break;
    }
}

/* ----------------------------------------------- transfers (c->lock held) */

/* Hand the value at elem to the parked receiver w (already dequeued). */
void chan_send_to(gocc_hchan *c, gocc_waiter *w, const void *elem) {
    elem_copy(w->elem, elem, c->elemsize);
    w->success = true;
    w->g->param = w;
}

/* Take the parked sender w's value (w already dequeued) into elem.  On a
 * buffered channel the buffer is full: take its head, and move the sender's
 * value into the freed tail slot (the same index, the ring being full). */
void chan_recv_from(gocc_hchan *c, gocc_waiter *w, void *elem) {
    if (c->dataqsiz == 0) {
        elem_copy(elem, w->elem, c->elemsize);
    } else {
        void *slot = chan_slot(c, c->recvx);
        elem_copy(elem, slot, c->elemsize);
        elem_copy(slot, w->elem, c->elemsize);
        if (++c->recvx == c->dataqsiz)
            c->recvx = 0;
        c->sendx = c->recvx;
    }
    w->success = true;
    w->g->param = w;
}

void chan_buf_put(gocc_hchan *c, const void *elem) {
    elem_copy(chan_slot(c, c->sendx), elem, c->elemsize);
    if (++c->sendx == c->dataqsiz)
        c->sendx = 0;
    store_relaxed(&c->qcount, c->qcount + 1);
}

void chan_buf_take(gocc_hchan *c, void *elem) {
    elem_copy(elem, chan_slot(c, c->recvx), c->elemsize);
    if (++c->recvx == c->dataqsiz)
        c->recvx = 0;
    store_relaxed(&c->qcount, c->qcount - 1);
}

/* Go's maxAlloc, the largest allocation its heap can make: 2^48 bytes on
 * 64-bit Linux (heapAddrBits on amd64 and arm64); half the address space
 * elsewhere. */
#define MAX_ALLOC (sizeof(void *) >= 8 ? (size_t)1 << 48 : SIZE_MAX / 2)

/* As Go's makechan: a negative size, or a buffer of n elements whose size
 * overflows or exceeds MAX_ALLOC less the header (and its rounding), is
 * "makechan: size out of range", never "out of memory"; any size is in
 * range for elements of size 0.  Only an allocation within the limit
 * that fails panics "makechan: out of memory". */
gocc_hchan *gocc_chan_make_(size_t elemsize, size_t elemalign, int64_t n) {
    if (elemsize > UINT32_MAX)
        gocc_panic("makechan: element too large");
    size_t hdr = sizeof(gocc_hchan);
    size_t align = elemalign > 64 ? elemalign : 64;
    hdr = (hdr + align - 1) & ~(align - 1);
    if (n < 0 || (elemsize && (unsigned long long)n >
                                  (MAX_ALLOC - hdr - align) / elemsize))
        gocc_panic("makechan: size out of range");
    size_t total = hdr + (size_t)n * elemsize;
    gocc_hchan *c = aligned_alloc(align, (total + align - 1) & ~(align - 1));
    if (c)
        memset(c, 0, total);
    if (!c)
        gocc_panic("makechan: out of memory");
    c->magic = CHAN_MAGIC;
    c->elemsize = elemsize;
    c->dataqsiz = (size_t)n;
    c->buf = (char *)c + hdr;
    return c;
}

/* Block forever: an operation on the nil channel. */
_Noreturn static void block_forever(int reason) {
    g_park(NULL, NULL, reason);
    gocc_throw("a goroutine blocked forever was woken");
}

/* -------------------------------------------------------------------- send */

/* Send, or (block false) try to.  Needs: c non-NULL.  Returns whether the
 * value was sent.  A closed channel panics, or with panic_if_closed false
 * (the gocc_after timer) just returns false. */
static bool chan_send(gocc_hchan *c, const void *elem, bool block,
                      bool panic_if_closed) {
    chan_check(c);
    lock_acquire(&c->lock);
    if (c->closed) {
        lock_release(&c->lock);
        if (!panic_if_closed)
            return false;
        gocc_panic("send on closed channel");
    }
    gocc_waiter *w = waitq_dequeue(&c->recvq);
    if (w) {
        /* a receiver is waiting: hand the value straight to it */
        chan_send_to(c, w, elem);
        lock_release(&c->lock);
        g_ready(w->g, true);
        return true;
    }
    if (c->qcount < c->dataqsiz) {
        chan_buf_put(c, elem);
        lock_release(&c->lock);
        return true;
    }
    if (!block) {
        lock_release(&c->lock);
        return false;
    }
    gocc_g *g = g_self();
    gocc_waiter me = {.g = g, .c = c, .elem = (void *)elem};
    waitq_push(&c->sendq, &me);
    g_park(chan_unlock_cb, c, WR_CHAN_SEND);
    if (!me.success)
        gocc_panic("send on closed channel");
    return true;
}

void gocc_chan_send_(gocc_hchan *c, const void *elem) {
    if (!c)
        block_forever(WR_CHAN_SEND_NIL);
    chan_send(c, elem, true, true);
}

bool gocc_chan_trysend_(gocc_hchan *c, const void *elem) {
    return c ? chan_send(c, elem, false, true) : false;
}

/* ------------------------------------------------------------------ receive */

/* Receive into elem (may be NULL: drop), or (block false) try to.  Needs: c
 * non-NULL.  Returns whether a receive completed; *ok says whether it got a
 * sent value (false: closed and drained, elem zeroed). */
static bool chan_recv(gocc_hchan *c, void *elem, bool block, bool *ok) {
    chan_check(c);
    lock_acquire(&c->lock);
    if (c->closed && c->qcount == 0) {
        lock_release(&c->lock);
        if (elem)
            memset(elem, 0, c->elemsize);
        *ok = false;
        return true;
    }
    gocc_waiter *w = waitq_dequeue(&c->sendq);
    if (w) {
        chan_recv_from(c, w, elem);
        lock_release(&c->lock);
        g_ready(w->g, true);
        *ok = true;
        return true;
    }
    if (c->qcount > 0) {
        chan_buf_take(c, elem);
        lock_release(&c->lock);
        *ok = true;
        return true;
    }
    if (!block) {
        lock_release(&c->lock);
        return false;
    }
    gocc_g *g = g_self();
    gocc_waiter me = {.g = g, .c = c, .elem = elem};
    waitq_push(&c->recvq, &me);
    g_park(chan_unlock_cb, c, WR_CHAN_RECV);
    *ok = me.success;
    return true;
}

bool gocc_chan_recv_(gocc_hchan *c, void *elem) {
    bool ok;
    if (!c)
        block_forever(WR_CHAN_RECV_NIL);
    chan_recv(c, elem, true, &ok);
    return ok;
}

void *gocc_chan_recvp_(gocc_hchan *c, void *elem) {
    gocc_chan_recv_(c, elem);
    return elem;
}

void *gocc_chan_recv_release_(gocc_hchan *c, void *elem) {
    gocc_chan_recv_(c, elem);
    gocc_chan_free_(c);
    return elem;
}

bool gocc_chan_tryrecv_(gocc_hchan *c, void *elem, bool *okp) {
    bool ok = false;
    bool done = c ? chan_recv(c, elem, false, &ok) : false;
    if (okp)
        *okp = ok;
    return done;
}

/* ------------------------------------------------------------------- close */

void gocc_chan_close_(gocc_hchan *c) {
    if (!c)
        gocc_panic("close of nil channel");
    chan_check(c);
    lock_acquire(&c->lock);
    if (c->closed) {
        lock_release(&c->lock);
        gocc_panic("close of closed channel");
    }
    c->closed = 1;
    /* collect every waiter, then ready them after unlocking */
    gocc_waiter *list = NULL, *w;
    while ((w = waitq_dequeue(&c->recvq))) {
        if (w->elem)
            memset(w->elem, 0, c->elemsize);
        w->success = false;
        w->g->param = w;
        w->next = list;
        list = w;
    }
    while ((w = waitq_dequeue(&c->sendq))) {
        w->success = false;
        w->g->param = w;
        w->next = list;
        list = w;
    }
    lock_release(&c->lock);
    /* list is in reverse order: ready in queue order */
    gocc_waiter *rev = NULL;
    while (list) {
        w = list;
        list = w->next;
        w->next = rev;
        rev = w;
    }
    while (rev) {
        w = rev;
        rev = w->next;
        g_ready(w->g, false);
    }
}

int gocc_chan_len_(gocc_hchan *c) {
    if (!c)
        return 0;
    chan_check(c);
    return (int)load_relaxed(&c->qcount);
}

int gocc_chan_cap_(gocc_hchan *c) {
    if (!c)
        return 0;
    chan_check(c);
    return (int)c->dataqsiz;
}

/* -------------------------------------------------------------------- free */

void gocc_chan_free_(gocc_hchan *c) {
    if (!c)
        return;
    chan_check(c);
    if (c->timer) {
        timers_lock();
        timer_del(c->timer);
        timers_unlock();
    }
    if (c->watch) {
        pd_unwatch(c->watch);
        c->watch = NULL;
    }
    signal_forget(c);
    /* A select that has already fired elsewhere may still have a waiter
     * here (queued, or dropped by waitq_dequeue but not yet accounted):
     * its goroutine will lock this channel once more to clean up, so wait
     * for it.  Only a goroutine really blocked here makes this a misuse. */
    for (;;) {
        lock_acquire(&c->lock);
        bool busy = false;
        for (gocc_waitq *q = &c->recvq; q; q = q == &c->recvq ? &c->sendq : NULL)
            for (gocc_waiter *w = q->first; w; w = w->next)
                if (!w->is_select || !atomic_load(&w->g->select_done))
                    busy = true;
        uint32_t pending = c->sel_pending;
        lock_release(&c->lock);
        if (busy)
            gocc_panic("gocc_chan_free: free of channel with blocked goroutines");
        if (pending == 0)
            break;
        gocc_yield();   /* the selecting goroutine is runnable: let it finish */
    }
    free(c->timer);
    c->timer = NULL;
    quarantine_put(c);
}

/* ------------------------------------------------------------- quarantine */

/* Freed channels wait here, poisoned (magic CHAN_DEAD), before their memory
 * goes back to malloc: until then a use after free or a second free finds
 * CHAN_DEAD and is "fatal error: use of freed channel" (chan_check), not a
 * spin on a lock word malloc has overwritten, nor an operation on whatever
 * channel reuses the memory.  At most QUAR_N channels and QUAR_BYTES bytes
 * wait; a channel larger than QUAR_BIG goes back at once (its header is
 * then overwritten by malloc's bookkeeping, mostly caught as "use of
 * invalid channel", or unmapped).  docs/runtime.md, "Channels and select". */
enum { QUAR_N = 64, QUAR_BYTES = 1 << 20, QUAR_BIG = 64 << 10 };

static struct {
    gocc_lock_t lock;           /* a leaf: taken with no other lock held */
    gocc_hchan *ring[QUAR_N];   /* oldest at head */
    size_t bytes[QUAR_N];
    int head, n;
    size_t total;
} quar;

/* The bytes of c's allocation (header rounded as make rounds it, buffer). */
static size_t chan_bytes(const gocc_hchan *c) {
    return (size_t)(c->buf - (const char *)c) + c->dataqsiz * c->elemsize;
}

/* Poison c (no waiter left on it, its timer and watch gone) and queue it;
 * free the oldest entries beyond QUAR_N or QUAR_BYTES, outside the lock. */
void quarantine_put(gocc_hchan *c) {
    c->magic = CHAN_DEAD;
    size_t size = chan_bytes(c);
    if (size > QUAR_BIG) {
        free(c);
        return;
    }
    gocc_hchan *evict[QUAR_N];
    int ne = 0;
    lock_acquire(&quar.lock);
    while (quar.n > 0 && (quar.n == QUAR_N || quar.total + size > QUAR_BYTES)) {
        evict[ne++] = quar.ring[quar.head];
        quar.total -= quar.bytes[quar.head];
        quar.head = (quar.head + 1) % QUAR_N;
        quar.n--;
    }
    int i = (quar.head + quar.n) % QUAR_N;
    quar.ring[i] = c;
    quar.bytes[i] = size;
    quar.total += size;
    quar.n++;
    lock_release(&quar.lock);
    while (ne > 0)
        free(evict[--ne]);
}

/* Around fork: hold the quarantine's lock so no other thread is inside. */
void quarantine_atfork(int phase) {
    if (phase == FORK_PREPARE)
        lock_acquire(&quar.lock);
    else
        lock_release(&quar.lock);
}

/* ------------------------------------------------------------------- after */

static void after_fire(gocc_timer *t) {
    gocc_hchan *c = t->arg;
    int64_t now = nanotime();
    /* capacity 1 and one send: never blocks.  A user who closed the
     * channel gets no value (and no panic on a scheduler thread). */
    chan_offer(c, &now);
}

bool chan_offer(gocc_hchan *c, const void *elem) {
    return chan_send(c, elem, false, false);
}

gocc_hchan *gocc_after_(int64_t ms) {
    sched_ensure_started();   /* the workers run the timers */
    gocc_hchan *c = gocc_chan_make_(sizeof(int64_t), _Alignof(int64_t), 1);
    gocc_timer *t = calloc(1, sizeof *t);
    if (!t)
        gocc_panic("gocc_after: out of memory");
    if (ms < 0)
        ms = 0;
    if (ms > INT64_MAX / 2000000)
        ms = INT64_MAX / 2000000;
    t->when = nanotime() + ms * 1000000;
    t->index = -1;
    t->fn = after_fire;
    t->arg = c;
    c->timer = t;
    timers_lock();
    timer_add(t);
    timers_unlock();
    return c;
}
