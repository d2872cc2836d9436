/*
 * test_tokens.c - the translator's compact token store (translator/tr.h):
 * a token is one byte, its kind and its length (TK_LONG: look in the
 * list of long tokens); its offset (from every 16th token's), line and
 * column are derived.  Checked against the lexer's own tokens on inputs
 * that cross every boundary the store has: groups of 16 tokens, tokens
 * of 13 to 17 bytes (TK_LONG is 15), long tokens (a 70 KB comment or string) before and inside a
 * group, CR / CRLF / LF line ends, line splices; bracket partners against
 * a plain stack; the views of nested #if groups; an error's position
 * past a long token.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lexer.h"
#include "tr.h"

/* A unit lexed from text (tr_lex), its diagnostics to a scratch file. */
static tr_unit *unit_of(const char *text, size_t len, int *rc) {
    tr_unit *u = calloc(1, sizeof *u);
    assert_non_null(u);
    u->path = "t.gc";
    u->src = malloc(len + 1);
    assert_non_null(u->src);
    memcpy(u->src, text, len);
    u->src[len] = 0;
    u->len = len;
    u->err = tmpfile();
    u->err_tok = -1;
    *rc = tr_lex(u);
    return u;
}

static void unit_free(tr_unit *u) {
    fclose(u->err);
    tr_unit_free(u);
    free(u);
}

/* Every token of u is the lexer's token, with its line and column, read
 * in order, backwards and by jumps.  Returns how many tokens are long
 * (TK_LONG bytes or more). */
static int check_against_lexer(const char *text, size_t len) {
    int rc;
    tr_unit *u = unit_of(text, len, &rc);
    assert_int_equal(rc, 0);
    lexer L;
    lex_init(&L, u->src, u->len);
    uint32_t *line = malloc(((size_t)u->ntoks + 1) * sizeof *line);
    uint32_t *col = malloc(((size_t)u->ntoks + 1) * sizeof *col);
    assert_non_null(line);
    assert_non_null(col);
    int i = 0;
    for (;; i++) {
        token t;
        assert_int_equal(lex_next(&L, &t), 0);
        assert_true(i < u->ntoks);
        assert_int_equal(tok_kind_of(u, i), t.kind);
        assert_int_equal(tok_off(u, i), t.off);
        assert_int_equal(tok_len(u, i), t.len);
        assert_int_equal(tok_line(u, i), t.line);
        assert_int_equal(tok_col(u, i), t.col);
        line[i] = t.line;
        col[i] = t.col;
        if (t.kind == TOK_EOF)
            break;
    }
    assert_int_equal(i + 1, u->ntoks);
    assert_int_equal(tok_off(u, u->ntoks), u->len);
    /* backwards and by jumps too: the line cache must not depend on
     * the order of the questions */
    for (int k = u->ntoks - 1; k >= 0; k--) {
        assert_int_equal(tok_line(u, k), line[k]);
        assert_int_equal(tok_col(u, k), col[k]);
    }
    for (int k = 0; k < u->ntoks; k++) {
        int j = (int)(((unsigned)k * 2654435761u) % (unsigned)u->ntoks);
        assert_int_equal(tok_line(u, j), line[j]);
        assert_int_equal(tok_col(u, j), col[j]);
        assert_int_equal(tok_off(u, j + 1) - tok_off(u, j), tok_len(u, j));
    }
    free(line);
    free(col);
    int nlong = 0;
    for (int k = 0; k < u->ntoks; k++)
        nlong += tok_len(u, k) >= TK_LONG;
    assert_int_equal(nlong, u->nlongs);
    unit_free(u);
    return nlong;
}

static void test_small_inputs(void **s) {
    (void)s;
    static const char *const inputs[] = {
        "",
        "x",
        "int a;\n",
        "a\r\nb\rc\n\nd",
        "#define X \\\n  1\nint y = X; // c\n/* a\r\n b */ z",
        "s = \"a\\\"b\"; c = 'x'; n = 1.5e+3; p->q <<= 2;",
        "\n\n\n",
    };
    for (size_t k = 0; k < sizeof inputs / sizeof *inputs; k++)
        (void)check_against_lexer(inputs[k], strlen(inputs[k]));   /* checks */
}

