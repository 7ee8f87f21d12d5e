import { describe, expect, it } from "vitest";
import { resolveCommand } from "../../../src/admin/core/pathLookup.ts";

const programs =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p);

describe("resolveCommand", () => {
  it("takes the first directory holding the program", () => {
    const is = programs("/usr/bin/hermes", "/opt/hermes/bin/hermes");
    expect(resolveCommand("/opt/hermes/bin:/usr/bin", "hermes", is)).toBe("/opt/hermes/bin/hermes");
    expect(resolveCommand("/usr/local/bin:/usr/bin:/opt/hermes/bin", "hermes", is)).toBe("/usr/bin/hermes");
  });

  it("reads an empty entry as the current directory, and tolerates trailing slashes", () => {
    expect(resolveCommand("/bin::/usr/bin", "hermes", programs("./hermes", "/usr/bin/hermes"))).toBe("./hermes");
    expect(resolveCommand("/opt/hermes/bin/", "hermes", programs("/opt/hermes/bin/hermes"))).toBe(
      "/opt/hermes/bin/hermes",
    );
    expect(resolveCommand("/", "hermes", programs("/hermes"))).toBe("/hermes");
  });

  it("finds nothing when no directory holds it", () => {
    expect(resolveCommand("/usr/bin:/bin", "hermes", programs())).toBeUndefined();
  });
});
