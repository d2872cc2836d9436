/*
 * main.c - the `gocc` command: a compiler driver in front of $CC.
 *
 * gocc takes a C compiler's command line with .gc files among the inputs.
 * Each .gc file is translated to C (tr_translate) into a private temporary
 * directory, then compiled by $CC with the runtime's header directory on the
 * include path; the link adds the runtime library.  Everything else (.c, .o,
 * .a files and the options gocc does not know) goes to $CC unchanged, so
 * that gocc can stand in for cc in a Makefile or a build system.  It never
 * goes through a shell: children are spawned with posix_spawnp and their
 * exit status is passed back.
 *
 * The flow: parse argv into an ordered list of items (inputs and options,
 * each tagged with the commands it goes to), translate every .gc file first
 * (so that a translation error stops the build before any compiler runs),
 * write the Make dependency files the -M options ask for, compile each
 * translated file with its own $CC command, then run one more command for
 * the rest: the link, or the plain compile of the other inputs.
 *
 * What it writes itself (the -T output, dependency files, translations)
 * goes through files.c, which never harms a file gocc did not make and
 * removes gocc's temporary files at exit or on a signal (dying of it).
 *
 * The header and library directories are found relative to the executable
 * when it is installed (bin/../include, bin/../lib), else in the build tree
 * it was built in; GOCC_INCLUDE_DIR and GOCC_LIB_DIR override both.
 *
 * -race (or -fsanitize=thread) and -fsanitize=address link a runtime built
 * with that sanitizer, libgocc-race.a or libgocc-asan.a, found beside
 * libgocc.a (docs/debugging.md, "-race and sanitizers").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "files.h"
#include "translate.h"

extern char **environ;

/* ------------------------------------------------------------ utilities */

/* A growable NULL-terminated array of strings (the strings are not owned
 * unless the caller says so). */
typedef struct vec {
    char **v;
    size_t n, cap;
} vec;

static _Noreturn void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* xcheck: p (a malloc-family result), or exit(1) with a message. */
static void *xcheck(void *p) {
    if (!p)
        die("out of memory");
    return p;
}

static char *xstrdup(const char *s) { return xcheck(strdup(s)); }

/* xfmt: a freshly allocated printf-formatted string. */
static char *xfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xfmt(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return xcheck(s);
}

/* vpush: append s (not copied); keeps v->v[v->n] == NULL. */
static void vpush(vec *v, const char *s) {
    if (v->n + 2 > v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        v->v = xcheck(realloc(v->v, v->cap * sizeof *v->v));
    }
    v->v[v->n++] = (char *)s;
    v->v[v->n] = NULL;
}

/* vsplit: append the space- or tab-separated words of s (copied). */
static void vsplit(vec *v, const char *s) {
    while (*s) {
        size_t skip = strspn(s, " \t"), len = strcspn(s + skip, " \t");
        if (len)
            vpush(v, xcheck(strndup(s + skip, len)));
        s += skip + len;
    }
}

static bool has_prefix(const char *s, const char *p) {
    return strncmp(s, p, strlen(p)) == 0;
}

