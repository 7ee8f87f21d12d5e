/**
 * contract §11 on the real engines: the CLI under the drop holds the groups the container runtime granted
 * (docker run --group-add, a Kubernetes fsGroup volume and supplementalGroups, podman --group-add), doctor
 * judges with them, and root's drop names state the runtime user cannot read before the CLI runs.
 */
import { describe, expect, it } from "vitest";
import { Container } from "../container/container.ts";
import { CtrContainer, PodmanContainer } from "../container/engineContainer.ts";
import { perDescribe } from "../container/perDescribe.ts";
import { DROPPED } from "../container/standin.ts";

/** `hermes groups` as the stand-in prints it: ids and every group, sorted. */
const GRANTED = "uid=10000 gid=10000 groups=4242,10000\n";
const ADMIN_LINK = "ln -sf hermes /opt/hermes/bin/hermes-exec-shim";
/**
 * PID 1 `sleep infinity` as root, not through the entrypoint's drop: no process of hermes that the container's
 * start made runs, so the drop is §11's. Where one runs, the drop takes its groups (contract §15,
 * test/integration/gateway-groups.test.ts).
 */
const NO_GATEWAY = ["--entrypoint", "/usr/bin/env"];

describe.concurrent("docker run --group-add 4242 (the gid of a mounted docker.sock), no gateway running", () => {
  const ct = perDescribe(async () => {
    const created = await Container.create({ runArgs: [...NO_GATEWAY, "--group-add", "4242"] });
    await created.ok(ADMIN_LINK);
    return created;
  });

  it("root holds 0 and 4242; the CLI holds 4242 and hermes's own groups, never 0, and nothing is said", async () => {
    expect(await ct().ok("id -G")).toBe("0 4242\n");
    expect(await ct().exec(["hermes", "groups"])).toMatchObject({ code: 0, stdout: GRANTED, stderr: "" });
    expect(await ct().exec(["hermes", "whoami"])).toMatchObject({ code: 0, stdout: DROPPED, stderr: "" });
  });

  it("a docker.sock-style node, root:4242 0660, is the CLI's to use through the group", async () => {
    await ct().ok("install -m 0660 -g 4242 /dev/null /run/docker.sock.probe");
    const probe = "test -r /run/docker.sock.probe && test -w /run/docker.sock.probe && echo usable";
    // The helper alone gives hermes only /etc/group's groups: the way the CLI used to get there.
    const before = await ct().run(`/command/s6-setuidgid hermes sh -c '${probe}'`);
    expect(before).toMatchObject({ code: 1, stdout: "" });
    expect(
      await ct().ok(`HOME=/opt/data /command/s6-applyuidgid -u 10000 -g 10000 -G 10000,4242 sh -c '${probe}'`),
    ).toBe("usable\n");
    expect(await ct().exec(["hermes-agent", "groups"])).toMatchObject({ code: 0, stdout: GRANTED, stderr: "" });
  });

  it("explain shows each group and where it came from, and the plan through s6-applyuidgid", async () => {
    const text = await ct().ok("hermes-exec-shim explain -- groups");
    expect(text).toContain("  groups         10000 (primary group), 4242 (granted by the container runtime)\n");
    expect(text).toContain(
      "  gateway        no gateway of hermes runs (no process of hermes that the container's start made): the drop gives the granted groups\n",
    );
    expect(text).toContain("  groups helper  /command/s6-applyuidgid trusted (resolves to /command/s6-applyuidgid)\n");
    expect(text).toContain(
      "plan: drop to hermes (uid 10000, gid 10000), with the groups the container runtime granted, through /command/s6-applyuidgid\n",
    );
    expect(text).toContain(
      '"/command/s6-applyuidgid" "-u" "10000" "-g" "10000" "-G" "10000,4242" "/opt/hermes/.venv/bin/hermes" "groups"',
    );
  });

  it("the pass-through changes no group: --user hermes holds what the engine gave it", async () => {
    expect(await ct().exec(["hermes", "groups"], { flags: ["--user", "hermes"] })).toMatchObject({
      code: 0,
      stdout: GRANTED,
      stderr: "",
    });
  });

  it("doctor says which groups it judged with", async () => {
    const r = await ct().run("hermes-exec-shim doctor");
    expect(r.stdout.split("\n")[1]).toBe(
      "judged as hermes (uid 10000) with groups 10000 (primary group), 4242 (granted by the container runtime)",
    );
    expect(r.stdout).toContain(
      "ok       the groups helper /command/s6-applyuidgid is trusted (resolves to /command/s6-applyuidgid): root's calls drop through it with the ids in /etc/passwd and the granted groups 4242\n",
    );
  });
});

