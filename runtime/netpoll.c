/*
 * netpoll.c - the network poller: goroutines that wait for descriptors.
 *
 * After Go's netpoll.go and netpoll_epoll.go (docs/runtime.md, "I/O"):
 *
 *   - One epoll instance per process, made when the first goroutine has to
 *     wait for a descriptor.  A descriptor is registered once, edge
 *     triggered, for IN|OUT|RDHUP, the first time a goroutine waits on it;
 *     the event's data carries the descriptor and its generation, so events
 *     for a closed and reused descriptor number are dropped.
 *   - No poller thread.  A worker that runs out of work polls without
 *     blocking (netpoll(0) from find_runnable); the idle worker that
 *     sleeps with a timeout (the watcher) sleeps in epoll_wait instead of
 *     on its futex, until the next timer, and is woken early through an
 *     eventfd (netpoll_break, deduplicated by a flag).
 *   - Per descriptor and direction (read, write) a pdesc keeps an edge
 *     counter and a list of waiters.  A goroutine reads the counter, makes
 *     its non-blocking attempt and, on EAGAIN, waits only if the counter
 *     has not moved since: an edge between the attempt and the wait is
 *     never lost, and nothing consumes an edge, so any number of
 *     goroutines may wait on one descriptor (several accept loops on one
 *     listener, a poll() beside a read).  Every edge wakes every waiter of
 *     its direction; each retries.
 *   - A wait is a group of waiters (one per descriptor and direction: a
 *     read waits on one, poll() on many) with one state word, Go's
 *     netpollblockcommit and libmill#132's lesson: ARMING while the
 *     goroutine still runs, PARKED once its context is saved, and the first
 *     party to move it to a FIRED_* state (an edge, the deadline's timer,
 *     a close) owns the wakeup.  A party that fires an ARMING group does
 *     not ready the goroutine; the commit (run after the switch) sees the
 *     fired state and readies it itself.
 *   - close (iohook.c) calls pd_close first: waiters are woken with EBADF,
 *     the generation moves on, the registration is forgotten.
 *
 * Lock order: timers -> pdesc lock -> sched.  A pdesc lock is held only to
 * link or unlink waiters and to bump a counter; never across a switch.
 * pdescs are never freed (a descriptor number is reused, and so is its
 * pdesc), so a lookup needs no lock.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ------------------------------------------------------------- the table */

/* Descriptors up to PD_CHUNKS * PD_CHUNK - 1 have a pdesc; chunks are
 * allocated on first use (a chunk is 1,024 pdescs, ~100 KiB of address
 * space whose untouched pages cost nothing). */
#define PD_CHUNK 1024
#define PD_CHUNKS 4096
static pdesc *_Atomic pd_chunks[PD_CHUNKS];

pdesc *pd_lookup(int fd) {
    if (fd < 0 || fd >= PD_CHUNK * PD_CHUNKS)
        return NULL;
    pdesc *c = atomic_load_explicit(&pd_chunks[fd / PD_CHUNK],
                                    memory_order_acquire);
    return c ? &c[fd % PD_CHUNK] : NULL;
}

pdesc *pd_get(int fd) {
    pdesc *pd = pd_lookup(fd);
    if (pd || fd < 0 || fd >= PD_CHUNK * PD_CHUNKS)
        return pd;
    pdesc *c = calloc(PD_CHUNK, sizeof *c);
    if (!c)
        return NULL;
    for (int i = 0; i < PD_CHUNK; i++)
        c[i].fd = fd / PD_CHUNK * PD_CHUNK + i;
    pdesc *none = NULL;
    if (!atomic_compare_exchange_strong(&pd_chunks[fd / PD_CHUNK], &none, c)) {
        free(c);
        c = none;
    }
    return &c[fd % PD_CHUNK];
}

/* ---------------------------------------------------------- the poller */

