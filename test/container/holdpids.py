"""
Runs a command with exactly K pids free in the container's pids cgroup, as a fork bomb leaves them:
a holder forks children until fork fails with EAGAIN, then lets K of them go; the command runs in a
child of this process; when it ends, the children are released and reaped. No step waits on time.
Usage: python3 holdpids.py K COMMAND [ARG]...  (exit status: the command's, or 128+signal)
"""

import os
import sys

free = int(sys.argv[1])
command = sys.argv[2:]
release_r, release_w = os.pipe()
ready_r, ready_w = os.pipe()

# One more than K is let go: this process's own fork for the command takes it.
holder = os.fork()
if holder == 0:
    os.close(release_w)
    os.close(ready_r)
    kids = []
    while True:
        try:
            kid = os.fork()
        except BlockingIOError:
            break
        if kid == 0:
            os.read(release_r, 1)  # EOF once the command has ended
            os._exit(0)
        kids.append(kid)
    if len(kids) <= free:
        os.write(ready_w, b"n")
        os._exit(1)
    for kid in kids[: free + 1]:
        os.kill(kid, 9)
        os.waitpid(kid, 0)
    os.write(ready_w, b"y")
    for kid in kids[free + 1 :]:
        os.waitpid(kid, 0)
    os._exit(0)

os.close(release_r)
os.close(ready_w)
if os.read(ready_r, 1) != b"y":
    sys.exit("holdpids: fewer pids than asked could be held")
child = os.fork()
if child == 0:
    os.close(release_w)
    os.execvp(command[0], command)
_, status = os.waitpid(child, 0)
os.close(release_w)
os.waitpid(holder, 0)
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
