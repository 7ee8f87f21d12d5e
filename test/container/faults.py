"""Fault-injection driver for test/integration/faults.test.ts (contract §13), run inside a test container as
root by one `docker exec -i C python3 faults.py`, its job one JSON line on stdin, its result JSON on stdout. For
each path it:

1. runs the path once under `strace -f -qq -o FILE`, takes the shim's main thread (the trace's first pid), numbers
   each system call per syscall from that thread's first call (as strace's `when=N` counts: per syscall and per
   tracee), and keeps as targets the calls from the shim's first openat of /proc/self/cmdline up to its execve
   (or its exit, for the admin commands), less the runtime's own housekeeping (HOUSEKEEPING) and the calls that
   cannot fail (CANNOT_FAIL). A second trace must give the same targets (else the path reports drift).
2. runs the path again for each target and each errno it can return, with `-e inject=SC:error=E:when=N`, two
   at a time, and hands back what happened: exit status, stdout, stderr and strace's (INJECTED) lines.

The judging is test/faults/judge.ts's, on the host. Injection runs trace without -f: when=N counts per tracee,
so under -f the Nth call of every runtime thread would fail as well, whereas the targets are the main thread's.
After its execve the main thread is still the one tracee (s6-applyuidgid, then the CLI, keep its pid).
"""

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time

# The runtime's own memory, thread and clock housekeeping: not the shim's code, and not a fact it reads. Bun
# starts threads (clone, clone3), names its heaps (prctl) and maps memory on its own schedule; failing those tests
# the runtime, not the shim. (Its garbage collector's reads of /proc/self/statm inside the window are file calls
# like the shim's, and stay: their counts proved as stable as the rest, and failing them changes nothing.)
HOUSEKEEPING = {
    "mmap", "munmap", "mprotect", "madvise", "mremap", "brk", "futex", "sched_yield", "rt_sigprocmask",
    "sigaltstack", "clock_gettime", "clock_nanosleep", "nanosleep", "gettid", "getrandom",
    "membarrier", "set_robust_list", "rseq", "clone", "clone3", "prctl", "restart_syscall",
}
# strace fails a call by skipping it. For close that leaves the descriptor open, which Linux never does (close
# releases it whatever it returns): the CLI would inherit a descriptor no real failure leaves behind.
SKIPPED_IS_IMPOSSIBLE = {"close"}
# Calls whose only errors are a bad pointer or argument (EFAULT, EINVAL: a bug, not a condition) or none, and
# whose result the shim does not read. The ids, getpid, getppid and umask stay: the C library hands their result
# on unchecked, so a failure made to happen arrives as a huge id or a negative pid, which the shim must not take
# for one (contract §13).
CANNOT_FAIL = {
    "getresuid", "getresgid", "getpgrp", "uname", "sysinfo", "sched_getaffinity", "exit", "exit_group",
    "rt_sigreturn",
}
# Every call that can fail can fail with these: EIO from any file or device operation, EACCES from the LSM hooks
# on nearly every call (open, read, ioctl, fcntl, getdents, prlimit), ENOMEM from the kernel's allocator.
ERRNOS = ["EIO", "EACCES", "ENOMEM"]
# Calls that can block, so a signal can interrupt them: EINTR as well, which the contract says is retried.
BLOCKING = {"read", "readv", "pread64", "preadv", "getdents64", "write", "writev", "wait4", "waitid", "poll",
            "ppoll", "epoll_wait", "epoll_pwait"}

# Which arguments name what a call acts on, compared between the reference call and the injected one: the first
# by default (a path, or a descriptor), the first two for a path relative to a descriptor or a request on one.
# prlimit64's first is the pid it asks about (the parent's differs per run) and getcwd's the buffer it fills in.
AT_CALLS = {"openat", "openat2", "newfstatat", "statx", "faccessat", "faccessat2", "readlinkat", "mkdirat",
            "unlinkat", "fchownat", "fchmodat", "renameat", "renameat2", "utimensat", "linkat", "mknodat",
            "execveat", "ioctl", "fcntl", "epoll_ctl"}
KEY_ARGS = {"prlimit64": [1], "getcwd": [], "pipe": [], "pipe2": [], "times": []}
# Calls on a descriptor: the report names the file it was opened on.
FD_CALLS = {"read", "pread64", "readv", "write", "writev", "close", "getdents64", "newfstatat", "fstat", "ioctl",
            "fcntl", "lseek", "fchown", "fchmod", "fchownat", "fstatfs", "statx", "openat", "readlinkat", "fsync"}

