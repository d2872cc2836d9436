/*
 * lexer.h - the lossless lexer of .gc source (C11 plus gocc's words).
 *
 * Every byte of the input lands in exactly one token, so the concatenated
 * token texts are the input: the translator copies what it does not
 * rewrite byte for byte.  Tokens are C's preprocessing tokens with the
 * spacing kept as tokens too: whitespace, newlines, line splices
 * (backslash-newline) and comments.  A preprocessor line (`#` or `%:` first
 * on its line) is one opaque token up to its end, continuations and
 * comments included.  The extension operators are left to the parser: `<-`
 * is `<` then `-` (it means "less than minus" in `n<-1`), and `>>` is one
 * token that the parser splits where it closes `chan<chan<int>>`.
 */
#ifndef GOCC_LEXER_H
#define GOCC_LEXER_H

#include <stddef.h>
#include <stdint.h>

typedef enum tok_kind {
    TOK_EOF,      /* end of input (len 0) */
    TOK_SPACE,    /* blanks and tabs, vertical tab, form feed */
    TOK_NEWLINE,  /* "\n", "\r\n" or a lone "\r" */
    TOK_SPLICE,   /* backslash-newline between tokens */
    TOK_COMMENT,  /* a block or line comment */
    TOK_PP,       /* a whole preprocessor line, without its final newline */
    TOK_IDENT,    /* identifier or keyword */
    TOK_NUMBER,   /* preprocessing number */
    TOK_STRING,   /* string literal, with its prefix */
    TOK_CHAR,     /* character constant, with its prefix */
    TOK_PUNCT,    /* punctuator, digraphs included */
    TOK_OTHER,    /* any other single byte (stray '@', '`', '\0'...) */
} tok_kind;

typedef struct token {
    tok_kind kind;
    uint32_t off, len;   /* bytes [off, off + len) of the input */
    uint32_t line, col;  /* 1-based position of the first byte */
} token;

typedef struct lexer {
    const unsigned char *buf;
    size_t len, pos;
    uint32_t line, col;
    int line_start;      /* only spacing seen since the last newline */
    /* set when lex_next fails */
    const char *error;
    uint32_t err_line, err_col;
} lexer;

/* Start lexing buf[0, len).  buf must stay valid while tokens are used. */
void lex_init(lexer *L, const char *buf, size_t len);

/* Read the next token into *t.  Returns 0, or -1 on an unterminated
 * string, character constant or comment, with L->error ("unterminated
 * string literal", ...) and L->err_line/err_col at the opening quote or
 * comment; *t then covers the rest of the input as TOK_OTHER so that the
 * bytes still round-trip. */
int lex_next(lexer *L, token *t);

const char *tok_kind_name(tok_kind k);

#endif
