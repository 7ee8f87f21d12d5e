"""Stand-in Hermes CLI for the shim's tests.

Files under $HERMES_HOME are written like the real CLI writes them: a temp
file in the same directory, mode 0600, then an atomic rename.
"""

import ctypes
import errno
import fcntl
import hashlib
import json
import os
import platform
import pwd
import select
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import termios
import time
import tty as ttymod

USAGE = (
    "usage: hermes [--version] [-p PROFILE] {config,login,auth,chat,note,whoami,getenv,groups,argv0,exit,kill,prompt,"
    "profile,skills,journey,gateway,tty,tiocsti,linger,paste,read,"
    "chatter,flood,left-behind,reopen,winch,wait,trap,received} ..."
)

# Upstream's gateway registration under s6 (hermes_cli/profiles.py): the scan directory and s6-overlay's tools.
SCAN = "/run/service"
COMMAND = "/command"


def home():
    """hermes_constants._hermes_home_from_env: HERMES_HOME stripped, else $HOME/.hermes (unset, empty or blank)."""
    given = os.environ.get("HERMES_HOME", "").strip()
    return given or os.path.join(os.path.expanduser("~"), ".hermes")


def write_private(name, text):
    path = os.path.join(home(), name)
    tmp = f"{path}.tmp.{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.rename(tmp, path)
    return path


# What ensure_hermes_home makes in a home, each through _secure_dir.
HOME_DIRS = ("cron", "sessions", "logs", "logs/curator", "memories", "pairing", "hooks", "image_cache",
             "audio_cache", "skills")
# What a profile's home holds (hermes profile create).
PROFILE_DIRS = ("cron", "home", "logs", "memories", "plans", "sessions", "skills", "skins", "workspace")
# The bundled skills the sync copies into a home's skills/, as the venv ships them (root's, 0755 and 0644).
BUNDLED = ("dogfood", "notes", "web-search")


def secure_dir(path):
    """config._secure_dir: 0700, or HERMES_HOME_MODE's octal mode; nothing in managed mode. A refusal is ignored."""
    if os.environ.get("HERMES_MANAGED"):
        return
    mode = 0o700
    given = os.environ.get("HERMES_HOME_MODE", "")
    if given:
        try:
            mode = int(given, 8)
        except ValueError:
            pass
    try:
        os.chmod(path, mode)
    except OSError:
        pass


def ensure_home(base=None, dirs=HOME_DIRS):
    """ensure_hermes_home: the home (secured when the caller owns it), its directories (each secured), the soul file."""
    base = base or home()
    os.makedirs(base, exist_ok=True)
    if os.stat(base).st_uid == os.getuid():
        secure_dir(base)
    for name in dirs:
        path = os.path.join(base, name)
        os.makedirs(path, exist_ok=True)
        secure_dir(path)
    soul = f"{base}/SOUL.md"
    if not os.path.exists(soul):
        with open(soul, "w") as f:
            f.write("# soul\n")