static struct {
    int epfd;                   /* -1 until the first wait */
    int breakfd;                /* eventfd: netpoll_break */
    gocc_lock_t init_lock;
    _Atomic int inited;
    _Atomic uint32_t break_pending;
    _Atomic int waiters;        /* goroutines in a wait (deadlock check) */
    bool no_pwait2;             /* epoll_pwait2 is missing: ms timeouts */
} np = {.epfd = -1, .breakfd = -1};

#define BREAK_TAG UINT64_MAX

static bool netpoll_init(void) {
    if (atomic_load_explicit(&np.inited, memory_order_acquire))
        return true;
    lock_acquire(&np.init_lock);
    if (!atomic_load(&np.inited)) {
        int ep = epoll_create1(EPOLL_CLOEXEC);
        int bfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = BREAK_TAG};
        if (ep < 0 || bfd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, bfd, &ev) < 0) {
            if (ep >= 0)
                syscall(SYS_close, ep);
            if (bfd >= 0)
                syscall(SYS_close, bfd);
        } else {
            np.epfd = ep;
            np.breakfd = bfd;
            atomic_store_explicit(&np.inited, 1, memory_order_release);
        }
    }
    lock_release(&np.init_lock);
    return atomic_load(&np.inited);
}

/* In a child after fork the epoll instance is the parent's (shared): the
 * child forgets it, and every waiter (its goroutines are the parent's). */
void netpoll_atfork(int phase) {
    if (phase != FORK_CHILD)
        return;
    if (atomic_load(&np.inited)) {
        syscall(SYS_close, np.epfd);
        syscall(SYS_close, np.breakfd);
    }
    np.epfd = np.breakfd = -1;
    np.init_lock.v = 0;
    atomic_store(&np.inited, 0);
    atomic_store(&np.waiters, 0);
    atomic_store(&np.break_pending, 0);
}

bool netpoll_inited(void) {
    return atomic_load_explicit(&np.inited, memory_order_acquire);
}

bool netpoll_waiting(void) { return atomic_load(&np.waiters) > 0; }

/* Is fd one of the poller's own descriptors (which a program that closes
 * every descriptor it did not open, as daemons do, must not close)? */
bool netpoll_owns(int fd) {
    return netpoll_inited() && fd >= 0 && (fd == np.epfd || fd == np.breakfd);
}

/* Make a worker blocked in netpoll return (deduplicated: one eventfd
 * write until the poller has read it). */
void netpoll_break(void) {
    if (atomic_exchange(&np.break_pending, 1))
        return;
    uint64_t one = 1;
    int saved = gocc_errno_get();
    if (syscall(SYS_write, np.breakfd, &one, sizeof one) < 0)
        atomic_store(&np.break_pending, 0);
    gocc_errno_set(saved);
}

/* Register pd's descriptor (caller holds pd->lock).  0, or an errno:
 * EPERM for a descriptor epoll cannot watch (a regular file, a
 * directory). */
static int pd_register_locked(pdesc *pd) {
    if (pd->registered)
        return 0;
    if (!netpoll_init())
        return ENOMEM;
    struct epoll_event ev = {
        .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
        .data.u64 = (uint64_t)pd->gen << 32 | (uint32_t)pd->fd};
    int saved = gocc_errno_get(), err = 0;
    if (epoll_ctl(np.epfd, EPOLL_CTL_ADD, pd->fd, &ev) < 0) {
        err = gocc_errno_get();
        /* a registration left from before a close the runtime did not
         * see (the same open file, reached again by this number) */
        if (err == EEXIST && epoll_ctl(np.epfd, EPOLL_CTL_MOD, pd->fd, &ev) == 0)
            err = 0;
    }
    if (!err) {
        pd->registered = true;
        /* what the program set, read once: the hooks of fcntl, ioctl and
         * setsockopt keep these up to date afterwards */
        int fl = (int)syscall(SYS_fcntl, pd->fd, F_GETFL);
        pd->user_nb = fl >= 0 && (fl & O_NONBLOCK) && !pd->rt_nb;
        if (pd->kind == PD_SOCKET)
            iohook_read_timeouts(pd);
    } else if (err == EPERM) {
        pd->kind = PD_NOPOLL;
    }
    gocc_errno_set(saved);
    return err;
}

