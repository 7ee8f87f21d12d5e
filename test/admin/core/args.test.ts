import { describe, expect, it } from "vitest";
import { parseAdminArgs } from "../../../src/admin/core/args.ts";

describe("parseAdminArgs", () => {
  it.each([
    [["--help"], { kind: "help" }],
    [["-h"], { kind: "help" }],
    [["doctor", "--help"], { kind: "help" }],
    [["--version"], { kind: "version" }],
    [["explain"], { kind: "explain", json: false, command: null, args: [] }],
    [["explain", "--json"], { kind: "explain", json: true, command: null, args: [] }],
    [
      ["--json", "explain", "--", "auth", "list"],
      { kind: "explain", json: true, command: null, args: ["auth", "list"] },
    ],
    [
      ["explain", "--", "--help", "-e", "", "007"],
      { kind: "explain", json: false, command: null, args: ["--help", "-e", "", "007"] },
    ],
    [["explain", "hermes-agent"], { kind: "explain", json: false, command: "hermes-agent", args: [] }],
    [
      ["explain", "hermes-acp", "--json", "--", "serve"],
      { kind: "explain", json: true, command: "hermes-acp", args: ["serve"] },
    ],
    [["explain", "007"], { kind: "explain", json: false, command: "007", args: [] }],
    [["doctor"], { kind: "doctor", json: false, fix: false }],
    [["doctor", "--fix", "--json"], { kind: "doctor", json: true, fix: true }],
  ])("%j", (argv, expected) => {
    expect(parseAdminArgs(argv)).toEqual(expected);
  });

  it.each([
    [[], "missing command (explain or doctor)"],
    [["frobnicate"], 'unknown command "frobnicate"'],
    [["doctor", "--bogus"], "unknown option --bogus"],
    [["-x", "explain"], "unknown option -x"],
    [["--version", "--nope"], "unknown option --nope"],
    [["explain", "auth", "list"], `explain takes one command, not also "list"; put its ARGS after --`],
    [["doctor", "now"], 'doctor takes no argument "now"'],
    [["explain", "--fix"], "--fix belongs to doctor"],
    [["doctor", "--", "x"], "doctor takes no arguments after --"],
  ])("%j is a usage error", (argv, message) => {
    expect(parseAdminArgs(argv)).toEqual({ kind: "usage-error", message });
  });
});
