/**
 * What a build of the shim is for. Baked into the binary at build time
 * (contract §4: no runtime config file is ever read), so a fork gets its own
 * product name, commands, user and paths without editing source. Resolved on
 * the build's side (src/build/buildConfig.ts): every run-time import is a type.
 */
import type { BootVar } from "./bootEnv.ts";

/** One name the binary answers to, and the real program it guards under that name. */
export interface Command {
  /** The command users type: the last path element of argv[0]. */
  name: string;
  /** Absolute path of the real program (a console script in the product's venv). */
  target: string;
}

export interface ShimConfig {
  /** Product name: the admin name NAME-exec-shim and every default derive from it. */
  name: string;
  /** Every name the binary is installed under, each with its own target. Never empty. */
  commands: Command[];
  /** Unprivileged runtime user that root invocations drop to; never root (resolveConfig refuses it). */
  user: string;
  /** Absolute path of a helper called as `HELPER USER PROGRAM ARGS…`. */
  helper: string;
  /**
   * Absolute path of s6-applyuidgid, called as `GROUPS_HELPER -u UID -g GID -G GID,… PROGRAM ARGS…` in place of
   * the helper when the drop adds the groups the container runtime granted (contract §11).
   */
  groupsHelper: string;
  /** HOME given to the CLI on the drop path. */
  home: string;
  /** Environment variable whose strictly truthy value keeps root. */
  optOutVar: string;
  /** umask on the drop path, so files stay group-readable for the runtime. */
  umask: number;
  /** Where s6-svscan supervises the runtime's services, when it does: doctor checks that tree. */
  scanDir: string;
  /** The variables every caller that lacks them gets from the boot's environment (contract §15). */
  bootEnv: BootVar[];
}
