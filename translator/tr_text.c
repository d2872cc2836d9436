/*
 * tr_text.c - answer the sites' type questions from the file's own text,
 * when the text makes the answer certain.
 *
 * libclang answers every question (tr_sema.c), but loading it and parsing
 * a file's headers costs more than compiling a small file.  Most questions
 * in real .gc files have answers written in the file itself: `ch <- v`
 * where `chan<int> ch` is declared a few lines up, `close(fd)` where
 * `int fd` is, `go worker(i, jobs)` where worker's prototype is in the
 * file, a go block that uses locals declared with plain declarations.
 * This pass finds those declarations by scanning the function's block
 * items (declarations, statements, the scopes they open) and prints types
 * exactly as tr_sema.c prints them.  It answers all of a file's sites or
 * none: one site it is not sure of and libclang answers the whole file,
 * so the two never mix in one translation.
 *
 * "Sure" is narrow on purpose.  The pass gives up on: any #if in the
 * file; text it does not read as the compiler does (digraphs, a backslash
 * outside strings and directives, [[attributes]]); a quoted #include, an
 * #include <...> found in a -I directory, -include or -imacros (macros
 * and types it cannot see); a macro that pastes tokens, renames a keyword
 * or spells the name looked up (-D options count as the file's macros);
 * a type name that could be a channel, an array or a function type
 * (typedefs of the file, and all but a list of the C library's);
 * typeof, attributes, extended types; declarators other than `*...*
 * name`, `(*name)(...)` and `(*name)[N]`; statements that C reads as a
 * declaration or an expression by whether a name is a type (`T (x);`,
 * `a * b;`, `M(...) x;`); block-scope static, extern, typedef, enum and
 * struct/union/enum definitions; statement expressions around the use;
 * nested go blocks; a go call through anything but a function the file
 * declares with a prototype, or declares twice with different spellings.
 * Its work is bounded (a budget linear in the file).  What it does not
 * see: a system header's macro that declares a local variable a go block
 * then uses (pthread_cleanup_push declares `__cancel_buf`); the capture
 * is missed and the C compiler reports the name undeclared in the
 * goroutine's function.
 *
 * GOCC_SEMA=check (translate.c) runs both passes and compares: the test
 * suite runs it on every .gc file it has.
 */
#define _DEFAULT_SOURCE   /* strdup */
#include "tr.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct text {
    tr_unit *u;
    char **macros;       /* names the file #defines */
    char **bodies;       /* and their replacements */
    const char *const *args;   /* the compiler options libclang would get */
    int nargs;
    int nmacros;
    const char *why;     /* why the pass gave up */
    int why_tok;
    /* The name index, per identifier rather than per token (a file has
     * about one identifier for every three tokens), 4 bytes and a bit
     * each.  Names are numbered 0.. in the order they first appear, and
     * told apart by an open-addressing hash table (name_of); name_tok[n]
     * is name n's first identifier.  occ lists the identifiers grouped
     * by name, each name's in source order; name_first[n] is name n's
     * first place there.  C's keywords (`if`, `int`, `return`: a third
     * of a file's identifiers; `keywords` less `strict_names`) have no
     * places: no lookup asks for them; nor have the words of gocc's
     * constructs (construct_word).  For a token without a place,
     * place_of gives the place it would take.
     * A token's place is found by its name and a binary search of that
     * name's places (place_of).  cand marks the places whose identifier
     * may be a declarator (could_declare), and cand_last[w] is the last
     * such place before place 64 w (-1: none), so the latest possible
     * declarator spelled as a name before a place is found at once
     * (decl_before).  Rejected: a place per identifier and a latest
     * declarator per identifier, precomputed (8 more bytes each; the
     * index was then as big as the tokens and text together), and a list
     * of the possible declarators (often half the identifiers). */
    int *occ, *name_first, *name_tok;
    uint64_t *cand;
    int *cand_last;
    int *table;          /* open addressing: name numbers, -1 empty */
    unsigned table_mask;
    int nnames;
    int *items;          /* file-scope items: start, end pairs, in order */
    int nitems;
    int *fsorted;        /* function indices by body start */
    bool *has_enum;      /* per function: its body spells `enum` (its
                            enumerators are declarations the scan skips) */
    int *gscan;          /* per name id: file scope read up to here (-1) */
    int *gdecl_item;     /* per name id: the item declaring it last, -1 */
    signed char *agree;  /* per name id: its function declarations agree
                            (1), differ (0), not checked (-1) */
    int *by_start;       /* the sites by start, then index (site_at);
                            NULL when the sites are in that order (nth) */
    int *local_type;     /* per function: local_type's answer, -2 unknown */
    int *warn;           /* pairs: a captured name's use, its go block */
    int nwarn;
    long long steps, budget;   /* work done, and the most allowed */
} text;

/* A declaration found in the text. */
typedef struct tdecl {
    int name;            /* its declarator's name token, -1 none */
    int spec_a, spec_b;  /* its declaration specifiers */
    int nptr;            /* `*`s before the name */
    int fnptr_lp;        /* `(*name)(params)`: the params' `(`, else 0 */
    int arrptr_lb;       /* `(*name)[N]`: the `[`, else 0 */
    bool array, func;    /* `[` or `(` after the name */
    bool storage;        /* static or extern */
    bool quals;          /* const or volatile among the specifiers */
} tdecl;

enum { UNSURE = -1, DONE = -2 };

/* fit: a printed type kept by a site, trimmed to its length (a strbuf's
 * starts at 64 bytes; a file may keep thousands). */
static char *fit(char *p) {
    char *q = p ? realloc(p, strlen(p) + 1) : NULL;
    return q ? q : p;
}


static int give_up(text *T, int tok, const char *why) {
    if (!T->why) {
        T->why = why;
        T->why_tok = tok;
    }
    return UNSURE;
}

static bool in_braces(text *T, int a, int t);
static bool user_header(const text *T, const char *name);
static bool could_declare(const text *T, int p);
static bool macro_mentions(const text *T, int n);

/* ---------------------------------------------------------- the tokens */

/* always inline, as tok_is: most calls name a literal */
__attribute__((always_inline)) static inline bool is_tok(const text *T, int i,
                                                         const char *s) {
    return tok_is(T->u, i, s);
}

static bool is_ident(const text *T, int i) {
    return i >= 0 && i < T->u->ntoks && tok_kind_of(T->u, i) == TOK_IDENT;
}

static unsigned name_hash(const char *p, size_t n) {
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 16777619u;
    return h;
}

static bool same_name(const text *T, int i, int j);

/* name_of: the number of identifier i's name (every identifier of the
 * file has one once the index is built). */
static int name_of(const text *T, int i) {
    unsigned h = name_hash(tok_ptr(T->u, i), tok_len(T->u, i)) & T->table_mask;
    for (;; h = (h + 1) & T->table_mask) {
        int n = T->table[h];
        if (n < 0 || same_name(T, T->name_tok[n], i))
            return n;
    }
}

/* place_of: identifier i's place in occ (for one without a place, a
 * construct_word, the place it would take: up to *end), its name's
 * places in [*first, *end); -1 for a keyword (not indexed), a name
 * without places or a token that is not an identifier. */
