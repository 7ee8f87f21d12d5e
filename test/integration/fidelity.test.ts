/**
 * contract §3: what the CLI receives through the shim equals what the same
 * chain exec'd by hand gives it, field by field, on both paths. The CLI is
 * replaced by the exec-state probe (test/container/execstate.c).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Container } from "../container/container.ts";

let ct: Container;
beforeAll(async () => {
  ct = await Container.create({ cli: "probe" });
});
afterAll(() => ct.destroy());

const CLI = "/opt/hermes/.venv/bin/hermes";
const OUT = "/tmp/probe.out";

type State = Record<string, string>;

/** Runs `exec <command> <args>` after `prelude` in a fresh shell and returns what the probe saw. */
async function probe(
  prelude: string,
  command: string,
  args: string,
  asRuntimeUser: boolean,
): Promise<State & { caller: string }> {
  await ct.ok(`rm -f ${OUT} /tmp/caller.pid`);
  const script = `export PROBE_OUT=${OUT}\n${prelude}\necho $$ > /tmp/caller.pid\nexec ${command} ${args}`;
  const r = await ct.run(script, { asRuntimeUser });
  if (r.code !== 0) throw new Error(`probe run failed (${r.code}): ${r.stderr}`);
  const state: State = {};
  for (const line of (await ct.ok(`cat ${OUT}`)).split("\n")) {
    const cut = line.indexOf("=");
    if (cut > 0) state[line.slice(0, cut)] = line.slice(cut + 1).replace(/\/dev\/pts\/\d+/g, "/dev/pts/N");
  }
  return { ...state, caller: (await ct.ok("cat /tmp/caller.pid")).trim() };
}

const paths = {
  "pass-through (non-root)": {
    asRuntimeUser: true,
    byHand: CLI,
  },
  "drop (root)": {
    asRuntimeUser: false,
    byHand: `env HOME=/opt/data USER=hermes LOGNAME=hermes /command/s6-applyuidgid -u 10000 -g 10000 -G 10000 ${CLI}`,
    prelude: "umask 002",
  },
} as const;

/** Shell words that produce awkward arguments. */
const AWKWARD_ARGS = [
  "''",
  "' '",
  "'a b'",
  `"$(printf 'line1\\nline2')"`,
  `"$(printf '\\377\\376 not utf-8 \\300')"`,
  "--",
  "--help",
  "--version",
  "-e",
  "'console.log(1)'",
  "--inspect",
  "--smol",
  "--bun",
  "-",
  "'$HOME'",
  "'*'",
].join(" ");

const scenarios: Record<string, { prelude: string; args: string }> = {
  "awkward argv": { prelude: "", args: AWKWARD_ARGS },
  "no arguments": { prelude: "", args: "" },
  "environment with non-UTF-8 and empty values": {
    prelude: `export WEIRD="$(printf 'a\\377b')" EMPTY= SPACE=' ' BUN_CONFIG_VERBOSE_FETCH=0`,
    args: "x",
  },
  "inherited descriptors 3, 7 and 9": {
    prelude: "exec 3</etc/hostname 7>/tmp/seven 9<&0",
    args: "fds",
  },
  "inherited pipe and fifo, opened on the exec line": {
    prelude: "rm -f /tmp/fifo; mkfifo /tmp/fifo",
    args: "x 5<&1 6<>/tmp/fifo",
  },
  "closed stdin and stdout": { prelude: "exec <&- >&-", args: "closed" },
  "everything closed but stderr, descriptor 4 open": { prelude: "exec <&- >&- 4</etc/hostname", args: "x" },
  "caller ignores SIGHUP and SIGINT, like nohup and background jobs": { prelude: "trap '' HUP INT", args: "x" },
  "caller's own resource limits": {
    prelude: "ulimit -Sc 0; ulimit -Ss 4096; ulimit -Su 1000",
    args: "x",
  },
  "umask 077 and another working directory": { prelude: "umask 077; cd /etc", args: "x" },
};

describe.each(Object.entries(paths))("%s", (_, path) => {
  const prelude = (p: string) => [p, "prelude" in path ? path.prelude : ""].filter(Boolean).join("\n");

  it.each(Object.entries(scenarios))("%s: every probe field matches the hand-made exec", async (_, s) => {
    const shim = await probe(s.prelude, "hermes", s.args, path.asRuntimeUser);
    const hand = await probe(prelude(s.prelude), path.byHand, s.args, path.asRuntimeUser);
    expect(shim.pid).toBe(shim.caller);
    expect(hand.pid).toBe(hand.caller);
    const { pid: _a, caller: _b, ...shimRest } = shim;
    const { pid: _c, caller: _d, ...handRest } = hand;
    expect(shimRest).toEqual(handRest);
  });

  it("an argv near the system's size limit arrives whole", async () => {
    const args = `$(for i in $(seq 14); do printf '%s ' "$big"; done)`;
    const big = "big=$(head -c 120000 /dev/zero | tr '\\0' a)";
    const shim = await probe(big, "hermes", args, path.asRuntimeUser);
    const hand = await probe(prelude(big), path.byHand, args, path.asRuntimeUser);
    expect(shim.argv?.length).toBeGreaterThan(3_000_000);
    expect(shim.argv).toBe(hand.argv);
    expect(shim.env).toBe(hand.env);
  });

  it("under a terminal the CLI sees ttys on 0-2, as by hand", async () => {
    const run = (command: string) =>
      probe("", `script -qec '${command} tty' /dev/null`, "</dev/null", path.asRuntimeUser);
    const shim = await run("exec hermes");
    const hand = await run(`${"prelude" in path ? `${path.prelude};` : ""} exec ${path.byHand}`);
    expect(shim.tty).toBe("111");
    expect(shim.fds).toBe(hand.fds);
    expect(shim.SigIgn).toBe(hand.SigIgn);
  });
});

describe("the pass-through leaves the runtime's own state behind", () => {
  it("default dispositions, empty mask, only stdio open, the caller's limits", async () => {
    const s = await probe("", "hermes", "x", true);
    expect(s.SigIgn).toBe("0000000000000000");
    expect(s.SigBlk).toBe("0000000000000000");
    expect(s.fds).toMatch(/^0:.*,1:.*,2:/);
    expect(s.fds).not.toMatch(/anon_inode/);
    const caller = (await ct.ok("ulimit -Sn; ulimit -Hn", { asRuntimeUser: true })).split("\n");
    expect(s.rlimits?.split(",")[7]).toBe(`${caller[0]}:${caller[1]}`.replace(/unlimited/g, "18446744073709551615"));
  });

  it("restores a soft RLIMIT_NOFILE the caller inherited from its parent", async () => {
    const s = await probe("ulimit -Sn 300", "sh", `-c 'hermes x; exit $?'`, true);
    expect(s.rlimits?.split(",")[7]?.split(":")[0]).toBe("300");
  });
});
