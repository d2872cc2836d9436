/*
 * test_lexer.c - the lossless lexer (translator/lexer.re).
 *
 * Small inputs check token kinds, texts and positions, the contextual
 * cases the parser relies on (`n<-1` is `<` then `-`, `>>` is one token,
 * `#` is a preprocessor line only first on its line), and the errors for
 * unterminated literals and comments.  The property test lexes the
 * project's own C files and a set of system headers and checks the round
 * trip: tokens are non-empty, contiguous, and cover every byte.
 */
#define _GNU_SOURCE
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lexer.h"

/* Lex s; write "kind[text] " per token (spacing tokens skipped unless
 * all) into out. */
static void dump(const char *s, char *out, size_t cap, int all) {
    lexer L;
    token t;
    size_t n = 0;
    lex_init(&L, s, strlen(s));
    out[0] = 0;
    do {
        assert_int_equal(lex_next(&L, &t), 0);
        if (!all && (t.kind == TOK_SPACE || t.kind == TOK_NEWLINE ||
                     t.kind == TOK_EOF))
            continue;
        n += (size_t)snprintf(out + n, cap - n, "%s[%.*s] ",
                              tok_kind_name(t.kind), (int)t.len, s + t.off);
        assert_true(n < cap);
    } while (t.kind != TOK_EOF);
}

#define EXPECT_TOKENS(src, want)                                              \
    do {                                                                      \
        char got_[4096];                                                      \
        dump((src), got_, sizeof got_, 0);                                    \
        assert_string_equal(got_, (want));                                    \
    } while (0)

static void test_arrow_is_two_tokens(void **s) {
    (void)s;
    EXPECT_TOKENS("if (n<-1) ch <- v;",
                  "ident[if] punct[(] ident[n] punct[<] punct[-] number[1] "
                  "punct[)] ident[ch] punct[<] punct[-] ident[v] punct[;] ");
}

static void test_shift_is_one_token(void **s) {
    (void)s;
    EXPECT_TOKENS("chan<chan<int>> c; x >>= 2;",
                  "ident[chan] punct[<] ident[chan] punct[<] ident[int] "
                  "punct[>>] ident[c] punct[;] ident[x] punct[>>=] "
                  "number[2] punct[;] ");
}

static void test_literals_with_prefixes_and_escapes(void **s) {
    (void)s;
    EXPECT_TOKENS("u8\"a\\\"b\" L'\\'' U\"x\" u'y' 'z' \"\"",
                  "string[u8\"a\\\"b\"] char[L'\\''] string[U\"x\"] "
                  "char[u'y'] char['z'] string[\"\"] ");
}

static void test_numbers(void **s) {
    (void)s;
    EXPECT_TOKENS("0x1p-3 .5e+10 1.2.3 10ul 0b101",
                  "number[0x1p-3] number[.5e+10] number[1.2.3] number[10ul] "
                  "number[0b101] ");
}

static void test_digraphs_and_punctuators(void **s) {
    (void)s;
    EXPECT_TOKENS("a<:1:> <%%> ... -> ++ ## %:%:",
                  "ident[a] punct[<:] number[1] punct[:>] punct[<%] "
                  "punct[%>] punct[...] punct[->] punct[++] punct[##] "
                  "punct[%:%:] ");
}

static void test_preprocessor_lines_are_opaque(void **s) {
    (void)s;
    EXPECT_TOKENS("  #define F(x) \\\n  ((x) <- 1) /* a\n b */ y\nint z; # no",
                  "pp[#define F(x) \\\n  ((x) <- 1) /* a\n b */ y] "
                  "ident[int] ident[z] punct[;] punct[#] ident[no] ");
    EXPECT_TOKENS("%:include <x.h>\n", "pp[%:include <x.h>] ");
    EXPECT_TOKENS("/* c */ # if 1\n", "comment[/* c */] pp[# if 1] ");
}

