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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* read_file: the whole file, NUL-terminated, in a buffer of its size
 * (a regular file's size is known first; a pipe's buffer grows and is
 * then trimmed).  NULL with errno set on failure; EFBIG past 4 GiB - 1,
 * as token offsets are 32 bits. */
static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat st;
    size_t cap = 65536, n = 0;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0)
        cap = (size_t)st.st_size + 2;   /* + NUL, + 1 to see the end */
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
    int e = ferror(f) ? errno : 0;
    fclose(f);
    if (buf && (e || n > UINT32_MAX - 1)) {
        free(buf);
        errno = e ? e : EFBIG;
        return NULL;
    }
    if (buf) {
        if (cap > n + 1) {
            char *b = realloc(buf, n + 1);
            if (b)
                buf = b;
        }
        buf[n] = 0;
        *len = n;
    }
    return buf;
}

/* escape_path: the path as the body of a C string literal for `#line`, as
 * gcc writes its line markers: backslashes and quotes escaped, a newline
 * as \n, the other control bytes in octal (\015) and the second "?" of
 * "??" as \? (no trigraph), so that any name makes one directive that gcc
 * and clang read back as that name. */
static char *escape_path(const char *p) {
    char *r = malloc(4 * strlen(p) + 1), *q = r;
    if (!r)
        return NULL;
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\\' || c == '"') {
            *q++ = '\\';
            *q++ = (char)c;
        } else if (c == '\n') {
            *q++ = '\\';
            *q++ = 'n';
        } else if (c == '?' && q > r && q[-1] == '?') {
            *q++ = '\\';   /* "?\?": no trigraph under -std=c11 */
            *q++ = '?';
        } else if (c < 0x20 || c == 0x7f) {
            q += sprintf(q, "\\%03o", c);
        } else {
            *q++ = (char)c;
        }
    }
    *q = 0;
    return r;
}

/* put_quoted: bytes [p, e) of a source line, a NUL shown as a blank (as
 * gcc does), so that the line and the caret under it stay aligned. */
static void put_quoted(const char *p, const char *e, FILE *err) {
    for (; p < e; p++)
        fputc(*p ? *p : ' ', err);
}

/* Print the unit's error with its source line (from the line table) and
 * a caret. */
static void report(const tr_unit *u, FILE *err) {
    uint32_t line = tok_line(u, u->err_tok), col = tok_col(u, u->err_tok);
    fprintf(err, "%s:%u:%u: error: %s\n", u->path, line, col, u->err_msg);
    const char *p = u->src + line_start(u, line);
    const char *e = p;
    while (e < u->src + u->len && *e != '\n' && *e != '\r')
        e++;
    /* a very long line: a window of it around the column */
    const char *pre = "";
    if (e - p > 160 && col > 80) {
        p += col - 60;
        col = 60 + 4;
        pre = "... ";
    }
    const char *post = e - p > 160 ? " ..." : "";
    if (e - p > 160)
        e = p + 160;
    fputs(pre, err);
    put_quoted(p, e, err);
    fprintf(err, "%s\n", post);
    for (uint32_t c = 1; c < col; c++)
        fputc(c > strlen(pre) && p + c - 1 - strlen(pre) < e &&
                      p[c - 1 - strlen(pre)] == '\t' ? '\t' : ' ', err);
    fputs("^\n", err);
}

void *tr_grow(void *p, int n, int *cap, size_t elem, int first) {
    if (n < *cap)
        return p;
    int c = *cap ? *cap : first;
    while (c <= n) {   /* by half: at most a third of the block unused */
        if (c > INT32_MAX / 3 * 2 - 1)
            return NULL;
        c += c / 2 + 1;
    }
    void *q = realloc(p, (size_t)c * elem);
    if (q)
        *cap = c;
    return q;
}

int tr_by_pair(const void *pa, const void *pb) {
    const int *a = pa, *b = pb;
    return a[0] != b[0] ? (a[0] > b[0]) - (a[0] < b[0])
                        : (a[1] > b[1]) - (a[1] < b[1]);
}

/* The pool: chunks of POOL_CHUNK bytes (a bigger request gets its own),
 * each starting with the address of the one before; and the interned
 * blobs (strings, lists of strings), an open-addressing set at most half
 * full.  An interned blob has its length in the 8 bytes before it. */
enum { POOL_CHUNK = 16384 };
struct tr_pool {
    char *at, *end;          /* the newest chunk's free bytes */
    void *chunks;            /* the newest chunk, or NULL */
    const char **set;
    unsigned mask;           /* set has mask + 1 slots (0: none yet) */
    unsigned n;
};

