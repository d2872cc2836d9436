/*
 * translate.h - translate one .gc file into C (the whole pipeline: lex,
 * parse the extension constructs, ask libclang the type questions, emit).
 *
 * This is the translator's one entry point; the `gocc` driver (main.c) and
 * the tests call it.  It knows nothing of the C compiler that will build the
 * output, only the options that change how the file parses.
 */
#ifndef GOCC_TRANSLATE_H
#define GOCC_TRANSLATE_H

#include <stddef.h>
#include <stdio.h>

typedef struct tr_options {
    /* Options that change how the file parses, passed on to libclang as
     * given: "-I", "dir" or "-Idir", -D, -U, -std=, -include, -isystem... */
    const char *const *clang_args;
    int nclang_args;
    /* The path written in #line directives.  NULL: the input's absolute
     * path, so that diagnostics and the debugger find the .gc file from
     * whatever directory the C compiler runs in. */
    const char *line_path;
    /* Where the gocc.h that the output includes lives (passed to libclang
     * as -I so that the type pass sees the same header). */
    const char *include_dir;
} tr_options;

typedef struct tr_deps {
    char **paths;        /* every header the file includes, absolute */
    size_t n;
} tr_deps;

/* tr_translate: translate the .gc file at path, writing C to out.
 * Needs: path readable; o->include_dir set.  deps may be NULL; out may be
 * NULL (only *deps is wanted: no C is written).
 * Guarantees: on success returns 0, out holds the whole translation and
 * *deps (if given) the included headers.  The C is written as it is made,
 * 64 KiB at a time, and only once every error in the file has been
 * reported: nothing is written to out when the result is 1.  On an error
 * in the .gc file, prints "path:LINE:COL: error: message", the source line
 * and a caret to err and returns 1.  Returns 2 when the file cannot be
 * read or libclang cannot start, or silently when writing to out failed
 * (ferror(out); out then holds part of the translation). */
int tr_translate(const char *path, const tr_options *o, FILE *out,
                 tr_deps *deps, FILE *err);

void tr_deps_free(tr_deps *d);

#endif