def atomic_write(path, text, keep_mode=False):
    """mkstemp in the same directory (0600), fsync, os.replace: an existing file keeps its mode only if asked."""
    mode = None
    if keep_mode:
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except FileNotFoundError:
            pass
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=f".{os.path.basename(path)}.")
    with os.fdopen(fd, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    if mode is not None:
        os.chmod(tmp, mode)
    os.replace(tmp, path)


def config_set(key, value):
    ensure_home()
    path = os.path.join(home(), "config.yaml")
    lines = []
    if os.path.exists(path):
        with open(path) as f:
            lines = [line for line in f.read().splitlines() if not line.startswith(f"{key}:")]
    lines.append(f"{key}: {value}")
    atomic_write(path, "\n".join(lines) + "\n", keep_mode=True)
    print(f"set {key}")


def sync_skills(base=None):
    """tools/skills_sync: each bundled skill copied with its source's modes (setgid cleared), then the manifest, 0600."""
    skills = os.path.join(base or home(), "skills")
    os.makedirs(skills, exist_ok=True)
    for name in BUNDLED:
        skill = os.path.join(skills, name)
        if os.path.isdir(skill):
            continue
        os.mkdir(skill)
        os.chmod(skill, 0o755)
        with open(f"{skill}/SKILL.md", "w") as f:
            f.write(f"---\nname: {name}\n---\n")
        os.chmod(f"{skill}/SKILL.md", 0o644)
    atomic_write(os.path.join(skills, ".bundled_manifest"), "".join(f"{name}\n" for name in BUNDLED))


def skills_list():
    """The skills index: builtin are those the manifest names; a manifest it cannot read leaves none builtin."""
    skills = os.path.join(home(), "skills")
    try:
        with open(os.path.join(skills, ".bundled_manifest")) as f:
            builtin = set(f.read().split())
    except OSError:
        builtin = set()
    counts = {"builtin": 0, "local": 0}
    for name in sorted(os.listdir(skills)) if os.path.isdir(skills) else []:
        skill = os.path.join(skills, name)
        if not os.path.isdir(skill):
            continue
        try:
            with open(f"{skill}/SKILL.md"):
                pass
        except OSError as err:
            print(f"Failed to parse skill file {skill}/SKILL.md: {err}", file=sys.stderr)
            continue
        counts["builtin" if name in builtin else "local"] += 1
    print(f"{counts['builtin']} builtin, {counts['local']} local")
    return 0


def journey_edit(name):
    """tools/skill_manager_tool._atomic_write_text: the skill's skills/NAME/SKILL.md rewritten through mkstemp, 0600."""
    skill = os.path.join(home(), "skills", name)
    os.makedirs(skill, exist_ok=True)
    atomic_write(f"{skill}/SKILL.md", f"---\nname: {name}\nedited: {os.getuid()}\n---\n")
    print(f"edited {name}")
    return 0


def read_auth():
    try:
        with open(os.path.join(home(), "auth.json")) as f:
            return json.load(f)
    except (OSError, ValueError) as err:
        print(f"hermes: not logged in ({err.__class__.__name__})", file=sys.stderr)
        return None


def load_env():
    """As the real CLI does at start, for every command: an .env that is there but unreadable ends the call."""
    path = os.path.join(home(), ".env")
    if not os.path.exists(path):
        return
    try:
        with open(path):
            pass
    except OSError as err:
        print(f"error: cannot load {path}: {err.strerror}", file=sys.stderr)
        sys.exit(1)


def s6_detected():
    try:
        with open("/proc/1/comm") as f:
            comm = f.read().strip()
    except OSError:
        return False
    return comm == "s6-svscan" and os.path.isdir("/run/s6/basedir")


def wrapper_path(name):
    return os.path.join(home(), ".local", "bin", name)


def register_gateway(name):
    """As upstream builds a profile's gateway slot: NAME.tmp, then renamed in, then a rescan."""
    slot = f"{SCAN}/gateway-{name}"
    tmp = f"{slot}.tmp"
    made = None
    try:
        os.mkdir(tmp)
        made = tmp
        with open(f"{tmp}/type", "w") as f:
            f.write("longrun\n")
        with open(f"{tmp}/run", "w") as f:
            f.write(f"#!/bin/sh\nexec s6-setuidgid hermes hermes -p {name} gateway run\n")
        os.chmod(f"{tmp}/run", 0o755)
        os.mkdir(f"{tmp}/log")
        with open(f"{tmp}/log/run", "w") as f:
            f.write(f"#!/bin/sh\nexec s6-setuidgid hermes s6-log n3 /tmp/gateway-{name}-log\n")
        os.chmod(f"{tmp}/log/run", 0o755)
        runtime = pwd.getpwnam("hermes")
        os.mkdir(f"{tmp}/supervise", 0o700)
        os.mkfifo(f"{tmp}/supervise/control", 0o660)
        os.chmod(f"{tmp}/supervise/control", 0o660)
        for path in (f"{tmp}/supervise", f"{tmp}/supervise/control"):
            os.chown(path, runtime.pw_uid, runtime.pw_gid)
        os.rename(tmp, slot)
        made = slot
        subprocess.run([f"{COMMAND}/s6-svscanctl", "-a", SCAN], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as err:
        if made:
            shutil.rmtree(made, ignore_errors=True)
        print(f"\u26a0 Could not register s6 gateway service: {err}")


def profile_create(name):
    profile = os.path.join(home(), "profiles", name)
    os.makedirs(os.path.join(home(), "profiles"), exist_ok=True)
    os.mkdir(profile)
    ensure_home(profile, PROFILE_DIRS)
    sync_skills(profile)
    wrapper = wrapper_path(name)
    os.makedirs(os.path.dirname(wrapper), exist_ok=True)
    with open(wrapper, "w") as f:
        f.write(f'#!/bin/sh\nexec hermes -p {name} "$@"\n')
    os.chmod(wrapper, 0o755)
    print(f"Profile '{name}' created.")
    if s6_detected():
        register_gateway(name)
    return 0


def profile_delete(name):
    slot = f"{SCAN}/gateway-{name}"
    if os.path.isdir(slot):
        for command in (["s6-svc", "-d", slot], ["s6-svwait", "-D", slot], ["s6-svscanctl", "-an", SCAN]):
            try:
                subprocess.run([f"{COMMAND}/{command[0]}", *command[1:]], capture_output=True, timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        try:
            shutil.rmtree(slot)
        except OSError as err:
            print(f"Could not remove {slot}: {err}")
    shutil.rmtree(os.path.join(home(), "profiles", name), ignore_errors=True)
    try:
        os.unlink(wrapper_path(name))
    except FileNotFoundError:
        pass
    print(f"Profile '{name}' deleted.")
    return 0


def errname(err):
    return errno.errorcode.get(err.errno, str(err.errno))


def winsize(fd):
    rows, cols, _, _ = struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8))
    return f"{rows}x{cols}"


def ctty_number():
    """The controlling terminal as /proc/PID/stat's tty_nr gives it (0: none), comparable with a shell's own."""
    with open("/proc/self/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[4])


def tty_facts():
    """One line of what the CLI's terminal is: the facts contract section 12 is about, as words the tests match."""
    fds = "".join("1" if os.isatty(fd) else "0" for fd in (0, 1, 2))
    first = fds.find("1")
    facts = {"fds": fds}
    if first >= 0:
        name = os.ttyname(first)
        st = os.stat(name)
        facts |= {"name": name, "owner": st.st_uid, "mode": f"{stat.S_IMODE(st.st_mode):o}", "size": winsize(first)}
        try:
            os.close(os.open(name, os.O_RDWR | os.O_NOCTTY))
            facts["reopen"] = "ok"
        except OSError as err:
            facts["reopen"] = errname(err)
    else:
        facts |= {"name": "-", "owner": "-", "mode": "-", "size": "-", "reopen": "-"}
    try:
        fd = os.open("/dev/tty", os.O_RDWR)
        facts["devtty"] = "ok"
        facts["devtty_size"] = winsize(fd)
        os.close(fd)
    except OSError as err:
        facts["devtty"] = errname(err)
    pid, sid = os.getpid(), os.getsid(0)
    facts |= {"ctty": ctty_number(), "pid": pid, "ppid": os.getppid(), "sid": sid}
    facts["leader"] = "yes" if pid == sid else "no"
    return " ".join(f"{k}={v}" for k, v in facts.items())


# ioctl(2)'s request is an unsigned int in the kernel: a request with bits set above the low 32 is TIOCSTI to the
# tty layer, yet not to a filter comparing the full 64-bit word (flatpak's, CVE-2019-10063).
TIOCSTI_HIGH = 0xDEAD00000000 | termios.TIOCSTI
SYS_IOCTL = {"x86_64": 16, "aarch64": 29}


def push_raw(fd, byte):
    libc = ctypes.CDLL(None, use_errno=True)
    c = ctypes.c_char(byte)
    number = SYS_IOCTL[platform.machine()]
    if libc.syscall(ctypes.c_long(number), ctypes.c_long(fd), ctypes.c_ulong(TIOCSTI_HIGH), ctypes.byref(c)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def push_fcntl(fd, byte):
    fcntl.ioctl(fd, termios.TIOCSTI, byte)


def tiocsti(args):
    """Pushes TEXT and a newline as typed input into stdin's terminal or /dev/tty: what a shell reads next."""
    via, on, text = "fcntl", "stdin", args[-1]
    for flag, value in zip(args[:-1:2], args[1:-1:2]):
        if flag == "--via":
            via = value
        elif flag == "--on":
            on = value
    push = push_raw if via == "raw" else push_fcntl
    try:
        fd = 0 if on == "stdin" else os.open("/dev/tty", os.O_RDWR)
        for byte in (text + "\n").encode():
            push(fd, bytes([byte]))
        result = "ok"
    except OSError as err:
        result = errname(err)
    print(f"tiocsti via={via} on={on}: {result}", flush=True)
    return 0


def linger(stolen, stop):
    """Leaves a process of the runtime user behind, in a session of its own, reading the terminal on fd 0 until
    `stop` exists: whatever it reads is appended to `stolen`. Returns once that process is reading."""
    ready_r, ready_w = os.pipe()
    if os.fork() == 0:
        os.close(ready_r)
        os.setsid()
        open(stolen, "ab").close()
        os.write(ready_w, b"1")
        os.close(ready_w)
        deadline = time.monotonic() + 120
        while not os.path.exists(stop) and time.monotonic() < deadline:
            if select.select([0], [], [], 0.2)[0]:
                try:
                    data = os.read(0, 4096)
                except OSError:
                    data = b""
                if not data:
                    break
                with open(stolen, "ab") as f:
                    f.write(data)
        open(f"{stolen}.done", "w").close()
        os._exit(0)
    os.close(ready_w)
    os.read(ready_r, 1)
    print("linger: reading", flush=True)
    return 0


def digest(data):
    return f"count={len(data)} sha256={hashlib.sha256(data).hexdigest()}"


def read_raw(name, count, before=None):
    """Says `name: ready`, runs `before`, then reads exactly `count` bytes from the terminal in raw mode, as an
    editor takes a paste; prints their digest."""
    saved = termios.tcgetattr(0)
    ttymod.setraw(0)
    data = b""
    try:
        print(f"{name}: ready", end="\r\n", flush=True)
        if before:
            before()
        while len(data) < count:
            chunk = os.read(0, count - len(data))
            if not chunk:
                break
            data += chunk
    finally:
        termios.tcsetattr(0, termios.TCSAFLUSH, saved)
    print(f"{name}: {digest(data)}", flush=True)
    return 0


def paste(count):
    """Reads exactly `count` bytes from the terminal in raw mode, as an editor takes a paste."""
    return read_raw("paste", count)


def chatter(count):
    """Prints while it reads nothing, once the operator's paste has started coming, then reads `count` bytes in raw
    mode: a relay that writes the paste before it reads the CLI's output deadlocks with it."""

    def print_first():
        select.select([0], [], [])
        for line in range(118):
            print(f"chatter: line {line:03d} " + "x" * 500, end="\r\n", flush=True)
        print("chatter: printed", end="\r\n", flush=True)

    return read_raw("chatter", count, print_first)


def flood(path):
    """Writes to its terminal without end; SIGTERM or SIGINT is written to `path` and ends it. `path`.waiting holds
    the pid of whoever started it, once it floods."""

    def caught(number, _):
        with open(path, "w") as f:
            f.write(f"{signal.Signals(number).name}\n")
        os._exit(128 + number)

    signal.signal(signal.SIGTERM, caught)
    signal.signal(signal.SIGINT, caught)
    line = b"flood " + b"y" * 200 + b"\n"
    os.write(1, line)
    with open(f"{path}.waiting", "w") as f:
        f.write(f"{os.getppid()}\n")
    while True:
        os.write(1, line)


def left_behind(path, mode):
    """Leaves a process of the runtime user behind on the terminal, then exits. Once the CLI is gone, that process
    (`writes`) writes a line and a terminal query (ESC[6n) every 20 ms, 100 times, counting in `path` the writes
    the terminal took; or (`holds`) holds the terminal and never reads it. Either goes on for a minute at most, ends
    at once when `path`.stop exists, and says so in `path`.done; `path`.gone says it saw the CLI gone. The CLI exits once input is waiting (`holds`) or at once (`writes`)."""
    parent = os.getpid()
    if os.fork() == 0:
        # The CLI leads the pty's session: its exit hangs up its foreground job, this process too unless it ignores it.
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        while os.getppid() == parent:
            time.sleep(0.01)
        open(f"{path}.gone", "w").close()
        taken = 0
        for _ in range(3000):
            time.sleep(0.02)
            if os.path.exists(f"{path}.stop"):
                break
            if mode == "writes":
                try:
                    os.write(1, b"left-behind wrote\r\n\x1b[6n")
                    taken += 1
                except OSError:
                    pass
        with open(path, "w") as f:
            f.write(f"{taken}\n")
        open(f"{path}.done", "w").close()
        os._exit(0)
    print(f"left-behind: {mode}", flush=True)
    if mode == "holds":
        select.select([0], [], [])
    return 0


def reopen():
    """Closes its terminal on 0-2 and opens /dev/tty in its place, as a program that detaches and reattaches does;
    what it writes and reads after that goes through the reopened terminal."""
    print("reopen: before", flush=True)
    for fd in (0, 1, 2):
        os.close(fd)
    # Detached a moment, as such a program is while it sets itself up: no one but the relay holds the terminal.
    time.sleep(0.3)
    for fd in (0, 1, 2):
        assert os.open("/dev/tty", os.O_RDWR) == fd
    sys.stdout = os.fdopen(1, "w")
    sys.stdin = os.fdopen(0, "r")
    print("reopen: after", flush=True)
    line = sys.stdin.readline().strip()
    print(f"reopen: read {line}", flush=True)
    return 0


def read_all():
    """Reads stdin to its end (Ctrl-D on a terminal)."""
    print("read: ready", flush=True)
    data = b""
    while chunk := os.read(0, 65536):
        data += chunk
    print(f"read: {digest(data)} eof", flush=True)
    return 0


def winch():
    """Prints the terminal's size, then its size after the next SIGWINCH."""
    fd = os.open("/dev/tty", os.O_RDWR)
    signal.signal(signal.SIGWINCH, lambda *_: None)
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGWINCH])
    print(f"winch: size={winsize(fd)} waiting", flush=True)
    signal.sigwait([signal.SIGWINCH])
    print(f"winch: size={winsize(fd)}", flush=True)
    return 0


def wait():
    """Waits for a signal with SIGINT at its default, as a C program has it: Ctrl-C then ends it whenever it comes.
    Python's own handler acts only once a blocking read returns, and one that comes just before the read is lost."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    print("wait: waiting", flush=True)
    while True:
        signal.pause()


def trap(path):
    """Waits for SIGHUP, SIGTERM or SIGINT and writes its name to `path`: what reached the CLI. `path`.waiting
    says it waits."""
    caught = [signal.SIGHUP, signal.SIGTERM, signal.SIGINT]
    signal.pthread_sigmask(signal.SIG_BLOCK, caught)
    open(f"{path}.waiting", "w").close()
    print("trap: waiting", flush=True)
    got = signal.sigwait(caught)
    with open(path, "w") as f:
        f.write(f"{signal.Signals(got).name}\n")
    return 128 + got


def status_field(name):
    with open("/proc/self/status") as f:
        return next(line.split()[1] for line in f if line.startswith(f"{name}:"))


def received():
    """Everything the CLI was handed, as one JSON line, for the fault-injection suite to compare byte for byte
    with a run without the fault. Bytes are shown as Python bytes literals (unambiguous, any byte). argv is
    sys.argv through surrogateescape (the bytes given); the environment is /proc/self/environ in the order the
    kernel got it, duplicates kept (stricter than a sorted list). SigIgn is after Python's own start-up, which
    ignores SIGPIPE and SIGXFSZ itself: what the caller ignored beyond those still shows."""
    import resource

    dirfd = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY)
    try:
        fds = {}
        for n in sorted(int(n) for n in os.listdir(dirfd) if int(n) != dirfd):
            try:
                fds[str(n)] = repr(os.fsencode(os.readlink(str(n), dir_fd=dirfd)))
            except FileNotFoundError:
                pass  # the descriptor listdir() duplicated for itself, closed again
    finally:
        os.close(dirfd)
    with open("/proc/self/environ", "rb") as f:
        environ = [repr(e) for e in f.read().split(b"\0")[:-1]]
    mask = os.umask(0)
    os.umask(mask)
    record = {
        "argv": [repr(os.fsencode(a)) for a in sys.argv],
        "environ": environ,
        "resuid": os.getresuid(),
        "resgid": os.getresgid(),
        "groups": sorted(os.getgroups()),
        "cwd": repr(os.getcwdb()),
        "umask": f"{mask:04o}",
        "SigIgn": status_field("SigIgn"),
        "SigBlk": status_field("SigBlk"),
        "fds": fds,
        "nofile": resource.getrlimit(resource.RLIMIT_NOFILE),
    }
    print("received " + json.dumps(record, sort_keys=True), flush=True)
    return 0


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    load_env()
    if not args or args[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    if args[0] == "-p" and len(args) > 2:
        args = args[2:]
    cmd, rest = args[0], args[1:]
    if cmd == "--version":
        print("hermes-standin 1.0")
        return 0
    if cmd == "config" and len(rest) == 3 and rest[0] == "set":
        config_set(rest[1], rest[2])
        return 0
    if cmd == "login":
        provider = rest[0] if rest else "nous"
        write_private("auth.json", json.dumps({"providers": {provider: {"token": "t0k3n"}}}))
        print(f"logged in to {provider}")
        return 0
    if cmd == "auth" and rest == ["list"]:
        auth = read_auth()
        if auth is None:
            return 1
        print("\n".join(sorted(auth["providers"])))
        return 0
    if cmd == "chat":
        if "--help" in rest:
            print("usage: hermes chat [-q MESSAGE]")
            return 0
        return 0 if read_auth() is not None else 1
    if cmd == "note" and len(rest) == 1:
        os.makedirs(os.path.join(home(), "notes"), exist_ok=True)
        write_private(os.path.join("notes", rest[0]), f"{os.getuid()}\n")
        return 0
    if cmd == "whoami":
        print(f"uid={os.getuid()} gid={os.getgid()} home={os.environ.get('HOME', '')} umask={os.umask(0):04o}")
        return 0
    if cmd == "getenv":
        # The variables the tests ask for, one a line, as the CLI received them.
        for name in rest:
            value = os.environ.get(name)
            print(f"{name} unset" if value is None else f"{name}={value}")
        return 0
    if cmd == "groups":
        print(f"uid={os.getuid()} gid={os.getgid()} groups={','.join(str(g) for g in sorted(os.getgroups()))}")
        return 0
    if cmd == "argv0":
        # Which console script ran: hermes, hermes-agent and hermes-acp all call this main().
        print(f"{os.path.basename(sys.argv[0])} uid={os.getuid()}")
        return 0
    if cmd == "profile" and len(rest) == 2 and rest[0] == "create":
        return profile_create(rest[1])
    if cmd == "profile" and len(rest) == 3 and rest[0] == "delete" and rest[2] == "--yes":
        return profile_delete(rest[1])
    if cmd == "skills" and rest == ["opt-in", "--sync"]:
        ensure_home()
        sync_skills()
        print("skills synced")
        return 0
    if cmd == "skills" and rest == ["list"]:
        return skills_list()
    if cmd == "journey" and len(rest) == 2 and rest[0] == "edit":
        ensure_home()
        return journey_edit(rest[1])
    if cmd == "gateway" and rest == ["run"]:
        while True:
            signal.pause()
    if cmd == "exit":
        return int(rest[0])
    if cmd == "kill":
        os.kill(os.getpid(), getattr(signal, rest[0]))
        return 0
    if cmd == "prompt":
        tty = "".join("1" if os.isatty(fd) else "0" for fd in (0, 1, 2))
        name = input("Your name? ")
        print(f"hello {name} (tty={tty})")
        return 0
    if cmd == "tty":
        print(f"tty {tty_facts()}", flush=True)
        return 0
    if cmd == "tiocsti" and rest:
        return tiocsti(rest)
    if cmd == "linger" and len(rest) == 2:
        return linger(rest[0], rest[1])
    if cmd == "paste" and len(rest) == 1:
        return paste(int(rest[0]))
    if cmd == "read":
        return read_all()
    if cmd == "chatter" and len(rest) == 1:
        return chatter(int(rest[0]))
    if cmd == "flood" and len(rest) == 1:
        return flood(rest[0])
    if cmd == "left-behind" and len(rest) == 2 and rest[1] in ("writes", "holds"):
        return left_behind(rest[0], rest[1])
    if cmd == "reopen":
        return reopen()
    if cmd == "winch":
        return winch()
    if cmd == "wait":
        return wait()
    if cmd == "received":
        return received()
    if cmd == "trap" and len(rest) == 1:
        return trap(rest[0])
    print(USAGE, file=sys.stderr)
    return 2
