/*
 * gocc.h - the public C API of the gocc runtime.
 *
 * Every .gc construct lowers onto this header, and plain C files may use it
 * directly: goroutines (gocc_go), typed channels (gocc_chan(T)), select,
 * timers and the sync primitives.  Semantics follow Go's exactly; the
 * language reference, docs/language.md, sections 2-5, 7, 9 and 10, says
 * what each does.
 *
 * Typed channels.  gocc_chan(T) is a pointer-sized handle whose C type
 * encodes T: it is a pointer to a function returning T.  So
 *   - `gocc_chan(int) c = 0;` (or `= {0}`, or static storage) is the nil
 *     channel, `==` compares identity, assignment copies the handle;
 *   - gocc_send(c, "str") on a gocc_chan(int) is a compiler diagnostic
 *     (-Wint-conversion), and passing a gocc_chan(long) where a
 *     gocc_chan(int) is expected is an incompatible-pointer diagnostic;
 *   - nesting works: gocc_chan(gocc_chan(int)).
 * The handle is never called; the runtime object behind it is reached with
 * gocc_chan_ptr_(), a conversion through uintptr_t (gocc_uintptr).
 *
 * Blocking.  Inside a goroutine a blocking call parks only the goroutine;
 * its worker thread runs others.  Called from a thread the runtime did not
 * create (a plain pthread, the process's main thread before gocc_main) the
 * call blocks that whole thread.
 *
 * Macro arguments: the channel argument of every macro is evaluated exactly
 * once; value arguments exactly once.
 *
 * What including it does to plain C: nothing but declare the gocc_ names
 * and redefine errno (below).  It needs GNU C (__typeof__: gcc or clang)
 * and is clean in every -std from c89 on, with -pedantic -Wall -Wextra,
 * its macros' expansions included: what C89 lacks (_Bool, the compound
 * literals of the macros, _Generic) is marked __extension__, and the two
 * variadic macros sit under a diagnostic pragma.  It takes no
 * name from the program: no <stdbool.h> (a program may define its own
 * bool, true and false), no <stdint.h>; its integer types are the
 * compiler's own, the same types as <stdint.h>'s (gocc_int64 is int64_t,
 * gocc_uint32 is uint32_t ...).  Its only libc header is <errno.h>,
 * which the errno redefinition needs; like any glibc header it fixes
 * glibc's feature-test macros (_GNU_SOURCE and friends) through
 * <features.h>, so a file that defines them must do so before including
 * this header, as before any libc header.  <stddef.h> (NULL, size_t) is
 * the compiler's own and fixes nothing.
 */
#ifndef GOCC_H
#define GOCC_H

#include <stddef.h>

/* The fixed-width types of the API: the compiler's builtin names for the
 * types <stdint.h> calls int64_t, uint64_t, uint32_t and uintptr_t, and
 * _Bool (C99's bool).  __extension__: C90 has neither _Bool nor, on
 * 32-bit systems, long long. */
#if defined(__INT64_TYPE__) && defined(__UINT64_TYPE__) &&                    \
    defined(__UINT32_TYPE__) && defined(__UINTPTR_TYPE__)
__extension__ typedef __INT64_TYPE__ gocc_int64;
__extension__ typedef __UINT64_TYPE__ gocc_uint64;
typedef __UINT32_TYPE__ gocc_uint32;
typedef __UINTPTR_TYPE__ gocc_uintptr;
#else
#include <stdint.h>
typedef int64_t gocc_int64;
typedef uint64_t gocc_uint64;
typedef uint32_t gocc_uint32;
typedef uintptr_t gocc_uintptr;
#endif
#ifdef __cplusplus
typedef bool gocc_bool;
#else
__extension__ typedef _Bool gocc_bool;
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Every function declared here is the runtime's public API, exported from
 * libgocc.so and libgocc.a; the runtime is compiled with
 * -fvisibility=hidden and the rest of it is not (docs/runtime.md,
 * "Linking").  The pragma changes nothing for the including program. */
