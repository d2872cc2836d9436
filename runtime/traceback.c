/*
 * traceback.c - goroutine dumps, in Go's format:
 *
 *     goroutine 7 [chan receive, 2 minutes]:
 *     worker(...)
 *             /path/to/app.gc:12
 *     created by main in goroutine 1
 *             /path/to/app.gc:30
 *
 * panic.c prints them on a panic (GOCC_TRACEBACK), on a deadlock and on
 * SIGQUIT.  What a dump knows of a goroutine, the scheduler keeps in its G
 * at no more than a store or two per park: the wait reason (g_park's
 * argument), when it parked (traceback_now: a coarse clock sysmon keeps),
 * and where it was created (the return address of gocc_go and the
 * spawner's id).  The live goroutines are found in the stack units, which
 * are never unmapped (stack_live_gs): no list to keep on every spawn.
 *
 * Stacks and lines come from elfutils' libdw, loaded with dlopen when a
 * dump is first printed, so that a gocc program links nothing more and a
 * machine without libdw.so.1 still gets the dump's headers:
 *   - a parked goroutine is unwound by libdw from its saved context (the
 *     registers the context switch saved, given to dwfl_attach_state as a
 *     "thread" of this process; memory read with process_vm_readv, which
 *     fails instead of faulting), with the CFI of every module, so code
 *     without frame pointers unwinds too;
 *   - the goroutine that dumps is unwound by backtrace();
 *   - a dump from a goroutine runs on a helper thread (libdw overflowed a
 *     64 KiB goroutine stack); from a thread's own stack, in place;
 *   - each address becomes a function name and a file:line from the DWARF
 *     line table, which the translator's #line directives point at the
 *     .gc source.
 * Rejected: libunwind (unwinds, but has no line tables: a second library
 * would be needed for file:line); libbacktrace (no Debian package of its
 * own); parsing DWARF by hand.
 *
 * As Go does, runtime frames are not shown: a frame whose source file is
 * in the runtime's directory is skipped before the first program frame,
 * and ends the stack after it (the goroutine's entry, gocc_main).
 * Dumps run while other workers may still run goroutines: a goroutine
 * running on another thread is shown as such, without a stack.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <execinfo.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* ------------------------------------------------------------- output */

/* A formatted line of the dump to stderr (truncated past 1 KiB). */
static void out(const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n >= 0)
        panic_write(buf);
}

/* -------------------------------------------------------------- clock */

_Atomic int64_t traceback_clock;

void traceback_init(void) {
    traceback_clock_set(nanotime());
    traceback_install_sigquit();
}

/* Whole minutes since `since` (a traceback_now() stamp; 0: none).  A
 * stamp may be below 0: tests/progs/dump_internals.c moves one back three
 * minutes, and the monotonic clock counts from boot (a test run in a
 * machine's first three minutes once failed on `since > 0`). */
static int64_t minutes_since(int64_t since) {
    int64_t now = nanotime();
    return since != 0 && now > since ? (now - since) / 60000000000LL : 0;
}

/* -------------------------------------------------------------- libdw */

#define DW_FUNCS(X)                                                          \
    X(dwfl_begin) X(dwfl_end) X(dwfl_linux_proc_report) X(dwfl_report_end)   \
    X(dwfl_linux_proc_find_elf) X(dwfl_standard_find_debuginfo)              \
    X(dwfl_addrmodule) X(dwfl_module_addrname) X(dwfl_module_getsrc)         \
    X(dwfl_lineinfo) X(dwfl_attach_state) X(dwfl_getthread_frames)           \
    X(dwfl_frame_pc) X(dwfl_thread_state_registers)                          \
    X(dwfl_thread_state_register_pc) X(dwfl_module_nextcu) X(dwarf_haspc)   \
    X(dwarf_getsrc_die) X(dwarf_lineno) X(dwarf_linesrc) X(dwarf_getscopes) \
    X(dwarf_tag) X(dwarf_diename) X(dwarf_attr) X(dwarf_formudata)           \
    X(dwarf_getsrcfiles) X(dwarf_filesrc)

