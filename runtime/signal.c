/*
 * signal.c - signals the Go way (LANGUAGE.md section 12): channels that
 * receive signals (gocc_signal_notify, gocc_signal_stop), and one signal
 * mask for every worker thread.
 *
 * Notify.  A raw signal handler must not touch a channel: it runs on
 * whatever thread the kernel picked, maybe one that holds that very
 * channel's lock in the middle of a send, and it would spin on it forever.
 * So the handler the runtime installs for a notified signal only sets the
 * signal's bit in `pending` and writes a byte to a self-pipe (both
 * async-signal-safe, the write a raw system call, never the parking hook).
 * A runtime goroutine, started at the first gocc_signal_notify, parks
 * reading that pipe (the poller wakes it), takes the pending bits and
 * offers each signal number to every channel subscribed to it, without
 * blocking: a full channel drops it, as Go's signal.Notify does.  A flood
 * of signals costs a bit and a byte each (the pipe's capacity bounds the
 * bytes; a full pipe drops them, the bits are enough).  While any channel
 * is subscribed, that goroutine waits on a descriptor, so the program is
 * never "all asleep" (as in Go, a program waiting for a signal is not
 * deadlocked).  gocc_signal_stop unsubscribes a channel; a signal nobody
 * is subscribed to gets back the action it had before.
 *
 * The mask.  Goroutines move between worker threads, so a mask on one
 * thread means nothing to them.  sigprocmask and pthread_sigmask called in
 * a goroutine (the runtime defines them; in a plain thread they are
 * libc's) change the current thread's mask and make the result every
 * worker's: `sched.sigmask`, with a generation number.  A worker applies a
 * new generation at its next visit to the scheduler (find_runnable); idle
 * ones are woken to do so, and the caller waits (up to 10 ms) until every
 * worker that is not stuck in a long call has.  New workers start with
 * it.  So `main` blocking SIGTERM and a thread waiting for it in sigwait
 * works as in a plain C program: no worker takes the signal, the sigwait
 * thread (created after the block, so with the mask) does.
 *
 * Lock order: sig_lock before a channel's lock (delivery offers under it).
 */
#define _GNU_SOURCE
#include "internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ------------------------------------------------------------- the mask */

typedef int (*sigmask_fn)(int, const sigset_t *, sigset_t *);

static sigmask_fn real_pthread_sigmask_fn;
static pthread_once_t real_once = PTHREAD_ONCE_INIT;

static void resolve(void) {
    real_pthread_sigmask_fn = (sigmask_fn)dlsym(RTLD_NEXT, "pthread_sigmask");
}

/* libc's pthread_sigmask (returns an error number, as it does); a raw
 * system call where dlsym finds none (a static executable). */
static int real_pthread_sigmask(int how, const sigset_t *set, sigset_t *old) {
    pthread_once(&real_once, resolve);
    if (real_pthread_sigmask_fn)
        return real_pthread_sigmask_fn(how, set, old);
    if (syscall(SYS_rt_sigprocmask, how, set, old, _NSIG / 8) < 0)
        return gocc_errno_get();
    return 0;
}

static gocc_lock_t mask_lock;
/* bumped at every change of sched.sigmask; from 1, so that a new M (0)
 * applies it when it starts */
static _Atomic uint32_t mask_gen = 1;

void sched_apply_sigmask(gocc_m *m) {
    uint32_t gen = atomic_load_explicit(&mask_gen, memory_order_acquire);
    if (gen == m->mask_gen)
        return;
    sigset_t set;
    lock_acquire(&mask_lock);
    set = sched.sigmask;
    gen = atomic_load_explicit(&mask_gen, memory_order_relaxed);
    lock_release(&mask_lock);
    real_pthread_sigmask(SIG_SETMASK, &set, NULL);
    atomic_store_explicit(AT(&m->mask_gen), gen, memory_order_release);
}

