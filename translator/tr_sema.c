/*
 * tr_sema.c - the libclang pass: answer the questions the text cannot.
 *
 * libclang parses the shadow (tr_emit.c, EMIT_SHADOW) as the .gc file's
 * contents, with the user's -I -D -U -std -include options and clang's
 * resource directory.  One walk over the main file's cursors matches each
 * expression's extent against the token ranges the sites asked about
 * (outermost cursor first, so implicit conversions are included: a
 * variadic argument comes back promoted) and collects, for each go block,
 * the outer variables it uses.  Then:
 *   - a send candidate or close/len/cap candidate is a channel operation
 *     only when its operand's type is a channel;
 *   - a go call gets its callee's type and its parameter types printed as
 *     C that can be named at file scope (or an error at the .gc position);
 *   - a go block gets its captures: name, printed type, by value (arrays
 *     whole) or, for block-scope statics and externs, by address.
 * libclang's own diagnostics are not reported: the C compiler reports the
 * same problems in the translated code, at the .gc positions.
 *
 * A channel type is recognised by its representation in gocc.h: a pointer
 * to a function with no parameters, returning the element type.
 */
#define _DEFAULT_SOURCE   /* realpath, strdup */
#include "sema.h"
#include "tr.h"
#include "translate.h"

#include "clang_api.h"
#include <stdlib.h>
#include <string.h>

/* One expression the sites asked about, keyed by its shadow extent. */
typedef struct query {
    int start, end;
    bool found;
    CXCursor cur;
    CXType type;
} query;

typedef struct use {     /* a DeclRefExpr inside a go block */
    int block;           /* site index */
    int off;             /* shadow offset of the reference */
    CXCursor decl;
    bool type;           /* a local type or enum the block names (decl is
                            the struct, union, enum or typedef) */
} use;

typedef struct need {    /* a local declaration a go block's function copies */
    int block;           /* site index */
    int off;             /* shadow offset of the declaration */
    CXCursor decl;
} need;

typedef struct sema {
    tr_unit *u;
    const int *ss, *se;
    query *q;
    int nq, capq;
    int *qhash;          /* open addressing over q, -1 empty */
    int hsize;
    int *blocks;         /* go block site indices, sorted by start */
    int nblocks;
    int *outer;          /* per block (position in blocks): the block that
                            encloses it, or -1 */
    use *uses;
    int nuses, capuses;
    need *needs;
    int nneeds, capneeds;
    int *interesting;    /* sorted offsets the walk must reach */
    int ninteresting;
    CXFile main_file;
} sema;

/* ------------------------------------------------------------ the queries */

static unsigned hash2(int a, int b) {
    return (unsigned)a * 2654435761u ^ (unsigned)b * 40503u;
}

static int query_find(const sema *S, int start, int end) {
    if (!S->hsize)
        return -1;
    unsigned h = hash2(start, end) & (unsigned)(S->hsize - 1);
    while (S->qhash[h] >= 0) {
        const query *q = &S->q[S->qhash[h]];
        if (q->start == start && q->end == end)
            return S->qhash[h];
        h = (h + 1) & (unsigned)(S->hsize - 1);
    }
    return -1;
}

/* Register the token range r; returns its query index (shared by equal
 * extents), or -1 when the range was not written to the shadow. */
static int query_add(sema *S, range r) {
    if (r.a > r.b || S->ss[r.a] < 0 || S->se[r.b] < 0)
        return -1;
    int start = S->ss[r.a], end = S->se[r.b];
    int found = query_find(S, start, end);
    if (found >= 0)
        return found;
    if (S->nq == S->capq) {
        S->capq = S->capq ? 2 * S->capq : 64;
        S->q = realloc(S->q, (size_t)S->capq * sizeof *S->q);
        if (!S->q)
            abort();
    }
    S->q[S->nq] = (query){start, end, false, clang_getNullCursor(), {0}};
    return S->nq++;
}

static void query_index(sema *S) {
    S->hsize = 64;
    while (S->hsize < 2 * S->nq)
        S->hsize *= 2;
    S->qhash = malloc((size_t)S->hsize * sizeof *S->qhash);
    if (!S->qhash)
        abort();
    for (int i = 0; i < S->hsize; i++)
        S->qhash[i] = -1;
    for (int i = 0; i < S->nq; i++) {
        unsigned h = hash2(S->q[i].start, S->q[i].end) & (unsigned)(S->hsize - 1);
        while (S->qhash[h] >= 0)
            h = (h + 1) & (unsigned)(S->hsize - 1);
        S->qhash[h] = i;
    }
}

/* ------------------------------------------------------------------ walk */

static int offset_of(CXSourceLocation loc, CXFile *file) {
    unsigned off;
    clang_getFileLocation(loc, file, NULL, NULL, &off);
    return (int)off;
}

/* The braces of go block site blk. */
static range body_of(const tr_unit *u, int blk) {
    return site_m(u, &u->sites[blk])->body;
}

