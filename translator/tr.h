/*
 * tr.h - the translator's internal data: the token array of one .gc file,
 * the extension sites the parser finds in it, and what the libclang pass
 * learns about them.  Shared by tr_parse.c (finds sites), tr_sema.c (asks
 * libclang about them), tr_emit.c (writes C) and translate.c (runs them).
 *
 * Positions: every range is a pair of token indices, first and last
 * token inclusive (a > b is empty).  Ranges always start and end on a
 * significant token (not spacing, comments or preprocessor lines).
 *
 * The tokens are stored compactly, since a file has about one token for
 * every two bytes: one byte each, its kind in the low four bits and its
 * length in the high four.  A token of 15 bytes or more (a comment, a
 * long name, a string or preprocessor line: about one token in fifty)
 * has 15 there and its length in a sorted side list; a token's offset is
 * the offset of every 16th token plus the lengths between (the lexer is
 * lossless: the tokens tile the input); its line and column come from the
 * line table; its bracket partner from a bitmap of the bracket tokens,
 * counted per 512, and a 16-bit distance per bracket; its flags (TK_*)
 * from bitmaps, each made when a token first gets that flag.  Read them
 * through the tok_* accessors below.
 */
#ifndef GOCC_TR_H
#define GOCC_TR_H

#include "lexer.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct range {
    int a, b;
} range;

typedef enum site_kind {
    SITE_CHAN,     /* chan<T>:  a `chan`, b the closing `>` or `>>`; x = T
                      (moved to u->chans when tr_parse ends) */
    SITE_MAKE,     /* make(chan<T>[, n]): a `make`, b `)`; x = the chan<T>,
                      z = T, y = n */
    SITE_RECV,     /* <-X: a `<`, b last of X; x = X */
    SITE_SEND,     /* X <- Y (statement, candidate): x = X, y = Y */
    SITE_RECVOK,   /* X, Y = <-Z (statement): x, y, z */
    SITE_BUILTIN,  /* close|len|cap(X) candidate: a the name, b `)`; x */
    SITE_GOCALL,   /* go F(args);  a `go`, b `;`; x = F, args */
    SITE_GOBLOCK,  /* go { ... }   a `go`, b `}`; body = the braces */
    SITE_SELECT,   /* select { }   a `select`, b `}`; x = its cases,
                      u->cases[x.a .. x.b] (sel_case_of); y.a = its number */
    SITE_FORRANGE, /* for (D : X) S   a `for`, b last of S; x = D, y = X,
                      body = S */
    SITE_MAINNAME, /* the name of main's definition (a == b) */
    SITE_STATICREF /* a go block's use of a captured block-scope static */
} site_kind;

typedef enum case_kind {
    CASE_RECV,     /* <-X / L = <-X / L, OK = <-X / DECL = <-X */
    CASE_SEND,     /* X <- Y */
    CASE_DEFAULT
} case_kind;

/* A select's case, as sel_case gives it (u->cases keeps it packed). */
typedef struct sel_case {
    uint8_t kind;        /* case_kind */
    bool decl;           /* lhs declares a variable (`struct job j`) */
    bool after;          /* ch is a direct gocc_after(...) or gocc_ready(...) call */
    int kw, colon;       /* the `case`/`default` token and its `:` */
    range ch;            /* the channel operand */
    range body;          /* statements up to the next case (may be empty) */
    union {
        struct {
            range lhs, ok;   /* CASE_RECV: its targets (empty when absent) */
        };
        range val;       /* CASE_SEND: the value to send */
    };
} sel_case;

/* A case as u->cases keeps it: 24 bytes instead of 44.  Its positions
 * are 16-bit distances from its `case` or `default` token (the end of
 * its body back from where the body stops: the next case, or the
 * select's `}`), so that a file's cases cost less than its text; a case
 * whose parts lie further apart is refused (tr_parse.c, pack_case).
 * An empty range is SEL_NONE, SEL_NONE. */