/* pool_of: u's pool, made on first use; NULL out of memory. */
static struct tr_pool *pool_of(tr_unit *u) {
    if (!u->pool)
        u->pool = calloc(1, sizeof *u->pool);
    return u->pool;
}

/* pool_alloc: n bytes (8-aligned) that live as long as u; NULL out of
 * memory. */
static void *pool_alloc(tr_unit *u, size_t n) {
    struct tr_pool *P = pool_of(u);
    if (!P)
        return NULL;
    n = (n + 7) & ~(size_t)7;
    if (n > (size_t)(P->end - P->at)) {
        size_t size = sizeof(void *) + (n > POOL_CHUNK / 4 ? n : POOL_CHUNK);
        void **c = malloc(size);
        if (!c)
            return NULL;
        if (n > POOL_CHUNK / 4 && P->chunks) {   /* the newest keeps its room */
            *c = *(void **)P->chunks;
            *(void **)P->chunks = c;
            return c + 1;
        }
        *c = P->chunks;
        P->chunks = c;
        P->at = (char *)(c + 1);
        P->end = (char *)c + size;
    }
    void *r = P->at;
    P->at += n;
    return r;
}

static unsigned blob_hash(const unsigned char *p, size_t n) {
    unsigned h = 2166136261u;   /* FNV-1a */
    for (size_t k = 0; k < n; k++)
        h = (h ^ p[k]) * 16777619u;
    return h;
}

static size_t blob_len(const char *b) { return (size_t)((const uint64_t *)b)[-1]; }

/* intern: the pooled copy of the n bytes at p, the same pointer for the
 * same bytes; NULL out of memory. */
static const void *intern(tr_unit *u, const void *p, size_t n) {
    struct tr_pool *P = pool_of(u);
    if (!P)
        return NULL;
    if (2 * (P->n + 1) > P->mask + 1) {   /* grow: rehash into twice as many */
        unsigned cap = P->mask ? 2 * (P->mask + 1) : 64;
        const char **set = calloc(cap, sizeof *set);
        if (!set)
            return NULL;
        for (unsigned k = 0; P->mask && k <= P->mask; k++) {
            if (!P->set[k])
                continue;
            unsigned h = blob_hash((const unsigned char *)P->set[k],
                                   blob_len(P->set[k])) & (cap - 1);
            while (set[h])
                h = (h + 1) & (cap - 1);
            set[h] = P->set[k];
        }
        free(P->set);
        P->set = set;
        P->mask = cap - 1;
    }
    unsigned h = blob_hash(p, n) & P->mask;
    for (; P->set[h]; h = (h + 1) & P->mask)
        if (blob_len(P->set[h]) == n && !memcmp(P->set[h], p, n))
            return P->set[h];
    uint64_t *c = pool_alloc(u, sizeof(uint64_t) + n);
    if (!c)
        return NULL;
    c[0] = n;
    memcpy(c + 1, p, n);
    P->set[h] = (const char *)(c + 1);
    P->n++;
    return c + 1;
}

const char *tr_intern(tr_unit *u, char *s) {
    const char *r = s ? intern(u, s, strlen(s) + 1) : NULL;
    free(s);
    return r;
}

const char **tr_intern_list(tr_unit *u, const char *const *list, int n) {
    return (const char **)intern(u, list, ((size_t)n + 1) * sizeof *list);
}

static void pool_free(tr_unit *u) {
    if (!u->pool)
        return;
    for (void *c = u->pool->chunks; c;) {
        void *prev = *(void **)c;
        free(c);
        c = prev;
    }
    free(u->pool->set);
    free(u->pool);
    u->pool = NULL;
}

void tr_site_free(tr_unit *u, site *s, bool answers_only) {
    if (s->more < 0)
        return;
    site_more *m = site_m(u, s);
    switch (s->kind) {
    case SITE_GOCALL:   /* its answers are the pool's */
        m->arg_types = NULL;
        m->fn_type = NULL;
        if (!answers_only) {
            free(m->args);
            m->args = NULL;
        }
        break;
    case SITE_GOBLOCK:
        for (int k = 0; k < m->ncaps; k++) {
            free(m->caps[k].name);
            free(m->caps[k].type);
        }
        free(m->caps);
        m->caps = NULL;
        m->ncaps = 0;
        if (!answers_only) {
            free(m->decls);
            m->decls = NULL;
        }
        break;
    case SITE_STATICREF:
        if (!answers_only) {
            free((char *)m->repl);
            m->repl = NULL;
        }
        break;
    default:
        break;
    }
}

