/**
 * Issue 7: `npm run release` is reproducible, its SHA256SUMS checks, and each
 * artifact is built for the machine and C library its name promises. The
 * musl builds cannot run on Debian (they load a musl libstdc++ and libgcc_s,
 * which Alpine ships as `libstdc++` and `libgcc`), so their ELF headers are
 * checked instead: the loader they ask for and every library they need.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { release } from "./release-run.ts";

const glibc = (loader: string) => ["libc.so.6", loader, "libpthread.so.0", "libdl.so.2", "libm.so.6"];
const X64 = "Advanced Micro Devices X86-64";

const ARTIFACTS = {
  "hermes-linux-x64": {
    machine: X64,
    interpreter: "/lib64/ld-linux-x86-64.so.2",
    needed: glibc("ld-linux-x86-64.so.2"),
  },
  "hermes-linux-x64-baseline": {
    machine: X64,
    interpreter: "/lib64/ld-linux-x86-64.so.2",
    needed: glibc("ld-linux-x86-64.so.2"),
  },
  "hermes-linux-arm64": {
    machine: "AArch64",
    interpreter: "/lib/ld-linux-aarch64.so.1",
    needed: glibc("ld-linux-aarch64.so.1"),
  },
  "hermes-linux-x64-musl": {
    machine: X64,
    interpreter: "/lib/ld-musl-x86_64.so.1",
    needed: ["libstdc++.so.6", "libc.musl-x86_64.so.1"],
  },
  "hermes-linux-arm64-musl": {
    machine: "AArch64",
    interpreter: "/lib/ld-musl-aarch64.so.1",
    needed: ["libstdc++.so.6", "libc.musl-aarch64.so.1"],
  },
};

let first = "";
let second = "";
beforeAll(async () => {
  first = await release();
  second = await release();
}, 600_000);
afterAll(() => {
  for (const dir of [first, second]) if (dir) rmSync(dir, { recursive: true, force: true });
});

function readelf(flag: string, file: string): string {
  const r = spawnSync("readelf", ["--wide", flag, file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`readelf ${flag} ${file}: ${r.error ?? r.stderr}`);
  return r.stdout;
}

const field = (header: string, name: string) => header.match(new RegExp(`^\\s*${name}:\\s*(.*)$`, "m"))?.[1];

it("two runs from the same commit give identical bytes", () => {
  const names = readdirSync(first).sort();
  expect(readdirSync(second).sort()).toEqual(names);
  for (const name of names) {
    expect(readFileSync(`${second}/${name}`).equals(readFileSync(`${first}/${name}`)), name).toBe(true);
  }
});

it("SHA256SUMS lists exactly the five artifacts and sha256sum -c accepts it", () => {
  const sums = readFileSync(`${first}/SHA256SUMS`, "utf8");
  const listed = sums
    .trimEnd()
    .split("\n")
    .map((line) => line.split("  ")[1]);
  expect(listed).toEqual(Object.keys(ARTIFACTS).sort());
  expect(readdirSync(first).sort()).toEqual([...listed, "SHA256SUMS"].sort());
  const check = spawnSync("sha256sum", ["--check", "--strict", "SHA256SUMS"], { cwd: first, encoding: "utf8" });
  expect(check.status, check.stdout + check.stderr).toBe(0);
});

describe.each(Object.entries(ARTIFACTS))("%s", (name, want) => {
  it(`is a 64-bit little-endian executable for ${want.machine}`, () => {
    const header = readelf("--file-header", `${first}/${name}`);
    expect(field(header, "Class")).toBe("ELF64");
    expect(field(header, "Data")).toBe("2's complement, little endian");
    expect(field(header, "Type")).toMatch(/^(EXEC|DYN) /);
    expect(field(header, "Machine")).toBe(want.machine);
  });

  it(`is loaded by ${want.interpreter}`, () => {
    const interpreters = [
      ...readelf("--program-headers", `${first}/${name}`).matchAll(/program interpreter: ([^\]]+)\]/g),
    ];
    expect(interpreters.map((m) => m[1])).toEqual([want.interpreter]);
  });

  it(`needs exactly ${want.needed.join(", ")}`, () => {
    const needed = [...readelf("--dynamic", `${first}/${name}`).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)];
    expect(needed.map((m) => m[1]).sort()).toEqual([...want.needed].sort());
  });
});
