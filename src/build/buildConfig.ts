/**
 * The build's side of the configuration: the defaults a product name gives, and the settings given as text
 * resolved and checked into the ShimConfig (src/core/config.ts) that scripts/build.ts bakes into the binary.
 * Nothing at run time imports it.
 */
import { type BootVar, DEFAULT_BOOT_ENV } from "../core/bootEnv.ts";
import type { Command, ShimConfig } from "../core/config.ts";
import { adminName, productVar } from "../core/name.ts";

/** Build settings as text. `commands` holds `--command` values, `NAME` or `NAME=PATH`; `bootEnv` `--boot-env` values, `VAR` or `VAR:program`. */
export type ConfigInput = Partial<Record<Exclude<keyof ShimConfig, "commands" | "bootEnv">, string>> & {
  commands?: string[];
  bootEnv?: string[];
};

const NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
const UMASK = /^0?[0-7]{3}$/;

/** The console scripts a product's package installs; Hermes's are hermes, hermes-agent and hermes-acp. */
export function defaultCommandNames(name: string): string[] {
  return [name, `${name}-agent`, `${name}-acp`];
}

/** Where a command's real program lives unless `--command NAME=PATH` says otherwise. */
export function defaultTarget(product: string, command: string): string {
  return `/opt/${product}/.venv/bin/${command}`;
}

/** Every default derives from the product name, the way a fork renames Hermes. */
export function defaultsFor(name: string): ShimConfig {
  return {
    name,
    commands: defaultCommandNames(name).map((c) => ({ name: c, target: defaultTarget(name, c) })),
    user: name,
    helper: "/command/s6-setuidgid",
    groupsHelper: "/command/s6-applyuidgid",
    home: "/opt/data",
    optOutVar: productVar(name, "DOCKER_EXEC_AS_ROOT"),
    umask: 0o002,
    scanDir: "/run/service",
    bootEnv: DEFAULT_BOOT_ENV.map((v) => ({ ...v })),
  };
}

function isCleanAbsolute(path: string): boolean {
  return /^(\/[^/\0]+)+$/.test(path) && !/\/\.\.?(\/|$)/.test(path);
}

/** `--command` values, or the product's defaults when none is given: any --command replaces the whole list. */
function resolveCommands(product: string, specs: readonly string[] | undefined, errors: string[]): Command[] {
  const list = specs ?? defaultCommandNames(product);
  if (list.length === 0) errors.push("command list is empty: give at least one --command NAME[=PATH]");
  const commands: Command[] = [];
  for (const spec of list) {
    const eq = spec.indexOf("=");
    // Stryker disable next-line EqualityOperator: a spec that starts with = fails the name check with the same message, as "" or whole
    const name = eq < 0 ? spec : spec.slice(0, eq);
    const target = eq < 0 ? defaultTarget(product, name) : spec.slice(eq + 1);
    const what = `command ${JSON.stringify(spec)}${specs ? "" : ` (a default of --name ${product}; set --command)`}`;
    if (!NAME.test(name)) errors.push(`${what}: the name must be 1-32 characters a-z 0-9 _ -, starting with a letter`);
    else if (name === adminName(product))
      errors.push(`${what}: ${name} is the admin name of this build (${name} explain, ${name} doctor)`);
    else if (commands.some((c) => c.name === name)) errors.push(`${what}: ${name} is given more than once`);
    if (!isCleanAbsolute(target)) errors.push(`${what}: the path must be a clean absolute path`);
    commands.push({ name, target });
  }
  return commands;
}

/** `--boot-env` values: any replaces the default list as a whole. */
function resolveBootEnv(specs: readonly string[], errors: string[]): BootVar[] {
  const vars: BootVar[] = [];
  for (const spec of specs) {
    const program = spec.endsWith(":program");
    const name = program ? spec.slice(0, -":program".length) : spec;
    const what = `boot-env ${JSON.stringify(spec)}`;
    if (!VAR.test(name)) errors.push(`${what}: use VAR or VAR:program, VAR a valid variable name`);
    else if (vars.some((v) => v.name === name)) errors.push(`${what}: ${name} is given more than once`);
    vars.push({ name, program });
  }
  return vars;
}

/** Build-time validation: a bad value fails the build, never the container. */
export function resolveConfig(input: ConfigInput): { config: ShimConfig } | { errors: string[] } {
  const errors: string[] = [];
  const name = input.name ?? "hermes";
  if (!NAME.test(name))
    errors.push(`name ${JSON.stringify(name)}: use 1-32 characters a-z 0-9 _ -, starting with a letter`);
  const base = defaultsFor(NAME.test(name) ? name : "hermes");
  const config: ShimConfig = {
    name,
    commands: resolveCommands(base.name, input.commands, errors),
    user: input.user ?? base.user,
    helper: input.helper ?? base.helper,
    groupsHelper: input.groupsHelper ?? base.groupsHelper,
    home: input.home ?? base.home,
    optOutVar: input.optOutVar ?? base.optOutVar,
    umask: input.umask === undefined ? base.umask : Number.parseInt(input.umask, 8),
    scanDir: input.scanDir ?? base.scanDir,
    bootEnv: input.bootEnv === undefined ? base.bootEnv : resolveBootEnv(input.bootEnv, errors),
  };
  if (!USER.test(config.user)) errors.push(`user ${JSON.stringify(config.user)}: not a portable user name`);
  // The drop exists to leave root: a build that drops to root would run every root call as root, unsaid.
  else if (config.user === "root")
    errors.push(
      `user "root"${input.user === undefined ? ` (the default of --name ${name}; set --user)` : ""}: ` +
        "the user root's calls drop to must not be root itself; name the unprivileged user the runtime runs as",
    );
  for (const [key, flag] of [
    ["helper", "helper"],
    ["groupsHelper", "groups-helper"],
    ["home", "home"],
    ["scanDir", "scan-dir"],
  ] as const) {
    if (!isCleanAbsolute(config[key]))
      errors.push(`${flag} ${JSON.stringify(config[key])}: must be a clean absolute path`);
  }
  if (!VAR.test(config.optOutVar))
    errors.push(`opt-out-var ${JSON.stringify(config.optOutVar)}: not a valid variable name`);
  if (input.umask !== undefined && !UMASK.test(input.umask))
    errors.push(`umask ${JSON.stringify(input.umask)}: use three octal digits, e.g. 002`);
  return errors.length > 0 ? { errors } : { config };
}
