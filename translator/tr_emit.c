/*
 * tr_emit.c - write C for a parsed .gc file, in one of two modes.
 *
 * EMIT_SHADOW writes the text the libclang pass parses: every construct
 * lowered as far as it can be without types (sends and close/len/cap
 * candidates stay neutral, `go` is dropped, select becomes a switch), and
 * the output offset of every source token recorded, so that an expression
 * libclang finds can be matched to the token range it came from.
 *
 * EMIT_FINAL writes the translation, using what tr_sema.c learnt.  Source
 * tokens are copied byte for byte.  The emitter tracks which source line
 * the current output line shows; whenever they part (inserted lines, code
 * moved elsewhere) it writes `#line N "file.gc"` and pads the next token to
 * its source column, so that compiler carets and the debugger land on the
 * .gc text.  Code moved out of place (select operands evaluated up front)
 * is written on one line with comments dropped.
 *
 * Generated names all start with gocc_ (the runtime's prefix, which user
 * code does not use).  Generated code names nothing but what <gocc.h>
 * declares and NULL (which it has from <stddef.h>): no bool, true, false
 * or int64_t, which the program may not have or may define itself
 * (gocc_bool, 0 and 1 instead; tests/header/prog.gc).
 */
#include "tr.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------------- strbuf */

enum { SB_SINK_AT = 64 << 10 };   /* a strbuf with a sink holds this much */

/* sb_drain: write s's text to its sink and drop it from s, all of it or,
 * with keep_last, all but the last byte.  Needs: s->sink. */
void sb_drain(strbuf *s, bool keep_last) {
    size_t n = keep_last && s->len ? s->len - 1 : s->len;
    if (n == 0)
        return;
    (void)!fwrite(s->p, 1, n, s->sink);   /* an error stays in ferror */
    memmove(s->p, s->p + n, s->len - n + 1);
    s->len -= n;
}

void sb_put(strbuf *s, const char *p, size_t n) {
    if (s->len + n + 1 > s->cap && s->sink && s->cap >= SB_SINK_AT)
        sb_drain(s, true);
    if (s->len + n + 1 > s->cap) {
        /* small first: most strbufs hold one printed type */
        size_t cap = s->cap ? s->cap : 64;
        while (cap < s->len + n + 1)
            cap *= 2;
        char *q = realloc(s->p, cap);
        if (!q) {
            fputs("gocc: out of memory\n", stderr);
            exit(2);
        }
        s->p = q;
        s->cap = cap;
    }
    memcpy(s->p + s->len, p, n);
    s->len += n;
    s->p[s->len] = 0;
}

void sb_puts(strbuf *s, const char *p) { sb_put(s, p, strlen(p)); }

void sb_printf(strbuf *s, const char *fmt, ...) {
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        sb_put(s, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big)
        return;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_put(s, big, (size_t)n);
    free(big);
}

/* ---------------------------------------------------------------- emitter */

/* The kind of conditional directive preprocessor line i is (an #elif
 * counts as an #else here: it ends a branch and starts another). */
static pp_dir pp_cond_of(const tr_unit *u, int i) {
    bool zero;
    pp_dir d = tr_directive(u, i, &zero);
    return d == PP_ELIF ? PP_ELSE : d;
}


typedef struct emitter {
    tr_unit *u;
    emit_mode mode;
    strbuf *out;
    int *sstart, *send;   /* SHADOW: output offsets of each token */
    int oline;            /* source line shown by the output line; 0: none */
    bool moved;           /* writing code away from its source position */
    int *order;           /* sites sorted by (a, -b); NULL: they are */
    /* what is at a token marked TK_MARK (found by binary search, as
     * marks are few): the sites starting there (order), the function
     * whose pre_point it is, the function whose `}` it is */
    int (*starts)[2];     /* (token, function), by token */
    int (*ends)[2];       /* (token, function), by token */
    int nfuncs;
    const site *in_block; /* the go block whose trampoline is being written */
    int *go_first;        /* per function: its go sites are */
    int *go_list;         /*   go_list[go_first[f] .. go_first[f + 1]) */
    bool norecord;        /* SHADOW: a second copy, positions not recorded */
    /* TK_INJECT: #include <gocc.h> goes before the token (cleared once
     * written) */
    bool included;        /* an `#include <gocc.h>` has been written */
    /* FINAL: the #line bookkeeping (see note_line, cond_line) */
    bool gen_on_line;     /* generated text on the current output line */
    int cond_depth;       /* conditional (#if) depth of the output so far */
    int line_depth;       /* cond_depth at the last #line, -1: none to check */
} emitter;


/* Write generated text. */
static void put(emitter *e, const char *p, size_t n) {
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++)
        if (p[i] == '\n')
            e->oline = 0;
    e->gen_on_line = p[n - 1] != '\n';
    sb_put(e->out, p, n);
}

static void puts_(emitter *e, const char *s) { put(e, s, strlen(s)); }

