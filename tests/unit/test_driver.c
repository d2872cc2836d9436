/*
 * test_driver.c - the `gocc` command (translator/main.c), run as a child
 * process: the info options, -T, building and running programs from .gc
 * and .c files, -c then link, dependency files, the errors (missing file,
 * no input, bad option values never crash), $CC with a launcher, the exit
 * status of a failing compiler, -v, and the temporary directory's
 * removal.
 *
 * The binary: the GOCC_BIN define (CMake: $<TARGET_FILE:gocc>), or the
 * GOCC_BIN environment variable; without either the tests skip.  $CC is
 * the compiler the project was built with (GOCC_C_COMPILER), so that
 * sanitizer builds link against the matching runtime.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "support.h"

static char dir[] = "/tmp/gocc-driver-XXXXXX";

#include "driver_support.h"

static bool has_prefix_str(const char *s, const char *p) {
    return strncmp(s, p, strlen(p)) == 0;
}

/* ok: r exited 0 (printing it otherwise); frees nothing. */
static void assert_ok(const child_result *r) {
    if (!r->exited || r->status != 0)
        print_child(r);
    assert_true(r->exited);
    assert_int_equal(r->status, 0);
}

/* run_prog: run the program at path, expecting exit 0 and stdout. */
static void run_prog(const char *path, const char *want) {
    char *argv[] = {(char *)path, NULL};
    child_result *r = run_child(argv, NULL, TIMEOUT_S);
    assert_ok(r);
    assert_string_equal(r->out, want);
    free(r);
}

static const char HI_GC[] = "#include <stdio.h>\n"
                            "#include \"hi.h\"\n"
                            "int main(void) {\n"
                            "    puts(HI);\n"
                            "    return 0;\n"
                            "}\n";

static int setup(void **s) {
    (void)s;
    int r = scratch_begin();
    if (r <= 0)
        return r;
    write_file("hi.h", "#define HI \"hi\"\n");
    write_file("hi.gc", HI_GC);
    write_file("id.c", "#include <gocc.h>\n"
                       "long id(void) { return (long)gocc_goid(); }\n");
    write_file("m.gc", "#include <stdio.h>\nlong id(void);\n"
                       "int main(void) { printf(\"goid=%ld\\n\", id()); "
                       "return 0; }\n");
    /* a.gc and a.c in one command: their objects must not collide */
    write_file("a.gc", "int f(void);\nint main(void) { return f(); }\n");
    write_file("a.c", "int f(void) { return 0; }\n");
    write_file("fail.sh", "#!/bin/sh\nexit 7\n");
    chmod(path_in("fail.sh"), 0755);
    return mkdir(path_in("tmp"), 0700);
}

static void test_info_options(void **s) {
    (void)s;
    NEED_BIN();
    child_result *r = gocc("--version");
    assert_ok(r);
    assert_true(has_prefix_str(r->out, "gocc "));
    free(r);
    r = gocc("--help");
    assert_ok(r);
    assert_non_null(strstr(r->out, "usage: gocc"));
    free(r);
    r = gocc("--cflags");
    assert_ok(r);
    assert_true(has_prefix_str(r->out, "-I"));
    char hdr[600];
    snprintf(hdr, sizeof hdr, "%.*s/gocc.h", (int)strcspn(r->out + 2, " \n"),
             r->out + 2);
    assert_int_equal(access(hdr, R_OK), 0);
    free(r);
    r = gocc("--libs");
    assert_ok(r);
    assert_non_null(strstr(r->out, " -l:libgocc.a -pthread -rdynamic"));
    snprintf(hdr, sizeof hdr, "%.*s/libgocc.a",
             (int)strcspn(r->out + 2, " \n"), r->out + 2);
    assert_int_equal(access(hdr, R_OK), 0);
    free(r);
}

static void test_translate_only(void **s) {
    (void)s;
    NEED_BIN();
    child_result *r = gocc("-T", path_in("hi.gc"));
    assert_ok(r);
    assert_non_null(strstr(r->out, "#line"));
    assert_non_null(strstr(r->out, "puts(HI);"));
    free(r);
    r = gocc("-T", path_in("hi.gc"), "-o", "-");
    assert_ok(r);
    assert_non_null(strstr(r->out, "puts(HI);"));
    free(r);
    r = gocc("-T", path_in("hi.gc"), "-o", path_in("hi_out.c"));
    assert_ok(r);
    assert_string_equal(r->out, "");
    assert_non_null(strstr(read_file(path_in("hi_out.c")), "puts(HI);"));
    free(r);
    r = gocc("-T", path_in("hi.gc"), path_in("m.gc"));
    assert_int_equal(r->status, 1);
    assert_non_null(strstr(r->err, "-T with several inputs"));
    free(r);
}