static int place_of(const text *T, int i, int *first, int *end) {
    if (!is_ident(T, i))
        return -1;
    int n = name_of(T, i);
    int lo = T->name_first[n], hi = T->name_first[n + 1];
    if (lo == hi)
        return -1;
    *first = lo;
    *end = hi;
    while (lo < hi) {   /* the first place holding i or a later token */
        int mid = (lo + hi) / 2;
        if (T->occ[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The identifiers spelled as identifier i: the one before it, the one
 * after it (-1: none). */
static int prev_same(const text *T, int i) {
    int first, end, p = place_of(T, i, &first, &end);
    return p >= 0 && p > first ? T->occ[p - 1] : -1;
}

static int next_same(const text *T, int i) {
    int first, end, p = place_of(T, i, &first, &end);
    if (p >= 0 && p < end && T->occ[p] == i)
        p++;
    return p >= 0 && p < end ? T->occ[p] : -1;
}

/* The first identifier of name n, -1 for a keyword. */
static int first_of_name(const text *T, int n) {
    return T->name_first[n] < T->name_first[n + 1] ? T->occ[T->name_first[n]] : -1;
}

/* decl_before: the latest identifier before identifier i spelled the
 * same that may be a declarator (could_declare), or -1. */
static int decl_before(const text *T, int i) {
    int first, end, p = place_of(T, i, &first, &end);
    if (p < 0)
        return -1;
    uint64_t below = T->cand[p >> 6] & ((UINT64_C(1) << (p & 63)) - 1);
    int c = below ? (p & ~63) + 63 - __builtin_clzll(below) : T->cand_last[p >> 6];
    return c >= first ? T->occ[c] : -1;
}

/* The channel type starting at token i (the last one, if several), or
 * NULL. */
static const chan_type *chan_at(const text *T, int i) { return tr_chan_at(T->u, i); }

static bool same_name(const text *T, int i, int j) {
    return tok_len(T->u, i) == tok_len(T->u, j) && !memcmp(tok_ptr(T->u, i), tok_ptr(T->u, j), tok_len(T->u, i));
}

/* in_list: is token i (not a string or character constant) one of the
 * words of list?  The token's text is found once and the words told
 * apart by their first byte, then their length (this is the text pass's
 * most frequent question). */
static bool in_list(const text *T, int i, const char *const *list) {
    const tr_unit *u = T->u;
    if (i < 0 || i >= u->ntoks)
        return false;
    tok_kind k = tok_kind_of(u, i);
    if (k == TOK_STRING || k == TOK_CHAR || k == TOK_EOF)
        return false;
    const char *p = tok_ptr(u, i);
    size_t n = tok_len(u, i);
    for (int w = 0; list[w]; w++)
        if (list[w][0] == p[0] && strlen(list[w]) == n && !memcmp(list[w], p, n))
            return true;
    return false;
}

static const char *const type_words[] = {
    "void", "char", "short", "int", "long", "float", "double", "signed",
    "unsigned", "_Bool", NULL};
static const char *const qual_words[] = {
    "const", "volatile", "restrict", "__restrict", "__restrict__", NULL};
static const char *const storage_words[] = {
    "static", "extern", "register", "auto", "inline", "__inline",
    "__inline__", "_Noreturn", "_Thread_local", "__thread", "__extension__",
    NULL};
/* Words that make a declaration something this pass does not print or
 * scope (typeof, GNU spellings, extended types, attributes, local labels):
 * a declaration holding one is read only to see that it is one. */
static const char *const hard_words[] = {
    "typeof", "__typeof__", "__typeof", "__auto_type", "_Complex",
    "__complex__", "_Imaginary", "__int128", "__int128_t", "__uint128_t",
    "__label__", "alignas", "_Alignas", "__attribute__", "__attribute",
    "_Atomic", "__const", "__const__", "__volatile", "__volatile__",
    "__signed", "__signed__", "__declspec", "_Float16", "_Float32",
    "_Float64", "_Float128", "_Float32x", "_Float64x", "__float128",
    "__float80", "__bf16", "_Decimal32", "_Decimal64", "_Decimal128",
    "__builtin_va_list", "__typeof_unqual__", "typeof_unqual", NULL};
static const char *const keywords[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do",
    "double", "else", "enum", "extern", "float", "for", "goto", "if",
    "inline", "int", "long", "register", "restrict", "return", "short",
    "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
    "unsigned", "void", "volatile", "while", "_Alignas", "_Alignof",
    "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary", "_Noreturn",
    "_Static_assert", "_Thread_local", "__attribute__", "__typeof__",
    "typeof", "__extension__", "asm", "__asm__", NULL};

/* The keywords that are names under a strict -std=c89 or c99: every
 * other keyword (in every C mode gocc accepts) is never indexed (struct
 * text, index_names). */
static const char *const strict_names[] = {"inline", "restrict", "typeof", "asm", NULL};

static bool is_keyword(const text *T, int i) {
    return in_list(T, i, keywords) || in_list(T, i, hard_words);
}

static bool is_file_typedef(const text *T, int i);

static bool is_macro(const text *T, int i) {
    for (int k = 0; k < T->nmacros; k++)
        if (is_tok(T, i, T->macros[k]))
            return true;
    return false;
}

/* Typedef names from the C library and gocc.h that are neither arrays,
 * functions nor channels, so that `size_t n` can be captured or passed as
 * its name says.  Others (jmp_buf and va_list are arrays) are left to
 * libclang. */
static bool std_typedef(const text *T, int i) {
    static const char *const names[] = {
        "size_t", "ssize_t", "ptrdiff_t", "off_t", "pid_t", "uid_t", "gid_t",
        "time_t", "clock_t", "socklen_t", "int8_t", "int16_t", "int32_t",
        "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t", "intptr_t",
        "uintptr_t", "intmax_t", "uintmax_t", "wchar_t", "pthread_t",
        "sig_atomic_t", "in_addr_t", "in_port_t", "sa_family_t", "mode_t",
        "FILE", "DIR", "pthread_mutex_t", "pthread_cond_t",
        "gocc_waitgroup", "gocc_mutex", "gocc_once", "gocc_int64",
        "gocc_uint64", "gocc_uint32", "gocc_uintptr", "gocc_bool", NULL};
    return in_list(T, i, names) && !is_macro(T, i) && !is_file_typedef(T, i);
}

static bool is_file_typedef(const text *T, int i) {
    for (int k = 0; k < T->u->ntypedefs; k++)
        if (is_tok(T, i, T->u->typedefs[k]))
            return true;
    return false;
}

/* The token after a balanced group that opens at i (or i + 1). */
static int after_group(const text *T, int i) {
    int m = tok_match(T->u, i);
    return m < 0 ? -1 : tok_next(T->u, m);
}

/* The end (`;` or `,` or closer) of an expression starting at i, skipping
 * balanced brackets: the first of stops at depth 0, or -1. */
static int expr_end(text *T, int i, int limit, bool comma_stops) {
    while (i >= 0 && i < limit) {
        T->steps++;
        if (tok_kind_of(T->u, i) == TOK_PUNCT) {
            if (is_tok(T, i, "(") || is_tok(T, i, "[") || is_tok(T, i, "{")) {
                i = after_group(T, i);
                continue;
            }
            if (is_tok(T, i, ";") || (comma_stops && is_tok(T, i, ",")) ||
                is_tok(T, i, ")") || is_tok(T, i, "]") || is_tok(T, i, "}"))
                return i;
        }
        i = tok_next(T->u, i);
    }
    return -1;
}

/* Does the name of token n occur in [a, b]? */
static bool occurs(text *T, int a, int b, int n) {
    for (int i = a; i >= 0 && i <= b && i < T->u->ntoks - 1; i = tok_next(T->u, i)) {
        T->steps++;
        if (is_ident(T, i) && same_name(T, i, n))
            return true;
    }
    return false;
}

/* ------------------------------------------------------- declarations */

/* `a * b;` or `a * b, c;`: a declaration only when a is a type name. */
static bool mul_or_decl(const text *T, int i) {
    int j = tok_next(T->u, i);
    if (!is_ident(T, i) || is_keyword(T, i) || !is_tok(T, j, "*") ||
        is_file_typedef(T, i) || std_typedef(T, i))
        return false;
    while (is_tok(T, j, "*"))
        j = tok_next(T->u, j);
    j = tok_next(T->u, j);
    return is_tok(T, j, ";") || is_tok(T, j, ",");
}

/* Could a block item starting at i be a declaration? */
static bool decl_start(const text *T, int i) {
    if (in_list(T, i, type_words) || in_list(T, i, qual_words) ||
        in_list(T, i, storage_words) || in_list(T, i, hard_words) ||
        is_tok(T, i, "typedef") ||
        is_tok(T, i, "struct") || is_tok(T, i, "union") ||
        is_tok(T, i, "enum") || is_tok(T, i, "_Atomic") ||
        is_tok(T, i, "__attribute__") || is_tok(T, i, "_Alignas"))
        return true;
    if (chan_at(T, i))
        return true;
    if (!is_ident(T, i) || is_keyword(T, i))
        return false;
    int j = tok_next(T->u, i);
    if (is_ident(T, j) && !is_keyword(T, j))
        return true;                       /* T x */
    if (in_list(T, j, qual_words))
        return true;                       /* T const x */
    if (!is_tok(T, j, "*"))
        return false;
    while (is_tok(T, j, "*"))
        j = tok_next(T->u, j);
    if (!is_ident(T, j) || is_keyword(T, j))
        return false;
    j = tok_next(T->u, j);                 /* T *x = ..., T *x; */
    return is_tok(T, j, "=") || is_tok(T, j, ";") || is_tok(T, j, ",") ||
           is_tok(T, j, "[");
}

/* Parse the specifiers at i into d; returns the token after them, or
 * UNSURE.  local: inside a function (definitions there are local types). */
static int parse_spec(text *T, int i, tdecl *d, bool local) {
    bool typed = false;
    d->spec_a = i;
    d->storage = d->quals = false;
    for (;;) {
        if (in_list(T, i, type_words)) {
            typed = true;
        } else if (in_list(T, i, qual_words)) {
            d->quals = true;
        } else if (in_list(T, i, storage_words)) {
            if (is_tok(T, i, "static") || is_tok(T, i, "extern") ||
                is_tok(T, i, "_Thread_local") || is_tok(T, i, "__thread"))
                d->storage = true;
        } else if (is_tok(T, i, "typedef")) {
            if (local)
                return give_up(T, i, "a typedef inside the function");
            d->storage = true;
        } else if (is_tok(T, i, "struct") || is_tok(T, i, "union") ||
                   is_tok(T, i, "enum")) {
            int j = tok_next(T->u, i);
            if (is_ident(T, j))
                j = tok_next(T->u, j);
            if (is_tok(T, j, "{")) {
                if (local)
                    return give_up(T, i, "a type defined inside the function");
                j = after_group(T, j);
            }
            if (j < 0)
                return UNSURE;
            typed = true;
            d->spec_b = tok_prev(T->u, j);
            i = j;
            continue;
        } else if (chan_at(T, i)) {
            int b = chan_at(T, i)->b;
            typed = true;
            d->spec_b = b;
            i = tok_next(T->u, b);
            continue;
        } else if (in_list(T, i, hard_words)) {
            return give_up(T, i, "typeof, an attribute or an extended type in a declaration");
        } else if (is_ident(T, i) && !is_keyword(T, i) && !typed) {
            typed = true;                  /* a typedef name */
        } else {
            break;
        }
        d->spec_b = i;
        i = tok_next(T->u, i);
    }
    return typed ? i : give_up(T, i, "a declaration without a type");
}

/* Parse declarators from i (after the specifiers) to the `;` (or, with
 * param, to the `,` or `)` ending one parameter).  The last declarator of
 * the name of n before t goes to *found.  Returns the token after the
 * declaration, DONE when t lies inside it, or UNSURE. */
static int parse_declarators(text *T, int i, const tdecl *spec, int n, int t,
                             tdecl *found, bool param, bool local) {
    for (;;) {
        tdecl d = *spec;
        d.name = -1;
        d.nptr = 0;
        d.array = d.func = false;
        int start = i;
        while (is_tok(T, i, "*")) {
            d.nptr++;
            i = tok_next(T->u, i);
            if (in_list(T, i, qual_words)) {   /* `* const`: printed otherwise */
                int e = expr_end(T, i, T->u->ntoks - 1, true);
                if (e < 0 || (n >= 0 && occurs(T, start, e, n)))
                    return give_up(T, i, "a qualified pointer declarator");
                i = e;
                goto next;
            }
        }
        if (is_ident(T, i) && !is_keyword(T, i)) {
            d.name = i;
            i = tok_next(T->u, i);
            if (is_tok(T, i, "[")) {
                d.array = true;
                while (is_tok(T, i, "["))
                    i = after_group(T, i);
            } else if (is_tok(T, i, "(")) {
                d.func = true;
                i = after_group(T, i);
            }
            if (i < 0)
                return UNSURE;
        } else if (is_tok(T, i, "(") && is_tok(T, tok_next(T->u, i), "*") &&
                   is_ident(T, tok_next(T->u, tok_next(T->u, i))) &&
                   is_tok(T, tok_next(T->u, tok_next(T->u, tok_next(T->u, i))), ")") &&
                   (is_tok(T, after_group(T, i), "(") || is_tok(T, after_group(T, i), "["))) {
            /* `(*name)(params)` or `(*name)[N]`: a pointer to a function
             * or to an array */
            int nm = tok_next(T->u, tok_next(T->u, i));
            int suf = after_group(T, i);
            d.name = nm;
            if (is_tok(T, suf, "("))
                d.fnptr_lp = suf;
            else
                d.arrptr_lb = suf;
            i = after_group(T, suf);
            if (i < 0)
                return UNSURE;
            if (d.arrptr_lb && is_tok(T, i, "["))
                d.arrptr_lb = -1;          /* more dimensions: not printed */
        } else if (!(param && (is_tok(T, i, ",") || is_tok(T, i, ")")))) {
            /* a bit-field, `(*f[2])(int)`...: sure only when n is not in it */
            int e = expr_end(T, i, T->u->ntoks - 1, true);
            if (e < 0 || (n >= 0 && occurs(T, start, e, n)))
                return give_up(T, i, "a declarator gocc's text pass does not read");
            i = e;
            goto next;
        }
        if (d.name >= 0 && ((n >= 0 && same_name(T, d.name, n)) || n == -2) &&
            d.name <= t)                   /* t itself: a declaration, not a use */
            *found = d;
        if (n >= 0 && t > start && t < i && t != d.name && !param) {
            /* t names a parameter of a declarator (`int (*fp)(int x)`,
             * `int f(int x);`): no use of a variable */
            found->name = t;
            found->array = true;           /* never printed */
        }
        if (!is_tok(T, i, "=") && !is_tok(T, i, ",") && !is_tok(T, i, ";") &&
            !is_tok(T, i, ")") && !(d.func && is_tok(T, i, "{"))) {
            /* an attribute, asm label, bit-field...: harmless unless it
             * is the name's own declarator */
            int e = expr_end(T, i, T->u->ntoks - 1, true);
            if (e < 0 || (n >= 0 && occurs(T, start, e, n)))
                return give_up(T, i, "a declarator gocc's text pass does not read");
            i = e;
        }
        if (is_tok(T, i, "=")) {
            int e = expr_end(T, tok_next(T->u, i), T->u->ntoks - 1, true);
            if (e < 0)
                return UNSURE;
            if (t > i && t < e)
                return in_braces(T, i, t) ? give_up(T, t, "a statement expression") : DONE;
            i = e;
        }
    next:
        if (param)
            return i;                      /* at the `,` or `)` */
        if (is_tok(T, i, ",")) {
            i = tok_next(T->u, i);
            continue;
        }
        if (d.func && is_tok(T, i, "{")) {   /* a function definition */
            if (local)
                return give_up(T, i, "a nested function");
            return after_group(T, i);
        }
        if (!is_tok(T, i, ";"))
            return give_up(T, i, "a declaration gocc's text pass does not read");
        return t > start && t <= i ? DONE : tok_next(T->u, i);
    }
}

/* A whole declaration at i (a block item or a file-scope one). */
static int parse_decl(text *T, int i, int n, int t, tdecl *found, bool local) {
    tdecl spec = {0};
    int j = parse_spec(T, i, &spec, local);
    if (j < 0)
        return j;
    for (int k = spec.spec_a; n >= 0 && k >= 0 && k <= spec.spec_b; k = tok_next(T->u, k)) {
        if (is_tok(T, k, "{")) {           /* members are not declarations of n */
            k = tok_match(T->u, k);
            continue;
        }
        if (is_ident(T, k) && same_name(T, k, n))
            return give_up(T, i, "a declaration whose type spells the name");
    }
    if (is_tok(T, j, ";"))                  /* `struct s { ... };` */
        return t > i && t <= j ? DONE : tok_next(T->u, j);
    if (local && spec.storage && n >= 0 && occurs(T, j, expr_end(T, j, T->u->ntoks - 1, false), n))
        return give_up(T, i, "a block-scope static or extern");
    return parse_declarators(T, j, &spec, n, t, found, false, local);
}

/* ------------------------------------------------------------- scopes */

/* Is t inside braces opened in [a, t) (a GNU statement expression, where
 * declarations of their own are not followed)? */
static bool in_braces(text *T, int a, int t) {
    for (int k = a; k >= 0 && k < t; k = tok_next(T->u, k)) {
        T->steps++;
        if (is_tok(T, k, "{") && tok_match(T->u, k) > t)
            return true;
    }
    return false;
}

/* `T (x) = ...;`, `T (*x);`: an item at i that C reads as a declaration of
 * n when T is a type name; as a call statement `f(x);` only when it ends
 * there and T is no type we know of. */
static bool paren_declarator(const text *T, int i, int n) {
    int lp = tok_next(T->u, i);
    if (!is_ident(T, i) || !is_tok(T, lp, "("))
        return false;
    int k = tok_next(T->u, lp);
    while (is_tok(T, k, "*"))
        k = tok_next(T->u, k);
    if (!is_ident(T, k) || !same_name(T, k, n) || !is_tok(T, tok_next(T->u, k), ")"))
        return false;
    int after = tok_next(T->u, tok_next(T->u, k));
    if (!is_tok(T, after, ";"))
        return true;
    return is_file_typedef(T, i) || std_typedef(T, i);
}

/* The last token of the file-scope item at i: its `;`, or a function
 * body's `}`. */
static int file_item_end(text *T, int i) {
    int prev = -1;
    while (i >= 0 && i < T->u->ntoks - 1) {
        if (is_tok(T, i, "{") && is_tok(T, prev, ")"))
            return tok_match(T->u, i);
        if (is_tok(T, i, "(") || is_tok(T, i, "[") || is_tok(T, i, "{")) {
            prev = tok_match(T->u, i);
            i = after_group(T, i);
            continue;
        }
        if (is_tok(T, i, ";"))
            return i;
        prev = i;
        i = tok_next(T->u, i);
    }
    return -1;
}

static int scan_items(text *T, int i, int end, int n, int t, tdecl *found,
                      bool local);

/* The k-th site by start. */
static const site *nth(const text *T, int k) {
    return &T->u->sites[T->by_start ? T->by_start[k] : k];
}

/* The first site of kind k starting at token i, or NULL. */
static const site *site_at(const text *T, int i, site_kind k) {
    int lo = tr_first_site(T->u, T->by_start, i);
    for (; lo < T->u->nsites && nth(T, lo)->a == i; lo++)
        if (nth(T, lo)->kind == k)
            return nth(T, lo);
    return NULL;
}

/* The statement an `if`/`for`/`while` header controls starts at i: its
 * last token when simple (no control keyword before its `;`), else -1. */
static int simple_stmt_end(text *T, int i) {
    if (is_tok(T, i, "{"))
        return tok_match(T->u, i);
    static const char *const ctl[] = {"if", "for", "while", "do", "switch",
                                      "go", "select", "else", NULL};
    int e = expr_end(T, i, T->u->ntoks - 1, false);
    for (int k = i; k >= 0 && k < e; k = tok_next(T->u, k))
        if (in_list(T, k, ctl))
            return -1;
    return e >= 0 && is_tok(T, e, ";") ? e : -1;
}

/* A declaration `spec *...* name` filling [r] exactly (a range variable,
 * a select case's `T v = <-c`): into *found when it declares n. */
static int simple_decl(text *T, range r, int n, tdecl *found) {
    tdecl d = {0};
    int j = parse_spec(T, r.a, &d, true);
    if (j < 0)
        return UNSURE;
    while (is_tok(T, j, "*")) {
        d.nptr++;
        j = tok_next(T->u, j);
    }
    if (j != r.b || !is_ident(T, j))
        return give_up(T, j, "a declaration gocc's text pass does not read");
    d.name = j;
    if (n >= 0 && same_name(T, j, n))
        *found = d;
    return 0;
}

/* A select: a use in a case's body sees the case's declaration. */
static int scan_select(text *T, const site *sel, int n, int t, tdecl *found) {
    for (int k = 0; k < sel_ncases(sel); k++) {
        const sel_case cv = sel_case_of(T->u, sel, k), *c = &cv;
        if (t >= c->kw && t <= c->colon) {
            if (c->decl && t == c->lhs.b && simple_decl(T, c->lhs, n, found) < 0)
                return UNSURE;             /* `case T v = <-c:`: v itself */
            return DONE;
        }
        if (c->body.a > c->body.b || t < c->body.a || t > c->body.b)
            continue;
        if (c->decl && simple_decl(T, c->lhs, n, found) < 0)
            return UNSURE;
        return scan_items(T, c->body.a, c->body.b + 1, n, t, found, true);
    }
    return give_up(T, sel->a, "a select gocc's text pass does not read");
}

/* A `for`: the init clause's declarations are visible in the header and
 * the statement it controls only. */
static int scan_for(text *T, int i, int n, int t, tdecl *found) {
    int lp = tok_next(T->u, i);
    if (!is_tok(T, lp, "("))
        return UNSURE;
    int rp = tok_match(T->u, lp);
    int body = tok_next(T->u, rp);
    tdecl inner = *found;
    const site *fr = site_at(T, i, SITE_FORRANGE);
    int init = tok_next(T->u, lp);
    if (fr) {
        /* for (D : X): D as a declaration; X is outside its scope */
        if (decl_start(T, fr->x.a) && (t > rp || t == fr->x.b) &&
            simple_decl(T, fr->x, n, &inner) < 0)
            return UNSURE;
    } else if (decl_start(T, init)) {
        int r = parse_decl(T, init, n, t, &inner, true);
        if (r == DONE) {
            *found = inner;
            return DONE;
        }
        if (r < 0)
            return r;
    }
    bool declares = inner.name != found->name;
    if (t > i && t <= rp) {                 /* in the header */
        *found = inner;
        return DONE;
    }
    int last = simple_stmt_end(T, body);
    if (last < 0) {
        if (!declares)
            return body;                    /* nothing to scope: next item */
        if (t < body)
            return body;
        return give_up(T, body, "a for loop's scope gocc's text pass does not follow");
    }
    if (t >= body && t <= last) {
        *found = inner;
        if (is_tok(T, body, "{"))
            return scan_items(T, tok_next(T->u, body), last, n, t, found, true);
        return DONE;
    }
    return tok_next(T->u, last);
}

/* One block item at i.  Returns the next item's token, DONE or UNSURE. */
static int scan_item(text *T, int i, int end, int n, int t, tdecl *found,
                     bool local) {
    tr_unit *u = T->u;
    if (is_tok(T, i, ";"))
        return tok_next(u, i);
    if (is_tok(T, i, "{")) {
        int m = tok_match(u, i);
        if (t > i && t < m)
            return scan_items(T, tok_next(u, i), m, n, t, found, local);
        return tok_next(u, m);
    }
    if (!local) {
        int e = file_item_end(T, i);
        if (e >= 0 && !(t >= i && t <= e) && !occurs(T, i, e, n))
            return tok_next(u, e);         /* not about the name */
        return parse_decl(T, i, n, t, found, false);
    }
    if (is_tok(T, i, "if") || is_tok(T, i, "while") || is_tok(T, i, "switch")) {
        int lp = tok_next(u, i);
        if (!is_tok(T, lp, "("))
            return UNSURE;
        if (t > i && t <= tok_match(u, lp))
            return DONE;
        return tok_next(u, tok_match(u, lp));
    }
    if (is_tok(T, i, "for"))
        return scan_for(T, i, n, t, found);
    if (is_tok(T, i, "do") || is_tok(T, i, "else"))
        return tok_next(u, i);
    if (is_tok(T, i, "case")) {
        for (int k = i; k >= 0 && k < end; k = tok_next(u, k)) {
            if (is_tok(T, k, "?"))
                return UNSURE;
            if (is_tok(T, k, ":"))
                return t > i && t < k ? DONE : tok_next(u, k);
        }
        return UNSURE;
    }
    if (is_ident(T, i) && is_tok(T, tok_next(u, i), ":"))   /* a label, default: */
        return tok_next(u, tok_next(u, i));
    const site *g = site_at(T, i, SITE_GOBLOCK);
    if (g) {
        range body = site_m(u, g)->body;
        if (t > body.a && t < body.b)
            return scan_items(T, tok_next(u, body.a), body.b, n, t, found, true);
        return tok_next(u, g->b);
    }
    const site *gc = site_at(T, i, SITE_GOCALL);
    if (gc)                                /* `go f(x);`: no declaration */
        return t >= i && t <= gc->b ? DONE : tok_next(u, gc->b);
    const site *sel = site_at(T, i, SITE_SELECT);
    if (sel) {
        if (t > i && t <= sel->b)
            return scan_select(T, sel, n, t, found);
        return tok_next(u, sel->b);
    }
    if (decl_start(T, i)) {
        int e = expr_end(T, i, end, false);
        if (e >= 0 && is_tok(T, e, ";") && !(t >= i && t <= e) && !occurs(T, i, e, n))
            return tok_next(u, e);         /* not about the name */
        if (mul_or_decl(T, i))
            return give_up(T, i, "`a * b;`: a declaration or a product");
        return parse_decl(T, i, n, t, found, true);
    }
    /* an expression statement, return, goto, break, continue, go call */
    int e = expr_end(T, i, end, false);
    if (e < 0 || !is_tok(T, e, ";"))
        return give_up(T, i, "a statement gocc's text pass does not read");
    if (n >= 0 && paren_declarator(T, i, n))
        return give_up(T, i, "`T (x)`: a declaration or a call");
    /* `LIST_HEAD(h, e) n;`: a macro spelling a type, then a declarator */
    for (int k = i; n >= 0 && k < e; k = tok_next(u, k))
        if (is_ident(T, k) && same_name(T, k, n) && is_tok(T, tok_prev(u, k), ")") &&
            could_declare(T, k))
            return give_up(T, k, "a name after a macro call: maybe declared");
    if (t >= i && t <= e)
        return in_braces(T, i, t) ? give_up(T, t, "a statement expression") : DONE;
    if (n >= 0 && occurs(T, i, e, n))
        for (int k = i; k < e; k = tok_next(u, k))
            if (is_ident(T, k) && is_macro(T, k))
                return give_up(T, k, "a macro the file defines, used near the name");
    return tok_next(u, e);
}

/* The block items in [i, end): stop in the item holding t. */
static int scan_items(text *T, int i, int end, int n, int t, tdecl *found,
                      bool local) {
    while (i >= 0 && i < end && i <= t) {
        if (++T->steps > T->budget)
            return give_up(T, i, "more work than the file's size allows");
        i = scan_item(T, i, end, n, t, found, local);
        if (i == DONE)
            return DONE;
        if (i == UNSURE)
            return UNSURE;
    }
    return i < 0 ? UNSURE : DONE;
}

/* Could the identifier at p be a declarator's name?  Not after `;`,
 * `{`, `=`, `[`, `:` (a label's or case's, `?:`'s, a range for's: what
 * follows starts a statement or an expression, and a declaration's name
 * has its type before it), an operator other than `*`, `return`, or the `)` of an
 * if/while/for/switch header, a cast or a nested expression (the tokens
 * that can precede a declarator's name are a type's last token, `*`, `,`,
 * `(`, `}` and `)` of __attribute__, typeof or a macro). */
static bool could_declare(const text *T, int p) {
    static const char *const ops[] = {
        ";", "{", "=", "[", "]", ".", "->", "+", "-", "/", "%", "&", "|",
        "^", "!", "~", "<", "<=", ">=", "==", "!=", "&&", "||", "?", "+=",
        "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "<<", "++",
        "--", "return", "case", "goto", "sizeof", ":", NULL};
    int q = tok_prev(T->u, p);
    if (q < 0)
        return true;
    if (in_list(T, q, ops))
        return false;
    if (is_tok(T, q, "go") && site_at(T, q, SITE_GOCALL))
        return false;   /* a go call's callee */
    if (is_tok(T, q, ")") && tok_match(T->u, q) >= 0) {
        int o = tok_prev(T->u, tok_match(T->u, q));
        return !(is_tok(T, o, "if") || is_tok(T, o, "while") || is_tok(T, o, "for") ||
                 is_tok(T, o, "switch") || (o >= 0 && !is_ident(T, o)));
    }
    return true;
}

/* The function whose body holds token t, or -1. */
static int func_of(const text *T, int t) {
    int lo = 0, hi = T->u->nfuncs - 1, best = -1;
    while (lo <= hi) {                 /* the last body starting before t */
        int mid = (lo + hi) / 2;
        if (T->u->funcs[T->fsorted[mid]].lbrace < t) {
            best = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    if (best < 0)
        return -1;
    int f = T->fsorted[best];
    return t < T->u->funcs[f].rbrace ? f : -1;
}

/* The parameter list's `(` of function f, or -1 (K&R definitions too). */
static int params_of(const text *T, int f) {
    int lp = tok_next(T->u, T->u->funcs[f].name);
    if (!is_tok(T, lp, "(") || tok_next(T->u, tok_match(T->u, lp)) != T->u->funcs[f].lbrace)
        return -1;
    return lp;
}

/* Parse a prototype's parameter list at lp.  With n, the parameter of
 * that name goes to *found; with out (np set), each parameter's decl.
 * Returns 0, 1 when variadic, UNSURE. */
static int parse_params(text *T, int lp, int n, tdecl *found, tdecl *out,
                        int *np, int maxp) {
    int rp = tok_match(T->u, lp);
    int i = tok_next(T->u, lp);
    int count = 0;
    if (is_tok(T, i, "void") && tok_next(T->u, i) == rp)
        i = rp;
    while (i < rp) {
        if (is_tok(T, i, "..."))
            return give_up(T, i, "a variadic function");
        tdecl spec = {0};
        int j = parse_spec(T, i, &spec, true);
        if (j < 0)
            return UNSURE;
        if (spec.spec_a == spec.spec_b && is_ident(T, i) && !in_list(T, i, type_words) &&
            (is_tok(T, j, ",") || is_tok(T, j, ")")) &&
            !is_file_typedef(T, i) && !std_typedef(T, i))
            return give_up(T, i, "a parameter that may be a K&R name");
        tdecl d = spec;
        d.name = -1;
        j = parse_declarators(T, j, &spec, n, rp + 1, found, true, true);
        if (j < 0)
            return UNSURE;
        int e = j;
        if (!is_tok(T, e, ",") && !is_tok(T, e, ")"))
            return give_up(T, e, "a parameter gocc's text pass does not read");
        /* re-read the declarator for out */
        tdecl one = {.name = -1};
        int k = parse_declarators(T, tok_next(T->u, spec.spec_b), &spec, -2, rp + 1,
                                  &one, true, true);
        if (k != e)
            return UNSURE;
        d = one.name >= 0 ? one : spec;
        if (one.name < 0) {                /* unnamed: `int`, `char *` */
            d.nptr = 0;
            for (int q = tok_next(T->u, spec.spec_b); q < e; q = tok_next(T->u, q)) {
                if (!is_tok(T, q, "*"))
                    d.array = true;        /* `int []`, `int (*)(void)`: not read */
                d.nptr++;
            }
        }
            if (out) {
            if (count >= maxp)
                return UNSURE;
            out[count] = d;
        }
        count++;
        i = is_tok(T, e, ",") ? tok_next(T->u, e) : e;
    }
    if (np)
        *np = count;
    return 0;
}

/* Where is the name of token t, used at t, declared?  1 with *d: in the
 * function around t (a local or a parameter); 0: not in it; UNSURE. */
static int find_local(text *T, int t, tdecl *d) {
    int f = func_of(T, t);
    if (f < 0)
        return give_up(T, t, "a use outside any function");
    const func *fn = &T->u->funcs[f];
    if (macro_mentions(T, t))
        return give_up(T, t, "a name a macro of the file spells");
    if (T->has_enum[f])
        return give_up(T, t, "an enum inside the function");
    tdecl found = {.name = -1};
    int lp = params_of(T, f);
    if (lp < 0)
        return give_up(T, fn->name, "a function header gocc's text pass does not read");
    if (parse_params(T, lp, t, &found, NULL, NULL, 0) < 0)
        return UNSURE;
    /* the body declares the name only where it is spelled as a possible
     * declarator: with none before t (an else-if chain of `c <- i`),
     * the parameter or nothing, without a scan */
    bool plain = !could_declare(T, t) && decl_before(T, t) < fn->lbrace;
    if (!plain &&
        scan_items(T, tok_next(T->u, fn->lbrace), fn->rbrace, t, t, &found, true) == UNSURE)
        return UNSURE;
    if (found.name < 0)
        return 0;
    *d = found;
    return 1;
}

/* The file-scope declaration of the name of t before function f. */
static int item_of(const text *T, int p) {
    int lo = 0, hi = T->nitems - 1, it = -1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (T->items[2 * mid] <= p) {
            it = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return it >= 0 && p <= T->items[2 * it + 1] ? it : -1;
}

/* The file-scope declaration of the name of t before function f.  Each
 * name's file-scope items are read once, in order (gscan, gdecl_item):
 * lookups come in source order, so the work is linear in the file. */
static int find_global(text *T, int t, int f, tdecl *d) {
    if (!is_ident(T, t))
        return 0;
    int start = T->u->funcs[f].start;
    int id = name_of(T, t);
    if (T->gscan[id] > start) {            /* out of order: start over */
        T->gscan[id] = -1;
        T->gdecl_item[id] = -1;
    }
    int p = T->gscan[id] < 0 ? first_of_name(T, id) : next_same(T, T->gscan[id]);
    int last_item = -1;
    for (; p >= 0 && p < start; p = next_same(T, p)) {
        T->gscan[id] = p;
        if (++T->steps > T->budget)
            return give_up(T, p, "more work than the file's size allows");
        if (func_of(T, p) >= 0)
            continue;
        int it = item_of(T, p);
        if (it < 0)
            return give_up(T, p, "a file-scope declaration gocc's text pass does not read");
        if (it == last_item)
            continue;
        last_item = it;
        tdecl found = {.name = -1};
        int r = parse_decl(T, T->items[2 * it], p, T->items[2 * it + 1] + 1, &found, false);
        if (r == UNSURE)
            return UNSURE;
        if (found.name >= 0)
            T->gdecl_item[id] = it;
    }
    if (T->gdecl_item[id] < 0)
        return 0;
    int it = T->gdecl_item[id];
    tdecl found = {.name = -1};
    if (parse_decl(T, T->items[2 * it], t, T->items[2 * it + 1] + 1, &found, false) == UNSURE ||
        found.name < 0)
        return UNSURE;
    *d = found;
    return 1;
}

/* Where is the name at t declared (function first, then file scope)? */
static int find_decl(text *T, int t, tdecl *d) {
    if (is_macro(T, t))
        return give_up(T, t, "a name the file #defines");
    int r = find_local(T, t, d);
    if (r != 0)
        return r;
    r = find_global(T, t, func_of(T, t), d);
    return r == 0 ? give_up(T, t, "a name declared outside the file") : r;
}

/* ------------------------------------------------------------ printing */

static void put_tok(const text *T, strbuf *sb, int i) {
    sb_put(sb, tok_ptr(T->u, i), tok_len(T->u, i));
}

/* The builtin type the keywords in [a, b] name, as libclang spells it. */
static const char *builtin(const text *T, int a, int b) {
    int sgn = 0, uns = 0, ch = 0, sh = 0, in = 0, lg = 0, fl = 0, db = 0, vd = 0, bo = 0;
    for (int i = a; i >= 0 && i <= b; i = tok_next(T->u, i)) {
        if (is_tok(T, i, "signed")) sgn++;
        else if (is_tok(T, i, "unsigned")) uns++;
        else if (is_tok(T, i, "char")) ch++;
        else if (is_tok(T, i, "short")) sh++;
        else if (is_tok(T, i, "int")) in++;
        else if (is_tok(T, i, "long")) lg++;
        else if (is_tok(T, i, "float")) fl++;
        else if (is_tok(T, i, "double")) db++;
        else if (is_tok(T, i, "void")) vd++;
        else if (is_tok(T, i, "_Bool")) bo++;
    }
    if (sgn + uns > 1 || in > 1 || ch > 1 || sh > 1 || lg > 2)
        return NULL;
    int words = sgn + uns + ch + sh + in + lg + fl + db + vd + bo;
    if (vd) return words == 1 ? "void" : NULL;
    if (bo) return words == 1 ? "_Bool" : NULL;
    if (fl) return words == 1 ? "float" : NULL;
    if (db) return words == 1 ? "double" : words == 2 && lg == 1 ? "long double" : NULL;
    if (ch) return in || sh || lg ? NULL : uns ? "unsigned char" : sgn ? "signed char" : "char";
    if (sh) return lg ? NULL : uns ? "unsigned short" : "short";
    if (lg == 2) return uns ? "unsigned long long" : "long long";
    if (lg == 1) return uns ? "unsigned long" : "long";
    return uns ? "unsigned int" : "int";
}

static char *print_type_name(text *T, int a, int b);

/* The specifiers [a, b] (no storage class), as tr_sema.c prints them;
 * *chan set when the type is a channel.  NULL: cannot be sure. */
static char *print_spec(text *T, int a, int b, bool *chan, bool strict) {
    strbuf sb = {0};
    bool quals = false, kw = false;
    int named = -1;
    *chan = false;
    for (int i = a; i >= 0 && i <= b; i = tok_next(T->u, i)) {
        if (in_list(T, i, qual_words)) {
            if (!is_tok(T, i, "const"))
                goto unsure;
            quals = true;
        } else if (in_list(T, i, storage_words)) {
            continue;
        } else if (in_list(T, i, type_words)) {
            kw = true;
        } else if (is_tok(T, i, "struct") || is_tok(T, i, "union") ||
                   is_tok(T, i, "enum")) {
            int j = tok_next(T->u, i);
            if (named >= 0 || !is_ident(T, j) || is_tok(T, tok_next(T->u, j), "{"))
                goto unsure;               /* unnamed, or defined here */
            put_tok(T, &sb, i);
            sb_puts(&sb, " ");
            put_tok(T, &sb, j);
            named = i;
            i = j;
        } else if (chan_at(T, i)) {
            const chan_type *c = chan_at(T, i);
            range x = chan_x(c);
            char *e = print_type_name(T, x.a, x.b);
            if (!e || named >= 0)
                goto unsure_e;
            sb_printf(&sb, "gocc_chan(%s)", e);
            free(e);
            *chan = true;
            named = i;
            i = c->b;
            continue;
        unsure_e:
            free(e);
            goto unsure;
        } else if (is_ident(T, i) && !is_keyword(T, i)) {
            if (named >= 0 || is_macro(T, i) || is_tok(T, i, "bool"))
                goto unsure;
            /* a typedef name standing alone may be a channel, an array
             * (captured whole) or a function type (a parameter's is a
             * pointer): only the ones we know are none of these */
            if (strict && !std_typedef(T, i))
                goto unsure;
            put_tok(T, &sb, i);
            named = i;
        } else {
            goto unsure;
        }
    }
    if (kw) {
        const char *bt = named >= 0 ? NULL : builtin(T, a, b);
        if (!bt)
            goto unsure;
        sb_puts(&sb, bt);
    } else if (named < 0) {
        goto unsure;
    }
    if (quals) {
        strbuf q = {0};
        sb_printf(&q, "const %s", sb.p);
        free(sb.p);
        return q.p;
    }
    return sb.p;
unsure:
    free(sb.p);
    return NULL;
}

/* add nptr pointers to a printed type */
static char *add_pointers(char *t, int nptr) {
    for (int k = 0; t && k < nptr; k++) {
        char *p = tr_pointer_type(t);
        free(t);
        t = p;
    }
    return t;
}

/* A type name `spec *...*` in [a, b] (a channel's element type). */
static char *print_type_name(text *T, int a, int b) {
    int e = b;
    int nptr = 0;
    while (e > a && is_tok(T, e, "*")) {
        nptr++;
        e = tok_prev(T->u, e);
    }
    /* the spec must end at e: no other declarator parts */
    for (int i = a; i >= 0 && i <= e; i = tok_next(T->u, i))
        if (tok_kind_of(T->u, i) == TOK_PUNCT && !is_tok(T, i, "<") &&
            !chan_at(T, i)) {
            /* punctuation inside a nested chan<...> is fine: skip it */
            bool inside = false;
            for (int k = a; k < i; k = tok_next(T->u, k)) {
                const chan_type *c = chan_at(T, k);
                if (c && c->b >= i)
                    inside = true;
            }
            if (!inside)
                return NULL;
        }
    bool chan;
    char *s = print_spec(T, a, e, &chan, false);
    return add_pointers(s, nptr);
}

/* The value of a decimal literal token (no suffix, no leading 0), or -1. */
static long long decimal(const text *T, int i) {
    const char *p = tok_ptr(T->u, i);
    if (tok_kind_of(T->u, i) != TOK_NUMBER || (p[0] == '0' && tok_len(T->u, i) > 1))
        return -1;
    long long n = 0;
    for (uint32_t k = 0; k < tok_len(T->u, i); k++) {
        if (p[k] < '0' || p[k] > '9' || n > 1LL << 40)
            return -1;
        n = n * 10 + (p[k] - '0');
    }
    return n;
}

/* The value of an array size: a decimal literal, or an enumerator of a
 * file-scope enum whose initializers are decimal literals.  -1: unsure. */
static long long array_size(text *T, int lb) {
    int v = tok_next(T->u, lb);
    if (tok_next(T->u, v) != tok_match(T->u, lb))
        return -1;
    if (tok_kind_of(T->u, v) == TOK_NUMBER)
        return decimal(T, v);
    if (!is_ident(T, v) || is_macro(T, v))
        return -1;
    for (int p = prev_same(T, v); p >= 0; p = prev_same(T, p))
        if (could_declare(T, p))
            return -1;                     /* maybe a variable: a VLA */
    for (int i = T->u->first_sig; i >= 0 && i < v; i = tok_next(T->u, i)) {
        if (!is_tok(T, i, "enum") || func_of(T, i) >= 0)
            continue;
        int lb2 = tok_next(T->u, i);
        if (is_ident(T, lb2))
            lb2 = tok_next(T->u, lb2);
        if (!is_tok(T, lb2, "{"))
            continue;
        long long next = 0;
        for (int k = tok_next(T->u, lb2); k < tok_match(T->u, lb2); ) {
            if (!is_ident(T, k))
                return -1;
            int e = tok_next(T->u, k);
            long long val = next;
            if (is_tok(T, e, "=")) {
                int num = tok_next(T->u, e);
                if ((val = decimal(T, num)) < 0)
                    return -1;
                e = tok_next(T->u, num);
            }
            if (same_name(T, k, v))
                return val;
            next = val + 1;
            if (is_tok(T, e, ","))
                e = tok_next(T->u, e);
            k = e;
        }
    }
    return -1;
}

static char *decl_type(text *T, const tdecl *d, bool *chan);

/* A parameter's type as a function type has it: top-level const dropped
 * (tr_sema.c's param_type does the same for the struct members). */
static char *param_text(text *T, const tdecl *p) {
    bool c;
    char *t = decl_type(T, p, &c);
    if (t && p->quals && p->nptr == 0 && !p->fnptr_lp && !p->arrptr_lb) {
        if (!strncmp(t, "const ", 6))
            memmove(t, t + 6, strlen(t + 6) + 1);
        else
            t = (free(t), NULL);
    }
    return t;
}

/* `R (P1, P2)` for the parameter list at lp, with R printed. */
static char *func_type(text *T, char *ret, int lp) {
    int np = 0;
    tdecl ps[64];
    if (!ret || parse_params(T, lp, -1, NULL, ps, &np, 64) < 0) {
        free(ret);
        return NULL;
    }
    strbuf fn = {0};
    sb_printf(&fn, tr_type_simple(ret) ? "%s (" : "__typeof__(%s) (", ret);
    free(ret);
    for (int i = 0; i < np; i++) {
        bool c;
        char *t = decl_type(T, &ps[i], &c);   /* as written: `const int` */
        if (!t) {
            free(fn.p);
            return NULL;
        }
        sb_printf(&fn, "%s%s", i ? ", " : "", t);
        free(t);
    }
    if (np == 0 && !is_tok(T, tok_next(T->u, lp), "void")) {
        free(fn.p);                        /* `()`: no prototype */
        return NULL;
    }
    sb_puts(&fn, np ? ")" : "void)");
    return fn.p;
}

/* The type a declaration gives its name, printed; NULL when unsure. */
static char *decl_type(text *T, const tdecl *d, bool *chan) {
    if (d->array || d->func || d->arrptr_lb < 0)
        return NULL;
    char *s = print_spec(T, d->spec_a, d->spec_b, chan, d->nptr == 0 &&
                         !d->fnptr_lp && !d->arrptr_lb);
    if (d->nptr || d->fnptr_lp || d->arrptr_lb)
        *chan = false;
    s = add_pointers(s, d->nptr);
    if (s && d->fnptr_lp && is_tok(T, tok_next(T->u, d->fnptr_lp), "void") &&
        tok_next(T->u, tok_next(T->u, d->fnptr_lp)) == tok_match(T->u, d->fnptr_lp)) {
        free(s);                           /* `R (*)(void)`: libclang takes it */
        return NULL;                       /* for a channel's representation */
    }
    if (s && d->fnptr_lp) {
        char *f = func_type(T, s, d->fnptr_lp);
        s = f ? tr_pointer_type(f) : NULL;
        free(f);
    } else if (s && d->arrptr_lb) {
        long long n = array_size(T, d->arrptr_lb);
        strbuf a = {0};
        if (n >= 0)
            sb_printf(&a, tr_type_simple(s) ? "%s [%lld]" : "__typeof__(%s) [%lld]", s, n);
        free(s);
        s = a.p ? tr_pointer_type(a.p) : NULL;
        free(a.p);
    }
    return s;
}

/* -------------------------------------------------------------- answers */

/* The chan<T> among a declaration's specifiers, or NULL. */
static const chan_type *spec_chan(const text *T, const tdecl *d) {
    const chan_type *c = NULL;
    for (int i = d->spec_a; !c && i >= 0 && i <= d->spec_b; i = tok_next(T->u, i))
        c = chan_at(T, i);
    return c;
}

/* Is the operand [x] a channel?  1 yes, 0 no, UNSURE. */
static int operand_chan(text *T, range x) {
    const site *r = site_at(T, x.a, SITE_RECV);
    if (r && r->b == x.b) {
        /* <-C: a channel when C's element type is one */
        tdecl d;
        if (r->x.a != r->x.b || find_decl(T, r->x.a, &d) < 0)
            return give_up(T, x.a, "a receive gocc's text pass does not type");
        const chan_type *c = spec_chan(T, &d);
        if (d.nptr || d.array || d.func || d.fnptr_lp || d.arrptr_lb || !c)
            return give_up(T, x.a, "a receive gocc's text pass does not type");
        range t = chan_x(c);
        const chan_type *elem = chan_at(T, t.a);
        if (elem)
            return elem->b == t.b ? 1 : 0;
        bool ch;
        char *e = print_spec(T, t.a, t.b, &ch, true);
        bool known = e != NULL;
        free(e);
        return known ? 0 : give_up(T, x.a, "a receive gocc's text pass does not type");
    }
    if (x.a != x.b || !is_ident(T, x.a) || is_keyword(T, x.a))
        return give_up(T, x.a, "an operand that is not a plain name");
    tdecl d;
    if (find_decl(T, x.a, &d) < 0)
        return UNSURE;
    bool chan;
    char *t = decl_type(T, &d, &chan);
    if (!t)
        return give_up(T, x.a, "a declaration whose type gocc's text pass does not read");
    free(t);
    return chan;
}

/* A check-only operand (receive, range, select): must be a channel. */
static int must_be_chan(text *T, range x) {
    int r = operand_chan(T, x);
    if (r == 0)
        return give_up(T, x.a, "not a channel: libclang words the error");
    return r;
}

/* X, OK = <-Z: Z must be a channel.  `direct` stays false: libclang finds
 * X's extent as an rvalue conversion, never as the variable itself. */
static int answer_recvok(text *T, site *s) {
    if (must_be_chan(T, site_m(T->u, s)->z) < 0)
        return UNSURE;
    s->direct = false;
    return 0;
}

/* Do all file-scope `name (...)` in the file spell their parentheses as
 * the group at lp does?  (libclang and this pass might otherwise read
 * different declarations of one function.)  Answered once per name. */
static bool same_decls(text *T, int t, int lp) {
    if (!is_ident(T, t))
        return true;
    int id = name_of(T, t);
    if (T->agree[id] >= 0)
        return T->agree[id];
    T->agree[id] = 1;
    for (int p = first_of_name(T, id); p >= 0; p = next_same(T, p)) {
        int q = tok_next(T->u, p);
        T->steps++;
        if (q == lp || !is_tok(T, q, "(") || func_of(T, p) >= 0)
            continue;
        int a = q, b = lp;
        for (; a <= tok_match(T->u, q) && b <= tok_match(T->u, lp);
             a = tok_next(T->u, a), b = tok_next(T->u, b)) {
            T->steps++;
            if (!same_name(T, a, b))
                break;
        }
        if (a <= tok_match(T->u, q) || b <= tok_match(T->u, lp)) {
            T->agree[id] = 0;
            break;
        }
    }
    return T->agree[id];
}

/* The file-scope prototype of the function named at token x. */
static int answer_gocall(text *T, site *s) {
    range x = s->x;
    if (x.a != x.b || !is_ident(T, x.a))
        return give_up(T, x.a, "a go call through an expression");
    tdecl d;
    if (is_macro(T, x.a))
        return give_up(T, x.a, "a name the file #defines");
    int r = find_local(T, x.a, &d);
    if (r != 0)
        return r < 0 ? UNSURE : give_up(T, x.a, "a go call through a local");
    int f = func_of(T, x.a);
    r = find_global(T, x.a, f, &d);
    if (r <= 0 || !d.func || d.nptr)
        return r < 0 ? UNSURE : give_up(T, x.a, "a callee gocc's text pass does not find");
    int lp = tok_next(T->u, d.name);
    if (!same_decls(T, x.a, lp))
        return give_up(T, x.a, "a function declared twice with different spellings");
    int np = 0;
    tdecl ps[64];
    if (parse_params(T, lp, -1, NULL, ps, &np, 64) < 0)
        return UNSURE;
    if (np != site_m(T->u, s)->nargs)
        return give_up(T, x.a, "an argument count libclang words the error for");
    bool chan;
    char *ret = print_spec(T, d.spec_a, d.spec_b, &chan, false);
    if (!ret || d.quals) {
        free(ret);
        return give_up(T, x.a, "a return type gocc's text pass does not print");
    }
    /* the declarator's own pointers: `char *f(...)` */
    int k = tok_prev(T->u, d.name);
    int rptr = 0;
    while (is_tok(T, k, "*")) {
        rptr++;
        k = tok_prev(T->u, k);
    }
    ret = add_pointers(ret, rptr);
    char *fn = func_type(T, ret, lp);
    if (!fn)
        return give_up(T, x.a, "a function type gocc's text pass does not print");
    const char *types[65] = {0};
    const char *fnp = tr_intern(T->u, fn);
    if (!fnp)
        return give_up(T, x.a, "out of memory");
    for (int i = 0; i < np; i++) {
        char *t = param_text(T, &ps[i]);
        if (!t)
            return give_up(T, ps[i].spec_a, "a parameter type gocc's text pass does not print");
        if (!(types[i] = tr_intern(T->u, t)))
            return give_up(T, ps[i].spec_a, "out of memory");
    }
    if (!(site_m(T->u, s)->arg_types = tr_intern_list(T->u, types, np)))
        return give_up(T, x.a, "out of memory");
    site_m(T->u, s)->fn_type = fnp;
    return 0;
}


/* Does every struct/union/enum tag in d's specifiers appear at file scope
 * before limit (so that the capture struct, written there, names the same
 * type)? */
static bool tag_at_file_scope(const text *T, const tdecl *d, int limit) {
    for (int i = d->spec_a; i >= 0 && i <= d->spec_b; i = tok_next(T->u, i)) {
        if (!is_tok(T, i, "struct") && !is_tok(T, i, "union") && !is_tok(T, i, "enum"))
            continue;
        int tag = tok_next(T->u, i);
        bool seen = false;
        for (int p = prev_same(T, tag); p >= 0 && !seen; p = prev_same(T, p))
            seen = p < limit && func_of(T, p) < 0;
        if (!seen)
            return false;
    }
    return true;
}

/* A go block's captures: each name its body uses that the function
 * around it declares outside the body, in order of first use. */
/* local_type: the first `typedef` or struct/union/enum definition in
 * function f's body, or -1; found once per function (a function with
 * many go blocks asks for each). */
static int local_type(text *T, int f) {
    tr_unit *u = T->u;
    if (T->local_type[f] != -2)
        return T->local_type[f];
    T->local_type[f] = -1;
    for (int i = u->funcs[f].lbrace; i < u->funcs[f].rbrace; i = tok_next(u, i)) {
        if (is_tok(T, i, "typedef"))
            return T->local_type[f] = i;
        if (is_tok(T, i, "struct") || is_tok(T, i, "union") || is_tok(T, i, "enum")) {
            int j = tok_next(u, i);
            if (is_ident(T, j))
                j = tok_next(u, j);
            if (is_tok(T, j, "{"))
                return T->local_type[f] = i;
        }
    }
    return -1;
}

static int answer_goblock(text *T, site *s) {
    tr_unit *u = T->u;
    site_more *m = site_m(u, s);
    int f = func_of(T, s->a);
    if (f < 0)
        return give_up(T, s->a, "a go block outside a function");
    /* local types need tr_sema.c's declaration copying */
    int lt = local_type(T, f);
    if (lt >= 0)
        return give_up(T, lt, is_tok(T, lt, "typedef") ? "a typedef inside the function"
                                                       : "a type defined inside the function");
    /* a go block starting inside this one (the outer one is answered
     * first: sites come in source order) */
    for (int k = tr_first_site(u, T->by_start, m->body.a + 1);
         k < u->nsites && nth(T, k)->a < m->body.b; k++)
        if (nth(T, k)->kind == SITE_GOBLOCK)
            return give_up(T, s->a, "nested go blocks");
    for (int i = tok_next(u, m->body.a); i < m->body.b; i = tok_next(u, i)) {
        if (!is_ident(T, i) || is_keyword(T, i) || chan_at(T, i) ||
            site_at(T, i, SITE_MAKE) || site_at(T, i, SITE_SELECT) ||
            site_at(T, i, SITE_GOCALL) || site_at(T, i, SITE_GOBLOCK))
            continue;                      /* `make`, `select`, `go` themselves */
        if (is_tok(T, i, "offsetof") || is_tok(T, i, "__builtin_offsetof"))
            return give_up(T, i, "offsetof in a go block");
        int p = tok_prev(u, i), pp = tok_prev(u, p);
        if (is_tok(T, p, ".") || is_tok(T, p, "->") || is_tok(T, p, "goto") ||
            is_tok(T, p, "struct") || is_tok(T, p, "union") || is_tok(T, p, "enum"))
            continue;                      /* a member, label or tag */
        if (is_tok(T, p, "&&") &&
            !(is_ident(T, pp) || tok_kind_of(u, pp) == TOK_NUMBER ||
              tok_kind_of(u, pp) == TOK_STRING || tok_kind_of(u, pp) == TOK_CHAR ||
              is_tok(T, pp, ")") || is_tok(T, pp, "]")))
            continue;                      /* `&&label`: a label's address */
        if (is_tok(T, tok_next(u, i), ":")) {
            if (is_tok(T, p, ";") || is_tok(T, p, "{") || is_tok(T, p, "}") ||
                is_tok(T, p, ":"))
                continue;                  /* a label */
            if (is_tok(T, p, ",") || is_tok(T, p, ")"))
                return give_up(T, i, "`x :` after `,` or `)`: a label, designator or ?: operand");
        }
        if ((is_ident(T, p) && (is_file_typedef(T, p) || std_typedef(T, p))) ||
            (is_tok(T, p, "*") && (in_list(T, pp, type_words) ||
                                   in_list(T, pp, qual_words) ||
                                   (is_ident(T, pp) && (is_file_typedef(T, pp) ||
                                                        std_typedef(T, pp))))))
            return give_up(T, i, "a name declared in a type (a cast's parameter?)");
        if (is_macro(T, i))
            return give_up(T, i, "a go block that uses a macro the file defines");
        tdecl d;
        int r = find_local(T, i, &d);
        if (r < 0)
            return UNSURE;
        if (r == 0 || (d.name > m->body.a && d.name < m->body.b))
            continue;                      /* global, or the block's own */
        if (in_list(T, p, type_words) || in_list(T, p, qual_words))
            return give_up(T, i, "a declarator gocc's text pass does not place");
        if (d.storage)
            return give_up(T, i, "a captured static or extern");
        int found = -1;
        for (int c = 0; c < m->ncaps; c++)
            if (is_tok(T, i, m->caps[c].name))
                found = c;
        if (found < 0) {
            bool chan;
            char *t = decl_type(T, &d, &chan);
            if (t && !tag_at_file_scope(T, &d, u->funcs[f].start)) {
                free(t);                   /* libclang copies a block-scope tag */
                return give_up(T, i, "a struct, union or enum tag not seen at file scope");
            }
            if (!t || (d.quals && d.nptr == 0)) {   /* `const int`: not a copy's type */
                free(t);
                return give_up(T, i, "a captured variable whose type gocc's text pass does not print");
            }
            if (m->ncaps % 8 == 0) {
                capture *v = realloc(m->caps, ((size_t)m->ncaps + 8) * sizeof *v);
                if (!v) {
                    free(t);
                    return give_up(T, i, "out of memory");
                }
                m->caps = v;
            }
            capture c = {0};
            c.name = strndup(tok_ptr(u, i), tok_len(u, i));
            c.type = fit(t);
            m->caps[m->ncaps++] = c;
        }
        /* warnings wait until every site is answered (else libclang
         * answers and warns) */
        if (T->nwarn % 64 == 0)
            T->warn = realloc(T->warn, ((size_t)T->nwarn + 64) * 2 * sizeof *T->warn);
        T->warn[2 * T->nwarn] = i;
        T->warn[2 * T->nwarn + 1] = (int)(s - u->sites);
        T->nwarn++;
    }
    return 0;
}

/* ---------------------------------------------------------------- setup */

/* A directive's text as the preprocessor reads it: splices removed,
 * comments as one space (malloc'd). */
static char *directive_text(const char *p, const char *e) {
    char *out = malloc((size_t)(e - p) + 1), *o = out;
    if (!out)
        return NULL;
    while (p < e) {
        if (*p == '\\' && p + 1 < e && (p[1] == '\n' || p[1] == '\r')) {
            p += 2;
            if (p < e && p[-1] == '\r' && *p == '\n')
                p++;
        } else if (*p == '/' && p + 1 < e && p[1] == '*') {
            const char *c = p + 2;
            while (c + 1 < e && !(c[0] == '*' && c[1] == '/'))
                c++;
            p = c + 2 <= e ? c + 2 : e;
            *o++ = ' ';
        } else if (*p == '/' && p + 1 < e && p[1] == '/') {
            break;
        } else {
            *o++ = *p++;
        }
    }
    *o = 0;
    return out;
}

static const char *skip_blanks(const char *p) {
    while (*p == ' ' || *p == '\t' || *p == '\f' || *p == '\v')
        p++;
    return p;
}

static bool ident_char(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '$';
}

/* Text the pass does not read the way the compiler does gives up on the
 * whole file: digraphs (`<%` is a brace, `%:` a directive), a backslash
 * outside strings and directives (a line splice inside a name, a universal
 * character name), C23 attributes `[[...]]`. */
static void unusual_text(text *T) {
    static const char *const digraphs[] = {"<%", "%>", "<:", ":>", "%:", "%:%:", NULL};
    tr_unit *u = T->u;
    for (int i = 0; i < u->ntoks && !T->why; i++) {
        if (tok_kind_of(u, i) == TOK_PUNCT && in_list(T, i, digraphs))
            give_up(T, i, "a digraph");
        else if (tok_kind_of(u, i) == TOK_SPLICE ||
                 (tok_kind_of(u, i) == TOK_OTHER && u->src[tok_off(u, i)] == '\\') ||
                 ((tok_kind_of(u, i) == TOK_IDENT || tok_kind_of(u, i) == TOK_NUMBER) &&
                  memchr(tok_ptr(u, i), '\\', tok_len(u, i))))
            give_up(T, i, "a backslash outside strings and directives");
        else if (is_tok(T, i, "[") && is_tok(T, tok_next(u, i), "["))
            give_up(T, i, "a [[attribute]]");
    }
}

/* The file's #defines (name and replacement) and whether it has a quoted
 * #include.  A macro that renames a keyword makes the text unreadable
 * here: give up. */
static void collect_file_facts(text *T) {
    tr_unit *u = T->u;
    for (int i = 0; i < u->ntoks && !T->why; i++) {
        if (tok_kind_of(u, i) != TOK_PP)
            continue;
        char *d = directive_text(tok_ptr(u, i),
                                 tok_ptr(u, i) + tok_len(u, i));
        if (!d) {
            give_up(T, i, "out of memory");
            return;
        }
        const char *p = skip_blanks(d);
        if (*p == '#')
            p = skip_blanks(p + 1);
        else if (p[0] == '%' && p[1] == ':')
            p = skip_blanks(p + 2);
        const char *w = p;
        while (ident_char(*p))
            p++;
        size_t wl = (size_t)(p - w);
        static const char *const conds[] = {"if", "ifdef", "ifndef", "elif",
            "elifdef", "elifndef", "else", "endif", NULL};
        for (int k = 0; conds[k]; k++)
            if (wl == strlen(conds[k]) && !strncmp(w, conds[k], wl))
                give_up(T, i, "an #if in the file");
        if ((wl == 7 && !strncmp(w, "include", 7)) ||
            (wl == 12 && !strncmp(w, "include_next", 12)) ||
            (wl == 6 && !strncmp(w, "import", 6))) {
            const char *q = skip_blanks(p);
            if (*q != '<')
                give_up(T, i, "a quoted #include (its macros and types are not read)");
            else if (user_header(T, q + 1))
                give_up(T, i, "an #include <...> found in a -I directory");
        } else if (wl == 6 && !strncmp(w, "define", 6)) {
            if (strstr(p, "##"))
                give_up(T, i, "a macro that pastes tokens");
            const char *n = skip_blanks(p), *q = n;
            while (ident_char(*q))
                q++;
            if (q > n) {
                char *name = strndup(n, (size_t)(q - n));
                T->macros = realloc(T->macros, ((size_t)T->nmacros + 1) * sizeof *T->macros);
                T->bodies = realloc(T->bodies, ((size_t)T->nmacros + 1) * sizeof *T->bodies);
                T->macros[T->nmacros] = name;
                T->bodies[T->nmacros++] = strdup(q);
                static const char *const *lists[] = {type_words, qual_words,
                    storage_words, hard_words, keywords};
                for (size_t l = 0; l < sizeof lists / sizeof *lists; l++)
                    for (int k = 0; lists[l][k]; k++)
                        if (!strcmp(lists[l][k], name))
                            give_up(T, i, "a macro that redefines a keyword");
            }
        }
        free(d);
    }
}

/* Is the header <name...> (up to '>') in one of the user's -I, -isystem,
 * -iquote or -idirafter directories (so its macros are the user's)? */
static bool user_header(const text *T, const char *name) {
    const char *e = strchr(name, '>');
    if (!e)
        return true;
    static const char *const dirs[] = {"-I", "-isystem", "-iquote", "-idirafter", NULL};
    for (int a = 0; a < T->nargs; a++)
        for (int k = 0; dirs[k]; k++) {
            size_t n = strlen(dirs[k]);
            const char *dir = NULL;
            if (!strcmp(T->args[a], dirs[k]) && a + 1 < T->nargs)
                dir = T->args[a + 1];
            else if (!strncmp(T->args[a], dirs[k], n) && T->args[a][n])
                dir = T->args[a] + n;
            if (!dir)
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%.*s", dir, (int)(e - name), name);
            if (access(path, F_OK) == 0)
                return true;
        }
    return false;
}

/* -D options become macros of the file (their bodies are read as the
 * file's are); -include and -imacros bring text the pass does not see. */
static void collect_option_macros(text *T) {
    for (int a = 0; a < T->nargs && !T->why; a++) {
        const char *s = T->args[a];
        if (!strcmp(s, "-include") || !strcmp(s, "-imacros") ||
            !strncmp(s, "-include", 8) || !strncmp(s, "-imacros", 8)) {
            give_up(T, 0, "a -include or -imacros option");
            return;
        }
        const char *def = NULL;
        if (!strcmp(s, "-D") && a + 1 < T->nargs)
            def = T->args[++a];
        else if (!strncmp(s, "-D", 2))
            def = s + 2;
        if (!def)
            continue;
        const char *q = def;
        while (ident_char(*q))
            q++;
        char *name = strndup(def, (size_t)(q - def));
        T->macros = realloc(T->macros, ((size_t)T->nmacros + 1) * sizeof *T->macros);
        T->bodies = realloc(T->bodies, ((size_t)T->nmacros + 1) * sizeof *T->bodies);
        T->macros[T->nmacros] = name;
        T->bodies[T->nmacros++] = strdup(*q == '=' ? q + 1 : "");
    }
}

/* Does a macro's replacement spell the name of token n?  (It may then
 * declare or use that name where the text shows only the macro.) */
static bool macro_mentions(const text *T, int n) {
    const char *name = tok_ptr(T->u, n);
    size_t len = tok_len(T->u, n);
    for (int k = 0; k < T->nmacros; k++)
        for (const char *p = T->bodies[k]; *p; p++)
            if (!strncmp(p, name, len) && !ident_char(p[len]) &&
                (p == T->bodies[k] || !ident_char(p[-1])))
                return true;
    return false;
}

static const tr_unit *sites_unit;
/* Sites by start, then index. */
static int by_site_start(const void *pa, const void *pb) {
    int x = *(const int *)pa, y = *(const int *)pb;
    int a = sites_unit->sites[x].a, b = sites_unit->sites[y].a;
    return a != b ? (a > b) - (a < b) : (x > y) - (x < y);
}

/* table_find: the slot of identifier i's name in the hash table (its
 * number, or the empty slot it would take); first[n] is name n's first
 * identifier. */
static unsigned table_find(const text *T, const int *first, int i) {
    unsigned h = name_hash(tok_ptr(T->u, i), tok_len(T->u, i)) & T->table_mask;
    while (T->table[h] >= 0 && !same_name(T, first[T->table[h]], i))
        h = (h + 1) & T->table_mask;
    return h;
}

/* construct_word: token i is the `chan` of a channel type, or the `go`
 * or `select` a site of that kind starts with: a word of gocc's, not a
 * use of a name (no place in the name index: in dense code about a
 * quarter of the identifiers it would place).  A `close`, `len` or `cap` may call the
 * file's own function and keeps its place. */
static bool construct_word(const text *T, int i) {
    switch (tok_len(T->u, i)) {   /* the length first: no offset needed */
    case 2:
        return tok_is(T->u, i, "go") &&
               (site_at(T, i, SITE_GOCALL) || site_at(T, i, SITE_GOBLOCK));
    case 4:
        return tok_is(T->u, i, "chan") && chan_at(T, i);
    case 6:
        return tok_is(T->u, i, "select") && site_at(T, i, SITE_SELECT);
    }
    return false;
}

/* index_names: the name index (see struct text): the hash table of the
 * names, name_tok, occ, name_first, and the possible declarators (cand,
 * cand_last).  Two passes over the identifiers: the first numbers
 * the names and counts each one's identifiers, the second places them.
 * 0, or -1 when out of memory. */
static int index_names(text *T) {
    tr_unit *u = T->u;
    int hsize = 1024, ncap = 0, ccap = 0, nid = 0;
    int *first = NULL, *counts = NULL;   /* counts: -1 for a keyword */
    T->table = malloc((size_t)hsize * sizeof *T->table);
    if (!T->table)
        return -1;
    T->table_mask = (unsigned)hsize - 1;
    for (int k = 0; k < hsize; k++)
        T->table[k] = -1;
    for (int i = 0; i < u->ntoks; i++) {
        if (tok_kind_of(u, i) != TOK_IDENT)
            continue;
        unsigned h = table_find(T, first, i);
        if (T->table[h] >= 0) {
            if (counts[T->table[h]] >= 0 && !construct_word(T, i)) {
                counts[T->table[h]]++;
                nid++;
            }
            continue;
        }
        int *v = tr_grow(first, T->nnames, &ncap, sizeof *v, 256);
        if (v)
            first = v;
        int *c = tr_grow(counts, T->nnames, &ccap, sizeof *c, 256);
        if (c)
            counts = c;
        if (!v || !c)
            goto fail;
        first[T->nnames] = i;
        counts[T->nnames] =
            in_list(T, i, keywords) && !in_list(T, i, strict_names) ? -1
            : construct_word(T, i)                                   ? 0
                                                                     : 1;
        nid += counts[T->nnames] > 0;
        T->table[h] = T->nnames++;
        if (2 * T->nnames > hsize) {   /* grow the table: rehash */
            int *t = malloc((size_t)hsize * 2 * sizeof *t);
            if (!t)
                goto fail;
            free(T->table);
            T->table = t;
            hsize *= 2;
            T->table_mask = (unsigned)hsize - 1;
            for (int k = 0; k < hsize; k++)
                T->table[k] = -1;
            for (int n = 0; n < T->nnames; n++)
                T->table[table_find(T, first, first[n])] = n;
        }
    }
    T->occ = malloc(((size_t)nid + 1) * sizeof *T->occ);
    T->name_first = malloc(((size_t)T->nnames + 1) * sizeof *T->name_first);
    T->cand = calloc((size_t)nid / 64 + 1, sizeof *T->cand);
    T->cand_last = malloc(((size_t)nid / 64 + 1) * sizeof *T->cand_last);
    if (!T->occ || !T->name_first || !T->cand || !T->cand_last)
        goto fail;
    int sum = 0;
    for (int n = 0; n < T->nnames; n++) {
        T->name_first[n] = sum;
        if (counts[n] < 0) {   /* a keyword: no places */
            counts[n] = -1;
            continue;
        }
        sum += counts[n];
        counts[n] = T->name_first[n];   /* now: the next free place */
    }
    T->name_first[T->nnames] = sum;
    for (int i = 0; i < u->ntoks; i++) {
        if (tok_kind_of(u, i) != TOK_IDENT)
            continue;
        int n = T->table[table_find(T, first, i)];
        if (counts[n] >= 0 && !construct_word(T, i))
            T->occ[counts[n]++] = i;
    }
    free(counts);
    T->name_tok = first;
    first = counts = NULL;
    /* the possible declarators (could_declare reads the sites) */
    int last = -1;
    for (int p = 0; p < nid; p++) {
        if (p % 64 == 0)
            T->cand_last[p / 64] = last;
        if (could_declare(T, T->occ[p])) {
            T->cand[p / 64] |= UINT64_C(1) << (p % 64);
            last = p;
        }
    }
    if (nid % 64 == 0)   /* place nid: where a word after them all goes */
        T->cand_last[nid / 64] = last;
    return 0;
fail:
    free(first);
    free(counts);
    return -1;
}

/* The indexes the lookups use: the name index, the sites by start, the
 * file-scope items, the functions by position; and the work budget
 * (linear in the file: past it, libclang is cheaper). */
static int index_file(text *T) {
    tr_unit *u = T->u;
    T->budget = 64LL * u->ntoks + 100000;
    T->fsorted = malloc(((size_t)u->nfuncs + 1) * sizeof *T->fsorted);
    bool sorted = true;
    for (int k = 1; k < u->nsites; k++)
        sorted &= u->sites[k - 1].a <= u->sites[k].a;
    if (!T->fsorted)
        return -1;
    if (!sorted) {
        T->by_start = malloc(((size_t)u->nsites + 1) * sizeof *T->by_start);
        if (!T->by_start)
            return -1;
        for (int k = 0; k < u->nsites; k++)
            T->by_start[k] = k;
        sites_unit = u;
        qsort(T->by_start, (size_t)u->nsites, sizeof *T->by_start, by_site_start);
    }
    if (index_names(T) < 0)   /* (could_declare reads the sites) */
        return -1;
    T->has_enum = calloc((size_t)u->nfuncs + 1, sizeof *T->has_enum);
    T->local_type = malloc(((size_t)u->nfuncs + 1) * sizeof *T->local_type);
    if (!T->local_type)
        return -1;
    for (int f = 0; f < u->nfuncs; f++)
        T->local_type[f] = -2;
    T->gscan = malloc(((size_t)T->nnames + 1) * sizeof *T->gscan);
    T->gdecl_item = malloc(((size_t)T->nnames + 1) * sizeof *T->gdecl_item);
    T->agree = malloc((size_t)T->nnames + 1);
    if (!T->has_enum || !T->gscan || !T->gdecl_item || !T->agree)
        return -1;
    for (int n = 0; n < T->nnames; n++) {
        T->gscan[n] = T->gdecl_item[n] = -1;
        T->agree[n] = -1;
    }
    for (int f = 0; f < u->nfuncs; f++)
        for (int i = u->funcs[f].lbrace; i < u->funcs[f].rbrace && !T->has_enum[f]; i = tok_next(u, i))
            if (is_tok(T, i, "enum"))
                T->has_enum[f] = true;
    for (int f = 0; f < u->nfuncs; f++) {  /* insertion: already in order */
        int k = f;
        while (k > 0 && u->funcs[T->fsorted[k - 1]].lbrace > u->funcs[f].lbrace) {
            T->fsorted[k] = T->fsorted[k - 1];
            k--;
        }
        T->fsorted[k] = f;
    }
    int cap = 0;
    for (int i = u->first_sig; i >= 0 && i < u->ntoks - 1; ) {
        int e = file_item_end(T, i);
        if (e < 0)
            e = u->ntoks - 2;
        int *v = tr_grow(T->items, 2 * T->nitems + 1, &cap, sizeof *v, 128);
        if (!v)
            return -1;
        T->items = v;
        T->items[2 * T->nitems] = i;
        T->items[2 * T->nitems + 1] = e;
        T->nitems++;
        i = tok_next(u, e);
    }
    if (T->nitems && 2 * T->nitems < cap) {   /* the slack given back */
        int *v = realloc(T->items, (size_t)T->nitems * 2 * sizeof *v);
        if (v)
            T->items = v;
    }
    return 0;
}

/* Clear what a run of the pass wrote into the sites. */
void tr_text_clear(tr_unit *u) {
    for (int i = 0; i < u->nsites; i++) {
        site *s = &u->sites[i];
        s->is_chan = s->direct = false;
        tr_site_free(u, s, true);
    }
}

int tr_text(tr_unit *u, const char *const *args, int nargs,
            const char **why, int *why_tok) {
    text T = {0};
    T.u = u;
    T.why_tok = -1;
    T.args = args;
    T.nargs = nargs;
    int rc = 0;
    unusual_text(&T);
    if (T.why)
        goto out;
    collect_file_facts(&T);
    if (!T.why)
        collect_option_macros(&T);
    if (T.why)
        goto out;
    if (index_file(&T) < 0) {
        give_up(&T, 0, "out of memory");
        goto out;
    }
    int nsites = u->nsites;
    for (int k = 0; k < nsites && rc == 0; k++) {
        site *s = &u->sites[k];
        int r = 0;
        switch (s->kind) {
        case SITE_SEND:
            r = operand_chan(&T, s->x);
            if (r >= 0)
                s->is_chan = r == 1;
            break;
        case SITE_BUILTIN:
            r = operand_chan(&T, s->x);
            if (r >= 0)
                s->is_chan = r == 1;
            break;
        case SITE_RECV:
            if (s->drop && !s->after)
                r = must_be_chan(&T, s->x);
            break;
        case SITE_RECVOK:
            r = answer_recvok(&T, s);
            break;
        case SITE_FORRANGE:
            r = must_be_chan(&T, s->y);
            break;
        case SITE_SELECT:
            for (int c = 0; c < sel_ncases(s) && r >= 0; c++) {
                const sel_case scv = sel_case_of(u, s, c), *sc = &scv;
                if (sc->kind != CASE_DEFAULT && !sc->after)
                    r = must_be_chan(&T, sc->ch);
            }
            break;
        case SITE_GOCALL:
            r = answer_gocall(&T, s);
            break;
        case SITE_GOBLOCK:
            r = answer_goblock(&T, s);
            break;
        default:
            break;
        }
        if (r < 0) {
            give_up(&T, s->a, "unsure");
            rc = -1;
        }
    }
out:
    for (int k = 0; !T.why && k < T.nwarn; k++) {
        const site_more *b = site_m(u, &u->sites[T.warn[2 * k + 1]]);
        for (int c = 0; c < b->ncaps; c++)
            if (is_tok(&T, T.warn[2 * k], b->caps[c].name))
                tr_warn_capture_address(u, T.warn[2 * k], b->caps[c].name);
    }
    free(T.warn);
    if (T.why) {
        rc = -1;
        tr_text_clear(u);
        if (why)
            *why = T.why;
        if (why_tok)
            *why_tok = T.why_tok;
    }
    for (int k = 0; k < T.nmacros; k++) {
        free(T.macros[k]);
        free(T.bodies[k]);
    }
    free(T.macros);
    free(T.bodies);
    free(T.occ);
    free(T.name_first);
    free(T.name_tok);
    free(T.cand);
    free(T.cand_last);
    free(T.table);
    free(T.by_start);
    free(T.local_type);
    free(T.items);
    free(T.fsorted);
    free(T.has_enum);
    free(T.gscan);
    free(T.gdecl_item);
    free(T.agree);
    return rc;
}

/* Taking the address of a captured variable points at the goroutine's
 * copy: say so (both passes). */
void tr_warn_capture_address(tr_unit *u, int tok, const char *name) {
    int p = tok_prev(u, tok);
    int pp = tok_prev(u, p);
    if (tok_is(u, p, "&") &&
        !(pp >= 0 && (tok_kind_of(u, pp) == TOK_IDENT ||
                      tok_kind_of(u, pp) == TOK_NUMBER ||
                      tok_is(u, pp, ")") || tok_is(u, pp, "]"))))
        tr_warning(u, p, "'&%s' in a go block is the address of the "
                         "goroutine's own copy of '%s'", name, name);
}