/* n tokens around each multiple of 16 (`;` is one token each). */
static void test_groups(void **s) {
    (void)s;
    static const int counts[] = {1, 15, 16, 17, 31, 32, 33, 255, 256, 257, 1025};
    for (size_t k = 0; k < sizeof counts / sizeof *counts; k++) {
        int n = counts[k] - 1;   /* + the EOF token */
        char *t = malloc((size_t)n + 1);
        memset(t, ';', (size_t)n);
        t[n] = 0;
        assert_int_equal(check_against_lexer(t, (size_t)n), 0);
        free(t);
    }
}

/* Tokens of TK_LONG - 2 to TK_LONG + 2 bytes, at each place in a group
 * of 16: those of TK_LONG or more are long. */
static void test_long_edges(void **s) {
    (void)s;
    char *t = malloc(40000);
    for (int at = 0; at < 16; at++) {
        size_t n = 0;
        for (int k = 0; k < at; k++)
            t[n++] = ';';
        int nlong = 0;
        for (int len = TK_LONG - 2; len <= TK_LONG + 2; len++) {
            memset(t + n, 'v', (size_t)len);   /* an identifier */
            n += (size_t)len;
            t[n++] = ' ';
            nlong += len >= TK_LONG;
        }
        assert_int_equal(check_against_lexer(t, n), nlong);
    }
    free(t);
}

/* Long tokens: a big comment, a big string, many small tokens after
 * them, a big comment at the end. */
static void test_long_tokens(void **s) {
    (void)s;
    size_t cap = 400000, n = 0;
    char *t = malloc(cap);
    n += (size_t)sprintf(t + n, "int a;\r\n/*");
    memset(t + n, 'x', 70000), n += 70000;
    n += (size_t)sprintf(t + n, "*/\nchar *s = \"");
    memset(t + n, 'y', 66000), n += 66000;
    n += (size_t)sprintf(t + n, "\";\n");
    for (int k = 0; k < 3000; k++)
        n += (size_t)sprintf(t + n, "v%d=%d;%s", k, k, k % 10 ? " " : "\n");
    n += (size_t)sprintf(t + n, "//");
    memset(t + n, 'z', 80000), n += 80000;
    assert_int_equal(check_against_lexer(t, n), 3);
    free(t);
}

/* tok_match is the plain stack's partner for every bracket, -1 else. */
static void test_brackets(void **s) {
    (void)s;
    srand(7);
    for (int round = 0; round < 50; round++) {
        char t[4096];
        int n = 0, depth = 0;
        char open[2048];
        while (n < 3000) {
            int r = rand() % 10;
            if (r < 3 && depth < 2000) {
                char c = "([{"[rand() % 3];
                open[depth++] = c;
                t[n++] = c;
            } else if (r < 6 && depth > 0) {
                char c = open[--depth];
                t[n++] = c == '(' ? ')' : c == '[' ? ']' : '}';
            } else {
                t[n++] = "a ;+\n"[rand() % 5];
            }
        }
        while (depth > 0) {
            char c = open[--depth];
            t[n++] = c == '(' ? ')' : c == '[' ? ']' : '}';
        }
        int rc;
        tr_unit *u = unit_of(t, (size_t)n, &rc);
        assert_int_equal(rc, 0);
        int stack[2048], sp = 0, pairs = 0;
        int *want = malloc((size_t)u->ntoks * sizeof *want);
        for (int i = 0; i < u->ntoks; i++) {
            want[i] = -1;
            if (tok_is(u, i, "(") || tok_is(u, i, "[") || tok_is(u, i, "{")) {
                stack[sp++] = i;
            } else if (tok_is(u, i, ")") || tok_is(u, i, "]") ||
                       tok_is(u, i, "}")) {
                int o = stack[--sp];
                want[o] = i;
                want[i] = o;
                pairs++;
            }
        }
        for (int i = 0; i < u->ntoks; i++)
            assert_int_equal(tok_match(u, i), want[i]);
        assert_int_equal(u->nbrk, 2 * pairs);
        free(want);
        unit_free(u);
    }
}

/* Partners more than 32767 tokens apart are kept in a list: a pair of
 * braces around 32765 to 70000 `;`, nested in parentheses. */
