/*
 * test_driver_hazards.c - the `gocc` command never harms the user's files
 * and reports positions right (issue 13), run as a child process:
 *
 *   - an output through a symbolic link (the link kept), into a FIFO
 *     (written in place), a write that fails on a FIFO, on a device that
 *     is full or on a regular file (RLIMIT_FSIZE), also into the -c
 *     translation: nothing removed, the old file intact, no temporary file
 *     left; a read-only directory (not as root);
 *   - `x.o.gc.c` beside an object that gocc did not write stays;
 *   - an input that is also the -o file (same path, a symbolic or hard
 *     link) is refused as gcc refuses it;
 *   - SIGINT and SIGTERM during a long translation, or while $CC runs,
 *     stop gocc at once: it dies of the signal, $CC is gone, its own
 *     children too (the signal goes to $CC's process group), and the
 *     temporary directory too; $CC shares gocc's process group only when
 *     gocc is the foreground job of a terminal (a pseudo-terminal here);
 *   - diagnostics: a NUL byte, CR-only and CRLF line endings leave the
 *     line, column and quoted line right; a file name with a newline,
 *     quotes, backslashes, control bytes and "??" reaches the compiler
 *     through `#line` intact (__FILE__) and is printed plainly.
 *
 * Nothing here touches a real device node: FIFOs, links and (as root) a
 * device node of /dev/full's numbers live in the test's own directory.  The binary and $CC as in test_driver.c.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <poll.h>
#include <pty.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "support.h"

static char dir[] = "/tmp/gocc-hazards-XXXXXX";

#include "driver_support.h"

static void assert_status(child_result *r, int status) {
    if (!r->exited || r->status != status)
        print_child(r);
    assert_true(r->exited);
    assert_int_equal(r->status, status);
}

/* assert_no_temp_left: no ".gocc-" file (a write's new file) in dir d. */
static void assert_no_temp_left(const char *d) {
    DIR *dp = opendir(d);
    assert_non_null(dp);
    for (struct dirent *e; (e = readdir(dp));)
        if (strstr(e->d_name, ".gocc-")) {
            print_message("left behind: %s/%s\n", d, e->d_name);
            fail();
        }
    closedir(dp);
}

static bool is_kind(const char *path, mode_t kind) {
    struct stat st;
    return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == kind;
}

static const char HI_GC[] = "#include <stdio.h>\n"
                            "int main(void) {\n"
                            "    chan<int> c = make(chan<int>, 1);\n"
                            "    c <- 7;\n"
                            "    printf(\"%d\\n\", <-c);\n"
                            "    return 0;\n"
                            "}\n";

/* big.gc: HI_GC behind a comment of 200 KB, so that its translation is
 * more than a pipe or a small RLIMIT_FSIZE holds. */
static void write_big(void) {
    size_t n = 200000;
    char *b = malloc(n + sizeof HI_GC + 8);
    assert_non_null(b);
    memcpy(b, "/*", 2);
    memset(b + 2, 'x', n);
    strcpy(b + 2 + n, "*/\n");
    strcat(b, HI_GC);
    write_file("big.gc", b);
    free(b);
}

/* chain.gc: an else-if chain of 200,000 channel sends: a second of
 * translation (the libclang pass answers every send), then minutes of
 * compiling. */
static void write_chain(void) {
    FILE *f = fopen(path_in("chain.gc"), "w");
    assert_non_null(f);
    fputs("int f(int x, chan<int> c) {\n    if (x == 0) c <- 0;\n", f);
    for (int i = 1; i < 200000; i++)
        fprintf(f, "    else if (x == %d) c <- %d;\n", i, i);
    fputs("    return -1;\n}\n"
          "int main(void) { return f(3, make(chan<int>, 1)); }\n", f);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **s) {
    (void)s;
    int r = scratch_begin();
    if (r <= 0)
        return r;
    write_file("hi.gc", HI_GC);
    write_file("bad.gc", "void f(void) { chan<int> c = make(chan<int>,); }\n");
    write_big();
    return 0;
}