static bool has_suffix(const char *s, const char *suf) {
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

/* stem: s without its last extension (the final ".xxx" of the last path
 * component), freshly allocated. */
static char *stem(const char *s) {
    const char *slash = strrchr(s, '/'), *dot = strrchr(s, '.');
    size_t n = dot && (!slash || dot > slash) ? (size_t)(dot - s) : strlen(s);
    return xcheck(strndup(s, n));
}

/* base_stem: the last path component of s without its extension. */
static char *base_stem(const char *s) {
    const char *slash = strrchr(s, '/');
    return stem(slash ? slash + 1 : s);
}

/* ---------------------------------------------------------- driver state */

enum mode { M_LINK, M_COMPILE, M_ASM, M_PREPROCESS };
enum info { I_VERSION = 1, I_HELP = 2, I_CFLAGS = 4, I_LIBS = 8 };
enum deps { D_NONE, D_ALL, D_USER };

/* Item flags: which commands an argv item goes to. */
enum {
    A_GC = 1,     /* a .gc input */
    A_INPUT = 2,  /* any other input file */
    A_GCCC = 4,   /* option for the compile of a translated .gc */
    A_REST = 8,   /* option for the link / the compile of other inputs */
    A_XLANG = 16, /* -x LANG (its value in b) */
};

typedef struct item {
    const char *a, *b; /* the option and its separate argument, or the path */
    unsigned flags;
    const char *lang;  /* -x: the language */
    char *c_path;      /* .gc: the translated file */
    char *src_dir;     /* .gc: its directory, absolute */
    char *obj;         /* .gc: what its compile produces (or NULL: stdout) */
    bool c_stable;     /* .gc: c_path is next to the object (-c) */
    size_t n;          /* .gc: its number, naming its temp subdirectory */
} item;

static struct driver {
    const char *argv0;
    item *items;
    size_t nitems, ngc, ninputs, nsources;
    vec cc, clang, rt;
    const char *out;
    enum mode mode;
    bool translate_only, verbose, save_temps, deps_only, dep_phony;
    bool dep_missing;    /* -MG: a missing header is a dependency */
    enum deps deps;
    const char *mf;
    vec targets; /* -MT / -MQ, already quoted for make */
    unsigned info;
    char *incdir, *libdir, *tmpdir;
    char *inc_flag, *lib_flag; /* -I<incdir>, -L<libdir> */
    unsigned san;              /* SAN_*: the -fsanitize= options in force */
    const char *rt_lib;        /* the runtime archive linked (-l:<this>) */
    char *rt_flag;             /* -l:<rt_lib> */
} D;

/* The sanitizers that need a runtime built for them. */
enum { SAN_THREAD = 1, SAN_ADDRESS = 2 };

static _Noreturn void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("gocc: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* ------------------------------------------------------------ temp dir */

/* rm_entry (nftw callback): remove one file or (emptied) directory. */
static int rm_entry(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

/* cleanup (atexit): remove the temporary directory (whatever $CC left in
 * it too) and the other files gocc made for itself, unless -save-temps.
 * A signal does the same from its handler (files.c). */
static void cleanup(void) {
    if (D.tmpdir && D.save_temps)
        fprintf(stderr, "gocc: temporary files kept in %s\n", D.tmpdir);
    else if (D.tmpdir)
        nftw(D.tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    files_remove_all();
    free(D.tmpdir);
    D.tmpdir = NULL;
}

/* tmp_path: "<tmpdir>/<n>/<name>", creating the private directory
 * (mkdtemp, under $TMPDIR or /tmp) and the subdirectory on first use.  The
 * per-input subdirectory keeps a.gc's and dir/a.gc's files apart. */
static char *tmp_path(size_t n, const char *name) {
    if (!D.tmpdir) {
        const char *t = getenv("TMPDIR");
        char *prefix = xfmt("%s/gocc-", t && *t ? t : "/tmp");
        D.tmpdir = files_mkdtemp(prefix, D.save_temps);
        if (!D.tmpdir)
            die("cannot create a temporary directory %sXXXXXX: %s", prefix,
                strerror(errno));
        free(prefix);
    }
    char *dir = xfmt("%s/%zu", D.tmpdir, n);
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (!D.save_temps)
            files_track(dir, true);
        if (mkdir(dir, 0700) != 0)
            die("cannot create %s: %s", dir, strerror(errno));
    }
    char *p = xfmt("%s/%s", dir, name);
    if (!D.save_temps)
        files_track(p, false);
    free(dir);
    return p;
}

/* ------------------------------------------------------- parsing argv */

/* Options that take an argument, separate ("-I dir") or, where joined is
 * set, also joined ("-Idir").  clang: also passed to the translator. */
static const struct opt {
    const char *name;
    unsigned flags;
    bool joined, clang;
} ARG_OPTS[] = {
    {"-I", A_GCCC | A_REST, true, true},
    {"-D", A_GCCC | A_REST, true, true},
    {"-U", A_GCCC | A_REST, true, true},
    {"-include", A_GCCC | A_REST, true, true},
    {"-isystem", A_GCCC | A_REST, true, true},
    {"-iquote", A_GCCC | A_REST, true, true},
    {"-idirafter", A_GCCC | A_REST, true, true},
    {"-imacros", A_GCCC | A_REST, false, true},
    {"-isysroot", A_GCCC | A_REST, false, true},
    {"-L", A_REST, true, false},
    {"-l", A_REST, true, false},
    {"-x", A_REST | A_XLANG, true, false},
    {"-Xlinker", A_REST, false, false},
    {"-u", A_REST, false, false},
    {"-z", A_REST, false, false},
    {"-Xassembler", A_GCCC | A_REST, false, false},
    {"-Xpreprocessor", A_GCCC | A_REST, false, false},
    {"--param", A_GCCC | A_REST, false, false},
    {"-aux-info", A_GCCC | A_REST, false, false},
};

/* push_item: append an argv item (a, b: option and separate argument). */
static item *push_item(const char *a, const char *b, unsigned flags) {
    D.items = xcheck(realloc(D.items, (D.nitems + 1) * sizeof *D.items));
    item *it = &D.items[D.nitems++];
    *it = (item){.a = a, .b = b, .flags = flags};
    return it;
}

/* next_arg: the separate argument of option argv[*i]; dies when missing. */
static const char *next_arg(int argc, char **argv, int *i) {
    if (*i + 1 >= argc)
        die("missing argument to '%s'", argv[*i]);
    return argv[++*i];
}

/* make_quote: s quoted for a Make rule (spaces and '#' backslashed, '$'
 * doubled); freshly allocated. */
static char *make_quote(const char *s) {
    char *q = xcheck(malloc(2 * strlen(s) + 1)), *p = q;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\t' || *s == '#')
            *p++ = '\\';
        else if (*s == '$')
            *p++ = '$';
        *p++ = *s;
    }
    *p = 0;
    return q;
}

/* parse_dep_opt: handle a -M option at argv[*i]; false if it is none.
 * All of them also go to the commands for the other inputs. */
static bool parse_dep_opt(int argc, char **argv, int *i) {
    const char *s = argv[*i], *v = NULL;
    if (!strcmp(s, "-MD") || !strcmp(s, "-M"))
        D.deps = D_ALL;
    else if (!strcmp(s, "-MMD") || !strcmp(s, "-MM"))
        D.deps = D_USER;
    else if (!strcmp(s, "-MP"))
        D.dep_phony = true;
    else if (!strcmp(s, "-MG"))
        D.dep_missing = true;
    else if (has_prefix(s, "-MF") || has_prefix(s, "-MT") ||
             has_prefix(s, "-MQ")) {
        v = s[3] ? s + 3 : next_arg(argc, argv, i);
        if (s[2] == 'F')
            D.mf = v;
        else
            vpush(&D.targets, s[2] == 'T' ? xstrdup(v) : make_quote(v));
        push_item(s, s[3] ? NULL : v, A_REST);
        return true;
    } else
        return false;
    if (!strcmp(s, "-M") || !strcmp(s, "-MM"))
        D.deps_only = true;
    push_item(s, NULL, A_REST);
    return true;
}

/* parse_gocc_opt: handle an option of gocc's own (mode, -o, -v, info
 * options); false if argv[*i] is none of them. */
static bool parse_gocc_opt(int argc, char **argv, int *i) {
    const char *s = argv[*i];
    static const struct { const char *name; unsigned info; } infos[] = {
        {"--version", I_VERSION}, {"--help", I_HELP},
        {"--cflags", I_CFLAGS},   {"--libs", I_LIBS}};
    for (size_t k = 0; k < sizeof infos / sizeof *infos; k++)
        if (!strcmp(s, infos[k].name))
            return D.info |= infos[k].info, true;
    if (!strcmp(s, "-c"))
        D.mode = M_COMPILE;
    else if (!strcmp(s, "-S"))
        D.mode = M_ASM;
    else if (!strcmp(s, "-E"))
        D.mode = M_PREPROCESS;
    else if (!strcmp(s, "-T"))
        D.translate_only = true;
    else if (!strcmp(s, "-v"))
        D.verbose = true;
    else if (!strcmp(s, "-race")) {   /* Go's flag: the compiler's option */
        D.san |= SAN_THREAD;
        push_item("-fsanitize=thread", NULL, A_GCCC | A_REST);
    }
    else if (!strcmp(s, "-o"))
        D.out = next_arg(argc, argv, i);
    else if (has_prefix(s, "-o"))
        D.out = s + 2;
    else if (has_prefix(s, "-save-temps")) {
        D.save_temps = true;
        push_item(s, NULL, A_GCCC | A_REST);
    } else
        return false;
    return true;
}

/* note_sanitize: follow -fsanitize=LIST and -fno-sanitize=LIST (s) in
 * D.san, as the compiler does: the last one naming a sanitizer wins. */
static void note_sanitize(const char *s) {
    bool on = has_prefix(s, "-fsanitize=");
    if (!on && !has_prefix(s, "-fno-sanitize="))
        return;
    const char *p = strchr(s, '=') + 1;
    while (*p) {
        size_t n = strcspn(p, ",");
        unsigned bit = 0;
        if (n == 6 && !strncmp(p, "thread", n))
            bit = SAN_THREAD;
        else if (n == 7 && !strncmp(p, "address", n))
            bit = SAN_ADDRESS;
        else if (!on && n == 3 && !strncmp(p, "all", n))
            bit = SAN_THREAD | SAN_ADDRESS;
        D.san = on ? D.san | bit : D.san & ~bit;
        p += n + (p[n] == ',');
    }
}

/* parse_cc_opt: any other option: one with an argument from ARG_OPTS
 * (consuming it), else a single word for both kinds of commands (linker
 * options only for the link). */
static void parse_cc_opt(int argc, char **argv, int *i) {
    const char *s = argv[*i];
    for (size_t k = 0; k < sizeof ARG_OPTS / sizeof *ARG_OPTS; k++) {
        const struct opt *o = &ARG_OPTS[k];
        bool sep = !strcmp(s, o->name);
        if (!sep && !(o->joined && has_prefix(s, o->name)))
            continue;
        const char *v = sep ? next_arg(argc, argv, i) : NULL;
        item *it = push_item(s, v, o->flags);
        if (o->flags & A_XLANG)
            it->lang = v ? v : s + 2;
        if (o->clang) {
            vpush(&D.clang, s);
            if (v)
                vpush(&D.clang, v);
        }
        return;
    }
    if (has_prefix(s, "-std="))
        vpush(&D.clang, s);
    note_sanitize(s);
    push_item(s, NULL, has_prefix(s, "-Wl,") ? A_REST : A_GCCC | A_REST);
}

/* add_input: record an input file; .gc files are translated. */
static void add_input(const char *path) {
    bool gc = has_suffix(path, ".gc");
    push_item(path, NULL, gc ? A_GC : A_INPUT);
    D.ninputs++;
    if (gc)
        D.ngc++;
    else if (!has_suffix(path, ".o") && !has_suffix(path, ".a") &&
             !has_suffix(path, ".so") && !strstr(path, ".so."))
        D.nsources++;
}

/* parse_args: fill D from argv.  Dies on a missing option argument. */
static void parse_args(int argc, char **argv) {
    D.argv0 = argc > 0 && argv[0] ? argv[0] : "gocc";
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (s[0] != '-' || s[1] == 0)
            add_input(s);
        else if (!parse_gocc_opt(argc, argv, &i) &&
                 !parse_dep_opt(argc, argv, &i))
            parse_cc_opt(argc, argv, &i);
    }
}

/* -------------------------------------------------- directories, info */

static bool exists(const char *path) { return access(path, F_OK) == 0; }

/* installed_dirs: the installed layout next to the executable
 * (<exe>/../include[/gocc]/gocc.h and <exe>/../lib[64]/libgocc.a), both
 * required, so that a build directory inside the source tree (whose ../
 * has include/gocc.h but no lib/) is not taken for an installation. */
static bool installed_dirs(char **inc, char **lib) {
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = 0;
    char *bin = dirname(exe);
    static const char *incs[] = {"include/gocc", "include"};
    static const char *libs[] = {"lib", "lib64"};
    *inc = *lib = NULL;
    for (size_t k = 0; k < 2 && !*inc; k++) {
        char *p = xfmt("%s/../%s/gocc.h", bin, incs[k]);
        if (exists(p))
            *inc = xfmt("%s/../%s", bin, incs[k]);
        free(p);
    }
    for (size_t k = 0; k < 2 && *inc && !*lib; k++) {
        char *p = xfmt("%s/../%s/libgocc.a", bin, libs[k]);
        if (exists(p))
            *lib = xfmt("%s/../%s", bin, libs[k]);
        free(p);
    }
    if (*inc && *lib)
        return true;
    free(*inc), free(*lib);
    return false;
}

/* canonical: realpath of p if it resolves (p freed), else p. */
static char *canonical(char *p) {
    char *r = realpath(p, NULL);
    if (!r)
        return p;
    free(p);
    return r;
}

/* abs_dir: the absolute directory holding the existing file path. */
static char *abs_dir(const char *path) {
    char *r = realpath(path, NULL);
    if (!r)
        return xstrdup(".");
    char *d = xstrdup(dirname(r));
    free(r);
    return d;
}

/* find_dirs: set D.incdir and D.libdir (env, installed, build tree). */
static void find_dirs(void) {
    char *inc, *lib;
    if (!installed_dirs(&inc, &lib)) {
        inc = xstrdup(GOCC_BUILD_INCLUDE_DIR);
        lib = xstrdup(GOCC_BUILD_LIB_DIR);
    }
    const char *ei = getenv("GOCC_INCLUDE_DIR"), *el = getenv("GOCC_LIB_DIR");
    if (ei && *ei)
        free(inc), inc = xstrdup(ei);
    if (el && *el)
        free(lib), lib = xstrdup(el);
    D.incdir = canonical(inc);
    D.libdir = canonical(lib);
    D.inc_flag = xfmt("-I%s", D.incdir);
    D.lib_flag = xfmt("-L%s", D.libdir);
}

/* runtime_archive: the runtime archive the link takes: libgocc.a, or
 * with -race / -fsanitize=thread libgocc-race.a and with
 * -fsanitize=address libgocc-asan.a, which must exist in D.libdir (need:
 * the link is to happen).  A gocc whose runtime is itself built with a
 * sanitizer (GOCC_SANITIZE, GOCC_RT_FLAGS) links libgocc.a for that one
 * and has no other.  Dies on a runtime it cannot give. */
static const char *runtime_archive(bool need) {
    if (!D.san)
        return "libgocc.a";
    if (D.san == (SAN_THREAD | SAN_ADDRESS))
        die("-fsanitize=thread (-race) and -fsanitize=address cannot be "
            "combined");
    bool race = D.san == SAN_THREAD;
    const char *opt = race ? "-race" : "-fsanitize=address";
    const char *rt = GOCC_RT_FLAGS;
    if (*rt) {   /* this gocc's libgocc.a is a sanitizer's runtime */
        if (strstr(rt, race ? "thread" : "address") || !need)
            return "libgocc.a";
        die("%s needs a runtime built for it; this gocc's runtime is built "
            "with %s and has no other", opt, rt);
    }
    const char *lib = race ? "libgocc-race.a" : "libgocc-asan.a";
    char *p = xfmt("%s/%s", D.libdir, lib);
    bool ok = exists(p);
    free(p);
    if (need && !ok)
        die("%s needs %s, not found in %s (gocc was built without it: see "
            "GOCC_SANITIZER_RUNTIMES in docs/install.md)",
            opt, lib, D.libdir);
    return lib;
}

/* choose_runtime: D.rt_lib and its -l: option. */
static void choose_runtime(bool need) {
    D.rt_lib = runtime_archive(need);
    D.rt_flag = xfmt("-l:%s", D.rt_lib);
}

static void print_help(void) {
    printf(
        "usage: gocc [cc options] files... [-o out]\n"
        "       gocc -T in.gc [-o out.c]\n"
        "       gocc --cflags | --libs | --version | --help\n\n"
        "Translates each .gc file to C, compiles it and the other inputs "
        "with $CC\n(default cc) and links the gocc runtime.  Options gocc "
        "does not know go to $CC.\n\n"
        "  -T            translate only: write the C to out.c (or stdout)\n"
        "  -c, -S, -E    compile, assemble or preprocess only, as cc does\n"
        "  -o FILE       the output\n"
        "  -MD, -MMD, -MF FILE, -MT T, -MQ T, -MP, -M, -MM\n"
        "                Make dependency files naming each .gc and its "
        "headers\n"
        "  -v            print the commands run\n"
        "  -race         detect data races (ThreadSanitizer): compile with\n"
        "                -fsanitize=thread, link libgocc-race.a; "
        "-fsanitize=address\n"
        "                links libgocc-asan.a\n"
        "  -save-temps   keep the temporary directory (and pass it to cc)\n"
        "  --cflags      options to compile C that includes <gocc.h>\n"
        "  --libs        options to link the runtime\n\n"
        "Environment: CC (may carry a launcher and options, e.g. \"ccache "
        "gcc\"),\nGOCC_INCLUDE_DIR, GOCC_LIB_DIR.  See gocc(1).\n");
}

/* print_info: the --version/--help/--cflags/--libs output; returns 0. */
static int print_info(void) {
    if (D.info & I_VERSION)
        printf("gocc %s\n", GOCC_VERSION_STRING);
    if (D.info & I_HELP)
        print_help();
    if (D.info & (I_CFLAGS | I_LIBS)) {
        /* the runtime's sanitizer, or the one -race / -fsanitize= asks
         * for */
        const char *rt = GOCC_RT_FLAGS;
        if (!*rt && D.san)
            rt = D.san == SAN_THREAD ? "-fsanitize=thread"
                                     : "-fsanitize=address";
        if (D.info & I_CFLAGS)
            printf("-I%s%s%s", D.incdir, *rt ? " " : "", rt);
        if ((D.info & I_CFLAGS) && (D.info & I_LIBS))
            putchar(' ');
        if (D.info & I_LIBS)
            printf("-L%s -l:%s -pthread -rdynamic%s%s", D.libdir, D.rt_lib,
                   *rt ? " " : "", rt);
        putchar('\n');
    }
    return fflush(stdout) == 0 ? 0 : 1;
}

/* ------------------------------------------------------ running commands */

/* print_quoted: s as one shell word. */
static void print_quoted(const char *s) {
    if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "0123456789_@%+=:,./-") == strlen(s)) {
        fputs(s, stderr);
        return;
    }
    fputc('\'', stderr);
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", stderr);
        else
            fputc(*s, stderr);
    fputc('\'', stderr);
}