void tr_unit_free(tr_unit *u) {
    for (int i = 0; i < u->nsites; i++)
        tr_site_free(u, &u->sites[i], false);
    free(u->sites);
    free(u->chans);
    free(u->cases);
    free(u->more);
    free(u->funcs);
    for (int i = 0; i < u->ntypedefs; i++)
        free(u->typedefs[i]);
    free(u->typedefs);
    for (int f = 0; f < TK_NFLAGS; f++)
        free(u->tflags[f]);
    free(u->tck);
    free(u->longs);
    free(u->tkind);
    free(u->lines);
    free(u->brk_bits);
    free(u->brk_rank);
    free(u->brk_d);
    free(u->brk_far);
    free(u->alts);
    free(u->kid_first);
    free(u->kids);
    free(u->src);
    free(u->line_path);
    pool_free(u);
}

/* Number the sites for generated names: go sites per function, the rest
 * per file, in source order (deterministic output). */
void tr_number_sites(tr_unit *u) {
    int next = 1;
    int *pergo = calloc((size_t)u->nfuncs + 1, sizeof *pergo);
    for (int i = 0; i < u->nsites; i++) {
        site *s = &u->sites[i];
        if (s->kind == SITE_GOCALL || s->kind == SITE_GOBLOCK)
            site_m(u, s)->id = ++pergo[site_m(u, s)->func + 1];
        else if (s->kind == SITE_SELECT)
            s->y.a = next++;
        else if (s->kind == SITE_RECVOK || s->kind == SITE_FORRANGE)
            site_m(u, s)->id = next++;
    }
    free(pergo);
}

/* Is token i inside an #if group (hiredis' `#ifdef SDS_TEST_MAIN int
 * main...`)? */
static bool in_conditional(const tr_unit *u, int i) {
    int depth = 0;
    for (int k = 0; k < i; k++) {
        if (tok_kind_of(u, k) != TOK_PP)
            continue;
        bool unlikely;
        pp_dir d = tr_directive(u, k, &unlikely);
        if (d == PP_IF)
            depth++;
        else if (d == PP_ENDIF && depth > 0)
            depth--;
    }
    return depth > 0;
}

/* Does any site ask the libclang pass a question?  Channel types, make,
 * receives used as values and main's name are lowered from the text
 * alone; everything else needs types (send and close/len/cap candidates,
 * go statements, select, ranges, receives with status, dropped receives
 * that may be of a non-channel).  A main under #if, or two of them, need
 * it too: only a live main gets GOCC_MAIN.  Without it, constructs in branches
 * the preprocessor skips are lowered as well, which the compiler then
 * skips: the output differs only there.  Plain C files (most of a real
 * code base renamed .gc) then cost no libclang parse at all. */
static bool main_needs_clang(const tr_unit *u) {
    int mains = 0;
    for (int f = 0; f < u->nfuncs; f++)
        if (u->funcs[f].is_main) {
            mains++;
            if (in_conditional(u, u->funcs[f].start))
                return true;   /* live or not: libclang knows */
        }
    return mains > 1;
}

static bool needs_types(const tr_unit *u) {
    if (main_needs_clang(u))
        return true;
    for (int i = 0; i < u->nsites; i++) {
        const site *s = &u->sites[i];
        switch (s->kind) {
        case SITE_CHAN: case SITE_MAKE: case SITE_MAINNAME:
            break;
        case SITE_RECV:
            if (s->drop && !s->after)
                return true;
            break;
        default:
            return true;
        }
    }
    return false;
}

/* run_sema: write the shadow and let tr_sema answer the sites' questions
 * (tr_sema's result: 0, -1 or -2). */
static int run_sema(tr_unit *u, const tr_options *o, tr_deps *deps,
                    FILE *err) {
    strbuf shadow = {0};
    int *ss = malloc((size_t)u->ntoks * sizeof *ss);
    int *se = malloc((size_t)u->ntoks * sizeof *se);
    tr_emit(u, EMIT_SHADOW, &shadow, ss, se);
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
    int s = tr_sema(u, shadow.p ? shadow.p : "", shadow.len, ss, se, args, n,
                    deps);
    free(args);
    free(ss);
    free(se);
    free(shadow.p);
    return s;
}

/* ------------------------------------------------ GOCC_SEMA=check
 * The text pass's answers, kept to compare with libclang's: one line of
 * text per site, "" for sites without a question. */
typedef struct answers {
    int n;
    char **line;
} answers;

