/*
 * sysmon.c - the monitor thread: hands a stuck worker's slot to another
 * thread (Go's sysmon retake/handoffp).
 *
 * A goroutine can hold its worker without coming back to the scheduler:
 * a system call the runtime cannot park (regular-file I/O, getaddrinfo,
 * waitpid, fsync), a pthread mutex, a library's own blocking call, a long
 * computation.  Nothing marks these (the runtime sees none of them), so
 * sysmon watches each M's schedtick, which moves at every switch.  An M
 * whose tick has not moved for a while (below), while work waits that no free
 * slot can take (a G queued on it or globally, a timer, a descriptor
 * waiter), loses its slot: sched_handoff marks it blocked, moves its queue
 * to the global queue and gives the slot to an idle M, or to a new one
 * (at most GOCC_MAXTHREADS threads, Ms plus sysmon).  The blocked M's
 * goroutine runs on; at its next switch the M asks for a slot again and,
 * if none is free, sleeps as a spare (m_exitblocked in sched.c).
 *
 * Invariants:
 *   - Only an M that holds a slot (not idle, not blocked) is handed off,
 *     and only while no slot is free: a free slot's M (the watcher) takes
 *     the stuck M's queue and timers itself (find_runnable).
 *   - sysmon never runs goroutines, takes no lock but sched.lock (inside
 *     sched_handoff and wake_one) and the global queue's, and touches no
 *     M's queue except through the thief's CAS (runq_drain_global).
 *   - An idle program costs nothing: when every slot is free and no M is
 *     blocked, sysmon sleeps until a slot is taken (sysmon_wake, called by
 *     whoever takes the first slot: the Dekker pair is sysmon_idle against
 *     nidle, both seq_cst).
 *
 * Which stall: an M blocked in the kernel (its thread's state in
 * /proc/self/task/TID/stat is S or D) is handed off after BLOCKED_NS, as Go
 * retakes a P in a system call; one that computes, once its thread has
 * used RUNNING_NS more of CPU (schedstat), so about 5 ms in all.  A thread
 * the kernel has descheduled uses no CPU and keeps its slot: on a loaded
 * machine, handing it off would only run more threads than CPUs, and
 * would run goroutines beside each other where GOCC_MAXPROCS=1 promised
 * they would not (test_seed, go_block_static under TSan saw it).
 * With GOCC_SEED and one worker (a repeatable run, LANGUAGE.md 9) a
 * running M is never handed off: that would make the interleaving depend
 * on the machine's load (test_seed saw it under ASan).  The /proc read
 * (~10 us) is made only for an M already stalled past BLOCKED_NS with work
 * waiting.
 *
 * Sleep between looks: 20 us, doubling after 1 ms without a handoff, up
 * to 5 ms (Go: 20 us to 10 ms), so a blocked worker's queue moves within
 * about 6 ms and a computing one's within about 10 ms.  Rejected: handing
 * off on a shorter stall (a worker computing for 100 us with Gs queued
 * would bounce them between threads; the watcher already steals from a
 * worker stuck for 3 us when a slot is free); and moving the M's queue
 * itself to the new thread (Go's P): the ring has one producer, the M,
 * whose goroutine may still be readying Gs into it when sysmon acts, and
 * telling it at every operation would cost the channel paths an atomic
 * handshake.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BLOCKED_NS 1000000
#define RUNNING_NS 4000000
#define DELAY_MIN_NS 20000
#define DELAY_MAX_NS 5000000

/* What sysmon last saw of each M: its tick and since when. */
typedef struct seen {
    uint32_t tick;
    int64_t since;
    int64_t cpu0;   /* its thread's CPU time when first a candidate, or -1 */
} seen;

static seen *seen_of;

/* Every slot free and no M blocked: nothing can get stuck. */
static bool all_idle(void) {
    return atomic_load(&sched.nidle) == sched.nm &&
           atomic_load(&sched.nblocked) == 0;
}

void sysmon_wake(void) {
    int one = 1;
    if (atomic_load(&sched.sysmon_idle) &&
        atomic_compare_exchange_strong(&sched.sysmon_idle, &one, 0)) {
        atomic_store(AT(&sched.sysmon_word), 1);
        futex_wake(&sched.sysmon_word, 1);
    }
}

/* Sleep until sysmon_wake, while every slot stays free; at most timeout
 * ns (-1: no limit). */
static void sleep_while_idle(int64_t timeout) {
    store_relaxed(&sched.sysmon_word, 0);
    atomic_store(&sched.sysmon_idle, 1);
    if (all_idle())
        futex_wait(&sched.sysmon_word, 0, timeout);
    atomic_store(&sched.sysmon_idle, 0);
}

/* The scavenger's pace: a look every SCAVENGE_EVERY_NS while the program
 * runs (and one more after it goes idle), giving back units pooled for
 * SCAVENGE_AGE_NS beyond the SCAVENGE_KEEP most recent. */
#define SCAVENGE_EVERY_NS 500000000
#define SCAVENGE_AGE_NS 1000000000
#define SCAVENGE_KEEP 256

static int64_t last_scavenge;
static int pooled_after;   /* the pool's size after the last pass */
static int young_after;    /* units the last pass left for their age */

static void scavenge(int64_t now) {
    last_scavenge = now;
    stack_scavenge(now, SCAVENGE_AGE_NS, SCAVENGE_KEEP, &young_after);
    pooled_after = stack_pooled();
}

