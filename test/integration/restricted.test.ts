/**
 * Restricted pods (issue 44) as Docker's own flags make them: no capabilities, no new privileges, a read-only
 * root, a non-root user with root's leftovers, OpenShift's arbitrary uid in group 0, an init that is not s6's, a
 * pids limit held to what each path needs, and a memory limit under calls started at once. One container each.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PERMISSION_REFUSED } from "../../src/admin/core/finding.ts";
import { Container, JS_ERROR_REPORT, REPO } from "../container/container.ts";
import { perDescribe } from "../container/perDescribe.ts";

/** Bun's crash report, which repeats the command line: never seen, on any path. */
const CRASH_REPORT = /Bun has crashed|panic\(|^Args:|oven-sh|bun\.report/m;
const DROPPED = /^uid=10000 gid=10000 home=\/opt\/data umask=0002\n$/;

/** The admin CLI by its name, whatever the image holds under /opt/hermes/bin (a read-only root cannot link it). */
const admin = (args: string) => `exec -a hermes-exec-shim /opt/hermes/bin/hermes ${args}`;
const runAdmin = (ct: Container, args: string, flags: string[] = []) => ct.exec(["bash", "-c", admin(args)], { flags });

/**
 * Puts nodes in the container's home through the engine (`docker cp -a` of a tar made here), owners and modes
 * as given: a container without capabilities cannot make root's leftovers in hermes's home itself.
 */
function placeInHome(ct: Container, nodes: { name: string; uid: number; mode: number; dir?: boolean }[]): void {
  const tar = spawnSync("python3", ["-c", TAR, JSON.stringify(nodes)]);
  expect(tar.status).toBe(0);
  const cp = spawnSync("docker", ["cp", "-a", "-", `${ct.id}:/opt/data`], { input: tar.stdout });
  expect(cp.stderr.toString()).toBe("");
}
const TAR = `
import io, json, sys, tarfile
out = tarfile.open(fileobj=sys.stdout.buffer, mode="w|")
for n in json.loads(sys.argv[1]):
    info = tarfile.TarInfo(n["name"])
    info.uid = info.gid = n["uid"]
    info.mode = n["mode"]
    info.type = tarfile.DIRTYPE if n.get("dir") else tarfile.REGTYPE
    out.addfile(info, None if n.get("dir") else io.BytesIO(b""))
out.close()
`;

function neverCrashes(r: { stdout: string; stderr: string }) {
  expect(r.stdout + r.stderr).not.toMatch(CRASH_REPORT);
  expect(r.stdout + r.stderr).not.toMatch(JS_ERROR_REPORT);
}

describe.concurrent("--cap-drop ALL", () => {
  const ct = perDescribe(async () => {
    // PID 1 root's own program: the image's entrypoint would drop to hermes, which no capability allows here.
    const c = await Container.create({ runArgs: ["--cap-drop", "ALL", "--entrypoint", "/usr/bin/env"] });
    // The real CLI makes every directory 0700; a root-owned auth.json is what --fix exists to hand over.
    placeInHome(c, [
      { name: "skills", uid: 10000, mode: 0o700, dir: true },
      { name: "skills/SKILL.md", uid: 10000, mode: 0o600 },
      { name: "sessions", uid: 10000, mode: 0o700, dir: true },
      { name: "auth.json", uid: 0, mode: 0o600 },
    ]);
    return c;
  });

  it("root: 126 in the shim's own words, the CLI never ran", async () => {
    const r = await ct().exec(["hermes", "whoami"]);
    expect(r).toMatchObject({ code: 126, stdout: "" });
    expect(r.stderr).toContain("CAP_SETUID and CAP_SETGID");
    neverCrashes(r);
  });

  it("doctor: a problem naming what every root call lacks, what --fix and its own walk cannot do, and the least list", async () => {
    const r = await runAdmin(ct(), "doctor");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^PROBLEM +root here lacks CAP_SETUID and CAP_SETGID: every call of hermes as root refuses \(exit 126\)/m,
    );
    expect(r.stdout).toMatch(/^note +root here lacks CAP_CHOWN and CAP_FOWNER: doctor --fix cannot hand files over/m);
    expect(r.stdout).toMatch(
      /^note +root here lacks CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH: doctor cannot look inside/m,
    );
    expect(r.stdout).toContain("add [SETUID, SETGID] for the drop and the relay, and [CHOWN, FOWNER, DAC_READ_SEARCH]");
    expect(r.stdout).not.toContain("healthy");
  });

  it("what root could not enter is counted as refused by a permission, never put down to a disk or a mount", async () => {
    const r = await runAdmin(ct(), "doctor");
    expect(r.stdout).toMatch(
      /^PROBLEM +2 parts of the tree under \/opt\/data could not be examined: a permission refused doctor$/m,
    );
    expect(r.stdout).toContain("/opt/data/skills (unable to openat /opt/data/skills: Permission denied)");
    expect(r.stdout).toContain(`remedy: ${PERMISSION_REFUSED}`);
    expect(r.stdout).not.toMatch(/disk|NFS|FUSE|flaky/);
  });

  it("--fix: the missing capability is the cause, not the filesystem", async () => {
    const r = await runAdmin(ct(), "doctor --fix");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "1 entry under /opt/data kept its owner: root here lacks CAP_CHOWN and CAP_FOWNER, so doctor --fix cannot hand files over",
    );
    expect(r.stdout).not.toMatch(/filesystem of \/opt\/data refused|NAS share/);
    expect((await ct().exec(["stat", "-c", "%u", "/opt/data/auth.json"])).stdout).toBe("0\n");
  });

  it("as hermes, doctor judges by the bounding set: every root call refuses, a problem", async () => {
    const r = await runAdmin(ct(), "doctor", ["--user", "10000:10000"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^PROBLEM +this container \(its bounding set\) lacks CAP_SETUID and CAP_SETGID/m);
  });
});