#pragma GCC visibility push(default)

#define GOCC_VERSION "0.1.0"

/* ---------------------------------------------------------------- channels */

/* The runtime's channel object.  Opaque. */
typedef struct gocc_hchan gocc_hchan;

/* gocc_chan(T): the type "channel of T".  T is an unqualified complete
 * object type other than an array (a `const` element type means nothing
 * for a channel, and gcc's -Wextra warns about it). */
#define gocc_chan(T) __typeof__(__typeof__(T) (*)(void))

/* The element type T of a channel expression (unevaluated). */
#define gocc_elem_t(ch) __typeof__((ch)())

/* The runtime object behind a handle; NULL for the nil channel.  The
 * unevaluated call checks that ch is a channel at all: every operation
 * below goes through here, so `gocc_close(fd)` or dropping a receive from
 * a plain pointer is a compile-time error, not a runtime surprise. */
#define gocc_chan_ptr_(ch)                                                    \
    ((void)sizeof((ch)()), (gocc_hchan *)(gocc_uintptr)(ch))

/* gocc_make_chan(CT, n): the same for a channel type CT (a typedef of
 * gocc_chan(T)): the lowering of `make(ichan, n)`. */
#define gocc_make_chan(CT, n)                                                 \
    ((CT)(gocc_uintptr)gocc_chan_make_(sizeof(gocc_elem_t((CT)0)),           \
                                       __alignof__(gocc_elem_t((CT)0)),      \
                                       (gocc_int64)(n)))

/* gocc_make(T, n): a new channel of T with capacity n (0: unbuffered).
 * A negative n, or a buffer past 2^48 bytes (Go's limit), panics with
 * "makechan: size out of range". */
#define gocc_make(T, n)                                                       \
    ((gocc_chan(T))(gocc_uintptr)gocc_chan_make_(sizeof(T), __alignof__(T),  \
                                                 (gocc_int64)(n)))

/* Variadic macros are C99: the pragmas keep -std=c89 -pedantic quiet about
 * the two below (gocc_send takes a compound literal with its commas). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wvariadic-macros"

/* gocc_send(ch, v): send v (converted to T as by assignment).  A statement. */
#define gocc_send(ch, ...)                                                    \
    do {                                                                      \
        gocc_hchan *gocc_sc_ = gocc_chan_ptr_(ch); /* channel first, as Go */ \
        gocc_elem_t(ch) gocc_sv_ = (__VA_ARGS__);                             \
        gocc_chan_send_(gocc_sc_, &gocc_sv_);                                 \
    } while (0)
#pragma GCC diagnostic pop

/* gocc_recv(ch): receive a value; an expression of type T.  On a closed,
 * drained channel it yields T's zero value at once.  The value lands in
 * a temporary (the runtime writes all of it, even when the channel is
 * closed); it is a union member behind a char so that its `{0}` suits
 * every T, an empty struct (a GNU extension) included. */
#define gocc_recv(ch)                                                         \
    (*(gocc_elem_t(ch) *)gocc_chan_recvp_(gocc_chan_ptr_(ch),                 \
                                          gocc_recv_tmp_(ch)))
#define gocc_recv_tmp_(ch)                                                    \
    (&(__extension__(union {                                                  \
          char gocc_c_;                                                       \
          gocc_elem_t(ch) gocc_v_;                                            \
      }){0}).gocc_v_)

/* gocc_recv_drop(ch): receive and discard the value (Go's `<-ch;` as a
 * statement; a bare gocc_recv(ch); draws gcc's -Wunused-value). */
#define gocc_recv_drop(ch) ((void)gocc_chan_recv_(gocc_chan_ptr_(ch), NULL))

/* gocc_recv_ok(ch, &v): receive into *(&v); true if a sent value arrived,
 * false if the channel was closed and drained (v is then zeroed). */
#define gocc_recv_ok(ch, p)                                                   \
    gocc_chan_recv_(gocc_chan_ptr_(ch), __extension__(gocc_elem_t(ch) *){(p)})

