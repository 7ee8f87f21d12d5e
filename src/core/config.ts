/**
 * What a build of the shim is for. Baked into the binary at build time
 * (README §4: no runtime config file is ever read), so a fork gets its own
 * product name, user and paths without editing source.
 */
export interface ShimConfig {
  /** Product name: the command users type and the binary's file name. */
  name: string;
  /** Unprivileged runtime user that root invocations drop to. */
  user: string;
  /** Absolute path of the real CLI. */
  target: string;
  /** Absolute path of a helper called as `HELPER USER PROGRAM ARGS…`. */
  helper: string;
  /** HOME given to the CLI on the drop path. */
  home: string;
  /** Environment variable whose strictly truthy value keeps root. */
  optOutVar: string;
  /** umask on the drop path, so files stay group-readable for the runtime. */
  umask: number;
}

export type ConfigInput = Partial<Record<keyof ShimConfig, string>>;

const NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
const UMASK = /^0?[0-7]{3}$/;

/** Every default derives from the product name, the way a fork renames Hermes. */
export function defaultsFor(name: string): ShimConfig {
  return {
    name,
    user: name,
    target: `/opt/${name}/.venv/bin/${name}`,
    helper: "/command/s6-setuidgid",
    home: "/opt/data",
    optOutVar: `${name.toUpperCase().replaceAll("-", "_")}_DOCKER_EXEC_AS_ROOT`,
    umask: 0o002,
  };
}

function isCleanAbsolute(path: string): boolean {
  return /^(\/[^/\0]+)+$/.test(path) && !/\/\.\.?(\/|$)/.test(path);
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
    user: input.user ?? base.user,
    target: input.target ?? base.target,
    helper: input.helper ?? base.helper,
    home: input.home ?? base.home,
    optOutVar: input.optOutVar ?? base.optOutVar,
    umask: input.umask === undefined ? base.umask : Number.parseInt(input.umask, 8),
  };
  if (!USER.test(config.user)) errors.push(`user ${JSON.stringify(config.user)}: not a portable user name`);
  for (const key of ["target", "helper", "home"] as const) {
    if (!isCleanAbsolute(config[key]))
      errors.push(`${key} ${JSON.stringify(config[key])}: must be a clean absolute path`);
  }
  if (!VAR.test(config.optOutVar))
    errors.push(`opt-out-var ${JSON.stringify(config.optOutVar)}: not a valid variable name`);
  if (input.umask !== undefined && !UMASK.test(input.umask))
    errors.push(`umask ${JSON.stringify(input.umask)}: use three octal digits, e.g. 002`);
  return errors.length > 0 ? { errors } : { config };
}