/* In the TSan build the gocc command itself is built with TSan, whose
 * runtime defers a signal's handler until the thread next enters a call
 * TSan intercepts (a driver blocked in waitpid or busy in libclang acts
 * seconds late) and dies of SIGBUS under a small RLIMIT_FSIZE.  Those
 * checks are about the command, which no user runs under TSan: they run
 * in the other configurations. */
#ifdef GOCC_TEST_TSAN
#define NOT_UNDER_TSAN()                                                      \
    do {                                                                      \
        print_message("the gocc command under TSan: skipped\n");             \
        skip();                                                               \
    } while (0)
#else
#define NOT_UNDER_TSAN() ((void)0)
#endif

/* ------------------------------------------------------------- outputs */

/* A link to a regular file: the file gets the output (its mode kept), the
 * link stays; a dangling link gets its target made. */
static void test_output_through_symlink(void **s) {
    (void)s;
    NEED_BIN();
    write_file("real.c", "old\n");
    assert_int_equal(chmod(path_in("real.c"), 0640), 0);
    assert_int_equal(symlink("real.c", path_in("link.c")), 0);
    child_result *r = gocc("-T", path_in("hi.gc"), "-o", path_in("link.c"));
    assert_status(r, 0);
    free(r);
    assert_true(is_kind(path_in("link.c"), S_IFLNK));
    assert_non_null(strstr(read_file(path_in("real.c")), "gocc_send"));
    struct stat st;
    assert_int_equal(stat(path_in("real.c"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);

    assert_int_equal(symlink("made.c", path_in("dangling.c")), 0);
    r = gocc("-T", path_in("hi.gc"), "-o", path_in("dangling.c"));
    assert_status(r, 0);
    free(r);
    assert_true(is_kind(path_in("dangling.c"), S_IFLNK));
    assert_non_null(strstr(read_file(path_in("made.c")), "gocc_send"));
    assert_no_temp_left(dir);
}

/* fifo_reader: a child that opens fifo and copies what it reads to the
 * file sink; with sink NULL it reads one byte (gocc is writing) and
 * closes, so that the rest of the write fails with EPIPE. */
static pid_t fifo_reader(const char *fifo, const char *sink) {
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid > 0)
        return pid;
    int fd = open(fifo, O_RDONLY);
    char buf[4096];
    if (!sink) {
        (void)!read(fd, buf, 1);
        _exit(0);
    }
    FILE *f = fopen(sink, "w");
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
        fwrite(buf, 1, (size_t)n, f);
    fclose(f);
    _exit(0);
}

/* A FIFO is written in place; when its reader goes away (as /dev/full
 * fails), the error is reported and neither the FIFO nor the link to it
 * is removed. */
static void test_output_to_fifo(void **s) {
    (void)s;
    NEED_BIN();
    assert_int_equal(mkfifo(path_in("ff"), 0600), 0);
    pid_t rd = fifo_reader(path_in("ff"), path_in("ff_got"));
    child_result *r = gocc("-T", path_in("hi.gc"), "-o", path_in("ff"));
    assert_status(r, 0);
    free(r);
    assert_int_equal(waitpid(rd, NULL, 0), rd);
    assert_true(is_kind(path_in("ff"), S_IFIFO));
    assert_non_null(strstr(read_file(path_in("ff_got")), "gocc_send"));

    assert_int_equal(symlink("ff", path_in("lf")), 0);
    rd = fifo_reader(path_in("ff"), NULL);
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);   /* gocc inherits it */
    r = gocc("-T", path_in("big.gc"), "-o", path_in("lf"));
    signal(SIGPIPE, old);
    assert_status(r, 1);
    assert_non_null(strstr(r->err, "gocc: error: cannot write "));
    free(r);
    assert_int_equal(waitpid(rd, NULL, 0), rd);
    assert_true(is_kind(path_in("lf"), S_IFLNK));
    assert_true(is_kind(path_in("ff"), S_IFIFO));
    assert_no_temp_left(dir);
}