/* Non-blocking forms: true if the operation happened. */
#define gocc_try_send(ch, p)                                                  \
    gocc_chan_trysend_(gocc_chan_ptr_(ch),                                    \
                       __extension__(const gocc_elem_t(ch) *){(p)})
#define gocc_try_recv(ch, p, okp)                                             \
    gocc_chan_tryrecv_(gocc_chan_ptr_(ch),                                    \
                       __extension__(gocc_elem_t(ch) *){(p)}, (okp))

/* gocc_close(ch): no more sends.  Panics on the nil channel and on a
 * closed one.  gocc_len(ch), gocc_cap(ch): values buffered now, and the
 * capacity, as int (0 for the nil channel; capacities past INT_MAX are not
 * supported by these two). */
#define gocc_close(ch) gocc_chan_close_(gocc_chan_ptr_(ch))
#define gocc_len(ch) gocc_chan_len_(gocc_chan_ptr_(ch))
#define gocc_cap(ch) gocc_chan_cap_(gocc_chan_ptr_(ch))

/* gocc_chan_free(ch): release a channel.  The nil channel is ignored; a
 * channel on which a goroutine is blocked panics.  Using a freed channel
 * (any operation, select, or freeing it again) is an error; the runtime
 * catches it soon after the free, in every build, as "fatal error: use of
 * freed channel" (exit status 2): a freed channel's memory is kept,
 * poisoned, for the last 64 frees (docs/runtime.md).  Past that, the
 * memory may be reused and the error go unnoticed. */
#define gocc_chan_free(ch) gocc_chan_free_(gocc_chan_ptr_(ch))

/* gocc_after(ms): a new channel of int64_t, capacity 1, that receives the
 * monotonic time in ns once ms milliseconds have passed.  Free it like any
 * channel (freeing stops the timer), or let gocc_recv_release /
 * a GOCC_CASE_RELEASE select case free it for you. */
#define gocc_after(ms)                                                        \
    ((gocc_chan(gocc_int64))(gocc_uintptr)gocc_after_((gocc_int64)(ms)))

/* gocc_recv_release(ch): receive, then free the channel: the lowering of
 * `<-gocc_after(ms)` used directly as an operand. */
#define gocc_recv_release(ch)                                                 \
    (*(gocc_elem_t(ch) *)gocc_chan_recv_release_(gocc_chan_ptr_(ch),          \
                                                 gocc_recv_tmp_(ch)))

/* ------------------------------------------------------------------ select */

enum { GOCC_CASE_RECV = 0, GOCC_CASE_SEND = 1 };

/* One case of a select.  For a receive, elem is where the value goes (or
 * NULL to drop it); for a send, elem points at the value to send (already
 * evaluated).  flags: GOCC_CASE_RELEASE frees the channel once the select
 * completes, whichever case fired (the gocc_after auto-release rule).
 * ok is written for the receive case that fires: true if a sent value
 * arrived, false if the channel was closed. */
typedef struct gocc_select_case {
    gocc_hchan *chan;
    void *elem;
    unsigned char dir;
    unsigned char flags;
    gocc_bool ok;
} gocc_select_case;

#define GOCC_CASE_RELEASE 1u

/* Typed case builders (checked: p must point at T). */
#define gocc_case_recv(ch, p)                                                 \
    (__extension__(gocc_select_case){                                         \
        gocc_chan_ptr_(ch), (gocc_elem_t(ch) *){(p)}, GOCC_CASE_RECV, 0, 0})
#define gocc_case_recv_drop(ch)                                               \
    (__extension__(gocc_select_case){gocc_chan_ptr_(ch), NULL,                \
                                     GOCC_CASE_RECV, 0, 0})
#define gocc_case_send(ch, p)                                                 \
    (__extension__(gocc_select_case){                                         \
        gocc_chan_ptr_(ch), (void *)(const gocc_elem_t(ch) *){(p)},           \
        GOCC_CASE_SEND, 0, 0})

