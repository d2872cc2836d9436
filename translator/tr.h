/*
 * tr.h - the translator's internal data: the token array of one .gc file,
 * the extension sites the parser finds in it, and what the libclang pass
 * learns about them.  Shared by tr_parse.c (finds sites), tr_sema.c (asks
 * libclang about them), tr_emit.c (writes C) and translate.c (runs them).
 *
 * Positions: every range is a pair of indices into tr_unit.toks, first and
 * last token inclusive (a > b is empty).  Ranges always start and end on a
 * significant token (not spacing, comments or preprocessor lines).
 */
#ifndef GOCC_TR_H
#define GOCC_TR_H

#include "lexer.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct range {
    int a, b;
} range;

typedef enum site_kind {
    SITE_CHAN,     /* chan<T>:  a `chan`, b the closing `>` or `>>`; x = T */
    SITE_MAKE,     /* make(chan<T>[, n]): a `make`, b `)`; x = the chan<T>,
                      z = T, y = n */
    SITE_RECV,     /* <-X: a `<`, b last of X; x = X */
    SITE_SEND,     /* X <- Y (statement, candidate): x = X, y = Y */
    SITE_RECVOK,   /* X, Y = <-Z (statement): x, y, z */
    SITE_BUILTIN,  /* close|len|cap(X) candidate: a the name, b `)`; x */
    SITE_GOCALL,   /* go F(args);  a `go`, b `;`; x = F, args */
    SITE_GOBLOCK,  /* go { ... }   a `go`, b `}`; body = the braces */
    SITE_SELECT,   /* select { }   a `select`, b `}`; cases */
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

typedef struct sel_case {
    case_kind kind;
    int kw, colon;       /* the `case`/`default` token and its `:` */
    range lhs, ok;       /* receive targets (empty when absent) */
    bool decl;           /* lhs declares a variable (`struct job j`) */
    range ch, val;       /* the channel operand; the value to send */
    range body;          /* statements up to the next case (may be empty) */
    bool after;          /* ch is a direct gocc_after(...) or gocc_ready(...) call */
} sel_case;

/* A variable a go block captures (found by tr_sema.c). */
typedef struct capture {
    char *name;
    char *type;          /* printed type, nameable at file scope */
    bool by_pointer;     /* block-scope static or extern: shared */
    bool is_array;
} capture;

typedef struct site {
    site_kind kind;
    int a, b;
    range x, y, z, body;
    range *args;         /* SITE_GOCALL */
    int nargs;
    sel_case *cases;     /* SITE_SELECT */
    int ncases;
    int func;            /* enclosing function (index into funcs), or -1 */
    int id;              /* per-kind number, for generated names */
    bool drop;           /* SITE_RECV: the whole expression statement */
    bool after;          /* SITE_RECV: operand is gocc_after(...) or gocc_ready(...) */
    bool typedef_make;   /* SITE_MAKE: make(CT, n), CT a typedef name */
    bool inactive;       /* in a skipped #if branch: copied as written */
    /* filled by tr_sema.c */
    bool is_chan;        /* SEND/BUILTIN/RECVOK: the operand is a channel */
    bool direct;         /* RECVOK: &X may be passed as T* as is */
    char *fn_type;       /* GOCALL: printed type of the callee pointer */
    char **arg_types;    /* GOCALL: printed parameter types (promoted) */
    capture *caps;       /* GOBLOCK */
    int ncaps;
    range *decls;        /* GOBLOCK: local declarations its function copies
                            (each written with a `;` after it); with any,
                            the capture struct is declared inside the
                            functions, where their names are seen */
    int ndecls;
    bool warned;
    const char *repl;    /* STATICREF: replacement text */
} site;

typedef struct func {
    int start;           /* first token of the definition */
    int name;            /* its name token */
    int lbrace, rbrace;  /* the body */
    bool is_main;
    int main_params;     /* main's parameters: 0, 2 or 3 (envp) */
    bool inactive;       /* in a skipped #if branch */
} func;

/* An alternate branch of a preprocessor conditional (tr_cond.c): tokens
 * [a, b] minus the alternates nested in it form view k + 1 for alts[k]. */
typedef struct tr_alt {
    int a, b;
    int parent;          /* the view the group stands in */
    bool broken;         /* its brackets do not pair within it: not parsed */
} tr_alt;

typedef struct tr_unit {
    const char *path;    /* as given */
    char *line_path;     /* escaped, for #line */
    char *src;
    size_t len;
    token *toks;
    int ntoks;           /* the last one is TOK_EOF */
    int *match;          /* bracket partner of each bracket token, or -1 */
    int *owner;          /* the view of each token (tr_cond.c) */
    int view;            /* the view tok_sig shows: 0 main, -1 every token */
    tr_alt *alts;
    int nalts, capalts;
    site *sites;
    int nsites, capsites;
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
    bool *flat_else;     /* per token: an `else` the shadow writes as `;` */
    /* the first error */
    int err_tok;
    char err_msg[256];
    /* warnings go straight out */
    FILE *err;
} tr_unit;

/* tr_parse.c */
bool tok_is(const tr_unit *u, int i, const char *s);
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
void tr_error(tr_unit *u, int tok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tr_warning(tr_unit *u, int tok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
site *tr_add_site(tr_unit *u, site_kind k, int a, int b);

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
