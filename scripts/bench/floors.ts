/**
 * The benchmark's floor: a Bun executable that does nothing but exec, built
 * the cheapest way Bun starts (bytecode, no start-up config lookups), in two
 * variants so the cheaper one can be the floor.
 */
export const FLOOR_VARIANTS = {
  execve: "process.execve",
  ffi: "bun:ffi execv",
} as const;

export type FloorVariant = keyof typeof FLOOR_VARIANTS;

const FLAGS = [
  "--compile",
  "--minify",
  "--bytecode",
  "--no-compile-autoload-dotenv",
  "--no-compile-autoload-bunfig",
  "--no-compile-autoload-tsconfig",
  "--no-compile-autoload-package-json",
];

/** Builds a floor that execs `argv` followed by the caller's arguments. */
export async function buildFloor(variant: FloorVariant, argv: readonly string[], outfile: string): Promise<void> {
  const build = Bun.spawn(
    [
      process.execPath,
      "build",
      ...FLAGS,
      `--define=FLOOR_ARGV=${JSON.stringify(argv)}`,
      "--outfile",
      outfile,
      `${import.meta.dir}/floor-${variant}.ts`,
    ],
    { stdout: "ignore", stderr: "inherit" },
  );
  if ((await build.exited) !== 0) throw new Error(`bench: building the ${variant} floor for ${argv[0]} failed`);
}
