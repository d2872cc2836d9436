/*
 * translate.c - the translator's pipeline for one .gc file:
 *
 *   read -> lex (tr_parse.c: tr_lex) -> find sites (tr_parse) ->
 *   write the shadow (tr_emit.c, EMIT_SHADOW) -> libclang answers the type
 *   questions (tr_sema.c) -> write the C (tr_emit.c, EMIT_FINAL)
 *
 * and the error report: "file.gc:LINE:COL: error: message", the source
 * line, a caret under the column.
 */
#define _DEFAULT_SOURCE   /* realpath */
#include "translate.h"
#include "tr.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *b = realloc(buf, cap *= 2);
            if (!b) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    if (buf) {
        buf[n] = 0;
        *len = n;
    }
    return buf;
}

/* The path as a C string literal body: backslashes and quotes escaped. */
static char *escape_path(const char *p) {
    char *r = malloc(2 * strlen(p) + 1), *q = r;
    if (!r)
        return NULL;
    for (; *p; p++) {
        if (*p == '\\' || *p == '"')
            *q++ = '\\';
        *q++ = *p;
    }
    *q = 0;
    return r;
}

/* Print the unit's error with its source line and a caret. */
static void report(const tr_unit *u, FILE *err) {
    const token *t = &u->toks[u->err_tok];
    fprintf(err, "%s:%u:%u: error: %s\n", u->path, t->line, t->col,
            u->err_msg);
    /* the source line: find its start from the line number */
    const char *p = u->src;
    for (uint32_t l = 1; l < t->line && *p; p++)
        if (*p == '\n')
            l++;
    const char *e = p;
    while (e < u->src + u->len && *e != '\n' && *e != '\r')
        e++;
    /* a very long line: a window of it around the column */
    uint32_t col = t->col;
    const char *pre = "";
    if (e - p > 160 && col > 80) {
        p += col - 60;
        col = 60 + 4;
        pre = "... ";
    }
    const char *post = e - p > 160 ? " ..." : "";
    if (e - p > 160)
        e = p + 160;
    fprintf(err, "%s%.*s%s\n", pre, (int)(e - p), p, post);
    for (uint32_t c = 1; c < col; c++)
        fputc(c > strlen(pre) && p + c - 1 - strlen(pre) < e &&
                      p[c - 1 - strlen(pre)] == '\t' ? '\t' : ' ', err);
    fputs("^\n", err);
}

void tr_unit_free(tr_unit *u) {
    for (int i = 0; i < u->nsites; i++) {
        site *s = &u->sites[i];
        free(s->args);
        free(s->cases);
        free(s->fn_type);
        if (s->arg_types)
            for (int k = 0; k < s->nargs; k++)
                free(s->arg_types[k]);
        free(s->arg_types);
        for (int k = 0; k < s->ncaps; k++) {
            free(s->caps[k].name);
            free(s->caps[k].type);
        }
        free(s->caps);
        free(s->decls);
        if (s->kind == SITE_STATICREF)
            free((char *)s->repl);
    }
    free(u->sites);
    free(u->funcs);
    for (int i = 0; i < u->ntypedefs; i++)
        free(u->typedefs[i]);
    free(u->typedefs);
    free(u->toks);
    free(u->match);
    free(u->src);
    free(u->line_path);
}

/* Number the sites for generated names: go sites per function, the rest
 * per file, in source order (deterministic output). */
void tr_number_sites(tr_unit *u) {
    int next = 1;
    int *pergo = calloc((size_t)u->nfuncs + 1, sizeof *pergo);
    for (int i = 0; i < u->nsites; i++) {
        site *s = &u->sites[i];
        if (s->kind == SITE_GOCALL || s->kind == SITE_GOBLOCK)
            s->id = ++pergo[s->func + 1];
        else if (s->kind == SITE_SELECT || s->kind == SITE_RECVOK ||
                 s->kind == SITE_FORRANGE)
            s->id = next++;
    }
    free(pergo);
}