static void test_build_and_run(void **s) {
    (void)s;
    NEED_BIN();
    child_result *r = gocc("-O2", "-g", "-Wall", "-Wextra", path_in("hi.gc"),
                           "-o", path_in("hi"));
    assert_ok(r);
    free(r);
    run_prog(path_in("hi"), "hi\n");
}

static void test_gc_and_c_together(void **s) {
    (void)s;
    NEED_BIN();
    child_result *r = gocc(path_in("m.gc"), path_in("id.c"), "-o",
                           path_in("m"));
    assert_ok(r);
    free(r);
    char *argv[] = {(char *)path_in("m"), NULL};
    r = run_child(argv, NULL, TIMEOUT_S);
    assert_ok(r);
    /* main, in a plain .gc file, runs as goroutine 1 */
    assert_string_equal(r->out, "goid=1\n");
    free(r);
    r = gocc(path_in("a.gc"), path_in("a.c"), "-o", path_in("a"));
    assert_ok(r);
    free(r);
    run_prog(path_in("a"), "");
}

static void test_compile_then_link(void **s) {
    (void)s;
    NEED_BIN();
    child_result *r = gocc("-c", path_in("hi.gc"), "-o", path_in("hi.o"));
    assert_ok(r);
    free(r);
    r = gocc(path_in("hi.o"), "-o", path_in("hi_linked"));
    assert_ok(r);
    free(r);
    run_prog(path_in("hi_linked"), "hi\n");
}

static void test_dependency_file(void **s) {
    (void)s;
    NEED_BIN();
    child_result *r = gocc("-c", "-MD", path_in("hi.gc"), "-o",
                           path_in("dep.o"));
    assert_ok(r);
    free(r);
    const char *d = read_file(path_in("dep.d"));
    char want[600];
    snprintf(want, sizeof want, "%s: %s", path_in("dep.o"), path_in("hi.gc"));
    assert_true(has_prefix_str(d, want));
    /* -MQ quotes the target; -MMD leaves out the system's headers */
    r = gocc("-c", "-MMD", "-MF", path_in("q.d"), "-MQ", "a b$", "-MP",
             path_in("hi.gc"), "-o", path_in("dep.o"));
    assert_ok(r);
    free(r);
    d = read_file(path_in("q.d"));
    assert_true(has_prefix_str(d, "a\\ b$$: "));
    assert_null(strstr(d, "/usr/include/stdio.h"));
    /* the local header the .gc file includes */
    assert_non_null(strstr(d, "/hi.h"));
    assert_non_null(strstr(read_file(path_in("dep.d")), "/hi.h"));
}

/* The other -M modes: -T with -MD to a file and to stdout, -M alone
 * (the dependencies only: no translation or object is left), each rule
 * naming the .gc file and the header it includes; made by $CC -M on the
 * translation, so a header only an #if the compiler takes includes is
 * there, and the one it skips is not. */
static void test_dependency_modes(void **s) {
    (void)s;
    NEED_BIN();
    write_file("sel.gc", "#include \"hi.h\"\n"
                         "#if defined(WANT_A)\n#include \"dep_a.h\"\n"
                         "#else\n#include \"dep_b.h\"\n#endif\n"
                         "int f(chan<int> c) { c <- 1; return 0; }\n");
    write_file("dep_a.h", "/* a */\n");
    write_file("dep_b.h", "/* b */\n");
    child_result *r = gocc("-T", "-MD", "-DWANT_A", path_in("sel.gc"), "-o",
                           path_in("sel_t.c"));
    assert_ok(r);
    free(r);
    const char *d = read_file(path_in("sel_t.d"));
    char want[600];
    snprintf(want, sizeof want, "%s: %s", path_in("sel_t.c"), path_in("sel.gc"));
    assert_true(has_prefix_str(d, want));
    assert_non_null(strstr(d, "hi.h"));
    assert_non_null(strstr(d, "dep_a.h"));
    assert_null(strstr(d, "dep_b.h"));
    assert_non_null(strstr(read_file(path_in("sel_t.c")), "gocc_send(c, 1)"));
    /* to stdout: the translation there, the rule in the -MF file */
    r = gocc("-T", "-MMD", "-MF", path_in("sel_out.d"), path_in("sel.gc"));
    assert_ok(r);
    assert_non_null(strstr(r->out, "gocc_send(c, 1)"));
    free(r);
    d = read_file(path_in("sel_out.d"));
    assert_true(has_prefix_str(d, "sel.c: "));
    assert_non_null(strstr(d, "sel.gc"));
    assert_non_null(strstr(d, "dep_b.h"));
    assert_null(strstr(d, "dep_a.h"));
    assert_null(strstr(d, "/usr/include/"));   /* -MMD */
    /* -MG: a header that does not exist yet (generated) is a dependency */
    write_file("gen_use.gc", "#include \"not_yet.h\"\nint main(void) { return 0; }\n");
    r = gocc("-T", "-MMD", "-MG", "-MF", path_in("gen.d"), path_in("gen_use.gc"),
             "-o", path_in("gen_use.c"));
    assert_ok(r);
    free(r);
    assert_non_null(strstr(read_file(path_in("gen.d")), "not_yet.h"));
    /* to stdout, the file is translated once: its warning comes once */
    write_file("warn.gc", "void use(int *p);\n"
                          "void f(void) { int n = 0; go { use(&n); } }\n");
    r = gocc("-T", "-MD", "-MF", path_in("warn.d"), path_in("warn.gc"));
    assert_ok(r);
    const char *w = strstr(r->err, "warning:");
    assert_non_null(w);
    assert_null(strstr(w + 1, "warning:"));
    free(r);
    /* -M: the rule only */
    r = gocc("-M", path_in("sel.gc"), "-o", path_in("sel_m.d"));
    assert_ok(r);
    free(r);
    d = read_file(path_in("sel_m.d"));
    assert_true(has_prefix_str(d, "sel.o: "));
    assert_non_null(strstr(d, "/usr/include/"));   /* -M: all headers */
    assert_null(strstr(d, "gocc_send(c, 1)"));
    assert_int_equal(access(path_in("sel.o"), F_OK), -1);
    assert_int_equal(access("sel.o", F_OK), -1);
}

