/**
 * install.sh never produces an installation the shim itself would warn about or refuse (doctor's "shim"
 * check): the file and every directory it creates are root's, mode 0755, no setuid or setgid bit,
 * whatever umask the installer runs under.
 */
import { lstatSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../container/container.ts";
import { outcome } from "../platform/spawn.ts";

let top: string;
beforeAll(() => {
  top = mkdtempSync(join(tmpdir(), "hermes-install-"));
});
afterAll(() => rmSync(top, { recursive: true, force: true }));

describe("install.sh --prefix", () => {
  it.each(["000", "002", "022", "077"])(
    "under umask %s: root-owned, 0755, no setuid/setgid, nothing writable by others",
    async (umask) => {
      const prefix = join(top, `u${umask}`, "opt/hermes/bin");
      const script = `umask ${umask} && ./install.sh --prefix "$0" --admin-link`;
      const r = await outcome(["sh", "-c", script, prefix], { cwd: REPO });
      expect(r.code, r.stderr).toBe(0);
      const shim = lstatSync(join(prefix, "hermes"));
      expect(shim.isFile()).toBe(true);
      expect(shim.uid).toBe(0);
      expect(shim.mode & 0o7777).toBe(0o755);
      expect(lstatSync(join(prefix, "hermes-exec-shim")).isSymbolicLink()).toBe(true);
      // Every directory install.sh created on the way.
      for (let dir = prefix; dir !== join(top, `u${umask}`); dir = join(dir, "..")) {
        const st = lstatSync(dir);
        expect({ dir, uid: st.uid, mode: (st.mode & 0o7777).toString(8) }).toEqual({ dir, uid: 0, mode: "755" });
      }
    },
  );
});