static void printf_(emitter *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* printf_: put() formatted text, of any length (a `#line` with a long
 * escaped path included). */
static void printf_(emitter *e, const char *fmt, ...) {
    char small[1024], *buf = small;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof small && (buf = malloc((size_t)n + 1))) {
        va_start(ap, fmt);
        vsnprintf(buf, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    if (n > 0 && buf)
        put(e, buf, (size_t)n);
    if (buf != small)
        free(buf);
}

/* at_bol: the output ends a line (a lone "\r" ends one too, as in the
 * source it was copied from: gcc and clang count it as a newline). */
static bool at_bol(const emitter *e) {
    return e->out->len == 0 || e->out->p[e->out->len - 1] == '\n' ||
           e->out->p[e->out->len - 1] == '\r';
}

/* A #line was just written.  The preprocessor ignores it when the
 * branch it is in is skipped, while the lines it and the code around it
 * add still count; cond_line then makes the next token write #line again
 * once that branch has ended. */
static void note_line(emitter *e) { e->line_depth = e->cond_depth; }

/* Track the output's conditional depth through preprocessor line i, just
 * written.  When it ends the branch holding the last #line (an #elif or
 * #else of that group or one around it, an #endif closing one of them),
 * that #line may have been skipped: the next token writes #line anew. */
static void cond_line(emitter *e, int i) {
    int ended;   /* depth of the group whose branch ends, or -1 */
    switch (pp_cond_of(e->u, i)) {
    case PP_IF:
        e->cond_depth++;
        return;
    case PP_ELSE:
        ended = e->cond_depth - 1;
        break;
    case PP_ENDIF:
        ended = e->cond_depth > 0 ? --e->cond_depth : -1;
        break;
    default:
        return;
    }
    if (ended >= 0 && ended < e->line_depth) {
        e->oline = 0;
        e->line_depth = -1;
    }
}

/* Write `#line N "file"` and a newline (at the start of a line). */
static void put_line_directive(emitter *e, unsigned line) {
    printf_(e, "#line %u \"%s\"\n", line, e->u->line_path);
    note_line(e);
}

/* Write `#line` for token t and pad to its column with the blanks of its
 * source line (tabs kept, so display columns match too). */
static void sync_line(emitter *e, int i) {
    const tr_unit *u = e->u;
    uint32_t line = tok_line(u, i), off = tok_off(u, i);
    if (!at_bol(e))
        sb_put(e->out, "\n", 1);
    sb_printf(e->out, "#line %u \"%s\"\n", line, u->line_path);
    note_line(e);
    for (size_t k = line_start(u, line); k < off; k++)
        sb_put(e->out, u->src[k] == '\t' ? "\t" : " ", 1);
    e->oline = (int)line;
    e->gen_on_line = false;
}

/* Copy source token i. */
static void emit_tok(emitter *e, int i) {
    const tr_unit *u = e->u;
    const char *p = tok_ptr(u, i);
    if (e->mode == EMIT_SHADOW) {
        if (e->norecord) {
            sb_put(e->out, p, tok_len(u, i));
            return;
        }
        if (e->sstart[i] < 0)
            e->sstart[i] = (int)e->out->len;
        if (tok_flag(u, i, TK_FLAT_ELSE))   /* tr_parse.c: flatten_else */
            sb_put(e->out, ";   ", 4);
        else
            sb_put(e->out, p, tok_len(u, i));
        e->send[i] = (int)e->out->len;
        return;
    }
    if (tok_kind_of(u, i) == TOK_EOF)
        return;
    if (e->moved) {
        switch (tok_kind_of(u, i)) {
        case TOK_NEWLINE: case TOK_COMMENT: case TOK_SPLICE:
            sb_put(e->out, " ", 1);
            e->gen_on_line = true;
            return;
        case TOK_PP:
            if (!at_bol(e))
                sb_put(e->out, "\n", 1);
            sb_put(e->out, p, tok_len(u, i));
            sb_put(e->out, "\n", 1);
            e->oline = 0;
            e->gen_on_line = false;
            cond_line(e, i);
            return;
        default:
            sb_put(e->out, p, tok_len(u, i));
            e->gen_on_line = true;
            return;
        }
    }
    if (tok_kind_of(u, i) == TOK_NEWLINE) {
        sb_put(e->out, p, tok_len(u, i));
        if (e->oline)
            e->oline++;
        e->gen_on_line = false;
        return;
    }
    /* a directive may follow blanks and comments of its own line, but not
     * generated text: that needs a line of its own */
    if (e->oline != (int)tok_line(u, i) || (tok_kind_of(u, i) == TOK_PP && e->gen_on_line))
        sync_line(e, i);
    sb_put(e->out, p, tok_len(u, i));
    for (uint32_t k = 0; k < tok_len(u, i); k++)   /* "\n", "\r\n", a lone "\r" */
        if (p[k] == '\n' || (p[k] == '\r' && (k + 1 == tok_len(u, i) ||
                                              p[k + 1] != '\n'))) {
            e->gen_on_line = false;
            if (e->oline)
                e->oline++;
        }
    if (tok_kind_of(u, i) == TOK_PP)
        cond_line(e, i);
}

/* Copy tokens [a, b] with no site lookup. */
static void emit_gap(emitter *e, int a, int b) {
    for (int i = a; i <= b; i++)
        emit_tok(e, i);
}

static void emit_site(emitter *e, const site *s);
static void emit_main_proto(emitter *e, int fi);
static bool main_void(const tr_unit *u, const func *f);
static void emit_func_pre(emitter *e, int fi);
static void emit_func_post(emitter *e, int fi);

/* pre_point: where what goes before function f (its go structs and
 * trampolines, main's prototype) is written: before its first token,
 * unless that token lies in #if groups that end inside the function
 * (`#ifdef X` / `static` / `#endif` before the name, or SQLite's
 * `#if ...` / `int main(...) {` / `#else` / `int wmain(...) {` / `#endif`):
 * then before the `#if` of the outermost of those, so that it is compiled
 * whichever branch is.  Functions are asked in the order of their
 * starts: w walks the file's #if and #endif lines once, keeping the
 * groups open before the current start. */
typedef struct cond_walk {
    const int *conds;    /* the #if and #endif lines, in order */
    const bool *is_if;   /* which of them are #if */
    int n, k;            /* how many; the first not before the start */
    int *open;           /* the #if lines of the groups open there */
    int nopen;
} cond_walk;

static int pre_point(const func *f, cond_walk *w) {
    for (; w->k < w->n && w->conds[w->k] < f->start; w->k++) {
        if (w->is_if[w->k])
            w->open[w->nopen++] = w->conds[w->k];
        else if (w->nopen > 0)
            w->nopen--;
    }
    int depth = 0, closed = 0;   /* groups open at start that end inside */
    for (int k = w->k; k < w->n && w->conds[k] <= f->rbrace &&
                       closed < w->nopen; k++) {
        if (w->is_if[k])
            depth++;
        else if (--depth < -closed)
            closed = -depth;
    }
    return closed > 0 ? w->open[w->nopen - closed] : f->start;
}

/* func_at: the function paired with token i in v (n pairs sorted by
 * token, then function), or -1.  Where two functions share a token (two
 * headers under #if/#else share their pre_point), the later one. */
static int func_at(int (*v)[2], int n, int i) {
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (v[mid][0] <= i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && v[lo - 1][0] == i ? v[lo - 1][1] : -1;
}

/* Emit tokens [a, b], lowering every site that starts and ends inside. */
/* The channel type starting at token i that ends by token b, the
 * longest if several (the sites' order: by start, then longest first). */
static const chan_type *chan_fitting(const tr_unit *u, int i, int b) {
    const chan_type *c = tr_chan_at(u, i), *best = NULL;
    for (int k = c ? (int)(c - u->chans) : -1; k >= 0 && u->chans[k].a == i; k--)
        if (u->chans[k].b <= b && u->chans[k].b >= u->chans[k].a &&
            (!best || u->chans[k].b >= best->b))
            best = &u->chans[k];
    return best;
}

static void emit_range(emitter *e, int a, int b) {
    const tr_unit *u = e->u;
    for (int i = a; i <= b && i < u->ntoks;) {
        if (tok_flag(u, i, TK_INJECT) && !e->moved) {
            if (!at_bol(e))
                put(e, "\n", 1);
            puts_(e, "#include <gocc.h>\n");
            tok_clear_flag(e->u, i, TK_INJECT);
            e->included = true;
        }
        bool mark = tok_flag(u, i, TK_MARK);
        int fstart = mark ? func_at(e->starts, e->nfuncs, i) : -1;
        int fend = mark ? func_at(e->ends, e->nfuncs, i) : -1;
        if (fstart >= 0 && e->mode == EMIT_FINAL && !e->moved) {
            if (!e->included) {   /* pre_point came before the first one */
                if (!at_bol(e))
                    put(e, "\n", 1);
                puts_(e, "#include <gocc.h>\n");
                e->included = true;
            }
            emit_main_proto(e, fstart);
            emit_func_pre(e, fstart);
        }
        const site *s = NULL;
        site chan;   /* a channel type, as the site it was (tr_parse.c) */
        if (mark) {
            for (int k = tr_first_site(u, e->order, i);
                 k < u->nsites && u->sites[e->order ? e->order[k] : k].a == i; k++) {
                const site *c = &u->sites[e->order ? e->order[k] : k];
                if (c->b <= b && c->b >= c->a) {
                    s = c;
                    break;
                }
            }
            const chan_type *ct = s ? NULL : chan_fitting(u, i, b);
            if (ct) {
                chan = (site){.a = ct->a, .b = ct->b, .x = chan_x(ct),
                              .kind = SITE_CHAN, .inactive = ct->inactive,
                              .more = -1};
                s = &chan;
            }
        }
        if (s && s->inactive && e->mode == EMIT_FINAL) {
            emit_gap(e, s->a, s->b);   /* skipped by the preprocessor */
            i = s->b + 1;
            continue;
        }
        if (s) {
            if (e->mode == EMIT_FINAL && !e->moved &&
                e->oline != (int)tok_line(u, s->a))
                sync_line(e, s->a);
            int start = (int)e->out->len;
            emit_site(e, s);
            if (e->mode == EMIT_SHADOW && !e->norecord) {
                if (e->sstart[s->a] < 0 || e->sstart[s->a] > start)
                    e->sstart[s->a] = start;
                e->send[s->b] = (int)e->out->len;
            }
            i = s->b + 1;
            continue;
        }
        if (fend >= 0 && e->mode == EMIT_FINAL && !e->moved &&
            e->u->funcs[fend].is_main && !e->u->funcs[fend].inactive &&
            !main_void(e->u, &e->u->funcs[fend]))
            puts_(e, "return 0; ");   /* C's implicit return 0 from main */
        emit_tok(e, i);
        if (fend >= 0 && e->mode == EMIT_FINAL && !e->moved)
            emit_func_post(e, fend);
        i++;
    }
}

static void emit_r(emitter *e, range r) { emit_range(e, r.a, r.b); }

/* SHADOW: a second copy of r whose positions are not recorded (the first,
 * in a probe, is the one the type questions look at). */
static void emit_copy(emitter *e, range r) {
    bool was = e->norecord;
    e->norecord = true;
    emit_range(e, r.a, r.b);
    e->norecord = was;
}

/* SHADOW: `(void)(X);`, a use of X that type-checks whatever X is, so that
 * libclang gives its type even when the real use would be an error (a
 * receive from something that is not a channel). */
static void emit_probe(emitter *e, range r) {
    puts_(e, "(void)(");
    emit_r(e, r);
    puts_(e, ");");
}

/* Emit a range moved away from its place (one line, no #line). */
static void emit_moved(emitter *e, range r) {
    bool was = e->moved;
    e->moved = true;
    emit_range(e, r.a, r.b);
    e->moved = was;
}

static const char *tok_text(const tr_unit *u, int i, char *buf, size_t n) {
    size_t len = tok_len(u, i) < n - 1 ? tok_len(u, i) : n - 1;
    memcpy(buf, tok_ptr(u, i), len);
    buf[len] = 0;
    return buf;
}

/* ------------------------------------------------------------ declarations */

/* A declaration of name with a printed type: `int n`, `char *p`, or
 * `__typeof__(int [3]) a` when the declarator would wrap around it. */
/* tr_type_simple: does a printed type declare with a plain `T name` (and
 * take a `*` or `[n]` after it)?  True without declarator punctuation,
 * apart from one leading gocc_chan(...) or __typeof__(...) group. */
bool tr_type_simple(const char *t) {
    static const char *const wraps[] = {"gocc_chan(", "__typeof__(", NULL};
    for (int k = 0; wraps[k]; k++) {
        size_t n = strlen(wraps[k]);
        if (strncmp(t, wraps[k], n))
            continue;
        int depth = 1;
        const char *p = t + n;
        for (; *p && depth; p++)
            depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
        t = p;
        break;
    }
    return !strchr(t, '(') && !strchr(t, '[');
}

/* tr_pointer_type: the printed type "pointer to t" (malloc'd): `int *`,
 * `char **`, or `__typeof__(int [3]) *` when t would need a declarator. */
char *tr_pointer_type(const char *t) {
    strbuf sb = {0};
    if (tr_type_simple(t))
        sb_printf(&sb, "%s%s*", t, t[0] && t[strlen(t) - 1] == '*' ? "" : " ");
    else
        sb_printf(&sb, "__typeof__(%s) *", t);
    return sb.p;
}

static void put_decl(strbuf *sb, const char *type, const char *name) {
    size_t n = strlen(type);
    const char *br = strstr(type, " [");
    if (br && type[n - 1] == ']' && !strchr(br + 2, '[') &&
        !strchr(br, '(')) {   /* `E [N]` with E simple: `E name[N]` */
        char *elem = malloc((size_t)(br - type) + 1);
        if (elem) {
            memcpy(elem, type, (size_t)(br - type));
            elem[br - type] = 0;
            if (tr_type_simple(elem)) {
                sb_printf(sb, "%s %s%s", elem, name, br + 1);
                free(elem);
                return;
            }
            free(elem);
        }
    }
    if (!tr_type_simple(type))
        sb_printf(sb, "__typeof__(%s) %s", type, name);
    else if (type[strlen(type) - 1] == '*')
        sb_printf(sb, "%s%s", type, name);
    else
        sb_printf(sb, "%s %s", type, name);
}

/* The callee member `R (*fn)(params)` from a function type text
 * `R (params)` (R as printed: simple, or __typeof__(...)). */
static void put_fn_member(strbuf *sb, const char *ftype) {
    int depth = 0;
    for (const char *p = ftype; *p; p++) {
        if (*p == '(' && depth == 0 && p > ftype && p[-1] == ' ') {
            sb_printf(sb, "%.*s(*fn)%s", (int)(p - ftype), ftype, p);
            return;
        }
        depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
    }
    sb_printf(sb, "__typeof__(%s) *fn", ftype);
}

static const char *func_name_of(const emitter *e, int fi, char *buf,
                                size_t n) {
    const tr_unit *u = e->u;
    if (fi < 0 || u->funcs[fi].name < 0)
        return "file";
    return tok_text(u, u->funcs[fi].name, buf, n);
}

/* go_func: site k's function if it is a go site in one, else -1. */
static int go_func(const tr_unit *u, int k) {
    const site *s = &u->sites[k];
    return s->kind == SITE_GOCALL || s->kind == SITE_GOBLOCK ? site_m(u, s)->func
                                                             : -1;
}

/* The generated name of a go site: gocc_<function>_go<id>. */
static void go_name(const emitter *e, const site *s, char *buf, size_t n) {
    char fn[128];
    const site_more *m = site_m(e->u, s);
    snprintf(buf, n, "gocc_%s_go%d", func_name_of(e, m->func, fn, sizeof fn),
             m->id);
}

/* Is main declared `void main(...)`?  (gcc accepts it, with a warning
 * under -Wmain; the program then exits with status 0.) */
static bool main_void(const tr_unit *u, const func *f) {
    return f->name > f->start && tok_is(u, tok_prev(u, f->name), "void");
}

/* Is there a declaration of main at file scope before its definition
 * fi (then renamed with it, and a prototype already)? */
static bool main_declared_before(const tr_unit *u, int fi) {
    for (int k = 0; k < u->nsites; k++) {
        const site *s = &u->sites[k];
        if (s->kind != SITE_MAINNAME || s->inactive || s->a >= u->funcs[fi].start)
            continue;
        bool in_body = false;
        for (int g = 0; g < u->nfuncs && !in_body; g++)
            in_body = u->funcs[g].lbrace < s->a && s->a < u->funcs[g].rbrace;
        if (!in_body)
            return true;
    }
    return false;
}

/* Before main's definition, renamed gocc_main_user: its prototype, copied
 * from the definition's header (so that -Wmissing-prototypes finds one),
 * unless the file declares main before; one line, at the header's line.
 * Not for an old-style definition (an identifier list cannot make a
 * prototype). */
static void emit_main_proto(emitter *e, int fi) {
    const tr_unit *u = e->u;
    const func *f = &u->funcs[fi];
    if (!f->is_main || f->inactive || f->name < 0)
        return;
    int lp = tok_next(u, f->name);
    if (!tok_is(u, lp, "(") || tok_match(u, lp) < 0 ||
        tok_next(u, tok_match(u, lp)) != f->lbrace || main_declared_before(u, fi))
        return;
    if (!at_bol(e))
        put(e, "\n", 1);
    put_line_directive(e, tok_line(u, f->start));
    emit_moved(e, (range){f->start, tok_match(u, lp)});
    puts_(e, ";\n");
}

/* The struct of go block s's captured variables, `struct NAME {...};`:
 * one member a line (nl "\n") or all on one line (nl " "). */
static void put_cap_struct(strbuf *sb, const site_more *m, const char *name,
                           const char *nl) {
    sb_printf(sb, "struct %s {%s", name, nl);
    for (int i = 0; i < m->ncaps; i++) {
        const capture *c = &m->caps[i];
        sb_puts(sb, *nl == '\n' ? "    " : "");
        if (c->by_pointer) {
            char *pt = tr_pointer_type(c->type);
            put_decl(sb, pt, c->name);
            free(pt);
        } else {
            put_decl(sb, c->type, c->name);
        }
        sb_printf(sb, ";%s", nl);
    }
    sb_puts(sb, *nl == '\n' ? "};\n" : "};");
}

/* Before a function holding go statements: the argument structs, the
 * call trampolines, and the prototypes of the block trampolines. */
static void emit_func_pre(emitter *e, int fi) {
    const tr_unit *u = e->u;
    strbuf sb = {0};
    for (int g = e->go_first[fi]; g < e->go_first[fi + 1]; g++) {
        const site *s = &u->sites[e->go_list[g]];
        char name[200];
        if (s->inactive)
            continue;
        const site_more *m = site_m(u, s);
        sb_printf(&sb, "#line %u \"%s\"\n", tok_line(u, s->a), u->line_path);
        if (s->kind == SITE_GOCALL) {
            go_name(e, s, name, sizeof name);
            sb_printf(&sb, "struct %s {\n    ", name);
            put_fn_member(&sb, m->fn_type);
            sb_puts(&sb, ";\n");
            for (int i = 0; i < m->nargs; i++) {
                char an[16];
                snprintf(an, sizeof an, "a%d", i);
                sb_puts(&sb, "    ");
                put_decl(&sb, m->arg_types[i], an);
                sb_puts(&sb, ";\n");
            }
            /* the trampoline is all on the go statement's line: a dump
             * shows a goroutine not yet started there */
            sb_printf(&sb, "};\n#line %u \"%s\"\n", tok_line(u, s->a),
                      u->line_path);
            sb_printf(&sb, "static void %s(void *gocc_p) {"
                           " struct %s *gocc_a = gocc_p; gocc_a->fn(",
                      name, name);
            for (int i = 0; i < m->nargs; i++)
                sb_printf(&sb, "%sgocc_a->a%d", i ? ", " : "", i);
            sb_puts(&sb, "); }\n");
        } else if (s->kind == SITE_GOBLOCK) {
            go_name(e, s, name, sizeof name);
            if (m->ncaps && !m->ndecls)   /* else inside the functions */
                put_cap_struct(&sb, m, name, "\n");
            sb_printf(&sb, "static void %s(void *gocc_p);\n", name);
        }
    }
    if (sb.len) {
        if (!at_bol(e))
            put(e, "\n", 1);
        put(e, sb.p, sb.len);
        note_line(e);
    }
    free(sb.p);
}

/* At the top of go block s's function: copies of the local declarations
 * it needs, each at its own line, then the capture struct (on the go
 * statement's line), as the enclosing function declares it too. */
static void emit_local_decls(emitter *e, const site *s, const char *name) {
    const site_more *m = site_m(e->u, s);
    for (int i = 0; i < m->ndecls; i++) {
        emit_r(e, m->decls[i]);
        puts_(e, ";\n");
    }
    put_line_directive(e, tok_line(e->u, s->a));
    if (m->ncaps) {
        strbuf sb = {0};
        put_cap_struct(&sb, m, name, " ");
        sb_puts(&sb, "\n");
        put(e, sb.p, sb.len);
        free(sb.p);
    }
}

/* After a function: the trampolines of its go blocks, each holding the
 * block's statements, with #line back to them. */
static void emit_func_post(emitter *e, int fi) {
    const tr_unit *u = e->u;
    for (int g = e->go_first[fi]; g < e->go_first[fi + 1]; g++) {
        const site *s = &u->sites[e->go_list[g]];
        if (s->kind != SITE_GOBLOCK || s->inactive)
            continue;
        const site_more *m = site_m(u, s);
        char name[200];
        go_name(e, s, name, sizeof name);
        if (!at_bol(e))
            put(e, "\n", 1);
        put_line_directive(e, tok_line(e->u, s->a));
        printf_(e, "static void %s(void *gocc_p)\n{\n", name);
        if (m->ndecls)
            emit_local_decls(e, s, name);
        if (m->ncaps)
            printf_(e, "    struct %s *gocc_a = gocc_p;\n", name);
        else
            puts_(e, "    (void)gocc_p;\n");
        for (int i = 0; i < m->ncaps; i++) {
            const capture *c = &m->caps[i];
            if (c->by_pointer)
                continue;
            strbuf d = {0};
            sb_puts(&d, "    ");
            if (c->is_array) {
                put_decl(&d, c->type, c->name);
                sb_printf(&d, "; __builtin_memcpy(%s, gocc_a->%s, sizeof %s);\n",
                          c->name, c->name, c->name);
            } else {
                put_decl(&d, c->type, c->name);
                sb_printf(&d, " = gocc_a->%s;\n", c->name);
            }
            put(e, d.p, d.len);
            free(d.p);
        }
        const site *was = e->in_block;
        e->in_block = s;
        emit_r(e, m->body);
        e->in_block = was;
        puts_(e, "\n}\n");
    }
}

/* ----------------------------------------------------------------- sites */

static void emit_chan(emitter *e, const site *s) {
    puts_(e, "gocc_chan(");
    emit_r(e, s->x);
    puts_(e, ")");
}

static void emit_make(emitter *e, const site *s) {
    const site_more *m = site_m(e->u, s);
    puts_(e, s->typedef_make ? "gocc_make_chan(" : "gocc_make(");
    emit_r(e, m->z);
    puts_(e, ", ");
    if (s->y.a <= s->y.b)
        emit_r(e, s->y);
    else
        puts_(e, "0");
    puts_(e, ")");
}

static void emit_recv(emitter *e, const site *s) {
    if (e->mode == EMIT_SHADOW && s->drop && !s->after) {
        puts_(e, "(void)(");
        emit_r(e, s->x);
        puts_(e, ")");
        return;
    }
    if (s->after)
        puts_(e, s->drop ? "(void)gocc_recv_release(" : "gocc_recv_release(");
    else
        puts_(e, s->drop ? "gocc_recv_drop(" : "gocc_recv(");
    emit_r(e, s->x);
    puts_(e, ")");
}

static void emit_send(emitter *e, const site *s) {
    if (e->mode == EMIT_SHADOW) {
        emit_r(e, s->x);
        puts_(e, ", ");
        emit_r(e, s->y);
        puts_(e, ";");
        return;
    }
    if (!s->is_chan) {   /* `n <- 1;`: C's comparison, as written */
        emit_r(e, s->x);
        emit_gap(e, s->x.b + 1, s->y.a - 1);
        emit_r(e, s->y);
        emit_gap(e, s->y.b + 1, s->b);
        return;
    }
    puts_(e, "gocc_send(");
    emit_r(e, s->x);
    puts_(e, ", ");
    emit_r(e, s->y);
    puts_(e, ");");
}

static void emit_recvok(emitter *e, const site *s) {
    const site_more *m = site_m(e->u, s);
    if (e->mode == EMIT_SHADOW) {
        emit_probe(e, m->z);
        puts_(e, " ");
        emit_r(e, s->x);
        puts_(e, ", ");
        emit_r(e, s->y);
        puts_(e, " = gocc_recv(");
        emit_copy(e, m->z);
        puts_(e, ");");
        return;
    }
    if (s->direct) {
        emit_r(e, s->y);
        puts_(e, " = gocc_recv_ok(");
        emit_r(e, m->z);
        puts_(e, ", &");
        emit_r(e, s->x);
        puts_(e, ");");
        return;
    }
    printf_(e, "{ gocc_elem_t(");
    emit_r(e, m->z);
    printf_(e, ") gocc_rv%d; gocc_bool gocc_ok%d = gocc_recv_ok(", m->id, m->id);
    emit_r(e, m->z);
    printf_(e, ", &gocc_rv%d); ", m->id);
    emit_r(e, s->x);
    printf_(e, " = gocc_rv%d; ", m->id);
    emit_r(e, s->y);
    printf_(e, " = gocc_ok%d; }", m->id);
}

static void emit_builtin(emitter *e, const site *s) {
    if (e->mode == EMIT_FINAL && s->is_chan) {
        char name[8];
        printf_(e, "gocc_%s(", tok_text(e->u, s->a, name, sizeof name));
        emit_r(e, s->x);
        puts_(e, ")");
        return;
    }
    emit_tok(e, s->a);
    emit_gap(e, s->a + 1, s->x.a - 1);
    emit_r(e, s->x);
    emit_gap(e, s->x.b + 1, s->b);
}

static void emit_gocall(emitter *e, const site *s) {
    const site_more *m = site_m(e->u, s);
    if (e->mode == EMIT_SHADOW) {
        emit_r(e, s->x);
        puts_(e, "(");
        for (int i = 0; i < m->nargs; i++) {
            if (i)
                puts_(e, ", ");
            emit_r(e, m->args[i]);
        }
        puts_(e, ");");
        return;
    }
    char name[200];
    go_name(e, s, name, sizeof name);
    printf_(e, "{ struct %s gocc_a%d; gocc_a%d.fn = ", name, m->id, m->id);
    emit_r(e, s->x);
    for (int i = 0; i < m->nargs; i++) {
        printf_(e, "; gocc_a%d.a%d = ", m->id, i);
        emit_r(e, m->args[i]);
    }
    printf_(e, "; gocc_go_copy(%s, &gocc_a%d, sizeof gocc_a%d); }", name,
            m->id, m->id);
}

/* The value a go block's struct member starts from: the variable, or its
 * address when shared; inside another block's trampoline a shared one is
 * already a pointer there. */
static void put_capture_init(emitter *e, const capture *c) {
    if (!c->by_pointer) {
        puts_(e, c->name);
        return;
    }
    const site *outer = e->in_block;
    if (outer)
        for (int i = 0; i < site_m(e->u, outer)->ncaps; i++) {
            const capture *oc = &site_m(e->u, outer)->caps[i];
            if (oc->by_pointer && !strcmp(oc->name, c->name)) {
                printf_(e, "gocc_a->%s", c->name);
                return;
            }
        }
    printf_(e, "&%s", c->name);
}

static void emit_goblock(emitter *e, const site *s) {
    const site_more *m = site_m(e->u, s);
    if (e->mode == EMIT_SHADOW) {
        emit_r(e, m->body);
        return;
    }
    char name[200];
    go_name(e, s, name, sizeof name);
    if (!m->ncaps) {
        printf_(e, "gocc_go(%s, NULL);", name);
        return;
    }
    if (m->ndecls) {   /* its types are named inside the function only */
        strbuf sb = {0};
        sb_puts(&sb, "{ ");
        put_cap_struct(&sb, m, name, " ");
        put(e, sb.p, sb.len);
        free(sb.p);
        printf_(e, " struct %s gocc_a%d = {", name, m->id);
    } else {
        printf_(e, "{ struct %s gocc_a%d = {", name, m->id);
    }
    for (int i = 0; i < m->ncaps; i++) {
        const capture *c = &m->caps[i];
        if (c->is_array && !c->by_pointer)
            continue;
        printf_(e, " .%s = ", c->name);
        put_capture_init(e, c);
        puts_(e, ",");
    }
    puts_(e, " };");
    for (int i = 0; i < m->ncaps; i++) {
        const capture *c = &m->caps[i];
        if (c->is_array && !c->by_pointer)
            printf_(e, " __builtin_memcpy(gocc_a%d.%s, %s, sizeof gocc_a%d.%s);",
                    m->id, c->name, c->name, m->id, c->name);
    }
    printf_(e, " gocc_go_copy(%s, &gocc_a%d, sizeof gocc_a%d); }", name,
            m->id, m->id);
}

/* select, shadow form: a switch with each case's operation as a statement
 * of its own block, so that declarations and types come out right. */
static void emit_select_shadow(emitter *e, const site *s) {
    puts_(e, "switch (0) {");
    for (int i = 0; i < sel_ncases(s); i++) {
        const sel_case cv = sel_case_of(e->u, s, i), *c = &cv;
        if (c->kind == CASE_DEFAULT) {
            puts_(e, " default: {");
        } else {
            printf_(e, " case %d: {", i);
            emit_probe(e, c->ch);
            if (c->kind == CASE_SEND) {
                puts_(e, " ");
                emit_r(e, c->val);
                puts_(e, ";");
            } else if (c->lhs.a <= c->lhs.b) {
                puts_(e, " ");
                emit_r(e, c->lhs);
                if (c->ok.a <= c->ok.b) {
                    puts_(e, ", ");
                    emit_r(e, c->ok);
                }
                puts_(e, " = gocc_recv(");
                emit_copy(e, c->ch);
                puts_(e, ");");
            }
        }
        emit_r(e, c->body);
        puts_(e, " } break;");
    }
    puts_(e, " }");
}

static void emit_select(emitter *e, const site *s) {
    if (e->mode == EMIT_SHADOW) {
        emit_select_shadow(e, s);
        return;
    }
    const tr_unit *u = e->u;
    int n = 0, has_default = 0;
    for (int i = 0; i < sel_ncases(s); i++)
        if (sel_case_of(u, s, i).kind == CASE_DEFAULT)
            has_default = 1;
        else
            n++;
    int id = s->y.a;
    int col = (int)tok_col(u, s->a);
    char ind[64];
    snprintf(ind, sizeof ind, "%*s", col + 3 > 60 ? 60 : col + 3, "");
    if (n == 0) {
        printf_(e, "{ switch (gocc_select(NULL, 0, %s)) {",
                has_default ? "1" : "0");
    } else {
        printf_(e, "{ gocc_select_case gocc_sc%d[%d];\n", id, n);
        int k = 0;
        for (int i = 0; i < sel_ncases(s); i++) {
            const sel_case cv = sel_case_of(e->u, s, i), *c = &cv;
            if (c->kind == CASE_DEFAULT)
                continue;
            /* the operands' errors belong to their case's line */
            put_line_directive(e, tok_line(u, c->kw));
            puts_(e, ind);
            if (c->kind == CASE_SEND) {
                bool simple = c->ch.a == c->ch.b;
                if (!simple) {
                    puts_(e, "__typeof__(");
                    emit_moved(e, c->ch);
                    printf_(e, ") gocc_c%d_%d = ", id, k);
                    emit_moved(e, c->ch);
                    printf_(e, "; gocc_elem_t(gocc_c%d_%d)", id, k);
                } else {
                    puts_(e, "gocc_elem_t(");
                    emit_moved(e, c->ch);
                    puts_(e, ")");
                }
                printf_(e, " gocc_v%d_%d = ", id, k);
                emit_moved(e, c->val);
                printf_(e, "; gocc_sc%d[%d] = gocc_case_send(", id, k);
                if (simple)
                    emit_moved(e, c->ch);
                else
                    printf_(e, "gocc_c%d_%d", id, k);
                printf_(e, ", &gocc_v%d_%d);", id, k);
            } else if (c->lhs.a <= c->lhs.b) {
                puts_(e, "gocc_elem_t(");
                emit_moved(e, c->ch);
                printf_(e, ") gocc_v%d_%d; gocc_sc%d[%d] = gocc_case_recv(", id,
                        k, id, k);
                emit_moved(e, c->ch);
                printf_(e, ", &gocc_v%d_%d);", id, k);
            } else {
                printf_(e, "gocc_sc%d[%d] = gocc_case_recv_drop(", id, k);
                emit_moved(e, c->ch);
                puts_(e, ");");
            }
            if (c->after)
                printf_(e, " gocc_sc%d[%d].flags = GOCC_CASE_RELEASE;", id, k);
            puts_(e, "\n");
            k++;
        }
        /* the select itself (a dump or gdb shows a waiting goroutine
         * here) belongs to the select keyword's line */
        put_line_directive(e, tok_line(u, s->a));
        printf_(e, "%sswitch (gocc_select(gocc_sc%d, %d, %s)) {", ind, id, n,
                has_default ? "1" : "0");
    }
    int k = 0;
    for (int i = 0; i < sel_ncases(s); i++) {
        const sel_case cv = sel_case_of(e->u, s, i), *c = &cv;
        if (i > 0)
            puts_(e, " } break;");
        emit_gap(e, tok_prev(u, c->kw) + 1, c->kw - 1);   /* spacing */
        if (e->oline != (int)tok_line(u, c->kw))
            sync_line(e, c->kw);
        if (c->kind == CASE_DEFAULT) {
            puts_(e, "default: {");
        } else {
            printf_(e, "case %d: {", k);
            if (c->kind == CASE_RECV && c->lhs.a <= c->lhs.b) {
                puts_(e, " ");
                emit_r(e, c->lhs);
                printf_(e, " = gocc_v%d_%d;", id, k);
                if (c->ok.a <= c->ok.b) {
                    puts_(e, " ");
                    emit_r(e, c->ok);
                    printf_(e, " = gocc_sc%d[%d].ok;", id, k);
                }
            }
            k++;
        }
        if (c->body.a <= c->body.b) {
            emit_gap(e, c->colon + 1, c->body.a - 1);
            emit_r(e, c->body);
        }
    }
    if (sel_ncases(s))
        puts_(e, " } break;");
    emit_gap(e, tok_prev(u, s->b) + 1, s->b - 1);
    if (e->oline != (int)tok_line(u, s->b))
        sync_line(e, s->b);
    puts_(e, "} }");
}

static void emit_forrange(emitter *e, const site *s) {
    const site_more *m = site_m(e->u, s);
    if (e->mode == EMIT_SHADOW) {
        puts_(e, "{ ");
        emit_probe(e, s->y);
        puts_(e, " for (");
        emit_r(e, s->x);
        puts_(e, " = gocc_recv(");
        emit_copy(e, s->y);
        puts_(e, ");;) ");
        emit_r(e, m->body);
        puts_(e, " }");
        return;
    }
    int id = m->id;
    printf_(e, "for (__typeof__(");
    emit_r(e, s->y);
    printf_(e, ") gocc_r%d = ", id);
    emit_r(e, s->y);
    printf_(e, ";;) { gocc_elem_t(gocc_r%d) gocc_v%d; if (!gocc_recv_ok("
               "gocc_r%d, &gocc_v%d)) break; ",
            id, id, id, id);
    emit_r(e, s->x);
    printf_(e, " = gocc_v%d;", id);
    emit_gap(e, tok_prev(e->u, m->body.a) + 1, m->body.a - 1);
    emit_r(e, m->body);
    puts_(e, " }");
}

static void emit_site(emitter *e, const site *s) {
    switch (s->kind) {
    case SITE_CHAN: emit_chan(e, s); break;
    case SITE_MAKE: emit_make(e, s); break;
    case SITE_RECV: emit_recv(e, s); break;
    case SITE_SEND: emit_send(e, s); break;
    case SITE_RECVOK: emit_recvok(e, s); break;
    case SITE_BUILTIN: emit_builtin(e, s); break;
    case SITE_GOCALL: emit_gocall(e, s); break;
    case SITE_GOBLOCK: emit_goblock(e, s); break;
    case SITE_SELECT: emit_select(e, s); break;
    case SITE_FORRANGE: emit_forrange(e, s); break;
    case SITE_MAINNAME:
        if (e->mode == EMIT_FINAL) {
            if (e->oline != (int)tok_line(e->u, s->a) && !e->moved)
                sync_line(e, s->a);
            puts_(e, "gocc_main_user");
        } else {
            emit_tok(e, s->a);
        }
        break;
    case SITE_STATICREF:
        if (e->mode == EMIT_FINAL) {
            if (e->oline != (int)tok_line(e->u, s->a) && !e->moved)
                sync_line(e, s->a);
            puts_(e, site_m(e->u, s)->repl);
        } else {
            emit_tok(e, s->a);
        }
        break;
    }
}

/* -------------------------------------------------------------------- run */

/* set_flag: as tok_set_flag; out of memory, exit as tr_emit does. */
static void set_flag(tr_unit *u, int i, tok_flag_id f) {
    if (tok_set_flag(u, i, f) < 0) {
        fputs("gocc: out of memory\n", stderr);
        exit(2);
    }
}

/* Where `#include <gocc.h>` goes: TK_INJECT is set on each token it is
 * written before.  The rule:
 *   - first before the first significant token (the first declaration),
 *     wherever that is, even inside an #if group: so every preprocessor
 *     line before it, a `#define _GNU_SOURCE` and the file's own #includes
 *     among them, comes first, and libc's feature macros are the file's;
 *   - again before the next significant token each time the conditional
 *     branch holding the last injection has ended (its #endif, or an
 *     #elif/#else of its group or of a group around it), since that branch
 *     may have been skipped.
 * So every significant token is preceded by an injection in a branch that
 * encloses it: if the token is compiled, so is that #include.  gocc.h has
 * an include guard, so an injection after a compiled one is empty, and one
 * after only skipped ones comes before any compiled declaration. */
static void include_points(tr_unit *u) {
    tok_clear_flags(u, TK_INJECT);
    tok_clear_flags(u, TK_MARK);
    int depth = 0;
    int inj_depth = 0;     /* depth of the last injection */
    bool covered = false;  /* the branch of the last injection is open */
    for (int i = 0; i < u->ntoks; i++) {
        if (tok_kind_of(u, i) == TOK_PP) {
            switch (pp_cond_of(u, i)) {
            case PP_IF:
                depth++;
                break;
            case PP_ELIF:
            case PP_ELSE:
                if (depth > 0 && depth - 1 < inj_depth)
                    covered = false;
                break;
            case PP_ENDIF:
                if (depth > 0 && --depth < inj_depth)
                    covered = false;
                break;
            case PP_OTHER:
                break;
            }
        } else if (!covered && u->first_sig >= 0 && i >= u->first_sig &&
                   tok_sig(u, i)) {
            set_flag(u, i, TK_INJECT);
            inj_depth = depth;
            covered = true;
        }
    }
}

/* After the file: main() from GOCC_MAIN, which runs the user's main as
 * goroutine 1, through a two-argument wrapper unless main is `int
 * main(int argc, char **argv)`.  On one line, at main's line. */
static void emit_main_wrapper(emitter *e, const func *f) {
    const tr_unit *u = e->u;
    static const char *const args[] = {"", "", "argc, argv",
                                       "argc, argv, environ"};
    bool is_void = main_void(u, f);
    if (!at_bol(e))
        put(e, "\n", 1);
    put_line_directive(e, tok_line(u, f->name));
    if (f->main_params == 2 && !is_void) {
        puts_(e, "GOCC_MAIN(gocc_main_user)\n");
        return;
    }
    if (f->main_params == 3)
        puts_(e, "extern char **environ; ");
    puts_(e, "static int gocc_main_args(int argc, char **argv) { ");
    if (f->main_params == 0)
        puts_(e, "(void)argc; (void)argv; ");
    printf_(e, "%sgocc_main_user(%s);%s } GOCC_MAIN(gocc_main_args)\n",
            is_void ? "" : "return ", args[f->main_params],
            is_void ? " return 0;" : "");
}

static const tr_unit *sort_unit;
static int by_position(const void *pa, const void *pb) {
    const site *a = &sort_unit->sites[*(const int *)pa];
    const site *b = &sort_unit->sites[*(const int *)pb];
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    if (a->b != b->b)
        return a->b > b->b ? -1 : 1;
    return *(const int *)pa < *(const int *)pb ? -1 : 1;
}

/* Functions by their first token. */
static int by_func_start(const void *pa, const void *pb) {
    const func *a = &sort_unit->funcs[*(const int *)pa];
    const func *b = &sort_unit->funcs[*(const int *)pb];
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return *(const int *)pa < *(const int *)pb ? -1 : 1;
}

/* tr_emit: write the unit in the given mode.  In SHADOW mode, shadow_start
 * and shadow_end (ntoks entries each) receive each token's output offsets
 * (-1 where a token was not written).  Returns 0. */
int tr_emit(tr_unit *u, emit_mode mode, strbuf *out, int *shadow_start,
            int *shadow_end) {
    emitter e = {0};
    e.u = u;
    e.mode = mode;
    e.out = out;
    e.sstart = shadow_start;
    e.send = shadow_end;
    size_t n = (size_t)u->ntoks;
    bool sorted = true;   /* then no order is needed */
    sort_unit = u;
    int ngo = 0;
    for (int k = 0; k < u->nsites; k++) {
        sorted &= k == 0 || by_position(&(int){k - 1}, &(int){k}) < 0;
        ngo += u->sites[k].kind == SITE_GOCALL || u->sites[k].kind == SITE_GOBLOCK;
    }
    e.order = sorted ? NULL : malloc(((size_t)u->nsites + 1) * sizeof *e.order);
    e.starts = malloc(((size_t)u->nfuncs + 1) * sizeof *e.starts);
    e.ends = malloc(((size_t)u->nfuncs + 1) * sizeof *e.ends);
    if ((!sorted && !e.order) || !e.starts || !e.ends) {
        fputs("gocc: out of memory\n", stderr);
        exit(2);
    }
    for (int i = 0; !sorted && i < u->nsites; i++)
        e.order[i] = i;
    if (!sorted)
        qsort(e.order, (size_t)u->nsites, sizeof *e.order, by_position);
    for (size_t i = 0; shadow_start && i < n; i++)
        shadow_start[i] = shadow_end[i] = -1;
    e.line_depth = -1;
    include_points(u);   /* also clears the marks */
    for (int k = 0; k < u->nsites; k++)
        set_flag(u, u->sites[k].a, TK_MARK);
    for (int k = 0; k < u->nchans; k++)
        set_flag(u, u->chans[k].a, TK_MARK);
    /* the #if and #endif lines, for pre_point (one pass, not one per
     * function) */
    cond_walk w = {0};
    int *conds = NULL, ccap = 0, icap = 0;
    bool *is_if = NULL;
    for (int i = 0; i < u->ntoks; i++) {
        pp_dir d = tok_kind_of(u, i) == TOK_PP ? pp_cond_of(u, i) : PP_OTHER;
        if (d != PP_IF && d != PP_ENDIF)
            continue;
        int *c = tr_grow(conds, w.n, &ccap, sizeof *c, 64);
        bool *f = c ? tr_grow(is_if, w.n, &icap, sizeof *f, 64) : NULL;
        if (!c || !f) {
            fputs("gocc: out of memory\n", stderr);
            exit(2);
        }
        conds = c, is_if = f;
        is_if[w.n] = d == PP_IF;
        conds[w.n++] = i;
    }
    w.open = malloc(((size_t)w.n + 1) * sizeof *w.open);
    int *byst = malloc(((size_t)u->nfuncs + 1) * sizeof *byst);
    if (!w.open || !byst) {
        fputs("gocc: out of memory\n", stderr);
        exit(2);
    }
    w.conds = conds;
    w.is_if = is_if;
    for (int f = 0; f < u->nfuncs; f++)
        byst[f] = f;
    sort_unit = u;
    qsort(byst, (size_t)u->nfuncs, sizeof *byst, by_func_start);
    for (int k = 0; k < u->nfuncs; k++) {
        int f = byst[k];
        int at = pre_point(&u->funcs[f], &w);
        e.starts[f][0] = at;
        e.starts[f][1] = f;
        e.ends[f][0] = u->funcs[f].rbrace;
        e.ends[f][1] = f;
        set_flag(u, at, TK_MARK);
        set_flag(u, u->funcs[f].rbrace, TK_MARK);
    }
    free(conds);
    free(is_if);
    free(w.open);
    free(byst);
    e.nfuncs = u->nfuncs;
    qsort(e.starts, (size_t)u->nfuncs, sizeof *e.starts, tr_by_pair);
    qsort(e.ends, (size_t)u->nfuncs, sizeof *e.ends, tr_by_pair);
    /* each function's go sites, in site order (a counting sort) */
    e.go_first = calloc((size_t)u->nfuncs + 2, sizeof *e.go_first);
    e.go_list = malloc(((size_t)ngo + 1) * sizeof *e.go_list);
    if (!e.go_first || !e.go_list) {
        fputs("gocc: out of memory\n", stderr);
        exit(2);
    }
    for (int k = 0; k < u->nsites; k++) {
        int f = go_func(u, k);
        if (f >= 0)
            e.go_first[f + 2]++;
    }
    for (int f = 0; f < u->nfuncs; f++)
        e.go_first[f + 2] += e.go_first[f + 1];
    for (int k = 0; k < u->nsites; k++) {
        int f = go_func(u, k);
        if (f >= 0)
            e.go_list[e.go_first[f + 1]++] = k;
    }
    if (mode == EMIT_FINAL) {
        const char *base = strrchr(u->path, '/');
        sb_printf(out, "/* Translated by gocc from %s: edit that file, not "
                       "this one. */\n",
                  base ? base + 1 : u->path);
    }
    emit_range(&e, 0, u->ntoks - 1);
    if (mode == EMIT_FINAL) {
        for (int f = 0; f < u->nfuncs; f++) {
            if (u->funcs[f].is_main && !u->funcs[f].inactive) {
                emit_main_wrapper(&e, &u->funcs[f]);
                break;
            }
        }
        if (!at_bol(&e))
            put(&e, "\n", 1);
    }
    free(e.go_first);
    free(e.go_list);
    free(e.order);
    free(e.starts);
    free(e.ends);
    return 0;
}