static void print_command(const vec *cmd) {
    for (size_t i = 0; i < cmd->n; i++) {
        if (i)
            fputc(' ', stderr);
        print_quoted(cmd->v[i]);
    }
    fputc('\n', stderr);
}

/* terminal_job: gocc is in the foreground process group of its
 * controlling terminal (typed at a shell's prompt, or run by a make that
 * was). */
static bool terminal_job(void) {
    int fd = open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool fg = tcgetpgrp(fd) == getpgrp();
    close(fd);
    return fg;
}

/* spawn: start cmd (searching PATH) and make it the child that a signal
 * is passed on to (files_child), with SIGINT, SIGTERM and SIGHUP held off
 * in between so that none slips past; the child gets gocc's own signal
 * mask, and a process group of its own unless gocc is the terminal's
 * foreground job (files.c, "Whom the signal reaches").  Returns
 * posix_spawnp's result. */
static int spawn(pid_t *pid, vec *cmd) {
    bool group = !terminal_job();
    sigset_t hold, old;
    sigemptyset(&hold);
    sigaddset(&hold, SIGINT);
    sigaddset(&hold, SIGTERM);
    sigaddset(&hold, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &hold, &old);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigmask(&attr, &old);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
                                        (group ? POSIX_SPAWN_SETPGROUP : 0));
    int e = posix_spawnp(pid, cmd->v[0], NULL, &attr, cmd->v, environ);
    posix_spawnattr_destroy(&attr);
    if (e == 0)
        files_child(*pid, group);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return e;
}

