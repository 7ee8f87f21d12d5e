/**
 * Start-up cost of the shim beside the alternatives (issue 7), in a test
 * container on the Docker engine with the CLI replaced by a no-op C program,
 * so that only the wrappers' cost is measured. Every program runs once per
 * round, in turn (scripts/bench/timer.c), so all of them share whatever else
 * the machine is doing; then whole `docker exec` calls, as an operator feels
 * them; then the first call with the page cache dropped, on the host (scripts/bench/cold.ts). Writes
 * dist/bench.md and prints it.
 *
 * Last, doctor at scale (scripts/bench/doctor.ts): its check and --fix beside find and chown -R, at 10,000,
 * 100,000 and 1,000,000 entries, in a container limited to 256 MiB.
 *
 * Then the pids each path needs under a pids limit, and root calls started at once there (scripts/bench/pids.ts).
 *
 * Then contract §12's relay (scripts/bench/terminal.ts): start-up and throughput on a terminal root's shell holds,
 * beside sudo's use_pty.
 *
 * Run as root: npm run bench [-- --rounds 300] [--cold-rounds 9] [--exec-rounds 50] [--baseline FILE]
 *   [--doctor-rounds 3] [--terminal-rounds 100] [--only doctor|pids|terminal]
 * Every cold run drops the whole machine's page cache, which slows everything else on it for a moment.
 * --baseline FILE: a shim compiled from an earlier commit, timed in the same rounds as a row of its own on
 * both paths, so that a change's cost is a ratio measured in one run.
 */
