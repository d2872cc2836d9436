/*
 * fuzz_lexer.c - libFuzzer target for the lexer: any input must lex
 * without crashing, every byte landing in exactly one token, in order,
 * with positions that count lines correctly.  A violation aborts, which
 * libFuzzer reports with the input that caused it.
 * Built by tests/fuzz/run (clang -fsanitize=fuzzer,address,undefined).
 */
#include "lexer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = 0;   /* the sentinel lex_init requires */
    lexer L;
    token t;
    size_t pos = 0;
    uint32_t line = 1;
    lex_init(&L, buf, size);
    do {
        (void)lex_next(&L, &t);
        if (t.off != pos || (t.kind != TOK_EOF && t.len == 0) ||
            t.line != line)
            abort();
        for (uint32_t i = 0; i < t.len; i++)   /* "\n", or "\r" alone */
            line += buf[t.off + i] == '\n' ||
                    (buf[t.off + i] == '\r' && buf[t.off + i + 1] != '\n');
        pos += t.len;
    } while (t.kind != TOK_EOF);
    if (pos != size)
        abort();
    free(buf);
    return 0;
}