/* run: spawn cmd (searching PATH), wait for it.  Returns 0 on success, its
 * exit status on failure, 1 if a signal killed it, 127 if it could not be
 * started.  Frees cmd's array (not the strings). */
static int run(vec *cmd) {
    if (D.verbose)
        print_command(cmd);
    pid_t pid;
    int e = spawn(&pid, cmd);
    int rc = 127;
    if (e != 0) {
        fprintf(stderr, "gocc: error: cannot run '%s': %s\n", cmd->v[0],
                strerror(e));
    } else {
        int st;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        files_child(0, false);
        rc = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
        if (WIFSIGNALED(st))
            fprintf(stderr, "gocc: error: '%s' was killed by signal %d (%s)\n",
                    cmd->v[0], WTERMSIG(st), strsignal(WTERMSIG(st)));
    }
    free(cmd->v);
    *cmd = (vec){0};
    return rc;
}

/* cc_begin: a command starting with $CC (split into words: launcher and
 * options allowed), -I<incdir> and the runtime's sanitizer flags; under
 * -race or -fsanitize=address also -fno-omit-frame-pointer, for whole
 * stacks in ASan's reports, and line tables (-g1, which .gc files get
 * anyway) for the reports' file:line in C inputs too (the program's own
 * options come later and win). */