/* Is there something for a pass to look at: more units pooled than kept,
 * and not just the ones the last pass left for good (with a running
 * neighbour)?  Keeps an idle program from waking for nothing. */
static bool scavenge_due(void) {
    int n = stack_pooled();
    return n > SCAVENGE_KEEP && (n != pooled_after || young_after > 0);
}

/* Read /proc/self/task/TID/NAME into buf; false if there is none.  Raw
 * system calls: sysmon stays out of the runtime's own libc calls (close
 * would look at the poller's state for the descriptor). */
static bool read_task_file(int tid, const char *name, char *buf, size_t len) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/%s", tid, name);
    int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = syscall(SYS_read, fd, buf, len - 1);
    syscall(SYS_close, fd);
    if (n <= 0)
        return false;
    buf[n] = 0;
    return true;
}

/* Is thread tid running (or runnable) rather than blocked in the kernel
 * (state S or D)?  Unknown (no /proc) counts as running, and so does a
 * thread a tracer holds (t, T): under strace every system call stops it,
 * and handing it off then would only measure the tracer. */
static bool thread_running(int tid) {
    char buf[512];
    if (!read_task_file(tid, "stat", buf, sizeof buf))
        return true;
    char *p = strrchr(buf, ')');   /* the command may hold spaces */
    return !p || p[1] != ' ' || (p[2] != 'S' && p[2] != 'D');
}

/* CPU time thread tid has used (ns), or -1 if the kernel does not say. */
static int64_t thread_cpu_ns(int tid) {
    char buf[128];
    if (!read_task_file(tid, "schedstat", buf, sizeof buf))
        return -1;
    return strtoll(buf, NULL, 10);
}

/* Has m, which has not switched for `stalled` ns, stalled long enough to
 * lose its slot?  Blocked in the kernel: yes.  Running: once it has used
 * RUNNING_NS of CPU since it became a candidate (s->cpu0, taken at the
 * first look past BLOCKED_NS), so that a thread the kernel merely
 * descheduled (a loaded machine) keeps its slot; without schedstat, once
 * it has stalled RUNNING_NS.  Never in a repeatable run. */
static bool stalled_enough(gocc_m *m, seen *s, int64_t stalled) {
    if (stalled < BLOCKED_NS)
        return false;
    int tid = load_relaxed(&m->tid);
    if (tid <= 0)
        return false;
    if (!thread_running(tid))
        return true;
    if (sched.repeatable)
        return false;
    int64_t cpu = thread_cpu_ns(tid);
    if (cpu < 0)
        return stalled >= RUNNING_NS + BLOCKED_NS;
    if (s->cpu0 < 0) {
        s->cpu0 = cpu;
        return false;
    }
    return cpu - s->cpu0 >= RUNNING_NS;
}

/* One look at every M; true if some slot was handed off. */
static bool retake(int64_t now) {
    bool took = false;
    if (atomic_load_explicit(&traceback_dumping, memory_order_relaxed))
        return false;
    int n = atomic_load_explicit(&sched.nthreads, memory_order_acquire);
    for (int i = 0; i < n; i++) {
        gocc_m *m = sched.ms[i];
        uint32_t tick = load_relaxed(&m->schedtick);
        seen *s = &seen_of[i];
        if (tick != s->tick || s->since == 0) {   /* 0: never looked */
            s->tick = tick;
            s->since = now;
            s->cpu0 = -1;
            continue;
        }
        if (now - s->since < BLOCKED_NS ||
            atomic_load_explicit(&m->idle, memory_order_relaxed) ||
            atomic_load_explicit(&m->blocked, memory_order_relaxed) ||
            atomic_load(&sched.nidle) > 0 || !sched_work_waits(m, now) ||
            !stalled_enough(m, s, now - s->since))
            continue;
        if (sched_handoff(m, tick)) {
            took = true;
            s->since = now;
            s->cpu0 = -1;
        }
    }
    return took;
}

static void *sysmon(void *arg) {
    (void)arg;
    /* sysmon never takes a signal: the program's handlers run on its own
     * threads and the workers */
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, NULL);
    int64_t delay = DELAY_MIN_NS, quiet_since = nanotime();
    uint32_t never = 0;   /* a timed sleep: nobody wakes this word */
    for (;;) {
        futex_wait(&never, 0, delay);
        traceback_sigquit_check();
        if (all_idle()) {
            /* pooled stacks not yet old enough: one more look, later */
            bool more = scavenge_due();
            sleep_while_idle(more ? SCAVENGE_AGE_NS + SCAVENGE_AGE_NS / 10
                                  : -1);
            traceback_sigquit_check();
            if (more && all_idle())
                scavenge(nanotime());
            delay = DELAY_MIN_NS;
            quiet_since = nanotime();
            continue;
        }
        int64_t now = nanotime();
        traceback_clock_set(now);
        if (now - last_scavenge >= SCAVENGE_EVERY_NS)
            scavenge(now);
        if (retake(now)) {
            delay = DELAY_MIN_NS;
            quiet_since = now;
        } else if (now - quiet_since > 1000000 && delay < DELAY_MAX_NS) {
            delay *= 2;
            if (delay > DELAY_MAX_NS)
                delay = DELAY_MAX_NS;
        }
    }
    return NULL;
}

void sysmon_start(void) {
    seen_of = calloc((size_t)sched.maxthreads, sizeof *seen_of);
    if (!seen_of)
        gocc_throw("out of memory");

    if (!sched_thread_start(sysmon, NULL))
        gocc_throw("cannot create the monitor thread");
}