describe.concurrent("--security-opt no-new-privileges", () => {
  const ct = perDescribe(() => Container.create({ runArgs: ["--security-opt", "no-new-privileges"] }));
  it("root drops; doctor has nothing to say of capabilities", async () => {
    expect((await ct().exec(["hermes", "whoami"])).stdout).toMatch(DROPPED);
    const r = await runAdmin(ct(), "doctor");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("lacks CAP_");
  });
});

describe.concurrent("--read-only, the home on its volume", () => {
  const ct = perDescribe(() => Container.create({ runArgs: ["--read-only", "--tmpfs", "/tmp"] }));
  it("root drops, and doctor runs and is healthy", async () => {
    expect((await ct().exec(["hermes", "whoami"])).stdout).toMatch(DROPPED);
    const r = await runAdmin(ct(), "doctor");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("healthy");
  });
});

describe.concurrent("--user 10000:10000 with root's leftovers", () => {
  const ct = perDescribe(async () => {
    const c = await Container.create({ runArgs: ["--user", "10000:10000"] });
    const setup = await c.exec(
      [
        "sh",
        "-c",
        "install -d -o 0 -g 0 -m 0700 /opt/data/skills && install -o 0 -g 0 -m 0600 /dev/null /opt/data/auth.json",
      ],
      { flags: ["--user", "0"] },
    );
    expect(setup.code).toBe(0);
    return c;
  });
  it("doctor as hermes: root's 0700 skills/ refused by a permission, told as one; auth.json named", async () => {
    const r = await runAdmin(ct(), "doctor");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/could not be examined: a permission refused doctor$/m);
    expect(r.stdout).toContain("/opt/data/skills (unable to openat /opt/data/skills: Permission denied)");
    expect(r.stdout).not.toMatch(/disk|NFS|FUSE|flaky/);
    expect(r.stdout).toContain("/opt/data/auth.json");
  });
});

describe.concurrent("--user 12345: an arbitrary uid in group 0 (OpenShift), /opt/data not group-writable", () => {
  const ct = perDescribe(() => Container.create({ runArgs: ["--user", "12345"] }));
  const REMEDY =
    "give /opt/data to group 0 with the owner's rights, in the image (chgrp -R 0 /opt/data && chmod -R g=u /opt/data), " +
    "or mount a volume there that uid 12345 can write (one it owns, or fsGroup in the pod's securityContext)";

  it("the pass-through warns for uid 12345 with the remedies that work in such a pod, never a docker exec option", async () => {
    const r = await ct().exec(["hermes", "whoami"]);
    expect(r.stdout).toMatch(/^uid=12345 gid=0 /);
    expect(r.stderr).toBe(
      "hermes: warning: uid 12345 cannot write HERMES_HOME /opt/data: it is owned by uid 10000 gid 10000, mode 0755, " +
        `so the hermes CLI may fail; ${REMEDY}\n`,
    );
  });

  it("doctor, run as 12345, judges the home for it: a problem with the same remedies", async () => {
    const r = await runAdmin(ct(), "doctor");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "PROBLEM  uid 12345, which doctor runs as and the hermes CLI would too, cannot write HERMES_HOME /opt/data",
    );
    expect(r.stdout).toContain(`remedy: ${REMEDY}`);
    // The tree too is judged for uid 12345 and its groups, not for hermes.
    expect(r.stdout).toContain("ok       everything under /opt/data is uid 12345's or readable by uid 12345\n");
  });

  it("given the home as OpenShift's guidelines say (group 0, g=u): silent, and the CLI writes", async () => {
    await ct().exec(["sh", "-c", "mkdir -p /srv/h && chgrp -R 0 /srv/h && chmod -R g=u /srv/h && chmod g+w /srv/h"], {
      flags: ["--user", "0"],
    });
    const r = await ct().exec(["hermes", "config", "set", "model", "opus"], { env: { HERMES_HOME: "/srv/h" } });
    expect(r).toMatchObject({ code: 0, stderr: "" });
  });
});

