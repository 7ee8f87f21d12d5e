"""An operator at a terminal, for the tests of contract section 12: runs a command (`docker exec -it C bash -i`) on
a pseudo-terminal of its own, the way a terminal emulator does, types what a script says when the output it waits
for has appeared, and reports what happened.

Reads one JSON object on stdin:
  {"argv": [...], "rows": 37, "cols": 123, "steps": [STEP, ...]}
where each STEP is one of
  {"send": TEXT}                    typed as is (control characters too: "\\u0003" is Ctrl-C)
  {"send_b64": BASE64}              bytes typed as is, written while the output is read, so nothing stalls
  {"expect": REGEX}                 waits for REGEX in the output after the previous match; its groups are kept
  {"resize": [ROWS, COLS]}          resizes the terminal, as a window does (the command's group gets SIGWINCH)
  {"stall": ARGV}                   runs ARGV to its end while reading none of the output, as a client that stopped
                                    reading (a stalled connection); fails unless ARGV exits 0
and writes one JSON object on stdout:
  {"ok": bool, "error": TEXT, "groups": [[...], ...], "status": N, "transcript": TEXT}
`status` is the command's exit status (128 + N for a death by signal N), or null when it was still running after
the steps and was hung up. No step waits a fixed time, nor has a time limit: each waits for output, however long a
busy machine takes to give it, until the output ends.
"""

import base64
import fcntl
import json
import os
import pty
import subprocess
import re
import select
import signal
import struct
import sys
import termios
import time

CHUNK = 4096


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class Terminal:
    def __init__(self, argv, rows, cols):
        self.output = b""
        # Where the next expect starts looking: after the previous match, so a prompt already seen never counts twice.
        self.mark = 0
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            # The size is set on the slave before the command starts, so that it reads it at once.
            set_size(0, rows, cols)
            try:
                os.execvp(argv[0], argv)
            finally:
                os._exit(127)
        self.eof = False

    def pump(self, timeout):
        """Reads what the command wrote, for at most `timeout` seconds; returns False at end of output."""
        if self.eof:
            return False
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                data = b""
            if not data:
                self.eof = True
                return False
            self.output += data
        return True

    def send(self, data):
        while data:
            if self.eof:
                raise EOFError(f"the command's output ended with {len(data)} bytes left to type")
            _, writable, _ = select.select([self.fd], [self.fd], [], 1)
            self.pump(0)
            if writable:
                try:
                    data = data[os.write(self.fd, data[:CHUNK]) :]
                except OSError as err:
                    raise EOFError(f"the terminal took no more input: {err}") from err

    def expect(self, pattern):
        regex = re.compile(pattern.encode(), re.DOTALL)
        while True:
            match = regex.search(self.output, self.mark)
            if match:
                self.mark = match.end()
                return [g.decode(errors="replace") if g is not None else None for g in match.groups()]
            if not self.pump(None) and not regex.search(self.output, self.mark):
                raise EOFError(f"the command's output ended without {pattern!r}")

    def finish(self, timeout):
        """Reads to the end of output and reaps the command, hanging it up if it has not ended by then (None: waits
        for the end)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.pump(None if deadline is None else max(0.0, deadline - time.monotonic())) and (
            deadline is None or time.monotonic() < deadline
        ):
            pass
        if not self.eof:
            os.close(self.fd)
            os.kill(self.pid, signal.SIGHUP)
            os.waitpid(self.pid, 0)
            return None
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)


def main():
    script = json.load(sys.stdin)
    term = Terminal(script["argv"], script.get("rows", 24), script.get("cols", 80))
    report = {"ok": True, "error": "", "groups": []}
    try:
        for index, step in enumerate(script["steps"]):
            if "send" in step:
                term.send(step["send"].encode())
            elif "send_b64" in step:
                term.send(base64.b64decode(step["send_b64"]))
            elif "expect" in step:
                report["groups"].append(term.expect(step["expect"]))
            elif "resize" in step:
                set_size(term.fd, *step["resize"])
            elif "stall" in step:
                done = subprocess.run(step["stall"], capture_output=True)
                if done.returncode != 0:
                    raise EOFError(f"{step['stall']!r} exited {done.returncode}: {done.stderr.decode(errors='replace')}")
    except EOFError as err:
        report["ok"] = False
        report["error"] = f"step {index}: {err}"
    # After a failed step the command may wait for input that will never come: it is hung up.
    report["status"] = term.finish(None if report["ok"] else 5)
    report["transcript"] = term.output.decode(errors="replace")
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