import { spawnSync } from "node:child_process";
import { chmod, copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import minimist from "minimist";
import { defaultsFor } from "../src/build/buildConfig.ts";
import { Container, REPO, RUNTIME_UID } from "../test/container/container.ts";
import setup from "../test/platform/setup.ts";
import { hostPrograms, renderCold, timeCold } from "./bench/cold.ts";
import { renderDockerExec, timeDockerExec } from "./bench/docker-exec.ts";
import { renderDoctor, timeDoctor } from "./bench/doctor.ts";
import { buildFloor, FLOOR_VARIANTS, type FloorVariant } from "./bench/floors.ts";
import { renderPids, timePids } from "./bench/pids.ts";
import { median, type PathResult, type Row, render } from "./bench/report.ts";
import { renderTerminal, timeTerminal } from "./bench/terminal.ts";

const args = minimist(process.argv.slice(2), {
  string: ["rounds", "cold-rounds", "exec-rounds", "baseline", "doctor-rounds", "terminal-rounds", "only"],
  unknown: (flag) => {
    console.error(`bench: unknown option ${flag}`);
    process.exit(2);
  },
});
const rounds = Number(args.rounds ?? 300);
const coldRounds = Number(args["cold-rounds"] ?? 9);
const execRounds = Number(args["exec-rounds"] ?? 50);
const doctorRounds = Number(args["doctor-rounds"] ?? 3);
const terminalRounds = Number(args["terminal-rounds"] ?? 100);
/** --only doctor: that section alone, which takes minutes of its own at a million entries; --only terminal: §12's; --only pids: the free pids each path needs. */
const only = args.only === undefined ? undefined : String(args.only);
if (only !== undefined && only !== "doctor" && only !== "pids" && only !== "terminal") {
  console.error(`bench: --only takes doctor, pids or terminal, not ${only}`);
  process.exit(2);
}
/** Directories of 1,000 files: about 10,000, 100,000 and 1,000,000 entries. */
const DOCTOR_SIZES = [10, 100, 1000];
const DOCTOR_MEMORY = "256m";
const WARMUP = 20;

const config = defaultsFor("hermes");
/** The bench times the product's own command; the other names differ only in which target they exec. */
const TARGET = (config.commands[0] as { target: string }).target;
const OUT = `${REPO}/dist/bench`;
const BIN = `/opt/${config.name}/bin`;
const VARIANTS = Object.keys(FLOOR_VARIANTS) as FloorVariant[];
const baseline = args.baseline === undefined ? undefined : String(args.baseline);
/** Called by its command's name, as the shim must be, from a root-owned directory of its own. */
const BASELINE = `/opt/${config.name}/baseline/${config.name}`;

async function buildShim(): Promise<void> {
  const build = Bun.spawn([process.execPath, `${REPO}/scripts/build.ts`, "--outfile", `${OUT}/hermes`], {
    stdout: "ignore",
    stderr: "inherit",
  });
  if ((await build.exited) !== 0) throw new Error("bench: building the shim failed");
}

await mkdir(OUT, { recursive: true });
await Promise.all([
  buildShim(),
  ...VARIANTS.flatMap((v) => [
    buildFloor(v, [TARGET], `${OUT}/floor-${v}`),
    buildFloor(v, [config.helper, config.user, TARGET], `${OUT}/floor-${v}-drop`),
  ]),
  copyFile(`${REPO}/scripts/bench/shim.sh`, `${OUT}/hermes-sh`).then(() => chmod(`${OUT}/hermes-sh`, 0o755)),
]);
for (const [source, out, flags] of [
  ["noop.c", "noop", ["-static"]],
  ["timer.c", "bench-timer", []],
  ["pty-timer.c", "pty-timer", []],
] as const) {
  const cc = spawnSync("gcc", ["-O2", ...flags, "-o", `${OUT}/${out}`, `${REPO}/scripts/bench/${source}`]);
  if (cc.status !== 0) throw new Error(`bench: compiling ${source} failed: ${cc.stderr}`);
}

interface Program {
  label: string;
  uid: number;
  argv: string[];
}

const program = (label: string, uid: number, argv: string[]): Program => ({ label, uid, argv });

const pass = {
  title: "pass-through",
  runsAs: config.user,
  direct: program("direct exec of the CLI", RUNTIME_UID, [TARGET]),
  others: baseline ? [program("previous build of this shim (--baseline)", RUNTIME_UID, [BASELINE])] : [],
  shell: program("POSIX sh shim", RUNTIME_UID, [`${BIN}/hermes-sh`]),
  floors: VARIANTS.map((v) => program(`Bun floor, ${FLOOR_VARIANTS[v]}`, RUNTIME_UID, [`${BIN}/floor-${v}`])),
  shim: program("this shim", RUNTIME_UID, [`${BIN}/${config.name}`]),
};
const drop = {
  title: "drop",
  runsAs: "root",
  direct: program("direct exec of the CLI, as root", 0, [TARGET]),
  others: [
    program("s6-setuidgid alone", 0, [config.helper, config.user, TARGET]),
    program("s6-applyuidgid alone", 0, [
      config.groupsHelper,
      "-u",
      `${RUNTIME_UID}`,
      "-g",
      `${RUNTIME_UID}`,
      "-G",
      `${RUNTIME_UID}`,
      TARGET,
    ]),
    program("gosu alone", 0, ["/usr/sbin/gosu", config.user, TARGET]),
    ...(baseline ? [program("previous build of this shim (--baseline) → s6-setuidgid", 0, [BASELINE])] : []),
  ],
  shell: program("POSIX sh shim → s6-setuidgid", 0, [`${BIN}/hermes-sh`]),
  floors: VARIANTS.map((v) => program(`Bun floor, ${FLOOR_VARIANTS[v]} → s6-setuidgid`, 0, [`${BIN}/floor-${v}-drop`])),
  // The runtime user is in /etc/passwd, so the shim execs s6-applyuidgid with its ids (contract §11).
  shim: program("this shim → s6-applyuidgid", 0, [`${BIN}/${config.name}`]),
};
const paths = [pass, drop];
const all = paths.flatMap((p) => [p.direct, ...p.others, p.shell, ...p.floors, p.shim]);

/** What a `docker exec` into a Hermes container passes: the image's ENV lines and the operator's provider keys. */
const IMAGE_ENV = {
  PATH: `${BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
  HOSTNAME: "0123456789ab",
  HOME: "/root",
  TERM: "xterm",
  LANG: "C.UTF-8",
  TZ: "UTC",
  HERMES_HOME: config.home,
  VIRTUAL_ENV: "/opt/hermes/.venv",
  PYTHONUNBUFFERED: "1",
  PYTHONDONTWRITEBYTECODE: "1",
  S6_KEEP_ENV: "1",
  S6_BEHAVIOUR_IF_STAGE2_FAILS: "2",
  S6_CMD_WAIT_FOR_SERVICES_MAXTIME: "0",
  S6_VERBOSITY: "1",
  OPENROUTER_API_KEY: `sk-or-v1-${"0".repeat(64)}`,
  ANTHROPIC_API_KEY: `sk-ant-api03-${"0".repeat(95)}`,
  OPENAI_API_KEY: `sk-proj-${"0".repeat(156)}`,
  TELEGRAM_BOT_TOKEN: `1234567890:${"A".repeat(35)}`,
  DISCORD_BOT_TOKEN: "x".repeat(72),
};
const envBytes = Object.entries(IMAGE_ENV).reduce((n, [k, v]) => n + k.length + v.length + 2, 0);

/** doctor's section, in a container of its own with the memory a small host gives one. */
async function doctorSection(): Promise<string> {
  const ct = await Container.create({
    config,
    shim: `${OUT}/${config.name}`,
    runArgs: ["--memory", DOCTOR_MEMORY, "--memory-swap", DOCTOR_MEMORY],
  });
  try {
    await ct.ok(`ln -s ${config.name} ${BIN}/hermes-exec-shim`);
    const rows = await timeDoctor(ct, `${BIN}/hermes-exec-shim`, DOCTOR_SIZES, doctorRounds);
    return renderDoctor(rows, doctorRounds, `${DOCTOR_MEMORY.replace("m", " MiB")}`);
  } finally {
    await ct.destroy();
  }
}

const PIDS_LIMIT = 32;
const PIDS_BURST = { calls: 12, rounds: 3 };

/** The threads and free pids each path needs under a pids limit, in a container of its own (docs/runtime.md). */
async function pidsSection(): Promise<string> {
  const ct = await Container.create({
    config,
    shim: `${OUT}/${config.name}`,
    runArgs: ["--pids-limit", String(PIDS_LIMIT)],
  });
  try {
    await ct.ok(`ln -s ${config.name} ${BIN}/hermes-exec-shim`);
    await ct.ok(`cat > ${BIN}/hermes-sh && chmod 0755 ${BIN}/hermes-sh`, { input: await readFile(`${OUT}/hermes-sh`) });
    if (baseline) {
      await ct.ok(`mkdir -p ${BASELINE.slice(0, BASELINE.lastIndexOf("/"))}`);
      await ct.ok(`cat > ${BASELINE} && chmod 0755 ${BASELINE}`, { input: await readFile(baseline) });
    }
    const shim = `${BIN}/${config.name}`;
    const sh = `${BIN}/hermes-sh`;
    const terminal = (command: string) => `script -qec '${command}' /dev/null`;
    const asAdmin = (file: string, command: string) => `bash -c 'exec -a hermes-exec-shim ${file} ${command}'`;
    const before = baseline
      ? [
          { label: "previous build (--baseline): root's drop", command: `${BASELINE} whoami` },
          { label: "previous build (--baseline): explain", command: asAdmin(BASELINE, "explain") },
          { label: "previous build (--baseline): doctor", command: asAdmin(BASELINE, "doctor") },
          {
            label: "previous build (--baseline): root's drop on a terminal, relayed",
            command: terminal(`${BASELINE} whoami`),
            wrapper: terminal("true"),
          },
        ]
      : [];
    const result = await timePids(
      ct,
      `${REPO}/test/container/holdpids.py`,
      [
        ...before,
        { label: "this shim: root's drop", command: `${shim} whoami` },
        { label: "this shim: root's drop, 300 arguments", command: `${shim} received $(seq 300)` },
        { label: "this shim: the pass-through", command: `${shim} whoami`, user: String(RUNTIME_UID) },
        { label: "this shim: the opt-out", command: `env HERMES_DOCKER_EXEC_AS_ROOT=1 ${shim} whoami` },
        { label: "this shim: explain", command: `${BIN}/hermes-exec-shim explain` },
        { label: "this shim: doctor", command: `${BIN}/hermes-exec-shim doctor` },
        {
          label: "this shim: root's drop on a terminal, relayed (script(1)'s own pids taken off)",
          command: terminal(`${shim} whoami`),
          wrapper: terminal("true"),
        },
        { label: "POSIX sh shim: root's drop", command: `${sh} whoami` },
        { label: "POSIX sh shim: the pass-through", command: `${sh} whoami`, user: String(RUNTIME_UID) },
        { label: "POSIX sh shim: the opt-out", command: `env HERMES_DOCKER_EXEC_AS_ROOT=1 ${sh} whoami` },
      ],
      [
        ...(baseline ? [{ label: "previous build (--baseline)", command: `${BASELINE} whoami` }] : []),
        { label: "this shim", command: `${shim} whoami` },
        { label: "POSIX sh shim", command: `${sh} whoami` },
      ],
      PIDS_BURST,
    );
    return renderPids(result, PIDS_LIMIT, PIDS_BURST);
  } finally {
    await ct.destroy();
  }
}

/** Start-up of the shim and its alternatives, whole docker execs, and the first call with a cold cache. */
async function startupSections(): Promise<string> {
  const ct = await Container.create({ config, shim: `${OUT}/${config.name}`, cli: "probe" });
  try {
    // A home of 14 entries, hermes's, like the one upstream's CLI leaves after its first call: the drop reads its top.
    await ct.ok(
      `cd ${config.home} && mkdir cron sessions logs memories pairing hooks image_cache audio_cache skills && ` +
        "touch config.yaml .env auth.json auth.lock .update_check && chmod 0600 config.yaml .env auth.json && " +
        `chown -R ${RUNTIME_UID}:${RUNTIME_UID} .`,
    );
    const copyIn = async (from: string, to: string) =>
      ct.ok(`cat > ${to} && chmod 0755 ${to}`, { input: await readFile(from) });
    await copyIn(`${OUT}/noop`, TARGET);
    await copyIn(`${OUT}/bench-timer`, "/usr/local/bin/bench-timer");
    if (baseline) {
      await ct.ok(`mkdir -p ${BASELINE.slice(0, BASELINE.lastIndexOf("/"))}`);
      await copyIn(baseline, BASELINE);
      // Written the same way just before, as the note below says every program is: a fair comparison.
      await copyIn(`${OUT}/${config.name}`, `${BIN}/${config.name}`);
    }
    for (const name of ["hermes-sh", ...VARIANTS.flatMap((v) => [`floor-${v}`, `floor-${v}-drop`])]) {
      await copyIn(`${OUT}/${name}`, `${BIN}/${name}`);
    }

    /** Runs each program `n` times, round-robin; one array of milliseconds per program. */
    const time = async (programs: readonly Program[], n: number) => {
      const input = programs.map((p) => `${p.uid} ${p.argv.join(" ")}`).join("\n");
      const out = await ct.ok(`bench-timer ${n} ${WARMUP} 0`, {
        input,
        env: IMAGE_ENV,
        timeoutMs: 3_600_000,
      });
      return out
        .trimEnd()
        .split("\n")
        .map((line) => line.split(" ").map((ns) => Number(ns) / 1e6));
    };

    const warm = new Map((await time(all, rounds)).map((samples, i) => [all[i], median(samples)]));
    const notes: string[] = [];

    const sizeOf = new Map<string, number>();
    for (const p of all) {
      const file = p.argv[0] as string;
      if (!sizeOf.has(file)) sizeOf.set(file, Number(await ct.ok(`stat -L -c %s ${file}`)));
    }
    const row = (p: Program): Row => ({
      label: p.label,
      median: warm.get(p) ?? Number.NaN,
      size: sizeOf.get(p.argv[0] as string) ?? 0,
    });
    const results: PathResult[] = paths.map((p) => ({
      title: p.title,
      runsAs: p.runsAs,
      direct: row(p.direct),
      others: p.others.map(row),
      shell: row(p.shell),
      floors: p.floors.map(row),
      shim: row(p.shim),
    }));

    const kernel = (await ct.ok("uname -r")).trim();
    notes.unshift(
      `Medians of ${rounds} rounds (after ${WARMUP} warm-up rounds), each program once per round in turn; ` +
        `Linux ${kernel}, ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Bun ${Bun.version}.`,
      `The CLI is a static no-op C program. Environment: ${Object.keys(IMAGE_ENV).length} variables, ${envBytes} bytes, ` +
        "like a `docker exec` into a Hermes container.",
      "Floors are Bun executables that only exec, built with --bytecode; the shim is built by scripts/build.ts as released. " +
        "Issue 7's target: on the pass-through path, at most ×1.10 what the floor adds.",
      "Every program is written into the container's writable layer just before timing: how a binary sits in the page cache " +
        "(freshly written, or read back from disk after the cache was dropped) alone moves a Bun start by about 1 ms.",
    );
    const execRows = timeDockerExec(
      ct.id,
      [
        { label: "this shim", command: config.name, adds: `${OUT}/${config.name}` },
        { label: "POSIX sh shim", command: `${BIN}/hermes-sh`, adds: `${OUT}/hermes-sh` },
        { label: "the CLI directly", command: TARGET },
      ],
      RUNTIME_UID,
      execRounds,
    );
    if (baseline) {
      for (const p of paths) {
        const before = warm.get(p.others[p.others.length - 1] as Program) ?? Number.NaN;
        const now = warm.get(p.shim) ?? Number.NaN;
        notes.unshift(
          `${p.title}: this shim ${now.toFixed(3)} ms against the previous build's ${before.toFixed(3)} ms (median of whole calls): ×${(now / before).toFixed(3)}.`,
        );
      }
    }
    const host = await hostPrograms(REPO, OUT, `${OUT}/noop`);
    const coldRows = timeCold(
      `${OUT}/bench-timer`,
      host,
      RUNTIME_UID,
      { warm: rounds, warmup: WARMUP, cold: coldRounds },
      IMAGE_ENV,
    );
    const cold = renderCold(coldRows, { warm: rounds, cold: coldRounds }, kernel);
    return `${render(results, notes)}\n${renderDockerExec(execRows, execRounds)}\n${cold}`;
  } finally {
    await ct.destroy();
  }
}

