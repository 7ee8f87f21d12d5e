/**
 * Compiles src/main.ts into one executable with a configuration baked in.
 * Usage: bun scripts/build.ts [--check] [--outfile FILE] [--platform bun-linux-x64]
 *        [--name N] [--command NAME[=PATH]]... [--user U] [--helper PATH] [--groups-helper PATH]
 *        [--home PATH]
 *        [--opt-out-var VAR] [--umask 002] [--scan-dir PATH] [--boot-env VAR[:program]]...
 * --check validates the settings, builds nothing, and prints the command names one a line.
 */
import minimist from "minimist";
import { type ConfigInput, resolveConfig } from "../src/build/buildConfig.ts";
import { SYSCALLS } from "../src/sys/syscalls.ts";

const SETTINGS = {
  name: "name",
  user: "user",
  helper: "helper",
  "groups-helper": "groupsHelper",
  home: "home",
  "opt-out-var": "optOutVar",
  umask: "umask",
  "scan-dir": "scanDir",
} as const;

const args = minimist(process.argv.slice(2), {
  string: [...Object.keys(SETTINGS), "command", "boot-env", "outfile", "platform"],
  // --check: validate the settings and stop, so install.sh refuses bad ones before building anything.
  boolean: ["check"],
  unknown: (flag) => {
    if (!flag.startsWith("-")) return true;
    if (/^--target(=|$)/.test(flag)) console.error("build: --target is gone: use --command NAME=PATH for each command");
    else console.error(`build: unknown option ${flag}`);
    process.exit(2);
  },
});

const input: ConfigInput = {};
for (const [flag, key] of Object.entries(SETTINGS)) {
  const value = args[flag];
  if (value === undefined) continue;
  if (Array.isArray(value)) {
    console.error(`build: --${flag} is given more than once`);
    process.exit(2);
  }
  input[key] = String(value);
}
// Repeatable; any --command replaces the default list (NAME, NAME-agent, NAME-acp) as a whole.
if (args.command !== undefined) input.commands = [args.command].flat().map(String);
// Repeatable too; any --boot-env replaces the default (AGENT_BROWSER_EXECUTABLE_PATH:program) as a whole.
if (args["boot-env"] !== undefined) input.bootEnv = [args["boot-env"]].flat().map(String);
const resolved = resolveConfig(input);
if ("errors" in resolved) {
  for (const e of resolved.errors) console.error(`build: ${e}`);
  process.exit(2);
}
const { config } = resolved;
if (args.check) {
  // install.sh reads these to link every name to the binary.
  for (const command of config.commands) console.log(command.name);
  process.exit(0);
}
// The shim calls some syscalls by number: an architecture it has no numbers for is refused here, never guessed.
const platform = args.platform ?? `bun-linux-${process.arch}`;
const arch = /^bun-linux-([a-z0-9]+)(-|$)/.exec(platform)?.[1];
if (arch === undefined || !Object.hasOwn(SYSCALLS, arch)) {
  console.error(
    `build: cannot build for ${platform}: the shim runs on Linux, on ${Object.keys(SYSCALLS).join(" or ")}`,
  );
  process.exit(2);
}
const outfile = args.outfile ?? `dist/${config.name}`;
const { version } = (await Bun.file(`${import.meta.dir}/../package.json`).json()) as { version: string };

const build = Bun.spawnSync(
  [
    process.execPath,
    "build",
    "--compile",
    "--minify",
    // Start-up is the shim's whole cost (npm run bench): bytecode skips parsing; ESM because main.ts awaits the
    // admin CLI's import, which splitting keeps in a chunk of its own that an ordinary call never loads.
    "--bytecode",
    // Thresholds a million times the JIT's own: an ordinary call's code never tiers up, so the runtime starts no
    // compiler thread, which would need a pid the pids cgroup may not have (src/core/threads.ts).
    "--compile-jit-policy=1000000",
    "--format=esm",
    "--splitting",
    // contract §4: nothing in the working directory may steer a root process.
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    "--no-compile-autoload-tsconfig",
    "--no-compile-autoload-package-json",
    `--target=${platform}`,
    `--define=SHIM_CONFIG=${JSON.stringify(config)}`,
    `--define=SHIM_VERSION=${JSON.stringify(version)}`,
    "--outfile",
    outfile,
    `${import.meta.dir}/../src/main.ts`,
  ],
  { stdout: "inherit", stderr: "inherit" },
);
if (build.exitCode !== 0) process.exit(build.exitCode ?? 1);