static struct {
#define X(f) __typeof__(f) *f;
    DW_FUNCS(X)
#undef X
    Dwfl *dwfl;
    bool tried, attached;
} dw;

/* The registers a parked goroutine's unwinding starts from (DWARF
 * numbering), handed to libdw's set_initial_registers. */
typedef struct {
    int first[16];
    Dwarf_Word val[16];
    int n;
    Dwarf_Addr pc;
} start_regs;

static start_regs *unwind_from;

static pid_t cb_next_thread(Dwfl *d, void *arg, void **thread_argp) {
    (void)d;
    (void)arg;
    (void)thread_argp;
    return 0;
}

static bool cb_get_thread(Dwfl *d, pid_t tid, void *arg, void **thread_argp) {
    (void)d;
    (void)tid;
    *thread_argp = arg;
    return true;
}

/* The stack of the goroutine being unwound, read directly; any other
 * address with process_vm_readv, which fails instead of faulting. */
static uintptr_t unwind_lo, unwind_hi;
static pid_t self_pid;

/* A word of a parked goroutine's stack, read past the sanitizers: ASan
 * poisons the redzones of its frames, and TSan would see a read of
 * another thread's stack (the dying process reads it once). */
#if defined(__has_attribute) && __has_attribute(disable_sanitizer_instrumentation)
#define NO_SANITIZE __attribute__((disable_sanitizer_instrumentation, noinline))
#else
#define NO_SANITIZE                                                          \
    __attribute__((no_sanitize("address", "thread"), noinline))
#endif
NO_SANITIZE static Dwarf_Word stack_word(uintptr_t addr) {
    return *(const volatile Dwarf_Word *)addr;
}

static bool cb_memory_read(Dwfl *d, Dwarf_Addr addr, Dwarf_Word *result,
                           void *arg) {
    (void)d;
    (void)arg;
    if (addr >= unwind_lo && addr < unwind_hi &&
        unwind_hi - addr >= sizeof *result && addr % sizeof *result == 0) {
        *result = stack_word((uintptr_t)addr);
        return true;
    }
    struct iovec local = {result, sizeof *result};
    struct iovec remote = {(void *)(uintptr_t)addr, sizeof *result};
    if (!self_pid)
        self_pid = getpid();
    return syscall(SYS_process_vm_readv, self_pid, &local, 1, &remote, 1,
                   0) == (long)sizeof *result;
}

static bool cb_set_initial_registers(Dwfl_Thread *t, void *thread_arg) {
    (void)thread_arg;
    start_regs *r = unwind_from;
    for (int i = 0; i < r->n; i++)
        if (!dw.dwfl_thread_state_registers(t, r->first[i], 1, &r->val[i]))
            return false;
    dw.dwfl_thread_state_register_pc(t, r->pc);
    return true;
}

static const Dwfl_Thread_Callbacks thread_cbs = {
    .next_thread = cb_next_thread,
    .get_thread = cb_get_thread,
    .memory_read = cb_memory_read,
    .set_initial_registers = cb_set_initial_registers,
};

static char *debuginfo_path;
static Dwfl_Callbacks proc_cbs;