static void test_comments_and_splices(void **s) {
    (void)s;
    EXPECT_TOKENS("a // c \\\n still comment\nb /* x */ c \\\nd",
                  "ident[a] comment[// c \\\n still comment] ident[b] "
                  "comment[/* x */] ident[c] splice[\\\n] ident[d] ");
}

static void test_stray_bytes_are_tokens(void **s) {
    (void)s;
    EXPECT_TOKENS("@`x", "other[@] other[`] ident[x] ");
}

static void test_nul_byte_inside_input(void **s) {
    (void)s;
    const char src[] = "a\0b";   /* 3 bytes, and the sentinel */
    lexer L;
    token t;
    tok_kind want[] = {TOK_IDENT, TOK_OTHER, TOK_IDENT, TOK_EOF};
    lex_init(&L, src, 3);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(lex_next(&L, &t), 0);
        assert_int_equal(t.kind, want[i]);
        assert_int_equal(t.off, i);
    }
}

static void test_positions(void **s) {
    (void)s;
    const char *src = "int\n  x = 1;\r\n\ty";
    lexer L;
    token t;
    lex_init(&L, src, strlen(src));
    /* int NL SP x SP = SP 1 ; CRLF TAB y */
    uint32_t want[][2] = {{1, 1}, {1, 4}, {2, 1}, {2, 3}, {2, 4}, {2, 5},
                          {2, 6}, {2, 7}, {2, 8}, {2, 9}, {3, 1}, {3, 2}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_int_equal(lex_next(&L, &t), 0);
        assert_int_equal(t.line, want[i][0]);
        assert_int_equal(t.col, want[i][1]);
    }
    assert_int_equal(t.kind, TOK_IDENT);
    assert_int_equal(lex_next(&L, &t), 0);
    assert_int_equal(t.kind, TOK_EOF);
}

/* A lone CR ends a line as in gcc and clang: lines and columns count it,
 * and a preprocessor line, a line comment and a literal end at it. */
static void test_lone_cr_is_a_newline(void **s) {
    (void)s;
    const char *src = "a\r#define X 1\r// c\r  b \\\rc\r\n\rd";
    lexer L;
    token t;
    lex_init(&L, src, strlen(src));
    /* a CR pp CR comment CR SP b SP splice c CRLF CR d */
    static const struct { tok_kind k; uint32_t line, col; } want[] = {
        {TOK_IDENT, 1, 1},   {TOK_NEWLINE, 1, 2}, {TOK_PP, 2, 1},
        {TOK_NEWLINE, 2, 12}, {TOK_COMMENT, 3, 1}, {TOK_NEWLINE, 3, 5},
        {TOK_SPACE, 4, 1},   {TOK_IDENT, 4, 3},   {TOK_SPACE, 4, 4},
        {TOK_SPLICE, 4, 5},  {TOK_IDENT, 5, 1},   {TOK_NEWLINE, 5, 2},
        {TOK_NEWLINE, 6, 1}, {TOK_IDENT, 7, 1},   {TOK_EOF, 7, 2}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_int_equal(lex_next(&L, &t), 0);
        assert_int_equal(t.kind, want[i].k);
        assert_int_equal(t.line, want[i].line);
        assert_int_equal(t.col, want[i].col);
    }
    lex_init(&L, "\"s\r\"", 4);
    assert_int_equal(lex_next(&L, &t), -1);
    assert_string_equal(L.error, "unterminated string literal");
}

/* The error, its position, and the round trip of the rest. */
static void expect_error(const char *src, const char *msg, uint32_t line,
                         uint32_t col) {
    lexer L;
    token t;
    size_t pos = 0;
    int failed = 0;
    lex_init(&L, src, strlen(src));
    do {
        if (lex_next(&L, &t) != 0) {
            failed = 1;
            assert_string_equal(L.error, msg);
            assert_int_equal(L.err_line, line);
            assert_int_equal(L.err_col, col);
        }
        assert_int_equal(t.off, pos);
        pos += t.len;
    } while (t.kind != TOK_EOF);
    assert_true(failed);
    assert_int_equal(pos, strlen(src));
}