/* A character device that fails every write (a private node for
 * /dev/full's numbers, made in the test's directory, where root may make
 * one): the error is reported and the node stays. */
static void test_output_to_full_device(void **s) {
    (void)s;
    NEED_BIN();
    if (mknod(path_in("full"), S_IFCHR | 0600, makedev(1, 7)) != 0) {
        print_message("cannot make a device node here: skipped\n");
        skip();
    }
    child_result *r = gocc("-T", path_in("hi.gc"), "-o", path_in("full"));
    assert_status(r, 1);
    assert_non_null(strstr(r->err, "No space left on device"));
    free(r);
    assert_true(is_kind(path_in("full"), S_IFCHR));
    assert_int_equal(unlink(path_in("full")), 0);
    assert_no_temp_left(dir);
}

/* gocc_fsize: gocc args... under `ulimit -f 8` (a write past 4 KiB fails
 * with EFBIG, SIGXFSZ ignored). */
static child_result *gocc_fsize(const char *a, const char *b, const char *c,
                                const char *d) {
    static char cc[512];
    snprintf(cc, sizeof cc, "CC=%s", GOCC_C_COMPILER);
    char *env[] = {cc, NULL};
    char *argv[] = {"/bin/sh", "-c",
                    "trap '' XFSZ; ulimit -f 8; exec \"$0\" \"$@\"",
                    (char *)bin, (char *)a, (char *)b, (char *)c, (char *)d,
                    NULL};
    return run_child(argv, env, TIMEOUT_S);
}

/* A write that fails half way (while the translation streams out) leaves
 * the old file as it was (it was removed before), and no new file where
 * there was none. */
static void test_failed_write_keeps_old_file(void **s) {
    (void)s;
    NEED_BIN();
    NOT_UNDER_TSAN();
    write_file("keep.c", "old\n");
    child_result *r = gocc_fsize("-T", path_in("big.gc"), "-o",
                                 path_in("keep.c"));
    assert_status(r, 1);
    assert_non_null(strstr(r->err, "gocc: error: cannot write "));
    free(r);
    assert_string_equal(read_file(path_in("keep.c")), "old\n");
    r = gocc_fsize("-T", path_in("big.gc"), "-o", path_in("none.c"));
    assert_status(r, 1);
    free(r);
    assert_int_equal(access(path_in("none.c"), F_OK), -1);
    assert_no_temp_left(dir);
}

/* A write that fails while the translation streams out (big.gc's is over
 * the 64 KiB the translator holds) into the -c translation x.o.gc.c: the
 * error is reported and nothing is left, no x.o.gc.c, no object, no new
 * file. */
static void test_failed_stream_compile(void **s) {
    (void)s;
    NEED_BIN();
    NOT_UNDER_TSAN();
    child_result *r = gocc_fsize("-c", path_in("big.gc"), "-o",
                                 path_in("big.o"));
    assert_status(r, 1);
    assert_non_null(strstr(r->err, "gocc: error: cannot write "));
    assert_non_null(strstr(r->err, "big.o.gc.c: File too large"));
    free(r);
    assert_int_equal(access(path_in("big.o.gc.c"), F_OK), -1);
    assert_int_equal(access(path_in("big.o"), F_OK), -1);
    assert_no_temp_left(dir);
}

/* A read-only directory: no new file (Permission denied), but a writable
 * file in it is rewritten in place, as cc would.  Root ignores modes. */
static void test_read_only_dir(void **s) {
    (void)s;
    NEED_BIN();
    if (geteuid() == 0) {
        print_message("as root, directory modes do not stop writes: "
                      "skipped\n");
        skip();
    }
    assert_int_equal(mkdir(path_in("ro"), 0755), 0);
    write_file("ro/inplace.c", "old\n");
    assert_int_equal(chmod(path_in("ro"), 0555), 0);
    child_result *r = gocc("-T", path_in("hi.gc"), "-o", path_in("ro/new.c"));
    assert_status(r, 1);
    assert_non_null(strstr(r->err, "Permission denied"));
    free(r);
    r = gocc("-T", path_in("hi.gc"), "-o", path_in("ro/inplace.c"));
    assert_status(r, 0);
    free(r);
    assert_non_null(strstr(read_file(path_in("ro/inplace.c")), "gocc_send"));
    assert_no_temp_left(path_in("ro"));
    assert_int_equal(chmod(path_in("ro"), 0755), 0);
}

