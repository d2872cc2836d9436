/*
 * tr_cond.c - preprocessor conditionals: which tokens the parser reads
 * together.
 *
 * The parser sees the file before the preprocessor does, so it sees every
 * branch of every `#if`.  Branches are alternatives, not a sequence: C code
 * may open a bracket or a statement in one branch and, in its `#else`,
 * open the same one differently, closing it once after `#endif`:
 *
 *     #ifdef A                     do
 *     if (x > 1) {                 #ifdef A
 *     #else                          a();
 *     if (x > 2) {                 #else
 *     #endif                         b();
 *         body();                  #endif
 *     }                            while (0);
 *
 * Read in sequence, the brackets do not balance and the `do` has two
 * statements.  So the tokens are split into *views*:
 *
 *  - each `#if` group has at most one *primary* branch, read in sequence
 *    with the code around the group: its first branch whose condition is
 *    not the literal `0` nor a test for another platform (`#if 0 ...
 *    #else` and `#ifdef _WIN32 ... #else` make the `#else` primary);
 *  - every other branch is an *alternate*: a view of its own, holding its
 *    tokens minus those of the alternates nested in it;
 *  - view 0, the main view, is everything that is in no alternate.
 *
 * Every token inside an alternate is marked TK_ALT, and tok_sig() shows only the tokens
 * of u->view (all of them when u->view is -1).  Brackets are paired within
 * each view (tr_lex); an alternate whose brackets do not pair within it is
 * *broken* and is copied as written.  tr_parse reads the main view, then
 * each alternate on its own, as statements when it lies in a function
 * body and as file-level items otherwise.
 *
 * Rejected alternative: evaluating the conditions.  Only the compiler knows
 * the macros (from headers and -D options); libclang reports the skipped
 * ranges, but only after a parse of the shadow, which needs the sites.
 */
#include "tr.h"

#include <stdlib.h>
#include <string.h>

/* Does the condition [c, end) of an #if-like directive only test for a
 * platform other than gocc's (Linux): `X`, `defined X` or `defined(X)`
 * with X one of the macros below?  Such a branch is not the primary one:
 * `#ifdef _WIN32 int wmain(...) { #else int main(...) { #endif` reads
 * main with the code around it. */
static bool foreign_platform(const char *c, const char *end, bool is_def) {
    static const char *const names[] = {
        "_WIN32", "_WIN64", "WIN32", "_WINDOWS", "_MSC_VER", "__MINGW32__",
        "__MINGW64__", "__CYGWIN__", "WINCE", "_WIN32_WCE", "__APPLE__",
        "__MACH__", "__FreeBSD__", "__NetBSD__", "__OpenBSD__",
        "__DragonFly__", "__sun", "__HAIKU__", "__OS2__", "__VMS", NULL};
    if (!is_def) {   /* `defined X` or `defined(X)` */
        if (end - c < 8 || memcmp(c, "defined", 7))
            return false;
        c += 7;
        while (c < end && (*c == ' ' || *c == '(' || *c == '\t'))
            c++;
        while (end > c && (end[-1] == ' ' || end[-1] == ')' || end[-1] == '\t'))
            end--;
    }
    for (int k = 0; names[k]; k++)
        if ((size_t)(end - c) == strlen(names[k]) &&
            !memcmp(c, names[k], (size_t)(end - c)))
            return true;
    return false;
}

/* tr_directive: the conditional directive that preprocessor line i is,
 * and whether its branch is *unlikely*: its condition is the literal 0
 * (`#if 0`, `#elif 0`) or tests for another platform (foreign_platform). */
