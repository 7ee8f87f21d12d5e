"""Stand-in Hermes CLI for the shim's tests.

Files under $HERMES_HOME are written like the real CLI writes them: a temp
file in the same directory, mode 0600, then an atomic rename.
"""

import json
import os
import signal
import sys

USAGE = "usage: hermes [--version] {config,login,auth,chat,note,whoami,groups,argv0,exit,kill,prompt} ..."


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


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    load_env()
    if not args or args[0] in ("-h", "--help"):
        print(USAGE)
        return 0
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
