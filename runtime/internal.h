/*
 * internal.h - the runtime's shared internal types and functions.
 *
 * Vocabulary (as in Go's runtime):
 *   G  a goroutine: a saved context, a stack, an id.  Threads the runtime
 *      did not create get a pseudo-G ("foreign" G) so that channel waiters
 *      can name them; such a G parks by blocking its whole thread on a futex.
 *   M  a worker thread with its own run queue (Go's M and P in one: a
 *      goroutine that makes a blocking system call the poller cannot park
 *      blocks its worker).
 *   waiter  a G waiting on one channel (Go's sudog).  Lives on the waiting
 *      G's stack, which never moves.
 *
 * Lock order (outer first): timers.lock -> pdesc locks (netpoll.c) ->
 * channel locks (in address order within select) -> mutex/waitgroup locks
 * -> sched.lock -> the stack pool lock (stack.c).  Run-queue
 * operations are lock-free.  No runtime lock is held across a context switch
 * except the one a parking G hands to gocc_park(), which is released by the
 * next context to run, after the parked G's registers are saved.
 */
#ifndef GOCC_INTERNAL_H
#define GOCC_INTERNAL_H

#include "gocc.h"
#include "context.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pollfd;

/* gocc.h spells the API's types with the compiler's builtins, to include
 * no libc header; they must be <stdint.h>'s and <stdbool.h>'s very types */
_Static_assert(__builtin_types_compatible_p(gocc_int64, int64_t) &&
                   __builtin_types_compatible_p(gocc_uint64, uint64_t) &&
                   __builtin_types_compatible_p(gocc_uint32, uint32_t) &&
                   __builtin_types_compatible_p(gocc_uintptr, uintptr_t) &&
                   __builtin_types_compatible_p(gocc_bool, bool),
               "gocc.h's integer types differ from <stdint.h>'s");

#define GOCC_LIKELY(x) __builtin_expect(!!(x), 1)
#define GOCC_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define GOCC_NOINLINE __attribute__((noinline))
/* The runtime is compiled with -fvisibility=hidden: only gocc.h's API
 * (which that header marks) and the libc functions the runtime defines in
 * libc's place (iohook.c, signal.c: read, write, poll, sleep,
 * sigprocmask ...), marked GOCC_LIBC_HOOK, are exported from libgocc.so
 * and left global in libgocc.a (docs/runtime.md, "Linking"). */
#define GOCC_LIBC_HOOK __attribute__((visibility("default")))

/* GOCC_DEBUG: the runtime's internal invariant checks, Go's throws on its
 * own corruption (a goroutine readied that is not waiting, a lock released
 * that is not held), each "fatal error: <message>", exit 2.  On in builds
 * without NDEBUG (CMake's Debug: tests/run-all's debug configuration);
 * release builds keep only the checks of the user's misuse (chan_check).
 * docs/runtime.md, "Invariant checks". */
#ifndef NDEBUG
#define GOCC_DEBUG 1
#endif

_Noreturn void gocc_throw(const char *msg);   /* "fatal error: msg", exit 2 */

/* Relaxed/acquire/release helpers on plain fields shared between threads.
 * The public structs (gocc_mutex...) hold plain integers so that the header
 * needs no <stdatomic.h>; these cast them. */
#define AT(p) ((_Atomic __typeof__(*(p)) *)(p))
#define load_relaxed(p) atomic_load_explicit(AT(p), memory_order_relaxed)
#define load_acq(p) atomic_load_explicit(AT(p), memory_order_acquire)
#define store_relaxed(p, v) atomic_store_explicit(AT(p), (v), memory_order_relaxed)
#define store_rel(p, v) atomic_store_explicit(AT(p), (v), memory_order_release)

/* ------------------------------------------------------------------ lock.c */

/* A small spin lock (0 free, 1 locked) with backoff, then sched_yield
 * (lock.c).  Held only for a few dozen instructions (at most a futex
 * wake), never across a context switch (except the lock a parking G hands
 * to g_park()).  Safe from goroutines and foreign threads; never parks a G. */
void lock_acquire_slow(gocc_lock_t *l);
static inline void lock_acquire(gocc_lock_t *l) {
    uint32_t c = 0;
    if (GOCC_LIKELY(atomic_compare_exchange_strong_explicit(
            AT(&l->v), &c, 1, memory_order_acquire, memory_order_relaxed)))
        return;
    lock_acquire_slow(l);
}
static inline void lock_release(gocc_lock_t *l) {
#ifdef GOCC_DEBUG
    if (GOCC_UNLIKELY(load_relaxed(&l->v) == 0))
        gocc_throw("unlock of unlocked lock");
#endif
    store_rel(&l->v, 0);
}
void futex_wait(uint32_t *addr, uint32_t val, int64_t timeout_ns);
void futex_wake(uint32_t *addr, int n);

