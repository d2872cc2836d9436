# gocc-gdb.py - gdb commands for gocc programs (docs/debugging.md, "gdb").
#
#   info goroutines          every live goroutine: id, status, wait reason
#                            (Go's names), and the innermost frame of the
#                            program (function and .gc file:line); `*` marks
#                            the goroutine running on the selected thread.
#   goroutine N [COMMAND]    run a gdb command (default: bt) as if goroutine
#                            N were running on the selected thread.
#   goroutine all [COMMAND]  the same for every live goroutine.
#
# The runtime puts this file's text in every program it is linked into, as
# an inline script of the .debug_gdb_scripts section (runtime/gdb_script.c),
# so gdb loads it with the program, wherever the program or gocc lives,
# once `auto-load safe-path` admits the program.  It is also installed as
# share/gocc/gdb/gocc-gdb.py, for `source` by hand (a stripped program).
#
# What it reads is the runtime's own state, found through the runtime's
# debug information (libgocc.a keeps its DWARF; its internal symbols are
# local, so they are looked up by file: 'stack.c'::pool):
#   - the live goroutines, as stack_live_gs() finds them (runtime/stack.c):
#     goroutine 1's G (pool.main_g), and the G at the top of each unit of
#     every batch of stack units ever mapped (pool.batches), if `live`;
#   - the goroutine each worker thread runs (sched.ms[i]->curg), matched to
#     gdb's threads by the kernel thread id (m->tid);
#   - a parked goroutine's saved registers (gocc_g.ctx): for the asm back
#     end the words the context switch pushed (runtime/context_x86_64.S,
#     context_aarch64.S), for the ucontext back end uc_mcontext.
# To show a parked goroutine's stack, its saved registers (pc, sp and the
# callee-saved ones) are written into the selected thread for the time of
# one command, then the thread's own are written back, as Go's
# runtime-gdb.py does; gdb's own unwinder (DWARF CFI) does the rest.  On
# x86-64 orig_rax is saved and written back last too: gdb's write_pc (the
# way `jump` sets the pc) clears it, so that the kernel does not restart an
# interrupted system call at a new pc, and a thread stopped in a system
# call whose orig_rax were lost would see the call fail with an internal
# errno when resumed.  (gdb 13's register assignments leave it alone; a
# thread stopped in futex ran on correctly either way.)
# A core file's registers cannot be written: there a Python unwinder makes
# the goroutine's saved registers the caller's of the thread's innermost
# frame, and a frame filter hides that frame from `bt` (_CoreUnwinder).
#
# Keep in step with the runtime: enum wait_reason and traceback.c's
# wait_names (WAIT_NAMES), stack.c's BATCH and g_size() (G_BATCH, g_size),
# the saved context's layout (saved_regs).

import gdb
from gdb.unwinder import Unwinder, register_unwinder

# enum wait_reason (runtime/internal.h) -> Go's names (traceback.c)
WAIT_NAMES = [
    "",                          # WR_NONE: runs (or runnable)
    "",                          # WR_RUNNABLE: not started yet
    "chan receive",
    "chan send",
    "chan receive (nil chan)",
    "chan send (nil chan)",
    "select",
    "select (no cases)",
    "sleep",
    "IO wait",
    "sync.Mutex.Lock",
    "sync.WaitGroup.Wait",
]
WR_NONE, WR_RUNNABLE = 0, 1
G_GOROUTINE = 0                  # enum g_kind
G_BATCH = 64                     # stack.c: BATCH, units mapped at once
MAX_FRAMES = 256                 # how deep `info goroutines` looks


def _error(msg):
    raise gdb.GdbError(msg)


# ------------------------------------------------------------ the runtime

def _var(name, file, field):
    """The runtime's variable name, defined in runtime/<file> (a local
    symbol, found through the debug information); its type has field."""
    try:
        v = gdb.parse_and_eval("'%s'::%s" % (file, name))
        if any(f.name == field for f in v.type.strip_typedefs().fields()):
            return v
    except gdb.error:
        pass
    return None