static vec cc_begin(void) {
    vec c = {0};
    for (size_t i = 0; i < D.cc.n; i++)
        vpush(&c, D.cc.v[i]);
    vpush(&c, D.inc_flag);
    for (size_t i = 0; i < D.rt.n; i++)
        vpush(&c, D.rt.v[i]);
    if (D.san)
        vpush(&c, "-fno-omit-frame-pointer"), vpush(&c, "-g1");
    return c;
}

static const char *mode_flag(void) {
    static const char *flags[] = {NULL, "-c", "-S", "-E"};
    return flags[D.mode];
}

/* ------------------------------------------------------- dependency files */

/* dep_file: where the deps of .gc input it go, or NULL for stdout.  Like
 * gcc: -MF, else the output's stem + ".d" ("<out>-<stem>.d" when linking
 * several), else "<input stem>.d" in the current directory. */
static char *dep_file(const item *it) {
    if (D.mf)
        return xstrdup(D.mf);
    if (D.deps_only)
        return D.out ? xstrdup(D.out) : NULL;
    char *in = base_stem(it->a), *r;
    if (D.out && strcmp(D.out, "-") && !D.translate_only &&
        D.mode == M_LINK && D.ngc + D.nsources > 1)
        r = xfmt("%s-%s.d", D.out, in);
    else if (D.out && strcmp(D.out, "-")) {
        char *s = stem(D.out);
        r = xfmt("%s.d", s);
        free(s);
    } else
        r = xfmt("%s.d", in);
    free(in);
    return r;
}

/* dep_target: the rule's target(s): -MT/-MQ, else the output, else the
 * input's stem + ".o" (".c" with -T). */
static char *dep_target(const item *it) {
    if (D.targets.n) {
        size_t len = 1;
        for (size_t i = 0; i < D.targets.n; i++)
            len += strlen(D.targets.v[i]) + 1;
        char *t = xcheck(calloc(1, len));
        for (size_t i = 0; i < D.targets.n; i++)
            strcat(strcat(t, i ? " " : ""), D.targets.v[i]);
        return t;
    }
    if (D.out && strcmp(D.out, "-") && !D.deps_only &&
        (D.translate_only || D.mode != M_PREPROCESS))
        return make_quote(D.out);
    char *in = base_stem(it->a), *t = xfmt("%s.%s", in,
                                            D.translate_only ? "c" : "o");
    char *q = make_quote(t);
    free(in), free(t);
    return q;
}