/* ---------------------------------------------------------------- the G */

enum g_kind { G_GOROUTINE, G_FOREIGN, G_G0 };

struct gocc_m;
struct gocc_waiter;

typedef struct gocc_g {
    /* first cache line (a G in a stack unit is 64-byte aligned; a
     * pending G, from malloc, need not be): what a park, a wakeup and a
     * switch touch */
    gocc_ctx ctx;               /* saved registers while not running */
    struct gocc_m *m;           /* worker running it (valid while running) */
    enum g_kind kind;
    int saved_errno;            /* errno across parks */
    /* select: the waiter that won (set under the winning channel's lock),
     * and the flag that picks the single winner among its channels */
    struct gocc_waiter *param;
    _Atomic uint32_t select_done;
    bool guarded;               /* a PROT_NONE region sits below stack_lo */
    uint8_t wait_reason;        /* enum wait_reason: set by g_park and
                                 * g_ready, left as it is while the G runs */
    /* stack: [stack_lo, stack_hi); the G itself lives just above stack_hi.
     * A pending G (not yet started, sched.c) has no stack: stack_hi NULL. */
    char *stack_lo;
    char *stack_hi;

    int64_t id;
    struct gocc_g *schedlink;   /* global run queue / free lists */

    /* foreign G: futex word, 1 while parked */
    uint32_t park_word;

    /* goroutine start */
    void (*fn)(void *);
    void *arg;
    size_t argsize;             /* pending G: bytes of arguments after it */

    void *tsan_fiber;
    void *asan_fake_stack;
    int64_t pooled_at;          /* when it entered the global pool (ns) */
    bool own_guard;             /* its guard region is its own (not a slab's) */
    /* goroutine 1's unit (stack_alloc_main): a mapping of its own, sized
     * as a C program's main stack; never pooled, never scavenged */
    bool solo;
    size_t guard_len;           /* bytes of PROT_NONE below stack_lo that
                                 * the SIGSEGV handler reports as an
                                 * overflow (a slab unit: the slab's) */
    /* goroutine dumps (traceback.c) */
    bool live;                  /* started (g_prepare) and not exited */
    int64_t wait_since;         /* traceback_now() at the last park */
    void *created_pc;           /* return address of the `go` in its spawner */
    int64_t parent_id;          /* the spawner's goroutine id; 0: none */
    /* GOCC_DEBUG: 1 from g_park until g_ready (a goroutine's status:
     * waiting or not; a foreign G has park_word) */
    _Atomic uint32_t dbg_waiting;
} gocc_g;

/* ---------------------------------------------------------------- waiters */

typedef struct gocc_waiter {
    gocc_g *g;
    struct gocc_waiter *next, *prev;
    gocc_hchan *c;
    void *elem;                 /* value to send / where to receive */
    bool is_select;
    bool success;               /* woken by a value exchange (not close) */
    int case_index;
} gocc_waiter;

void waitq_push(gocc_waitq *q, gocc_waiter *w);
void waitq_remove(gocc_waitq *q, gocc_waiter *w);
/* Dequeue the first waiter that can still be woken (a select waiter whose
 * select has already been won elsewhere is skipped and dropped). */
gocc_waiter *waitq_dequeue(gocc_waitq *q);

/* --------------------------------------------------------------- sched.c */

#define RUNQ_SIZE 256

