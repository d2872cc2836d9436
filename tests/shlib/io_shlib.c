/*
 * io_shlib.c - the parking calls reach into shared libraries (LANGUAGE.md
 * section 12: "for the program's own calls and for shared libraries it
 * uses").  On one worker, goroutine A blocks in libblocking's read() and
 * poll() on a pipe while goroutine B, on the same worker, sleeps in the
 * library's usleep() and then writes the bytes A waits for.  If the
 * library's calls blocked the worker, B could never run: the program
 * would hang (its alarm ends it with exit 3).  Built twice by ctest: with
 * the static runtime (libgocc.a) and with the shared one (libgocc.so).
 *   io_shlib linked    the library is linked with the program
 *   io_shlib dlopen    the library is loaded with dlopen at run time
 */
#include <gocc.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int lib_read_byte(int fd);
int lib_poll_in(int fd, int ms);
void lib_sleep_ms(int ms);

static int (*read_byte)(int);
static int (*poll_in)(int, int);
static void (*sleep_ms)(int);

static int pipefd[2];
static gocc_waitgroup wg = GOCC_WAITGROUP_INIT;
static int got[2];
static _Atomic int reader_started;

static void reader(void *p) {
    (void)p;
    reader_started = 1;
    got[0] = poll_in(pipefd[0], 5000);
    got[1] = read_byte(pipefd[0]);
    gocc_wg_done(&wg);
}

static void writer(void *p) {
    (void)p;
    while (!reader_started)     /* the reader blocks first */
        gocc_yield();
    sleep_ms(100);
    if (write(pipefd[1], "A", 1) != 1)
        abort();
    gocc_wg_done(&wg);
}

static int body(int argc, char **argv) {
    alarm(10);
    if (argc > 1 && !strcmp(argv[1], "dlopen")) {
        void *h = dlopen(LIBBLOCKING_PATH, RTLD_NOW);
        if (!h) {
            printf("dlopen: %s\n", dlerror());
            return 1;
        }
        read_byte = (int (*)(int))dlsym(h, "lib_read_byte");
        poll_in = (int (*)(int, int))dlsym(h, "lib_poll_in");
        sleep_ms = (void (*)(int))dlsym(h, "lib_sleep_ms");
    } else {
        read_byte = lib_read_byte;
        poll_in = lib_poll_in;
        sleep_ms = lib_sleep_ms;
    }
    if (pipe(pipefd) != 0)
        return 1;
    gocc_wg_add(&wg, 2);
    gocc_go(reader, NULL);
    gocc_go(writer, NULL);
    gocc_wg_wait(&wg);
    printf("poll %d read %c\n", got[0], got[1]);
    return got[0] == 1 && got[1] == 'A' ? 0 : 1;
}

GOCC_MAIN(body)