static void push_gc_options(vec *c, const item *it);
static char *tmp_file(size_t n, const char *input, const char *ext);

/* rewrite_deps: cc's rule for the translation, text (NUL-terminated),
 * as the rule for the .gc input: its target (cc wrote "gocc-target")
 * becomes target, and its first prerequisite (the translated file) the
 * .gc file.  Returns the new text (malloc'ed), or NULL when text is not
 * shaped so. */
static char *rewrite_deps(const char *text, const char *target,
                          const char *gc) {
    static const char head[] = "gocc-target:";
    if (strncmp(text, head, sizeof head - 1))
        return NULL;
    const char *p = text + sizeof head - 1;
    while (*p == ' ' || (*p == '\\' && p[1] == '\n'))
        p += *p == ' ' ? 1 : 2;
    const char *e = p;   /* the translated file: up to an unescaped blank */
    while (*e && *e != ' ' && *e != '\n' && !(*e == '\\' && e[1] == '\n'))
        e += *e == '\\' && e[1] == ' ' ? 2 : 1;
    if (e == p)
        return NULL;
    char *q = make_quote(gc);
    char *r = xfmt("%s: %s%s", target, q, e);
    free(q);
    return r;
}

/* copy_file: the bytes of the file at path, written to to (its write
 * errors are to's).  false when path cannot be read. */
static bool copy_file(const char *path, FILE *to) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, to);
    bool ok = !ferror(f);
    fclose(f);
    return ok;
}

/* push_dep_flags: the options that make $CC write the dependencies of
 * the file it reads to d, as the rule of "gocc-target": -M/-MM (only the
 * dependencies: with_compile false) or -MD/-MMD (beside a compile). */
static void push_dep_flags(vec *c, const char *d, bool with_compile) {
    if (with_compile)
        vpush(c, D.deps == D_ALL ? "-MD" : "-MMD");
    else
        vpush(c, D.deps == D_ALL ? "-M" : "-MM");
    if (D.dep_phony)
        vpush(c, "-MP");
    if (D.dep_missing && !with_compile)
        vpush(c, "-MG");   /* (gcc takes it with -M and -MM only) */
    vpush(c, "-MT"), vpush(c, "gocc-target");
    vpush(c, "-MF"), vpush(c, d);
}

/* finish_deps: the rule $CC wrote to d for the translation of .gc input
 * it, given the .gc file's target and name (rewrite_deps) and written
 * where the dependencies go (dep_file).  Returns 0, or 1 after a
 * message. */
static int finish_deps(const item *it, const char *d) {
    char *text = NULL, *rule = NULL, *target = dep_target(it);
    size_t len = 0;
    int rc = 0;
    FILE *m = xcheck(open_memstream(&text, &len));
    bool read = copy_file(d, m);
    if (fclose(m) != 0)
        die("out of memory");
    if (!read) {
        free(text);
        text = NULL;
    }
    rule = text ? rewrite_deps(text, target, it->a) : NULL;
    if (!rule) {
        fprintf(stderr, "gocc: error: cannot read the dependencies %s "
                        "made for %s\n", d, it->a);
        rc = 1;
    } else {
        char *path = dep_file(it);
        rc = files_write(path ? path : "-", rule, strlen(rule));
        free(path);
    }
    free(text), free(rule), free(target);
    return rc ? 1 : 0;
}

/* deps_by_cc: the dependency file of .gc input it where no compile of
 * its translation makes it (-T, -M, -MM): $CC -M or -MM on the
 * translation at c_path, with the options it would be compiled with.
 * The preprocessor is cheaper than libclang, and it knows the headers
 * exactly as the compile will find them.  (A compile makes them itself:
 * compile_gc.)  Returns 0, or 1 after a message. */
static int deps_by_cc(const item *it, const char *c_path) {
    char *d = tmp_file(it->n, it->a, "gc.d");
    vec c = cc_begin();
    push_gc_options(&c, it);
    push_dep_flags(&c, d, false);
    vpush(&c, c_path);
    int rc = run(&c);
    if (rc == 0)
        rc = finish_deps(it, d);
    free(d);
    return rc ? 1 : 0;
}

/* ---------------------------------------------------------- translation */

/* print_translate_command: with -v, the gocc -T command equivalent to the
 * translation about to happen. */
static void print_translate_command(const char *in, const char *out) {
    vec c = {0};
    vpush(&c, D.argv0);
    vpush(&c, "-T");
    for (size_t i = 0; i < D.clang.n; i++)
        vpush(&c, D.clang.v[i]);
    vpush(&c, in);
    vpush(&c, "-o");
    vpush(&c, out ? out : "-");
    print_command(&c);
    free(c.v);
}

static char *tmp_file(size_t n, const char *input, const char *ext);

/* open_c: where the translation of it is written: out (NULL or "-":
 * stdout), through files_open; when out is the stable path next to the
 * object (stable_c_path), as gocc's own file, or where that cannot be,
 * into the temporary directory instead (it->c_path moves). */
static files_out *open_c(item *it, const char *out) {
    if (it->c_stable) {
        files_out *o = files_open_new(out, D.save_temps);
        if (o)
            return o;
        it->c_stable = false;
        free(it->c_path);
        it->c_path = tmp_file(it->n, it->a, "gc.c");
        out = it->c_path;
    }
    return files_open(out ? out : "-");
}

/* pass_on: copy file from to out (NULL or "-": stdout), through
 * files_open.  Returns 0, or 1 after a message. */