class Runtime(object):
    """The runtime's state in the selected inferior."""

    def __init__(self):
        if not gdb.selected_inferior().pid:
            _error("The program is not being run.")
        self.pool = _var("pool", "stack.c", "main_g")
        self.sched = _var("sched", "sched.c", "ms")
        if self.pool is None or self.sched is None:
            _error("no gocc runtime with debug information in this program "
                   "(was the program stripped?)")
        self.gptr = self.pool["main_g"].type
        gtype = self.gptr.target().strip_typedefs()
        self.gsize = (gtype.sizeof + 8 + 63) & ~63      # stack.c: g_size()
        ctx = gtype["ctx"].type.strip_typedefs()
        self.ucontext = any(f.name == "uc" for f in ctx.fields())
        self.arch = gdb.selected_inferior().architecture().name()
        sym = gdb.lookup_static_symbols("pool")
        files = [s.symtab.fullname() for s in sym
                 if s.symtab and s.symtab.filename.endswith("stack.c")]
        self.rtdir = files[0].rsplit("/", 1)[0] + "/" if files else None

    def goroutines(self):
        """The live goroutines' Gs (gdb.Value of gocc_g *), by id."""
        gs = []
        main_g = self.pool["main_g"]
        if int(main_g) and main_g["live"]:
            gs.append(main_g)
        for b in range(int(self.pool["nbatches"])):
            bt = self.pool["batches"][b]
            base, step = int(bt["base"]), int(bt["step"])
            for i in range(G_BATCH):
                addr = base + (i + 1) * step - self.gsize
                g = gdb.Value(addr).cast(self.gptr)
                try:
                    if g["live"] and int(g["kind"]) == G_GOROUTINE:
                        gs.append(g)
                except gdb.MemoryError:
                    break
        gs.sort(key=lambda g: int(g["id"]))
        return gs

    def find(self, goid):
        for g in self.goroutines():
            if int(g["id"]) == goid:
                return g
        _error("No goroutine %d (`info goroutines` lists them)." % goid)

    def running(self):
        """{goroutine id: gdb thread} for the goroutines running now."""
        by_tid = {}
        for t in gdb.selected_inferior().threads():
            by_tid[t.ptid[1]] = t
        out = {}
        n = int(self.sched["nthreads"])
        for i in range(n):
            m = self.sched["ms"][i]
            if not int(m):
                continue
            curg = m["curg"]
            t = by_tid.get(int(m["tid"]))
            if int(curg) and t is not None:
                out[int(curg["id"])] = t
        return out

    def saved_regs(self, g):
        """The registers parked goroutine g's context saved: [(name, value)],
        pc last."""
        ctx = g["ctx"]
        u64 = gdb.lookup_type("unsigned long").pointer()
        x86 = "x86-64" in self.arch
        if self.ucontext and x86:
            gr = ctx["uc"]["uc_mcontext"]["gregs"]
            # glibc's REG_* indices into gregs
            idx = [("rbx", 11), ("rbp", 10), ("r12", 4), ("r13", 5),
                   ("r14", 6), ("r15", 7), ("rsp", 15), ("rip", 16)]
            return [(n, int(gr[i]) & 0xffffffffffffffff) for n, i in idx]
        if self.ucontext and "aarch64" in self.arch:
            mc = ctx["uc"]["uc_mcontext"]
            regs = [("x%d" % i, int(mc["regs"][i])) for i in range(19, 30)]
            pc, lr = int(mc["pc"]), int(mc["regs"][30])
            # glibc's swapcontext (2.36) saves as pc and x30 a label of its
            # own, which returns to the caller's x30 kept in the x1 slot
            sym = gdb.execute("info symbol %d" % pc, to_string=True)
            if sym.startswith(("swapcontext ", "__swapcontext ")):
                pc = lr = int(mc["regs"][1])
            return regs + [("x30", lr), ("sp", int(mc["sp"])), ("pc", pc)]
        s = ctx["sp"].cast(u64)
        if x86:
            # context_x86_64.S: mxcsr/fcw, r15 r14 r13 r12 rbx rbp, return
            names = ["r15", "r14", "r13", "r12", "rbx", "rbp"]
            regs = [(n, int(s[1 + i])) for i, n in enumerate(names)]
            return regs + [("rsp", int(s) + 64), ("rip", int(s[7]))]
        if "aarch64" in self.arch:
            # context_aarch64.S: x19-x30 at sp+0..88, 176 bytes in all
            regs = [("x%d" % (19 + i), int(s[i])) for i in range(12)]
            return regs + [("sp", int(s) + 176), ("pc", int(s[11]))]
        _error("goroutine stacks: no support for %s" % self.arch)


def _status(rt, g, running):
    goid = int(g["id"])
    if goid in running:
        return "running", ""
    r = int(g["wait_reason"])
    if r in (WR_NONE, WR_RUNNABLE) or r >= len(WAIT_NAMES):
        return "runnable", ""
    return "waiting", WAIT_NAMES[r]


# ------------------------------------------------- running as a goroutine

class _FrameId(object):
    def __init__(self, sp, pc):
        self.sp, self.pc = sp, pc