enum { SEL_NONE = 0xffff };
typedef struct sel_slot {
    int kw;
    uint8_t kind : 2;
    bool decl : 1, after : 1;
    uint16_t colon, ch_a, ch_b, body_a, body_back, r1a, r1b, r2a, r2b;
} sel_slot;
_Static_assert(sizeof(sel_slot) == 24, "a packed case is 24 bytes");

/* A variable a go block captures (found by tr_sema.c). */
typedef struct capture {
    char *name;
    char *type;          /* printed type, nameable at file scope */
    bool by_pointer;     /* block-scope static or extern: shared */
    bool is_array;
} capture;

/* The members of a site of kind MAKE, RECVOK, GOBLOCK, FORRANGE,
 * GOCALL or STATICREF: read only those of the site's kind. */
typedef struct site_more {
    int id;                  /* GOCALL, GOBLOCK, RECVOK, FORRANGE:
                                per-kind number, for generated names */
    int func;                /* GOCALL, GOBLOCK: the enclosing function
                                (index into funcs), or -1 */
    union {
        range z;             /* MAKE, RECVOK */
        struct {             /* GOBLOCK, FORRANGE (body only) */
            range body;
            capture *caps;   /* GOBLOCK (tr_sema.c) */
            int ncaps;
            int ndecls;
            range *decls;    /* GOBLOCK: local declarations its function
                                copies (each written with a `;` after
                                it); with any, the capture struct is
                                declared inside the functions, where
                                their names are seen */
        };
        struct {             /* GOCALL */
            range *args;
            int nargs;
            const char *fn_type;     /* printed type of the callee
                                        pointer (tr_intern) */
            const char *const *arg_types;  /* printed parameter
                                        types (promoted; tr_intern_list) */
        };
        const char *repl;    /* STATICREF: replacement text */
    };
} site_more;

/* A site.  A file may hold one every few dozen bytes (a send is 8), so
 * a site is 32 bytes: what only some kinds have is in u->more (site_m),
 * freed through tr_site_free.  Rejected: those members in a union here
 * (72 bytes a site, the biggest thing the translator held for code
 * dense with sends), and a pointer to them (48). */
typedef struct site {
    int a, b;
    range x, y;
    uint8_t kind;        /* site_kind */
    bool drop : 1;       /* SITE_RECV: the whole expression statement */
    bool after : 1;      /* SITE_RECV: operand is gocc_after(...) or gocc_ready(...) */
    bool typedef_make : 1; /* SITE_MAKE: make(CT, n), CT a typedef name */
    bool inactive : 1;   /* in a skipped #if branch: copied as written */
    /* filled by tr_sema.c (or tr_text.c) */
    bool is_chan : 1;    /* SEND/BUILTIN/RECVOK: the operand is a channel */
    bool direct : 1;     /* RECVOK: &X may be passed as T* as is */
    bool warned : 1;
    int more;            /* its place in u->more, or -1 */
} site;

/* A channel type chan<T> (a SITE_CHAN site until tr_parse ends, then
 * moved here: a file may have as many as all other sites, and they need
 * none of a site's other members). */
typedef struct chan_type {
    int a, b;            /* the `chan`; the closing `>` or `>>` */
    uint16_t xa;         /* T starts xa tokens after a (chan_x) */
    uint16_t xb : 15;    /*   and ends xb before b (0: a shared `>>`) */
    bool inactive : 1;   /* in a skipped #if branch: copied as written */
} chan_type;

/* chan_x: channel type c's T. */
static inline range chan_x(const chan_type *c) {
    return (range){c->a + c->xa, c->b - (int)c->xb};
}

typedef struct func {
    int start;           /* first token of the definition */
    int name;            /* its name token */
    int lbrace, rbrace;  /* the body */
    uint8_t main_params; /* main's parameters: 0, 2 or 3 (envp) */
    bool is_main;
    bool inactive;       /* in a skipped #if branch */
} func;

/* An alternate branch of a preprocessor conditional (tr_cond.c): tokens
 * [a, b] minus the alternates nested in it form view k + 1 for alts[k]. */