static char *answer_line(const tr_unit *u, const site *s) {
    strbuf sb = {0};
    sb_printf(&sb, "chan=%d direct=%d", s->is_chan, s->direct);
    if (s->kind != SITE_GOCALL && s->kind != SITE_GOBLOCK)
        return sb.p;
    const site_more *m = site_m(u, s);
    if (s->kind == SITE_GOCALL && m->fn_type)
        sb_printf(&sb, " fn=%s", m->fn_type);
    for (int k = 0; s->kind == SITE_GOCALL && m->arg_types && k < m->nargs; k++)
        sb_printf(&sb, " arg%d=%s", k, m->arg_types[k] ? m->arg_types[k] : "?");
    if (s->kind != SITE_GOBLOCK)
        return sb.p;
    /* captures by name: the passes may list them in different orders
     * (libclang by the shadow's order of first use), which changes only
     * the order of the capture struct's members */
    bool *done = calloc((size_t)m->ncaps + 1, sizeof *done);
    for (int n = 0; n < m->ncaps; n++) {
        int k = -1;
        for (int j = 0; j < m->ncaps; j++)
            if (!done[j] && (k < 0 || strcmp(m->caps[j].name, m->caps[k].name) < 0))
                k = j;
        done[k] = true;
        sb_printf(&sb, " cap=%s:%s%s%s", m->caps[k].name, m->caps[k].type,
                  m->caps[k].by_pointer ? ":ptr" : "",
                  m->caps[k].is_array ? ":array" : "");
    }
    free(done);
    if (m->ndecls)
        sb_printf(&sb, " decls=%d", m->ndecls);
    return sb.p;
}

static answers *save_answers(const tr_unit *u) {
    answers *a = calloc(1, sizeof *a);
    a->n = u->nsites;
    a->line = calloc((size_t)u->nsites + 1, sizeof *a->line);
    for (int i = 0; i < u->nsites; i++)
        a->line[i] = answer_line(u, &u->sites[i]);
    return a;
}

static void free_answers(answers *a) {
    if (!a)
        return;
    for (int i = 0; i < a->n; i++)
        free(a->line[i]);
    free(a->line);
    free(a);
}

/* 0 when libclang's answers (now in u) are the text pass's (in a). */
static int compare_answers(const tr_unit *u, const answers *a, FILE *err) {
    int bad = 0;
    for (int i = 0; i < u->nsites; i++) {
        char *l = answer_line(u, &u->sites[i]);
        const char *m = i < a->n ? a->line[i] : "(no site)";
        if (strcmp(l, m)) {
            int at = u->sites[i].a;
            fprintf(err, "%s:%u:%u: error: GOCC_SEMA=check: the text pass "
                         "answers '%s', libclang '%s'\n",
                    u->path, tok_line(u, at), tok_col(u, at), m, l);
            bad = -1;
        }
        free(l);
    }
    return bad;
}

static void note_why(const tr_unit *u, const char *why, int tok, FILE *err) {
    int at = tok >= 0 ? tok : 0;
    fprintf(err, "%s:%u:%u: note: GOCC_SEMA=check: types from libclang: %s\n",
            u->path, tok_line(u, at), tok_col(u, at), why);
}

/* answer_types: the sites' type questions, from the text pass when it is
 * sure of all of them (unless -MD needs libclang's list of headers), else
 * from libclang; GOCC_SEMA=check runs both and compares, GOCC_SEMA=clang
 * skips the text pass.  Returns translate's status (0, 1, 2). */
static int answer_types(tr_unit *u, const tr_options *o, tr_deps *deps,
                        FILE *err) {
    const char *mode = getenv("GOCC_SEMA");
    bool check = mode && !strcmp(mode, "check");
    bool text = !deps && !main_needs_clang(u) &&
                !(mode && !strcmp(mode, "clang"));
    const char *why = NULL;
    int why_tok = -1;
    int t = text ? tr_text(u, o ? o->clang_args : NULL,
                           o ? o->nclang_args : 0, &why, &why_tok) : -1;
    if (t == 0 && !check)
        return 0;
    if (check && why)
        note_why(u, why, why_tok, err);
    answers *mine = check && t == 0 ? save_answers(u) : NULL;
    if (mine)
        tr_text_clear(u);
    int s = run_sema(u, o, deps, err);
    int rc = s < 0 ? (s == -2 ? 2 : 1) : 0;
    if (rc == 0 && mine && compare_answers(u, mine, err) < 0)
        rc = 1;   /* err_tok is -1: compare_answers said it */
    free_answers(mine);
    return rc;
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
    /* the libclang pass is needed only when some site asks a question
     * the file's text does not answer (tr_text.c) */
    if (deps || needs_types(&u)) {
        rc = answer_types(&u, o, deps, err);
        if (rc)
            goto done;
    }
    tr_number_sites(&u);
    if (out) {   /* streamed: the emitter holds 64 KiB of it at most */
        strbuf c = {.sink = out};
        tr_emit(&u, EMIT_FINAL, &c, NULL, NULL);
        sb_drain(&c, false);
        if (ferror(out))
            rc = 2;
        free(c.p);
    }
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