/* gocc_select(cases, n, has_default): run a select over n cases.
 * Needs: every elem valid until return.  Chooses uniformly at random among
 * the cases that can proceed; if none can, returns -1 when has_default, else
 * blocks until one can.  Returns the index of the case that fired.  n == 0
 * without default blocks forever.  Cases on the nil channel never fire. */
int gocc_select(gocc_select_case *cases, int n, gocc_bool has_default);

/* -------------------------------------------------------------- goroutines */

/* gocc_go(fn, arg): start fn(arg) in a new goroutine.  The new goroutine
 * runs when the caller blocks, or on another worker.  When the caller's
 * worker already has 128 goroutines queued, the caller yields to them (a
 * spawning loop would otherwise queue millions): like any blocking call,
 * it may then resume on another thread, so do not hold a pthread mutex or
 * a __thread address across it. */
void gocc_go(void (*fn)(void *), void *arg);

/* gocc_go_copy(fn, arg, size): copy size bytes at arg into the new
 * goroutine's own storage (16-byte aligned, freed when it exits) and start
 * fn(copy).  Up to GOCC_GO_COPY_MAX bytes the copy lives on the new
 * goroutine's stack (no malloc per `go f(x, y)`); a larger block is copied
 * to the heap and freed when fn returns. */
void gocc_go_copy(void (*fn)(void *), const void *arg, size_t size);
#define GOCC_GO_COPY_MAX 1024

void gocc_yield(void);
void gocc_sleep_ms(gocc_int64 ms);
void gocc_sleep_ns(gocc_int64 ns);

/* The current goroutine's id (main is 1); 0 on a thread that is not running
 * a goroutine. */
gocc_int64 gocc_goid(void);

/* Monotonic clock in ns (the clock gocc_after reports). */
gocc_int64 gocc_nanotime(void);

/* gocc_panic(fmt, ...): print "panic: <message>", the goroutine id and a
 * backtrace to stderr; exit status 2. */
__attribute__((__noreturn__, __format__(__printf__, 1, 2)))
void gocc_panic(const char *fmt, ...);

/* gocc_main(fn, argc, argv): run fn(argc, argv) as goroutine 1 on the
 * runtime; when it returns, exit the process with its status.  The calling
 * thread becomes a worker.  GOCC_MAIN(fn) defines main() that does this. */
__attribute__((__noreturn__))
int gocc_main(int (*fn)(int, char **), int argc, char **argv);
#define GOCC_MAIN(fn)                                                         \
    int main(int argc, char **argv) { return gocc_main((fn), argc, argv); }

/* Number of worker threads (GOCC_MAXPROCS, default: CPU count). */
int gocc_maxprocs(void);

/* -------------------------------------------------------------------- sync */

/* Runtime-internal lock word (futex based). */
typedef struct { gocc_uint32 v; } gocc_lock_t;

struct gocc_waiter;
typedef struct gocc_waitq {
    struct gocc_waiter *first, *last;
} gocc_waitq;

/* Mutex: a waiting goroutine parks and its thread runs others.  Not
 * recursive; may be unlocked by a goroutine other than the locker, as Go's. */
typedef struct gocc_mutex {
    gocc_uint32 state;       /* 0 free, 1 locked, 2 locked with waiters */
    gocc_lock_t lock;        /* guards waiters */
    gocc_waitq waiters;
} gocc_mutex;
#define GOCC_MUTEX_INIT {0, {0}, {NULL, NULL}}
void gocc_mutex_lock(gocc_mutex *m);
gocc_bool gocc_mutex_trylock(gocc_mutex *m);
void gocc_mutex_unlock(gocc_mutex *m);

/* WaitGroup, as Go's sync.WaitGroup.  A negative counter panics with
 * "sync: negative WaitGroup counter"; the counter holds 32 bits, as Go's.
 * Add and Done are one atomic operation unless they release waiters. */
