/**
 * contract §16 on the real engine: one home whatever environment the session starts with. A session that lost the
 * image's environment (an SSH login, `su -`, `bash -l`, `env -i`, an exec wrapper that cleans it) has no
 * HERMES_HOME and often HOME=/root; the stand-in CLI then resolves its home as the real one does ($HOME/.hermes).
 * Each case asserts where the operator's write landed and who owns it, and what the CLI was handed.
 */
import { describe, expect, it } from "vitest";
import { Container } from "../container/container.ts";
import { perDescribe } from "../container/perDescribe.ts";

const ADMIN = "hermes-exec-shim";
const LOGIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const ct = perDescribe(async () => {
  const c = await Container.create();
  // The admin name, as install.sh --admin-link makes it.
  await c.ok(`ln -s hermes /opt/hermes/bin/${ADMIN}`);
  return c;
});

/** An empty home, and nothing in the places a split home lands. */
const reset = () => ct().ok("find /opt/data -mindepth 1 -delete; rm -rf /root/.hermes /srv/state");

/** Where `config set` wrote: every config.yaml in the places a home could be, with its owner. */
async function written(): Promise<string> {
  return ct().ok(
    "for f in /opt/data/config.yaml /opt/data/.hermes/config.yaml /root/.hermes/config.yaml /srv/state/config.yaml; do " +
      '[ -e "$f" ] && stat -c "%n %U" "$f"; done; true',
  );
}

/** The session's environment, as a shell prelude: HERMES_HOME unset, empty or blank, and HOME=/root. */
const SESSIONS = [
  ["unset", "env -u HERMES_HOME HOME=/root"],
  ["empty", "env HERMES_HOME= HOME=/root"],
  ["blank", "env HERMES_HOME='  ' HOME=/root"],
] as const;

describe("a blank HERMES_HOME gets the gateway's, on every path", () => {
  it.each(SESSIONS)(
    "%s, root's drop: /opt/data/config.yaml, the runtime user's; nothing under a .hermes",
    async (_, env) => {
      await reset();
      const r = await ct().run(`${env} hermes config set model opus`);
      expect(r).toMatchObject({ code: 0, stderr: "" });
      expect(await written()).toBe("/opt/data/config.yaml hermes\n");
    },
  );

  it.each(SESSIONS)("%s, as hermes (the pass-through): /opt/data/config.yaml, no traceback", async (_, env) => {
    await reset();
    const r = await ct().run(`${env} hermes config set model opus`, { asRuntimeUser: true });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(await written()).toBe("/opt/data/config.yaml hermes\n");
  });

  it.each(SESSIONS)("%s, the opt-out: /opt/data/config.yaml, as root chose, not /root/.hermes", async (_, env) => {
    await reset();
    const r = await ct().run(`${env} HERMES_DOCKER_EXEC_AS_ROOT=1 hermes config set model opus`);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(await written()).toBe("/opt/data/config.yaml root\n");
  });

  it("a value the caller set is kept as it is", async () => {
    await reset();
    await ct().ok("mkdir -p /srv/state && chown hermes:hermes /srv/state");
    const r = await ct().run("env HERMES_HOME=/srv/state HOME=/root hermes config set model opus");
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(await written()).toBe("/srv/state/config.yaml hermes\n");
  });

  it("explain says where the CLI's home came from, and every variable the drop changed", async () => {
    const out = await ct().ok(`env -u HERMES_HOME HOME=/root ${ADMIN} explain`);
    expect(out).toContain(
      "  CLI home       HERMES_HOME=\"/opt/data\", the build's --home: the caller's was unset or blank, and the boot's is " +
        "not taken: the boot did not set it (no /run/s6/container_environment/HERMES_HOME)\n",
    );
    expect(out).toMatch(
      /\n {2}environment +HOME=\/opt\/data USER=hermes LOGNAME=hermes HERMES_HOME=\/opt\/data, the rest as given\n/,
    );
    expect(out).toContain("    HERMES_HOME  the caller's was unset or blank: the build's home\n");
    const kept = await ct().ok(`${ADMIN} explain`);
    expect(kept).toContain('  CLI home       HERMES_HOME="/opt/data", as the caller set it\n');
  });
});

describe("sessions that start without the image's environment", () => {
  it("su -: a login shell finds the shim (/usr/local/bin), and the write lands in /opt/data", async () => {
    await reset();
    const r = await ct().run("su - -c 'command -v hermes && hermes config set model opus'");
    expect(r).toMatchObject({ code: 0, stdout: "/usr/local/bin/hermes\nset model\n", stderr: "" });
    expect(await written()).toBe("/opt/data/config.yaml hermes\n");
  });

  it("bash -l from a cleaned environment, as an SSH login starts", async () => {
    await reset();
    const r = await ct().run("env -i HOME=/root TERM=dumb bash -l -c 'hermes config set model opus'");
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(await written()).toBe("/opt/data/config.yaml hermes\n");
  });

  it("env -i: no PATH, no HOME, nothing at all", async () => {
    await reset();
    const r = await ct().run("env -i /opt/hermes/bin/hermes config set model opus");
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(await written()).toBe("/opt/data/config.yaml hermes\n");
  });
});

