import { describe, expect, it } from "vitest";
import { bytes } from "../../src/core/bytes.ts";
import { isAdminName } from "../../src/core/name.ts";

describe("isAdminName", () => {
  it.each(["hermes-exec-shim", "/opt/hermes/bin/hermes-exec-shim", "./hermes-exec-shim", "/hermes-exec-shim"])(
    "%j is the admin name",
    (argv0) => expect(isAdminName(bytes(argv0), "hermes")).toBe(true),
  );

  it.each([
    "hermes",
    "/opt/hermes/bin/hermes",
    "hermes-exec-shim2",
    "xhermes-exec-shim",
    "hermes-exec-shim/",
    "",
    "-hermes-exec-shim",
  ])("%j is not", (argv0) => expect(isAdminName(bytes(argv0), "hermes")).toBe(false));

  it("follows the product name of the build", () => {
    expect(isAdminName(bytes("/usr/bin/rabbit-exec-shim"), "rabbit")).toBe(true);
    expect(isAdminName(bytes("/usr/bin/hermes-exec-shim"), "rabbit")).toBe(false);
  });

  it("treats a missing argv[0] and bytes that are not UTF-8 as the product name", () => {
    expect(isAdminName(undefined, "hermes")).toBe(false);
    expect(isAdminName(new Uint8Array([0xff, 0x2f, 0x68]), "hermes")).toBe(false);
  });
});
