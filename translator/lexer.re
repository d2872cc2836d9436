/*
 * lexer.re - the lossless lexer (re2c source; see lexer.h).
 *
 * re2c recognises where each token starts and what it is; the tokens that
 * run to a closing delimiter (comments, literals, preprocessor lines) are
 * finished by small hand-written scanners, which also find unterminated
 * ones.  The input must have a NUL byte at buf[len] (the sentinel that
 * re2c's end-of-input check uses); NUL bytes inside the input are ordinary
 * TOK_OTHER tokens.  Positions count bytes: col is the byte column, as gcc
 * and clang report it.  A line ends at "\n", "\r\n" or a lone "\r", as in
 * gcc's and clang's preprocessors (a file with old Mac line endings has
 * its lines).
 */
#include "lexer.h"

#include <string.h>

void lex_init(lexer *L, const char *buf, size_t len) {
    memset(L, 0, sizeof *L);
    L->buf = (const unsigned char *)buf;
    L->len = len;
    L->line = L->col = 1;
    L->line_start = 1;
}

const char *tok_kind_name(tok_kind k) {
    static const char *const names[] = {
        "eof", "space", "newline", "splice", "comment", "pp",
        "ident", "number", "string", "char", "punct", "other",
    };
    return k <= TOK_OTHER ? names[k] : "?";
}

/* is_eol: whether the byte at i ends a line: "\n", or "\r" alone (the
 * "\r" of "\r\n" does not: its "\n" does). */
static int is_eol(const lexer *L, size_t i) {
    return L->buf[i] == '\n' ||
           (L->buf[i] == '\r' && (i + 1 >= L->len || L->buf[i + 1] != '\n'));
}

/* Advance line/col over bytes [from, to). */
static void advance(lexer *L, size_t from, size_t to) {
    for (size_t i = from; i < to; i++) {
        if (is_eol(L, i)) {
            L->line++;
            L->col = 1;
        } else {
            L->col++;
        }
    }
}

/* Position of a backslash-newline at p ("\\\n", "\\\r\n" or "\\\r"), its
 * length or 0. */
static size_t splice_at(const lexer *L, size_t p) {
    if (p < L->len && L->buf[p] == '\\') {
        if (p + 1 < L->len && L->buf[p + 1] == '\n')
            return 2;
        if (p + 2 < L->len && L->buf[p + 1] == '\r' && L->buf[p + 2] == '\n')
            return 3;
        if (p + 1 < L->len && L->buf[p + 1] == '\r')
            return 2;
    }
    return 0;
}

/* End of the block comment whose "/ *" is at p, or 0 if unterminated. */
static size_t block_comment_end(const lexer *L, size_t p) {
    for (size_t i = p + 2; i + 1 < L->len; i++)
        if (L->buf[i] == '*' && L->buf[i + 1] == '/')
            return i + 2;
    return 0;
}

/* End of the line comment at p: before the newline that is not spliced. */
static size_t line_comment_end(const lexer *L, size_t p) {
    size_t i = p + 2;
    while (i < L->len) {
        size_t s = splice_at(L, i);
        if (s) {
            i += s;
            continue;
        }
        if (L->buf[i] == '\n' || L->buf[i] == '\r')
            break;
        i++;
    }
    return i;
}

/* End of the literal whose opening quote q is at p, or 0 if a newline or
 * the end of input comes first.  Escapes and splices are skipped. */
static size_t literal_end(const lexer *L, size_t p, unsigned char q) {
    size_t i = p + 1;
    while (i < L->len) {
        size_t s = splice_at(L, i);
        if (s) {
            i += s;
            continue;
        }
        unsigned char c = L->buf[i];
        if (c == q)
            return i + 1;
        if (c == '\n' || c == '\r')
            return 0;
        if (c == '\\' && i + 1 < L->len && L->buf[i + 1] != '\n')
            i += 2;
        else
            i++;
    }
    return 0;
}

/* End of the preprocessor line starting at p: up to the newline that is
 * neither spliced nor inside a block comment.  Literals are skipped (an
 * unterminated one ends at the newline, as in the preprocessor).  Returns
 * 0 on an unterminated block comment. */
