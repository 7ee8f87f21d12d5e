import { describe, expect, it } from "vitest";
import { bytes, envValues, envWith, nameText, text as shown, splitNul, utf8 } from "../../src/core/bytes.ts";

const b = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? [...bytes(p)] : p)));
const text = (list: Uint8Array[]) => list.map((x) => Buffer.from(x).toString("latin1"));

describe("splitNul", () => {
  it("keeps empty strings and arbitrary bytes", () => {
    expect(text(splitNul(b("a", [0], [0], "b c", [0, 0xff, 0xfe, 0], "\n", [0])))).toEqual([
      "a",
      "",
      "b c",
      "\xff\xfe",
      "\n",
    ]);
  });
  it("handles no trailing NUL and empty input", () => {
    expect(text(splitNul(b("x", [0], "y")))).toEqual(["x", "y"]);
    expect(splitNul(new Uint8Array())).toEqual([]);
  });
});

describe("envValues", () => {
  const env = [b("A=1"), b("AB=2"), b("A"), b("A="), b("A=x=y", [0xff])];
  it("matches the whole name only, in order, with empty values", () => {
    expect(text(envValues(env, "A"))).toEqual(["1", "", "x=y\xff"]);
    expect(envValues(env, "B")).toEqual([]);
  });
});

describe("envWith", () => {
  it("replaces the first entry in place and drops duplicates", () => {
    const env = [b("X=1"), b("HOME=/root"), b("Y=", [0xff]), b("HOME=/other")];
    expect(text(envWith(env, "HOME", "/opt/data"))).toEqual(["X=1", "HOME=/opt/data", "Y=\xff"]);
  });
  it("appends when absent", () => {
    expect(text(envWith([b("X=1")], "HOME", "/opt/data"))).toEqual(["X=1", "HOME=/opt/data"]);
  });
  it("leaves similar names alone", () => {
    expect(text(envWith([b("HOMEDIR=/x")], "HOME", "/h"))).toEqual(["HOMEDIR=/x", "HOME=/h"]);
  });
});

describe("decoding", () => {
  it("shows bytes that are not UTF-8 as U+FFFD, and hands them on only as UTF-8", () => {
    expect(shown(b("a", [0xff], "b"))).toBe("a\ufffdb");
    expect(utf8(b("a", [0xff], "b"))).toBeUndefined();
    expect(utf8(b("/opt/data é"))).toBe("/opt/data é");
    expect(utf8(b(""))).toBe("");
  });

  it("reads a listed name without the NUL the *at calls need", () => {
    expect(nameText(b("auth.json", [0]))).toBe("auth.json");
    expect(nameText(b([0]))).toBe("");
  });
});