/* With -c the translation goes to x.o.gc.c and is removed after: only
 * when gocc wrote it.  A failed translation leaves such a file alone. */
static void test_compile_keeps_others_files(void **s) {
    (void)s;
    NEED_BIN();
    write_file("mine.o.gc.c", "mine\n");
    child_result *r = gocc("-c", path_in("bad.gc"), "-o", path_in("mine.o"));
    assert_status(r, 1);
    free(r);
    assert_string_equal(read_file(path_in("mine.o.gc.c")), "mine\n");
    r = gocc("-c", path_in("hi.gc"), "-o", path_in("hi.o"));
    assert_status(r, 0);
    free(r);
    assert_true(is_kind(path_in("hi.o"), S_IFREG));
    assert_int_equal(access(path_in("hi.o.gc.c"), F_OK), -1);
    assert_no_temp_left(dir);
}

/* ------------------------------------------------------ input == output */

static void expect_same(const char *input, const char *mode, const char *out) {
    child_result *r = mode ? gocc(mode, input, "-o", out)
                           : gocc(input, "-o", out);
    assert_status(r, 1);
    char want[700];
    snprintf(want, sizeof want,
             "gocc: error: input file '%s' is the same as output file\n",
             input);
    assert_string_equal(r->err, want);
    free(r);
    assert_string_equal(read_file(path_in("same.gc")), HI_GC);
}

/* gocc -T x.gc -o x.gc, gocc x.gc -o x.gc, gocc -c ..., also through a
 * symbolic link, a hard link and another spelling: refused, source kept. */
static void test_input_is_output(void **s) {
    (void)s;
    NEED_BIN();
    write_file("same.gc", HI_GC);
    assert_int_equal(symlink("same.gc", path_in("same_sym.c")), 0);
    assert_int_equal(link(path_in("same.gc"), path_in("same_hard.c")), 0);
    const char *in = path_in("same.gc");
    expect_same(in, "-T", in);
    expect_same(in, NULL, in);
    expect_same(in, "-c", in);
    expect_same(in, "-S", in);
    expect_same(in, "-T", path_in("same_sym.c"));
    expect_same(in, NULL, path_in("same_hard.c"));
    expect_same(path_in("./same.gc"), "-T", in);
}

/* ---------------------------------------------------------------- signals */

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sleep_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) != 0)
        ;
}

/* spawn_gocc: start gocc with TMPDIR=tmp and CC=cc (the build's compiler
 * if NULL), output to /dev/null; its pid. */
static pid_t spawn_gocc(const char *tmp, const char *cc, char *const *args) {
    char *argv[MAX_ARGS];
    int n = 0;
    argv[n++] = (char *)bin;
    for (; *args && n < MAX_ARGS - 1; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setsid();   /* no controlling terminal, whoever runs the test */
        int fd = open("/dev/null", O_WRONLY);
        dup2(fd, 1), dup2(fd, 2);
        setenv("TMPDIR", tmp, 1);
        setenv("CC", cc ? cc : GOCC_C_COMPILER, 1);
        signal(SIGINT, SIG_DFL);
        execv(bin, argv);
        _exit(127);
    }
    return pid;
}

static void list_entries(const char *d);
static bool gone(long pid);

/* expect_prompt_death: send sig to running gocc pid; it must die of sig
 * within 2 s and leave tmp empty.  False (skip) when gocc had already
 * finished, the work being too quick to interrupt. */