static int translate(const char *path, const tr_options *o, FILE *out,
                     tr_deps *deps, FILE *err) {
    tr_unit u = {0};
    u.path = path;
    u.err = err;
    u.err_tok = -1;
    if (deps)
        memset(deps, 0, sizeof *deps);
    u.src = read_file(path, &u.len);
    if (!u.src) {
        fprintf(err, "gocc: error: cannot read %s: %s\n", path,
                strerror(errno));
        return 2;
    }
    if (o && o->line_path) {
        u.line_path = escape_path(o->line_path);
    } else {
        char *abs = realpath(path, NULL);
        u.line_path = escape_path(abs ? abs : path);
        free(abs);
    }
    int rc = 0;
    if (tr_lex(&u) < 0 || tr_parse(&u) < 0) {
        rc = 1;
        goto done;
    }
    /* the libclang pass is needed only when some site asks */
    strbuf shadow = {0};
    int *ss = malloc((size_t)u.ntoks * sizeof *ss);
    int *se = malloc((size_t)u.ntoks * sizeof *se);
    tr_emit(&u, EMIT_SHADOW, &shadow, ss, se);
    if (getenv("GOCC_DUMP_SHADOW") && shadow.p)   /* debugging aid */
        fputs(shadow.p, err);
    int nargs = o ? o->nclang_args : 0;
    const char **args = malloc(((size_t)nargs + 3) * sizeof *args);
    int n = 0;
    if (o && o->include_dir) {
        args[n++] = "-I";
        args[n++] = o->include_dir;
    }
    for (int i = 0; i < nargs; i++)
        args[n++] = o->clang_args[i];
    int s = tr_sema(&u, shadow.p ? shadow.p : "", shadow.len, ss, se, args, n,
                    deps);
    free(args);
    free(ss);
    free(se);
    free(shadow.p);
    if (s < 0) {
        rc = s == -2 ? 2 : 1;
        goto done;
    }
    tr_number_sites(&u);
    strbuf c = {0};
    tr_emit(&u, EMIT_FINAL, &c, NULL, NULL);
    if (c.len && fwrite(c.p, 1, c.len, out) != c.len)
        rc = 2;
    free(c.p);
done:
    if (rc == 1 && u.err_tok >= 0)
        report(&u, err);
    else if (rc == 2 && u.err_tok >= 0)
        fprintf(err, "%s: error: %s\n", path, u.err_msg);
    tr_unit_free(&u);
    return rc;
}

/* The parser's recursion is bounded (MAX_DEPTH in tr_parse.c), but
 * libclang's cursor walk recurses once per AST level, and C allows deep
 * else-if chains: run the pipeline on a thread with a large stack (only
 * the pages touched cost memory). */
typedef struct job {
    const char *path;
    const tr_options *o;
    FILE *out, *err;
    tr_deps *deps;
    int rc;
} job;

static void *run_job(void *p) {
    job *j = p;
    j->rc = translate(j->path, j->o, j->out, j->deps, j->err);
    return NULL;
}

int tr_translate(const char *path, const tr_options *o, FILE *out,
                 tr_deps *deps, FILE *err) {
    job j = {path, o, out, err, deps, 2};
    /* libclang parses on a thread of its own with an 8 MiB stack, unless
     * told not to: then it uses this big one */
    setenv("LIBCLANG_NOTHREADS", "1", 0);
    /* one malloc arena: a second thread's arena grows by small mprotect
     * steps, which made the libclang pass a third slower */
    mallopt(M_ARENA_MAX, 1);
    pthread_attr_t attr;
    pthread_t t;
    if (pthread_attr_init(&attr) == 0 &&
        pthread_attr_setstacksize(&attr, (size_t)512 << 20) == 0 &&
        pthread_create(&t, &attr, run_job, &j) == 0) {
        pthread_join(t, NULL);
        pthread_attr_destroy(&attr);
        return j.rc;
    }
    return translate(path, o, out, deps, err);   /* no thread: as is */
}

void tr_deps_free(tr_deps *d) {
    for (size_t i = 0; i < d->n; i++)
        free(d->paths[i]);
    free(d->paths);
    d->paths = NULL;
    d->n = 0;
}
