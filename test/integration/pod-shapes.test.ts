/**
 * The shapes a Kubernetes pod gives the container, made with `ctr run` on containerd, the runtime under
 * the kubelet (docs/engines.md): a hardened capability set, none at all, a read-only root filesystem,
 * runAsUser: 10000, and hostUsers: false. One container each, all side by side.
 */
import { statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CtrContainer } from "../container/engineContainer.ts";
import { perDescribe } from "../container/perDescribe.ts";
import { DROPPED } from "../container/standin.ts";
import { engines } from "../platform/engines.ts";

/** containerd's default capabilities; ctr's --cap-drop takes no ALL. */
const DEFAULT_CAPS = [
  ...["CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID", "SETFCAP"],
  ...["SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE"],
];
/** `--cap-drop` for every default capability but `keep`, as a pod's drop: [ALL] plus add: keep. */
const onlyCaps = (keep: string[]) =>
  DEFAULT_CAPS.filter((cap) => !keep.includes(cap)).flatMap((cap) => ["--cap-drop", `CAP_${cap}`]);

async function drops(ct: CtrContainer) {
  expect(await ct.exec(["hermes", "config", "set", "model", "opus"])).toMatchObject({ code: 0, stderr: "" });
  expect(await ct.ok("stat -c '%U:%G %a' /opt/data/config.yaml")).toBe("hermes:hermes 600\n");
  expect((await ct.exec(["hermes", "whoami"])).stdout).toBe(DROPPED);
}

const capEff = async (ct: CtrContainer) => (await ct.ok("grep CapEff /proc/self/status")).split(/\s+/)[1];

describe.concurrent("root with only SETUID, SETGID, CHOWN and DAC_OVERRIDE", () => {
  const ct = perDescribe(() =>
    CtrContainer.create({ runArgs: onlyCaps(["SETUID", "SETGID", "CHOWN", "DAC_OVERRIDE"]) }),
  );
  it("root drops to hermes and writes hermes-owned files, under no_new_privs (ctr's default)", async () => {
    expect(await capEff(ct())).toBe("00000000000000c3");
    expect(await ct().ok("grep NoNewPrivs /proc/self/status")).toMatch(/NoNewPrivs:\s+1\n$/);
    await drops(ct());
  });
});

describe.concurrent("no capabilities at all (a pod's drop: [ALL])", () => {
  const ct = perDescribe(() => CtrContainer.create({ runArgs: onlyCaps([]) }));
  it("root: 126, naming the capabilities and the remedies, and the CLI never ran", async () => {
    expect(await capEff(ct())).toBe("0000000000000000");
    const r = await ct().exec(["hermes", "config", "set", "should", "not"]);
    expect(r).toMatchObject({ code: 126, stdout: "" });
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("root here lacks CAP_SETUID and CAP_SETGID");
    expect(lines[1]).toContain("HERMES_DOCKER_EXEC_AS_ROOT=1");
    expect((await ct().run("test -e /opt/data/config.yaml")).code).not.toBe(0);
  });
  it("as hermes it passes through, and the opt-out keeps root", async () => {
    expect((await ct().exec(["hermes", "whoami"], { user: "hermes" })).stdout).toMatch(/^uid=10000 /);
    expect((await ct().exec(["hermes", "whoami"], { env: { HERMES_DOCKER_EXEC_AS_ROOT: "1" } })).stdout).toMatch(
      /^uid=0 /,
    );
  });
});

describe.concurrent("readOnlyRootFilesystem, the data on a volume of its own", () => {
  const ct = perDescribe(() =>
    CtrContainer.create({
      runArgs: ["--read-only", "--mount", "type=tmpfs,src=tmpfs,dst=/opt/data,options=uid=10000:gid=10000:mode=0755"],
    }),
  );
  it("root drops to hermes and writes hermes-owned files", async () => {
    expect((await ct().run("touch /etc/probe")).stderr).toContain("Read-only file system");
    await drops(ct());
  });
});

describe.concurrent("runAsUser: 10000 (the image's USER)", () => {
  const ct = perDescribe(() => CtrContainer.create({ image: "nonroot" }));
  it("the exec is hermes already: the shim passes straight through, and its files are hermes's", async () => {
    const r = await ct().exec(["hermes", "whoami"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/^uid=10000 gid=10000 .* umask=0022\n$/);
    expect(await ct().exec(["hermes", "login", "nous"])).toMatchObject({ code: 0 });
    expect(await ct().ok("stat -c '%U:%G %a' /opt/data/auth.json")).toBe("hermes:hermes 600\n");
  });
});

describe.concurrent("hostUsers: false (a user namespace of the container's own)", () => {
  const ct = perDescribe(() => CtrContainer.createUserNamespaced());
  it("root there is a subordinate uid of the host's, and still drops: hermes is another", async () => {
    const { subid } = engines().rootless;
    expect((await ct().ok("cat /proc/self/uid_map")).trim().split(/\s+/)).toEqual(["0", `${subid}`, "65536"]);
    await drops(ct());
    const onHost = statSync(ct().hostPath("/opt/data/config.yaml"));
    expect([onHost.uid, onHost.gid]).toEqual([subid + 10000, subid + 10000]);
  });
});