class _CoreUnwinder(Unwinder):
    """For a core file, whose registers gdb cannot write: while regs is set,
    the caller of the selected thread's innermost frame is the goroutine
    whose saved registers regs are, so that frame 1 on is its stack."""

    def __init__(self):
        Unwinder.__init__(self, "gocc-goroutine")
        self.regs = None

    def __call__(self, pf):
        if self.regs is None or pf.level() != 0:
            return None
        # frame 0's id says it lies just below the goroutine's stack
        # pointer: gdb stops unwinding where a caller's frame is inner to
        # (below) its callee's, as the goroutine's stack may be
        sp = dict(self.regs).get("rsp", dict(self.regs).get("sp"))
        ui = pf.create_unwind_info(_FrameId(gdb.Value(sp - 16),
                                            pf.read_register("pc")))
        u64 = gdb.lookup_type("unsigned long")
        for n, v in self.regs:
            ui.add_saved_register(n, gdb.Value(v).cast(u64))
        return ui


class _CoreFilter(object):
    """Hides that thread's own innermost frame from `bt` meanwhile.  Enabled
    only then: any frame filter changes how `bt` prints frames without
    debug information."""

    def __init__(self):
        self.name, self.priority = "gocc-goroutine", 100

    @property
    def enabled(self):
        return _core_unwinder.regs is not None

    def filter(self, frames):
        return (f for f in frames if f.inferior_frame().level() != 0)


_core_unwinder = _CoreUnwinder()


class _Borrow(object):
    """with _Borrow(rt, running) as b: b.show(g) makes gdb's selected
    thread show goroutine g: g's own thread if g runs, else the thread
    selected on entry with g's saved registers; b.top() is then g's
    innermost frame.  On exit the selected thread, its registers and the
    selected frame are as they were.  One borrow serves any number of
    goroutines (`info goroutines`: the registers are saved and put back
    once).  In a core file, whose registers cannot be written,
    _core_unwinder makes g's stack the caller of the thread's own frame 0
    (which `bt` then hides: its frames are numbered from 1)."""

    def __init__(self, rt, running):
        self.rt, self.running = rt, running
        self.saved = None
        self.core = False

    def __enter__(self):
        self.home = gdb.selected_thread()
        try:
            self.frame = gdb.selected_frame()
        except gdb.error:
            self.frame = None
        conn = getattr(gdb.selected_inferior(), "connection", None)
        self.core = getattr(conn, "type", None) == "core"
        return self

    def show(self, g):
        t = self.running.get(int(g["id"]))
        if _core_unwinder.regs is not None:
            _core_unwinder.regs = None
            gdb.invalidate_cached_frames()
        if t is not None:
            t.switch()
            return
        regs = self.rt.saved_regs(g)
        self.home.switch()
        if self.core:
            _core_unwinder.regs = regs
            gdb.invalidate_cached_frames()
            self.top().select()
            return
        gdb.newest_frame().select()
        if self.saved is None:
            names = [n for n, _ in regs]
            if "x86-64" in self.rt.arch:
                names.append("orig_rax")
            self.saved = [(n, int(gdb.parse_and_eval("(unsigned long)$" + n)))
                          for n in names]
        for n, v in regs:
            gdb.parse_and_eval("$%s = %d" % (n, v))

    def top(self):
        f = gdb.newest_frame()
        if _core_unwinder.regs is not None:
            f = f.older()
            if f is None:
                _error("cannot unwind to the goroutine's frames")
        return f

    def __exit__(self, *exc):
        if _core_unwinder.regs is not None:
            _core_unwinder.regs = None
            gdb.invalidate_cached_frames()
        if self.home is not None and self.home.is_valid():
            self.home.switch()
            if self.saved is not None:
                gdb.newest_frame().select()
                for n, v in self.saved:     # orig_rax last (see the top)
                    gdb.parse_and_eval("$%s = %d" % (n, v))
        if self.frame is not None:
            try:
                self.frame.select()
            except gdb.error:
                pass
        return False


# ------------------------------------------------------------- locations

def _display_name(fn):
    """Go's names, as traceback.c's display_name: main for the program's
    main, F.funcN for the trampoline gocc_F_goN of F's N-th go statement."""
    if fn in ("gocc_main_user", "gocc_main_args"):
        return "main"
    if fn and fn.startswith("gocc_"):
        head, sep, num = fn.rpartition("_go")
        if sep and num.isdigit() and len(head) > 5:
            return "%s.func%s" % (head[5:], num)
    return fn