describe("the drop's variables that name the user name the runtime user", () => {
  const VARS = "hermes getenv HOME USER LOGNAME XDG_RUNTIME_DIR";

  it("root's USER, LOGNAME and runtime directory: hermes's names, and root's directory not handed on", async () => {
    await ct().ok("mkdir -p -m 0700 /run/user/0");
    const r = await ct().run(`env USER=root LOGNAME=root XDG_RUNTIME_DIR=/run/user/0 ${VARS}`);
    expect(r).toMatchObject({
      code: 0,
      stdout: "HOME=/opt/data\nUSER=hermes\nLOGNAME=hermes\nXDG_RUNTIME_DIR unset\n",
      stderr: "",
    });
    const out = await ct().ok(`env XDG_RUNTIME_DIR=/run/user/0 ${ADMIN} explain`);
    expect(out).toContain(`    XDG_RUNTIME_DIR  "/run/user/0" is not hermes's own: it is uid 0's, not hermes's\n`);
  });

  it("the runtime user's own runtime directory is handed on", async () => {
    await ct().ok("mkdir -p -m 0700 /run/user/10000 && chown hermes:hermes /run/user/10000");
    const r = await ct().run(`env XDG_RUNTIME_DIR=/run/user/10000 ${VARS}`);
    expect(r.stdout).toBe("HOME=/opt/data\nUSER=hermes\nLOGNAME=hermes\nXDG_RUNTIME_DIR=/run/user/10000\n");
  });

  it("the pass-through and the opt-out change none of them", async () => {
    const env = "env USER=root LOGNAME=root XDG_RUNTIME_DIR=/run/user/0 HOME=/root";
    expect(await ct().ok(`${env} HERMES_DOCKER_EXEC_AS_ROOT=1 ${VARS}`)).toBe(
      "HOME=/root\nUSER=root\nLOGNAME=root\nXDG_RUNTIME_DIR=/run/user/0\n",
    );
    expect(await ct().ok(`${env} ${VARS}`, { asRuntimeUser: true })).toBe(
      "HOME=/root\nUSER=root\nLOGNAME=root\nXDG_RUNTIME_DIR=/run/user/0\n",
    );
  });
});

describe("doctor: a split home, and what a login shell reaches", () => {
  it("a .hermes under root's home and under the gateway's: named, with what they hold and the way back; --fix merges neither", async () => {
    await reset();
    await ct().ok("hermes config set model opus");
    await ct().ok(
      "mkdir -p /root/.hermes/skills && echo '{}' > /root/.hermes/auth.json && echo 'model: x' > /root/.hermes/config.yaml",
    );
    await ct().ok(
      "mkdir -p /opt/data/.hermes && echo '{}' > /opt/data/.hermes/auth.json && chown -R hermes:hermes /opt/data/.hermes",
    );
    for (const flags of ["", "--fix"]) {
      const r = await ct().doctor(flags);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(
        "PROBLEM  /root/.hermes, under root's home /root, holds the hermes CLI's state (auth.json, config.yaml and skills), " +
          "which the gateway never reads: a session without HERMES_HOME wrote it there; /opt/data has config.yaml and " +
          "skills too, which the copy keeps\n",
      );
      expect(r.stdout).toContain(
        "remedy: bring back what /opt/data lacks: cp -an /root/.hermes/. /opt/data/ (never overwrites), merge " +
          "config.yaml by hand, run hermes-exec-shim doctor --fix as root, then remove /root/.hermes; doctor --fix " +
          "never merges it by itself\n",
      );
      expect(r.stdout).toContain(
        "PROBLEM  /opt/data/.hermes, under the gateway's home /opt/data, holds the hermes CLI's state (auth.json), " +
          "which the gateway never reads: a session without HERMES_HOME wrote it there\n",
      );
    }
    expect(await ct().ok("cat /opt/data/config.yaml; ls /opt/data/auth.json 2>&1; true")).not.toContain("model: x");
    await reset();
    expect((await ct().doctor()).stdout).not.toContain(".hermes");
  });

  it("a login shell's PATH: each entry point is the shim; one missing is a note", async () => {
    const healthy = await ct().doctor();
    expect(healthy.stdout).toContain(
      "ok       on a login shell's PATH, hermes (/usr/local/bin/hermes), hermes-agent (/usr/local/bin/hermes-agent) " +
        "and hermes-acp (/usr/local/bin/hermes-acp) are this shim\n",
    );
    await ct().ok("rm /usr/local/bin/hermes-acp");
    try {
      const r = await ct().doctor();
      expect(r.stdout).toContain(
        `note     hermes-acp is not on a login shell's PATH (${LOGIN_PATH}, as Debian's /etc/profile sets root's): ` +
          "su -, bash -l and SSH logins find none\n",
      );
    } finally {
      await ct().ok("ln -s /opt/hermes/bin/hermes-acp /usr/local/bin/hermes-acp");
    }
  });
});