typedef struct gocc_m {
    int id;
    gocc_g g0;                  /* the scheduler context (thread stack) */
    gocc_g *curg;
    uint64_t rng;
    uint32_t schedtick;
    /* sysmon gave this M's slot to another M while a goroutine held it
     * (sysmon.c): set by sysmon under sched.lock, read by the owner at
     * every switch, cleared by the owner when it comes back
     * (m_exitblocked) */
    _Atomic bool blocked;
    bool spinning;
    bool polled;                /* woke from the watcher's timed sleep */
    bool was_watcher;           /* held the watcher role this search */

    /* Read by thieves: kept off the lines the owner writes on every
     * switch (schedtick, curg, after_*), so spinning thieves do not slow
     * the owner down by stealing those lines. */
    _Alignas(64) _Atomic(gocc_g *) runnext;
    _Atomic uint32_t runqhead;  /* consumers: owner and thieves (CAS) */
    _Atomic uint32_t runqtail;  /* producer: owner only */
    gocc_g *_Atomic runq[RUNQ_SIZE];

    /* what the next context to run must do for the one that switched out
     * (post_switch): release a lock, requeue a G, recycle a dead G */
    void (*after_fn)(void *);
    void *after_arg;
    gocc_g *after_g;            /* requeue (yield) */
    gocc_g *dead_g;             /* recycle (exit) */

    _Alignas(64) uint32_t sleep_word;   /* futex: idle sleep */
    struct gocc_m *idle_next;
    _Atomic bool idle;          /* on sched.idle_ms (under sched.lock) */

    int *errno_p;               /* this worker thread's errno */

    /* free G cache */
    gocc_g *gfree;
    int ngfree;

    void *sigstack;
    int tid;                    /* the thread's kernel id (sysmon looks) */
    uint32_t mask_gen;          /* sched.sigmask generation applied */
} gocc_m;

extern struct gocc_sched {
    gocc_lock_t lock;
    gocc_g *gq_head, *gq_tail;  /* global run queue */
    _Atomic int gq_size;
    gocc_m *idle_ms;            /* Ms asleep for lack of work or of a slot */
    /* Slots: nm (GOCC_MAXPROCS) Ms at a time may run goroutines.  nidle
     * is the number of free slots; an M takes one to leave the idle list
     * (wake_one, m_unidle) and gives it back to join it.  More Ms than
     * slots exist once sysmon has handed a stuck M's slot to another. */
    _Atomic int nidle;
    _Atomic int nspinning;
    _Atomic(struct gocc_m *) watcher;  /* the idle worker that sleeps
                                        * with a timeout (find_runnable) */
    _Atomic(struct gocc_m *) poll_m;   /* the worker asleep in the poller */
    int64_t last_poll;          /* when a worker last looked (ns) */
    int nm;                     /* slots: GOCC_MAXPROCS */
    gocc_m **ms;                /* every M made, ms[0 .. nthreads) */
    _Atomic int nthreads;       /* Ms made (published with release) */
    int maxthreads;             /* GOCC_MAXTHREADS: Ms plus sysmon */
    int nsysmon;                /* 1, or 0 in a child after fork */
    _Atomic int nblocked;       /* Ms whose slot sysmon handed off */
    _Atomic int sysmon_idle;    /* sysmon sleeps until a slot is taken */
    uint32_t sysmon_word;       /* futex: sysmon's sleep */
    sigset_t sigmask;           /* every worker's signal mask */
    bool repeatable;            /* GOCC_SEED with one worker: sysmon hands
                                 * off only Ms blocked in the kernel */
    _Atomic int64_t next_goid;
    _Atomic int started;
    int sys_threads;            /* tool helper threads (never act) */
    _Atomic int foreign_parked; /* foreign threads blocked in the runtime */
    uint64_t seed;
} sched;

/* Current G, or NULL on a thread that is running no goroutine.  Reads TLS
 * afresh on every call (never cached across a switch). */
gocc_g *g_current(void);
/* Current G, creating the pseudo-G of a foreign thread if needed. */
gocc_g *g_self(void);
gocc_m *m_current(void);

void sched_ensure_started(void);
/* Why a goroutine waits, as Go's goroutine dumps name it (traceback.c's
 * wait_names, and gdb/gocc-gdb.py's WAIT_NAMES); WR_NONE: it runs. */
enum wait_reason {
    WR_NONE, WR_RUNNABLE, WR_CHAN_RECV, WR_CHAN_SEND, WR_CHAN_RECV_NIL,
    WR_CHAN_SEND_NIL, WR_SELECT, WR_SELECT_NO_CASES, WR_SLEEP, WR_IO_WAIT,
    WR_MUTEX, WR_WAITGROUP, WR_COUNT
};

/* Park the calling G (goroutine or foreign) for reason (enum
 * wait_reason, shown by goroutine dumps).  unlockf(arg), if given, runs
 * once the G can safely be readied (its context saved).  Returns when some
 * other party has called g_ready(g). */