typedef struct tr_alt {
    int a, b;
    int parent;          /* the view the group stands in */
    bool broken;         /* its brackets do not pair within it: not parsed */
} tr_alt;

/* A token's kind and length byte; its flags (tok_flag), one bitmap each. */
enum { TK_KIND = 0x0f, TK_LONG = 15 };
typedef enum tok_flag_id {
    TK_ALT,               /* in an alternate branch: not in view 0 */
    TK_FLAT_ELSE,         /* an `else` the shadow writes as `;` */
    TK_INJECT,            /* tr_emit.c: #include <gocc.h> goes before it */
    TK_MARK,              /* tr_emit.c: a site, or a function's start or
                             end, is there */
    TK_NFLAGS
} tok_flag_id;

typedef struct tr_unit {
    const char *path;    /* as given */
    char *line_path;     /* escaped, for #line */
    char *src;
    size_t len;
    /* token i is src[tok_off(i), tok_off(i) + tok_len(i)), for i < ntoks */
    uint8_t *tkind;      /* ntoks + 1: tok_kind | the length << 4 (TK_LONG:
                            15 or more); the last is 0 */
    uint32_t *tck;       /* per 16 tokens: the offset of token 16 k */
    uint32_t *longs;     /* pairs: a token of 15 bytes or more, ascending,
                            and its length */
    int nlongs;
    int long_hint;       /* tok_long_len's last answer (a cache) */
    uint64_t *tflags[TK_NFLAGS];   /* a bit a token; NULL: none set */
    int ntoks;           /* the last one is TOK_EOF */
    uint32_t *lines;     /* the first byte of every 16th line (1, 17, ...):
                            line_start */
    int nlines;          /* of lines[] */
    bool has_cr;         /* a "\r" anywhere: lines may end in a lone one */
    struct {             /* the last line asked about (a cache) */
        uint32_t line, start, next;   /* next: the next line's start */
    } line_hint;
    uint64_t *brk_bits;  /* a bit a token: it is a bracket */
    uint32_t *brk_rank;  /* per 512 tokens: the brackets before them */
    int16_t *brk_d;      /* per bracket, in order: its partner's distance
                            (tok_match) */
    int nbrk;
    int *brk_far;        /* pairs: a bracket (its place in order) and its
                            partner, for distances past 16 bits */
    int nfar;
    int view;            /* the view tok_sig shows: 0 main, -1 every token */
    tr_alt *alts;
    int nalts, capalts;
    int *kid_first;      /* alternate k's nested alternates (parent k + 1) */
    int *kids;           /*   are kids[kid_first[k] .. kid_first[k + 1]) */
    site *sites;
    int nsites, capsites;
    chan_type *chans;    /* after tr_parse: the channel types, by start
                            (SITE_CHAN is then in no site) */
    int nchans;
    site_more *more;     /* the sites' kind-specific members (site_m) */
    int nmore, capmore;
    sel_slot *cases;     /* the selects' cases (sel_case), each select's
                            together, in the order the selects end */
    int ncases, capcases;
    func *funcs;
    int nfuncs, capfuncs;
    char **typedefs;     /* typedef names declared in the file */
    int ntypedefs, captypedefs;
    int first_sig;       /* first significant token, -1 if none */
    /* parser state: within the innermost go block, how many enclosing
     * loops and breakable statements; that block's braces (-1: none) */
    int loops, breakables, go_lb, go_rb;
    int depth;           /* recursion depth, bounded (MAX_DEPTH) */
    bool in_compound;    /* the statement parsed next is a block item */
    /* the first error */
    int err_tok;
    char err_msg[256];
    /* warnings go straight out */
    FILE *err;
    struct tr_pool *pool;   /* the answers' strings and lists (tr_intern) */
} tr_unit;

