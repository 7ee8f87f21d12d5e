/**
 * The six paths of the fault-injection suite (test/integration/faults.test.ts) and the container state they
 * run in, as the job test/container/faults.py reads: one JSON line, bytes as hex.
 */
import { QUIET_OPTIONS } from "../../src/core/threads.ts";
import type { Kind } from "./judge.ts";

const BIN = "/opt/hermes/bin";
export const ADMIN = `${BIN}/hermes-exec-shim`;
const hex = (s: string | Buffer) => Buffer.from(s).toString("hex");

/** What the CLI is handed: an empty argument, a space, bytes that are not UTF-8, flags the runtime must not eat. */
const ARGS = ["received", "", " ", Buffer.from([0xff, 0xfe]), "--version", "-e"];
/** As `docker exec` gives it, with an API key, a value that is not UTF-8, and HOME root's. */
const ENV = [
  "PATH=/opt/hermes/bin:/opt/hermes/.venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  "HOSTNAME=hermes-test",
  "HERMES_HOME=/opt/data",
  "OPENAI_API_KEY=sk-test-0123456789",
  Buffer.concat([Buffer.from("HERMES_NOTE=a b"), Buffer.from([0xe9])]),
  "HOME=/root",
  "LANG=C.UTF-8",
  // The JIT compiles on a thread of its own, so when JavaScriptCore's heap reads /proc/self/statm on the main
  // thread moved between traces of the same run, and with it strace's when=N numbering. Compiling on the main
  // thread makes it the same every time; it changes when code gets faster, never what the shim does.
  "BUN_JSC_useConcurrentJIT=0",
];

/**
 * The admin commands as their second run (src/core/threads.ts): the first only execs this binary again with these
 * options, and the runtime's start after that exec (the dynamic loader's calls, by addresses that move from one
 * trace to the next) is no code of the shim's.
 */
const ADMIN_ENV = [...ENV, ...QUIET_OPTIONS];

export interface PathSpec {
  name: string;
  kind: Kind;
  argv: (string | Buffer)[];
  env: (string | Buffer)[];
  /** Runs the shim as this user (strace -u), strace itself staying root. */
  user?: string;
  /** A shell script run before each run of a path that changes state, so that each starts the same. */
  reset?: string;
}

export const PATHS: PathSpec[] = [
  { name: "root's drop", kind: "cli", argv: [`${BIN}/hermes`, ...ARGS], env: ENV },
  { name: "the opt-out", kind: "cli", argv: [`${BIN}/hermes`, ...ARGS], env: [...ENV, "HERMES_DOCKER_EXEC_AS_ROOT=1"] },
  { name: "the pass-through", kind: "cli", argv: [`${BIN}/hermes`, ...ARGS], env: ENV, user: "hermes" },
  { name: "explain", kind: "explain", argv: [ADMIN, "explain", "--", ...ARGS], env: ADMIN_ENV },
  { name: "doctor", kind: "doctor", argv: [ADMIN, "doctor"], env: ADMIN_ENV },
  {
    name: "doctor --fix",
    kind: "doctor",
    argv: [ADMIN, "doctor", "--fix"],
    // A home of its own, so that what --fix changes is never what a doctor run beside it is reading.
    env: [...ENV.filter((e) => !e.toString().startsWith("HERMES_HOME=")), "HERMES_HOME=/srv/fix", ...QUIET_OPTIONS],
    reset: "install -o root -g root -m 0600 /dev/null /srv/fix/auth.json",
  },
];

/**
 * The container's state: the admin name, a home with something to walk (hermes's, healthy), root's 0600
 * auth.json for --fix to give back, and the stand-in's bytecode written once as root (the venv is root's), so
 * that no run differs from another by compiling it.
 */
export const SETUP = `set -e
ln -sf hermes ${ADMIN}
mkdir -p /opt/data/skills /srv/fix
echo note > /opt/data/skills/a.md
echo 'model: opus' > /opt/data/config.yaml
chown -R hermes:hermes /opt/data /srv/fix
HERMES_DOCKER_EXEC_AS_ROOT=1 hermes received >/dev/null
`;

/** The driver's job: its scratch directory, two workers (two cores), every path with its bytes as hex. */
export function job(paths: PathSpec[] = PATHS, workers = 2) {
  return {
    work: "/tmp/faults",
    workers,
    paths: paths.map((p) => ({ ...p, argv: p.argv.map(hex), env: p.env.map(hex) })),
  };
}