/** Contract §12's relay: start-up, throughput and memory on a terminal root's shell holds, beside sudo's use_pty. */
async function terminalSection(): Promise<string> {
  const ct = await Container.create({ config, shim: `${OUT}/${config.name}`, cli: "probe" });
  try {
    const copyIn = async (from: string, to: string) =>
      ct.ok(`cat > ${to} && chmod 0755 ${to}`, { input: await readFile(from) });
    await copyIn(`${OUT}/noop`, TARGET);
    await copyIn(`${OUT}/pty-timer`, "/usr/local/bin/pty-timer");
    await copyIn(`${OUT}/${config.name}`, `${BIN}/${config.name}`);
    if (baseline) {
      await ct.ok(`mkdir -p ${BASELINE.slice(0, BASELINE.lastIndexOf("/"))}`);
      await copyIn(baseline, BASELINE);
    }
    // sudo as Debian ships it, with use_pty set as sudo 1.9.14 and later default to.
    await ct.ok("echo 'Defaults use_pty' > /etc/sudoers.d/use_pty && chmod 0440 /etc/sudoers.d/use_pty");
    const terminalRows = await timeTerminal(
      ct,
      "/usr/local/bin/pty-timer",
      TARGET,
      [
        { label: "direct exec of the CLI, as hermes", uid: RUNTIME_UID, argv: [TARGET] },
        { label: "s6-setuidgid alone (the terminal handed over)", uid: 0, argv: [config.helper, config.user, TARGET] },
        {
          label: "s6-applyuidgid alone (the terminal handed over)",
          uid: 0,
          argv: [config.groupsHelper, "-u", `${RUNTIME_UID}`, "-g", `${RUNTIME_UID}`, "-G", `${RUNTIME_UID}`, TARGET],
          role: "handover",
        },
        {
          label: "sudo -u hermes, Defaults use_pty",
          uid: 0,
          argv: ["/usr/bin/sudo", "-u", config.user, TARGET],
          role: "sudo",
        },
        { label: "this shim, as root: the drop, relayed", uid: 0, argv: [`${BIN}/${config.name}`], role: "relay" },
        ...(baseline
          ? [{ label: "previous build (--baseline), as root: the drop, relayed", uid: 0, argv: [BASELINE] }]
          : []),
        {
          label: "this shim, as root: the drop, no terminal",
          uid: 0,
          argv: [`${BIN}/${config.name}`],
          detached: true,
          role: "unrelayed",
        },
        { label: "this shim, as hermes: the pass-through", uid: RUNTIME_UID, argv: [`${BIN}/${config.name}`] },
      ],
      { startup: terminalRounds, throughput: Math.max(3, Math.round(terminalRounds / 20)) },
    );
    return renderTerminal(terminalRows, {
      startup: terminalRounds,
      throughput: Math.max(3, Math.round(terminalRounds / 20)),
    });
  } finally {
    await ct.destroy();
  }
}

const teardown = await setup();
try {
  const markdown =
    only === "doctor"
      ? await doctorSection()
      : only === "pids"
        ? await pidsSection()
        : only === "terminal"
          ? await terminalSection()
          : `${await startupSections()}\n${await terminalSection()}\n${await pidsSection()}\n${await doctorSection()}`;
  await writeFile(`${REPO}/dist/${only === undefined ? "bench" : `bench-${only}`}.md`, markdown);
  process.stdout.write(markdown);
} finally {
  await teardown();
}