/* The token accessors. */
static inline tok_kind tok_kind_of(const tr_unit *u, int i) {
    return (tok_kind)(u->tkind[i] & TK_KIND);
}
uint32_t tok_long_len(const tr_unit *u, int i);   /* tr_parse.c */
static inline uint32_t tok_len(const tr_unit *u, int i) {
    unsigned n = u->tkind[i] >> 4;
    return n != TK_LONG ? n : tok_long_len(u, i);
}
/* tok_off: i may be ntoks (the end of the input).  At most 15 lengths
 * are added: the offsets take a quarter byte a token. */
static inline uint32_t tok_off(const tr_unit *u, int i) {
    uint32_t off = u->tck[i >> 4];
    for (int j = i & ~15; j < i; j++)
        off += tok_len(u, j);
    return off;
}
static inline const char *tok_ptr(const tr_unit *u, int i) {
    return u->src + tok_off(u, i);
}
/* tok_is: is token i (in range, not a string or character constant)
 * spelled s?  Always inline (gcc stopped inlining it into the parser's
 * statement loop once tr_parse.c grew, and paid a strlen per call), so
 * that strlen of a literal s is a constant and the length, the cheap
 * test, comes first: most calls stop there. */
__attribute__((always_inline)) static inline bool tok_is(const tr_unit *u,
                                                        int i, const char *s) {
    size_t n = strlen(s);
    if (i < 0 || i >= u->ntoks || n == 0 || tok_len(u, i) != n)
        return false;
    tok_kind k = tok_kind_of(u, i);
    return k != TOK_STRING && k != TOK_CHAR && memcmp(tok_ptr(u, i), s, n) == 0;
}
static inline bool tok_flag(const tr_unit *u, int i, tok_flag_id f) {
    const uint64_t *b = u->tflags[f];
    return b && (b[i >> 6] >> (i & 63) & 1);
}
/* tok_set_flag: 0, or -1 out of memory (the bitmap is made on first use) */
int tok_set_flag(tr_unit *u, int i, tok_flag_id f);   /* tr_parse.c */
static inline void tok_clear_flag(tr_unit *u, int i, tok_flag_id f) {
    if (u->tflags[f])
        u->tflags[f][i >> 6] &= ~(UINT64_C(1) << (i & 63));
}
void tok_clear_flags(tr_unit *u, tok_flag_id f);   /* every token's */

/* site_m: the kind-specific members of site s (of a kind that has
 * them).  The pointer is good until the next tr_add_site. */
static inline site_more *site_m(const tr_unit *u, const site *s) {
    return &u->more[s->more];
}

/* The cases of select site s: sel_ncases of them, case k as sel_case_of
 * unpacks it (tr_parse.c, beside the packing). */
static inline int sel_ncases(const site *s) { return s->x.b - s->x.a + 1; }
sel_case sel_case_of(const tr_unit *u, const site *s, int k);

/* tr_parse.c */
uint32_t tok_line(const tr_unit *u, int i);   /* 1-based, as the lexer's */
uint32_t tok_col(const tr_unit *u, int i);    /* 1-based byte column */
uint32_t off_line(const tr_unit *u, uint32_t off);
uint32_t line_start(const tr_unit *u, uint32_t line);   /* its first byte */
int tok_match(const tr_unit *u, int i);       /* bracket partner, or -1 */
bool tok_sig(const tr_unit *u, int i);
int tok_next(const tr_unit *u, int i);   /* next significant token */
int tok_prev(const tr_unit *u, int i);   /* previous one, -1 at start */
int tr_lex(tr_unit *u);                  /* 0, or -1 with err set */
/* tr_cond.c: the views of the tokens (0, or -1 out of memory), and the
 * conditional directive a preprocessor line is */
int tr_cond(tr_unit *u);
typedef enum pp_dir { PP_OTHER, PP_IF, PP_ELIF, PP_ELSE, PP_ENDIF } pp_dir;
pp_dir tr_directive(const tr_unit *u, int i, bool *unlikely);
int tr_parse(tr_unit *u);                /* 0, or -1 with err set */
/* tr_chan_at: the channel type starting at token i (the last one, if
 * several), or NULL */