static void test_far_brackets(void **s) {
    (void)s;
    static const int dists[] = {32766, 32767, 32768, 32769, 70000};
    for (size_t k = 0; k < sizeof dists / sizeof *dists; k++) {
        int n = dists[k] - 1;   /* tokens between the braces */
        char *t = malloc((size_t)n + 8);
        size_t len = 0;
        t[len++] = '(';
        t[len++] = '{';
        memset(t + len, ';', (size_t)n), len += (size_t)n;
        t[len++] = '}';
        t[len++] = ')';
        int rc;
        tr_unit *u = unit_of(t, len, &rc);
        assert_int_equal(rc, 0);
        assert_int_equal(tok_match(u, 1), dists[k] + 1);
        assert_int_equal(tok_match(u, dists[k] + 1), 1);
        assert_int_equal(tok_match(u, 0), dists[k] + 2);
        assert_int_equal(tok_match(u, dists[k] + 2), 0);
        assert_int_equal(tok_match(u, 2), -1);
        unit_free(u);
        free(t);
    }
}

/* The token spelled name (the first), or -1. */
static int find(const tr_unit *u, const char *name) {
    for (int i = 0; i < u->ntoks; i++)
        if (tok_kind_of(u, i) == TOK_IDENT && tok_is(u, i, name))
            return i;
    return -1;
}

/* Nested #if groups: view 0 reads the primary branches, each alternate
 * its own tokens minus the alternates nested in it. */
static void test_views(void **s) {
    (void)s;
    const char *t = "int a;\n"
                    "#if X\n"
                    "int b;\n"
                    "#else\n"
                    "int f;\n"
                    "#if Y\n"
                    "int g;\n"
                    "#else\n"
                    "int h;\n"
                    "#endif\n"
                    "int i;\n"
                    "#endif\n"
                    "#if 0\n"
                    "int j;\n"
                    "#endif\n"
                    "int k;\n";
    int rc;
    tr_unit *u = unit_of(t, strlen(t), &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(u->nalts, 3);
    static const struct {
        const char *name;
        int view;
    } want[] = {{"a", 0}, {"b", 0}, {"f", 1}, {"g", 1}, {"h", 2},
                {"i", 1}, {"j", 3}, {"k", 0}};
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        int i = find(u, want[k].name);
        assert_true(i >= 0);
        for (int v = -1; v <= 3; v++) {
            u->view = v;
            assert_int_equal(tok_sig(u, i), v < 0 || v == want[k].view);
        }
    }
    /* walking a view: alternate 0 reads f, g, i and nothing past it */
    u->view = 1;
    int i = tok_next(u, u->alts[0].a);
    const char *seen[] = {"int", "f", ";", "int", "g", ";", "int", "i", ";"};
    for (size_t k = 0; k < sizeof seen / sizeof *seen; k++) {
        assert_true(tok_is(u, i, seen[k]));
        i = tok_next(u, i);
    }
    assert_int_equal(i, u->ntoks - 1);
    assert_int_equal(tok_prev(u, find(u, "f")), find(u, "f") - 2);
    assert_int_equal(tok_prev(u, tok_prev(u, find(u, "f"))), -1);
    u->view = 0;
    unit_free(u);
}

/* A lexer error past a long token is reported at its line and column. */
static void test_error_position(void **s) {
    (void)s;
    size_t n = 0;
    char *t = malloc(100000);
    n += (size_t)sprintf(t + n, "/*");
    memset(t + n, 'x', 70000), n += 70000;
    n += (size_t)sprintf(t + n, "*/\nint a;\n  char *s = \"open\n");
    int rc;
    tr_unit *u = unit_of(t, n, &rc);
    assert_int_equal(rc, -1);
    assert_true(u->err_tok >= 0);
    assert_int_equal(tok_line(u, u->err_tok), 3);
    assert_int_equal(tok_col(u, u->err_tok), 13);
    assert_string_equal(u->err_msg, "unterminated string literal");
    unit_free(u);
    free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_inputs),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_long_edges),
        cmocka_unit_test(test_long_tokens),
        cmocka_unit_test(test_brackets),
        cmocka_unit_test(test_far_brackets),
        cmocka_unit_test(test_views),
        cmocka_unit_test(test_error_position),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
