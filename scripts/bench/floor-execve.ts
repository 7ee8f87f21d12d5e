/**
 * Benchmark floor, first variant: the cheapest exec Bun offers out of the box,
 * with no checks at all. FLOOR_ARGV (the program and the arguments before the
 * caller's) is baked in at build time, as the shim's configuration is.
 */
declare const FLOOR_ARGV: [string, ...string[]];

if (!process.execve) throw new Error("this Bun has no process.execve");
process.execve(FLOOR_ARGV[0], [...FLOOR_ARGV, ...process.argv.slice(2)], process.env);