void g_park(void (*unlockf)(void *), void *arg, int reason);
/* Make g runnable.  next: run it next on this worker (channel handoff). */
void g_ready(gocc_g *g, bool next);
/* Random number for select (per worker, or per thread for foreign). */
uint32_t sched_rand(void);
/* Called by the idle scheduler: wake an idle worker if one sleeps. */
void sched_wake_idle(void);
/* sysmon.c asks: give stuck m's slot and queue away (false if m moved on
 * since tick, or is idle or already blocked). */
bool sched_handoff(gocc_m *m, uint32_t tick);
/* At now, does anything wait that only a worker can run (a G queued on m
 * or globally, a due timer, descriptor waiters nobody polled for)? */
bool sched_work_waits(gocc_m *m, int64_t now);
/* sysmon.c: start the monitor thread; wake it from its idle sleep (a slot
 * was just taken while every slot was free). */
void sysmon_start(void);
void sysmon_wake(void);
/* Start a detached runtime thread with every signal blocked until fn sets
 * its own mask.  False if the system refused. */
bool sched_thread_start(void *(*fn)(void *), void *arg);
/* Wake every idle M once (they look at the signal mask, then sleep on). */
void sched_wake_all_idle(void);

/* fork: the runtime's part of pthread_atfork, by phase (sched.c registers
 * them; the child keeps only the forking thread's M). */
enum { FORK_PREPARE, FORK_PARENT, FORK_CHILD };
void timers_atfork(int phase);
void stack_atfork(int phase);
/* Give back to the system the memory of units that have sat in the global
 * pool for min_age_ns, but the keep most recently pooled; returns the
 * bytes released, and in *young how many were left for being younger. */
size_t stack_scavenge(int64_t now, int64_t min_age_ns, int keep, int *young);
/* Units in the global pool now. */
int stack_pooled(void);
void netpoll_atfork(int phase);

/* ------------------------------------------------------------- signal.c */

/* Give m's thread the workers' current mask if it changed (signal.c). */
void sched_apply_sigmask(gocc_m *m);
/* Channel c is being freed: unsubscribe it from every signal. */
void signal_forget(gocc_hchan *c);
void sched_wake_for_timer(void);

/* ------------------------------------------------------------- netpoll.c */

enum { IO_RD = 0, IO_WR = 1 };
/* What a descriptor is, as far as the hooks know (reset by close). */
enum pd_kind { PD_UNKNOWN, PD_SOCKET, PD_OTHER, PD_NOPOLL };

struct pdesc;
struct io_watch;

/* One wait: every waiter of it shares the state word (netpoll.c). */
typedef struct io_group {
    gocc_g *g;                  /* the waiting G; NULL for a watch */
    _Atomic uint32_t state;
    struct io_watch *watch;     /* gocc_ready: the channel to send on */
} io_group;

/* A wait for one direction of one descriptor; on the waiting G's stack
 * (or in a watch).  Linked in pd->wq[dir] under pd->lock. */
typedef struct io_waiter {
    struct io_waiter *next, *prev;
    struct pdesc *pd;
    io_group *grp;
    uint32_t seq;               /* pd->seq[dir] before the attempt */
    uint8_t dir;
    bool linked;
} io_waiter;

/* Per descriptor number (never freed; reused with the number).  The
 * fields the hooks read without the lock are atomics. */
typedef struct pdesc {
    gocc_lock_t lock;           /* guards wq and registration */
    int fd;
    _Atomic uint32_t gen;       /* moves at every close: epoll data tag */
    _Atomic bool registered;    /* in the epoll set for this open file */
    _Atomic uint8_t kind;       /* enum pd_kind */
    _Atomic bool user_nb;       /* the program's O_NONBLOCK */
    _Atomic bool rt_nb;         /* the runtime set O_NONBLOCK (listener) */
    _Atomic int64_t rcvtimeo, sndtimeo;  /* SO_RCVTIMEO/SNDTIMEO, ns */
    _Atomic uint32_t seq[2];    /* edges seen, per direction */
    io_waiter *wq[2];           /* waiters, per direction */
} pdesc;

pdesc *pd_lookup(int fd);       /* NULL if fd has no pdesc yet */
pdesc *pd_get(int fd);          /* allocating; NULL if fd is out of range */
/* Register with epoll: 0, or an errno (EPERM: not pollable). */
int pd_register(pdesc *pd);
/* Wait until pd->seq[dir] differs from seq, or deadline (monotonic ns, -1
 * none): 0, ETIMEDOUT, or EBADF (closed meanwhile).  Goroutines only. */