const chan_type *tr_chan_at(const tr_unit *u, int i);
void tr_error(tr_unit *u, int tok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tr_warning(tr_unit *u, int tok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
site *tr_add_site(tr_unit *u, site_kind k, int a, int b);
/* tr_first_site: the first k with sites[order[k]].a >= i, for order the
 * nsites site indices sorted by start (NULL: the sites are in order);
 * nsites if none. */
int tr_first_site(const tr_unit *u, const int *order, int i);
/* translate.c: the translator's one way to grow an array: room for item
 * n of p (elem bytes each, *cap of them): p itself when n < *cap, else p
 * moved to a block half as big again (at least first items; realloc of a
 * big block remaps its pages rather than copying them, so the growth
 * rate costs little time and the unused tail stays small); NULL when out
 * of memory, p then unchanged and still the caller's. */
void *tr_grow(void *p, int n, int *cap, size_t elem, int first);
/* translate.c: qsort's order of int pairs (int[2]): by the first, then
 * the second. */
int tr_by_pair(const void *a, const void *b);
/* translate.c: the unit's pool, where the type passes keep a go call's
 * answers (its printed types and their list), freed with the unit and
 * never one by one.  A file's go calls mostly call a few functions, so a
 * printed type is kept once (tr_intern).  Rejected: a malloc per answer
 * (a two-argument go call's types and list took about 130 bytes with
 * malloc's headers: more than a dense file's text per go call).  Answers
 * a pass drops (tr_text_clear) stay until the unit is freed: at most one
 * pass's worth. */
/* tr_intern: the pooled copy of s (taken: freed here); NULL when s is
 * NULL or memory runs out */
const char *tr_intern(tr_unit *u, char *s);
/* tr_intern_list: the pooled copy of list[0..n] (list[n] NULL, the others
 * tr_intern's); NULL out of memory */
const char **tr_intern_list(tr_unit *u, const char *const *list, int n);
/* translate.c: free what site s owns (its kind's members); with
 * answers_only, only what the type passes filled in, which is cleared */
void tr_site_free(tr_unit *u, site *s, bool answers_only);

/* tr_emit.c: mode SHADOW writes the text libclang parses (no type
 * decisions, offsets recorded in shadow_start/shadow_end); mode FINAL
 * writes the translation. */
typedef enum emit_mode { EMIT_SHADOW, EMIT_FINAL } emit_mode;
typedef struct strbuf {
    char *p;
    size_t len, cap;
    /* Set: the text goes on to it whenever 64 KiB are held (the last byte
     * stays, so that the text's end can still be read) and sb_drain sends
     * the rest; a write error is the sink's (ferror).  The FINAL output
     * streams so; the SHADOW output and the small strbufs keep it all. */
    FILE *sink;
} strbuf;
void sb_put(strbuf *s, const char *p, size_t n);
void sb_drain(strbuf *s, bool keep_last);
void sb_puts(strbuf *s, const char *p);
void sb_printf(strbuf *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int tr_emit(tr_unit *u, emit_mode mode, strbuf *out, int *shadow_start,
            int *shadow_end);
bool tr_type_simple(const char *printed_type);
char *tr_pointer_type(const char *printed_type);   /* malloc'd */

/* tr_sema.c: parse the shadow with libclang and answer the sites'
 * questions.  0, or -1 with err set (2 when libclang fails). */
typedef struct tr_deps tr_deps;
int tr_sema(tr_unit *u, const char *shadow, size_t shadow_len,
            const int *shadow_start, const int *shadow_end,
            const char *const *args, int nargs, tr_deps *deps);

/* tr_text.c: answer the sites' questions from the file's text when it is
 * sure of every one (0), else change nothing and return -1 with why. */
int tr_text(tr_unit *u, const char *const *args, int nargs,
            const char **why, int *why_tok);
void tr_text_clear(tr_unit *u);   /* forget its answers */
void tr_warn_capture_address(tr_unit *u, int tok, const char *name);

/* translate.c */
void tr_number_sites(tr_unit *u);
void tr_unit_free(tr_unit *u);   /* frees everything the unit owns */

#endif