def _frame_kind(rt, frame):
    """"runtime", "program", "program?" (no line table: the program's
    code built with gocc -g0, or a sanitizer's interceptor) or "other" (a
    system library, or nothing known)."""
    sal = frame.find_sal()
    if sal.symtab is not None and rt.rtdir and \
            sal.symtab.fullname().startswith(rt.rtdir):
        return "runtime"
    lib = gdb.solib_name(frame.pc())
    if lib and lib.startswith(("/lib", "/usr/lib")):
        return "other"
    if sal.symtab is not None:
        return "program"
    return "program?" if frame.name() is not None else "other"


def _where_pc(pc):
    sal = gdb.find_pc_line(pc)
    block = gdb.block_for_pc(pc)
    fn = block.function.name if block and block.function else None
    if fn is None:      # no debug information: the ELF symbol
        sym = gdb.execute("info symbol %d" % pc, to_string=True).split()
        if sym and sym[0] != "No":
            fn = sym[0]
    return _format_where(_display_name(fn) or "0x%x" % pc, sal)


def _format_where(name, sal):
    if sal.symtab is not None and sal.line:
        return "%s at %s:%d" % (name, sal.symtab.filename, sal.line)
    return name


def _location(rt, b, g):
    """The innermost program frame of goroutine g, as `fn at file:line`
    (b: a _Borrow)."""
    if int(g["wait_reason"]) == WR_RUNNABLE and int(g["id"]) not in b.running:
        return _where_pc(int(g["fn"]))    # not started: where it will begin
    try:
        b.show(g)
        f = b.top()
        below_runtime = False   # under a runtime frame: "program?" counts
        maybe = None            # else the innermost "program?" frame
        for _ in range(MAX_FRAMES):
            if f is None:
                break
            kind = _frame_kind(rt, f)
            if kind == "program" or (kind == "program?" and below_runtime):
                return _format_where(_display_name(f.name()) or
                                     "0x%x" % f.pc(), f.find_sal())
            if kind == "program?" and maybe is None:
                maybe = _display_name(f.name())
            below_runtime = below_runtime or kind == "runtime"
            f = f.older()
        if maybe is not None:
            return maybe
    except gdb.error:
        pass
    # its function tail-called the runtime: its start function stands for it
    return _where_pc(int(g["fn"]))


# -------------------------------------------------------------- commands

class InfoGoroutines(gdb.Command):
    """List the program's goroutines: id, status (running, runnable,
waiting), Go's wait reason, and the innermost frame of the program.
'*' marks the goroutine running on the selected thread.
Usage: info goroutines"""

    def __init__(self):
        gdb.Command.__init__(self, "info goroutines", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        rt = Runtime()
        running = rt.running()
        here = None
        sel = gdb.selected_thread()
        for goid, t in running.items():
            if sel is not None and t.ptid == sel.ptid:
                here = goid
        gs = rt.goroutines()
        if not gs:
            gdb.write("No goroutines.\n")
            return
        lines = []
        with _Borrow(rt, running) as b:
            for g in gs:
                goid = int(g["id"])
                status, reason = _status(rt, g, running)
                lines.append("%s %-5d %-9s %-24s %s\n" % (
                    "*" if goid == here else " ", goid, status, reason,
                    _location(rt, b, g)))
        gdb.write("  %-5s %-9s %-24s %s\n" % ("Id", "Status", "Wait reason",
                                              "Location"))
        for line in lines:
            gdb.write(line)


class GoroutineCmd(gdb.Command):
    """Run a gdb command in the context of goroutine N (default: bt).
A parked goroutine's saved registers are loaded into the selected thread
for the time of the command; a running goroutine's thread is selected.
'goroutine all COMMAND' runs it for every goroutine.
Usage: goroutine N|all [COMMAND]"""

    def __init__(self):
        gdb.Command.__init__(self, "goroutine", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        words = arg.split(None, 1)
        if not words:
            _error("Usage: goroutine N|all [COMMAND]")
        cmd = words[1] if len(words) > 1 else "bt"
        rt = Runtime()
        running = rt.running()
        if words[0] == "all":
            for g in rt.goroutines():
                status, reason = _status(rt, g, running)
                gdb.write("\ngoroutine %d [%s]:\n" % (int(g["id"]),
                                                     reason or status))
                self.run(rt, g, running, cmd, from_tty)
            return
        try:
            goid = int(gdb.parse_and_eval(words[0]))
        except (gdb.error, ValueError):
            _error("goroutine: not a goroutine id: %s" % words[0])
        self.run(rt, rt.find(goid), running, cmd, from_tty)

    @staticmethod
    def run(rt, g, running, cmd, from_tty):
        with _Borrow(rt, running) as b:
            b.show(g)
            gdb.execute(cmd, from_tty)


InfoGoroutines()
GoroutineCmd()
register_unwinder(None, _core_unwinder, replace=True)
gdb.frame_filters[_CoreFilter().name] = _CoreFilter()
