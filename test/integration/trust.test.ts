/** contract §4: nothing the runtime user can write steers the shim while it runs as root. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Container } from "../container/container.ts";

let ct: Container;
beforeAll(async () => {
  ct = await Container.create();
});
afterAll(() => ct.destroy());

const PWNED = "/tmp/pwned";
const noCodeRan = async () => expect((await ct.run(`test -e ${PWNED}`)).code).not.toBe(0);

describe("a hostile working directory, written by the runtime user", () => {
  beforeAll(async () => {
    await ct.ok(
      [
        "mkdir -p /opt/data/work && cd /opt/data/work",
        `printf 'require("fs").writeFileSync("${PWNED}", "preload")\\n' > evil.js`,
        `printf 'preload = ["./evil.js"]\\n[run]\\nbun = true\\n' > bunfig.toml`,
        "printf 'HERMES_DOCKER_EXEC_AS_ROOT=1\\nLD_PRELOAD=/opt/data/work/evil.so\\nBUN_OPTIONS=--preload=./evil.js\\n' > .env",
        `printf '{"name":"x","scripts":{"preinstall":"touch ${PWNED}"},"bun":{"preload":["./evil.js"]}}' > package.json`,
        `printf '{"compilerOptions":{"paths":{"*":["./evil.js"]}}}' > tsconfig.json`,
      ].join(" && "),
      { asRuntimeUser: true },
    );
  });

  it("changes nothing: root still drops, no code runs, no loader complaint", async () => {
    const r = await ct.run("cd /opt/data/work && hermes whoami");
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/^uid=10000 /);
    await noCodeRan();
  });

  it("nor under the opt-out or for the pass-through", async () => {
    expect((await ct.run("cd /opt/data/work && HERMES_DOCKER_EXEC_AS_ROOT=1 hermes --version")).code).toBe(0);
    expect(await ct.ok("cd /opt/data/work && hermes --version", { asRuntimeUser: true })).toBe("hermes-standin 1.0\n");
    await noCodeRan();
  });

  it("nor with the same files in $HERMES_HOME itself", async () => {
    await ct.ok("cp -a /opt/data/work/. /opt/data/", { asRuntimeUser: true });
    expect(await ct.ok("cd /opt/data && HERMES_HOME=/opt/data hermes whoami")).toMatch(/^uid=10000 /);
    await noCodeRan();
  });
});

describe("the helper", () => {
  const FAKE = "/opt/data/bin/s6-setuidgid";
  beforeAll(async () => {
    await ct.ok(
      `mkdir -p /opt/data/bin && printf '#!/bin/sh\\ntouch ${PWNED}\\nexec "$@"\\n' > ${FAKE} && chmod 0755 ${FAKE}`,
      {
        asRuntimeUser: true,
      },
    );
  });
  const withFakeFirst = () => ({ ...ct.baseEnv(), PATH: `/opt/data/bin:${ct.baseEnv().PATH}` });

  it("is never looked up on PATH, even a fake one first on it", async () => {
    expect(await ct.ok("hermes whoami", { env: withFakeFirst() })).toMatch(/^uid=10000 /);
    await noCodeRan();
  });

  it("is not replaced by one on PATH when it is missing: 126", async () => {
    await ct.withoutDropPrograms(async () => {
      expect((await ct.run("hermes whoami", { env: withFakeFirst() })).code).toBe(126);
      await noCodeRan();
    });
  });

  // What root execs for hermes, who is in /etc/passwd: s6-applyuidgid (contract §11).
  it.each([
    ["replaced by a hermes-owned copy", "chown hermes /command/s6-applyuidgid", "owned by uid 10000, not root"],
    ["made world-writable", "chmod 0777 /command/s6-applyuidgid", "writable by its group and others (mode 0777)"],
    ["made group-writable", "chmod 0775 /command/s6-applyuidgid", "writable by its group (mode 0775)"],
    ["in a world-writable directory", "chmod 0777 /command", "/command is writable by its group and others"],
    ["in a directory hermes owns", "chown hermes /command", "/command is owned by uid 10000"],
    [
      "a symlink into hermes's tree",
      `mv /command/s6-applyuidgid /command/real && ln -s ${FAKE} /command/s6-applyuidgid`,
      "/opt/data is owned by uid 10000",
    ],
  ])("s6-applyuidgid %s is refused like a missing helper: 126 naming file and reason", async (_, change, reason) => {
    await ct.altered(
      `rm -rf /tmp/command.saved && cp -a /command /tmp/command.saved && ${change}`,
      "rm -rf /command && cp -a /tmp/command.saved /command",
      async () => {
        const r = await ct.run("hermes config set should not");
        expect(r.code).toBe(126);
        expect(r.stderr).toContain(reason);
        expect(r.stderr).toContain("refusing to run hermes as root");
        expect(r.stdout).toBe("");
        await noCodeRan();
      },
    );
  });

  it("an s6-setuidgid hermes replaced is never run while s6-applyuidgid drops: one exec, the ids the shim read", async () => {
    await ct.altered(
      `rm -rf /tmp/command.saved && cp -a /command /tmp/command.saved && mv /command/s6-setuidgid /command/real && ln -s ${FAKE} /command/s6-setuidgid`,
      "rm -rf /command && cp -a /tmp/command.saved /command",
      async () => {
        expect(await ct.ok("hermes whoami")).toMatch(/^uid=10000 /);
        await noCodeRan();
      },
    );
  });

  it("without s6-applyuidgid, the helper is what root runs, and one hermes could replace is refused: 126", async () => {
    await ct.without("/command/s6-applyuidgid", () =>
      ct.altered("chown hermes /command/s6-setuidgid", "chown root /command/s6-setuidgid", async () => {
        const r = await ct.run("hermes whoami");
        expect(r).toMatchObject({ code: 126, stdout: "" });
        expect(r.stderr).toContain(
          "hermes: will not trust /command/s6-setuidgid: /command/s6-setuidgid is owned by uid 10000, not root;",
        );
        await noCodeRan();
      }),
    );
  });
});

describe("the opt-out", () => {
  it("still runs a CLI hermes can rewrite (a venv given to hermes, as older images do), but says who can", async () => {
    await ct.altered("chown -R hermes:hermes /opt/hermes/.venv", "chown -R root:root /opt/hermes/.venv", async () => {
      const r = await ct.run("HERMES_DOCKER_EXEC_AS_ROOT=1 hermes whoami");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^uid=0 /);
      expect(r.stderr).toBe(
        "hermes: warning: HERMES_DOCKER_EXEC_AS_ROOT keeps root, but /opt/hermes/.venv is owned by uid 10000, not root: whoever can write there can run code as root\n",
      );
    });
  });

  it("is silent when root owns the whole chain", async () => {
    expect(await ct.run("HERMES_DOCKER_EXEC_AS_ROOT=1 hermes whoami")).toMatchObject({ code: 0, stderr: "" });
  });
});

describe("load", () => {
  // Inside the container, so without the engine's own cost per call; operator.test.ts's concurrent docker
  // exec is the same property the way operators reach in. 100 keep the machine's cores busy for long enough.
  it("100 concurrent root invocations all drop: nothing lost or mis-owned", async () => {
    const out = await ct.ok(
      [
        "rm -rf /opt/data/notes /tmp/codes && mkdir /tmp/codes",
        'for i in $(seq 100); do (hermes note "n$i"; echo $? > "/tmp/codes/$i") & done; wait',
        "cat /tmp/codes/* | sort | uniq -c",
        "ls /opt/data/notes | wc -l",
        "find /opt/data/notes -type f ! -user hermes | wc -l",
        "cat /opt/data/notes/* | sort | uniq -c",
      ].join("\n"),
    );
    // 100 runtimes, helpers and CLIs on the machine's cores: as long as the exec takes, on a busy machine.
    expect(out.split("\n").map((l) => l.trim())).toEqual(["100 0", "100", "0", "100 10000", ""]);
  });
});
