"""Stand-in Hermes CLI for the shim's tests.

Files under $HERMES_HOME are written like the real CLI writes them: a temp
file in the same directory, mode 0600, then an atomic rename.
"""

import json
import os
import pwd
import shutil
import signal
import subprocess
import sys

USAGE = "usage: hermes [--version] [-p PROFILE] {config,login,auth,chat,note,whoami,groups,argv0,exit,kill,prompt,profile,gateway} ..."

# Upstream's gateway registration under s6 (hermes_cli/profiles.py): the scan directory and s6-overlay's tools.
SCAN = "/run/service"
COMMAND = "/command"


def home():
    return os.environ.get("HERMES_HOME", "/opt/data")


def write_private(name, text):
    path = os.path.join(home(), name)
    tmp = f"{path}.tmp.{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.rename(tmp, path)
    return path


def config_set(key, value):
    path = os.path.join(home(), "config.yaml")
    lines = []
    if os.path.exists(path):
        with open(path) as f:
            lines = [line for line in f.read().splitlines() if not line.startswith(f"{key}:")]
    lines.append(f"{key}: {value}")
    write_private("config.yaml", "\n".join(lines) + "\n")
    print(f"set {key}")


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
    os.makedirs(os.path.join(home(), "profiles", name))
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
    print(USAGE, file=sys.stderr)
    return 2