static void test_unterminated(void **s) {
    (void)s;
    expect_error("int a;\n  char *s = \"abc\n;", "unterminated string literal",
                 2, 13);
    expect_error("x = 'a", "unterminated character constant", 1, 5);
    expect_error("x = L'\n'", "unterminated character constant", 1, 5);
    expect_error("a /* b\n c", "unterminated comment", 1, 3);
    expect_error("#if 1 /* b\n", "unterminated comment", 1, 1);
}

/* ------------------------------------------------------------ round trip */

static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    char *b = malloc((size_t)size + 1);
    assert_non_null(b);
    *n = fread(b, 1, (size_t)size, f);
    b[*n] = 0;
    fclose(f);
    return b;
}

/* Every byte in exactly one token, tokens non-empty and in order. */
static int round_trips(const char *path) {
    size_t n;
    char *b = slurp(path, &n);
    if (!b)
        return -1;
    lexer L;
    token t;
    size_t pos = 0;
    int ok = 1;
    lex_init(&L, b, n);
    do {
        (void)lex_next(&L, &t);
        if (t.off != pos || (t.kind != TOK_EOF && t.len == 0)) {
            ok = 0;
            break;
        }
        pos += t.len;
    } while (t.kind != TOK_EOF);
    if (pos != n)
        ok = 0;
    if (!ok)
        print_error("%s: round trip broken near byte %zu\n", path, pos);
    free(b);
    return ok;
}

static int round_trip_glob(const char *pattern, int *files) {
    glob_t g;
    int bad = 0;
    if (glob(pattern, GLOB_NOSORT, NULL, &g) != 0)
        return 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        int r = round_trips(g.gl_pathv[i]);
        if (r >= 0) {
            (*files)++;
            bad += !r;
        }
    }
    globfree(&g);
    return bad;
}

static void test_round_trip_project_sources(void **s) {
    (void)s;
    static const char *const dirs[] = {
        "include/*.h", "runtime/*.[ch]", "runtime/*.S", "translator/*.[ch]",
        "translator/*.re", "tests/unit/*.[ch]", "tests/progs/*.c",
        "tests/compile_fail/*.c", "samples/*.c", "bench/*.c",
    };
    int files = 0, bad = 0;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char pattern[1024];
        snprintf(pattern, sizeof pattern, "%s/%s", GOCC_SOURCE_DIR, dirs[i]);
        bad += round_trip_glob(pattern, &files);
    }
    print_message("project files lexed: %d\n", files);
    assert_true(files >= 40);
    assert_int_equal(bad, 0);
}

static void test_round_trip_system_headers(void **s) {
    (void)s;
    static const char *const pats[] = {
        "/usr/include/*.h", "/usr/include/sys/*.h",
        "/usr/include/*/bits/*.h", "/usr/include/linux/*.h",
    };
    int files = 0, bad = 0;
    for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++)
        bad += round_trip_glob(pats[i], &files);
    print_message("system headers lexed: %d\n", files);
    assert_true(files >= 100);
    assert_int_equal(bad, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arrow_is_two_tokens),
        cmocka_unit_test(test_shift_is_one_token),
        cmocka_unit_test(test_literals_with_prefixes_and_escapes),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_digraphs_and_punctuators),
        cmocka_unit_test(test_preprocessor_lines_are_opaque),
        cmocka_unit_test(test_comments_and_splices),
        cmocka_unit_test(test_stray_bytes_are_tokens),
        cmocka_unit_test(test_nul_byte_inside_input),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_lone_cr_is_a_newline),
        cmocka_unit_test(test_unterminated),
        cmocka_unit_test(test_round_trip_project_sources),
        cmocka_unit_test(test_round_trip_system_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