pp_dir tr_directive(const tr_unit *u, int i, bool *unlikely) {
    const char *p = tok_ptr(u, i);
    const char *end = p + tok_len(u, i);
    p += *p == '%' ? 2 : 1;   /* `#` or `%:` */
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    const char *w = p;
    while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        p++;
    size_t n = (size_t)(p - w);
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    const char *c = p;
    while (end > c && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
#define IS(s) (n == sizeof s - 1 && !memcmp(w, s, n))
    *unlikely = (end - c == 1 && *c == '0') ||
            ((IS("if") || IS("elif")) && foreign_platform(c, end, false)) ||
            ((IS("ifdef") || IS("elifdef")) && foreign_platform(c, end, true));
    if (IS("if") || IS("ifdef") || IS("ifndef"))
        return PP_IF;
    if (IS("elif") || IS("elifdef") || IS("elifndef"))
        return PP_ELIF;
    if (IS("else"))
        return PP_ELSE;
    if (IS("endif"))
        return PP_ENDIF;
#undef IS
    return PP_OTHER;
}

typedef struct group {
    int enclosing;       /* the view the group stands in */
    int alt;             /* the alternate being read, or -1 */
    bool has_primary;
} group;

/* Start a branch at the directive token i: the primary one, or a new
 * alternate.  Returns the view its tokens belong to, or -1 (no memory). */
static int open_branch(tr_unit *u, group *g, int i, bool unlikely) {
    g->alt = -1;
    if (!g->has_primary && !unlikely) {
        g->has_primary = true;
        return g->enclosing;
    }
    tr_alt *v = tr_grow(u->alts, u->nalts, &u->capalts, sizeof *v, 16);
    if (!v)
        return -1;
    u->alts = v;
    tr_alt *a = &u->alts[u->nalts];
    a->a = i + 1;
    a->b = u->ntoks - 2;   /* until the group goes on or the file ends */
    a->parent = g->enclosing;
    a->broken = false;
    g->alt = u->nalts++;
    return g->alt + 1;   /* view k + 1 is alternate k */
}

static void close_branch(tr_unit *u, group *g, int i) {
    if (g->alt >= 0)
        u->alts[g->alt].b = i - 1;
    g->alt = -1;
}

/* nest: the alternates nested directly in each alternate, for tok_sig:
 * alternate k's are kids[kid_first[k] .. kid_first[k + 1]), in source
 * order (alternates are numbered in the order they open).  0, or -1. */
static int nest(tr_unit *u) {
    u->kid_first = calloc((size_t)u->nalts + 2, sizeof *u->kid_first);
    u->kids = malloc(((size_t)u->nalts + 1) * sizeof *u->kids);
    if (!u->kid_first || !u->kids)
        return -1;
    for (int k = 0; k < u->nalts; k++)
        if (u->alts[k].parent > 0)
            u->kid_first[u->alts[k].parent + 1]++;
    for (int k = 0; k < u->nalts; k++)
        u->kid_first[k + 2] += u->kid_first[k + 1];
    for (int k = 0; k < u->nalts; k++)
        if (u->alts[k].parent > 0)
            u->kids[u->kid_first[u->alts[k].parent]++] = k;
    return 0;   /* each kid_first[p] moved up to its successor's start */
}

/* tr_cond: find u->alts and mark every token inside one (TK_ALT).
 * Needs the tokens.  0, or -1 when out of memory.  Unbalanced directives
 * are the preprocessor's to report: a stray `#else` or `#endif` is
 * ignored, a group still open at the end of the file ends there.  The
 * stack of open groups grows with the nesting. */
int tr_cond(tr_unit *u) {
    group *stack = NULL;
    int sp = 0, cap = 0, view = 0;
    for (int i = 0; i < u->ntoks; i++) {
        if (tok_kind_of(u, i) != TOK_PP) {
            if (view && tok_set_flag(u, i, TK_ALT) < 0) {
                free(stack);
                return -1;
            }
            continue;
        }
        bool unlikely;
        pp_dir d = tr_directive(u, i, &unlikely);
        int owner = view;
        if (d == PP_IF) {
            group *v = tr_grow(stack, sp, &cap, sizeof *v, 64);
            if (!v) {
                free(stack);
                return -1;
            }
            stack = v;
            stack[sp] = (group){.enclosing = view, .alt = -1};
            view = open_branch(u, &stack[sp++], i, unlikely);
        } else if ((d == PP_ELIF || d == PP_ELSE) && sp > 0) {
            group *g = &stack[sp - 1];
            owner = g->enclosing;
            close_branch(u, g, i);
            view = open_branch(u, g, i, d == PP_ELIF && unlikely);
        } else if (d == PP_ENDIF && sp > 0) {
            group *g = &stack[--sp];
            owner = g->enclosing;
            close_branch(u, g, i);
            view = g->enclosing;
        }
        if ((owner && tok_set_flag(u, i, TK_ALT) < 0) || view < 0) {
            free(stack);
            return -1;
        }
    }
    free(stack);
    return nest(u);
}
