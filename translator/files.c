/*
 * files.c - the `gocc` driver's files: writing an output without harming
 * what was there, and removing gocc's own files at exit or on a signal.
 *
 * Writing.  An output is a stream (files_open): what is written to it goes
 * straight on to its destination, which is opened when the first byte
 * comes, and files_commit finishes it (files_abort drops it).  An output
 * whose target is a regular file or absent goes to a new file
 * ".<name>.gocc-XXXXXX" in the target's directory, which is renamed over
 * the target once it is complete: a failed write leaves the old file as it
 * was, and removes only the new one.  The new file takes
 * the old one's permissions (and owner, where allowed); a file the user
 * may not write is refused, as opening it would be.  A target that is a
 * FIFO, a character or block device or a socket is opened and written in
 * place (renaming a regular file over /dev/full would replace the device);
 * a failure there is reported and nothing is removed.  A symbolic link is
 * followed to the file it names, which is then treated as above; the link
 * itself stays (a dangling link gets its target created).  A regular
 * target whose directory admits no new file (a writable file in a
 * read-only directory) is rewritten in place, as cc would.
 *
 * Removing.  Every path gocc creates for itself (the private temporary
 * directory and its files, a translation next to an object, the new file
 * of a write in progress) is tracked in a list before it is created, and
 * only tracked paths are ever removed.  The list is a stack of nodes that
 * are never freed, pushed by one thread at a time (the main thread, or the
 * translation's thread, which writes the output, while the main thread
 * waits for it) with one atomic store, so the
 * signal handler can walk it at any moment, from whichever thread the
 * signal lands on (translation runs on a thread of its own): it passes the
 * signal on to the running $CC and waits for it (a second at most, then
 * SIGKILL), unlinks the tracked files and removes the tracked directories,
 * newest first, with async-signal-safe calls only, and dies of the same
 * signal by re-raising it with its default action.
 *
 * Whom the signal reaches.  $CC is a driver with children of its own (gcc
 * runs cc1, as, collect2, ld).  A signal sent to the driver alone kills it
 * but not them: gcc's driver removes its temporary files and dies, while
 * cc1 goes on compiling for as long as the file takes, an orphan, and may
 * then create the assembly file the driver has just removed.  So unless
 * gocc is the terminal's foreground job, $CC runs in a process group of its
 * own (main.c, spawn) and the signal goes to that whole group, as ninja
 * does with its commands.  The foreground job is the exception: there the
 * terminal itself signals every process of the job (^C, ^\, ^Z, hang-up),
 * and a $CC in another group would miss ^Z and be stopped by the terminal
 * when it reads from it (an input of "-") or, under `stty tostop`, writes
 * to it, with gocc waiting for ever.  (Rejected: making gocc a child
 * subreaper and signalling the orphans it inherits; Linux only, and it
 * cannot find them from a signal handler without /proc.)
 */
#define _GNU_SOURCE
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct file_mark {
    file_mark *next;
    char *path;
    bool dir;
    atomic_bool gone; /* forgotten: no longer removed */
};

static _Atomic(file_mark *) marks;
/* the running $CC, or 0; negated when it leads a process group of its
 * own (one word, so that the handler never sees half an update) */
static atomic_int child;
static mode_t file_mode = 0644; /* 0666 less the umask */