/* The current thread's new mask becomes every worker's. */
static void share_mask(gocc_m *self) {
    sigset_t cur;
    real_pthread_sigmask(SIG_BLOCK, NULL, &cur);
    unsigned long long bits = 0;
    for (int s = 1; s <= 64; s++)
        if (sigismember(&cur, s) == 1)
            bits |= 1ull << (s - 1);
    lock_acquire(&mask_lock);
    sched.sigmask = cur;
    gocc_ctx_set_sigmask(bits);
    uint32_t gen = atomic_fetch_add(&mask_gen, 1) + 1;
    lock_release(&mask_lock);
    atomic_store_explicit(AT(&self->mask_gen), gen, memory_order_release);
    sched_wake_all_idle();
    /* wait, briefly, for the workers that come to the scheduler */
    int64_t until = nanotime() + 10000000;
    int n = atomic_load_explicit(&sched.nthreads, memory_order_acquire);
    for (int i = 0; i < n; i++) {
        gocc_m *m = sched.ms[i];
        while ((int32_t)(atomic_load_explicit(AT(&m->mask_gen),
                                              memory_order_acquire) -
                         gen) < 0 &&
               nanotime() < until)
            sched_yield();
    }
}

/* The mask calls: libc's on a plain thread; in a goroutine the change is
 * made for every worker. */
GOCC_LIBC_HOOK
int pthread_sigmask(int how, const sigset_t *set, sigset_t *old) {
    int err = real_pthread_sigmask(how, set, old);
    if (err || !set || iohook_off())
        return err;
    gocc_m *m = m_current();
    if (m)
        share_mask(m);
    return 0;
}