int pd_wait(pdesc *pd, int dir, uint32_t seq, int64_t deadline);
int pd_wait_group(io_waiter *w, int n, int64_t deadline);
/* fd is closed, or reused after a close the runtime did not see. */
void pd_close(int fd);
void pd_unwatch(struct io_watch *wt);
bool netpoll_inited(void);
bool netpoll_waiting(void);
bool netpoll_owns(int fd);
int netpoll(int64_t timeout_ns);
void netpoll_break(void);

/* -------------------------------------------------------------- iohook.c */

/* true where the hooks are plain libc: not in a goroutine, or in a child
 * after fork */
bool iohook_off(void);
int iohook_poll_now(struct pollfd *p, unsigned long n, int64_t timeout_ns);
void iohook_read_timeouts(pdesc *pd);
void iohook_init(void);
int iohook_fcntl(int fd, int cmd, long arg);

/* --------------------------------------------------------------- stack.c */

/* The live goroutines' Gs (started, not exited; goroutine 1 first), at
 * most cap of them into out; returns how many.  For goroutine dumps. */
int stack_live_gs(gocc_g **out, int cap);

gocc_g *stack_alloc_g(gocc_m *m);
/* Goroutine 1's G and stack: the size of a C program's main stack
 * (stack.c, main_stack_size), reserved with a guard region below and
 * committed as it is touched.  Called once, by gocc_main. */
gocc_g *stack_alloc_main(void);
void stack_free_g(gocc_m *m, gocc_g *g);
/* GOCC_STACKSIZE's range, bytes */
#define STACK_MIN ((uint64_t)16 << 10)
#define STACK_MAX ((uint64_t)1 << 30)
void stack_env(void);   /* read GOCC_STACKSIZE (exit 2 if invalid) */
void stack_init(void);
void stack_thread_init(gocc_m *m);
/* Abort with "stack overflow" if g's overflow canary is damaged or its
 * stack pointer is near the limit.  Only slab stacks need the look: a
 * guarded one faults on its guard. */
void stack_check_slow(gocc_g *g);
static inline void stack_check(gocc_g *g) {
    if (g->kind == G_GOROUTINE && !g->guarded)
        stack_check_slow(g);
}

/* --------------------------------------------------------------- timer.c */

typedef struct gocc_timer {
    int64_t when;
    int index;                  /* heap slot, -1 when not in the heap */
    void (*fn)(struct gocc_timer *);
    void *arg;
} gocc_timer;

void timer_add(gocc_timer *t);      /* caller holds timers_lock */
bool timer_del(gocc_timer *t);      /* caller holds timers_lock */
void timers_lock(void);
void timers_unlock(void);
/* Run the timers that are due; return the next deadline (ns) or -1. */
int64_t timers_run(int64_t now);
bool timers_pending(void);
/* When the earliest timer is due (ns, nanotime), or -1 if there is none. */
int64_t timers_next(void);
int64_t nanotime(void);

/* ---------------------------------------------------------------- chan.c */

/* The first 64 bytes hold everything an unbuffered exchange touches, and a
 * channel is 64-byte aligned, so such an exchange misses on one line of the
 * channel, not two (the prime sieve's 3,000 channels do not fit in L2). */
struct gocc_hchan {
    gocc_lock_t lock;
    uint32_t closed;
    uint32_t magic;
    uint32_t elemsize;          /* at most UINT32_MAX (checked by make) */
    size_t qcount;
    size_t dataqsiz;
    gocc_waitq recvq, sendq;
    /* second line: the buffer ring, select and timer bookkeeping */
    size_t sendx, recvx;
    char *buf;
    uint32_t sel_pending;       /* select waiters queued here and not yet
                                 * removed by their select (see free) */
    gocc_timer *timer;          /* gocc_after */
    struct io_watch *watch;     /* gocc_ready */
};

#define CHAN_MAGIC 0x63686e6bu
#define CHAN_DEAD 0xdeadc4a1u

__attribute__((cold, noinline)) _Noreturn void chan_bad(const gocc_hchan *c);
/* On entry to every channel operation (c non-NULL), in every build: a
 * freed channel (still in the quarantine) is "fatal error: use of freed
 * channel", a header that is not a channel's "use of invalid channel".
 * One load and a predicted branch on a line the operation touches. */
static inline void chan_check(const gocc_hchan *c) {
    if (GOCC_UNLIKELY(c->magic != CHAN_MAGIC))
        chan_bad(c);
}
/* Poison a freed channel and keep it a while before free() (chan.c). */
void quarantine_put(gocc_hchan *c);
void quarantine_atfork(int phase);
void chan_unlock_cb(void *c);
/* Transfers; c->lock held, w already dequeued.  The caller readies w->g
 * after unlocking. */