static bool expect_prompt_death(pid_t pid, int sig, const char *tmp) {
    int st;
    if (waitpid(pid, &st, WNOHANG) == pid) {
        print_message("gocc ended before signal %d: not checked\n", sig);
        return false;
    }
    double t0 = now_s();
    assert_int_equal(kill(pid, sig), 0);
    pid_t w = 0;
    while ((w = waitpid(pid, &st, WNOHANG)) == 0 && now_s() - t0 < 10)
        sleep_ms(10);
    double took = now_s() - t0;
    if (w == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
    }
    print_message("signal %d: gocc gone after %.3f s\n", sig, took);
    assert_int_equal(w, pid);
    assert_true(took < 2.0);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), sig);
    list_entries(tmp);
    assert_int_equal(rmdir(tmp), 0);   /* empty: nothing left */
    return true;
}

/* list_entries: print what directory d holds (what a failed rmdir left). */
static void list_entries(const char *d) {
    DIR *dp = opendir(d);
    assert_non_null(dp);
    for (struct dirent *e; (e = readdir(dp));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            print_message("left in %s: %s\n", d, e->d_name);
    closedir(dp);
}

/* gone: process pid has ended (it is no more, or a zombie that its new
 * parent has not reaped yet), within 2 s. */
static bool gone(long pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    for (int i = 0; i < 200; i++, sleep_ms(10)) {
        const char *st = read_file(path);
        const char *paren = strrchr(st, ')');
        if (!*st || (paren && paren[1] == ' ' && paren[2] == 'Z'))
            return true;
    }
    return false;
}

static void wait_for_entry(const char *d);

/* SIGINT and SIGTERM in the middle of a long translation ($CC, which
 * notes that it ran, should not have started). */
static void test_signal_during_translation(void **s) {
    (void)s;
    NEED_BIN();
    NOT_UNDER_TSAN();
    write_chain();
    char script[700];
    snprintf(script, sizeof script, "#!/bin/sh\necho ran > '%s'\nexec %s \"$@\"\n",
             path_in("cc_ran"), GOCC_C_COMPILER);
    write_file("mark_cc.sh", script);
    assert_int_equal(chmod(path_in("mark_cc.sh"), 0755), 0);
    static const int sigs[] = {SIGINT, SIGTERM};
    int checked = 0;
    for (int i = 0; i < 2; i++) {
        char tmp[512];
        snprintf(tmp, sizeof tmp, "%s", path_in(i ? "tmp_term" : "tmp_int"));
        assert_int_equal(mkdir(tmp, 0700), 0);
        char *args[] = {(char *)path_in("chain.gc"), "-o",
                        (char *)path_in("chain"), NULL};
        unlink(path_in("cc_ran"));
        pid_t pid = spawn_gocc(tmp, path_in("mark_cc.sh"), args);
        wait_for_entry(tmp);   /* gocc's private directory: it has begun */
        sleep_ms(100);
        checked += expect_prompt_death(pid, sigs[i], tmp);
        if (*read_file(path_in("cc_ran")))
            print_message("the signal came after the translation\n");
    }
    if (!checked)
        skip();
}

/* wait_for_entry: until directory d holds something (5 s at most). */
static void wait_for_entry(const char *d) {
    for (int i = 0; i < 1000; i++, sleep_ms(5)) {
        DIR *dp = opendir(d);
        assert_non_null(dp);
        int n = 0;
        while (readdir(dp))
            n++;
        closedir(dp);
        if (n > 2)
            return;
    }
}

/* A translation that waits for ever (the input is a FIFO no one writes):
 * the signal comes while the translator's thread is blocked. */
static void test_signal_while_reading_input(void **s) {
    (void)s;
    NEED_BIN();
    assert_int_equal(mkfifo(path_in("wait.gc"), 0600), 0);
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", path_in("tmp_fifo"));
    assert_int_equal(mkdir(tmp, 0700), 0);
    char *args[] = {(char *)path_in("wait.gc"), "-o", (char *)path_in("w"),
                    NULL};
    pid_t pid = spawn_gocc(tmp, NULL, args);
    sleep_ms(500);
    assert_true(expect_prompt_death(pid, SIGTERM, tmp));
}

/* While $CC runs: the signal is passed on to $CC and to the child it
 * runs (as gcc runs cc1), $CC is reaped, gocc dies of it and its files
 * go.  The child is no background job, which sh would make deaf to
 * SIGINT. */
static void test_signal_while_cc_runs(void **s) {
    (void)s;
    NEED_BIN();
    NOT_UNDER_TSAN();
    char script[900];
    snprintf(script, sizeof script,
             "#!/bin/sh\necho $$ > '%s'\n"
             "sh -c 'echo $$ > \"$0\"; exec sleep 30' '%s'\n",
             path_in("cc_pid"), path_in("cc1_pid"));
    write_file("slow_cc.sh", script);
    assert_int_equal(chmod(path_in("slow_cc.sh"), 0755), 0);
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", path_in("tmp_cc"));
    assert_int_equal(mkdir(tmp, 0700), 0);
    char *args[] = {(char *)path_in("hi.gc"), "-o", (char *)path_in("hi"),
                    NULL};
    pid_t pid = spawn_gocc(tmp, path_in("slow_cc.sh"), args);
    for (int i = 0; i < 500 && !*read_file(path_in("cc1_pid")); i++)
        sleep_ms(20);
    long cc = atol(read_file(path_in("cc_pid")));
    long cc1 = atol(read_file(path_in("cc1_pid")));
    assert_true(cc > 0 && cc1 > 0);
    assert_true(expect_prompt_death(pid, SIGINT, tmp));
    assert_int_equal(kill((pid_t)cc, 0), -1);   /* reaped: gone */
    assert_true(gone(cc1));                     /* not left running */
}

/* cc_group_of: run gocc -c hi.gc with $CC a script that notes its pid and
 * process group, in a new session: with tty, as the foreground job of a
 * pseudo-terminal, else with no terminal.  Sets *gocc_pid, *cc and
 * *group; false when no pseudo-terminal can be had. */
static bool cc_group_of(bool tty, long *gocc_pid, long *cc, long *group) {
    char script[700];
    snprintf(script, sizeof script,
             "#!/bin/sh\nset -- $(cat /proc/$$/stat)\necho \"$1 $5\" > '%s'\n",
             path_in("pg"));
    write_file("pg_cc.sh", script);
    assert_int_equal(chmod(path_in("pg_cc.sh"), 0755), 0);
    write_file("pg", "");
    char *args[] = {"-c", (char *)path_in("hi.gc"), "-o",
                    (char *)path_in("pg.o"), NULL};
    pid_t pid;
    int m = -1;
    if (!tty) {
        pid = spawn_gocc(dir, path_in("pg_cc.sh"), args);
    } else {
        pid = forkpty(&m, NULL, NULL, NULL);
        if (pid < 0) {
            print_message("no pseudo-terminal (%s)\n", strerror(errno));
            return false;
        }
        if (pid == 0) {
            setenv("TMPDIR", dir, 1);
            setenv("CC", path_in("pg_cc.sh"), 1);
            char *argv[] = {(char *)bin, args[0], args[1], args[2], args[3],
                            NULL};
            execv(bin, argv);
            _exit(127);
        }
        char buf[4096];   /* drain the terminal until gocc closes it */
        for (int i = 0; i < 3000; i++) {
            struct pollfd pf = {m, POLLIN, 0};
            if (poll(&pf, 1, 10) > 0 && read(m, buf, sizeof buf) <= 0)
                break;
        }
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (m >= 0)
        close(m);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    *gocc_pid = pid;
    assert_int_equal(sscanf(read_file(path_in("pg")), "%ld %ld", cc, group),
                     2);
    return true;
}

/* $CC leads a process group of its own (so that a signal reaches the
 * children it runs) unless gocc is the foreground job of a terminal: there
 * it stays in gocc's group, which the terminal signals whole (^C, ^Z) and
 * lets read and write it. */
static void test_cc_process_group(void **s) {
    (void)s;
    NEED_BIN();
    long g, cc, group;
    assert_true(cc_group_of(false, &g, &cc, &group));
    assert_int_equal(group, cc);
    if (!cc_group_of(true, &g, &cc, &group)) {
        print_message("the terminal case: skipped\n");
        skip();
    }
    assert_int_not_equal(cc, g);
    assert_int_equal(group, g);   /* gocc leads the pseudo-terminal's job */
}

/* ------------------------------------------------------------ diagnostics */

/* expect_error_at: gocc -T on name (its bytes given) reports line:col and
 * quotes exactly `quoted` with the caret under col. */
static void expect_error_at(const char *name, const char *src, size_t len,
                            const char *pos, const char *quoted) {
    write_bytes(name, src, len);
    child_result *r = gocc("-T", path_in(name), "-o", "/dev/null");
    assert_status(r, 1);
    char want[600];
    snprintf(want, sizeof want, "%s:%s: error: ", path_in(name), pos);
    const char *p = strstr(r->err, want);
    if (!p)
        print_child(r);
    assert_non_null(p);
    assert_string_equal(strchr(p, '\n') + 1, quoted);
    free(r);
}

#define SRC(s) s, sizeof s - 1

/* A NUL byte before the error's line or on it; CR-only and CRLF lines. */
/* with_comments: head, then n empty block comments, then tail (malloc'ed). */
static char *with_comments(const char *head, size_t n, const char *tail) {
    size_t h = strlen(head);
    char *b = malloc(h + 4 * n + strlen(tail) + 1);
    assert_non_null(b);
    memcpy(b, head, h);
    for (size_t k = 0; k < n; k++)
        memcpy(b + h + 4 * k, "/**/", 4);
    strcpy(b + h + 4 * n, tail);
    return b;
}

static void test_error_line_and_column(void **s) {
    (void)s;
    NEED_BIN();
    static const char q[] = "  chan<int> c = make(chan<int>,);\n"
                            "                               ^\n";
    expect_error_at("lf.gc", SRC("int a;\nvoid f(void) {\n"
                                 "  chan<int> c = make(chan<int>,);\n}\n"),
                    "3:32", q);
    expect_error_at("nul.gc", SRC("int a; /* \0 */\nvoid f(void) {\n"
                                  "  chan<int> c = make(chan<int>,);\n}\n"),
                    "3:32", q);
    expect_error_at("cr.gc", SRC("int a;\rvoid f(void) {\r"
                                 "  chan<int> c = make(chan<int>,);\r}\r"),
                    "3:32", q);
    expect_error_at("crlf.gc", SRC("int a;\r\nvoid f(void) {\r\n"
                                   "  chan<int> c = make(chan<int>,);\r\n}\r\n"),
                    "3:32", q);
    expect_error_at("nul2.gc", SRC("void f(void) {\n"
                                   "  chan<int> c = make(chan<int>,); /*\0*/\n"
                                   "}\n"),
                    "2:32",
                    "  chan<int> c = make(chan<int>,); /* */\n"
                    "                               ^\n");
    /* past the line table's kept lines (every 16th), the three endings
     * mixed */
    static const char *const ends[] = {"\n", "\r", "\r\n"};
    char mixed[2048] = "";
    for (int k = 0; k < 37; k++) {
        snprintf(mixed + strlen(mixed), sizeof mixed - strlen(mixed),
                 "int a%d;%s", k, ends[k % 3]);
    }
    strcat(mixed, "void f(void) {\r\n  chan<int> c = make(chan<int>,);\r}\n");
    expect_error_at("mixed.gc", mixed, strlen(mixed), "39:32", q);
    /* a channel type whose parts lie further apart than it keeps (15
     * bits): 33,000 comments between T and `>` */
    char *far = with_comments("void f(void) {\n  chan<int\n", 33000,
                              "> c;\n}\n");
    expect_error_at("far.gc", far, strlen(far), "2:3",
                    "  chan<int\n  ^\n");
    free(far);
    /* a select case whose body starts 70,000 comments after its `case`
     * (16-bit distances) */
    far = with_comments("void f(chan<int> c) {\n  select {\n  case <-c:\n",
                        70000, " break;\n  }\n}\n");
    expect_error_at("farcase.gc", far, strlen(far), "3:3",
                    "  case <-c:\n  ^\n");
    free(far);
}

/* A CR-only file translates whole (its `#include` line ends at the CR) and
 * the compiler's messages carry its lines. */
static void test_cr_only_file_builds(void **s) {
    (void)s;
    NEED_BIN();
    char src[sizeof HI_GC];
    strcpy(src, HI_GC);
    for (char *p = src; *p; p++)
        if (*p == '\n')
            *p = '\r';
    write_file("cr_hi.gc", src);
    child_result *r = gocc(path_in("cr_hi.gc"), "-o", path_in("cr_hi"));
    assert_status(r, 0);
    free(r);
    char *argv[] = {(char *)path_in("cr_hi"), NULL};
    r = run_child(argv, NULL, TIMEOUT_S);
    assert_status(r, 0);
    assert_string_equal(r->out, "7\n");
    free(r);

    write_file("cr_err.gc", "int a;\r/* two\rlines */\r#include <stdio.h>\r"
                            "int main(void) {\r  chan<int> c = make(chan<int>, 1);\r"
                            "  return undefined_z;\r}\r");
    r = gocc("-c", path_in("cr_err.gc"), "-o", path_in("cr_err.o"));
    assert_int_not_equal(r->status, 0);
    char want[600];
    snprintf(want, sizeof want, "%s:7:10: error:", path_in("cr_err.gc"));
    if (!strstr(r->err, want))
        print_child(r);
    assert_non_null(strstr(r->err, want));
    free(r);
}

/* A file name with a quote, backslashes, a newline, a control byte, in a
 * directory named with "??" (a trigraph under -std=c11): `#line` carries
 * it to the compiler intact, and gocc's own messages print it as it is. */
static void test_odd_file_name(void **s) {
    (void)s;
    NEED_BIN();
    assert_int_equal(mkdir(path_in("odd?\?"), 0755), 0);
    const char *name = "odd?\?/we\"ird\\na\nme\001.gc";
    write_file(name, "#include <stdio.h>\nint main(void) {\n"
                     "    chan<int> c = make(chan<int>, 1);\n"
                     "    c <- 1;\n    (void)<-c;\n"
                     "    fputs(__FILE__, stdout);\n    return 0;\n}\n");
    char prog[600];
    snprintf(prog, sizeof prog, "%s", path_in("odd_prog"));
    child_result *r = gocc("-std=c11", path_in(name), "-o", prog);
    assert_status(r, 0);
    free(r);
    char *argv[] = {prog, NULL};
    r = run_child(argv, NULL, TIMEOUT_S);
    assert_status(r, 0);
    char *real = realpath(path_in(name), NULL);
    assert_non_null(real);
    assert_string_equal(r->out, real);
    free(real);
    free(r);

    write_file(name, "void f(void) {\n  chan<int> c = make(chan<int>,);\n}\n");
    r = gocc("-T", path_in(name));
    assert_status(r, 1);
    char want[700];
    snprintf(want, sizeof want, "%s:2:32: error: ", path_in(name));
    assert_true(strncmp(r->err, want, strlen(want)) == 0);
    free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_through_symlink),
        cmocka_unit_test(test_output_to_fifo),
        cmocka_unit_test(test_output_to_full_device),
        cmocka_unit_test(test_failed_write_keeps_old_file),
        cmocka_unit_test(test_failed_stream_compile),
        cmocka_unit_test(test_read_only_dir),
        cmocka_unit_test(test_compile_keeps_others_files),
        cmocka_unit_test(test_input_is_output),
        cmocka_unit_test(test_signal_during_translation),
        cmocka_unit_test(test_signal_while_reading_input),
        cmocka_unit_test(test_signal_while_cc_runs),
        cmocka_unit_test(test_cc_process_group),
        cmocka_unit_test(test_error_line_and_column),
        cmocka_unit_test(test_cr_only_file_builds),
        cmocka_unit_test(test_odd_file_name),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
