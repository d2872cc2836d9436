/*
 * fuzz_parser.c - libFuzzer target for the parser and the emitter: any
 * input must lex, parse (or stop at an error with a position inside the
 * file) and emit in both modes without crashing, hanging or reading out of
 * bounds.  libclang is not run (too slow per input): the answers it would
 * give are faked so that every lowering path is taken, channel or not.
 * Built by tests/fuzz/run (clang -fsanitize=fuzzer,address,undefined).
 */
#define _DEFAULT_SOURCE
#include "tr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Answers as libclang might give them: alternate channel / not. */
static void fake_sema(tr_unit *u) {
    for (int i = 0; i < u->nsites; i++) {
        site *s = &u->sites[i];
        s->is_chan = (i & 1) == 0;
        s->direct = (i & 2) == 0;
        if (s->kind == SITE_GOCALL) {
            site_more *m = site_m(u, s);
            m->fn_type = tr_intern(u, strdup("void (int)"));   /* the pool's */
            const char **t = calloc((size_t)m->nargs + 1, sizeof *t);
            for (int k = 0; t && k < m->nargs; k++)
                t[k] = tr_intern(u, strdup(k & 1 ? "int [3]" : "gocc_chan(int)"));
            m->arg_types = t ? tr_intern_list(u, t, m->nargs) : NULL;
            free(t);
        }
        if (s->kind == SITE_GOBLOCK && (i & 1)) {
            site_more *m = site_m(u, s);
            m->caps = calloc(2, sizeof *m->caps);
            m->caps[0] = (capture){strdup("x"), strdup("int"), false, false};
            m->caps[1] = (capture){strdup("a"), strdup("int [2]"), i & 2, true};
            m->ncaps = 2;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    tr_unit u;
    memset(&u, 0, sizeof u);
    u.path = "fuzz.gc";
    u.line_path = strdup("fuzz.gc");
    u.err = fopen("/dev/null", "w");
    u.err_tok = -1;
    u.src = malloc(size + 1);
    memcpy(u.src, data, size);
    u.src[size] = 0;
    u.len = size;
    if (tr_lex(&u) == 0 && tr_parse(&u) == 0) {
        strbuf sh = {0};
        int *ss = malloc((size_t)u.ntoks * sizeof *ss);
        int *se = malloc((size_t)u.ntoks * sizeof *se);
        tr_emit(&u, EMIT_SHADOW, &sh, ss, se);
        for (int i = 0; i < u.ntoks; i++)
            if (ss[i] > (int)sh.len || se[i] > (int)sh.len)
                abort();
        free(ss);
        free(se);
        free(sh.p);
        fake_sema(&u);
        tr_number_sites(&u);
        strbuf out = {0};
        tr_emit(&u, EMIT_FINAL, &out, NULL, NULL);
        free(out.p);
    } else if (u.err_tok < 0 || u.err_tok >= u.ntoks) {
        abort();   /* an error must name a token of the file */
    }
    fclose(u.err);
    tr_unit_free(&u);
    return 0;
}
