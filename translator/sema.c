/*
 * sema.c - the libclang pass (see sema.h).
 *
 * libclang is told clang's resource directory (GOCC_CLANG_RESOURCE_DIR,
 * from `clang -print-resource-dir` at configure time) before the user's
 * arguments, so that <stddef.h>, <stdbool.h> and friends resolve as they
 * do for the clang that built the project.
 *
 * libclang itself is loaded here, on first use (clang_api.h says why):
 * the library configure found (GOCC_LIBCLANG, its real file, then the
 * path as found), else its soname (GOCC_LIBCLANG_SONAME) through the
 * loader's search path.
 */
#define _POSIX_C_SOURCE 200809L   /* strdup */
#include "sema.h"

#define GOCC_CLANG_DEFINE
#include "clang_api.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if !defined(GOCC_LIBCLANG) || !defined(GOCC_LIBCLANG_SONAME)
#error "GOCC_LIBCLANG and GOCC_LIBCLANG_SONAME must be defined by the build"
#endif

/* ------------------------------------------------------ loading libclang */

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[512];      /* empty when loaded */

static void load_clang(void) {
    const char *tries[] = {GOCC_LIBCLANG, GOCC_LIBCLANG_FOUND,
                           GOCC_LIBCLANG_SONAME};
    void *h = NULL;
    char why[256] = "";
    for (size_t i = 0; i < sizeof tries / sizeof *tries && !h; i++) {
        h = dlopen(tries[i], RTLD_NOW | RTLD_LOCAL);
        const char *e = h ? NULL : dlerror();
        if (i == 0 && e)   /* the first failure says most */
            snprintf(why, sizeof why, "%s", e);
    }
    if (!h) {
        snprintf(load_error, sizeof load_error,
                 "cannot load libclang (%s): %s", GOCC_LIBCLANG, why);
        return;
    }
    /* POSIX's way to store a dlsym result in a function pointer */
#define GOCC_CLANG_LOAD(f)                                                   \
    if (!load_error[0] && !(*(void **)&gocc_p_##f = dlsym(h, #f)))           \
        snprintf(load_error, sizeof load_error,                              \
                 "cannot load libclang (%s): no %s", GOCC_LIBCLANG, #f);
    GOCC_CLANG_FUNCS(GOCC_CLANG_LOAD)
#undef GOCC_CLANG_LOAD
}

int sema_load_clang(char *err, size_t errlen) {
    pthread_once(&load_once, load_clang);
    if (!load_error[0])
        return 0;
    if (err && errlen)
        snprintf(err, errlen, "%s", load_error);
    return -1;
}

#ifndef GOCC_CLANG_RESOURCE_DIR
#error "GOCC_CLANG_RESOURCE_DIR must be defined by the build"
#endif

typedef struct incl_ctx {
    char ***paths;
    size_t *n;
    size_t cap;
} incl_ctx;

static void add_include(incl_ctx *c, const char *path) {
    for (size_t i = 0; i < *c->n; i++)
        if (!strcmp((*c->paths)[i], path))
            return;
    if (*c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 32;
        char **v = realloc(*c->paths, cap * sizeof *v);
        if (!v)
            return;
        *c->paths = v;
        c->cap = cap;
    }
    char *copy = strdup(path);
    if (copy)
        (*c->paths)[(*c->n)++] = copy;
}

/* Called for each file in the translation unit; depth 0 is the main file. */
static void on_inclusion(CXFile file, CXSourceLocation *stack, unsigned depth,
                         CXClientData data) {
    (void)stack;
    if (depth == 0)
        return;
    CXString name = clang_File_tryGetRealPathName(file);
    const char *s = clang_getCString(name);
    if (!s || !*s) {
        clang_disposeString(name);
        name = clang_getFileName(file);
        s = clang_getCString(name);
    }
    if (s && *s)
        add_include(data, s);
    clang_disposeString(name);
}

static void record_errors(CXTranslationUnit tu, sema_result *r) {
    unsigned n = clang_getNumDiagnostics(tu);
    for (unsigned i = 0; i < n; i++) {
        CXDiagnostic d = clang_getDiagnostic(tu, i);
        enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);
        if (sev >= CXDiagnostic_Error) {
            if (r->errors++ == 0) {
                CXString s = clang_formatDiagnostic(
                    d, CXDiagnostic_DisplaySourceLocation |
                           CXDiagnostic_DisplayColumn);
                snprintf(r->first_error, sizeof r->first_error, "%s",
                         clang_getCString(s));
                clang_disposeString(s);
            }
        }
        clang_disposeDiagnostic(d);
    }
}

int sema_clang_args(const char **argv, const char *const *args, int nargs) {
    int n = 0;
    argv[n++] = "-resource-dir";
    argv[n++] = GOCC_CLANG_RESOURCE_DIR;
    for (int i = 0; i < nargs; i++)
        argv[n++] = args[i];
    return n;
}

int sema_parse(const char *path, const char *const *args, int nargs,
               sema_result *r) {
    memset(r, 0, sizeof *r);
    if (sema_load_clang(r->first_error, sizeof r->first_error) < 0)
        return -1;
    const char **argv = malloc(((size_t)nargs + 3) * sizeof *argv);
    if (!argv)
        return -1;
    int n = sema_clang_args(argv, args, nargs);
    CXIndex index = clang_createIndex(0, 0);
    CXTranslationUnit tu = NULL;
    enum CXErrorCode rc = clang_parseTranslationUnit2(
        index, path, argv, n, NULL, 0,
        CXTranslationUnit_DetailedPreprocessingRecord, &tu);
    free(argv);
    if (rc != CXError_Success || !tu) {
        clang_disposeIndex(index);
        return -1;
    }
    record_errors(tu, r);
    sema_collect_includes(tu, &r->includes, &r->nincludes);
    clang_disposeTranslationUnit(tu);
    clang_disposeIndex(index);
    return 0;
}

void sema_collect_includes(void *tu, char ***paths, size_t *n) {
    incl_ctx c = {paths, n, *n};
    clang_getInclusions(tu, on_inclusion, &c);
}

void sema_result_free(sema_result *r) {
    for (size_t i = 0; i < r->nincludes; i++)
        free(r->includes[i]);
    free(r->includes);
    memset(r, 0, sizeof *r);
}
