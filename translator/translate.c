/* translate.c - placeholder: copies the file with a prologue (replaced by
 * the real pipeline). */
#define _DEFAULT_SOURCE
#include "translate.h"
#include <stdlib.h>
#include <string.h>

int tr_translate(const char *path, const tr_options *o, FILE *out,
                 tr_deps *deps, FILE *err) {
    (void)o;
    if (deps) memset(deps, 0, sizeof *deps);
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(err, "gocc: cannot read %s\n", path); return 2; }
    char *abs = realpath(path, NULL);
    fprintf(out, "#include <gocc.h>\n#line 1 \"%s\"\n", abs ? abs : path);
    free(abs);
    int c;
    while ((c = getc(f)) != EOF) putc(c, out);
    fclose(f);
    return 0;
}

void tr_deps_free(tr_deps *d) {
    for (size_t i = 0; i < d->n; i++) free(d->paths[i]);
    free(d->paths);
    d->paths = NULL; d->n = 0;
}