/* must: p, or exit(1) with a message (out of memory). */
static void *must(void *p) {
    if (!p) {
        fputs("gocc: error: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

/* ------------------------------------------------------------ tracking */

file_mark *files_track(const char *path, bool dir) {
    file_mark *m = must(calloc(1, sizeof *m));
    m->path = must(strdup(path));
    m->dir = dir;
    m->next = atomic_load(&marks);
    atomic_store(&marks, m);
    return m;
}

void files_forget(file_mark *m) {
    if (m)
        atomic_store(&m->gone, true);
}

void files_remove_all(void) {
    for (file_mark *m = atomic_load(&marks); m; m = m->next)
        if (!atomic_exchange(&m->gone, true))
            (void)(m->dir ? rmdir(m->path) : unlink(m->path));
}

/* --------------------------------------------------------------- signals */

void files_child(pid_t pid, bool group) {
    atomic_store(&child, group ? -(int)pid : (int)pid);
}

/* stop_child: pass sig on to `to` (a child's pid, or minus the process
 * group it leads), reap the child, giving it a second to clean up after
 * itself before SIGKILL.  Async-signal-safe. */
static void stop_child(pid_t to, int sig) {
    pid_t c = to < 0 ? -to : to;
    kill(to, sig);
    struct timespec tick = {0, 10 * 1000 * 1000};
    for (int i = 0; i < 100; i++) {
        pid_t r = waitpid(c, NULL, WNOHANG);
        if (r > 0 || (r < 0 && errno != EINTR))
            return;
        nanosleep(&tick, NULL);
    }
    kill(to, SIGKILL);
    while (waitpid(c, NULL, 0) < 0 && errno == EINTR)
        ;
}

/* on_signal: stop the child, remove gocc's files, die of sig (the signal
 * is blocked while the handler runs and strikes when it returns). */
static void on_signal(int sig) {
    pid_t to = (pid_t)atomic_exchange(&child, 0);
    if (to != 0)
        stop_child(to, sig);
    files_remove_all();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
    raise(sig);
}

static const int SIGNALS[] = {SIGINT, SIGTERM, SIGHUP};
enum { NSIGNALS = sizeof SIGNALS / sizeof *SIGNALS };

void files_init(void) {
    mode_t um = umask(022);
    umask(um);
    file_mode = 0666 & ~um;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < NSIGNALS; i++)
        sigaddset(&sa.sa_mask, SIGNALS[i]);
    for (int i = 0; i < NSIGNALS; i++)   /* an ignored signal stays so */
        if (sigaction(SIGNALS[i], NULL, &old) == 0 &&
            old.sa_handler != SIG_IGN)
            sigaction(SIGNALS[i], &sa, NULL);
}

/* ------------------------------------------------------ creating files */

/* fill_random: replace the last six characters of s by letters and digits
 * that differ from call to call. */
static void fill_random(char *s) {
    static const char abc[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    static unsigned counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t v = (uint64_t)ts.tv_nsec * 2654435761u ^
                 (uint64_t)getpid() << 20 ^ (uint64_t)ts.tv_sec ^
                 (uint64_t)++counter * 0x9e3779b97f4a7c15u;
    char *p = s + strlen(s) - 6;
    for (int i = 0; i < 6; i++, v /= 36)
        p[i] = abc[v % 36];
}

/* create_tracked: a new file (fd returned) or directory (0 returned) named
 * prefix + six random characters, tracked before it exists; *m its mark,
 * *path its name (malloc'ed).  -1 with errno if none can be made. */
static int create_tracked(const char *prefix, bool dir, file_mark **m,
                          char **path) {
    size_t n = strlen(prefix);
    char *p = must(malloc(n + 7));
    for (int tries = 0; tries < 100; tries++) {
        memcpy(p, prefix, n);
        strcpy(p + n, "XXXXXX");
        fill_random(p);
        *m = files_track(p, dir);
        int fd = dir ? mkdir(p, 0700)
                     : open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            *path = p;
            return fd;
        }
        int e = errno;
        files_forget(*m);
        errno = e;
        if (e != EEXIST)
            break;
    }
    free(p);
    return -1;
}

char *files_mkdtemp(const char *prefix, bool keep) {
    file_mark *m;
    char *path;
    if (create_tracked(prefix, true, &m, &path) < 0)
        return NULL;
    if (keep)
        files_forget(m);
    return path;
}

/* ------------------------------------------------------------- writing */

/* An output in progress.  Its destination is stdout or files_open_new's
 * new file, opened at once, or files_open's, opened by out_open at the
 * first byte written (or at files_commit), so that a translation that
 * fails makes nothing and opens no FIFO. */
struct files_out {
    FILE *f;             /* the caller's stream: writes go to out_write */
    char *path;          /* NULL: stdout */
    char *target;        /* path with its links followed, once opened */
    int fd;              /* the destination, -1 before out_open */
    bool opened, own_fd; /* own_fd: fd is closed at the end */
    bool is_new, keep;   /* files_open_new's file; keep: not removed */
    bool aborted;        /* files_abort: writes are dropped */
    char *tmp;           /* the new file beside the target, or NULL */
    file_mark *tmp_mark;
    int err;             /* the first error (an errno value), 0: none */
};

/* write_all: all of buf to fd; false with errno on failure. */
static bool write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t k = write(fd, buf, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        buf += k;
        len -= (size_t)k;
    }
    return true;
}

/* temp_prefix: "<dir of target>/.<name>.gocc-" (the name cut to 64
 * bytes, so that the new file's name fits where the target's does). */
static char *temp_prefix(const char *target) {
    const char *slash = strrchr(target, '/');
    const char *name = slash ? slash + 1 : target;
    int dirlen = slash ? (int)(slash - target) + 1 : 0;
    char *p = NULL;
    if (asprintf(&p, "%.*s.%.64s.gocc-", dirlen, target, name) < 0)
        p = NULL;
    return must(p);
}

/* open_beside: make o's new file beside o->target (tracked), with old's
 * permissions and, where allowed, owner (old: the target's stat, NULL
 * when it does not exist).  Returns 0 with o->fd and o->tmp set (a chmod
 * that failed is in o->err), or -1 with errno when no file could be made
 * (o unchanged). */
static int open_beside(files_out *o, const struct stat *old) {
    char *prefix = temp_prefix(o->target);
    int fd = create_tracked(prefix, false, &o->tmp_mark, &o->tmp);
    int e = errno;
    free(prefix);
    if (fd < 0) {
        errno = e;
        return -1;
    }
    o->fd = fd;
    o->own_fd = true;
    if (old)   /* the old owner where allowed, else gocc's user stays */
        (void)!fchown(fd, old->st_uid, old->st_gid);
    if (fchmod(fd, old ? old->st_mode & 0777 : file_mode) != 0)
        o->err = errno;
    return 0;
}

/* resolve: path with its symbolic links followed (the last component,
 * again and again, as open does), malloc'ed; NULL with ELOOP after 40. */
static char *resolve(const char *path) {
    char *p = must(strdup(path));
    for (int hops = 0; hops < 40; hops++) {
        struct stat st;
        char buf[PATH_MAX];
        ssize_t n;
        if (lstat(p, &st) != 0 || !S_ISLNK(st.st_mode) ||
            (n = readlink(p, buf, sizeof buf - 1)) < 0)
            return p;
        buf[n] = 0;
        const char *slash = strrchr(p, '/');
        char *next = NULL;
        if (buf[0] == '/' || !slash)
            next = must(strdup(buf));
        else if (asprintf(&next, "%.*s/%s", (int)(slash - p), p, buf) < 0)
            next = must(NULL);
        free(p);
        p = next;
    }
    free(p);
    errno = ELOOP;
    return NULL;
}

/* out_open: open files_open's destination (links followed): a new file
 * beside a regular or absent target; a FIFO, a device or a socket in
 * place; a regular file whose directory admits no new file in place,
 * emptied (as cc would).  A directory, an unwritable file or a failure
 * is o->err; nothing of the user's is changed yet. */
static void out_open(files_out *o) {
    struct stat st;
    o->opened = true;
    if (!(o->target = resolve(o->path))) {
        o->err = errno;
        return;
    }
    bool exists = stat(o->target, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        o->err = EISDIR;
        return;
    }
    bool regular = !exists || S_ISREG(st.st_mode);
    if (regular && exists && access(o->target, W_OK) != 0) {
        o->err = errno;   /* as cc: no replacing it */
        return;
    }
    if (regular) {
        if (open_beside(o, exists ? &st : NULL) == 0)
            return;
        if (!exists) {
            o->err = errno;
            return;
        }
    }
    /* a FIFO, a device, a socket; or no room for a new name */
    o->fd = open(o->target, O_WRONLY | O_CLOEXEC | (regular ? O_TRUNC : 0));
    o->own_fd = o->fd >= 0;
    if (o->fd < 0)
        o->err = errno;
}

/* out_write (the stream's cookie write): buf to o's destination, opened
 * on the first call.  An error is kept in o->err (and later bytes are
 * dropped), for files_commit to report: the stream itself never fails. */
static ssize_t out_write(void *cookie, const char *buf, size_t n) {
    files_out *o = cookie;
    if (!o->opened && !o->aborted)
        out_open(o);
    if (!o->err && !o->aborted && !write_all(o->fd, buf, n))
        o->err = errno;
    return (ssize_t)n;
}

/* new_out: an output to path (NULL: stdout) whose stream writes through
 * out_write. */
static files_out *new_out(const char *path) {
    files_out *o = must(calloc(1, sizeof *o));
    o->fd = -1;
    o->path = path ? must(strdup(path)) : NULL;
    cookie_io_functions_t io = {.write = out_write};
    o->f = must(fopencookie(o, "w", io));
    return o;
}

files_out *files_open(const char *path) {
    if (strcmp(path, "-"))
        return new_out(path);
    files_out *o = new_out(NULL);
    fflush(stdout);   /* what it holds comes first */
    o->fd = STDOUT_FILENO;
    o->opened = true;
    return o;
}

files_out *files_open_new(const char *path, bool keep) {
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return NULL;
    files_out *o = new_out(path);
    o->target = must(strdup(path));
    o->opened = o->is_new = true;
    o->keep = keep;
    if (open_beside(o, NULL) == 0)
        return o;
    o->aborted = true;
    files_abort(o);
    return NULL;
}

FILE *files_stream(files_out *o) { return o->f; }

/* out_end: close o's stream and destination; with rename, move the new
 * file (if any) over the target; on an error or without rename, remove
 * it.  Frees o; returns the first error (an errno value) or 0. */
static int out_end(files_out *o, bool rename_it) {
    if (fclose(o->f) != 0 && !o->err && !o->aborted)
        o->err = errno;
    if (!o->opened && !o->aborted)   /* nothing written: an empty file */
        out_open(o);
    int e = o->err;
    if (o->own_fd && close(o->fd) != 0 && !e)
        e = errno;
    file_mark *final = NULL;
    if (o->tmp && !e && rename_it) {
        if (o->is_new && !o->keep)   /* gocc's own: removed at exit */
            final = files_track(o->target, false);
        if (rename(o->tmp, o->target) != 0)
            e = errno;
    }
    if (o->tmp && (e || !rename_it)) {
        unlink(o->tmp);
        files_forget(final);
    }
    files_forget(o->tmp_mark);
    free(o->tmp);
    free(o->target);
    free(o->path);
    free(o);
    return e;
}

int files_commit(files_out *o) {
    char *name = must(strdup(o->path ? o->path : "stdout"));
    int e = out_end(o, true);
    if (e)
        fprintf(stderr, "gocc: error: cannot write %s: %s\n", name,
                strerror(e));
    free(name);
    return e ? 1 : 0;
}

void files_abort(files_out *o) {
    o->aborted = true;   /* what the stream still holds is dropped */
    out_end(o, false);
}

int files_write(const char *path, const char *buf, size_t len) {
    files_out *o = files_open(path);
    fwrite(buf, 1, len, o->f);
    return files_commit(o);
}

/* ------------------------------------------------------------ questions */

bool files_same(const char *a, const char *b) {
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && S_ISREG(sa.st_mode) &&
           S_ISREG(sb.st_mode) && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

bool files_is_regular_or_absent(const char *path) {
    struct stat st;
    if (stat(path, &st) == 0)
        return S_ISREG(st.st_mode);
    return errno == ENOENT;
}
