import { describe, expect, it } from "vitest";
import { holds, homeTrees, ownFiles, treeName, whyNotWalked } from "../../../src/admin/core/homeTrees.ts";
import { defaultsFor } from "../../../src/build/buildConfig.ts";

const config = defaultsFor("hermes");
const build = { path: "/opt/data", variable: null };

describe("homeTrees", () => {
  it("the build's home alone, when HERMES_HOME is unset, the same, or inside it", () => {
    expect(homeTrees(config, undefined)).toEqual([build]);
    expect(homeTrees(config, "/opt/data")).toEqual([build]);
    expect(homeTrees(config, "/opt//data/./")).toEqual([build]);
    expect(homeTrees(config, "/opt/data/profile")).toEqual([build]);
  });

  it("another directory is walked too, named by its variable", () => {
    expect(homeTrees(config, "/srv/state/")).toEqual([build, { path: "/srv/state", variable: "HERMES_HOME" }]);
    expect(homeTrees(config, "/opt/database")).toEqual([build, { path: "/opt/database", variable: "HERMES_HOME" }]);
    expect(homeTrees(defaultsFor("my-fork"), "/srv")).toEqual([
      { path: "/opt/data", variable: null },
      { path: "/srv", variable: "MY_FORK_HOME" },
    ]);
  });
});

describe("a second home that holds the image's own files is never walked", () => {
  const own = ownFiles(config, "/opt/hermes/bin/hermes");
  const other = { path: "/x", variable: "HERMES_HOME" };

  it("/, /opt, the shim's directory: refused, naming what it holds", () => {
    expect(whyNotWalked(other, "/", own)).toBe(
      "holds the image's own files (/opt/hermes/bin/hermes): doctor neither checks nor changes them",
    );
    expect(whyNotWalked(other, "/opt/hermes", own)).toContain("(/opt/hermes/bin/hermes)");
    expect(whyNotWalked(other, "/opt/hermes/.venv/bin", own)).toContain("(/opt/hermes/.venv/bin/hermes)");
    expect(whyNotWalked(other, "/command", own)).toContain("(/command/s6-setuidgid)");
    expect(whyNotWalked(other, "/run", own)).toContain("(/run/service)");
  });

  it("a directory of its own, or beside them, is walked", () => {
    expect(whyNotWalked(other, "/srv/state", own)).toBeUndefined();
    expect(whyNotWalked(other, "/opt/hermes-data", own)).toBeUndefined();
    expect(whyNotWalked(build, "/", own)).toBeUndefined();
  });

  it("holds compares whole names, resolved paths unknown are skipped", () => {
    expect(holds("/opt/dat", ["/opt/data"])).toBeUndefined();
    expect(holds("/opt", [undefined, "/opt/data"])).toBe("/opt/data");
  });
});

describe("treeName", () => {
  it("the build's home by its path, another by its variable and path", () => {
    expect(treeName(build)).toBe("/opt/data");
    expect(treeName({ path: "/srv/state", variable: "HERMES_HOME" })).toBe("HERMES_HOME /srv/state");
  });
});