void chan_send_to(gocc_hchan *c, gocc_waiter *w, const void *elem);
void chan_recv_from(gocc_hchan *c, gocc_waiter *w, void *elem);
void chan_buf_put(gocc_hchan *c, const void *elem);
void chan_buf_take(gocc_hchan *c, void *elem);
/* Send without blocking and without panicking (a closed channel takes
 * nothing): the timer and poller deliveries.  True if it was taken. */
bool chan_offer(gocc_hchan *c, const void *elem);

/* ----------------------------------------------------------------- env.c */

enum {
    ENV_WARN = 1,          /* invalid: a warning and the default, not exit 2 */
    ENV_ZERO_DEFAULT = 2,  /* "0" means the default, silently */
};
/* The environment variable name as a decimal integer in [lo, hi]; dflt if
 * it is unset or empty.  Any other value prints "gocc: invalid NAME="v":
 * want an integer from lo to hi" on stderr and exits 2 (with ENV_WARN:
 * adds "; using the default, d" and returns dflt). */
uint64_t env_uint(const char *name, uint64_t lo, uint64_t hi, uint64_t dflt,
                  int flags);

/* --------------------------------------------------------------- panic.c */

_Noreturn void gocc_fatal_stack_overflow(int64_t goid);
/* Write s to stderr with the write system call itself (not the runtime's
 * write hook, iohook.c): safe in a signal handler and a dying process. */
void panic_write(const char *s);
/* "fatal error: all goroutines are asleep - deadlock!" and every
 * goroutine (GOCC_TRACEBACK), exit 2. */
_Noreturn void gocc_fatal_deadlock(void);
/* "SIGQUIT: quit" and every goroutine, exit 2 (sysmon, after SIGQUIT). */
_Noreturn void gocc_fatal_sigquit(void);

/* ----------------------------------------------------------- traceback.c */

/* The time parks are stamped with (nanotime's, coarse): stored by sysmon
 * at each look (every 20 us to 5 ms while any worker runs) and by a worker
 * leaving its idle sleep, so it is never more than a few ms old while
 * goroutines run; g_park loads it instead of reading a clock (Go stamps
 * waitsince lazily, in the GC's stack scan; gocc has no such pass).
 * Dumps show waits in whole minutes.  In a forked child, which has no
 * sysmon, only idle wakeups move it. */
extern _Atomic int64_t traceback_clock;
static inline int64_t traceback_now(void) {
    return atomic_load_explicit(&traceback_clock, memory_order_relaxed);
}
static inline void traceback_clock_set(int64_t now) {
    atomic_store_explicit(&traceback_clock, now, memory_order_relaxed);
}
/* At the scheduler's start: the clock, SIGQUIT's handler. */
void traceback_init(void);
/* Print goroutine g's dump entry to stderr: its header, its stack (the
 * calling thread's own if g is current here), and where it was created. */
void traceback_g(gocc_g *g);
/* Print every live goroutine, current first, a blank line between them. */
void traceback_all(void);
/* GOCC_TRACEBACK: 0 none, 1 single (default), 2 all, 3 crash. */
int traceback_level(void);
/* SIGQUIT: dump every goroutine and exit 2 (sysmon calls it). */
void traceback_sigquit_check(void);
/* Is a dump being printed?  sysmon then hands no slot off: the dumping
 * thread stalls (in libdw, or waiting for its helper thread), and a new
 * worker would run the goroutines the dump is describing. */
extern _Atomic int traceback_dumping;
void traceback_install_sigquit(void);

/* ------------------------------------------------------------- sanitizers */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GOCC_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define GOCC_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define GOCC_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#define GOCC_TSAN 1
#endif

#if defined(GOCC_ASAN) || defined(GOCC_TSAN)
void fiber_start_switch(gocc_g *from, gocc_g *to, bool from_dying);
void fiber_finish_switch(gocc_g *g);
#else
/* nothing to tell: no call on every switch */
static inline void fiber_start_switch(gocc_g *from, gocc_g *to,
                                      bool from_dying) {
    (void)from;
    (void)to;
    (void)from_dying;
}
static inline void fiber_finish_switch(gocc_g *g) { (void)g; }
#endif
void fiber_create(gocc_g *g);
void fiber_destroy(gocc_g *g);
void fiber_g0_init(gocc_g *g0);

#endif
