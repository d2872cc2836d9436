/*
 * files.h - how the `gocc` driver writes its outputs and removes its
 * temporary files, so that it never harms a file of the user's.
 *
 * An output goes to a new file beside its target and is renamed over it
 * only when the target is a regular file or absent; a device or FIFO is
 * written in place; a symbolic link is followed and kept.  Nothing is ever
 * removed that gocc did not create in this run: every such path is tracked
 * here, and the tracked paths are removed at exit and, from a signal
 * handler, on SIGINT, SIGTERM and SIGHUP, after which gocc dies of the
 * signal (see files.c).
 */
#ifndef GOCC_FILES_H
#define GOCC_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

typedef struct file_mark file_mark;

/* files_init: read the umask and install the signal handlers.  Call once,
 * first thing in main. */
void files_init(void);

/* files_track: remove path (a file, or with dir an empty directory) at
 * exit and on a signal, until files_forget.  path is copied. */
file_mark *files_track(const char *path, bool dir);
void files_forget(file_mark *m);

/* files_remove_all: remove every tracked path, newest first (a directory's
 * files before it).  Async-signal-safe. */
void files_remove_all(void);

/* files_mkdtemp: a new directory "<prefix>XXXXXX" (mode 0700), tracked
 * unless keep; its path (malloc'ed), or NULL with errno set. */
char *files_mkdtemp(const char *prefix, bool keep);

/* files_child: the running child (a $CC command), or 0 once it ended;
 * group: it leads a process group of its own.  A signal is passed on to it
 * (to its whole group with group) and gocc waits for it before dying. */
void files_child(pid_t pid, bool group);

/* An output in progress: a stream whose bytes go straight on to their
 * destination (nothing is held in memory), finished by files_commit or
 * files_abort. */
typedef struct files_out files_out;

/* files_open: an output to path, or to stdout for "-".  Nothing is opened
 * or created before the first byte is written (or files_commit): then a
 * new file beside path is made (tracked) when path is, or its link
 * resolves to, a regular file or nothing, and renamed over it by
 * files_commit; a device or FIFO is opened and written in place. */
files_out *files_open(const char *path);

/* files_open_new: an output to path, which must be a regular file or
 * absent, as gocc's own file (removed at exit unless keep); its new file
 * beside path is made at once.  NULL, silently, when path is something
 * else or no file can be made in its directory (the caller then writes
 * elsewhere). */
files_out *files_open_new(const char *path, bool keep);

/* files_stream: the stream to write o's bytes to (its write errors are
 * o's, reported by files_commit: the stream itself never fails). */
FILE *files_stream(files_out *o);

/* files_commit: finish o (freed): flush it and put the new file in
 * place.  Returns 0, or 1 after a message "gocc: error: cannot write
 * PATH: REASON" (or "stdout") when some write, the close or the rename
 * failed; then the new file is removed and what was at path stays as it
 * was (a device or FIFO may have been written to). */
int files_commit(files_out *o);

/* files_abort: drop o (freed): its new file, if one was made, is removed;
 * what the stream still holds is not written. */
void files_abort(files_out *o);

/* files_write: write len bytes of buf to path as files_open and
 * files_commit do.  Returns 0, or 1 after a message. */
int files_write(const char *path, const char *buf, size_t len);

/* files_same: whether a and b are one regular file (the same device and
 * inode, symbolic links followed): a hard link or a symbolic link to the
 * other counts; two names for a device do not. */
bool files_same(const char *a, const char *b);

/* files_is_regular_or_absent: path (links followed) is a regular file or
 * does not exist. */
bool files_is_regular_or_absent(const char *path);

#endif
