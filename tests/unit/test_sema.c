/*
 * test_sema.c - the libclang pass (translator/sema.c): a file that
 * includes <stdio.h>, <stddef.h> (from clang's resource directory, which
 * Debian's libclang cannot find on its own) and a local header parses
 * without errors and reports all three as inclusions; -I and -D reach
 * libclang; an error is reported with its file:line:col.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sema.h"

static char dir[] = "/tmp/gocc-sema-XXXXXX";

static void write_file(const char *name, const char *text) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **s) {
    (void)s;
    if (!mkdtemp(dir))
        return -1;
    char inc[256];
    snprintf(inc, sizeof inc, "%s/inc", dir);
    if (mkdir(inc, 0700) != 0)
        return -1;
    write_file("inc/local.h", "#define LOCAL_N 3\ntypedef int local_t;\n");
    write_file("ok.c", "#include <stdio.h>\n#include <stddef.h>\n"
                       "#include \"local.h\"\n"
                       "static local_t a[LOCAL_N];\n"
                       "#ifndef FLAG\n#error FLAG not passed\n#endif\n"
                       "size_t n(void) { return sizeof a + offsetof(struct "
                       "{int x; int y;}, y); }\n");
    write_file("bad.c", "int f(void) {\n  return undeclared_thing;\n}\n");
    return 0;
}

static int teardown(void **s) {
    (void)s;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int has_suffix(const sema_result *r, const char *suffix) {
    size_t n = strlen(suffix);
    for (size_t i = 0; i < r->nincludes; i++) {
        size_t m = strlen(r->includes[i]);
        if (m >= n && !strcmp(r->includes[i] + m - n, suffix))
            return 1;
    }
    return 0;
}

static void test_parses_with_resource_dir_and_options(void **s) {
    (void)s;
    char path[256], inc[256];
    snprintf(path, sizeof path, "%s/ok.c", dir);
    snprintf(inc, sizeof inc, "-I%s/inc", dir);
    const char *args[] = {"-std=gnu11", inc, "-DFLAG=1"};
    sema_result r;
    assert_int_equal(sema_parse(path, args, 3, &r), 0);
    if (r.errors)
        print_error("%s\n", r.first_error);
    assert_int_equal(r.errors, 0);
    assert_true(has_suffix(&r, "/stdio.h"));
    assert_true(has_suffix(&r, "/include/stddef.h")); /* clang's own */
    assert_true(has_suffix(&r, "/inc/local.h"));
    sema_result_free(&r);
}

static void test_missing_define_is_an_error(void **s) {
    (void)s;
    char path[256], inc[256];
    snprintf(path, sizeof path, "%s/ok.c", dir);
    snprintf(inc, sizeof inc, "-I%s/inc", dir);
    const char *args[] = {inc};
    sema_result r;
    assert_int_equal(sema_parse(path, args, 1, &r), 0);
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "ok.c:6:2: error: FLAG not passed"));
    sema_result_free(&r);
}

static void test_error_position(void **s) {
    (void)s;
    char path[256];
    snprintf(path, sizeof path, "%s/bad.c", dir);
    sema_result r;
    assert_int_equal(sema_parse(path, NULL, 0, &r), 0);
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "bad.c:2:10: error:"));
    assert_non_null(strstr(r.first_error, "undeclared_thing"));
    sema_result_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parses_with_resource_dir_and_options),
        cmocka_unit_test(test_missing_define_is_an_error),
        cmocka_unit_test(test_error_position),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