GOCC_LIBC_HOOK
int sigprocmask(int how, const sigset_t *set, sigset_t *old) {
    int err = pthread_sigmask(how, set, old);
    if (err) {
        gocc_errno_set(err);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- notify */

enum { MAXSIG = 64 };

typedef struct sub {
    gocc_hchan *ch;
    uint64_t sigs;              /* bit signo-1 */
    struct sub *next;
} sub;

static gocc_lock_t sig_lock;
static sub *subs;
static int nsubs_of[MAXSIG + 1];
static struct sigaction saved_action[MAXSIG + 1];
static _Atomic uint64_t pending;
static int sig_pipe[2] = {-1, -1};
static bool loop_started;
static _Atomic bool any_subs;   /* some channel was ever subscribed */

/* Under TSan the handler is installed past TSan's sigaction, so that it
 * runs when the signal comes.  TSan's own wrapper only queues a signal
 * that arrives outside an intercepted call, in the state of the fiber that
 * runs, and runs it at that fiber's next intercepted call; in a runtime
 * that switches fibers all the time such a signal was sometimes never run
 * (gc_signal_notify lost its SIGUSR2 about 1 run in 50; running the
 * current fiber's queue at every switch and every 2 ms of idle sleep did
 * not cure it, so that was taken out again).  That is safe because
 * catch_signal calls nothing TSan knows: it is not instrumented, keeps
 * errno through libc's __errno_location (no switch can happen in a
 * handler), and writes with a raw system call.
 * TSan's table keeps the program's own action, which the kernel gets back
 * when the last channel stops (restoring the saved kernel action, TSan's
 * wrapper).  The runtime's other faults (SIGSEGV) keep TSan's way. */
#ifdef GOCC_TSAN
/* clang's no_sanitize("thread") still instruments atomics */
#if defined(__has_attribute) && __has_attribute(disable_sanitizer_instrumentation)
#define NO_TSAN __attribute__((disable_sanitizer_instrumentation))
#else
#define NO_TSAN __attribute__((no_sanitize("thread")))
#endif
typedef int (*sigaction_fn)(int, const struct sigaction *, struct sigaction *);

static int set_action(int signo, const struct sigaction *sa,
                      struct sigaction *old) {
    static sigaction_fn libc_sigaction;
    if (!libc_sigaction) {
        void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
        if (libc)
            libc_sigaction = (sigaction_fn)dlsym(libc, "sigaction");
        if (!libc_sigaction)
            return sigaction(signo, sa, old);
    }
    return libc_sigaction(signo, sa, old);
}
#else
#define NO_TSAN
#define set_action sigaction
#endif

NO_TSAN static void catch_signal(int signo) {
    int *ep = __errno_location();   /* libc's: gocc.h's errno is a call */
    int e = *ep;
    __atomic_fetch_or((uint64_t *)&pending, 1ull << (signo - 1),
                      __ATOMIC_SEQ_CST);
    char b = (char)signo;
    syscall(SYS_write, sig_pipe[1], &b, 1);   /* full pipe: the bit is set */
    *ep = e;
}

/* Offer every pending signal to its channels. */
static void deliver(void) {
    uint64_t p = atomic_exchange(&pending, 0);
    for (int signo = 1; p && signo <= MAXSIG; signo++) {
        if (!(p & (1ull << (signo - 1))))
            continue;
        p &= ~(1ull << (signo - 1));
        lock_acquire(&sig_lock);
        for (sub *s = subs; s; s = s->next)
            if (s->sigs & (1ull << (signo - 1)))
                (void)chan_offer(s->ch, &signo);
        lock_release(&sig_lock);
    }
}

static void signal_loop(void *arg) {
    (void)arg;
    char buf[64];
    for (;;) {
        ssize_t n = read(sig_pipe[0], buf, sizeof buf);   /* parks */
        if (n < 0 && gocc_errno_get() != EINTR && gocc_errno_get() != EAGAIN)
            gocc_throw("signal delivery: read of the signal pipe failed");
        deliver();
    }
}

/* Can a program take this signal on a channel?  Not the ones that cannot
 * be caught, nor the faults the runtime reports itself. */
static bool notifiable(int signo) {
    return signo >= 1 && signo <= MAXSIG && signo != SIGKILL &&
           signo != SIGSTOP && signo != SIGSEGV && signo != SIGBUS &&
           signo != SIGFPE && signo != SIGILL;
}

/* Subscribe channel c to signo (sig_lock held): the first subscriber
 * installs catch_signal, keeping the old action. */
static int subscribe(sub *s, int signo) {
    uint64_t bit = 1ull << (signo - 1);
    if (s->sigs & bit)
        return 0;
    if (nsubs_of[signo] == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = catch_signal;
        sigfillset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        if (set_action(signo, &sa, &saved_action[signo]) != 0)
            return -1;
    }
    nsubs_of[signo]++;
    s->sigs |= bit;
    return 0;
}

/* Unsubscribe s from every signal it has (sig_lock held). */
static void unsubscribe_all(sub *s) {
    for (int signo = 1; signo <= MAXSIG; signo++) {
        if (!(s->sigs & (1ull << (signo - 1))))
            continue;
        if (--nsubs_of[signo] == 0)
            set_action(signo, &saved_action[signo], NULL);
    }
    s->sigs = 0;
}

static void make_pipe(void) {
    if (pipe2(sig_pipe, O_CLOEXEC) != 0)
        gocc_throw("signal delivery: cannot make the signal pipe");
    /* the handler's end never blocks; the goroutine's end parks */
    fcntl(sig_pipe[1], F_SETFL, O_NONBLOCK);
}

int gocc_signal_notify_(gocc_hchan *c, int signo, ...) {
    if (!c) {
        gocc_errno_set(EINVAL);
        return -1;
    }
    chan_check(c);
    int sigs[MAXSIG + 2], n = 0;
    va_list ap;
    va_start(ap, signo);
    for (int s = signo; s != 0 && n <= MAXSIG; s = va_arg(ap, int))
        sigs[n++] = s;
    va_end(ap);
    if (n == 0) {
        gocc_errno_set(EINVAL);
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (!notifiable(sigs[i])) {
            gocc_errno_set(EINVAL);
            return -1;
        }
    sched_ensure_started();
    lock_acquire(&sig_lock);
    if (sig_pipe[0] < 0)
        make_pipe();
    bool start = !loop_started;
    loop_started = true;
    atomic_store(&any_subs, true);
    sub *s = subs;
    while (s && s->ch != c)
        s = s->next;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) {
            lock_release(&sig_lock);
            gocc_errno_set(ENOMEM);
            return -1;
        }
        s->ch = c;
        s->next = subs;
        subs = s;
    }
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++)
        rc = subscribe(s, sigs[i]);
    lock_release(&sig_lock);
    if (start)
        gocc_go(signal_loop, NULL);
    return rc;
}

void gocc_signal_stop_(gocc_hchan *c) {
    lock_acquire(&sig_lock);
    for (sub **pp = &subs; *pp; pp = &(*pp)->next) {
        if ((*pp)->ch == c) {
            sub *s = *pp;
            unsubscribe_all(s);
            *pp = s->next;
            free(s);
            break;
        }
    }
    lock_release(&sig_lock);
}

void signal_forget(gocc_hchan *c) {
    if (atomic_load(&any_subs))
        gocc_signal_stop_(c);
}