/* The position in S->blocks of go block site blk (starts are unique). */
static int block_pos(const sema *S, int blk) {
    int start = S->ss[body_of(S->u, blk).a];
    int lo = 0, hi = S->nblocks - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (S->ss[body_of(S->u, S->blocks[mid]).a] < start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The innermost go block containing shadow offset off, or -1: the last
 * block starting at or before off, or the first of its enclosing blocks
 * that reaches past off. */
static int block_at(const sema *S, int off) {
    int lo = 0, hi = S->nblocks;   /* the last block starting at or before off */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (S->ss[body_of(S->u, S->blocks[mid]).a] <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (int k = lo - 1; k >= 0; k = S->outer[k])
        if (off < S->se[body_of(S->u, S->blocks[k]).b])
            return S->blocks[k];
    return -1;
}

static bool inside_block(const sema *S, int blk, int off) {
    range body = body_of(S->u, blk);
    return off >= S->ss[body.a] && off < S->se[body.b];
}

/* Declared inside a function (so file-scope code cannot name it)?  The
 * lexical parent counts: a block-scope `extern int x;` or prototype has
 * the file as its semantic parent but is visible only in its block.  An
 * enumerator is local when its enum is. */
static bool is_local_decl(CXCursor decl) {
    if (clang_getCursorKind(decl) == CXCursor_EnumConstantDecl)
        decl = clang_getCursorSemanticParent(decl);
    enum CXCursorKind k = clang_getCursorKind(clang_getCursorSemanticParent(decl));
    enum CXCursorKind lk = clang_getCursorKind(clang_getCursorLexicalParent(decl));
    return k == CXCursor_FunctionDecl || lk == CXCursor_FunctionDecl;
}

/* A declaration the user wrote, not the implicit one C89 rules make up
 * for a call to an undeclared function (its extent is just the name). */
static bool written_decl(CXCursor d) {
    CXSourceRange r = clang_getCursorExtent(d);
    CXFile f;
    int a = offset_of(clang_getRangeStart(r), &f);
    int b = offset_of(clang_getRangeEnd(r), &f);
    CXString nm = clang_getCursorSpelling(d);
    int n = (int)strlen(clang_getCString(nm));
    clang_disposeString(nm);
    return b - a > n + 2;
}

static void add_use(sema *S, int blk, int off, CXCursor decl, bool type) {
    if (S->nuses == S->capuses) {
        S->capuses = S->capuses ? 2 * S->capuses : 64;
        S->uses = realloc(S->uses, (size_t)S->capuses * sizeof *S->uses);
        if (!S->uses)
            abort();
    }
    S->uses[S->nuses++] = (use){blk, off, decl, type};
}

/* Is some offset of interest (a query's start, a go block's braces) in
 * [start, end]?  The walk skips subtrees without one. */
static bool interesting(const sema *S, int start, int end) {
    int lo = 0, hi = S->ninteresting;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (S->interesting[mid] < start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < S->ninteresting && S->interesting[lo] <= end;
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

static enum CXChildVisitResult visit(CXCursor c, CXCursor parent,
                                     CXClientData data) {
    (void)parent;
    sema *S = data;
    /* statements that end where their last substatement ends: clang finds
     * that end by recursion, so asking for the extent of every link of an
     * else-if chain (or of nested labels) would cost time quadratic in its
     * length.  They are never a query's answer or a reference: look
     * inside. */
    switch (clang_getCursorKind(c)) {
    case CXCursor_IfStmt: case CXCursor_WhileStmt: case CXCursor_ForStmt:
    case CXCursor_SwitchStmt: case CXCursor_CaseStmt:
    case CXCursor_DefaultStmt: case CXCursor_LabelStmt:
        return CXChildVisit_Recurse;
    default:
        break;
    }
    CXFile file;
    CXSourceRange ext = clang_getCursorExtent(c);
    int start = offset_of(clang_getRangeStart(ext), &file);
    if (!file || !clang_File_isEqual(file, S->main_file))
        return CXChildVisit_Continue;
    CXFile efile;
    int end = offset_of(clang_getRangeEnd(ext), &efile);
    if (!interesting(S, start, end) && block_at(S, start) < 0)
        return CXChildVisit_Continue;
    int qi = query_find(S, start, end);
    /* the first expression with the extent that is not an implicit
     * conversion (libclang shows those as UnexposedExpr) */
    if (qi >= 0 && !S->q[qi].found && clang_isExpression(clang_getCursorKind(c)) &&
        clang_getCursorKind(c) != CXCursor_UnexposedExpr) {
        S->q[qi].found = true;
        S->q[qi].cur = c;
        S->q[qi].type = clang_getCursorType(c);
    }
    enum CXCursorKind k = clang_getCursorKind(c);
    if (S->nblocks && (k == CXCursor_DeclRefExpr || k == CXCursor_TypeRef)) {
        int blk = block_at(S, start);
        if (blk >= 0) {
            CXCursor d = clang_getCursorReferenced(c);
            CXFile dfile;
            int doff = offset_of(clang_getCursorLocation(d), &dfile);
            bool in_main = dfile && clang_File_isEqual(dfile, S->main_file);
            if (in_main && is_local_decl(d)) {
                enum CXCursorKind dk = clang_getCursorKind(d);
                if (k == CXCursor_TypeRef) {
                    if (!inside_block(S, blk, doff))
                        add_use(S, blk, start, d, true);
                } else if (dk == CXCursor_VarDecl || dk == CXCursor_ParmDecl ||
                           (dk == CXCursor_FunctionDecl && written_decl(d))) {
                    add_use(S, blk, start, d, false);
                } else if (dk == CXCursor_EnumConstantDecl &&
                           !inside_block(S, blk, doff)) {
                    add_use(S, blk, start, clang_getCursorSemanticParent(d), true);
                }
            }
        }
    }
    return CXChildVisit_Recurse;
}

/* --------------------------------------------------------------- printing */

/* A channel type: pointer to `T (void)`.  Returns the element type. */
static bool chan_elem(CXType t, CXType *elem) {
    CXType c = clang_getCanonicalType(t);
    if (c.kind != CXType_Pointer)
        return false;
    CXType f = clang_getCanonicalType(clang_getPointeeType(c));
    if (f.kind != CXType_FunctionProto || clang_getNumArgTypes(f) != 0 ||
        clang_isFunctionTypeVariadic(f))
        return false;
    if (elem)
        *elem = clang_getResultType(f);
    return true;
}

static void strip_leading_quals(char *t);

typedef struct printer {
    strbuf sb;
    const char *bad;     /* why the type cannot be named, or NULL */
    char badbuf[300];
    bool local;          /* local types may be named (a go block's function
                            copies their declarations) */
} printer;

static void print_type(printer *P, CXType t);


/* Print t into a fresh string (caller frees). */
static char *type_str(printer *P, CXType t) {
    printer sub = {{0}, NULL, {0}, P->local};
    print_type(&sub, t);
    if (sub.bad && !P->bad) {
        snprintf(P->badbuf, sizeof P->badbuf, "%s", sub.bad);
        P->bad = P->badbuf;
    }
    if (!sub.sb.p)
        sb_puts(&sub.sb, "int");
    return sub.sb.p;
}

static void print_quals(printer *P, CXType t, bool after) {
    if (clang_isConstQualifiedType(t))
        sb_puts(&P->sb, after ? " const" : "const ");
    if (clang_isVolatileQualifiedType(t))
        sb_puts(&P->sb, after ? " volatile" : "volatile ");
}

static void print_spelling(printer *P, CXType t) {
    CXString s = clang_getTypeSpelling(t);
    sb_puts(&P->sb, clang_getCString(s));
    clang_disposeString(s);
}

/* A record or enum type: its tag name, unless it has none or lives in a
 * function (then no file-scope code can name it). */
static void print_tagged(printer *P, CXType t) {
    CXCursor d = clang_getTypeDeclaration(t);
    CXString name = clang_getCursorSpelling(d);
    const char *n = clang_getCString(name);
    CXString sp = clang_getTypeSpelling(t);
    const char *tsp = clang_getCString(sp);
    if (!n || !*n || strstr(tsp, "(unnamed") || strstr(tsp, "(anonymous")) {
        /* `struct (unnamed at file:L:C)`: the position is the shadow's */
        const char *at = strstr(tsp, " at ");
        snprintf(P->badbuf, sizeof P->badbuf, "type '%.*s)' has no name",
                 at ? (int)(at - tsp) : (int)strlen(tsp) - 1, tsp);
        P->bad = P->badbuf;
    } else if (is_local_decl(d) && !P->local) {
        snprintf(P->badbuf, sizeof P->badbuf,
                 "type '%s' is declared inside a function", tsp);
        P->bad = P->badbuf;
    }
    sb_puts(&P->sb, tsp);
    clang_disposeString(sp);
    clang_disposeString(name);
}

static void print_func(printer *P, CXType f) {
    char *r = type_str(P, clang_getResultType(f));
    if (tr_type_simple(r))
        sb_printf(&P->sb, "%s (", r);
    else
        sb_printf(&P->sb, "__typeof__(%s) (", r);
    free(r);
    if (f.kind == CXType_FunctionProto) {
        int n = clang_getNumArgTypes(f);
        for (int i = 0; i < n; i++) {
            char *a = type_str(P, clang_getArgType(f, (unsigned)i));
            sb_printf(&P->sb, "%s%s", i ? ", " : "", a);
            free(a);
        }
        if (clang_isFunctionTypeVariadic(f))
            sb_puts(&P->sb, n ? ", ..." : "...");
        else if (n == 0)
            sb_puts(&P->sb, "void");
    }
    sb_puts(&P->sb, ")");
}

/* print_type: C text naming t, usable as a type name (in a declaration
 * through put_decl, or inside __typeof__).  Keeps typedef names where they
 * can be named at file scope; channels print as gocc_chan(T).  Sets P->bad
 * when some part cannot be named outside the function. */
static void print_type(printer *P, CXType t) {
    CXType elem;
    switch (t.kind) {
    case CXType_Typedef: {
        CXCursor d = clang_getTypeDeclaration(t);
        if (is_local_decl(d) && !P->local) {
            print_quals(P, t, false);
            print_type(P, clang_getTypedefDeclUnderlyingType(d));
        } else {
            print_spelling(P, t);
        }
        return;
    }
    case CXType_Elaborated: {
        CXType named = clang_Type_getNamedType(t);
        if (named.kind == CXType_Record || named.kind == CXType_Enum) {
            print_quals(P, t, false);
            print_tagged(P, named);
        } else {
            print_quals(P, t, false);
            print_type(P, named);
        }
        return;
    }
    case CXType_Record: case CXType_Enum:
        print_quals(P, t, false);
        print_tagged(P, t);
        return;
    case CXType_Pointer: {
        if (chan_elem(t, &elem)) {
            print_quals(P, t, false);
            char *e = type_str(P, elem);
            sb_printf(&P->sb, "gocc_chan(%s)", e);
            free(e);
            return;
        }
        char *p = type_str(P, clang_getPointeeType(t));
        char *pt = tr_pointer_type(p);
        sb_puts(&P->sb, pt);
        free(pt);
        free(p);
        print_quals(P, t, true);
        return;
    }
    case CXType_ConstantArray: case CXType_IncompleteArray: {
        char *e = type_str(P, clang_getArrayElementType(t));
        if (tr_type_simple(e))
            sb_printf(&P->sb, "%s [", e);
        else
            sb_printf(&P->sb, "__typeof__(%s) [", e);
        free(e);
        if (t.kind == CXType_ConstantArray)
            sb_printf(&P->sb, "%lld", clang_getArraySize(t));
        sb_puts(&P->sb, "]");
        return;
    }
    case CXType_VariableArray: case CXType_DependentSizedArray:
        P->bad = "a variable-length array cannot be copied into a goroutine";
        sb_puts(&P->sb, "int");
        return;
    case CXType_FunctionProto: case CXType_FunctionNoProto:
        print_func(P, t);
        return;
    default:
        break;
    }
    CXType c = clang_getCanonicalType(t);
    if (c.kind != t.kind && c.kind != CXType_Invalid &&
        c.kind != CXType_Unexposed) {
        /* sugar libclang does not expose (parentheses, typeof, attributes) */
        print_type(P, c);
        return;
    }
    print_spelling(P, t);
}

static char *promoted_decay(printer *P, CXType t, bool promote);

/* Remove leading `const `/`volatile ` from a printed type. */
static void strip_leading_quals(char *t) {
    size_t skip = 0;
    for (;;) {
        if (!strncmp(t + skip, "const ", 6))
            skip += 6;
        else if (!strncmp(t + skip, "volatile ", 9))
            skip += 9;
        else
            break;
    }
    if (skip == 0)
        return;
    size_t i = 0;
    do
        t[i] = t[i + skip];
    while (t[i++]);
}

/* A parameter's type as a struct member: top-level qualifiers dropped and
 * arrays and functions adjusted to pointers, as C adjusts parameters. */
static char *param_type(printer *P, CXType t) {
    CXType c = clang_getCanonicalType(t);
    if (c.kind == CXType_ConstantArray || c.kind == CXType_IncompleteArray ||
        c.kind == CXType_VariableArray || c.kind == CXType_FunctionProto ||
        c.kind == CXType_FunctionNoProto)
        return promoted_decay(P, t, false);
    char *r = type_str(P, t);
    if (c.kind == CXType_Pointer && chan_elem(c, NULL)) {
        strip_leading_quals(r);        /* `const gocc_chan(int)` */
    } else if (c.kind == CXType_Pointer) {   /* `char *const` */
        size_t n = strlen(r);
        while (n > 6 && (!strcmp(r + n - 6, " const") || (n > 9 && !strcmp(r + n - 9, " volatile")))) {
            r[n - (!strcmp(r + n - 6, " const") ? 6 : 9)] = 0;
            n = strlen(r);
        }
    } else {
        strip_leading_quals(r);
    }
    return r;
}

/* ------------------------------------------------------------ the answers */

static CXType query_type(const sema *S, int qi, bool *ok) {
    *ok = qi >= 0 && S->q[qi].found;
    return *ok ? S->q[qi].type : (CXType){0};
}

static int err_at(tr_unit *u, int tok, const char *fmt, const char *a) {
    tr_error(u, tok, fmt, a);
    return -1;
}

static char *spelling_of(CXType t) {
    CXString s = clang_getTypeSpelling(t);
    char *r = strdup(clang_getCString(s));
    clang_disposeString(s);
    return r;
}

/* operand_is_chan: false, with the error "<what> (type 'T')" at tok, when
 * query qi found an operand whose type is not a channel.  An operand
 * libclang could not type passes (the C compiler will judge it). */
static bool operand_is_chan(sema *S, int qi, int tok, const char *what) {
    bool ok;
    CXType t = query_type(S, qi, &ok);
    if (!ok || chan_elem(t, NULL))
        return true;
    char *sp = spelling_of(t);
    tr_error(S->u, tok, "%s (type '%s')", what, sp);
    free(sp);
    return false;
}

/* The function type behind a callee's type (through pointers and sugar). */
static CXType callee_func(CXType t) {
    for (int depth = 0; depth < 16; depth++) {
        switch (t.kind) {
        case CXType_Pointer:
            t = clang_getPointeeType(t);
            continue;
        case CXType_Typedef:
            t = clang_getTypedefDeclUnderlyingType(clang_getTypeDeclaration(t));
            continue;
        case CXType_Elaborated:
            t = clang_Type_getNamedType(t);
            continue;
        case CXType_FunctionProto: case CXType_FunctionNoProto:
            return t;
        default: {
            CXType c = clang_getCanonicalType(t);
            if (c.kind == t.kind)
                return (CXType){0};
            t = c;
            continue;
        }
        }
    }
    return (CXType){0};
}


/* The type of an argument past the prototype, after the default
 * argument promotions (and array and function decay). */
static char *promoted_decay(printer *P, CXType t, bool promote) {
    CXType c = clang_getCanonicalType(t);
    switch (c.kind) {
    case CXType_Float:
        if (!promote)
            break;
        return strdup("double");
    case CXType_Bool: case CXType_Char_U: case CXType_UChar:
    case CXType_Char_S: case CXType_SChar: case CXType_Short:
    case CXType_UShort: case CXType_Enum:
        if (!promote)
            break;
        return strdup(c.kind == CXType_Enum &&
                      clang_Type_getSizeOf(c) > 4 ? "long" : "int");
    case CXType_ConstantArray: case CXType_IncompleteArray:
    case CXType_VariableArray: {
        char *e = type_str(P, clang_getArrayElementType(c));
        char *r = tr_pointer_type(e);
        free(e);
        return r;
    }
    case CXType_FunctionProto: case CXType_FunctionNoProto: {
        char *f = type_str(P, c);
        char *r = tr_pointer_type(f);
        free(f);
        return r;
    }
    default:
        break;
    }
    return type_str(P, t);
}

/* go f(args): the callee's pointer type and each argument's parameter type
 * (declared, or promoted past the prototype). */
static int answer_gocall(sema *S, site *s, const int *qs) {
    tr_unit *u = S->u;
    site_more *m = site_m(u, s);
    bool ok;
    CXType ct = query_type(S, qs[0], &ok);
    if (!ok)
        return err_at(u, s->x.a, "%s", "cannot find the function that 'go' "
                      "calls (is it a macro? 'go' needs the call written out)");
    CXType f = callee_func(ct);
    if (f.kind == CXType_Invalid) {
        char *sp = spelling_of(ct);
        err_at(u, s->x.a, "'go' needs a function call; the callee has type '%s'", sp);
        free(sp);
        return -1;
    }
    int np = f.kind == CXType_FunctionProto ? clang_getNumArgTypes(f) : -1;
    bool variadic = f.kind == CXType_FunctionNoProto || clang_isFunctionTypeVariadic(f);
    if (np >= 0 && m->nargs < np) {
        tr_error(u, s->b, "too few arguments in go call (%d for %d)", m->nargs, np);
        return -1;
    }
    if (np >= 0 && m->nargs > np && !variadic) {
        tr_error(u, m->args[np].a, "too many arguments in go call (%d for %d)",
                 m->nargs, np);
        return -1;
    }
    const char **types = calloc((size_t)m->nargs + 1, sizeof *types);
    if (!types) {
        tr_error(u, s->a, "out of memory");
        return -1;
    }
    for (int i = 0; i < m->nargs; i++) {
        printer A = {{0}, NULL, {0}, false};
        char *t;
        if (np >= 0 && i < np) {
            t = param_type(&A, clang_getArgType(f, (unsigned)i));
        } else {
            CXType at = query_type(S, qs[1 + i], &ok);
            if (!ok) {
                tr_error(u, m->args[i].a, "cannot find the type of this argument");
                free(types);
                return -1;
            }
            t = promoted_decay(&A, at, true);
        }
        if (t && !(types[i] = tr_intern(u, t))) {
            tr_error(u, m->args[i].a, "out of memory");
            free(types);
            return -1;
        }
        if (A.bad) {
            tr_error(u, m->args[i].a, "%s; declare it at file scope to pass it "
                                      "to a goroutine", A.bad);
            free(types);
            return -1;
        }
    }
    m->arg_types = tr_intern_list(u, types, m->nargs);
    free(types);
    if (!m->arg_types) {
        tr_error(u, s->a, "out of memory");
        return -1;
    }
    printer P = {{0}, NULL, {0}, false};
    m->fn_type = tr_intern(u, type_str(&P, f));   /* `R (params)`: the emitter points */
    if (!m->fn_type) {
        tr_error(u, s->x.a, "out of memory");
        return -1;
    }
    if (P.bad) {
        tr_error(u, s->x.a, "%s; 'go' cannot call through it from another "
                            "function", P.bad);
        return -1;
    }
    return 0;
}

static int cmp_use(const void *pa, const void *pb) {
    const use *a = pa, *b = pb;
    if (a->block != b->block)
        return a->block < b->block ? -1 : 1;
    return a->off < b->off ? -1 : a->off > b->off;
}

static int tok_at_offset(const sema *S, int off) {
    /* the significant token whose shadow start is off */
    int lo = 0, hi = S->u->ntoks - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        int v = S->ss[mid];
        int k = mid;
        while (v < 0 && k < hi)
            v = S->ss[++k];
        if (v < 0 || v >= off)
            hi = mid;
        else
            lo = mid + 1;
    }
    for (int k = lo; k < S->u->ntoks; k++)
        if (S->ss[k] == off && tok_sig(S->u, k))
            return k;
    return -1;
}

/* Add the capture of decl to go block blk (once), and to every block
 * around blk that does not contain decl either. */
static int capture_in(sema *S, int blk, CXCursor decl, int doff, int tok) {
    tr_unit *u = S->u;
    for (;;) {
        site *b = &u->sites[blk];
        site_more *m = site_m(u, b);
        if (inside_block(S, blk, doff))
            return 0;
        CXString nm = clang_getCursorSpelling(decl);
        const char *name = clang_getCString(nm);
        int found = -1;
        for (int i = 0; i < m->ncaps; i++)
            if (!strcmp(m->caps[i].name, name))
                found = i;
        if (found < 0) {
            enum CX_StorageClass sc = clang_Cursor_getStorageClass(decl);
            CXType t = clang_getCursorType(decl);
            printer P = {{0}, NULL, {0}, true};
            capture c = {0};
            c.name = strdup(name);
            c.by_pointer = sc == CX_SC_Static || sc == CX_SC_Extern;
            if (clang_getCursorKind(decl) == CXCursor_FunctionDecl) {
                c.by_pointer = false;   /* a block-scope prototype: pass a pointer */
                char *f = type_str(&P, t);
                c.type = tr_pointer_type(f);
                free(f);
            } else if (clang_getCursorKind(decl) == CXCursor_ParmDecl &&
                (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray)) {
                char *e = type_str(&P, clang_getArrayElementType(t));
                c.type = tr_pointer_type(e);
                free(e);
            } else {
                CXType ct = clang_getCanonicalType(t);
                c.is_array = ct.kind == CXType_ConstantArray;
                c.type = type_str(&P, t);
                /* a const array is copied with memcpy: drop the qualifier */
                if (c.is_array && !c.by_pointer &&
                    clang_getCanonicalType(clang_getArrayElementType(ct)).kind !=
                        CXType_Pointer)
                    strip_leading_quals(c.type);
            }
            if (P.bad) {
                tr_error(u, tok, "go block uses '%s': %s; declare it with a "
                                 "name, or at file scope", name, P.bad);
                clang_disposeString(nm);
                free(c.name);
                free(c.type);
                return -1;
            }
            if (m->ncaps % 8 == 0)
                m->caps = realloc(m->caps, ((size_t)m->ncaps + 8) * sizeof *m->caps);
            m->caps[m->ncaps++] = c;
            found = m->ncaps - 1;
        }
        clang_disposeString(nm);
        /* the enclosing block, if any */
        int outer = S->outer[block_pos(S, blk)];
        if (outer < 0)
            return 0;
        blk = S->blocks[outer];
    }
}

static int answer_captures(sema *S) {
    tr_unit *u = S->u;
    if (S->nuses > 1)
        qsort(S->uses, (size_t)S->nuses, sizeof *S->uses, cmp_use);
    /* in source order within each block, so struct members are stable */
    for (int i = 0; i < S->nuses; i++) {
        use *us = &S->uses[i];
        if (us->type)
            continue;
        CXFile f;
        int doff = offset_of(clang_getCursorLocation(us->decl), &f);
        int tok = tok_at_offset(S, us->off);
        if (capture_in(S, us->block, us->decl, doff, tok) < 0)
            return -1;
        enum CX_StorageClass sc = clang_Cursor_getStorageClass(us->decl);
        if ((sc == CX_SC_Static || sc == CX_SC_Extern) && tok >= 0 &&
            !inside_block(S, us->block, doff)) {
            CXString nm = clang_getCursorSpelling(us->decl);
            size_t n = strlen(clang_getCString(nm)) + 16;
            char *r = malloc(n);
            snprintf(r, n, "(*gocc_a->%s)", clang_getCString(nm));
            clang_disposeString(nm);
            site *s = tr_add_site(u, SITE_STATICREF, tok, tok);
            if (!s)
                return -1;
            site_m(u, s)->repl = r;
        }
        /* taking the address of a captured variable points at the copy */
        if (tok >= 0 && !inside_block(S, us->block, doff) &&
            sc != CX_SC_Static && sc != CX_SC_Extern) {
            CXString nm = clang_getCursorSpelling(us->decl);
            tr_warn_capture_address(u, tok, clang_getCString(nm));
            clang_disposeString(nm);
        }
    }
    return 0;
}

/* ------------------------------------------------ local types and constants */

/* The definition of a declaration, when there is one. */
static CXCursor decl_def(CXCursor d) {
    CXCursor def = clang_getCursorDefinition(d);
    return clang_Cursor_isNull(def) ? d : def;
}

/* Go block blk copies the local declaration d (a struct, union, enum or
 * typedef declared in the function, outside the block); with outward, so
 * does every block around it that does not hold d either (a type that
 * blk's capture struct names: blk's go statement is in their functions). */
static void add_need(sema *S, int blk, CXCursor d, bool outward) {
    d = decl_def(d);
    CXFile f;
    int off = offset_of(clang_getCursorLocation(d), &f);
    if (!f || !clang_File_isEqual(f, S->main_file) || !is_local_decl(d))
        return;
    for (;;) {
        if (inside_block(S, blk, off))
            return;
        for (int i = 0; i < S->nneeds; i++)
            if (S->needs[i].block == blk && S->needs[i].off == off)
                return;   /* and the blocks around it have it too */
        if (S->nneeds == S->capneeds) {
            S->capneeds = S->capneeds ? 2 * S->capneeds : 16;
            S->needs = realloc(S->needs, (size_t)S->capneeds * sizeof *S->needs);
            if (!S->needs)
                abort();
        }
        S->needs[S->nneeds++] = (need){blk, off, d};
        int outer = S->outer[block_pos(S, blk)];
        if (outer < 0 || !outward)
            return;
        blk = S->blocks[outer];
    }
}

/* The local declarations that naming type t in block blk's capture
 * struct needs. */
static void need_type(sema *S, int blk, CXType t) {
    for (int depth = 0; depth < 64; depth++) {
        switch (t.kind) {
        case CXType_Typedef: case CXType_Record: case CXType_Enum: {
            CXCursor d = clang_getTypeDeclaration(t);
            if (is_local_decl(d))
                add_need(S, blk, d, true);   /* its text brings the rest */
            return;
        }
        case CXType_Elaborated:
            t = clang_Type_getNamedType(t);
            continue;
        case CXType_Pointer:
            t = clang_getPointeeType(t);
            continue;
        case CXType_ConstantArray: case CXType_IncompleteArray:
        case CXType_VariableArray:
            t = clang_getArrayElementType(t);
            continue;
        case CXType_FunctionProto:
            for (int i = 0; i < clang_getNumArgTypes(t); i++)
                need_type(S, blk, clang_getArgType(t, (unsigned)i));
            t = clang_getResultType(t);
            continue;
        case CXType_FunctionNoProto:
            t = clang_getResultType(t);
            continue;
        default:
            return;
        }
    }
}

typedef struct closure {
    sema *S;
    int blk;
    int start, end;       /* the declaration's extent */
    CXCursor var;         /* a local variable it refers to, or null */
} closure;

static enum CXChildVisitResult visit_need(CXCursor c, CXCursor parent,
                                          CXClientData data) {
    (void)parent;
    closure *C = data;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k != CXCursor_TypeRef && k != CXCursor_DeclRefExpr)
        return CXChildVisit_Recurse;
    CXCursor d = clang_getCursorReferenced(c);
    CXFile f;
    int off = offset_of(clang_getCursorLocation(d), &f);
    if (!f || !clang_File_isEqual(f, C->S->main_file) || !is_local_decl(d) ||
        (off >= C->start && off < C->end))
        return CXChildVisit_Recurse;
    enum CXCursorKind dk = clang_getCursorKind(d);
    if (dk == CXCursor_VarDecl || dk == CXCursor_ParmDecl)
        C->var = d;
    else if (dk == CXCursor_EnumConstantDecl)
        add_need(C->S, C->blk, clang_getCursorSemanticParent(d), false);
    else if (k == CXCursor_TypeRef)
        add_need(C->S, C->blk, d, false);
    return CXChildVisit_Recurse;
}

/* The token range of local declaration d, with `__attribute__((...))`
 * written after it; {-1, -1} when it cannot be found in the source. */
static range decl_range(const sema *S, CXCursor d) {
    const tr_unit *u = S->u;
    CXSourceRange ext = clang_getCursorExtent(d);
    CXFile f;
    int start = offset_of(clang_getRangeStart(ext), &f);
    int end = offset_of(clang_getRangeEnd(ext), &f);
    int a = tok_at_offset(S, start);
    if (a < 0)
        return (range){-1, -1};
    int b = a;
    while (b < u->ntoks - 1 && !(tok_sig(u, b) && S->se[b] == end))
        b++;
    if (b >= u->ntoks - 1)
        return (range){-1, -1};
    for (;;) {
        int n = tok_next(u, b), lp = tok_next(u, n);
        if (!(tok_is(u, n, "__attribute__") || tok_is(u, n, "__attribute")) ||
            !tok_is(u, lp, "(") || tok_match(u, lp) < 0)
            break;
        b = tok_match(u, lp);
    }
    return (range){a, b};
}

static int cmp_range(const void *pa, const void *pb) {
    const range *a = pa, *b = pb;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return a->b > b->b ? -1 : a->b < b->b;
}

/* Block site blk's declarations to copy, as token ranges in source order,
 * those inside another left out (a typedef holding its struct). */
static int block_decls(sema *S, int blk) {
    tr_unit *u = S->u;
    site *s = &u->sites[blk];
    site_more *m = site_m(u, s);
    for (int i = 0; i < S->nneeds; i++) {
        if (S->needs[i].block != blk)
            continue;
        range r = decl_range(S, S->needs[i].decl);
        if (r.a < 0) {
            CXString nm = clang_getCursorSpelling(S->needs[i].decl);
            tr_error(u, s->a, "go block uses '%s', declared inside the "
                              "function where gocc cannot copy it; declare "
                              "it at file scope", clang_getCString(nm));
            clang_disposeString(nm);
            return -1;
        }
        m->decls = realloc(m->decls, ((size_t)m->ndecls + 1) * sizeof *m->decls);
        if (!m->decls)
            abort();
        m->decls[m->ndecls++] = r;
    }
    if (m->ndecls > 1)
        qsort(m->decls, (size_t)m->ndecls, sizeof *m->decls, cmp_range);
    int n = 0;
    for (int i = 0; i < m->ndecls; i++)
        if (n == 0 || m->decls[i].a > m->decls[n - 1].b)
            m->decls[n++] = m->decls[i];
    m->ndecls = n;
    return 0;
}

/* The struct, union, enum and typedef declarations of the enclosing
 * function that each go block names (directly, through an enumerator, or
 * in a captured variable's type), with what their own text names: the
 * block's function copies them (tr_emit.c).  A declaration that refers to
 * a local variable (an array bound) cannot be copied: an error. */
static int answer_local_decls(sema *S) {
    for (int i = 0; i < S->nuses; i++) {
        use *us = &S->uses[i];
        if (us->type)
            add_need(S, us->block, us->decl, false);
        else
            need_type(S, us->block, clang_getCursorType(us->decl));
    }
    for (int i = 0; i < S->nneeds; i++) {   /* grows while it runs */
        CXSourceRange ext = clang_getCursorExtent(S->needs[i].decl);
        CXFile f;
        closure C = {S, S->needs[i].block,
                     offset_of(clang_getRangeStart(ext), &f),
                     offset_of(clang_getRangeEnd(ext), &f),
                     clang_getNullCursor()};
        clang_visitChildren(S->needs[i].decl, visit_need, &C);
        if (!clang_Cursor_isNull(C.var)) {
            CXString vn = clang_getCursorSpelling(C.var);
            int tok = tok_at_offset(S, C.start);
            tr_error(S->u, tok >= 0 ? tok : S->u->sites[S->needs[i].block].a,
                     "a go block uses this declaration, which refers to the "
                     "local variable '%s': the goroutine cannot copy it; "
                     "declare it at file scope", clang_getCString(vn));
            clang_disposeString(vn);
            return -1;
        }
    }
    for (int k = 0; k < S->nblocks; k++)
        if (block_decls(S, S->blocks[k]) < 0)
            return -1;
    return 0;
}

/* in_ranges: sort the n (shadow offset, index) pairs v and call flag
 * with the index of each whose offset lies in a skipped range of rl: a
 * binary search per range, so a file of many #if branches is not
 * quadratic. */
static void in_ranges(const CXSourceRangeList *rl, int (*v)[2], int n,
                      void (*flag)(sema *, int), sema *S) {
    qsort(v, (size_t)n, sizeof *v, tr_by_pair);
    for (unsigned r = 0; r < rl->count; r++) {
        CXFile f;
        int a = offset_of(clang_getRangeStart(rl->ranges[r]), &f);
        int b = offset_of(clang_getRangeEnd(rl->ranges[r]), &f);
        int lo = 0, hi = n;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (v[mid][0] < a)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (; lo < n && v[lo][0] <= b; lo++)
            flag(S, v[lo][1]);
    }
}

/* add_at: append (token tok's shadow offset, index) to v when tok was
 * written to the shadow. */
static void add_at(const sema *S, int (*v)[2], int *n, int tok, int index) {
    if (S->ss[tok] >= 0) {
        v[*n][0] = S->ss[tok];
        v[(*n)++][1] = index;
    }
}

static void site_off(sema *S, int i) { S->u->sites[i].inactive = true; }
static void func_off(sema *S, int k) { S->u->funcs[k].inactive = true; }
static void chan_off(sema *S, int k) { S->u->chans[k].inactive = true; }

/* Mark the sites, channel types and functions inside the preprocessor's
 * skipped ranges (`#if 0`, the untaken side of `#ifdef`): they are copied
 * as written. */
static void mark_inactive(sema *S, CXTranslationUnit tu) {
    tr_unit *u = S->u;
    CXSourceRangeList *rl = clang_getSkippedRanges(tu, S->main_file);
    if (!rl)
        return;
    int most = u->nsites > u->nfuncs ? u->nsites : u->nfuncs;
    most = most > u->nchans ? most : u->nchans;
    int (*v)[2] = malloc(((size_t)most + 1) * sizeof *v);
    if (!v) {
        clang_disposeSourceRangeList(rl);
        return;
    }
    int n = 0;
    for (int i = 0; i < u->nsites; i++)
        add_at(S, v, &n, u->sites[i].a, i);
    in_ranges(rl, v, n, site_off, S);
    n = 0;
    for (int k = 0; k < u->nchans; k++)
        add_at(S, v, &n, u->chans[k].a, k);
    in_ranges(rl, v, n, chan_off, S);
    /* a function is live when its body's end is: its header may be one
     * of several under #if/#else (tr_cond.c) */
    n = 0;
    for (int k = 0; k < u->nfuncs; k++)
        add_at(S, v, &n, u->funcs[k].rbrace, k);
    in_ranges(rl, v, n, func_off, S);
    free(v);
    clang_disposeSourceRangeList(rl);
}

/* ------------------------------------------------------------------- run */


int tr_sema(tr_unit *u, const char *shadow, size_t shadow_len,
            const int *shadow_start, const int *shadow_end,
            const char *const *args, int nargs, tr_deps *deps) {
    char why[512];
    if (sema_load_clang(why, sizeof why) < 0) {
        tr_error(u, u->first_sig >= 0 ? u->first_sig : 0, "%s", why);
        return -2;
    }
    sema S = {0};
    S.u = u;
    S.ss = shadow_start;
    S.se = shadow_end;
    /* ask */
    /* each site's queries, in one array: qs[qfirst[i] .. qfirst[i + 1]) */
    int *qfirst = malloc(((size_t)u->nsites + 1) * sizeof *qfirst);
    if (!qfirst)
        abort();
    int nqs = 0;
    for (int i = 0; i < u->nsites; i++) {
        const site *s = &u->sites[i];
        qfirst[i] = nqs;
        switch (s->kind) {
        case SITE_SEND: case SITE_BUILTIN: case SITE_FORRANGE:
            nqs++;
            break;
        case SITE_RECV:
            nqs += s->drop && !s->after;
            break;
        case SITE_RECVOK:
            nqs += 2;
            break;
        case SITE_GOCALL:
            nqs += site_m(u, s)->nargs + 1;
            break;
        case SITE_SELECT:
            nqs += sel_ncases(s);
            break;
        default:
            break;
        }
    }
    qfirst[u->nsites] = nqs;
    int *qs = malloc(((size_t)nqs + 1) * sizeof *qs);
    if (!qs)
        abort();
    for (int i = 0; i < u->nsites; i++) {
        site *s = &u->sites[i];
        int *q = qs + qfirst[i];
        switch (s->kind) {
        case SITE_SEND: case SITE_BUILTIN:
            q[0] = query_add(&S, s->x);
            break;
        case SITE_RECV:
            if (s->drop && !s->after)
                q[0] = query_add(&S, s->x);
            break;
        case SITE_RECVOK:
            q[0] = query_add(&S, s->x);
            q[1] = query_add(&S, site_m(u, s)->z);
            break;
        case SITE_FORRANGE:
            q[0] = query_add(&S, s->y);
            break;
        case SITE_GOCALL: {
            const site_more *m = site_m(u, s);
            q[0] = query_add(&S, s->x);
            for (int k = 0; k < m->nargs; k++)
                q[1 + k] = query_add(&S, m->args[k]);
            break;
        }
        case SITE_SELECT: {
            for (int k = 0; k < sel_ncases(s); k++) {
                sel_case c = sel_case_of(u, s, k);
                q[k] = c.kind == CASE_DEFAULT ? -1 : query_add(&S, c.ch);
            }
            break;
        }
        case SITE_GOBLOCK:
            S.nblocks++;
            break;
        default:
            break;
        }
    }
    if (S.nq && S.nq < S.capq) {   /* the slack back before libclang's parse */
        query *v = realloc(S.q, (size_t)S.nq * sizeof *v);
        if (v) {
            S.q = v;
            S.capq = S.nq;
        }
    }
    query_index(&S);
    S.interesting = malloc(((size_t)S.nq + (size_t)u->nsites + 1) * sizeof(int));
    for (int i = 0; i < S.nq; i++)
        S.interesting[S.ninteresting++] = S.q[i].start;
    for (int i = 0; i < u->nsites; i++)
        if (u->sites[i].kind == SITE_GOBLOCK && S.ss[body_of(u, i).a] >= 0)
            S.interesting[S.ninteresting++] = S.ss[body_of(u, i).a];
    qsort(S.interesting, (size_t)S.ninteresting, sizeof(int), cmp_int);
    S.blocks = malloc(((size_t)S.nblocks + 1) * sizeof *S.blocks);
    S.nblocks = 0;
    for (int i = 0; i < u->nsites; i++)
        if (u->sites[i].kind == SITE_GOBLOCK)
            S.blocks[S.nblocks++] = i;   /* inactive ones simply get no uses */
    /* blocks are recorded outer first in source order: sort by start */
    for (int i = 1; i < S.nblocks; i++)
        for (int j = i; j > 0 && S.ss[body_of(u, S.blocks[j]).a] <
                                     S.ss[body_of(u, S.blocks[j - 1]).a]; j--) {
            int t = S.blocks[j];
            S.blocks[j] = S.blocks[j - 1];
            S.blocks[j - 1] = t;
        }
    /* each block's enclosing block: the open ones form a stack */
    S.outer = malloc(((size_t)S.nblocks + 1) * sizeof *S.outer);
    int *open = malloc(((size_t)S.nblocks + 1) * sizeof *open);
    for (int k = 0, top = 0; k < S.nblocks; k++) {
        int start = S.ss[body_of(u, S.blocks[k]).a];
        while (top > 0 && S.se[body_of(u, S.blocks[open[top - 1]]).b] <= start)
            top--;
        S.outer[k] = top > 0 ? open[top - 1] : -1;
        open[top++] = k;
    }
    free(open);

    /* parse */
    char *abs = realpath(u->path, NULL);
    const char *fname = abs ? abs : u->path;
    const char **argv = malloc(((size_t)nargs + 8) * sizeof *argv);
    int n = 0;
    argv[n++] = "-x";
    argv[n++] = "c";
    n += sema_clang_args(argv + n, args, nargs);
    /* no warnings: nobody reads them (the C compiler reports the same on
     * the translation), and libclang's cost for them grows faster than the
     * file (10,000 unused-value warnings: 3x the parse) */
    argv[n++] = "-w";
    struct CXUnsavedFile uf = {fname, shadow, (unsigned long)shadow_len};
    CXIndex index = clang_createIndex(0, 0);
    CXTranslationUnit tu = NULL;
    enum CXErrorCode rc = clang_parseTranslationUnit2(
        index, fname, argv, n, &uf, 1,
        CXTranslationUnit_KeepGoing | CXTranslationUnit_DetailedPreprocessingRecord,
        &tu);
    free(argv);
    int result = 0;
    if (rc != CXError_Success || !tu) {
        tr_error(u, u->first_sig >= 0 ? u->first_sig : 0,
                 "libclang could not parse the file (error %d)", (int)rc);
        result = -2;
        goto out;
    }
    S.main_file = clang_getFile(tu, fname);
    if (deps) {
        memset(deps, 0, sizeof *deps);
        sema_collect_includes(tu, &deps->paths, &deps->n);
    }
    mark_inactive(&S, tu);
    clang_visitChildren(clang_getTranslationUnitCursor(tu), visit, &S);

    /* answer */
    for (int i = 0; i < u->nsites && result == 0; i++) {
        site *s = &u->sites[i];
        const int *q = qs + qfirst[i];
        bool ok;
        CXType t, elem;
        if (s->inactive)
            continue;
        switch (s->kind) {
        case SITE_RECV:
            if (qfirst[i + 1] > qfirst[i] && !operand_is_chan(&S, q[0], s->x.a,
                                          "receive from non-channel"))
                result = -1;
            break;
        case SITE_SEND:
            /* libclang could not type it (a GNU nested function, say): a
             * whole statement `a < -b;` computes nothing, so it is a send */
            t = query_type(&S, q[0], &ok);
            s->is_chan = !ok || chan_elem(t, NULL);
            break;
        case SITE_BUILTIN:
            t = query_type(&S, q[0], &ok);
            s->is_chan = ok && chan_elem(t, NULL);
            break;
        case SITE_RECVOK: {
            t = query_type(&S, q[1], &ok);
            if (!ok || !chan_elem(t, &elem)) {
                char *sp = ok ? spelling_of(t) : strdup("unknown");
                tr_error(u, site_m(u, s)->z.a, "receive from non-channel (type '%s')", sp);
                free(sp);
                result = -1;
                break;
            }
            CXType xt = query_type(&S, q[0], &ok);
            s->direct = ok && clang_getCursorKind(S.q[q[0]].cur) == CXCursor_DeclRefExpr &&
                        clang_equalTypes(clang_getCanonicalType(xt),
                                         clang_getCanonicalType(elem));
            break;
        }
        case SITE_FORRANGE:
            if (!operand_is_chan(&S, q[0], s->y.a,
                                 "cannot range over non-channel"))
                result = -1;
            break;
        case SITE_SELECT:
            for (int k = 0; k < sel_ncases(s) && result == 0; k++) {
                const sel_case cv = sel_case_of(u, s, k), *c = &cv;
                if (c->kind != CASE_DEFAULT &&
                    !operand_is_chan(&S, q[k], c->ch.a,
                                     c->kind == CASE_SEND
                                         ? "send to non-channel in select case"
                                         : "receive from non-channel in select case"))
                    result = -1;
            }
            break;
        case SITE_GOCALL:
            if (answer_gocall(&S, s, q) < 0)
                result = -1;
            break;
        default:
            break;
        }
    }
    if (result == 0 && answer_captures(&S) < 0)
        result = -1;
    if (result == 0 && answer_local_decls(&S) < 0)
        result = -1;
    clang_disposeTranslationUnit(tu);
out:
    clang_disposeIndex(index);
    free(qfirst);
    free(qs);
    free(S.q);
    free(S.qhash);
    free(S.blocks);
    free(S.outer);
    free(S.uses);
    free(S.needs);
    free(S.interesting);
    free(abs);
    return result;
}
