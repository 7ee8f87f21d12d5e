/**
 * Texts of the admin CLI that depend on nothing but the build: its usage, its version, and the
 * configuration baked into the build as explain, doctor and --version show it.
 */
import { BOOT_ENV_DIR } from "../../core/bootEnv.ts";
import type { ShimConfig } from "../../core/config.ts";
import { adminName } from "../../core/name.ts";
import { octal } from "../../core/node.ts";
import { listNames } from "../../core/words.ts";

/** Two-column text layout shared by the admin commands' human output. */
export type Row = readonly [label: string, value: string];

export function table(rows: readonly Row[], indent = "  "): string {
  const width = Math.max(0, ...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `${indent}${label.padEnd(width)}${value}\n`).join("");
}

export function configRows(config: ShimConfig): Row[] {
  return [
    ["product name", config.name],
    // One row per command, each with its own target: `command hermes-agent  /opt/hermes/.venv/bin/hermes-agent`.
    ...config.commands.map((c): Row => [`command ${c.name}`, c.target]),
    ["runtime user", config.user],
    ["helper", config.helper],
    ["groups helper", config.groupsHelper],
    ["home", config.home],
    ["opt-out variable", config.optOutVar],
    ["umask", octal(config.umask)],
    ["scan directory", config.scanDir],
    [
      "boot environment",
      `${listNames(config.bootEnv.map((v) => (v.program ? `${v.name} (an executable file)` : v.name)))} from ${BOOT_ENV_DIR}, where the caller lacks it`,
    ],
  ];
}

/** For --json: the umask as the octal text operators write, not a bare number. */
export function configJson(config: ShimConfig): Omit<ShimConfig, "umask"> & { umask: string } {
  return { ...config, umask: octal(config.umask) };
}

export function usageText(config: ShimConfig): string {
  const admin = adminName(config.name);
  const names = listNames(config.commands.map((c) => c.name));
  return `Usage: ${admin} COMMAND [OPTIONS]

Administers the ${config.name} exec shim. Under the names ${names} the
same binary is the shim itself, runs that command's own CLI, and never reads
its arguments.

Commands:
  explain [COMMAND] [--json] [-- ARGS...]
        Show what \`COMMAND ARGS...\` would do here and why: the facts the
        shim sees and the plan it makes from them. Runs nothing. COMMAND
        defaults to ${config.name}.
  doctor [--fix] [--json]
        Check the installation (every command's CLI and link on PATH, and
        executables in the venv that PATH reaches unguarded) and that
        ${config.user} owns or can read everything under ${config.home}.
        Exit 0 when healthy, 1 otherwise.
        Where s6 supervises services over ${config.scanDir}, also that
        ${config.user} can control them and that nobody but root can change
        what s6 runs as root.
        --fix (as root) gives what is not ${config.user}'s under ${config.home}
        to ${config.user}, never following symlinks, never leaving the
        filesystem, never touching files with other hard links; and gives
        group ${config.user} the services' control FIFOs, nothing more.

Options:
  --json        machine-readable output
  -h, --help    show this help
  --version     show the version and the configuration baked into this build
`;
}

export function versionText(config: ShimConfig, version: string): string {
  return `${adminName(config.name)} ${version}\nconfiguration (baked in at build time):\n${table(configRows(config))}`;
}

export function usageError(config: ShimConfig, message: string): string {
  const admin = adminName(config.name);
  return `${admin}: ${message}\nTry '${admin} --help'.\n`;
}