LINE = re.compile(r"^(\d+) +(.*)$")
CALL = re.compile(r"^([a-z_0-9]+)\((.*)$")
RESUMED = re.compile(r"^<\.\.\. ([a-z_0-9]+) resumed>(.*)$")


def split_args(text):
    """The top-level arguments of an strace call line, after the name's "(" (quotes and brackets respected)."""
    args, depth, start, i, quoted = [], 0, 0, 0, False
    while i < len(text):
        c = text[i]
        if quoted:
            if c == "\\":
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif c == "," and depth == 0:
            args.append(text[start:i].strip())
            start = i + 1
        i += 1
    return args + [text[start:i].strip()]


def key_of(name, rest):
    """What must match between the reference call and the injected one: the call and what it acts on."""
    args = split_args(rest)
    picked = KEY_ARGS.get(name, [0, 1] if name in AT_CALLS else [0])
    key = f"{name}({', '.join(args[i] for i in picked if i < len(args))})"
    return re.sub(r"/proc/\d+/", "/proc/PID/", key)  # the parent's pid, different on every run


def parse(trace):
    """The main thread's calls in order, each as (name, n, key, full line, result)."""
    calls, counts, pending, main = [], {}, {}, None
    for raw in trace.splitlines():
        m = LINE.match(raw)
        if not m:
            continue
        pid, text = m.group(1), m.group(2)
        main = main or pid
        if pid != main:
            continue
        r = RESUMED.match(text)
        if r:
            if r.group(1) in pending:
                pending.pop(r.group(1))["text"] += r.group(2)
            continue
        c = CALL.match(text)
        if not c:
            continue  # a signal (---) or an exit (+++)
        name = c.group(1)
        if not calls and name == "execve":
            # strace's own exec of the program it starts: traced, but not counted for when=N (an injection at
            # execve:when=1 fails the shim's first execve, not this one).
            calls.append({"name": name, "n": 0, "text": text})
            continue
        counts[name] = counts.get(name, 0) + 1
        call = {"name": name, "n": counts[name], "text": text}
        if text.endswith("<unfinished ...>"):
            call["text"] = text[: -len("<unfinished ...>")]
            pending[name] = call
        calls.append(call)
    for call in calls:
        call["key"] = key_of(call["name"], call["text"][len(call["name"]) + 1:])
    return calls


RESULT = re.compile(r"\) += (-?\d+)")
QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def targets_of(calls, kind):
    """The calls to fail, each with the errnos it can return and, for the report, what it acts on."""
    start = next((i for i, c in enumerate(calls) if c["name"] in ("openat", "open") and
                  '"/proc/self/cmdline"' in c["text"]), None)
    if start is None:
        raise SystemExit("faults.py: the trace has no openat of /proc/self/cmdline")
    fds, targets = {}, []
    for c in calls[start:]:
        name, text = c["name"], c["text"]
        result = RESULT.search(text)
        args = split_args(text[len(name) + 1:])
        fd = args[0] if name in FD_CALLS and args[0].isdigit() else None
        path = next((a[1:-1] for a in args[:2] if a.startswith('"')), None)
        what = path if path and name not in ("read", "pread64", "write") else fds.get(fd, f"fd {fd}" if fd else "")
        if fd and path is not None and name in AT_CALLS:
            what = f"{fds.get(fd, 'fd ' + fd)}/{path}" if path else fds.get(fd, f"fd {fd}")
        if name in ("openat", "open") and result and int(result.group(1)) >= 0:
            fds[result.group(1)] = what
        elif name == "close" and fd:
            fds.pop(fd, None)
        if name not in HOUSEKEEPING | CANNOT_FAIL | SKIPPED_IS_IMPOSSIBLE:
            errnos = ERRNOS + (["EINTR"] if name in BLOCKING else [])
            targets.append({"index": len(targets), "syscall": name, "n": c["n"], "key": c["key"], "what": what,
                            "errnos": errnos})
        if kind == "cli" and name == "execve":
            break
    return targets


def received(stdout):
    """The CLI's `received` record, with what differs from one run to the next (pipes' inode numbers) blanked."""
    for line in stdout.splitlines():
        if line.startswith("received "):
            return re.sub(r"(pipe|socket):\[\d+\]", r"\1:[]", line[len("received "):])
    return None