describe.concurrent("an s6-applyuidgid someone else could replace", () => {
  const granted = perDescribe(() => Container.create({ runArgs: ["--group-add", "4242"] }));
  const plain = perDescribe(() => Container.create());
  const UNTRUSTED = "chmod 0777 /command/s6-applyuidgid";

  it("with a granted group: 126, two lines, and the CLI never ran", async () => {
    const ct = granted();
    await ct.ok(UNTRUSTED);
    const r = await ct.exec(["hermes", "config", "set", "should", "not"]);
    expect(r).toMatchObject({ code: 126, stdout: "" });
    expect(r.stderr).toBe(
      "hermes: will not trust /command/s6-applyuidgid: /command/s6-applyuidgid is writable by its group and others (mode 0777); refusing to run hermes as root.\n" +
        "hermes: run it as hermes (docker exec --user hermes …) or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n",
    );
    expect((await ct.run("test -e /opt/data/config.yaml")).code).not.toBe(0);
  });

  it("with nothing granted too: root would run it all the same, so 126, and no fall-back to s6-setuidgid", async () => {
    const ct = plain();
    await ct.ok(UNTRUSTED);
    const r = await ct.exec(["hermes", "groups"]);
    expect(r).toMatchObject({ code: 126, stdout: "" });
    expect(r.stderr).toContain("hermes: will not trust /command/s6-applyuidgid: /command/s6-applyuidgid is writable");
  });
});

describe.concurrent("an image without s6-applyuidgid (a fork whose helper is gosu), --group-add 4242", () => {
  const held = perDescribe(() =>
    Container.create({ helperSource: "/usr/sbin/gosu", runArgs: [...NO_GATEWAY, "--group-add", "4242"] }),
  );

  it("the drop still happens, without the granted group, and one line names it", async () => {
    const r = await held().exec(["hermes", "groups"]);
    // gosu gives hermes /etc/group's groups alone: none here beyond its primary one.
    expect(r).toMatchObject({ code: 0, stdout: "uid=10000 gid=10000 groups=\n" });
    expect(r.stderr).toBe(
      "hermes: warning: cannot use /command/s6-applyuidgid (/command does not exist), so hermes runs as hermes without the groups the container runtime granted (4242); install s6-applyuidgid at /command/s6-applyuidgid (s6-overlay has it), or rebuild the shim with --groups-helper PATH\n",
    );
  });
});

/** As the kubelet leaves an fsGroup volume that root wrote to: root:2000, setgid directories, group-readable files. */
const FS_GROUP = [
  "chown root:2000 /opt/data && chmod 2775 /opt/data",
  `printf '{"providers": {"nous": {}}}' > /opt/data/auth.json && chown root:2000 /opt/data/auth.json && chmod 0640 /opt/data/auth.json`,
  "mkdir -m 2770 /opt/data/skills && chown root:2000 /opt/data/skills",
  "install -m 0660 -g 2000 /dev/null /opt/data/skills/notes.md",
  ADMIN_LINK,
].join(" && ");

describe.concurrent("a Kubernetes fsGroup volume (--group-add 2000, the home root:2000 with setgid directories)", () => {
  const ct = perDescribe(async () => {
    const created = await Container.create({ runArgs: [...NO_GATEWAY, "--group-add", "2000"] });
    await created.ok(FS_GROUP);
    return created;
  });

  it("root's auth list reads auth.json through the group, and nothing is said; doctor is silent; --fix keeps the group", async () => {
    expect(await ct().exec(["hermes", "auth", "list"])).toMatchObject({ code: 0, stdout: "nous\n", stderr: "" });
    const check = await ct().run("hermes-exec-shim doctor");
    expect(check.code).toBe(0);
    expect(check.stdout).not.toMatch(/^(PROBLEM|note) .*\/opt\/data/m);
    expect(check.stdout).toContain(
      "ok       everything under /opt/data is hermes's or readable by hermes, and open to group 2000 (not in /etc/group) as the home shares it (auth.json and .env stay private)\n",
    );
    const fix = await ct().run("hermes-exec-shim doctor --fix");
    expect(fix.code).toBe(0);
    expect(fix.stdout).toContain("fixed    gave 3 entries under /opt/data to hermes (10000:2000, the tree's group)\n");
    expect(
      await ct().ok("stat -c '%n %U:%g %a' /opt/data /opt/data/auth.json /opt/data/skills /opt/data/skills/notes.md"),
    ).toBe(
      // The top stays root's (contract §14): hermes reaches it through the group, and owning it, the CLI would close it.
      "/opt/data root:2000 2775\n/opt/data/auth.json hermes:2000 640\n/opt/data/skills hermes:2000 2770\n/opt/data/skills/notes.md hermes:2000 660\n",
    );
    expect(await ct().exec(["hermes", "auth", "list"])).toMatchObject({ code: 0, stdout: "nous\n", stderr: "" });
  });
});