/* Load libdw and report this process's modules, once; false without it. */
static bool dw_ready(void) {
    if (dw.tried)
        return dw.dwfl != NULL;
    dw.tried = true;
    void *h = dlopen("libdw.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!h)
        return false;
#define X(f)                                                                 \
    if (!(dw.f = (__typeof__(f) *)dlsym(h, #f)))                             \
        return false;
    DW_FUNCS(X)
#undef X
    proc_cbs.find_elf = dw.dwfl_linux_proc_find_elf;
    proc_cbs.find_debuginfo = dw.dwfl_standard_find_debuginfo;
    proc_cbs.debuginfo_path = &debuginfo_path;
    Dwfl *d = dw.dwfl_begin(&proc_cbs);
    if (!d)
        return false;
    if (dw.dwfl_linux_proc_report(d, getpid()) != 0 ||
        dw.dwfl_report_end(d, NULL, NULL) != 0) {
        dw.dwfl_end(d);
        return false;
    }
    dw.attached = dw.dwfl_attach_state(d, NULL, getpid(), &thread_cbs, NULL);
    dw.dwfl = d;
    return true;
}

/* ------------------------------------------------------------- frames */

typedef struct {
    const char *fn;             /* NULL: unknown */
    const char *file;           /* NULL: no line information */
    int line;
} where;

/* The unit of mod whose ranges hold a (bias set), NULL if none: found by
 * walking the units, because .debug_aranges is not to be trusted (clang
 * writes none unless asked, and libdw then answered from another unit's
 * line table); code built without -g has no unit. */
static Dwarf_Die *unit_of(Dwfl_Module *mod, Dwarf_Addr a, Dwarf_Addr *bias) {
    Dwarf_Die *cu = NULL;
    while ((cu = dw.dwfl_module_nextcu(mod, cu, bias)))
        if (dw.dwarf_haspc(cu, a - *bias) == 1)
            return cu;
    return NULL;
}

/* The call site an inlined scope records: its DW_AT_call_file/line. */
static void call_site(Dwarf_Die *cu, Dwarf_Die *scope, where *w) {
    Dwarf_Attribute at;
    Dwarf_Word file = 0, line = 0;
    Dwarf_Files *files;
    size_t nfiles;
    w->file = NULL;
    w->line = 0;
    if (dw.dwarf_formudata(dw.dwarf_attr(scope, DW_AT_call_line, &at),
                           &line) != 0 ||
        dw.dwarf_formudata(dw.dwarf_attr(scope, DW_AT_call_file, &at),
                           &file) != 0 ||
        dw.dwarf_getsrcfiles(cu, &files, &nfiles) != 0 || file >= nfiles)
        return;
    w->file = dw.dwarf_filesrc(files, file, NULL, NULL);
    w->line = (int)line;
}

/* Where pc is, as frames innermost first: the function inlined at pc,
 * then each function it was inlined into (at the call's line), ending
 * with the function whose code holds pc.  ret: pc is a return address
 * (look up pc - 1, the call).  Returns how many of out[0..cap) it set
 * (at least 1). */
static int locate_uncached(uintptr_t pc, bool ret, where *out, int cap) {
    where *w = &out[0];
    *w = (where){NULL, NULL, 0};
    Dwarf_Addr a = pc - (ret ? 1 : 0);
    if (!dw_ready()) {
        Dl_info info;
        if (dladdr((void *)(uintptr_t)a, &info) && info.dli_sname)
            w->fn = info.dli_sname;
        return 1;
    }
    Dwfl_Module *mod = dw.dwfl_addrmodule(dw.dwfl, a);
    if (!mod)
        return 1;
    w->fn = dw.dwfl_module_addrname(mod, a);
    Dwarf_Addr bias;
    Dwarf_Die *cu = unit_of(mod, a, &bias);
    Dwarf_Line *l = cu ? dw.dwarf_getsrc_die(cu, a - bias) : NULL;
    if (!l || dw.dwarf_lineno(l, &w->line) != 0)
        return 1;
    w->file = dw.dwarf_linesrc(l, NULL, NULL);
    /* scopes innermost first: blocks, inlined subroutines, the subprogram;
     * frame 0 is at pc's line, frame j at the call site its inner inlined
     * scope records */
    Dwarf_Die *scopes = NULL;
    int ns = dw.dwarf_getscopes(cu, a - bias, &scopes);
    int n = 0;
    Dwarf_Die *inner = NULL;        /* the scope of frame n - 1 */
    for (int i = 0; i < ns && n < cap; i++) {
        int tag = dw.dwarf_tag(&scopes[i]);
        if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram)
            continue;
        if (inner) {
            out[n] = (where){NULL, NULL, 0};
            call_site(cu, inner, &out[n]);
        }
        /* frame 0 keeps the symbol's name if its scope has none */
        const char *name = dw.dwarf_diename(&scopes[i]);
        if (name)
            out[n].fn = name;
        n++;
        if (tag == DW_TAG_subprogram)
            break;
        inner = &scopes[i];
    }
    if (ns > 0)
        free(scopes);
    return n > 0 ? n : 1;
}

/* locate, remembered by address: the goroutines of a program park at a
 * few dozen call sites, and looking one up (its unit, its scopes) costs
 * tens of microseconds (10,000 goroutines: 4.3 s to dump without this).
 * Only the thread that prints the dump uses it, once per process. */
enum { CHAIN_MAX = 8, CACHE_SLOTS = 4096 };
typedef struct {
    uintptr_t key;              /* the address looked up + 1; 0: empty */
    int n;
    where chain[CHAIN_MAX];
} located;
static located *cache;

static int locate(uintptr_t pc, bool ret, where *out, int cap) {
    uintptr_t key = pc - (ret ? 1 : 0) + 1;
    if (!cache)
        cache = calloc(CACHE_SLOTS, sizeof *cache);
    located *e = NULL;
    if (cache) {
        size_t h = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 52) % CACHE_SLOTS;
        for (int probe = 0; probe < 16; probe++) {
            located *c = &cache[(h + (size_t)probe) % CACHE_SLOTS];
            if (c->key == key || c->key == 0) {
                e = c;
                break;
            }
        }
    }
    if (e && e->key == key) {
        int n = e->n < cap ? e->n : cap;
        memcpy(out, e->chain, (size_t)n * sizeof *out);
        return n;
    }
    where chain[CHAIN_MAX];
    int n = locate_uncached(pc, ret, chain, CHAIN_MAX);
    if (e) {
        e->key = key;
        e->n = n;
        memcpy(e->chain, chain, sizeof chain);
    }
    n = n < cap ? n : cap;
    memcpy(out, chain, (size_t)n * sizeof *out);
    return n;
}

/* A trampoline the translator wrote for a go statement: gocc_F_goN. */
static bool trampoline(const char *fn, const char **f, int *flen, int *num) {
    if (!fn || strncmp(fn, "gocc_", 5) != 0)
        return false;
    const char *go = strrchr(fn, '_');
    if (!go || go <= fn + 5 || strncmp(go, "_go", 3) != 0 || !go[3])
        return false;
    for (const char *p = go + 3; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    *f = fn + 5;
    *flen = (int)(go - (fn + 5));
    *num = atoi(go + 3);
    return true;
}

/* Is w in the runtime (its source in this file's directory, or gocc.h's
 * inline functions)? */
static bool in_runtime(const where *w) {
    static char dir[512];
    static size_t dirlen;
    if (!dirlen) {
        const char *f = __FILE__, *slash = strrchr(f, '/');
        dirlen = slash ? (size_t)(slash - f + 1) : 0;
        if (dirlen >= sizeof dir)
            dirlen = 0;
        memcpy(dir, f, dirlen);
        if (!dirlen)
            dirlen = (size_t)-1;
    }
    /* a sanitizer's wrapper of swapcontext saved the ucontext back end's
     * registers inside itself */
    if (w->fn && (strncmp(w->fn, "__interceptor_", 14) == 0 ||
                  strncmp(w->fn, "___interceptor_", 15) == 0))
        return true;
    if (w->file) {
        const char *base = strrchr(w->file, '/');
        if (strcmp(base ? base + 1 : w->file, "gocc.h") == 0)
            return true;
    }
    if (w->file && dirlen != (size_t)-1)
        return strncmp(w->file, dir, dirlen) == 0;
    /* no line table (no libdw, or no -g): by name, the runtime's entry
     * points and its gocc_ API, but not the translator's names for the
     * program's main and go trampolines */
    const char *f;
    int flen, num;
    return w->fn && (strcmp(w->fn, "g_entry") == 0 ||
                     strcmp(w->fn, "main_entry") == 0 ||
                     (strncmp(w->fn, "gocc_", 5) == 0 &&
                      strcmp(w->fn, "gocc_main_user") != 0 &&
                      strcmp(w->fn, "gocc_main_args") != 0 &&
                      !trampoline(w->fn, &f, &flen, &num)));
}

/* Go's names: main for the program's main (renamed by the translator),
 * F.funcN for the trampoline of F's N-th go statement (a go block's
 * body). */
static void display_name(const where *w, uintptr_t pc, char *buf, size_t len) {
    const char *f;
    int flen, num;
    if (w->fn && (strcmp(w->fn, "gocc_main_user") == 0 ||
                  strcmp(w->fn, "gocc_main_args") == 0))
        snprintf(buf, len, "main");
    else if (trampoline(w->fn, &f, &flen, &num))
        snprintf(buf, len, "%.*s.func%d", flen, f, num);
    else if (w->fn)
        snprintf(buf, len, "%s", w->fn);
    else
        snprintf(buf, len, "0x%lx", (unsigned long)pc);
}

static void print_where(const where *w, uintptr_t pc) {
    char name[256];
    display_name(w, pc, name, sizeof name);
    out("%s(...)\n", name);
    if (w->file)
        out("\t%s:%d\n", w->file, w->line);
    else
        out("\t?\n");
}

/* Print the program's frames among pcs[0..n) (pcs[i] a return address
 * for i >= first_ret); returns how many were printed. */
static int print_frames(const uintptr_t *pcs, int n, int first_ret) {
    int shown = 0;
    for (int i = 0; i < n; i++) {
        where chain[CHAIN_MAX];
        int nc = locate(pcs[i], i >= first_ret, chain, CHAIN_MAX);
        for (int k = 0; k < nc; k++) {
            where *w = &chain[k];
            /* main's wrapper (the program's main when inlined into it) */
            bool wrapper = w->fn && strcmp(w->fn, "gocc_main_args") == 0;
            if (wrapper && shown)
                return shown;
            if (in_runtime(w) || (!w->file && !w->fn)) {
                if (shown)
                    return shown;   /* the goroutine's entry: stack ends */
                continue;
            }
            const char *f;
            int flen, num;
            if (shown && trampoline(w->fn, &f, &flen, &num))
                return shown;       /* go f(x)'s trampoline, under f */
            if (!w->file && shown && w->fn && strncmp(w->fn, "__", 2) == 0)
                return shown;       /* libc's start of a context or thread */
            print_where(w, pcs[i]);
            shown++;
        }
    }
    return shown;
}

typedef struct {
    uintptr_t pcs[64];
    int n;
} pc_list;

static int cb_frame(Dwfl_Frame *f, void *arg) {
    pc_list *l = arg;
    Dwarf_Addr pc;
    bool act;
    if (!dw.dwfl_frame_pc(f, &pc, &act) || pc == 0)
        return DWARF_CB_ABORT;
    l->pcs[l->n++] = (uintptr_t)pc;
    return l->n < 64 ? DWARF_CB_OK : DWARF_CB_ABORT;
}

/* The registers parked g's context saved. */
static bool saved_regs(gocc_g *g, start_regs *r) {
    r->n = 0;
#if defined(GOCC_CONTEXT_UCONTEXT) && defined(__x86_64__)
    const greg_t *gr = g->ctx.uc.uc_mcontext.gregs;
    static const int map[][2] = {{3, REG_RBX}, {6, REG_RBP}, {7, REG_RSP},
                                 {12, REG_R12}, {13, REG_R13}, {14, REG_R14},
                                 {15, REG_R15}};
    for (int i = 0; i < 7; i++) {
        r->first[r->n] = map[i][0];
        r->val[r->n++] = (Dwarf_Word)gr[map[i][1]];
    }
    r->pc = (Dwarf_Addr)gr[REG_RIP];
    return true;
#elif defined(GOCC_CONTEXT_UCONTEXT) && defined(__aarch64__)
    const mcontext_t *mc = &g->ctx.uc.uc_mcontext;
    for (int i = 19; i <= 29; i++) {
        r->first[r->n] = i;
        r->val[r->n++] = mc->regs[i];
    }
    Dwarf_Addr pc = mc->pc, lr = mc->regs[30];
    /* glibc's swapcontext (2.36) saves a label of its own as pc and x30;
     * that label returns to the caller's x30, which it keeps in x1's slot
     * (runtime/gdb/gocc-gdb.py does the same) */
    Dl_info info;
    if (dladdr((void *)(uintptr_t)pc, &info) && info.dli_sname &&
        (strcmp(info.dli_sname, "swapcontext") == 0 ||
         strcmp(info.dli_sname, "__swapcontext") == 0))
        pc = lr = mc->regs[1];
    r->first[r->n] = 30;
    r->val[r->n++] = lr;
    r->first[r->n] = 31;
    r->val[r->n++] = mc->sp;
    r->pc = pc;
    return true;
#elif defined(__x86_64__)
    /* context_x86_64.S: mxcsr/fcw, r15 r14 r13 r12 rbx rbp, return */
    const uint64_t *s = g->ctx.sp;
    static const int order[] = {15, 14, 13, 12, 3, 6};
    for (int i = 0; i < 6; i++) {
        r->first[r->n] = order[i];
        r->val[r->n++] = s[1 + i];
    }
    r->first[r->n] = 7;
    r->val[r->n++] = (Dwarf_Word)(uintptr_t)(s + 8);
    r->pc = s[7];
    return true;
#elif defined(__aarch64__)
    /* context_aarch64.S: x19-x30 at sp+0..88, 176 bytes in all */
    const uint64_t *s = g->ctx.sp;
    r->first[0] = 29;
    r->val[0] = s[10];
    r->first[1] = 30;
    r->val[1] = s[11];
    r->first[2] = 31;
    r->val[2] = (Dwarf_Word)(uintptr_t)((const char *)s + 176);
    r->first[3] = 19;
    r->val[3] = s[0];
    r->first[4] = 20;
    r->val[4] = s[1];
    r->n = 5;
    r->pc = s[11];
    return true;
#else
    (void)g;
    return false;
#endif
}

/* Print parked g's stack from its saved context. */
static void parked_stack(gocc_g *g) {
    start_regs r;
    if (!dw_ready() || !dw.attached || !saved_regs(g, &r)) {
        out("\t(stack unavailable: %s)\n",
            dw_ready() ? "cannot unwind here" : "libdw.so.1 not found");
        return;
    }
    pc_list l = {.n = 0};
    unwind_from = &r;
    unwind_lo = (uintptr_t)g->stack_lo;
    unwind_hi = (uintptr_t)g->stack_hi;
    dw.dwfl_getthread_frames(dw.dwfl, (pid_t)(g->id & 0x3fffffff) + 1,
                             cb_frame, &l);
    unwind_from = NULL;
    unwind_lo = unwind_hi = 0;
    /* frame 0 is exact (the resume address), the rest return addresses;
     * none of the program's (its function tail-called the runtime): its
     * start function stands for it */
    if (print_frames(l.pcs, l.n, 1) == 0) {
        where w;
        locate((uintptr_t)g->fn, false, &w, 1);
        print_where(&w, (uintptr_t)g->fn);
    }
}

/* ------------------------------------------------------------ entries */

static const char *const wait_names[WR_COUNT] = {
    [WR_NONE] = "runnable",
    [WR_RUNNABLE] = "runnable",
    [WR_CHAN_RECV] = "chan receive",
    [WR_CHAN_SEND] = "chan send",
    [WR_CHAN_RECV_NIL] = "chan receive (nil chan)",
    [WR_CHAN_SEND_NIL] = "chan send (nil chan)",
    [WR_SELECT] = "select",
    [WR_SELECT_NO_CASES] = "select (no cases)",
    [WR_SLEEP] = "sleep",
    [WR_IO_WAIT] = "IO wait",
    [WR_MUTEX] = "sync.Mutex.Lock",
    [WR_WAITGROUP] = "sync.WaitGroup.Wait",
};

static void created_by(gocc_g *g) {
    if (!g->created_pc)
        return;
    where w;            /* the function holding the go statement */
    locate((uintptr_t)g->created_pc, true, &w, 1);
    char fn[256];
    display_name(&w, (uintptr_t)g->created_pc, fn, sizeof fn);
    if (g->parent_id)
        out("created by %s in goroutine %lld\n", fn, (long long)g->parent_id);
    else
        out("created by %s\n", fn);
    if (w.file)
        out("\t%s:%d\n", w.file, w.line);
    else
        out("\t?\n");
}

/* What a dump prints, captured on the dying thread; printed by a helper
 * thread, whose stack is large enough for libdw (a goroutine's is not). */
typedef struct {
    gocc_g *self;               /* the goroutine running here, if any */
    gocc_m *self_m;
    uintptr_t pcs[64];          /* its stack, from backtrace() */
    int npcs;
    gocc_g *only;               /* one goroutine; NULL: all */
} dump_req;

/* Is g the current goroutine of some worker other than the dumping one? */
static bool running_elsewhere(const dump_req *q, gocc_g *g) {
    int n = atomic_load_explicit(&sched.nthreads, memory_order_acquire);
    for (int i = 0; i < n; i++) {
        gocc_m *m = sched.ms[i];
        if (m && m != q->self_m && load_relaxed(&m->curg) == g)
            return true;
    }
    return false;
}

/* A G spawned with no stack, not started yet (sched.c's pending G). */
static bool pending(gocc_g *g) {
    return g && g->kind == G_GOROUTINE && g->stack_hi == NULL;
}

static void entry(const dump_req *q, gocc_g *g) {
    if (g == q->self) {
        out("goroutine %lld [running]:\n", (long long)g->id);
        print_frames(q->pcs, q->npcs, 0);
    } else if (pending(g)) {
        /* not started: its function is where it will begin */
        out("goroutine %lld [runnable]:\n", (long long)g->id);
        where w;
        locate((uintptr_t)g->fn, false, &w, 1);
        print_where(&w, (uintptr_t)g->fn);
    } else if (running_elsewhere(q, g)) {
        out("goroutine %lld [running]:\n", (long long)g->id);
        out("\tgoroutine running on other thread; stack unavailable\n");
    } else {
        int r = g->wait_reason < WR_COUNT ? g->wait_reason : WR_NONE;
        int64_t min = r > WR_RUNNABLE ? minutes_since(g->wait_since) : 0;
        if (min >= 1)
            out("goroutine %lld [%s, %lld minutes]:\n", (long long)g->id,
                wait_names[r], (long long)min);
        else
            out("goroutine %lld [%s]:\n", (long long)g->id, wait_names[r]);
        parked_stack(g);
    }
    created_by(g);
}

static int by_id(const void *a, const void *b) {
    int64_t x = (*(gocc_g *const *)a)->id, y = (*(gocc_g *const *)b)->id;
    return (x > y) - (x < y);
}

/* Goroutines spawned but not yet started that wait without a stack
 * (pending Gs, sched.c) are in no stack unit: they are found in the run
 * queues, appended to gs[n..cap); returns the new n.  Other workers may
 * still take from the rings meanwhile (a dump does not stop the world):
 * a slot read is a G that was queued, and at worst a G that has started
 * since, which the stack units list too (the caller drops duplicates). */
static int pending_gs(gocc_g **gs, int n, int cap) {
    int nm = atomic_load_explicit(&sched.nthreads, memory_order_acquire);
    for (int i = 0; i < nm && n < cap; i++) {
        gocc_m *m = sched.ms[i];
        if (!m)
            continue;
        gocc_g *g = atomic_load(&m->runnext);
        if (pending(g))
            gs[n++] = g;
        uint32_t h = atomic_load(&m->runqhead), t = atomic_load(&m->runqtail);
        for (uint32_t k = h; k != t && k - h < RUNQ_SIZE && n < cap; k++) {
            g = atomic_load(&m->runq[k % RUNQ_SIZE]);
            if (pending(g))
                gs[n++] = g;
        }
    }
    /* the global queue, under its lock if it can be had (the dying
     * thread itself may hold it) */
    for (int tries = 0; tries < 1000; tries++) {
        uint32_t free_ = 0;
        if (atomic_compare_exchange_strong(AT(&sched.lock.v), &free_, 1)) {
            for (gocc_g *g = sched.gq_head; g && n < cap; g = g->schedlink)
                if (pending(g))
                    gs[n++] = g;
            lock_release(&sched.lock);
            break;
        }
        sched_yield();
    }
    return n;
}

static void *dump_main(void *p) {
    dump_req *q = p;
    if (q->only) {
        entry(q, q->only);
        return NULL;
    }
    int cap = 1 << 20;
    gocc_g **gs = malloc((size_t)cap * sizeof *gs);
    if (!gs)
        return NULL;
    int n = stack_live_gs(gs, cap);
    n = pending_gs(gs, n, cap);
    qsort(gs, (size_t)n, sizeof *gs, by_id);
    bool first = true;
    if (q->self) {
        entry(q, q->self);
        first = false;
    }
    for (int i = 0; i < n; i++) {
        if (gs[i] == q->self || (i > 0 && gs[i]->id == gs[i - 1]->id))
            continue;
        if (!first)
            out("\n");
        entry(q, gs[i]);
        first = false;
    }
    free(gs);
    return NULL;
}

_Atomic int traceback_dumping;

static void dump(gocc_g *only) {
    static dump_req q;          /* once per process: it is dying */
    atomic_store(&traceback_dumping, 1);   /* never cleared: it is dying */
    gocc_g *g = g_current();
    q.self = g && g->kind == G_GOROUTINE ? g : NULL;
    q.self_m = m_current();
    q.only = only;
    if (q.self) {
        void *pcs[64];
        q.npcs = backtrace(pcs, 64);
        for (int i = 0; i < q.npcs; i++)
            q.pcs[i] = (uintptr_t)pcs[i];
    }
    /* On a thread's own stack (a worker's scheduler finding a deadlock,
     * sysmon on SIGQUIT, a plain thread) the dump runs in place: no new
     * thread, which TSan refuses in a forked child.  A goroutine's stack
     * is too small for libdw: a helper thread prints. */
    pthread_t t;
    if (!q.self || pthread_create(&t, NULL, dump_main, &q) != 0)
        dump_main(&q);
    else
        pthread_join(t, NULL);
}

void traceback_g(gocc_g *g) { dump(g); }

void traceback_all(void) { dump(NULL); }

int traceback_level(void) {
    const char *v = getenv("GOCC_TRACEBACK");
    if (!v || !*v || strcmp(v, "single") == 0 || strcmp(v, "1") == 0)
        return 1;
    if (strcmp(v, "none") == 0 || strcmp(v, "0") == 0)
        return 0;
    if (strcmp(v, "all") == 0 || strcmp(v, "2") == 0 ||
        strcmp(v, "system") == 0)
        return 2;
    if (strcmp(v, "crash") == 0)
        return 3;
    return 1;   /* as Go: an unknown value is the default */
}

/* ------------------------------------------------------------ SIGQUIT */

static _Atomic int quit_pending;

static void on_sigquit(int sig) {
    (void)sig;
    atomic_store(&quit_pending, 1);
    sysmon_wake();
}

/* As Go: a program that set its own SIGQUIT action (or ignores it) keeps
 * it. */
void traceback_install_sigquit(void) {
    struct sigaction old, sa;
    if (sigaction(SIGQUIT, NULL, &old) != 0 || old.sa_handler != SIG_DFL ||
        (old.sa_flags & SA_SIGINFO))
        return;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigquit;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGQUIT, &sa, NULL);
}

void traceback_sigquit_check(void) {
    if (atomic_load_explicit(&quit_pending, memory_order_relaxed))
        gocc_fatal_sigquit();
}