int pd_register(pdesc *pd) {
    if (pd->registered)
        return 0;
    lock_acquire(&pd->lock);
    int err = pd_register_locked(pd);
    lock_release(&pd->lock);
    return err;
}

/* ------------------------------------------------------------ waiting */

enum { W_ARMING, W_PARKED, W_READY, W_TIMEOUT, W_CLOSED };

/* A gocc_ready channel's wait: no G; an edge sends the bits. */
typedef struct io_watch {
    io_group grp;
    io_waiter w[2];
    int n;
    int events;
    gocc_hchan *c;
} io_watch;

/* Link w at the head of pd's list for w->dir; unlink it if linked.
 * Caller holds pd->lock. */
static void wq_link(pdesc *pd, io_waiter *w) {
    w->prev = NULL;
    w->next = pd->wq[w->dir];
    if (w->next)
        w->next->prev = w;
    pd->wq[w->dir] = w;
    w->linked = true;
}

static void wq_unlink(pdesc *pd, io_waiter *w) {
    if (!w->linked)
        return;
    if (w->prev)
        w->prev->next = w->next;
    else
        pd->wq[w->dir] = w->next;
    if (w->next)
        w->next->prev = w->prev;
    w->linked = false;
}

/* Move grp to state `why` if it still waits.  Returns the state it left
 * (W_ARMING or W_PARKED), or W_READY if another party fired it first. */
static uint32_t group_fire(io_group *grp, uint32_t why) {
    uint32_t s = atomic_load(&grp->state);
    while (s < W_READY && !atomic_compare_exchange_weak(&grp->state, &s, why))
        ;
    return s < W_READY ? s : W_READY;
}

/* Gs to ready, in the order their descriptors became ready (epoll's
 * order): the connection that waited longest is served first. */
typedef struct g_list {
    gocc_g *head, *tail;
} g_list;

static void list_add(g_list *l, gocc_g *g) {
    g->schedlink = NULL;
    if (l->tail)
        l->tail->schedlink = g;
    else
        l->head = g;
    l->tail = g;
}

/* w was unlinked by an edge or a close (caller holds w->pd->lock): fire
 * its group.  A watch sends its bits now, under the pdesc lock (lock
 * order pdesc -> channel), so that pd_unwatch, which takes that lock,
 * knows no send is under way once it has unlinked the watch.  A parked G
 * goes on *list, to be readied once the lock is dropped. */
static void waiter_fire(io_waiter *w, uint32_t why, g_list *list) {
    io_group *grp = w->grp;
    uint32_t was = group_fire(grp, why);
    if (was == W_READY)
        return;
    if (grp->watch) {
        io_watch *wt = grp->watch;
        int bits = why == W_CLOSED ? wt->events
                   : w->dir == IO_RD ? GOCC_READ : GOCC_WRITE;
        chan_offer(wt->c, &bits);
        atomic_fetch_sub(&np.waiters, 1);
    } else if (was == W_PARKED) {
        list_add(list, grp->g);
    }
}

/* Unlink and fire every waiter of direction d (caller holds pd->lock). */
static void pd_fire_dir(pdesc *pd, int d, uint32_t why, g_list *list) {
    atomic_fetch_add(&pd->seq[d], 1);
    io_waiter *w = pd->wq[d];
    pd->wq[d] = NULL;
    while (w) {
        io_waiter *next = w->next;  /* w may be gone once fired */
        w->linked = false;
        waiter_fire(w, why, list);
        w = next;
    }
}

/* An edge in direction d of pd: count it and wake d's waiters. */
static void pd_edge(pdesc *pd, int d, g_list *list) {
    lock_acquire(&pd->lock);
    pd_fire_dir(pd, d, W_READY, list);
    lock_release(&pd->lock);
}

