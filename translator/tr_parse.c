/*
 * tr_parse.c - find the extension constructs of a .gc file.
 *
 * The parser does not build a C syntax tree.  It walks the token stream
 * with just enough C structure to apply LANGUAGE.md section 1: which
 * braces are function bodies, where statements start (for `go`, `select`,
 * sends and `v, ok = <-ch;`), and which `<-` has nothing to its left.  It
 * records *sites* (tr.h): token ranges plus what they might be.  Questions
 * that text cannot answer (is the left side of `x <- y;` a channel? does
 * `close(x)` take a channel?) are left to the libclang pass.
 *
 * Every loop is bounded by the bracket partners computed up front (match),
 * so malformed input ends in an error or in C that the C compiler rejects,
 * never in a crash or a hang.
 */
#include "tr.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ tokens */

/* A token the parser reads: not spacing, a comment or a preprocessor
 * line, and in the view being read (tr_cond.c): view 0 is every token
 * outside the alternates; view k + 1 is alternate k's tokens minus those
 * of the alternates nested in it. */
bool tok_sig(const tr_unit *u, int i) {
    switch (tok_kind_of(u, i)) {
    case TOK_IDENT: case TOK_NUMBER: case TOK_STRING: case TOK_CHAR:
    case TOK_PUNCT: case TOK_OTHER:
        break;
    default:
        return false;
    }
    if (u->view <= 0)
        return u->view < 0 || !tok_flag(u, i, TK_ALT);
    const tr_alt *alt = &u->alts[u->view - 1];
    if (i < alt->a || i > alt->b)
        return false;
    /* the nested alternate that starts last at or before i, if any */
    const int *k = u->kids + u->kid_first[u->view - 1];
    int lo = 0, hi = u->kid_first[u->view] - u->kid_first[u->view - 1];
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (u->alts[k[mid]].a <= i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 || i > u->alts[k[lo - 1]].b;
}

/* tok_next: the next significant token after i, or the EOF token.  An
 * alternate's view has no token past its end: stop there at once (walking
 * to the end of the file from each alternate made a file with many of
 * them quadratic), and start the walk at its start. */
int tok_next(const tr_unit *u, int i) {
    if (i >= u->ntoks - 1)
        return u->ntoks - 1;
    int last = u->view > 0 ? u->alts[u->view - 1].b : u->ntoks - 2;
    if (u->view > 0 && i < u->alts[u->view - 1].a - 1)
        i = u->alts[u->view - 1].a - 1;
    for (i++; i <= last && !tok_sig(u, i); i++)
        ;
    return i <= last ? i : u->ntoks - 1;
}

/* tok_prev: the significant token before i, or -1 (an alternate's view
 * starts the walk at its end). */
int tok_prev(const tr_unit *u, int i) {
    int first = u->view > 0 ? u->alts[u->view - 1].a : 0;
    int end = u->view > 0 ? u->alts[u->view - 1].b + 1 : u->ntoks;
    if (i > end)
        i = end;
    for (i--; i >= first && !tok_sig(u, i); i--)
        ;
    return i >= first ? i : -1;
}

/* The line table keeps the start of every LINE_STEP-th line only (lines
 * 1, 1 + LINE_STEP, ...); the lines between are found by scanning the
 * text from there (next_line), at most LINE_STEP - 1 lines.  Questions
 * come mostly in order, so the last answer (line_hint, its start and the
 * next line's) is tried first, and a question further on scans forward
 * from it while that is no longer than starting at a kept line.
 * Rejected: every line's start (4 bytes a line: in dense code about as
 * much as the bracket tables). */
enum { LINE_STEP = 16 };

/* next_line: the start of the line after the one holding byte off, or
 * len + 1 when that line is the last. */
static uint32_t next_line(const tr_unit *u, uint32_t off) {
    const char *p = u->src + off, *end = u->src + u->len;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *cr =
        u->has_cr ? memchr(p, '\r', (size_t)((nl ? nl : end) - p)) : NULL;
    if (!cr)
        return nl ? (uint32_t)(nl - u->src) + 1 : (uint32_t)u->len + 1;
    if (cr + 1 < end && cr[1] == '\n')   /* "\r\n": the "\n" ends it */
        return (uint32_t)(cr - u->src) + 2;
    return (uint32_t)(cr - u->src) + 1;   /* a lone "\r" */
}

/* hint_kept: make the hint kept line k (line k * LINE_STEP + 1). */
static void hint_kept(tr_unit *u, int k) {
    u->line_hint.line = (uint32_t)k * LINE_STEP + 1;
    u->line_hint.start = u->lines[k];
    u->line_hint.next = next_line(u, u->lines[k]);
}

/* hint_next: move the hint on to the next line; false at the last. */
static bool hint_next(tr_unit *u) {
    if (u->line_hint.next > u->len)
        return false;
    u->line_hint.line++;
    u->line_hint.start = u->line_hint.next;
    u->line_hint.next = next_line(u, u->line_hint.start);
    return true;
}

/* seek_line: make the hint the line holding byte off (off <= len):
 * scanning on from the hint when off is at most LINE_STEP lines further,
 * else from the last kept line at or before off, or from the hint if
 * that is nearer. */
static void seek_line(tr_unit *u, uint32_t off) {
    if (u->line_hint.start <= off) {   /* the usual case: a few lines on */
        for (int n = 0; n < LINE_STEP; n++) {
            if (off < u->line_hint.next)
                return;
            if (!hint_next(u))
                return;
        }
    }
    int lo = 0, hi = u->nlines;   /* the last kept line at or before off */
    while (hi - lo > 1) {
        int mid = (lo + hi) / 2;
        if (u->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    if (off < u->line_hint.start ||
        u->line_hint.line <= (uint32_t)lo * LINE_STEP)
        hint_kept(u, lo);
    while (u->line_hint.next <= off && hint_next(u))
        ;
}

/* off_line: the line of byte off (1-based). */
uint32_t off_line(const tr_unit *u, uint32_t off) {
    seek_line((tr_unit *)u, off);   /* the hint is a cache, not state */
    return u->line_hint.line;
}

uint32_t tok_line(const tr_unit *u, int i) {
    return off_line(u, tok_off(u, i));
}

uint32_t line_start(const tr_unit *u, uint32_t line) {
    tr_unit *w = (tr_unit *)u;   /* the hint is a cache, not state */
    uint32_t k = (line - 1) / LINE_STEP;
    if (line < u->line_hint.line || (u->line_hint.line - 1) / LINE_STEP < k)
        hint_kept(w, (int)k);
    while (u->line_hint.line < line && hint_next(w))
        ;
    return u->line_hint.start;
}

uint32_t tok_col(const tr_unit *u, int i) {
    uint32_t off = tok_off(u, i);
    seek_line((tr_unit *)u, off);
    return off - u->line_hint.start + 1;
}

/* tok_match: the partner of bracket token i, or -1 (not a bracket, or
 * one that pairs with nothing in its view). */
int tok_match(const tr_unit *u, int i) {
    if (i < 0 || i >= u->ntoks || !u->brk_bits ||
        !(u->brk_bits[i >> 6] >> (i & 63) & 1))
        return -1;
    /* its place among the brackets: those before its 512-token block,
     * then the bits below it in the block */
    int k = (int)u->brk_rank[i >> 9];
    for (int w = (i >> 9) << 3; w < i >> 6; w++)
        k += __builtin_popcountll(u->brk_bits[w]);
    k += __builtin_popcountll(u->brk_bits[i >> 6] & ((UINT64_C(1) << (i & 63)) - 1));
    if (u->brk_d[k] == 0)
        return -1;
    if (u->brk_d[k] != INT16_MIN)
        return i + u->brk_d[k];
    int lo = 0, hi = u->nfar - 1;   /* a far partner: in the list */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (u->brk_far[2 * mid] < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return u->brk_far[2 * lo + 1];
}

static bool is_eof(const tr_unit *u, int i) {
    return i >= u->ntoks - 1;
}

static bool is_ident(const tr_unit *u, int i) {
    return i >= 0 && i < u->ntoks && tok_kind_of(u, i) == TOK_IDENT;
}

/* Two tokens with nothing between them (`<-` is written without space). */
static bool adjacent(const tr_unit *u, int i, int j) {
    (void)u;
    return j == i + 1;   /* the tokens tile the input */
}

/* `<` immediately followed by `-`. */
static bool is_arrow(const tr_unit *u, int i) {
    return tok_is(u, i, "<") && tok_is(u, i + 1, "-") && adjacent(u, i, i + 1);
}

/* bracket: 1 if token i is an opening bracket, -1 a closing one, else 0
 * (digraphs too).  A punctuator's kind and length first: most tokens
 * stop there, before their text is found. */
static int bracket(const tr_unit *u, int i) {
    if (i < 0 || i >= u->ntoks || tok_kind_of(u, i) != TOK_PUNCT)
        return 0;
    uint32_t n = tok_len(u, i);
    if (n > 2)
        return 0;
    const char *p = tok_ptr(u, i);
    if (n == 1)
        return *p == '(' || *p == '[' || *p == '{' ? 1
             : *p == ')' || *p == ']' || *p == '}' ? -1 : 0;
    return (p[0] == '<' && (p[1] == ':' || p[1] == '%')) ? 1
         : ((p[0] == ':' || p[0] == '%') && p[1] == '>') ? -1 : 0;
}

static bool open_bracket(const tr_unit *u, int i) { return bracket(u, i) > 0; }
static bool close_bracket(const tr_unit *u, int i) { return bracket(u, i) < 0; }

/* Do the open bracket o and the close bracket c belong together? */
static bool brackets_pair(const tr_unit *u, int o, int c) {
    static const char *const pairs[][2] = {
        {"(", ")"}, {"[", "]"}, {"{", "}"}, {"<:", ":>"}, {"<%", "%>"},
        {"[", ":>"}, {"<:", "]"}, {"{", "%>"}, {"<%", "}"}};
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++)
        if (tok_is(u, o, pairs[k][0]) && tok_is(u, c, pairs[k][1]))
            return true;
    return false;
}

/* ------------------------------------------------------------- diagnostics */

static void vdiag(tr_unit *u, int tok, const char *fmt, va_list ap) {
    if (u->err_tok >= 0)
        return;
    u->err_tok = tok < 0 ? 0 : tok;
    vsnprintf(u->err_msg, sizeof u->err_msg, fmt, ap);
}

void tr_error(tr_unit *u, int tok, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vdiag(u, tok, fmt, ap);
    va_end(ap);
}

void tr_warning(tr_unit *u, int tok, const char *fmt, ...) {
    fprintf(u->err, "%s:%u:%u: warning: ", u->path, tok_line(u, tok),
            tok_col(u, tok));
    va_list ap;
    va_start(ap, fmt);
    vfprintf(u->err, fmt, ap);
    va_end(ap);
    fputc('\n', u->err);
}

/* --------------------------------------------------------------- lex, match */

static int match_brackets(tr_unit *u);

/* ends_line: whether byte i ends a line: "\n", or "\r" alone (gcc and
 * clang count a lone CR as a newline; the "\r" of "\r\n" leaves it to
 * the "\n"), as the lexer counts. */
static bool ends_line(const tr_unit *u, size_t i) {
    return u->src[i] == '\n' ||
           (u->src[i] == '\r' && (i + 1 >= u->len || u->src[i + 1] != '\n'));
}

/* line_table: u->lines, the start of every LINE_STEP-th line, and
 * u->has_cr.  0, or -1. */
static int line_table(tr_unit *u) {
    size_t n = 1, kept = 1;
    u->has_cr = memchr(u->src, '\r', u->len) != NULL;
    for (size_t i = 0; i < u->len; i++)
        n += ends_line(u, i);
    if (n > INT32_MAX)
        return -1;
    u->lines = malloc((n / LINE_STEP + 1) * sizeof *u->lines);
    if (!u->lines)
        return -1;
    u->lines[0] = 0;
    n = 1;
    for (size_t i = 0; i < u->len; i++)
        if (ends_line(u, i) && n++ % LINE_STEP == 0)
            u->lines[kept++] = (uint32_t)(i + 1);
    u->nlines = (int)kept;
    hint_kept(u, 0);
    return 0;
}

uint32_t tok_long_len(const tr_unit *u, int i) {
    int h = u->long_hint;   /* questions come in runs: the last answer first */
    if (h < u->nlongs && u->longs[2 * h] == (uint32_t)i)
        return u->longs[2 * h + 1];
    int lo = 0, hi = u->nlongs - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (u->longs[2 * mid] < (uint32_t)i)
            lo = mid + 1;
        else
            hi = mid;
    }
    ((tr_unit *)u)->long_hint = lo;   /* a cache, not state */
    return u->longs[2 * lo + 1];
}

int tok_set_flag(tr_unit *u, int i, tok_flag_id f) {
    if (!u->tflags[f] &&
        !(u->tflags[f] = calloc((size_t)u->ntoks / 64 + 1, sizeof(uint64_t))))
        return -1;
    u->tflags[f][i >> 6] |= UINT64_C(1) << (i & 63);
    return 0;
}

void tok_clear_flags(tr_unit *u, tok_flag_id f) {
    if (u->tflags[f])
        memset(u->tflags[f], 0, ((size_t)u->ntoks / 64 + 1) * sizeof(uint64_t));
}

/* tr_lex: tokenise u->src into the token arrays (tr.h), find the views
 * (tr_cond) and pair the brackets.  Needs: u->src[u->len] == 0, u->len
 * < 4 GiB.  The input is lexed twice: to count the tokens and the long
 * ones, then to store them, so that the arrays have exactly their size.
 * Guarantees: the last token is TOK_EOF and tok_off(ntoks) == len; 0, or
 * -1 with the error set. */
int tr_lex(tr_unit *u) {
    if (line_table(u) < 0)
        return -1;
    lexer L;
    token t;
    size_t n = 0, nlong = 0;
    lex_init(&L, u->src, u->len);
    for (;;) {
        int r = lex_next(&L, &t);
        if (n++ > INT32_MAX - 64)
            return -1;
        nlong += t.len >= TK_LONG;
        if (r < 0 || t.kind == TOK_EOF)
            break;
    }
    u->tck = malloc((n / 16 + 1) * sizeof *u->tck);
    u->longs = malloc((2 * nlong + 1) * sizeof *u->longs);
    u->tkind = malloc(n + 1);
    if (!u->tck || !u->longs || !u->tkind)
        return -1;
    lex_init(&L, u->src, u->len);
    int r;
    for (;;) {
        r = lex_next(&L, &t);
        int i = u->ntoks++;
        if (i % 16 == 0)
            u->tck[i / 16] = t.off;
        if (t.len >= TK_LONG) {
            u->longs[2 * u->nlongs] = (uint32_t)i;
            u->longs[2 * u->nlongs++ + 1] = t.len;
        }
        u->tkind[i] = (uint8_t)(t.kind | (t.len < TK_LONG ? t.len : TK_LONG) << 4);
        if (r < 0 || t.kind == TOK_EOF)
            break;
    }
    u->tkind[u->ntoks] = 0;
    if (u->ntoks % 16 == 0)
        u->tck[u->ntoks / 16] = (uint32_t)u->len;
    if (r < 0) {   /* the last token starts where the error is */
        tr_error(u, u->ntoks - 1, "%s", L.error);
        return -1;
    }
    u->view = -1;
    u->first_sig = -1;
    for (int i = 0; i < u->ntoks && u->first_sig < 0; i++)
        if (tok_sig(u, i))
            u->first_sig = i;
    if (tr_cond(u) < 0)
        return -1;
    u->view = 0;
    return match_brackets(u);
}

/* An unpaired bracket of the main view: the error, and -1.  stack holds
 * the open brackets' tokens, sp of them; i is the closing one, or -1 at
 * the end of the file. */
static int unpaired(tr_unit *u, const int *stack, int sp, int i) {
    if (i < 0) {
        int o = stack[sp - 1];
        tr_error(u, o, "'%.*s' is never closed", (int)tok_len(u, o),
                 tok_ptr(u, o));
    } else if (sp == 0) {
        tr_error(u, i, "unmatched '%.*s'", (int)tok_len(u, i), tok_ptr(u, i));
    } else if (tok_is(u, i, "}") || tok_is(u, i, "%>")) {
        /* a block ends inside ( or [: that one was left open */
        int o = stack[sp - 1];
        tr_error(u, o, "'%.*s' is not closed before the '}' on line %u",
                 (int)tok_len(u, o), tok_ptr(u, o), tok_line(u, i));
    } else {
        int o = stack[sp - 1];
        tr_error(u, i, "'%.*s' does not close '%.*s' (line %u)",
                 (int)tok_len(u, i), tok_ptr(u, i), (int)tok_len(u, o),
                 tok_ptr(u, o), tok_line(u, o));
    }
    return -1;
}

/* pack_brackets: store the brackets (brk[k], the token of bracket k) as
 * a bitmap counted per 512 tokens, and their partners (match[k], -1
 * none) as 16-bit token distances, 0 for none, INT16_MIN for a partner
 * in the list of far ones (a function body, a big initializer).  0, or
 * -1 out of memory.  Rejected: the sorted list of bracket tokens (4 bytes
 * a bracket, found by binary search; a token in four is a bracket in
 * code dense in calls, so the bitmap is smaller, and faster to ask). */
static int pack_brackets(tr_unit *u, const int *brk, const int *match) {
    size_t words = (size_t)u->ntoks / 64 + 1;
    u->brk_bits = calloc(words, sizeof *u->brk_bits);
    u->brk_rank = malloc((words / 8 + 1) * sizeof *u->brk_rank);
    if (!u->brk_bits || !u->brk_rank)
        return -1;
    for (int k = 0; k < u->nbrk; k++)
        u->brk_bits[brk[k] >> 6] |= UINT64_C(1) << (brk[k] & 63);
    uint32_t before = 0;
    for (size_t w = 0; w < words; w++) {
        if (w % 8 == 0)
            u->brk_rank[w / 8] = before;
        before += (uint32_t)__builtin_popcountll(u->brk_bits[w]);
    }
    int nfar = 0;
    for (int k = 0; k < u->nbrk; k++) {
        int d = match[k] < 0 ? 0 : match[k] - brk[k];
        nfar += d <= INT16_MIN || d > INT16_MAX;
    }
    u->brk_d = malloc(((size_t)u->nbrk + 1) * sizeof *u->brk_d);
    u->brk_far = malloc(((size_t)nfar * 2 + 1) * sizeof *u->brk_far);
    if (!u->brk_d || !u->brk_far)
        return -1;
    for (int k = 0; k < u->nbrk; k++) {
        int d = match[k] < 0 ? 0 : match[k] - brk[k];
        if (d <= INT16_MIN || d > INT16_MAX) {
            u->brk_far[2 * u->nfar] = k;
            u->brk_far[2 * u->nfar++ + 1] = match[k];
            d = INT16_MIN;
        }
        u->brk_d[k] = (int16_t)d;
    }
    return 0;
}

/* match_brackets: pair the brackets of each view (tr_cond.c).
 * Guarantees: tok_match gives every bracket's partner, or -1
 * (pack_brackets); 0, or -1 with the error set when the main view's
 * brackets do not pair (then no partners).  An alternate whose brackets
 * do not pair within it is marked broken.  One stack serves all views:
 * an alternate's brackets sit above `base`, the height at its start, and
 * are dropped at its end.  The stack holds indices into brk (the bracket
 * tokens, in order) and grows with the depth. */
static int match_brackets(tr_unit *u) {
    int nb = 0;
    for (int i = 0; i < u->ntoks; i++)
        nb += open_bracket(u, i) || close_bracket(u, i);
    int *brk = malloc(((size_t)nb + 1) * sizeof *brk);
    int *match = malloc(((size_t)nb + 1) * sizeof *match);
    int *open_alts = malloc(((size_t)u->nalts + 1) * sizeof *open_alts);
    int *bases = malloc(((size_t)u->nalts + 1) * sizeof *bases);
    int *stack = NULL, cap = 0;
    int r = -1;
    if (!brk || !match || !open_alts || !bases)
        goto out;
    int sp = 0, nopen = 0, next = 0;
    for (int i = 0; i < u->ntoks; i++) {
        while (nopen > 0 && u->alts[open_alts[nopen - 1]].b < i) {
            nopen--;   /* an alternate ends: what it left open breaks it */
            if (sp > bases[nopen])
                u->alts[open_alts[nopen]].broken = true;
            sp = bases[nopen];
        }
        for (; next < u->nalts && u->alts[next].a <= i; next++) {
            if (u->alts[next].a > u->alts[next].b)
                continue;   /* empty */
            open_alts[nopen] = next;
            bases[nopen++] = sp;
        }
        int base = nopen > 0 ? bases[nopen - 1] : 0;
        tr_alt *alt = nopen > 0 ? &u->alts[open_alts[nopen - 1]] : NULL;
        bool op = open_bracket(u, i);
        if (!op && !close_bracket(u, i))
            continue;
        int k = u->nbrk++;
        brk[k] = i;
        match[k] = -1;
        if (op) {
            int *v = tr_grow(stack, sp, &cap, sizeof *v, 256);
            if (!v)
                goto out;
            stack = v;
            stack[sp++] = k;
        } else if (sp > base && brackets_pair(u, brk[stack[sp - 1]], i)) {
            int o = stack[--sp];
            match[o] = i;
            match[k] = brk[o];
        } else if (alt) {
            alt->broken = true;
        } else {
            for (int j = 0; j < sp; j++)   /* as tokens, for the message */
                stack[j] = brk[stack[j]];
            unpaired(u, stack, sp, i);
            goto out;
        }
    }
    if (sp > 0 && nopen == 0) {
        for (int j = 0; j < sp; j++)
            stack[j] = brk[stack[j]];
        unpaired(u, stack, sp, -1);
        goto out;
    }
    r = pack_brackets(u, brk, match);
out:
    if (r < 0) {
        u->nbrk = 0;   /* no partners */
        free(u->brk_bits);
        u->brk_bits = NULL;
    }
    free(brk);
    free(match);
    free(stack);
    free(open_alts);
    free(bases);
    return r;
}

/* ------------------------------------------------------------------ sites */

site *tr_add_site(tr_unit *u, site_kind k, int a, int b) {
    bool more = k == SITE_MAKE || k == SITE_RECVOK || k == SITE_GOBLOCK ||
                k == SITE_FORRANGE || k == SITE_GOCALL ||
                k == SITE_STATICREF;
    site_more *m = more ? tr_grow(u->more, u->nmore, &u->capmore, sizeof *m, 64) : NULL;
    if (m)
        u->more = m;
    site *v = tr_grow(u->sites, u->nsites, &u->capsites, sizeof *v, 64);
    if (v)
        u->sites = v;
    if (!v || (more && !m)) {
        tr_error(u, a, "out of memory");
        return NULL;
    }
    site *s = &u->sites[u->nsites++];
    memset(s, 0, sizeof *s);
    s->kind = k;
    s->a = a;
    s->b = b;
    s->x = s->y = (range){0, -1};
    s->more = -1;
    if (more) {
        s->more = u->nmore++;
        m = site_m(u, s);
        memset(m, 0, sizeof *m);
        m->func = -1;
        if (k == SITE_MAKE || k == SITE_RECVOK)
            m->z = (range){0, -1};
        else if (k == SITE_GOBLOCK || k == SITE_FORRANGE)
            m->body = (range){0, -1};
    }
    return s;
}

/* set_func: the go sites from site `first` on are in function fi. */
static void set_func(tr_unit *u, int first, int fi) {
    for (int k = first; k < u->nsites; k++)
        if (u->sites[k].kind == SITE_GOCALL || u->sites[k].kind == SITE_GOBLOCK)
            site_m(u, &u->sites[k])->func = fi;
}

int tr_first_site(const tr_unit *u, const int *order, int i) {
    int lo = 0, hi = u->nsites;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (u->sites[order ? order[mid] : mid].a < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ------------------------------------------------------------ typedef names */

static const char *const type_words[] = {
    "void", "char", "short", "int", "long", "float", "double", "signed",
    "unsigned", "_Bool", "bool", "struct", "union", "enum", "const",
    "volatile", "restrict", "_Atomic", "__typeof__", "typeof", "__typeof",
    "_Complex", "__int128", "FILE", "va_list", "gocc_mutex",
    "gocc_waitgroup", "gocc_once", "gocc_select_case", NULL};

static void add_typedef(tr_unit *u, int i) {
    char **v = tr_grow(u->typedefs, u->ntypedefs, &u->captypedefs, sizeof *v, 16);
    if (!v)
        return;
    u->typedefs = v;
    char *s = malloc(tok_len(u, i) + 1);
    if (!s)
        return;
    memcpy(s, tok_ptr(u, i), tok_len(u, i));
    s[tok_len(u, i)] = 0;
    u->typedefs[u->ntypedefs++] = s;
}

static bool is_file_typedef(const tr_unit *u, int i) {
    if (!is_ident(u, i))
        return false;
    for (int k = 0; k < u->ntypedefs; k++)
        if (tok_is(u, i, u->typedefs[k]))
            return true;
    return false;
}

/* A word that names a type: a keyword, a typedef declared in the file, a
 * POSIX-style name ending in _t, or a few well-known library types. */
static bool is_type_word(const tr_unit *u, int i) {
    if (!is_ident(u, i))
        return false;
    for (int k = 0; type_words[k]; k++)
        if (tok_is(u, i, type_words[k]))
            return true;
    if (tok_is(u, i, "chan") && tok_is(u, tok_next(u, i), "<"))
        return true;
    if (tok_len(u, i) > 2 && !memcmp(tok_ptr(u, i) + tok_len(u, i) - 2, "_t", 2))
        return true;
    return is_file_typedef(u, i);
}

/* Collect the names declared by `typedef ...;` items anywhere in the file:
 * the last identifier of each declarator at bracket depth 0, or the one
 * after `*` in a parenthesised declarator (`typedef void (*fn)(int);`). */
static void collect_typedefs(tr_unit *u) {
    for (int i = u->first_sig; i >= 0 && !is_eof(u, i); i = tok_next(u, i)) {
        if (!tok_is(u, i, "typedef"))
            continue;
        int last = -1;
        int j;
        for (j = tok_next(u, i); !is_eof(u, j); j = tok_next(u, j)) {
            if (tok_is(u, j, ";") || tok_is(u, j, ",")) {
                if (last >= 0)
                    add_typedef(u, last);
                last = -1;
                if (tok_is(u, j, ";"))
                    break;
            } else if (tok_is(u, j, "(") && tok_is(u, tok_next(u, j), "*") &&
                       is_ident(u, tok_next(u, tok_next(u, j)))) {
                last = tok_next(u, tok_next(u, j));
                j = tok_match(u, j);
            } else if (open_bracket(u, j) && tok_match(u, j) > j) {
                j = tok_match(u, j);
            } else if (is_ident(u, j)) {
                last = j;
            }
        }
        i = j;
        if (is_eof(u, i))
            break;
    }
}

/* Does the bracketed range (a, b) exclusive hold a type name?  Used to tell
 * a cast `(int)<-ch` from a parenthesised operand `(n)<-1`. */
static bool parens_hold_type(const tr_unit *u, int open) {
    int first = tok_next(u, open);
    if (first >= tok_match(u, open))
        return false;
    if (!is_type_word(u, first))
        return false;
    /* a typedef name alone or followed by `*`, qualifiers, or a keyword */
    for (int j = tok_next(u, first); j < tok_match(u, open); j = tok_next(u, j)) {
        if (tok_is(u, j, "*") || is_type_word(u, j) || is_ident(u, j))
            continue;
        if (tok_is(u, j, "(") || tok_is(u, j, "[")) {
            j = tok_match(u, j);
            continue;
        }
        if (tok_is(u, j, "<") || tok_is(u, j, ">") || tok_is(u, j, ">>") ||
            tok_is(u, j, ","))
            continue;   /* chan<...> */
        return false;
    }
    return true;
}

/* ------------------------------------------------------------ expressions */

/* Nesting deeper than this is an error, not a stack overflow. */
enum { MAX_DEPTH = 1500 };

/* Enter one level of recursion at token i; false (error set, level not
 * entered) past MAX_DEPTH.  Pair each true with depth_leave. */
static bool depth_enter(tr_unit *u, int i, const char *what) {
    if (u->depth + 1 > MAX_DEPTH) {
        tr_error(u, i, "%s nested too deeply (over %d levels)", what,
                 MAX_DEPTH);
        return false;
    }
    u->depth++;
    return true;
}

static void depth_leave(tr_unit *u) { u->depth--; }

/* Does the token before i end an operand, so that a `<-` at i is binary? */
static bool ends_operand(const tr_unit *u, int p) {
    if (p < 0)
        return false;
    if (tok_kind_of(u, p) == TOK_NUMBER || tok_kind_of(u, p) == TOK_STRING || tok_kind_of(u, p) == TOK_CHAR)
        return true;
    if (tok_kind_of(u, p) == TOK_IDENT) {
        static const char *const kw[] = {"return", "sizeof", "case", "else",
                                         "do", "_Alignof", "goto", NULL};
        for (int k = 0; kw[k]; k++)
            if (tok_is(u, p, kw[k]))
                return false;
        return true;
    }
    if (tok_is(u, p, ")"))
        return !parens_hold_type(u, tok_match(u, p));
    return tok_is(u, p, "]") || tok_is(u, p, "++") || tok_is(u, p, "--") ||
           tok_is(u, p, ":>");
}

static int parse_unary(tr_unit *u, int i, int limit);

/* Is [i, end] exactly a call of gocc_after(...) or gocc_ready(...)?  Such
 * a channel, received from directly or used as a select case, is
 * released when the receive or the select completes (LANGUAGE.md 3, 12). */
static bool is_release_call(tr_unit *u, int i, int end) {
    return (tok_is(u, i, "gocc_after") || tok_is(u, i, "gocc_ready")) &&
           tok_is(u, tok_next(u, i), "(") && tok_match(u, tok_next(u, i)) == end;
}

/* postfix-expression tail: [..] (..) .id ->id ++ -- */
static int parse_postfix(tr_unit *u, int last, int limit) {
    for (;;) {
        int j = tok_next(u, last);
        if (j > limit)
            return last;
        if (tok_is(u, j, "[") || tok_is(u, j, "(") || tok_is(u, j, "<:")) {
            last = tok_match(u, j);
        } else if ((tok_is(u, j, ".") || tok_is(u, j, "->")) &&
                   is_ident(u, tok_next(u, j)) && tok_next(u, j) <= limit) {
            last = tok_next(u, j);
        } else if (tok_is(u, j, "++") || tok_is(u, j, "--")) {
            last = j;
        } else {
            return last;
        }
    }
}

/* parse_unary: the last token of the cast-expression that starts at i, or
 * -1 if none starts there.
 *   cast-expr = unary-op cast-expr | "<-" cast-expr | "(" type ")" cast-expr
 *             | sizeof unary | postfix */
static int parse_unary_(tr_unit *u, int i, int limit);

static int parse_unary(tr_unit *u, int i, int limit) {
    if (!depth_enter(u, i, "expression"))
        return -1;
    int r = parse_unary_(u, i, limit);
    depth_leave(u);
    return r;
}

static int parse_unary_(tr_unit *u, int i, int limit) {
    if (i > limit || is_eof(u, i))
        return -1;
    if (is_arrow(u, i))
        return parse_unary(u, tok_next(u, i + 1), limit);
    static const char *const ops[] = {"*", "&", "+", "-", "!", "~", "++",
                                      "--", NULL};
    for (int k = 0; ops[k]; k++)
        if (tok_is(u, i, ops[k]))
            return parse_unary(u, tok_next(u, i), limit);
    if (tok_is(u, i, "sizeof") || tok_is(u, i, "_Alignof") ||
        tok_is(u, i, "__alignof__")) {
        int j = tok_next(u, i);
        if (tok_is(u, j, "(") && parens_hold_type(u, j))
            return tok_match(u, j);
        return parse_unary(u, j, limit);
    }
    if (tok_is(u, i, "(")) {
        int close = tok_match(u, i);
        int after = tok_next(u, close);
        if (parens_hold_type(u, i) && !tok_is(u, after, "{"))
            return parse_unary(u, after, limit);
        if (parens_hold_type(u, i))   /* compound literal */
            return parse_postfix(u, tok_match(u, after), limit);
        return parse_postfix(u, close, limit);
    }
    if (tok_kind_of(u, i) == TOK_IDENT || tok_kind_of(u, i) == TOK_NUMBER ||
        tok_kind_of(u, i) == TOK_CHAR) {
        return parse_postfix(u, i, limit);
    }
    if (tok_kind_of(u, i) == TOK_STRING) {
        while (tok_kind_of(u, tok_next(u, i)) == TOK_STRING &&
               tok_next(u, i) <= limit)
            i = tok_next(u, i);
        return parse_postfix(u, i, limit);
    }
    return -1;
}

static int parse_compound(tr_unit *u, int lbrace);

/* parse_chan: `chan` at i, `<` next.  Records the site (and the sites of
 * nested channel types).  Returns the closing token; *half is 1 when this
 * type closed on the first half of a `>>`, whose second half closes the
 * enclosing chan<>. */
static int parse_chan(tr_unit *u, int i, int limit, int *half) {
    int lt = tok_next(u, i);
    int first = tok_next(u, lt);
    *half = 0;
    if (tok_is(u, first, "void") &&
        (tok_is(u, tok_next(u, first), ">") || tok_is(u, tok_next(u, first), ">>"))) {
        tr_error(u, first, "channel element type cannot be void");
        return -1;
    }
    if ((tok_is(u, first, "const") || tok_is(u, first, "volatile"))) {
        /* `const char *` is fine; a qualified element itself is not */
        bool pointer = false;
        for (int k = first; k <= limit && !is_eof(u, k) && !tok_is(u, k, ">") &&
                            !tok_is(u, k, ">>") && !tok_is(u, k, ";");
             k = tok_next(u, k)) {
            if (tok_is(u, k, "*") || tok_is(u, k, "("))
                pointer = true;
            if (open_bracket(u, k))
                k = tok_match(u, k);
        }
        if (!pointer) {
            tr_error(u, first, "channel element type cannot be qualified "
                               "('%.*s' means nothing for a channel)",
                     (int)tok_len(u, first), tok_ptr(u, first));
            return -1;
        }
    }
    bool complete = false;   /* the tokens so far could end a type name */
    for (int k = first; k <= limit && !is_eof(u, k); k = tok_next(u, k)) {
        /* `chan<int c`: a name right after a complete type is where the
         * `>` was expected */
        if (is_ident(u, k) && complete && !is_type_word(u, k)) {
            tr_error(u, k, "expected '>' to close 'chan<'");
            return -1;
        }
        complete = is_ident(u, k) && !tok_is(u, k, "struct") &&
                   !tok_is(u, k, "union") && !tok_is(u, k, "enum") &&
                   !tok_is(u, k, "const") && !tok_is(u, k, "volatile") &&
                   !tok_is(u, k, "restrict") && !tok_is(u, k, "_Atomic");
        if (tok_is(u, k, "chan") && tok_is(u, tok_next(u, k), "<")) {
            int h;
            if (!depth_enter(u, k, "channel types"))
                return -1;
            int end = parse_chan(u, k, limit, &h);
            depth_leave(u);
            if (end < 0)
                return -1;
            if (h == 1) {   /* `>>`: its second half closes us */
                site *s = tr_add_site(u, SITE_CHAN, i, end);
                if (!s)
                    return -1;
                s->x = (range){first, end};
                *half = 2;
                return end;
            }
            k = end;
            complete = true;
            continue;
        }
        if (open_bracket(u, k)) {
            k = tok_match(u, k);
            continue;
        }
        if (tok_is(u, k, ">") || tok_is(u, k, ">>")) {
            if (k == first) {
                tr_error(u, k, "expected an element type in chan<>");
                return -1;
            }
            site *s = tr_add_site(u, SITE_CHAN, i, k);
            if (!s)
                return -1;
            s->x = (range){first, tok_prev(u, k)};
            *half = tok_is(u, k, ">>") ? 1 : 0;
            return k;
        }
        if (tok_is(u, k, ";") || close_bracket(u, k) || tok_is(u, k, "=") ||
            k == limit) {
            tr_error(u, k == limit && !tok_is(u, k, ";") && !close_bracket(u, k)
                            ? tok_next(u, k) : k,
                     "expected '>' to close 'chan<'");
            return -1;
        }
    }
    tr_error(u, lt, "expected '>' to close 'chan<'");
    return -1;
}

/* Does the `<` at lt, after a `chan`, open a channel type, or is `chan`
 * a variable compared with what follows (`chan < 3`, `chan < d->n`)?
 * A type when a type word or `chan<` follows (the type is then checked,
 * and reported, by parse_chan), or when the tokens up to the matching
 * `>` could all be part of a type name: identifiers, `*`, bracketed
 * groups and nested `chan<...>`.  Anything else before the `>` (an
 * operator, a number, `;`) makes it a comparison. */
static bool chan_opens_type(const tr_unit *u, int lt, int limit) {
    int first = tok_next(u, lt);
    if (tok_is(u, first, ">") || tok_is(u, first, ">>") ||
        is_type_word(u, first) ||
        (tok_is(u, first, "chan") && tok_is(u, tok_next(u, first), "<")))
        return true;
    int depth = 1;
    for (int k = first; k <= limit && !is_eof(u, k); k = tok_next(u, k)) {
        if (tok_is(u, k, ">") || tok_is(u, k, ">>")) {
            depth -= tok_is(u, k, ">") ? 1 : 2;
            if (depth <= 0)
                return true;
        } else if (tok_is(u, k, "chan") && tok_is(u, tok_next(u, k), "<")) {
            depth++;
            k = tok_next(u, k);
        } else if (tok_is(u, k, "(") || tok_is(u, k, "[")) {
            k = tok_match(u, k);
        } else if (!is_ident(u, k) && !tok_is(u, k, "*")) {
            return false;
        }
    }
    return false;
}

/* Is `go`/`len`... at i an identifier used as a plain name here?  Member
 * names (`s.chan`, `p->len`) never start a construct. */
static bool after_member_op(const tr_unit *u, int i) {
    int p = tok_prev(u, i);
    return tok_is(u, p, ".") || tok_is(u, p, "->");
}

/* scan_expr: record the sites in the tokens [a, b]: channel types, make,
 * receives, close/len/cap candidates, and statement expressions.  Returns
 * 0 or -1 on error. */
static int scan_expr(tr_unit *u, int a, int b) {
    for (int i = a; i <= b && !is_eof(u, i); i = tok_next(u, i)) {
        if (u->err_tok >= 0)
            return -1;
        if (!tok_sig(u, i))
            continue;
        if (tok_is(u, i, "chan") && tok_is(u, tok_next(u, i), "<") &&
            !after_member_op(u, i) && chan_opens_type(u, tok_next(u, i), b)) {
            int half;
            int end = parse_chan(u, i, b, &half);
            if (end < 0)
                return -1;
            if (half == 1) {
                tr_error(u, end, "'>>' closes a chan<> that was never opened");
                return -1;
            }
            i = end;
            continue;
        }
        if (tok_is(u, i, "make") && tok_is(u, tok_next(u, i), "(") &&
            tok_is(u, tok_next(u, tok_next(u, i)), "chan") &&
            !after_member_op(u, i)) {
            int lp = tok_next(u, i);
            int ch = tok_next(u, lp);
            if (!tok_is(u, tok_next(u, ch), "<"))
                continue;
            int half;
            int end = parse_chan(u, ch, tok_match(u, lp), &half);
            if (end < 0)
                return -1;
            range t = u->sites[u->nsites - 1].x;   /* the chan's T */
            site *s = tr_add_site(u, SITE_MAKE, i, tok_match(u, lp));
            if (!s)
                return -1;
            s->x = (range){ch, end};
            site_m(u, s)->z = t;
            int n = tok_next(u, end);
            if (tok_is(u, n, ",")) {
                s->y = (range){tok_next(u, n), tok_prev(u, tok_match(u, lp))};
                if (s->y.a > s->y.b) {
                    tr_error(u, tok_match(u, lp),
                             "expected a capacity after ',' in make");
                    return -1;
                }
            } else if (n != tok_match(u, lp)) {
                tr_error(u, n, "expected ',' or ')' after the channel type "
                               "in make");
                return -1;
            }
            i = end;   /* go on inside the capacity */
            continue;
        }
        if (is_arrow(u, i) && (i == a || !ends_operand(u, tok_prev(u, i)))) {
            int opnd = tok_next(u, i + 1);
            int end = parse_unary(u, opnd, b);
            if (end < 0) {
                tr_error(u, opnd <= b ? opnd : i,
                         "expected an operand after '<-'");
                return -1;
            }
            site *s = tr_add_site(u, SITE_RECV, i, end);
            if (!s)
                return -1;
            s->x = (range){opnd, end};
            s->after = is_release_call(u, opnd, end);
            /* `(<-a, b)`: the left operand of a comma drops its value */
            int p = tok_prev(u, i), pp = tok_prev(u, p);
            if (tok_is(u, tok_next(u, end), ",") && tok_is(u, p, "(") &&
                !(pp >= 0 && (is_ident(u, pp) || tok_is(u, pp, ")") ||
                              tok_is(u, pp, "]"))))
                s->drop = true;
            i = i + 1;   /* the operand is scanned next */
            continue;
        }
        if (tok_is(u, i, "make") && tok_is(u, tok_next(u, i), "(") &&
            !after_member_op(u, i) && is_file_typedef(u, tok_next(u, tok_next(u, i)))) {
            /* make(ichan[, n]) with ichan a channel typedef: a candidate */
            int lp = tok_next(u, i);
            int t = tok_next(u, lp);
            int n = tok_next(u, t);
            if (tok_is(u, n, ",") || n == tok_match(u, lp)) {
                site *s = tr_add_site(u, SITE_MAKE, i, tok_match(u, lp));
                if (!s)
                    return -1;
                s->x = site_m(u, s)->z = (range){t, t};
                s->typedef_make = true;
                if (tok_is(u, n, ","))
                    s->y = (range){tok_next(u, n), tok_prev(u, tok_match(u, lp))};
                if (tok_is(u, n, ",") && s->y.a > s->y.b) {
                    tr_error(u, tok_match(u, lp),
                             "expected a capacity after ',' in make");
                    return -1;
                }
                i = t;
                continue;
            }
        }
        if ((tok_is(u, i, "close") || tok_is(u, i, "len") ||
             tok_is(u, i, "cap")) &&
            tok_is(u, tok_next(u, i), "(") && !after_member_op(u, i)) {
            int lp = tok_next(u, i);
            if (tok_next(u, lp) < tok_match(u, lp)) {
                site *s = tr_add_site(u, SITE_BUILTIN, i, tok_match(u, lp));
                if (!s)
                    return -1;
                s->x = (range){tok_next(u, lp), tok_prev(u, tok_match(u, lp))};
            }
            continue;
        }
        if (tok_is(u, i, "(") && tok_is(u, tok_next(u, i), "{")) {
            int lb = tok_next(u, i);
            if (parse_compound(u, lb) < 0)
                return -1;
            i = tok_match(u, lb);
            continue;
        }
    }
    return u->err_tok >= 0 ? -1 : 0;
}

/* Find the first token in [a, b] at bracket depth 0 that is s, or -1. */
static int find_top(const tr_unit *u, int a, int b, const char *s) {
    for (int i = a; i <= b && !is_eof(u, i); i = tok_next(u, i)) {
        if (tok_is(u, i, s))
            return i;
        if (open_bracket(u, i))
            i = tok_match(u, i);
    }
    return -1;
}

/* The first `<-` in [a, b] at depth 0 with an operand to its left. */
static int find_binary_arrow(const tr_unit *u, int a, int b) {
    for (int i = a; i <= b && !is_eof(u, i); i = tok_next(u, i)) {
        if (is_arrow(u, i) && i > a && ends_operand(u, tok_prev(u, i)))
            return i;
        if (open_bracket(u, i))
            i = tok_match(u, i);
    }
    return -1;
}

/* Any assignment, comma or conditional at depth 0 in [a, b]? */
static bool has_top_operator(const tr_unit *u, int a, int b) {
    static const char *const ops[] = {"=", "+=", "-=", "*=", "/=", "%=",
                                      "&=", "|=", "^=", "<<=", ">>=", ",",
                                      "?", NULL};
    for (int k = 0; ops[k]; k++)
        if (find_top(u, a, b, ops[k]) >= 0)
            return true;
    return false;
}

static bool lhs_is_decl(const tr_unit *u, int a, int b);

/* scan_stmt_expr: an expression or declaration statement [a, b] (b is the
 * token before `;`).  Recognises `X <- Y` sends and `X, Y = <-Z`. */
static int scan_stmt_expr(tr_unit *u, int a, int b, int semi) {
    if (a > b)
        return 0;
    int eq = find_top(u, a, b, "=");
    int comma = find_top(u, a, b, ",");
    if (eq > 0 && comma > 0 && comma < eq && is_arrow(u, tok_next(u, eq)) &&
        find_top(u, tok_next(u, comma), tok_prev(u, eq), ",") < 0 &&
        !lhs_is_decl(u, a, tok_prev(u, comma))) {
        site *s = tr_add_site(u, SITE_RECVOK, a, semi);
        if (!s)
            return -1;
        int arrow = tok_next(u, eq);
        s->x = (range){a, tok_prev(u, comma)};
        s->y = (range){tok_next(u, comma), tok_prev(u, eq)};
        range z = {tok_next(u, arrow + 1), b};
        site_m(u, s)->z = z;
        if (s->x.a > s->x.b || s->y.a > s->y.b) {
            tr_error(u, comma, "expected 'value, ok = <-channel;'");
            return -1;
        }
        if (z.a > z.b || parse_unary(u, z.a, b) != b) {
            tr_error(u, z.a, "expected a channel after '<-'");
            return -1;
        }
        range x = s->x, y = s->y;   /* scanning moves sites */
        if (scan_expr(u, x.a, x.b) < 0 || scan_expr(u, y.a, y.b) < 0)
            return -1;
        return scan_expr(u, z.a, z.b);
    }
    int arrow = find_binary_arrow(u, a, b);
    if (arrow > 0 && !has_top_operator(u, a, tok_prev(u, arrow))) {
        site *s = tr_add_site(u, SITE_SEND, a, semi);
        if (!s)
            return -1;
        s->x = (range){a, tok_prev(u, arrow)};
        s->y = (range){tok_next(u, arrow + 1), b};
        if (s->y.a > s->y.b) {
            tr_error(u, s->y.a, "expected a value to send after '<-'");
            return -1;
        }
        range x = s->x, y = s->y;   /* scanning moves the sites array */
        if (scan_expr(u, x.a, x.b) < 0)
            return -1;
        return scan_expr(u, y.a, y.b);
    }
    int nsites = u->nsites;
    if (scan_expr(u, a, b) < 0)
        return -1;
    /* `<-ch;` alone: a receive whose value is dropped */
    for (int k = nsites; k < u->nsites; k++)
        if (u->sites[k].kind == SITE_RECV && u->sites[k].a == a &&
            u->sites[k].b == b)
            u->sites[k].drop = true;
    return 0;
}

/* ------------------------------------------------------------- statements */

static int parse_stmt(tr_unit *u, int i, int limit);

/* Inside a go block: does the break/continue/goto at i leave it?  (The
 * block becomes a function of its own.)  Sets the error and returns true. */
static bool jumps_out(tr_unit *u, int i) {
    if (tok_is(u, i, "break") && u->breakables == 0) {
        tr_error(u, i, "'break' cannot leave a go block");
        return true;
    }
    if (tok_is(u, i, "continue") && u->loops == 0) {
        tr_error(u, i, "'continue' cannot leave a go block");
        return true;
    }
    if (tok_is(u, i, "goto")) {
        int label = tok_next(u, i);
        if (!is_ident(u, label))
            return false;   /* computed goto: the C compiler's business */
        for (int j = tok_next(u, u->go_lb); j < u->go_rb; j = tok_next(u, j)) {
            int p = tok_prev(u, j);
            if (tok_len(u, j) == tok_len(u, label) &&
                !memcmp(tok_ptr(u, j), tok_ptr(u, label), tok_len(u, label)) &&
                tok_is(u, tok_next(u, j), ":") &&
                (tok_is(u, p, ";") || tok_is(u, p, "{") || tok_is(u, p, "}") ||
                 tok_is(u, p, ":")))
                return false;
        }
        tr_error(u, i, "'goto %.*s' cannot leave a go block", (int)tok_len(u, label),
                 tok_ptr(u, label));
        return true;
    }
    return false;
}

/* The `;` ending the statement that starts at i, within limit (the
 * enclosing `}`), or limit when there is none. */
static int stmt_end(const tr_unit *u, int i, int limit) {
    for (int j = i; j < limit && !is_eof(u, j); j = tok_next(u, j)) {
        if (tok_is(u, j, ";"))
            return j;
        if (open_bracket(u, j)) {
            if (tok_match(u, j) >= limit)
                return limit;
            j = tok_match(u, j);
            continue;
        }
        if (tok_is(u, j, "}"))
            return j;
    }
    return limit;
}

/* A GNU nested function definition `T name(params) {`: the `{` of its
 * body, or -1.  (A compound literal's `(T){` has no name before `(`.) */
static int nested_function(const tr_unit *u, int i, int limit) {
    if (!is_type_word(u, i) && !(is_ident(u, i) && is_ident(u, tok_next(u, i))))
        return -1;
    for (int j = i; j < limit && !is_eof(u, j); j = tok_next(u, j)) {
        if (tok_is(u, j, ";") || tok_is(u, j, "="))
            return -1;
        if (tok_is(u, j, "(")) {
            int p = tok_prev(u, j);
            int after = tok_next(u, tok_match(u, j));
            if (is_ident(u, p) && p > i && tok_is(u, after, "{"))
                return after;
            j = tok_match(u, j);
        } else if (open_bracket(u, j)) {
            return -1;
        }
    }
    return -1;
}

/* compound-statement = "{" statement* "}" */
static int parse_compound(tr_unit *u, int lbrace) {
    int rbrace = tok_match(u, lbrace);
    for (int i = tok_next(u, lbrace); i < rbrace && u->err_tok < 0;) {
        u->in_compound = true;
        int end = parse_stmt(u, i, rbrace);
        if (end < 0)
            return -1;
        i = tok_next(u, end);
    }
    return u->err_tok >= 0 ? -1 : rbrace;
}

/* A macro that supplies a statement's parentheses: `if POS(x) ...` with
 * `#define POS(x) ((x) > 0)`, or `if COND ...` with `#define COND (a)`.
 * The header at h is then a name, optionally with its argument list; its
 * last token, or -1 when h does not start one. */
static int macro_header(const tr_unit *u, int h) {
    if (!is_ident(u, h) || is_type_word(u, h))
        return -1;
    int n = tok_next(u, h);
    return tok_is(u, n, "(") ? tok_match(u, n) : h;
}

/* The header of if/while/switch at kw: `( ... )` or a macro call that
 * supplies it, scanned; *close is its last token. */
static int paren_header(tr_unit *u, int kw, int *close) {
    int lp = tok_next(u, kw);
    if (!tok_is(u, lp, "(")) {
        int end = macro_header(u, lp);
        if (end < 0) {
            tr_error(u, lp, "expected '(' after '%.*s'", (int)tok_len(u, kw),
                     tok_ptr(u, kw));
            return -1;
        }
        *close = end;
        return scan_expr(u, lp, end);
    }
    *close = tok_match(u, lp);
    return scan_expr(u, tok_next(u, lp), tok_prev(u, *close));
}

/* go-stmt = "go" compound | "go" postfix-call ";"
 * Returns the statement's last token, or -2 when `go` is a plain name. */
static int parse_go(tr_unit *u, int i, int limit) {
    int n = tok_next(u, i);
    if (tok_is(u, n, "{")) {
        site *s = tr_add_site(u, SITE_GOBLOCK, i, tok_match(u, n));
        if (!s)
            return -1;
        site_m(u, s)->body = (range){n, tok_match(u, n)};
        /* break, continue and goto may not leave the block */
        int loops = u->loops, brk = u->breakables;
        int lb = u->go_lb, rb = u->go_rb;
        u->loops = u->breakables = 0;
        u->go_lb = n;
        u->go_rb = tok_match(u, n);
        int r = parse_compound(u, n);
        u->loops = loops;
        u->breakables = brk;
        u->go_lb = lb;
        u->go_rb = rb;
        return r < 0 ? -1 : tok_match(u, n);
    }
    if (!is_ident(u, n) && !tok_is(u, n, "("))
        return -2;
    int semi = stmt_end(u, n, limit);
    if (!tok_is(u, semi, ";"))
        return -2;
    /* the callee: names, member accesses, subscripts and parenthesised
     * expressions, then the argument list last */
    int last = tok_prev(u, semi);
    if (!tok_is(u, last, ")") || tok_match(u, last) <= n)
        return -2;
    int lp = tok_match(u, last);
    for (int j = n; j < lp; j = tok_next(u, j)) {
        if (is_ident(u, j) || tok_is(u, j, ".") || tok_is(u, j, "->"))
            continue;
        if (tok_is(u, j, "(") || tok_is(u, j, "[")) {
            j = tok_match(u, j);
            continue;
        }
        return -2;
    }
    site *s = tr_add_site(u, SITE_GOCALL, i, semi);
    if (!s)
        return -1;
    s->x = (range){n, tok_prev(u, lp)};
    site_more *m = site_m(u, s);   /* (no site is added until scan_expr) */
    /* split the arguments at top-level commas */
    int start = tok_next(u, lp);
    int cap = 0;
    for (int j = start; start < last;) {
        if (j == last || tok_is(u, j, ",")) {
            if (start == j) {
                tr_error(u, j, "expected an argument");
                return -1;
            }
            range *r = tr_grow(m->args, m->nargs, &cap, sizeof *r, 4);
            if (!r)
                return -1;
            m->args = r;
            m->args[m->nargs++] = (range){start, tok_prev(u, j)};
            if (j == last)
                break;
            start = tok_next(u, j);
            if (start == last) {
                tr_error(u, start, "expected an argument");
                return -1;
            }
        }
        if (open_bracket(u, j))
            j = tok_match(u, j);
        j = tok_next(u, j);
    }
    if (cap > m->nargs) {   /* exactly its size: a file may hold thousands */
        range *r = realloc(m->args, (size_t)m->nargs * sizeof *r);
        if (r)
            m->args = r;
    }
    /* scanning adds sites and may move the array: work on copies */
    range callee = s->x;
    range *args = m->args;
    int nargs = m->nargs;
    if (scan_expr(u, callee.a, callee.b) < 0)
        return -1;
    for (int k = 0; k < nargs; k++)
        if (scan_expr(u, args[k].a, args[k].b) < 0)
            return -1;
    return semi;
}

/* A select case's left side declares a variable: it starts with a type
 * word, or reads `name name` / `name *` (no expression does). */
static bool lhs_is_decl(const tr_unit *u, int a, int b) {
    if (a >= b)
        return false;
    if (is_type_word(u, a))
        return true;
    int n = tok_next(u, a);
    return is_ident(u, a) && (is_ident(u, n) || tok_is(u, n, "*"));
}

/* A receive, possibly parenthesised (`<-X`, `(<-X)`, `((<-X))`), that
 * spans [a, *b]: its `<-`, with *b moved to the end of X; or -1. */
static int paren_recv(const tr_unit *u, int a, int *b) {
    int e = *b;
    while (tok_is(u, a, "(") && tok_match(u, a) == e) {
        a = tok_next(u, a);
        e = tok_prev(u, e);
    }
    if (!is_arrow(u, a))
        return -1;
    *b = e;
    return a;
}

/* select-case = "case" ( RECV | L "=" RECV | L "," OK "=" RECV
 *                      | DECL "=" RECV | X "<-" Y ) ":" statement*
 *             | "default" ":" statement*
 *   RECV = "<-" X | "(" RECV ")"
 * A send comes first: in `case <-cc <- v:` the channel is `<-cc`. */
static int parse_case_header(tr_unit *u, sel_case *c, int a, int b) {
    if (a > b) {
        tr_error(u, c->colon, "expected a send or receive in select case");
        return -1;
    }
    int eq = find_top(u, a, b, "=");
    int send = find_binary_arrow(u, a, b);
    int recv_at = -1;
    if (send > 0 && (eq < 0 || eq > send)) {
        recv_at = -1;   /* X <- Y */
    } else if ((recv_at = paren_recv(u, a, &b)) >= 0) {
        /* <-X */
    } else if (eq > 0 && (recv_at = paren_recv(u, tok_next(u, eq), &b)) >= 0) {
        int comma = find_top(u, a, tok_prev(u, eq), ",");
        if (comma > 0) {
            c->lhs = (range){a, tok_prev(u, comma)};
            c->ok = (range){tok_next(u, comma), tok_prev(u, eq)};
            if (c->lhs.a > c->lhs.b || c->ok.a > c->ok.b) {
                tr_error(u, comma, "expected 'value, ok = <-channel'");
                return -1;
            }
        } else {
            c->lhs = (range){a, tok_prev(u, eq)};
            if (c->lhs.a > c->lhs.b) {
                tr_error(u, eq, "expected a variable before '='");
                return -1;
            }
            c->decl = lhs_is_decl(u, c->lhs.a, c->lhs.b);
        }
    }
    if (recv_at >= 0) {
        c->kind = CASE_RECV;
        int opnd = tok_next(u, recv_at + 1);
        if (opnd > b || parse_unary(u, opnd, b) != b) {
            tr_error(u, opnd, "expected a channel after '<-' in select case");
            return -1;
        }
        c->ch = (range){opnd, b};
        c->after = is_release_call(u, opnd, b);
        if (c->lhs.a <= c->lhs.b && scan_expr(u, c->lhs.a, c->lhs.b) < 0)
            return -1;
        if (c->ok.a <= c->ok.b && scan_expr(u, c->ok.a, c->ok.b) < 0)
            return -1;
        return scan_expr(u, c->ch.a, c->ch.b);
    }
    int arrow = find_binary_arrow(u, a, b);
    if (arrow < 0) {
        tr_error(u, a, "select case must be a send or receive");
        return -1;
    }
    c->kind = CASE_SEND;
    c->ch = (range){a, tok_prev(u, arrow)};
    c->val = (range){tok_next(u, arrow + 1), b};
    if (c->val.a > c->val.b) {
        tr_error(u, c->val.a, "expected a value to send after '<-'");
        return -1;
    }
    if (scan_expr(u, c->ch.a, c->ch.b) < 0)
        return -1;
    return scan_expr(u, c->val.a, c->val.b);
}

/* The `:` ending a case header that starts at a (skipping `?:` pairs), or
 * -1 with *stop at the token where it was expected. */
static int case_colon(const tr_unit *u, int a, int limit, int *stop) {
    int q = 0;
    int j;
    for (j = a; j < limit && !is_eof(u, j); j = tok_next(u, j)) {
        if (tok_is(u, j, "?"))
            q++;
        else if (tok_is(u, j, ":") && q-- == 0)
            return j;
        else if (tok_is(u, j, "{") && tok_is(u, tok_prev(u, j), ")"))
            j = tok_match(u, j);   /* a compound literal */
        else if (tok_is(u, j, ";") || tok_is(u, j, "{") || tok_is(u, j, "}"))
            break;
        else if (open_bracket(u, j))
            j = tok_match(u, j);
    }
    *stop = j;
    return -1;
}

/* pack: the distance from `from` to `to` as a sel_slot keeps it, into
 * *d; false when it does not fit. */
static bool pack(int from, int to, uint16_t *d) {
    if (to < from || to - from >= SEL_NONE)
        return false;
    *d = (uint16_t)(to - from);
    return true;
}

/* pack_range: range r of the case at kw into *a, *b (SEL_NONE twice when
 * empty); false when it does not fit. */
static bool pack_range(int kw, range r, uint16_t *a, uint16_t *b) {
    if (r.a > r.b) {
        *a = *b = SEL_NONE;
        return true;
    }
    return pack(kw, r.a, a) && pack(kw, r.b, b);
}

/* pack_case: case c, whose body stops at `stop` (the next case, or the
 * select's `}`), into *p; false when a part lies too far from its `case`
 * (sel_slot). */
static bool pack_case(const sel_case *c, int stop, sel_slot *p) {
    *p = (sel_slot){.kw = c->kw, .kind = c->kind & 3, .decl = c->decl,
                    .after = c->after};
    return pack(c->kw, c->colon, &p->colon) &&
           pack_range(c->kw, c->ch, &p->ch_a, &p->ch_b) &&
           pack(c->kw, c->body.a, &p->body_a) &&
           pack(c->body.b, stop, &p->body_back) &&
           pack_range(c->kw, c->lhs, &p->r1a, &p->r1b) &&   /* or val */
           pack_range(c->kw, c->ok, &p->r2a, &p->r2b);
}

/* unpack_range: tokens from + a .. from + b (a == SEL_NONE: empty). */
static range unpack_range(int from, uint16_t a, uint16_t b) {
    return a == SEL_NONE ? (range){0, -1} : (range){from + a, from + b};
}

sel_case sel_case_of(const tr_unit *u, const site *s, int k) {
    const sel_slot *p = &u->cases[s->x.a + k];
    int stop = k + 1 < sel_ncases(s) ? p[1].kw : s->b;
    sel_case c = {.kind = p->kind, .decl = p->decl, .after = p->after,
                  .kw = p->kw, .colon = p->kw + p->colon,
                  .ch = unpack_range(p->kw, p->ch_a, p->ch_b),
                  .body = {p->kw + p->body_a, stop - p->body_back}};
    c.lhs = unpack_range(p->kw, p->r1a, p->r1b);   /* or val */
    c.ok = unpack_range(p->kw, p->r2a, p->r2b);
    return c;
}

/* keep_cases: append select s's n cases to u->cases, packed (a select's
 * cases are gathered apart first: a select nested in a case adds its own
 * before the outer one ends).  0, or -1 with the error set. */
static int keep_cases(tr_unit *u, site *s, const sel_case *cases, int n) {
    s->x = (range){u->ncases, u->ncases + n - 1};
    if (n == 0)
        return 0;
    sel_slot *v = tr_grow(u->cases, u->ncases + n - 1, &u->capcases,
                          sizeof *v, 64);
    if (!v) {
        tr_error(u, s->a, "out of memory");
        return -1;
    }
    u->cases = v;
    for (int k = 0; k < n; k++) {
        int stop = k + 1 < n ? cases[k + 1].kw : s->b;
        if (!pack_case(&cases[k], stop, &u->cases[u->ncases + k])) {
            tr_error(u, cases[k].kw, "select case too long (over 65,534 "
                                     "tokens from its 'case')");
            return -1;
        }
    }
    u->ncases += n;
    return 0;
}

static int parse_select(tr_unit *u, int kw) {
    int lb = tok_next(u, kw);
    int rb = tok_match(u, lb);
    site *s = tr_add_site(u, SITE_SELECT, kw, rb);
    if (!s)
        return -1;
    int si = (int)(s - u->sites);
    sel_case *cases = NULL;
    int n = 0, cap = 0, has_default = 0;
    int i = tok_next(u, lb);
    if (i < rb && !tok_is(u, i, "case") && !tok_is(u, i, "default")) {
        tr_error(u, i, "expected 'case' or 'default' in select");
        return -1;
    }
    while (i < rb) {
        sel_case *v = tr_grow(cases, n, &cap, sizeof *v, 4);
        if (!v) {
            free(cases);
            return -1;
        }
        cases = v;
        sel_case *c = &cases[n];
        memset(c, 0, sizeof *c);
        c->lhs = c->ok = c->ch = c->body = (range){0, -1};
        c->kw = i;
        if (tok_is(u, i, "default")) {
            c->kind = CASE_DEFAULT;
            c->colon = tok_next(u, i);
            if (!tok_is(u, c->colon, ":")) {
                tr_error(u, c->colon, "expected ':' after 'default'");
                goto fail;
            }
            if (has_default++) {
                tr_error(u, i, "multiple defaults in select");
                goto fail;
            }
        } else {
            int stop;
            c->colon = case_colon(u, tok_next(u, i), rb, &stop);
            if (c->colon < 0) {
                tr_error(u, stop, "expected ':' after select case");
                goto fail;
            }
            if (parse_case_header(u, c, tok_next(u, i),
                                  tok_prev(u, c->colon)) < 0)
                goto fail;
        }
        n++;
        int j = tok_next(u, c->colon);
        c->body.a = j;
        u->breakables++;   /* break leaves the select */
        while (j < rb && !tok_is(u, j, "case") && !tok_is(u, j, "default")) {
            u->in_compound = true;   /* the shadow's case blocks */
            int end = parse_stmt(u, j, rb);
            if (end < 0) {
                u->breakables--;
                goto fail;
            }
            j = tok_next(u, end);
        }
        u->breakables--;
        c->body.b = tok_prev(u, j);
        i = j;
    }
    s = &u->sites[si];   /* the array may have moved */
    if (keep_cases(u, s, cases, n) < 0)
        goto fail;
    free(cases);
    return rb;
fail:
    free(cases);
    return -1;
}

/* The body of a loop whose header ends at close. */
static int loop_body(tr_unit *u, int close, int limit) {
    u->loops++;
    u->breakables++;
    int end = parse_stmt(u, tok_next(u, close), limit);
    u->loops--;
    u->breakables--;
    return end;
}

/* for-stmt = "for" "(" ... ")" S | "for" (D : X) S | "for" MACRO(...) S */
static int parse_for(tr_unit *u, int kw, int limit) {
    int lp = tok_next(u, kw);
    if (!tok_is(u, lp, "(")) {
        int end = macro_header(u, lp);   /* `for EACH(i) S` */
        if (end < 0) {
            tr_error(u, lp, "expected '(' after 'for'");
            return -1;
        }
        if (scan_expr(u, lp, end) < 0)
            return -1;
        return loop_body(u, end, limit);
    }
    int rp = tok_match(u, lp);
    int colon = find_top(u, tok_next(u, lp), tok_prev(u, rp), ":");
    if (colon < 0 || find_top(u, tok_next(u, lp), tok_prev(u, rp), ";") >= 0) {
        int s1 = find_top(u, tok_next(u, lp), tok_prev(u, rp), ";");
        int s2 = s1 >= 0 ? find_top(u, tok_next(u, s1), tok_prev(u, rp), ";") : -1;
        int nsites = u->nsites;
        if (scan_expr(u, tok_next(u, lp), tok_prev(u, rp)) < 0)
            return -1;
        /* `for (...; ...; <-tick)`: the step's value is dropped */
        for (int k = nsites; s2 >= 0 && k < u->nsites; k++)
            if (u->sites[k].kind == SITE_RECV &&
                u->sites[k].a == tok_next(u, s2) &&
                u->sites[k].b == tok_prev(u, rp))
                u->sites[k].drop = true;
        return loop_body(u, rp, limit);
    }
    site *s = tr_add_site(u, SITE_FORRANGE, kw, -1);
    if (!s)
        return -1;
    int si = (int)(s - u->sites);
    s->x = (range){tok_next(u, lp), tok_prev(u, colon)};
    s->y = (range){tok_next(u, colon), tok_prev(u, rp)};
    if (s->x.a > s->x.b || !is_ident(u, s->x.b)) {
        tr_error(u, s->x.a <= s->x.b ? s->x.a : colon,
                 "expected a variable declaration before ':' in for");
        return -1;
    }
    if (s->y.a > s->y.b) {
        tr_error(u, rp, "expected a channel after ':' in for");
        return -1;
    }
    range x = s->x, y = s->y;   /* scanning adds sites and may move s */
    if (scan_expr(u, x.a, x.b) < 0 || scan_expr(u, y.a, y.b) < 0)
        return -1;
    int body = tok_next(u, rp);
    if (body >= limit) {
        tr_error(u, rp, "expected a statement after 'for (...)'");
        return -1;
    }
    u->loops++;
    u->breakables++;
    int end = parse_stmt(u, body, limit);
    u->loops--;
    u->breakables--;
    if (end < 0)
        return -1;
    s = &u->sites[si];
    s->b = end;
    site_m(u, s)->body = (range){body, end};
    return end;
}

/* parse_stmt: the statement starting at i, inside a block ending at limit.
 * Returns its last token, or -1 on error. */
static int parse_stmt_(tr_unit *u, int i, int limit);

static int parse_stmt(tr_unit *u, int i, int limit) {
    if (!depth_enter(u, i, "statements"))
        return -1;
    int r = parse_stmt_(u, i, limit);
    depth_leave(u);
    return r;
}

/* An else-if chain that is a block item: the shadow may write its
 * `else`s as `;` (tr_emit.c).  The parts then stand one after the other
 * in the same block, which changes no type (a substatement declares
 * nothing visible outside it), while libclang's name lookup no longer
 * climbs one scope per link: a 10,000-link chain parsed in quadratic
 * time.  (Not for a chain that is the body of a loop or an if: its later
 * links would leave that statement's scope.) */
static void flatten_else(tr_unit *u, int els) {
    (void)tok_set_flag(u, els, TK_FLAT_ELSE);   /* out of memory: not flat */
}

static int parse_stmt_(tr_unit *u, int i, int limit) {
    bool item = u->in_compound;   /* a block item (or a labelled one) */
    u->in_compound = false;
    if (i >= limit || is_eof(u, i))
        return limit;
    if (tok_is(u, i, "{"))
        return parse_compound(u, i);
    if (tok_is(u, i, ";"))
        return i;
    int n = tok_next(u, i);
    if (tok_is(u, i, "if") || tok_is(u, i, "while") ||
        tok_is(u, i, "switch")) {
        for (;;) {   /* an else-if chain iterates instead of recursing */
            int close;
            if (paren_header(u, i, &close) < 0)
                return -1;
            int dl = tok_is(u, i, "while"), db = !tok_is(u, i, "if");
            u->loops += dl;
            u->breakables += db;
            int end = parse_stmt(u, tok_next(u, close), limit);
            u->loops -= dl;
            u->breakables -= db;
            if (end < 0)
                return -1;
            if (!tok_is(u, i, "if") || !tok_is(u, tok_next(u, end), "else"))
                return end;
            int e = tok_next(u, tok_next(u, end));
            if (item && tok_is(u, e, "if"))
                flatten_else(u, tok_next(u, end));
            if (!tok_is(u, e, "if"))
                return parse_stmt(u, e, limit);
            i = e;
        }
    }
    if (tok_is(u, i, "for"))
        return parse_for(u, i, limit);
    if (tok_is(u, i, "do")) {
        u->loops++;
        u->breakables++;
        int end = parse_stmt(u, n, limit);
        u->loops--;
        u->breakables--;
        if (end < 0)
            return -1;
        int w = tok_next(u, end);
        int close;
        if (!tok_is(u, w, "while") || paren_header(u, w, &close) < 0) {
            tr_error(u, w, "expected 'while' after 'do' statement");
            return -1;
        }
        return stmt_end(u, close, limit);
    }
    if (tok_is(u, i, "case") || tok_is(u, i, "default")) {
        int stop;
        int colon = case_colon(u, n, limit, &stop);
        if (colon < 0)
            return stmt_end(u, i, limit);
        if (scan_expr(u, n, tok_prev(u, colon)) < 0)
            return -1;
        int next = tok_next(u, colon);
        u->in_compound = item;
        return next >= limit ? colon : parse_stmt(u, next, limit);
    }
    if (is_ident(u, i) && tok_is(u, n, ":")) {   /* label */
        int next = tok_next(u, n);
        u->in_compound = item;
        return next >= limit ? n : parse_stmt(u, next, limit);
    }
    if (tok_is(u, i, "go")) {
        int end = parse_go(u, i, limit);
        if (end != -2)
            return end;
    }
    if (tok_is(u, i, "select") && tok_is(u, n, "{"))
        return parse_select(u, i);
    int nested = nested_function(u, i, limit);
    if (nested > 0) {
        if (scan_expr(u, i, tok_prev(u, nested)) < 0)
            return -1;
        return parse_compound(u, nested);
    }
    int semi = stmt_end(u, i, limit);
    if (u->go_lb >= 0 && jumps_out(u, i))
        return -1;
    if (tok_is(u, i, "return") || tok_is(u, i, "break") ||
        tok_is(u, i, "continue") || tok_is(u, i, "goto")) {
        if (scan_expr(u, i, tok_prev(u, semi)) < 0)
            return -1;
        return semi;
    }
    if (scan_stmt_expr(u, i, tok_prev(u, semi), semi) < 0)
        return -1;
    return semi;
}

/* ------------------------------------------------------------- file level */

static func *add_func(tr_unit *u) {
    func *v = tr_grow(u->funcs, u->nfuncs, &u->capfuncs, sizeof *v, 16);
    if (!v)
        return NULL;
    u->funcs = v;
    func *f = &u->funcs[u->nfuncs++];
    memset(f, 0, sizeof *f);
    return f;
}

/* The name a function definition's declarator declares: the identifier
 * before the first top-level `(` of the item (or inside `(name)`). */
static int func_name(const tr_unit *u, int start, int lbrace) {
    for (int j = start; j < lbrace; j = tok_next(u, j)) {
        if (tok_is(u, j, "(")) {
            int p = tok_prev(u, j);
            if (is_ident(u, p) && p >= start && !is_type_word(u, p))
                return p;
            j = tok_match(u, j);
        } else if (open_bracket(u, j)) {
            j = tok_match(u, j);
        }
    }
    return -1;
}

/* One top-level item: a declaration ending in `;` or a function
 * definition.  Returns the token after it. */
/* Does the item starting at start open with an old-style declarator
 * `name(a, b)` (an identifier list)?  Then `;` ends its parameter
 * declarations, not the item. */
static bool knr_header(const tr_unit *u, int start, int j) {
    int lp = find_top(u, start, j, "(");
    if (lp < 0 || !is_ident(u, tok_prev(u, lp)) || tok_match(u, lp) > j)
        return false;
    int n = 0;
    for (int k = tok_next(u, lp); k < tok_match(u, lp); k = tok_next(u, k), n++)
        if (!(n % 2 == 0 ? is_ident(u, k) && !is_type_word(u, k)
                         : tok_is(u, k, ",")))
            return false;
    return n > 0;
}

static int parse_item(tr_unit *u, int start) {
    bool saw_eq = false;
    for (int j = start; !is_eof(u, j); j = tok_next(u, j)) {
        if (tok_is(u, j, ";") && !saw_eq && knr_header(u, start, j))
            continue;
        if (tok_is(u, j, ";")) {
            if (scan_expr(u, start, j) < 0)
                return -1;
            return tok_next(u, j);
        }
        if (tok_is(u, j, "="))
            saw_eq = true;
        if (tok_is(u, j, "{") && !saw_eq &&
            (tok_is(u, tok_prev(u, j), ")") ||
             (tok_is(u, tok_prev(u, j), ";") && knr_header(u, start, j)))) {
            func *f = add_func(u);
            if (!f)
                return -1;
            f->start = start;
            f->lbrace = j;
            f->rbrace = tok_match(u, j);
            f->name = func_name(u, start, j);
            int fi = u->nfuncs - 1;
            if (f->name >= 0 && tok_is(u, f->name, "main")) {
                int lp = tok_next(u, f->name);
                int first = tok_next(u, lp);
                f->is_main = true;
                if (first == tok_match(u, lp) ||
                    (tok_is(u, first, "void") &&
                     tok_next(u, first) == tok_match(u, lp))) {
                    f->main_params = 0;
                } else {
                    int n = 1;   /* (counted here: the field is a byte) */
                    for (int k = first; k < tok_match(u, lp) && n <= 3; k = tok_next(u, k)) {
                        if (tok_is(u, k, ","))
                            n++;
                        else if (open_bracket(u, k))
                            k = tok_match(u, k);
                    }
                    f->main_params = (uint8_t)(n <= 3 ? n : 4);
                }
                if (f->main_params != 0 && f->main_params != 2 &&
                    f->main_params != 3) {
                    tr_error(u, f->name, "main takes no parameters, "
                             "(argc, argv) or (argc, argv, envp)");
                    return -1;
                }
            }
            if (scan_expr(u, start, tok_prev(u, j)) < 0)
                return -1;
            int first_site = u->nsites;
            if (parse_compound(u, j) < 0)
                return -1;
            set_func(u, first_site, fi);
            return tok_next(u, u->funcs[fi].rbrace);
        }
        if (open_bracket(u, j))
            j = tok_match(u, j);
    }
    if (scan_expr(u, start, tok_prev(u, u->ntoks - 1)) < 0)
        return -1;
    return u->ntoks - 1;
}

/* The innermost function whose body holds the tokens [a, b], or -1. */
static int enclosing_func(const tr_unit *u, int a, int b) {
    int best = -1;
    for (int f = 0; f < u->nfuncs; f++)
        if (u->funcs[f].lbrace < a && b < u->funcs[f].rbrace &&
            (best < 0 || u->funcs[f].lbrace > u->funcs[best].lbrace))
            best = f;
    return best;
}

/* Forget the sites and functions found from nsites and nfuncs on. */
static void drop_sites(tr_unit *u, int nsites, int nfuncs) {
    for (int k = u->nsites - 1; k >= nsites; k--) {
        site *s = &u->sites[k];
        tr_site_free(u, s, false);
        if (s->kind == SITE_SELECT && s->x.a < u->ncases)
            u->ncases = s->x.a;   /* a nested one's cases come first */
        if (s->more >= 0)   /* the slots were taken in order */
            u->nmore = s->more;
    }
    u->nsites = nsites;
    u->nfuncs = nfuncs;
}

/* parse_alt: the sites of alternate k (tr_cond.c), read on its own: as
 * statements when it lies in a function body, as file-level items
 * otherwise.  An alternate that does not parse on its own (a fragment of
 * an expression, a header whose body follows `#endif`) is copied as
 * written: its sites are dropped and no error is reported.  Jumps out of
 * a go block are not checked there. */
static void parse_alt(tr_unit *u, int k) {
    tr_alt alt = u->alts[k];
    if (alt.broken)
        return;
    u->view = k + 1;
    int first = tok_sig(u, alt.a) ? alt.a : tok_next(u, alt.a);
    int nsites = u->nsites, nfuncs = u->nfuncs;
    int fi = enclosing_func(u, alt.a, alt.b);
    int loops = u->loops, brk = u->breakables;
    int lb = u->go_lb, rb = u->go_rb;
    u->loops = u->breakables = 1;
    u->go_lb = u->go_rb = -1;
    for (int i = first; i <= alt.b && !is_eof(u, i) && u->err_tok < 0;) {
        if (fi >= 0) {
            u->in_compound = true;
            int end = parse_stmt(u, i, alt.b + 1);
            i = end < 0 ? -1 : tok_next(u, end);
        } else {
            i = parse_item(u, i);
        }
        if (i < 0)
            break;
    }
    if (u->err_tok >= 0) {
        drop_sites(u, nsites, nfuncs);
        u->err_tok = -1;
        u->err_msg[0] = 0;
        u->alts[k].broken = true;
    } else if (fi >= 0) {
        set_func(u, nsites, fi);
    }
    u->loops = loops;
    u->breakables = brk;
    u->go_lb = lb;
    u->go_rb = rb;
    u->view = 0;
}

/* Sites in source order, so that numbering (tr_number_sites) follows the
 * file whichever view found them. */
static int by_start(const void *x, const void *y) {
    const site *a = x, *b = y;
    return a->a != b->a ? (a->a > b->a) - (a->a < b->a)
                        : (a->b < b->b) - (a->b > b->b);
}

/* trim: shrink the array *p of n items (elem bytes each, room for *cap)
 * to n, if it can. */
static void trim(void **p, int n, int *cap, size_t elem) {
    if (n && n < *cap) {
        void *v = realloc(*p, (size_t)n * elem);
        if (v) {
            *p = v;
            *cap = n;
        }
    }
}

/* move_chans: move the SITE_CHAN sites to u->chans, by start (then in
 * their order as sites); the other sites keep their order, and their
 * array is trimmed.  0, or -1 out of memory (nothing moved).  Run after
 * the arrays are trimmed: it is the parse's peak. */
static int move_chans(tr_unit *u) {
    int n = 0;
    for (int k = 0; k < u->nsites; k++)
        n += u->sites[k].kind == SITE_CHAN;
    if (n == 0)
        return 0;
    int (*order)[2] = malloc((size_t)n * sizeof *order);   /* start, site */
    u->chans = malloc((size_t)n * sizeof *u->chans);
    if (!order || !u->chans) {
        free(order);
        free(u->chans);
        u->chans = NULL;
        tr_error(u, u->sites[0].a, "out of memory");
        return -1;
    }
    int m = 0;
    for (int k = 0; k < u->nsites; k++)
        if (u->sites[k].kind == SITE_CHAN) {
            order[m][0] = u->sites[k].a;
            order[m++][1] = k;
        }
    qsort(order, (size_t)n, sizeof *order, tr_by_pair);
    for (int k = 0; k < n; k++) {
        const site *s = &u->sites[order[k][1]];
        if (s->x.a - s->a > UINT16_MAX || s->b - s->x.b > INT16_MAX) {
            tr_error(u, s->a, "channel type too long (comments or blank "
                              "lines between 'chan<' and the type, or "
                              "the type and '>')");
            free(order);
            free(u->chans);
            u->chans = NULL;
            return -1;
        }
        u->chans[k] = (chan_type){.a = s->a, .b = s->b,
                                  .xa = (uint16_t)(s->x.a - s->a),
                                  .xb = (uint16_t)(s->b - s->x.b) & 0x7fff,
                                  .inactive = s->inactive};
    }
    free(order);
    u->nchans = n;
    int kept = 0;
    for (int k = 0; k < u->nsites; k++)
        if (u->sites[k].kind != SITE_CHAN)
            u->sites[kept++] = u->sites[k];
    u->nsites = kept;
    trim((void **)&u->sites, kept, &u->capsites, sizeof *u->sites);
    return 0;
}

const chan_type *tr_chan_at(const tr_unit *u, int i) {
    int lo = 0, hi = u->nchans;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (u->chans[mid].a <= i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && u->chans[lo - 1].a == i ? &u->chans[lo - 1] : NULL;
}

/* tr_parse: find every site of the file: the main view, then each
 * alternate branch (tr_cond.c).  0, or -1 with the error set.  Leaves
 * u->view at -1 (every token) for the passes after it. */
int tr_parse(tr_unit *u) {
    u->go_lb = u->go_rb = -1;
    u->view = -1;
    collect_typedefs(u);   /* from every branch */
    u->view = 0;
    int first = u->first_sig;
    if (first >= 0 && !tok_sig(u, first))
        first = tok_next(u, first);
    for (int i = first; i >= 0 && !is_eof(u, i);) {
        i = parse_item(u, i);
        if (i < 0 || u->err_tok >= 0)
            return -1;
    }
    int nmain = u->nsites;
    for (int k = 0; k < u->nalts; k++)
        parse_alt(u, k);
    u->view = -1;
    if (u->nsites > nmain)
        qsort(u->sites, (size_t)u->nsites, sizeof *u->sites, by_start);
    /* main is renamed, so that the runtime's main can run it as goroutine
     * 1: its definition, its prototypes and any call to it, in every
     * branch */
    bool has_main = false;
    for (int f = 0; f < u->nfuncs; f++)
        has_main |= u->funcs[f].is_main;
    for (int i = u->first_sig; has_main && i >= 0 && !is_eof(u, i);
         i = tok_next(u, i))
        if (tok_is(u, i, "main") && !after_member_op(u, i) &&
            !tr_add_site(u, SITE_MAINNAME, i, i))
            return -1;
    /* the arrays grew by half: give back the slack (STATICREF sites
     * are added later, through tr_add_site, which grows it again) */
    trim((void **)&u->sites, u->nsites, &u->capsites, sizeof *u->sites);
    trim((void **)&u->more, u->nmore, &u->capmore, sizeof *u->more);
    trim((void **)&u->cases, u->ncases, &u->capcases, sizeof *u->cases);
    trim((void **)&u->funcs, u->nfuncs, &u->capfuncs, sizeof *u->funcs);
    return move_chans(u);
}