static size_t pp_line_end(const lexer *L, size_t p) {
    size_t i = p;
    while (i < L->len) {
        size_t s = splice_at(L, i);
        unsigned char c = L->buf[i];
        if (s) {
            i += s;
        } else if (c == '\n' || c == '\r') {
            break;
        } else if (c == '/' && i + 1 < L->len && L->buf[i + 1] == '*') {
            size_t e = block_comment_end(L, i);
            if (!e)
                return 0;
            i = e;
        } else if (c == '/' && i + 1 < L->len && L->buf[i + 1] == '/') {
            i = line_comment_end(L, i);
        } else if (c == '"' || c == '\'') {
            size_t e = literal_end(L, i, c);
            if (!e) {   /* e.g. #error don't: runs to the end of line */
                i++;
                continue;
            }
            i = e;
        } else {
            i++;
        }
    }
    return i;
}

static int finish(lexer *L, token *t, tok_kind k, size_t end) {
    t->kind = k;
    t->off = (uint32_t)L->pos;
    t->len = (uint32_t)(end - L->pos);
    t->line = L->line;
    t->col = L->col;
    if (k == TOK_NEWLINE)
        L->line_start = 1;
    else if (k != TOK_SPACE && k != TOK_SPLICE && k != TOK_COMMENT)
        L->line_start = 0;
    advance(L, L->pos, end);
    L->pos = end;
    return 0;
}

/* An unterminated construct at L->pos: report it, and give the rest of the
 * input as one TOK_OTHER token so that the bytes still round-trip. */
static int fail(lexer *L, token *t, const char *what) {
    L->error = what;
    L->err_line = L->line;
    L->err_col = L->col;
    finish(L, t, TOK_OTHER, L->len);
    return -1;
}

/* A literal whose opening quote is at q (after its prefix, if any). */
static int literal(lexer *L, token *t, size_t q, tok_kind k) {
    size_t e = literal_end(L, q, L->buf[q]);
    if (!e)
        return fail(L, t, k == TOK_STRING ? "unterminated string literal"
                                          : "unterminated character constant");
    return finish(L, t, k, e);
}

int lex_next(lexer *L, token *t) {
    const unsigned char *YYCURSOR = L->buf + L->pos, *YYMARKER = YYCURSOR;
    const unsigned char *YYLIMIT = L->buf + L->len;
    const unsigned char *start = YYCURSOR;
#define END ((size_t)(YYCURSOR - L->buf))
    if (L->pos >= L->len) {
        t->kind = TOK_EOF;
        t->off = (uint32_t)L->len;
        t->len = 0;
        t->line = L->line;
        t->col = L->col;
        return 0;
    }
    (void)start;
    /*!re2c
        re2c:define:YYCTYPE = "unsigned char";
        re2c:yyfill:enable = 0;
        re2c:eof = 0;

        nl      = "\r"? "\n" | "\r";
        ident   = [a-zA-Z_$\x80-\xff] [a-zA-Z0-9_$\x80-\xff]*;
        ppnum   = "."? [0-9] ([0-9a-zA-Z_.] | [eEpP] [+-] | "'" [0-9a-zA-Z_])*;
        prefix  = "u8" | "u" | "U" | "L";

        $                       { return finish(L, t, TOK_EOF, END); }
        [ \t\v\f]+              { return finish(L, t, TOK_SPACE, END); }
        nl                      { return finish(L, t, TOK_NEWLINE, END); }
        "\\" nl                 { return finish(L, t, TOK_SPLICE, END); }
        "/*" {
            size_t e = block_comment_end(L, L->pos);
            return e ? finish(L, t, TOK_COMMENT, e)
                     : fail(L, t, "unterminated comment");
        }
        "//"                    { return finish(L, t, TOK_COMMENT,
                                                line_comment_end(L, L->pos)); }
        "#" | "%:" {
            if (!L->line_start)
                return finish(L, t, TOK_PUNCT, END);
            size_t e = pp_line_end(L, L->pos);
            return e ? finish(L, t, TOK_PP, e)
                     : fail(L, t, "unterminated comment");
        }
        prefix? ["]             { return literal(L, t, END - 1, TOK_STRING); }
        prefix? [']             { return literal(L, t, END - 1, TOK_CHAR); }
        ident                   { return finish(L, t, TOK_IDENT, END); }
        ppnum                   { return finish(L, t, TOK_NUMBER, END); }

        "..." | ">>=" | "<<=" | "%:%:"
        | "->" | "++" | "--" | "<<" | ">>" | "<=" | ">=" | "==" | "!="
        | "&&" | "||" | "*=" | "/=" | "%=" | "+=" | "-=" | "&=" | "^="
        | "|=" | "##" | "<:" | ":>" | "<%" | "%>"
        | [[\](){}.&*+\-~!/%<>^|?:;=,#]
                                { return finish(L, t, TOK_PUNCT, END); }
        *                       { return finish(L, t, TOK_OTHER, END); }
    */
#undef END
}