static int ready_list(g_list *list) {
    int n = 0;
    for (gocc_g *g = list->head, *next; g; g = next, n++) {
        next = g->schedlink;
        g_ready(g, false);
    }
    return n;
}

/* Run after the waiting G's context is saved (g_park's unlockf). */
static void group_commit(void *p) {
    io_group *grp = p;
    uint32_t s = W_ARMING;
    if (!atomic_compare_exchange_strong(&grp->state, &s, W_PARKED))
        g_ready(grp->g, false);     /* fired while arming */
}

static void group_timeout(gocc_timer *t) {
    io_group *grp = t->arg;
    if (group_fire(grp, W_TIMEOUT) == W_PARKED)
        g_ready(grp->g, false);
}

/* Wait until one of the n waiters' directions sees an edge after the
 * counter value each holds in w[i].seq, or until deadline (ns, monotonic;
 * -1: none).  Each w[i] needs pd and dir set, its pd registered.  Returns
 * 0 (an edge, or the counter had moved already: retry the operation),
 * ETIMEDOUT or EBADF (a descriptor was closed).  Called from a goroutine
 * only. */
int pd_wait_group(io_waiter *w, int n, int64_t deadline) {
    gocc_g *g = g_current();
    io_group grp = {.g = g};
    atomic_init(&grp.state, W_ARMING);
    for (int i = 0; i < n; i++) {
        pdesc *pd = w[i].pd;
        w[i].grp = &grp;
        lock_acquire(&pd->lock);
        if (atomic_load(&pd->seq[w[i].dir]) != w[i].seq) {
            lock_release(&pd->lock);
            atomic_store(&grp.state, W_READY);
            n = i;              /* unlink the ones already linked */
            break;
        }
        wq_link(pd, &w[i]);
        lock_release(&pd->lock);
    }
    if (atomic_load(&grp.state) == W_ARMING) {
        gocc_timer t = {.when = deadline, .index = -1, .fn = group_timeout,
                        .arg = &grp};
        atomic_fetch_add(&np.waiters, 1);
        if (deadline >= 0) {
            timers_lock();
            timer_add(&t);
            timers_unlock();
        }
        g_park(group_commit, &grp, WR_IO_WAIT);
        if (deadline >= 0) {
            timers_lock();
            timer_del(&t);
            timers_unlock();
        }
        atomic_fetch_sub(&np.waiters, 1);
    }
    for (int i = 0; i < n; i++) {
        pdesc *pd = w[i].pd;
        lock_acquire(&pd->lock);
        wq_unlink(pd, &w[i]);
        lock_release(&pd->lock);
    }
    switch (atomic_load(&grp.state)) {
    case W_TIMEOUT: return ETIMEDOUT;
    case W_CLOSED: return EBADF;
    default: return 0;
    }
}

int pd_wait(pdesc *pd, int dir, uint32_t seq, int64_t deadline) {
    io_waiter w = {.pd = pd, .dir = dir, .seq = seq};
    return pd_wait_group(&w, 1, deadline);
}

/* fd is being closed, or its number was just given to a new open file
 * (a hooked socket(), accept()...) after a close the runtime did not see:
 * wake its waiters with EBADF and forget everything known about it. */
void pd_close(int fd) {
    pdesc *pd = pd_lookup(fd);
    if (!pd)
        return;
    g_list list = {0};
    lock_acquire(&pd->lock);
    pd->gen++;
    pd->registered = false;
    pd->kind = PD_UNKNOWN;
    pd->user_nb = pd->rt_nb = false;
    pd->rcvtimeo = pd->sndtimeo = 0;
    for (int d = 0; d < 2; d++)
        pd_fire_dir(pd, d, W_CLOSED, &list);
    lock_release(&pd->lock);
    ready_list(&list);
}

/* ------------------------------------------------------------- polling */

/* Poll for ready descriptors and ready their waiters; timeout_ns: 0 polls,
 * -1 blocks until an event or netpoll_break.  Returns how many Gs were
 * readied.  Called on g0 (find_runnable). */