static void test_errors(void **s) {
    (void)s;
    NEED_BIN();
    child_result *r = gocc(path_in("nonexistent.gc"));
    assert_int_equal(r->status, 1);
    assert_non_null(strstr(r->err, "gocc: error: no such file: "));
    free(r);
    r = gocc("-c", "-O2");
    assert_int_equal(r->status, 1);
    assert_non_null(strstr(r->err, "gocc: error: no input files"));
    free(r);
}

/* Bad and odd option values: a clean exit with a message, never a crash
 * (and no temporary directory left behind). */
static void test_bad_options_never_crash(void **s) {
    (void)s;
    NEED_BIN();
    static const char *cases[][4] = {
        {"-o"}, {"-I"}, {"-x"}, {"-MF"}, {"-MT"}, {"-MQ"}, {"-l"},
        {"-Xlinker"}, {"-include"}, {"-T"}, {"-T", "-o"}, {""}, {"-MD"},
        {"-v"}, {"-save-temps"}, {"-x", "c"}, {"-std="}, {"-o-"},
        {"-c", "-o", "x.o", "hi.gc"}, {"--cflags", "-o"}, {"-T", "a.c"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char **c = cases[i];
        char tmp[600];
        snprintf(tmp, sizeof tmp, "TMPDIR=%s", path_in("tmp"));
        char cc[600];
        snprintf(cc, sizeof cc, "CC=%s", GOCC_C_COMPILER);
        char *env[] = {tmp, cc, NULL};
        child_result *r = gocc_env(env, c[0], c[1], c[2], c[3], (char *)NULL);
        if (!r->exited || r->status != 1 || !strstr(r->err, "gocc: error:"))
            print_child(r);
        assert_true(r->exited);
        assert_int_equal(r->status, 1);
        assert_non_null(strstr(r->err, "gocc: error:"));
        free(r);
    }
    assert_int_equal(rmdir(path_in("tmp")), 0); /* empty */
    assert_int_equal(mkdir(path_in("tmp"), 0700), 0);
}

static void test_cc_launcher_and_verbose(void **s) {
    (void)s;
    NEED_BIN();
    char cc[600];
    snprintf(cc, sizeof cc, "CC=env %s", GOCC_C_COMPILER);
    char *env[] = {cc, NULL};
    child_result *r = gocc_env(env, "-v", path_in("hi.gc"), "-o",
                               path_in("hi_env"), (char *)NULL);
    assert_ok(r);
    char want[600];
    snprintf(want, sizeof want, "env %s ", GOCC_C_COMPILER);
    assert_non_null(strstr(r->err, want));  /* the commands, printed */
    assert_non_null(strstr(r->err, " -l:libgocc.a -pthread -rdynamic"));
    free(r);
    run_prog(path_in("hi_env"), "hi\n");
}

/* -race / -fsanitize=: the sanitizer runtime's library, found in
 * GOCC_LIB_DIR (empty stand-ins here: CC=true links nothing), a clear
 * error when it is missing or two are asked for (docs/debugging.md,
 * "-race and sanitizers").  Not in a sanitizer build, whose gocc links
 * its own libgocc.a instead. */
static void test_race_options(void **s) {
    (void)s;
    NEED_BIN();
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    skip();
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
    skip();
#endif
#endif
    char lib[600];
    snprintf(lib, sizeof lib, "GOCC_LIB_DIR=%s", path_in("racelib"));
    char *env[] = {"CC=true", lib, NULL};
    mkdir(path_in("racelib"), 0700);
    write_file("racelib/libgocc-race.a", "");
    write_file("racelib/libgocc-asan.a", "");
    static const struct {
        const char *a, *b, *want;
    } cases[] = {
        {"-race", NULL, " -l:libgocc-race.a -pthread"},
        {"-fsanitize=thread", NULL, " -l:libgocc-race.a -pthread"},
        {"-fsanitize=address,undefined", NULL, " -l:libgocc-asan.a -pthread"},
        {"-fsanitize=undefined", NULL, " -l:libgocc.a -pthread"},
        {"-race", "-fno-sanitize=all", " -l:libgocc.a -pthread"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        child_result *r =
            cases[i].b ? gocc_env(env, "-v", cases[i].a, cases[i].b,
                                  path_in("hi.gc"), "-o", path_in("hi_race"),
                                  (char *)NULL)
                       : gocc_env(env, "-v", cases[i].a, path_in("hi.gc"),
                                  "-o", path_in("hi_race"), (char *)NULL);
        assert_ok(r);
        assert_non_null(strstr(r->err, cases[i].want));
        if (strstr(cases[i].want, "race"))   /* compile and link */
            assert_non_null(strstr(strstr(r->err, "-fsanitize=thread") + 1,
                                   "-fsanitize=thread"));
        free(r);
    }
    child_result *r = gocc_env(env, "-race", "-fsanitize=address",
                               path_in("hi.gc"), "-o", path_in("hi_race"),
                               (char *)NULL);
    assert_int_equal(r->status, 1);
    assert_non_null(strstr(r->err, "cannot be combined"));
    free(r);
    assert_int_equal(unlink(path_in("racelib/libgocc-race.a")), 0);
    r = gocc_env(env, "-race", path_in("hi.gc"), "-o", path_in("hi_race"),
                 (char *)NULL);
    assert_int_equal(r->status, 1);
    char want[700];
    snprintf(want, sizeof want,
             "gocc: error: -race needs libgocc-race.a, not found in %s",
             path_in("racelib"));
    assert_non_null(strstr(r->err, want));
    free(r);
    r = gocc_env(env, "-race", "-c", path_in("hi.gc"), "-o",
                 path_in("hi_race.o"), (char *)NULL);
    assert_ok(r);   /* -c links nothing: no library needed */
    free(r);
}

static void test_cc_status_passed_through(void **s) {
    (void)s;
    NEED_BIN();
    char cc[600];
    snprintf(cc, sizeof cc, "CC=%s", path_in("fail.sh"));
    char *env[] = {cc, NULL};
    child_result *r = gocc_env(env, path_in("hi.gc"), (char *)NULL);
    assert_true(r->exited);
    assert_int_equal(r->status, 7);
    free(r);
}

static void test_temp_dir_removed(void **s) {
    (void)s;
    NEED_BIN();
    char tmp[600], cc[600];
    snprintf(tmp, sizeof tmp, "TMPDIR=%s", path_in("tmp"));
    snprintf(cc, sizeof cc, "CC=%s", GOCC_C_COMPILER);
    char *env[] = {tmp, cc, NULL};
    child_result *r = gocc_env(env, path_in("hi.gc"), "-o", path_in("hi_t"),
                               (char *)NULL);
    assert_ok(r);
    free(r);
    assert_int_equal(rmdir(path_in("tmp")), 0); /* empty: removed */
    assert_int_equal(mkdir(path_in("tmp"), 0700), 0);
    r = gocc_env(env, "-save-temps=obj", path_in("hi.gc"), "-o",
                 path_in("hi_t"), (char *)NULL);
    assert_ok(r);
    assert_non_null(strstr(r->err, "temporary files kept in"));
    free(r);
    assert_int_not_equal(rmdir(path_in("tmp")), 0); /* kept */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_info_options),
        cmocka_unit_test(test_translate_only),
        cmocka_unit_test(test_race_options),
        cmocka_unit_test(test_build_and_run),
        cmocka_unit_test(test_gc_and_c_together),
        cmocka_unit_test(test_compile_then_link),
        cmocka_unit_test(test_dependency_file),
        cmocka_unit_test(test_dependency_modes),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_bad_options_never_crash),
        cmocka_unit_test(test_cc_launcher_and_verbose),
        cmocka_unit_test(test_cc_status_passed_through),
        cmocka_unit_test(test_temp_dir_removed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
