/*
 * files.c - the `gocc` driver's files: writing an output without harming
 * what was there, and removing gocc's own files at exit or on a signal.
 *
 * Writing.  An output whose target is a regular file or absent goes to a
 * new file ".<name>.gocc-XXXXXX" in the target's directory, which is
 * renamed over the target once it is complete: a failed write leaves the
 * old file as it was, and removes only the new one.  The new file takes
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
 * are never freed, pushed by the main thread with one atomic store, so the
 * signal handler can walk it at any moment, from whichever thread the
 * signal lands on (translation runs on a thread of its own): it passes the
 * signal on to the running $CC and waits for it (a second at most, then
 * SIGKILL), unlinks the tracked files and removes the tracked directories,
 * newest first, with async-signal-safe calls only, and dies of the same
 * signal by re-raising it with its default action.
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

void files_child(pid_t pid) { atomic_store(&child, (int)pid); }

/* stop_child: pass sig on to the child c and reap it, giving it a second
 * to clean up after itself before SIGKILL.  Async-signal-safe. */
static void stop_child(pid_t c, int sig) {
    kill(c, sig);
    struct timespec tick = {0, 10 * 1000 * 1000};
    for (int i = 0; i < 100; i++) {
        pid_t r = waitpid(c, NULL, WNOHANG);
        if (r > 0 || (r < 0 && errno != EINTR))
            return;
        nanosleep(&tick, NULL);
    }
    kill(c, SIGKILL);
    while (waitpid(c, NULL, 0) < 0 && errno == EINTR)
        ;
}

/* on_signal: stop the child, remove gocc's files, die of sig (the signal
 * is blocked while the handler runs and strikes when it returns). */
static void on_signal(int sig) {
    pid_t c = (pid_t)atomic_exchange(&child, 0);
    if (c > 0)
        stop_child(c, sig);
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

/* write_beside: buf into a new file beside target, renamed over it; old
 * the target's stat when it exists (its permissions and, where allowed,
 * owner are kept); final (may be NULL) the target's mark, tracked just
 * before the rename.  Returns 0; -1 with errno when no new file could be
 * made (nothing changed); 1 with errno when writing or renaming failed
 * (the new file removed, the target untouched). */
static int write_beside(const char *target, const char *buf, size_t len,
                        const struct stat *old, file_mark **final) {
    char *prefix = temp_prefix(target), *tmp;
    file_mark *m;
    int fd = create_tracked(prefix, false, &m, &tmp);
    free(prefix);
    if (fd < 0)
        return -1;
    int e = 0;
    if (old)   /* the old owner where allowed, else gocc's user stays */
        (void)!fchown(fd, old->st_uid, old->st_gid);
    if (fchmod(fd, old ? old->st_mode & 0777 : file_mode) != 0 ||
        !write_all(fd, buf, len))
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    if (!e && final)
        *final = files_track(target, false);
    if (!e && rename(tmp, target) != 0)
        e = errno;
    if (e) {
        unlink(tmp);
        if (final && *final)
            files_forget(*final), *final = NULL;
    }
    files_forget(m);
    free(tmp);
    errno = e;
    return e ? 1 : 0;
}

/* write_in_place: buf to the existing target, opened for writing (trunc:
 * emptied first).  Returns 0, or -1 with errno; removes nothing. */
static int write_in_place(const char *target, const char *buf, size_t len,
                          bool trunc) {
    int fd = open(target, O_WRONLY | O_CLOEXEC | (trunc ? O_TRUNC : 0));
    if (fd < 0)
        return -1;
    int e = write_all(fd, buf, len) ? 0 : errno;
    if (close(fd) != 0 && !e)
        e = errno;
    errno = e;
    return e ? -1 : 0;
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

/* write_target: write buf to target (links already followed).  Returns 0
 * or -1 with errno; nothing of the user's is removed either way. */
static int write_target(const char *target, const char *buf, size_t len) {
    struct stat st;
    bool exists = stat(target, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return -1;
    }
    if (exists && !S_ISREG(st.st_mode))   /* a FIFO, a device, a socket */
        return write_in_place(target, buf, len, false);
    if (exists && access(target, W_OK) != 0)   /* as cc: no replacing it */
        return -1;
    int rc = write_beside(target, buf, len, exists ? &st : NULL, NULL);
    if (rc < 0 && exists)   /* no room for a new name: cc writes in place */
        return write_in_place(target, buf, len, true);
    return rc ? -1 : 0;
}

int files_write(const char *path, const char *buf, size_t len) {
    char *target = resolve(path);
    int rc = target ? write_target(target, buf, len) : -1;
    if (rc != 0)
        fprintf(stderr, "gocc: error: cannot write %s: %s\n", path,
                strerror(errno));
    free(target);
    return rc ? 1 : 0;
}

int files_write_new(const char *path, const char *buf, size_t len,
                    bool keep) {
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return 2;
    file_mark *final = NULL;
    int rc = write_beside(path, buf, len, NULL, keep ? NULL : &final);
    if (rc < 0)
        return 2;
    if (rc > 0)
        fprintf(stderr, "gocc: error: cannot write %s: %s\n", path,
                strerror(errno));
    return rc;
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