int netpoll(int64_t timeout_ns) {
    if (!netpoll_inited())
        return 0;
    struct epoll_event evs[128];
    int saved = gocc_errno_get();
    int n;
    if (timeout_ns == 0 || timeout_ns < 0) {
        n = epoll_wait(np.epfd, evs, 128, timeout_ns == 0 ? 0 : -1);
    } else {
        n = -1;
        if (!np.no_pwait2) {
            struct timespec ts = {timeout_ns / 1000000000,
                                  timeout_ns % 1000000000};
            n = (int)syscall(SYS_epoll_pwait2, np.epfd, evs, 128, &ts, NULL, 0);
            if (n < 0 && gocc_errno_get() == ENOSYS)
                np.no_pwait2 = true;
        }
        if (np.no_pwait2) {     /* epoll_wait's ms: round up, never spin */
            int64_t ms = (timeout_ns + 999999) / 1000000;
            n = epoll_wait(np.epfd, evs, 128, ms > 1000000 ? 1000000 : (int)ms);
        }
    }
    gocc_errno_set(saved);
    g_list list = {0};
    for (int i = 0; i < n; i++) {
        uint64_t tag = evs[i].data.u64;
        if (tag == BREAK_TAG) {
            /* only a blocking poll consumes a break: a look from a busy
             * worker must not eat the wakeup meant for the sleeper */
            if (timeout_ns != 0) {
                uint64_t v;
                if (syscall(SYS_read, np.breakfd, &v, sizeof v) < 0)
                    gocc_errno_set(saved);
                atomic_store(&np.break_pending, 0);
            }
            continue;
        }
        pdesc *pd = pd_lookup((int)(uint32_t)tag);
        if (!pd || pd->gen != (uint32_t)(tag >> 32))
            continue;           /* closed meanwhile: a stale event */
        uint32_t e = evs[i].events;
        if (e & (EPOLLIN | EPOLLPRI | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
            pd_edge(pd, IO_RD, &list);
        if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR))
            pd_edge(pd, IO_WR, &list);
    }
    return ready_list(&list);
}

/* ------------------------------------------------------ the public calls */

/* poll(2)'s events for GOCC_READ/GOCC_WRITE bits. */
static short poll_events(int events) {
    return (short)((events & GOCC_READ ? POLLIN : 0) |
                   (events & GOCC_WRITE ? POLLOUT : 0));
}

/* The GOCC_ bits of events that poll's revents say are ready (a hang-up
 * or an error counts as both: the next call reports it); all of events
 * if none of them shows. */
static int ready_bits(short revents, int events) {
    int bits = 0;
    if (revents & (POLLIN | POLLHUP | POLLERR | POLLRDHUP))
        bits |= GOCC_READ;
    if (revents & (POLLOUT | POLLHUP | POLLERR))
        bits |= GOCC_WRITE;
    return bits & events ? bits & events : events;
}

int gocc_fd_wait(int fd, int events, int64_t timeout_ms) {
    if (!(events & (GOCC_READ | GOCC_WRITE))) {
        gocc_errno_set(EINVAL);
        return -1;
    }
    int64_t deadline = timeout_ms < 0 ? -1
                       : timeout_ms > INT64_MAX / 2000000 ? INT64_MAX
                       : nanotime() + timeout_ms * 1000000;
    for (;;) {
        /* the truth, first: what poll says now */
        struct pollfd p = {fd, poll_events(events), 0};
        int64_t left = deadline < 0 ? -1 : deadline - nanotime();
        gocc_g *g = g_current();
        pdesc *pd = g && !iohook_off() ? pd_get(fd) : NULL;
        uint32_t s0 = pd ? atomic_load(&pd->seq[IO_RD]) : 0;
        uint32_t s1 = pd ? atomic_load(&pd->seq[IO_WR]) : 0;
        int r = iohook_poll_now(&p, 1, pd ? 0 : left);
        if (r < 0)
            return -1;
        if (p.revents & POLLNVAL) {
            gocc_errno_set(EBADF);
            return -1;
        }
        if (r > 0)
            return ready_bits(p.revents, events);
        if (!pd || left == 0 || (left < 0 && deadline >= 0))
            return 0;
        if (pd_register(pd) != 0)
            return 0;   /* not pollable: poll(2) said not ready and waited */
        io_waiter w[2];
        int n = 0;
        if (events & GOCC_READ)
            w[n++] = (io_waiter){.pd = pd, .dir = IO_RD, .seq = s0};
        if (events & GOCC_WRITE)
            w[n++] = (io_waiter){.pd = pd, .dir = IO_WR, .seq = s1};
        int err = pd_wait_group(w, n, deadline);
        if (err == EBADF) {
            gocc_errno_set(EBADF);
            return -1;
        }
        if (err == ETIMEDOUT)
            return 0;
    }
}