typedef struct gocc_waitgroup {
    gocc_uint64 state;       /* counter << 32 | number of waiters */
    gocc_lock_t lock;        /* guards waiters */
    gocc_waitq waiters;
} gocc_waitgroup;
#define GOCC_WAITGROUP_INIT {0, {0}, {NULL, NULL}}
void gocc_wg_add(gocc_waitgroup *wg, gocc_int64 n);
void gocc_wg_done(gocc_waitgroup *wg);
void gocc_wg_wait(gocc_waitgroup *wg);

/* Once: gocc_once_do(&o, fn) runs fn exactly once; concurrent callers wait
 * until it has returned. */
typedef struct gocc_once {
    gocc_uint32 done;
    gocc_mutex m;
} gocc_once;
#define GOCC_ONCE_INIT {0, GOCC_MUTEX_INIT}
void gocc_once_do(gocc_once *o, void (*fn)(void));

/* --------------------------------------------------------------------- I/O */

/* Inside a goroutine, the libc calls of docs/language.md section 12 (read,
 * write, recv, send, accept, connect, poll, select, epoll_wait, sleep ...)
 * park the goroutine, not its thread, on a descriptor that can be polled,
 * with C's results and errno.  The calls below are for waits the program
 * makes itself: deadlines, select, plain C. */

enum { GOCC_READ = 1, GOCC_WRITE = 2 };

/* gocc_fd_wait(fd, events, timeout_ms): park until fd is ready for one of
 * events (GOCC_READ, GOCC_WRITE, or both).  Returns the ready bits; 0 once
 * timeout_ms milliseconds have passed (-1: no limit); -1 with errno on
 * error (EBADF: fd is not open, or was closed while waiting; EINVAL: no
 * events).  From a thread that is not a goroutine it blocks the thread. */
int gocc_fd_wait(int fd, int events, gocc_int64 timeout_ms);

/* gocc_ready(fd, events): a new channel of int (capacity 1) that receives
 * the ready bits once fd is ready for one of events (or the events asked,
 * if fd is closed meanwhile).  Used directly as the operand of a receive
 * or as a select case, the channel is released when that completes, as
 * gocc_after's is; otherwise free it with gocc_chan_free (which stops the
 * wait).  No events panics. */
#define gocc_ready(fd, events)                                                \
    ((gocc_chan(int))(gocc_uintptr)gocc_ready_((fd), (events)))

/* gocc_listen(network, address): Go's net.Listen.  network: "tcp", "tcp4",
 * "tcp6" or "unix"; address: "host:port" ("[::1]:80" for IPv6; an empty
 * host listens on every address; port 0 picks a free one), or a path for
 * "unix" ("@name": the abstract namespace).  Returns a listening,
 * close-on-exec descriptor in blocking mode (accept in a goroutine parks
 * it), or -1 with errno: EINVAL for a malformed address or an unknown
 * network, ENXIO for a host name that does not resolve, or bind's errno
 * (EADDRINUSE ...). */
int gocc_listen(const char *network, const char *address);

/* gocc_dial(network, address, timeout_ms): Go's net.DialTimeout.  Names
 * are resolved (on a helper thread: a goroutine parks meanwhile), and
 * each address is tried in turn within the time left.  Returns a
 * connected, close-on-exec descriptor in blocking mode, or -1 with errno:
 * ETIMEDOUT when timeout_ms (-1 or 0: no limit) passed, ECONNREFUSED,
 * EINVAL for a malformed address or an unknown network, ENXIO for a name
 * that does not resolve, EAGAIN when the resolver failed for now, or what
 * connect said. */
int gocc_dial(const char *network, const char *address,
              gocc_int64 timeout_ms);