static int pass_on(const char *from, const char *out) {
    files_out *o = files_open(out ? out : "-");
    if (!copy_file(from, files_stream(o))) {   /* write errors: files_commit */
        fprintf(stderr, "gocc: error: cannot read %s: %s\n", from, strerror(errno));
        files_abort(o);
        return 1;
    }
    return files_commit(o);
}

/* translate_item: translate .gc input it to out (NULL: stdout), and write
 * its dependency file if asked.  The C streams to its destination as it
 * is made (open_c), and is put in place only when the whole translation
 * succeeded.  Returns 0, or 1 (the diagnostic is printed). */
static int translate_item(item *it, const char *out) {
    if (D.verbose)
        print_translate_command(it->a, out);
    tr_options o = {.clang_args = (const char *const *)D.clang.v,
                    .nclang_args = (int)D.clang.n,
                    .line_path = NULL,
                    .include_dir = D.incdir};
    /* with dependencies, $CC -M reads the translation from a file: its
     * destination when that is a regular file, else a copy in the
     * temporary directory, made first and then passed on (-T to stdout
     * or a FIFO; -M and -MM pass nothing on) */
    bool regular = out && strcmp(out, "-") && files_is_regular_or_absent(out);
    char *copy = D.deps && (D.deps_only || (D.translate_only && !regular))
                     ? tmp_file(it->n, it->a, "dep.c") : NULL;
    files_out *c = copy ? files_open(copy) : open_c(it, out);
    int rc = tr_translate(it->a, &o, files_stream(c), NULL, stderr);
    if (rc == 0)
        rc = files_commit(c);
    else
        files_abort(c);
    if (!copy && !D.translate_only)
        out = it->c_path;   /* (open_c may have moved it) */
    if (rc == 0 && copy && !D.deps_only)
        rc = pass_on(copy, out);
    if (rc == 0 && D.deps && (D.translate_only || D.deps_only))
        rc = deps_by_cc(it, copy ? copy : out);
    free(copy);
    return rc ? 1 : 0;
}

/* translate_only: -T: exactly one .gc input, to -o or stdout. */
static int translate_only(void) {
    if (D.ninputs != 1)
        die("-T with several inputs needs one input per run");
    if (!D.ngc)
        die("-T needs a .gc input: %s", D.items[0].a);
    for (size_t i = 0; i < D.nitems; i++)
        if (D.items[i].flags & A_GC) {
            D.items[i].src_dir = abs_dir(D.items[i].a);
            return translate_item(&D.items[i], D.out);
        }
    return 1;
}

/* ------------------------------------------------------------- building */

/* tmp_file: "<tmpdir>/<n>/<stem of input>.<ext>". */
static char *tmp_file(size_t n, const char *input, const char *ext) {
    char *s = base_stem(input), *name = xfmt("%s.%s", s, ext);
    char *p = tmp_path(n, name);
    free(s), free(name);
    return p;
}

/* gc_output: what compiling translated .gc input it (number n) produces:
 * an object in the temp dir when linking, else the -o output or, like cc,
 * "<stem>.o" / "<stem>.s" in the current directory (-E: stdout). */
static char *gc_output(const item *it, size_t n) {
    char *s = base_stem(it->a), *r = NULL;
    if (D.mode == M_LINK)
        r = tmp_file(n, it->a, "o");
    else if (D.out)
        r = xstrdup(D.out);
    else if (D.mode != M_PREPROCESS)
        r = xfmt("%s.%s", s, D.mode == M_ASM ? "s" : "o");
    free(s);
    return r;
}

/* push_gc_options: -iquote <dir of the .gc> and the options for the
 * compile of a translated .gc (A_GCCC). */
static void push_gc_options(vec *c, const item *it) {
    vpush(c, "-iquote");
    vpush(c, it->src_dir);
    for (size_t i = 0; i < D.nitems; i++)
        if (D.items[i].flags & A_GCCC) {
            vpush(c, D.items[i].a);
            if (D.items[i].b)
                vpush(c, D.items[i].b);
        }
}

/* compile_gc: $CC -iquote <dir of the .gc> [options] -c|-S|-E translated.c
 * [-o output].  The translated file lives in the temp dir, so the .gc's
 * own directory is named for its #include "..." lines.  With -MD/-MMD the
 * compile writes the dependencies too (finish_deps renames its rule). */
static int compile_gc(const item *it) {
    vec c = cc_begin();
    /* line tables, as every Go binary has, for goroutine dumps' file:line
     * (docs/debugging.md); the program's own -g or -g0 comes later and
     * wins */
    vpush(&c, "-g1");
    push_gc_options(&c, it);
    char *d = D.deps ? tmp_file(it->n, it->a, "gc.d") : NULL;
    if (d)   /* the dependencies, made by the compile (finish_deps) */
        push_dep_flags(&c, d, true);
    vpush(&c, D.mode == M_LINK ? "-c" : mode_flag());
    vpush(&c, it->c_path);
    if (it->obj) {
        vpush(&c, "-o");
        vpush(&c, it->obj);
    }
    int rc = run(&c);
    if (rc == 0 && d)
        rc = finish_deps(it, d);
    free(d);
    return rc;
}

/* push_rest_item: add item it to the link / other-inputs command c; a .gc
 * input becomes its object (shielded from an earlier -x LANG). */
static void push_rest_item(vec *c, const item *it, const char **xlang) {
    if (it->flags & A_XLANG)
        *xlang = strcmp(it->lang, "none") ? it->lang : NULL;
    if (it->flags & A_GC) {
        if (D.mode != M_LINK || D.deps_only)
            return;
        if (*xlang)
            vpush(c, "-x"), vpush(c, "none");
        vpush(c, it->obj);
        if (*xlang)
            vpush(c, "-x"), vpush(c, *xlang);
        return;
    }
    if (it->flags & (A_INPUT | A_REST)) {
        vpush(c, it->a);
        if (it->b)
            vpush(c, it->b);
    }
}

