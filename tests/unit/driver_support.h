/*
 * driver_support.h - what the tests of the gocc command share: a scratch
 * directory, files written into it, and gocc run as a child process.
 * The includer defines `static char dir[]`, a mkdtemp template, first, and
 * sets `bin` (the gocc binary) before running anything.
 */
#ifndef GOCC_DRIVER_SUPPORT_H
#define GOCC_DRIVER_SUPPORT_H

#ifndef GOCC_BIN
#define GOCC_BIN ""
#endif

enum { TIMEOUT_S = 120, MAX_ARGS = 32 };

static const char *bin;

/* path_in: "<dir>/<name>" in a static ring of buffers. */
static const char *path_in(const char *name) {
    static char bufs[8][512];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof bufs[0], "%s/%s", dir, name);
    return b;
}

static void write_bytes(const char *name, const char *buf, size_t len) {
    FILE *f = fopen(path_in(name), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void write_file(const char *name, const char *text) {
    write_bytes(name, text, strlen(text));
}

/* read_file: the whole file into a static buffer ("" if unreadable). */
static const char *read_file(const char *path) {
    static char buf[1 << 16];
    buf[0] = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return buf;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* gocc_env: run gocc with extra environment env (NULL-terminated, or NULL:
 * CC is the build's compiler) and the NULL-terminated args. */
static child_result *gocc_env(char *const *env, ...) {
    char *argv[MAX_ARGS];
    int n = 0;
    argv[n++] = (char *)bin;
    va_list ap;
    va_start(ap, env);
    for (char *a; n < MAX_ARGS - 1 && (a = va_arg(ap, char *));)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    static char cc[512];
    snprintf(cc, sizeof cc, "CC=%s", GOCC_C_COMPILER);
    char *def[] = {cc, NULL};
    return run_child(argv, env ? env : def, TIMEOUT_S);
}
#define gocc(...) gocc_env(NULL, __VA_ARGS__, (char *)NULL)

/* scratch_begin: find the gocc binary ($GOCC_BIN, else the build's) and
 * make the scratch directory.  1 when ready, 0 when there is no binary
 * (the tests skip), -1 when the directory cannot be made. */
static int scratch_begin(void) {
    const char *e = getenv("GOCC_BIN");
    bin = e && *e ? e : GOCC_BIN;
    if (!*bin)
        return 0;
    return mkdtemp(dir) ? 1 : -1;
}

/* teardown: remove the scratch directory (made writable first: tests
 * make read-only parts in it). */
static int teardown(void **s) {
    (void)s;
    if (!*bin)
        return 0;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Skip the test when no gocc binary was given. */
#define NEED_BIN()                                                            \
    do {                                                                      \
        if (!*bin) {                                                          \
            print_message("no gocc binary (GOCC_BIN): skipped\n");            \
            skip();                                                           \
        }                                                                     \
    } while (0)

#endif