/* ----------------------------------------------------------------- signals
 *
 * Go's signal.Notify.  gocc_signal_notify(ch, SIGINT, SIGTERM, 0) makes
 * each listed signal arrive as its number on ch (a channel of int),
 * without blocking: when ch is full the signal is dropped, so give it a
 * buffer.  The list ends with 0.  Several channels may take one signal;
 * notifying a channel again adds signals.  Returns 0, or -1 with errno
 * EINVAL (no signal listed, or one that cannot be caught or that the
 * runtime reports itself: SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGFPE,
 * SIGILL).  gocc_signal_stop(ch) ends every delivery to ch; a signal no
 * channel takes any more gets back the action it had before.  Freeing ch
 * stops it too.  While a channel takes signals the program is never
 * reported as deadlocked (a signal may still come, as in Go).
 *
 * Channel operations in a raw signal handler (one installed with signal()
 * or sigaction()) are not allowed: the handler runs on whatever thread the
 * kernel picks, perhaps in the middle of an operation on that very
 * channel, whose lock it would then wait for forever.  Use
 * gocc_signal_notify instead.
 *
 * The signal mask: sigprocmask and pthread_sigmask called in a goroutine
 * set the mask of every worker thread (goroutines move between them), so
 * a signal blocked in main stays blocked in the whole runtime and reaches
 * a thread that waits for it with sigwait, as in a plain C program. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wvariadic-macros"
#define gocc_signal_notify(ch, ...)                                           \
    gocc_signal_notify_(((void)sizeof(gocc_sig_check_(ch)),                   \
                         gocc_chan_ptr_(ch)),                                 \
                        __VA_ARGS__)
#pragma GCC diagnostic pop
#define gocc_signal_stop(ch) gocc_signal_stop_(gocc_chan_ptr_(ch))
/* ch must be a channel of int (unevaluated) */
#define gocc_sig_check_(ch)                                                   \
    char[(__extension__ _Generic((ch)(), int: 1))]

int gocc_signal_notify_(gocc_hchan *c, int signo, ...);
void gocc_signal_stop_(gocc_hchan *c);

/* ------------------------------------------------------------------- errno
 *
 * A goroutine may park on one thread and resume on another, and errno is
 * per thread.  The runtime carries each goroutine's errno across every
 * park, but at -O1/-O2 gcc and clang keep errno's address from before a
 * call (glibc declares __errno_location `const`), so code that reads errno
 * after a call that parked could read the errno of the thread it started
 * on.  This header therefore redefines errno as a lookup on each use,
 * (*gocc_errno_location()), an ordinary external call the compiler cannot
 * fold or hoist.  Every translated .gc file, and every C file that
 * includes this header, gets it: `if (read(fd, b, n) < 0 && errno ==
 * EAGAIN)` is right at any optimisation level.  A C file that defines
 * GOCC_NO_FRESH_ERRNO before including this header keeps libc's macro, and
 * then reads errno after a switch point through gocc_errno_get(). */
#include <errno.h>

/* The current thread's errno, looked up afresh on every call. */
int *gocc_errno_location(void);
/* errno read and written through gocc_errno_location(). */
int gocc_errno_get(void);
void gocc_errno_set(int v);

#ifndef GOCC_NO_FRESH_ERRNO
#undef errno
#define errno (*gocc_errno_location())
#endif

/* ------------------------------------------- runtime entry points (macros) */

gocc_hchan *gocc_chan_make_(size_t elemsize, size_t elemalign, gocc_int64 n);
void gocc_chan_send_(gocc_hchan *c, const void *elem);
gocc_bool gocc_chan_recv_(gocc_hchan *c, void *elem);
void *gocc_chan_recvp_(gocc_hchan *c, void *elem);
void *gocc_chan_recv_release_(gocc_hchan *c, void *elem);
gocc_bool gocc_chan_trysend_(gocc_hchan *c, const void *elem);
gocc_bool gocc_chan_tryrecv_(gocc_hchan *c, void *elem, gocc_bool *ok);
void gocc_chan_close_(gocc_hchan *c);
int gocc_chan_len_(gocc_hchan *c);
int gocc_chan_cap_(gocc_hchan *c);
void gocc_chan_free_(gocc_hchan *c);
gocc_hchan *gocc_after_(gocc_int64 ms);
gocc_hchan *gocc_ready_(int fd, int events);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif /* GOCC_H */
