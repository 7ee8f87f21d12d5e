/**
 * A fact gathered only when a rule asks for it, and then once. Root's path reads what the branch decide() takes
 * needs (the runtime user, its groups, the terminal, the homes) without src/sys working that branch out again.
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

/** A fact already in hand: the unit tests', and explain's. */
export function known<T>(value: T): Lazy<T> {
  return Object.assign(() => value, { taken: () => value });
}

/** A fact gathered for the value a rule hands it, once: decide() asks with the one value it worked out. */
export interface LazyOf<A, T> {
  (arg: A): T;
  /** The value if a rule asked for it, else undefined. */
  taken(): T | undefined;
}

export function lazyOf<A, T>(gather: (arg: A) => T): LazyOf<A, T> {
  let value: { of: T } | undefined;
  const get = (arg: A): T => {
    value ??= { of: gather(arg) };
    return value.of;
  };
  return Object.assign(get, { taken: () => value?.of });
}