class Runner:
    def __init__(self, work):
        self.work = work

    def run(self, path, strace, trace):
        """One run of a path under strace: reset what it changes first, then run the shim as the path says."""
        if path.get("reset"):
            subprocess.run(["/bin/sh", "-c", path["reset"]], check=True)
        argv = [bytes.fromhex(a) for a in path["argv"]]
        env = dict(tuple(bytes.fromhex(e).split(b"=", 1)) for e in path["env"])
        user = ["-u", path["user"]] if path.get("user") else []
        command = ["strace", "-qq", "-o", trace, *strace, *user, "--", *argv]
        started = time.monotonic()
        try:
            p = subprocess.run(command, env=env, cwd=path.get("cwd", "/"), stdin=subprocess.DEVNULL,
                               capture_output=True, pass_fds=(7,), timeout=60)
            code, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            code, out, err = "timeout", e.stdout or b"", e.stderr or b""
        with open(trace) as f:
            text = f.read()
        os.unlink(trace)
        stdout = out.decode("utf-8", "backslashreplace")
        return {
            # strace exits with the tracee's status, or dies of its signal (a negative returncode here).
            "code": code,
            "stdout": stdout,
            "stderr": err.decode("utf-8", "backslashreplace"),
            "record": received(stdout) if path["kind"] == "cli" else None,
            "seconds": round(time.monotonic() - started, 3),
        }, text


def derive(runner, path, index):
    """The reference outcome and the targets, from two traced runs that must agree."""
    lists = []
    for i in range(2):
        outcome, text = runner.run(path, ["-f"], f"{runner.work}/ref-{index}-{i}.trace")
        lists.append(targets_of(parse(text), path["kind"]))
        if i == 0:
            reference = outcome
    same = [[(t["syscall"], t["n"], t["key"]) for t in targets] for targets in lists]
    drift = [] if same[0] == same[1] else [
        f"{a['syscall']}#{a['n']} {a['key']} / {b['syscall']}#{b['n']} {b['key']}"
        for a, b in zip(lists[0] + [{}] * 9, lists[1] + [{}] * 9) if a != b and (a or b)
    ][:20]
    return reference, lists[0], drift


def inject(runner, path, target, errno, worker):
    sc, n = target["syscall"], target["n"]
    outcome, text = runner.run(path, ["-e", f"trace={sc}", "-e", f"inject={sc}:error={errno}:when={n}"],
                               f"{runner.work}/w{worker}.trace")
    injected = [line for line in text.splitlines() if line.endswith("(INJECTED)")]
    c = CALL.match(injected[0]) if injected else None  # without -f, strace prints no pid
    outcome |= {"path": path["name"], "index": target["index"], "syscall": sc, "n": n, "errno": errno, "what": target["what"],
                "key": target["key"], "injected": injected[:3],
                "injectedKey": key_of(c.group(1), c.group(2)) if c else None}
    return outcome


def main():
    job = json.loads(sys.stdin.readline())
    work = job["work"]
    os.makedirs(work, exist_ok=True)
    # An inherited descriptor beyond 0-2 that the CLI must get as it was: the shim's runtime marks those
    # close-on-exec, and the shim must undo it.
    fd = os.open("/etc/hostname", os.O_RDONLY)
    os.dup2(fd, 7, inheritable=True)
    os.close(fd)
    runner = Runner(work)
    started = time.monotonic()
    paths, serial, shared = [], queue.Queue(), queue.Queue()
    for index, path in enumerate(job["paths"]):
        reference, targets, drift = derive(runner, path, index)
        paths.append({"name": path["name"], "kind": path["kind"], "reference": reference, "targets": targets,
                      "drift": drift, "faults": []})
        for target in targets if not job.get("deriveOnly") else []:
            for errno in target["errnos"]:
                # A path that changes state (doctor --fix) runs one fault at a time, in worker 0 alone.
                (serial if path.get("reset") else shared).put((path, target, errno))
    derived = time.monotonic()
    results, lock = [], threading.Lock()

    def worker(index):
        queues = [serial, shared] if index == 0 else [shared]
        for q in queues:
            while True:
                try:
                    path, target, errno = q.get_nowait()
                except queue.Empty:
                    break
                result = inject(runner, path, target, errno, index)
                with lock:
                    results.append(result)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(job.get("workers", 2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    by_name = {p["name"]: p for p in paths}
    # In the order the shim makes the calls, each call's errnos in the order ERRNOS gives them.
    for r in sorted(results, key=lambda r: (r["path"], r["index"], ERRNOS.index(r["errno"]) if r["errno"] in ERRNOS else 9)):
        by_name[r["path"]]["faults"].append(r)
    json.dump({"paths": paths, "deriveSeconds": round(derived - started, 1),
               "injectSeconds": round(time.monotonic() - derived, 1)}, sys.stdout)


if __name__ == "__main__":
    main()