/* run_rest: the final command: the link (objects of the .gc inputs, the
 * other inputs, the runtime), or with -c/-S/-E/-M the compile of the other
 * inputs when there are any. */
static int run_rest(void) {
    bool link = D.mode == M_LINK && !D.deps_only;
    if (!link && D.ninputs == D.ngc)
        return 0;
    vec c = cc_begin();
    const char *xlang = NULL;
    for (size_t i = 0; i < D.nitems; i++)
        push_rest_item(&c, &D.items[i], &xlang);
    if (!link && mode_flag())
        vpush(&c, mode_flag());
    if (D.out)
        vpush(&c, "-o"), vpush(&c, D.out);
    if (link) {
        vpush(&c, D.lib_flag);
        /* the static library, even where libgocc.so lies next to it */
        vpush(&c, D.rt_flag), vpush(&c, "-pthread");
        vpush(&c, "-rdynamic");
    }
    return run(&c);
}

/* check_inputs: every input exists; the combination of inputs and
 * options makes sense; no input is the -o file itself (by device and
 * inode: also through a link), which the build would overwrite.  Dies
 * otherwise. */
static void check_inputs(void) {
    if (!D.ninputs)
        die("no input files");
    bool missing = false;
    for (size_t i = 0; i < D.nitems; i++)
        if (D.items[i].flags & (A_GC | A_INPUT) && strcmp(D.items[i].a, "-") &&
            !exists(D.items[i].a)) {
            fprintf(stderr, "gocc: error: no such file: %s\n", D.items[i].a);
            missing = true;
        }
    if (missing)
        exit(1);
    if (!D.translate_only && D.mode != M_LINK && D.out && D.ninputs > 1)
        die("cannot specify -o with -c, -S or -E with multiple files");
    for (size_t i = 0; D.out && i < D.nitems; i++)   /* as gcc refuses */
        if (D.items[i].flags & (A_GC | A_INPUT) && strcmp(D.items[i].a, "-") &&
            files_same(D.items[i].a, D.out))
            die("input file '%s' is the same as output file", D.items[i].a);
    if (D.mf && D.ngc && D.ngc + D.nsources > 1)
        die("-MF with several source inputs");
}

/* stable_c_path: with `-c`, the translated C goes next to the object
 * (`x.o` -> `x.o.gc.c`, removed afterwards unless -save-temps) rather than
 * into the random temporary directory: the same input then compiles from
 * the same path with the same line markers, so `CC="ccache gcc"` hits its
 * cache on a rebuild.  NULL for the other modes (they use the temp dir)
 * and when the object is not a regular file (-o /dev/null): no file is
 * made beside a device. */
static char *stable_c_path(const item *it) {
    if (D.mode != M_COMPILE || !it->obj || !strcmp(it->obj, "-") ||
        !files_is_regular_or_absent(it->obj))
        return NULL;
    return xfmt("%s.gc.c", it->obj);
}

/* build: translate every .gc input (all of them, reporting every error),
 * compile each, then run the final command. */
static int build(void) {
    int rc = 0;
    for (size_t i = 0, n = 0; i < D.nitems; i++) {
        item *it = &D.items[i];
        if (!(it->flags & A_GC))
            continue;
        it->src_dir = abs_dir(it->a);
        it->n = n++;
        it->obj = gc_output(it, it->n);
        it->c_path = stable_c_path(it);
        it->c_stable = it->c_path != NULL;
        if (!it->c_path)
            it->c_path = tmp_file(it->n, it->a, "gc.c");
        if (translate_item(it, it->c_path))
            rc = 1;
    }
    for (size_t i = 0; rc == 0 && !D.deps_only && i < D.nitems; i++)
        if (D.items[i].flags & A_GC)
            rc = compile_gc(&D.items[i]);
    return rc ? rc : run_rest();
}

/* match_compiler_macros: the translator's libclang predefines __clang__;
 * when $CC is not clang (no word of it names clang: `cc`, `gcc`,
 * `ccache gcc`), undefine it and its kin for the translator, so that
 * `#if defined(__clang__)` branches are active or skipped as the real
 * compiler will have them. */
static void match_compiler_macros(void) {
    for (size_t i = 0; i < D.cc.n; i++) {
        const char *base = strrchr(D.cc.v[i], '/');
        if (strstr(base ? base + 1 : D.cc.v[i], "clang"))
            return;
    }
    static const char *const undef[] = {
        "-U__clang__", "-U__clang_major__", "-U__clang_minor__",
        "-U__clang_patchlevel__", "-U__clang_version__", NULL};
    vec v = {0};
    for (int k = 0; undef[k]; k++)
        vpush(&v, undef[k]);
    for (size_t i = 0; i < D.clang.n; i++)   /* the user's options win */
        vpush(&v, D.clang.v[i]);
    free(D.clang.v);
    D.clang = v;
}

int main(int argc, char **argv) {
    files_init();
    atexit(cleanup);
    parse_args(argc, argv);
    find_dirs();
    choose_runtime(D.info & I_LIBS ||
                   (!D.info && !D.translate_only && D.mode == M_LINK &&
                    !D.deps_only));
    if (D.info)
        return print_info();
    const char *cc = getenv("CC");
    vsplit(&D.cc, cc ? cc : "");
    if (!D.cc.n)
        vpush(&D.cc, "cc");
    vsplit(&D.rt, GOCC_RT_FLAGS);
    match_compiler_macros();
    check_inputs();
    return D.translate_only ? translate_only() : build();
}
