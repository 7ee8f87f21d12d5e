/** The configuration baked into this build, as explain, doctor and --version show it. */
import type { ShimConfig } from "../../core/config.ts";
import { octal } from "../../core/node.ts";
import type { Row } from "./table.ts";

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
  ];
}

/** For --json: the umask as the octal text operators write, not a bare number. */
export function configJson(config: ShimConfig): Omit<ShimConfig, "umask"> & { umask: string } {
  return { ...config, umask: octal(config.umask) };
}
