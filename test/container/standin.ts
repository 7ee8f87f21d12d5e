/** What the stand-in CLI (test/container/standin) answers, which every engine's tests compare against. */

/** `hermes whoami` run as hermes through the drop: its ids, the drop's HOME and umask. */
export const DROPPED = "uid=10000 gid=10000 home=/opt/data umask=0002\n";

/** `hermes ARGS…` and the exit status the caller sees: the CLI's own code, or 128 + N for death by signal N. */
export const EXIT_STATUSES: [string[], number][] = [
  [["exit", "0"], 0],
  [["exit", "3"], 3],
  [["exit", "255"], 255],
  [["kill", "SIGTERM"], 143],
  [["kill", "SIGKILL"], 137],
  [["kill", "SIGSEGV"], 139],
];
