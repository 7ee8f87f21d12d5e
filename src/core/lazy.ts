/**
 * A fact gathered only when a rule asks for it, and then once: the trust of the boot's environment directory
 * (bootEnv.ts), which every call would otherwise pay for, is examined only for a file that could be taken.
 */
export interface Lazy<T> {
  (): T;
  /** The value if a rule asked for it, else undefined: explain shows only what was examined. */
  taken(): T | undefined;
}

export function lazy<T>(gather: () => T): Lazy<T> {
  let value: { of: T } | undefined;
  const get = (): T => {
    value ??= { of: gather() };
    return value.of;
  };
  return Object.assign(get, { taken: () => value?.of });
}

/** A fact already in hand: the unit tests'. */
export function gathered<T>(value: T): Lazy<T> {
  return Object.assign(() => value, { taken: () => value });
}
