import { describe, expect, it } from "vitest";
import { mayAccess, READ, SEARCH, WRITE } from "../../src/core/access.ts";

const hermes = { uid: 10000, groups: [10000, 27] };

describe("mayAccess", () => {
  it.each([
    ["its own 0600 file", { uid: 10000, gid: 0, mode: 0o100600 }, READ | WRITE, true],
    ["its own 0000 file", { uid: 10000, gid: 10000, mode: 0o100000 }, READ, false],
    ["a root 0600 file", { uid: 0, gid: 0, mode: 0o100600 }, READ, false],
    ["a root 0644 file", { uid: 0, gid: 0, mode: 0o100644 }, READ, true],
    ["a root:hermes 0640 file", { uid: 0, gid: 10000, mode: 0o100640 }, READ, true],
    ["a file of a supplementary group", { uid: 0, gid: 27, mode: 0o100640 }, READ, true],
    ["a root 0755 dir, to write", { uid: 0, gid: 0, mode: 0o040755 }, WRITE | SEARCH, false],
    ["a root 0744 dir, to read and search", { uid: 0, gid: 0, mode: 0o040744 }, READ | SEARCH, false],
    ["a root 1777 dir, to write", { uid: 0, gid: 0, mode: 0o041777 }, WRITE | SEARCH, true],
  ])("%s", (_, node, want, expected) => {
    expect(mayAccess(node, hermes, want)).toBe(expected);
  });

  it("lets the first matching class decide, as the kernel does", () => {
    expect(mayAccess({ uid: 10000, gid: 0, mode: 0o100044 }, hermes, READ)).toBe(false);
    expect(mayAccess({ uid: 0, gid: 10000, mode: 0o100604 }, hermes, READ)).toBe(false);
  });
});