// One home, changed case by case: the cases run in order.
describe("state root left unreadable at the top of the home", () => {
  const ct = perDescribe(async () => {
    const created = await Container.create();
    await created.ok(ADMIN_LINK);
    return created;
  });
  const line = (path: string, what: string) =>
    `hermes: warning: hermes (uid 10000) cannot read ${path} (${what}), so the hermes CLI may take it as missing and replace it, or fail; as root, run hermes-exec-shim doctor --fix\n`;

  it("a healthy home: nothing is said", async () => {
    await ct().ok("hermes login nous");
    expect(await ct().exec(["hermes", "auth", "list"])).toMatchObject({ code: 0, stdout: "nous\n", stderr: "" });
  });

  it("root's auth.json and .env are named before the CLI runs, then the CLI runs as it would", async () => {
    await ct().ok(
      "echo '{}' > /opt/data/auth.json && chown root:root /opt/data/auth.json && chmod 0600 /opt/data/auth.json && " +
        "echo OPENAI_API_KEY=k > /opt/data/.env && chmod 0600 /opt/data/.env",
    );
    const r = await ct().exec(["hermes", "--version"]);
    // The CLI's own failure on an .env it cannot read, as upstream's fails on every command, --version included.
    expect(r).toMatchObject({ code: 1, stdout: "" });
    expect(r.stderr).toBe(
      line("/opt/data/.env", "file, uid 0 gid 0, mode 0600") +
        line("/opt/data/auth.json", "file, uid 0 gid 0, mode 0600") +
        "error: cannot load /opt/data/.env: Permission denied\n",
    );
    await ct().ok("rm /opt/data/.env");
    const list = await ct().exec(["hermes", "auth", "list"]);
    expect(list.stderr).toBe(
      `${line("/opt/data/auth.json", "file, uid 0 gid 0, mode 0600")}hermes: not logged in (PermissionError)\n`,
    );
  });

  it("beyond three, a count and where to see them all; doctor --fix makes the home silent again", async () => {
    await ct().ok("for d in a b c d e; do mkdir -m 0700 /opt/data/skill-$d; done");
    const r = await ct().exec(["hermes", "whoami"]);
    expect(r.stdout).toBe(DROPPED);
    expect(r.stderr.split("\n")).toEqual([
      line("/opt/data/auth.json", "file, uid 0 gid 0, mode 0600").trimEnd(),
      line("/opt/data/skill-a", "directory, uid 0 gid 0, mode 0700").trimEnd(),
      line("/opt/data/skill-b", "directory, uid 0 gid 0, mode 0700").trimEnd(),
      "hermes: warning: and 3 more entries in /opt/data that hermes cannot read: hermes-exec-shim doctor lists them",
      "",
    ]);
    await ct().ok("hermes-exec-shim doctor --fix");
    expect(await ct().exec(["hermes", "whoami"])).toMatchObject({ code: 0, stdout: DROPPED, stderr: "" });
  });

  it("the pass-through reads nothing of it", async () => {
    await ct().ok("install -m 0600 /dev/null /opt/data/root-only");
    expect(await ct().exec(["hermes", "whoami"], { flags: ["--user", "hermes"] })).toMatchObject({
      code: 0,
      stderr: "",
    });
  });
});

describe.concurrent("podman run --group-add 4242 (rootful)", () => {
  const held = perDescribe(() =>
    PodmanContainer.create({ rootless: false, runArgs: [...NO_GATEWAY, "--group-add", "4242"] }),
  );

  it("the CLI holds the granted group, never gid 0", async () => {
    const ct = held();
    expect(await ct.ok("id -G")).toMatch(/^0 4242\n$|^4242\n$/);
    expect(await ct.exec(["hermes", "groups"])).toMatchObject({ code: 0, stdout: GRANTED, stderr: "" });
  });
});

describe.concurrent("a pod with supplementalGroups: [4242] (containerd, as kubectl exec arrives)", () => {
  const held = perDescribe(() => CtrContainer.createWithGroups([4242]));

  it("the CLI holds the supplemental group, never gid 0", async () => {
    const ct = held();
    expect(await ct.ok("id -G")).toBe("0 4242\n");
    expect(await ct.exec(["hermes", "groups"])).toMatchObject({ code: 0, stdout: GRANTED, stderr: "" });
    expect(await ct.exec(["hermes", "config", "set", "model", "opus"])).toMatchObject({ code: 0, stderr: "" });
    expect(await ct.ok("stat -c '%U:%G' /opt/data/config.yaml")).toBe("hermes:hermes\n");
  });
});