/* gocc_ready(fd, events): a channel of int, capacity 1, that receives
 * the ready bits once.  No goroutine waits for it: a watch (one waiter per
 * direction, no G) sits on the descriptor's lists and the edge sends.
 * Freeing the channel removes the watch (pd_unwatch, from
 * gocc_chan_free). */
gocc_hchan *gocc_ready_(int fd, int events) {
    events &= GOCC_READ | GOCC_WRITE;
    if (!events)
        gocc_panic("gocc_ready: no events (want GOCC_READ and/or GOCC_WRITE)");
    sched_ensure_started();     /* the workers run the poller */
    gocc_hchan *c = gocc_chan_make_(sizeof(int), _Alignof(int), 1);
    pdesc *pd = pd_get(fd);
    for (;;) {
        uint32_t s0 = pd ? atomic_load(&pd->seq[IO_RD]) : 0;
        uint32_t s1 = pd ? atomic_load(&pd->seq[IO_WR]) : 0;
        struct pollfd p = {fd, poll_events(events), 0};
        int r = iohook_poll_now(&p, 1, 0);
        if (r != 0 || !pd || pd_register(pd) != 0) {
            /* ready, or an error the first operation will report, or a
             * descriptor epoll cannot watch (always ready) */
            int bits = ready_bits(p.revents, events);
            chan_offer(c, &bits);
            return c;
        }
        io_watch *wt = calloc(1, sizeof *wt);
        if (!wt)
            gocc_panic("gocc_ready: out of memory");
        wt->events = events;
        wt->c = c;
        wt->grp.watch = wt;
        atomic_init(&wt->grp.state, W_PARKED);
        if (events & GOCC_READ)
            wt->w[wt->n++] = (io_waiter){.pd = pd, .dir = IO_RD, .seq = s0,
                                         .grp = &wt->grp};
        if (events & GOCC_WRITE)
            wt->w[wt->n++] = (io_waiter){.pd = pd, .dir = IO_WR, .seq = s1,
                                         .grp = &wt->grp};
        lock_acquire(&pd->lock);
        if (atomic_load(&pd->seq[IO_RD]) != s0 ||
            atomic_load(&pd->seq[IO_WR]) != s1) {
            lock_release(&pd->lock);
            free(wt);
            continue;           /* an edge meanwhile: look again */
        }
        for (int i = 0; i < wt->n; i++)
            wq_link(pd, &wt->w[i]);
        atomic_fetch_add(&np.waiters, 1);
        c->watch = wt;
        lock_release(&pd->lock);
        return c;
    }
}

/* The channel of watch wt is being freed: take the watch off its
 * descriptor.  After this no edge can send on the channel. */
void pd_unwatch(io_watch *wt) {
    pdesc *pd = wt->w[0].pd;
    lock_acquire(&pd->lock);
    for (int i = 0; i < wt->n; i++)
        wq_unlink(pd, &wt->w[i]);
    if (group_fire(&wt->grp, W_CLOSED) != W_READY)
        atomic_fetch_sub(&np.waiters, 1);   /* never fired */
    lock_release(&pd->lock);
    free(wt);
}