describe.concurrent("--init: PID 1 is Docker's init, not s6's", () => {
  const ct = perDescribe(() => Container.create({ runArgs: ["--init"] }));
  it("the drop works, and doctor says in one line that services cannot be managed", async () => {
    expect((await ct().exec(["hermes", "whoami"])).stdout).toMatch(DROPPED);
    const r = await runAdmin(ct(), "doctor");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n").filter((l) => l.includes("PID 1"));
    expect(lines).toEqual([
      "note     PID 1 is docker-init, not s6-svscan: no supervision tree here; the drop works, and services cannot be managed from the CLI",
    ]);
  });
});

describe("--pids-limit, every free pid held but what a path needs (test/container/holdpids.py)", () => {
  const ct = perDescribe(async () => {
    const c = await Container.create({ runArgs: ["--pids-limit", "48"] });
    await c.ok("cat > /tmp/holdpids.py", { input: readFileSync(`${REPO}/test/container/holdpids.py`) });
    return c;
  });
  /** The call with no pid free but its own: no thread of the runtime's can start. */
  const held = (command: string, flags: string[] = []) =>
    ct().exec(["bash", "-c", `exec python3 /tmp/holdpids.py 0 ${command}`], { flags });

  it("root's drop, with a few arguments and with 300, needs no pid more", async () => {
    const r = await held("hermes whoami");
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(DROPPED);
    const many = await held("hermes argv0 $(seq 300)");
    expect(many.code).toBe(0);
    neverCrashes(many);
  });

  it("root's drop with 400 variables (a pod's service links) needs no pid more", async () => {
    const vars = Array.from({ length: 400 }, (_, i) => `SVC_${i}_SERVICE_PORT=80`).join(" ");
    const r = await held(`env ${vars} hermes whoami`);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(DROPPED);
  });

  it("the pass-through and the opt-out need no pid more", async () => {
    const pass = await held("hermes whoami", ["--user", "10000:10000"]);
    expect(pass.stdout).toMatch(/^uid=10000 /);
    neverCrashes(pass);
    const kept = await held("env HERMES_DOCKER_EXEC_AS_ROOT=1 hermes whoami");
    expect(kept.stdout).toMatch(/^uid=0 /);
    neverCrashes(kept);
  });

  it("explain and doctor need no pid more", async () => {
    const explained = await held(`bash -c '${admin("explain")}'`);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain("what `hermes` would do here");
    neverCrashes(explained);
    const doctor = await held(`bash -c '${admin("doctor")}'`);
    expect(doctor.code).toBe(0);
    neverCrashes(doctor);
  });

  it("root's shell on a terminal: the relay needs a pid for the CLI alone; short of it, one line", async () => {
    // script(1) forks root's shell, which forks hermes (a command not its last): two pids before the relay's own.
    const onTerminal = (free: number) =>
      ct().exec([
        "bash",
        "-c",
        `exec python3 /tmp/holdpids.py ${free} script -qec 'hermes received whole; exit $?' /dev/null`,
      ]);
    const r = await onTerminal(3);
    expect(r.code).toBe(0);
    // Every byte of the CLI's one JSON line came through the relay, the CLI with no signal blocked.
    expect(r.stdout).toMatch(/received \{"SigBlk": "0{16}".*"umask": "0002"\}\r?\n$/s);
    neverCrashes(r);
    const short = await onTerminal(2);
    expect(short.code).toBe(126);
    expect(short.stdout).toMatch(
      /^hermes: cannot execute \/command\/s6-applyuidgid: resource temporarily unavailable\r?\n$/,
    );
    neverCrashes(short);
  });

  it("the CLI's environment has none of the runtime's options the second run added", async () => {
    const r = await held("hermes received $(seq 100)");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("BUN_JSC_");
  });
});

describe("--memory 512m, root calls started at once", () => {
  const ct = perDescribe(() => Container.create({ runArgs: ["--memory", "512m", "--memory-swap", "512m"] }));
  it("20 at once: every one drops, none crashes", async () => {
    const r = await ct().run(
      "for i in $(seq 20); do (hermes whoami > /tmp/out.$i 2>&1; echo $? > /tmp/code.$i) & done; wait; " +
        "cat /tmp/code.* | sort | uniq -c; cat /tmp/out.*",
    );
    expect(r.stdout).toMatch(/^ +20 0\n/);
    neverCrashes(r);
  });
});
