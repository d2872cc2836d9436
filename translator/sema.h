/*
 * sema.h - libclang setup shared by the translator: parse a C file with
 * the user's -I -D -U -std -include options and clang's resource directory
 * (recorded at configure time: Debian's libclang does not find stddef.h
 * without it), count the errors, and list every header the file includes
 * (for -MD dependency files).  The translator's type questions are in
 * tr_sema.c.
 */
#ifndef GOCC_SEMA_H
#define GOCC_SEMA_H

#include <stddef.h>

typedef struct sema_result {
    int errors;          /* error and fatal diagnostics */
    char **includes;     /* absolute paths, each once, in first-seen order */
    size_t nincludes;
    char first_error[512];  /* "file:line:col: message" of the first */
} sema_result;

/* Parse path (C, with args passed to clang).  Returns 0 and fills *r, or
 * -1 if libclang could not parse at all.  Free with sema_result_free. */
int sema_parse(const char *path, const char *const *args, int nargs,
               sema_result *r);
void sema_result_free(sema_result *r);

/* Fill argv with the arguments every libclang parse here takes: clang's
 * resource directory, then args.  argv needs nargs + 2 slots; returns the
 * count written. */
int sema_clang_args(const char **argv, const char *const *args, int nargs);

/* Append to *paths (*n entries, malloc'd) every file that the libclang
 * translation unit tu (a CXTranslationUnit) includes, absolute and once
 * each, in first-seen order. */
void sema_collect_includes(void *tu, char ***paths, size_t *n);

#endif
