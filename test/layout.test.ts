/**
 * Folders say who pays: src/core and src/sys run on every call, src/root
 * only on root's drop, src/relay only where root's terminal is relayed,
 * src/admin only under the admin name, and src/build only when the shim is
 * built. Imports run one way, so an ordinary call never reaches for what only
 * root's path, the relay or the admin CLI uses, and pure code never reaches
 * for an effect.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../src");

/** Which folders each folder may import from (its own included). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  core: ["core"],
  sys: ["core", "sys"],
  "root/core": ["core", "root/core"],
  "root/sys": ["core", "sys", "root/core", "root/sys"],
  "relay/core": ["core", "relay/core"],
  "relay/sys": ["core", "sys", "relay/core", "relay/sys"],
  "admin/core": ["core", "root/core", "admin/core"],
  "admin/sys": ["core", "sys", "root/core", "root/sys", "admin/core", "admin/sys"],
  build: ["core", "build"],
  ".": ["core", "sys", "root/core", "root/sys"],
};
const PACKAGES: Record<string, readonly string[]> = {
  sys: ["bun:ffi"],
  "relay/sys": ["bun:ffi"],
  "admin/core": ["minimist"],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(resolve(dir, e.name)) : e.name.endsWith(".ts") ? [resolve(dir, e.name)] : [],
  );
}

/** Static imports and re-exports; `import("…")` is the only on-demand form and is listed apart. */
function imports(text: string): { static: string[]; dynamic: string[] } {
  const found = (re: RegExp) => [...text.matchAll(re)].map((m) => m[1] as string);
  return {
    static: found(/^(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"/gms),
    dynamic: found(/\bimport\(\s*"([^"]+)"\s*\)/g),
  };
}

const folderOf = (file: string) => relative(SRC, dirname(file)) || ".";

describe("src layout", () => {
  const files = sources(SRC);

  it("has only these folders and main.ts", () => {
    expect(new Set(files.map(folderOf))).toEqual(new Set(Object.keys(MAY_IMPORT)));
    expect(files.filter((f) => folderOf(f) === ".").map((f) => relative(SRC, f))).toEqual(["main.ts"]);
  });

  it.each(files.map((f) => [relative(SRC, f), f]))("%s imports only what its folder may", (_, file) => {
    const folder = folderOf(file);
    const found = imports(readFileSync(file, "utf8"));
    for (const spec of found.static) {
      if (!spec.startsWith(".")) {
        expect(PACKAGES[folder] ?? [], `${spec} in ${folder}`).toContain(spec);
        continue;
      }
      expect(MAY_IMPORT[folder], `${spec}`).toContain(folderOf(resolve(dirname(file), spec)));
    }
    // main.ts loads, on demand only, the path without bun:ffi, the admin CLI and the terminal relay.
    const lazy = folder === "." ? ["./sys/portable.ts", "./admin/sys/cli.ts", "./relay/sys/relay.ts"] : [];
    expect(found.dynamic).toEqual(lazy);
  });

  it("the check sees imports (it is not vacuous)", () => {
    const main = imports(readFileSync(resolve(SRC, "main.ts"), "utf8"));
    expect(main.static).toContain("./core/decide.ts");
    expect(main.dynamic).toEqual(["./sys/portable.ts", "./admin/sys/cli.ts", "./relay/sys/relay.ts"]);
  });
});
