/**
 * contract §15 on genuine s6-overlay: with `docker run --group-add 4242`, the gateway and the main program start
 * through `s6-setuidgid hermes` and hold 10000 alone. Root's CLI then gets the gateway's groups, explain and doctor
 * say so, and doctor judges a root:4242 0640 auth.json as the gateway finds it. Where no gateway runs, §11's rule.
 */
import { describe, expect, it } from "vitest";
import { Container } from "../container/container.ts";
import { bootOverlay } from "../container/overlay.ts";
import { perDescribe } from "../container/perDescribe.ts";

const GRANT = ["--group-add", "4242"];
/** As root left it before the shim, on a volume shared through the granted group. */
const AUTH_4242 = `printf '{"providers": {"nous": {}}}' > /opt/data/auth.json && chown root:4242 /opt/data/auth.json && chmod 0640 /opt/data/auth.json`;

interface Proc {
  pid: number;
  ppid: number;
  uid: number;
  comm: string;
  groups: string;
}

/** Every process of the container as its /proc/PID/status and comm show it. */
async function processes(ct: Container): Promise<Proc[]> {
  const out = await ct.ok(
    `for d in /proc/[0-9]*; do s=$(cat $d/status 2>/dev/null) || continue; c=$(cat $d/comm 2>/dev/null) || continue; ` +
      `printf '%s\\n' "$s" | awk -v c="$c" '/^Pid:/{p=$2} /^PPid:/{pp=$2} /^Uid:/{u=$2} /^Groups:/{$1=""; g=$0} END{print p, pp, u, c, "|" g}'; done`,
  );
  return out
    .trim()
    .split("\n")
    .map((line) => {
      const [head = "", groups = ""] = line.split("|");
      const [pid, ppid, uid, comm = ""] = head.trim().split(" ");
      return { pid: Number(pid), ppid: Number(ppid), uid: Number(uid), comm, groups: groups.trim() };
    });
}

describe("--group-add 4242, the gateway and the main program started through s6-setuidgid (upstream's way)", () => {
  const ct = perDescribe(async () => {
    const booted = await bootOverlay("healthy", { runArgs: GRANT });
    await booted.ok(AUTH_4242);
    return booted;
  });
  /** The gateway service, the other static service and the main program: hermes's, under root's parents. */
  const gateway = async () => {
    const all = await processes(ct());
    const byPid = new Map(all.map((p) => [p.pid, p]));
    return all.filter((p) => p.uid === 10000 && byPid.get(p.ppid)?.uid === 0);
  };

  it("the gateway holds 10000 alone, while root under docker exec holds 4242", async () => {
    const found = await gateway();
    // The gateway (hermes gateway run), the dashboard and the main program (sleep infinity).
    expect(found.map((p) => p.comm).sort()).toEqual(["hermes", "sleep", "sleep"]);
    for (const p of found) expect(p.groups, `${p.pid} ${p.comm}`).toBe("10000");
    expect(await ct().ok("id -G")).toBe("0 4242\n");
    expect((await ct().run("/command/s6-setuidgid hermes cat /opt/data/auth.json")).stderr).toContain(
      "Permission denied",
    );
  });

  it("root's CLI gets the gateway's groups: not 4242, so auth.json fails for it as for the gateway", async () => {
    expect(await ct().exec(["hermes", "groups"])).toMatchObject({
      code: 0,
      stdout: "uid=10000 gid=10000 groups=10000\n",
    });
    const list = await ct().exec(["hermes", "auth", "list"]);
    expect(list.stderr).toBe(
      "hermes: warning: hermes (uid 10000) cannot read /opt/data/auth.json (file, uid 0 gid 4242, mode 0640), so the hermes CLI may take it as missing and replace it, or fail; as root, run hermes-exec-shim doctor --fix\n" +
        "hermes: not logged in (PermissionError)\n",
    );
  });

  it("explain names the gateway's pids and the group it lacks, and the plan drops without it", async () => {
    const pids = (await gateway()).map((p) => p.pid).sort((a, b) => a - b);
    const text = await ct().ok("hermes-exec-shim explain -- groups");
    expect(text).toContain("  groups         10000 (primary group)\n");
    expect(text).toContain(
      `  gateway        the running gateway of hermes (pids ${pids.join(", ")}) lacks the group 4242 that the container runtime granted ` +
        "(a start through s6-setuidgid takes its groups from /etc/group alone), so the drop leaves it out: " +
        "what works from docker exec works in the gateway\n",
    );
    expect(text).toContain("plan: drop to hermes (uid 10000, gid 10000) through /command/s6-applyuidgid\n");
    expect(text).toContain('"-G" "10000" "/opt/hermes/.venv/bin/hermes" "groups"');
  });

  it("doctor judges with the gateway's groups: root:4242 0640 auth.json is no longer ok, and the note says why", async () => {
    const pids = (await gateway()).map((p) => p.pid).sort((a, b) => a - b);
    const r = await ct().run("hermes-exec-shim doctor");
    expect(r.code).toBe(1);
    const lines = r.stdout.split("\n");
    expect(lines[1]).toBe(
      `judged as hermes (uid 10000) with groups 10000 (primary group), as the running gateway holds them (pids ${pids.join(", ")})`,
    );
    expect(r.stdout).toContain(
      `note     the running gateway of hermes (pids ${pids.join(", ")}) lacks the group 4242 that the container runtime granted`,
    );
    expect(r.stdout).toContain(
      "remedy: to give them to the gateway and the CLI both, list hermes in each in the image's /etc/group (groupadd -g 4242 NAME && usermod -aG NAME hermes), then restart the gateway\n",
    );
    expect(r.stdout).toMatch(
      /^PROBLEM .*\n(?: {11}.*\n)*? {11}\/opt\/data\/auth\.json \(file, uid 0 gid 4242, mode 0640/m,
    );
    expect(r.stdout).not.toContain("ok       everything under /opt/data is hermes's or readable by hermes\n");
  });
});

describe("--group-add 4242 with no gateway running: contract §11's rule", () => {
  const ct = perDescribe(async () => {
    // /init with root's own CMD, no main wrapper: then both of the image's services taken down.
    const booted = await bootOverlay("healthy", { runArgs: [...GRANT, "--entrypoint", "/init"] });
    await booted.ok("/command/s6-svc -wD -d /run/service/gateway && /command/s6-svc -wD -d /run/service/dashboard");
    await booted.ok(AUTH_4242);
    return booted;
  });

  it("the CLI holds 4242, explain says no gateway runs, doctor judges with 4242 and calls auth.json ok", async () => {
    // A process of hermes that a docker exec started, still running: it leads to parent 0, never to PID 1.
    await ct().exec(["sleep", "300"], { flags: ["--detach", "--user", "hermes"] });
    expect((await processes(ct())).filter((p) => p.uid === 10000)).toMatchObject([{ ppid: 0, comm: "sleep" }]);
    expect(await ct().exec(["hermes", "groups"])).toMatchObject({
      code: 0,
      stdout: "uid=10000 gid=10000 groups=4242,10000\n",
      stderr: "",
    });
    expect(await ct().exec(["hermes", "auth", "list"])).toMatchObject({ code: 0, stdout: "nous\n", stderr: "" });
    const text = await ct().ok("hermes-exec-shim explain -- groups");
    expect(text).toContain("  groups         10000 (primary group), 4242 (granted by the container runtime)\n");
    expect(text).toContain(
      "  gateway        no gateway of hermes runs (no process of hermes that the container's start made): the drop gives the granted groups\n",
    );
    const r = await ct().run("hermes-exec-shim doctor");
    expect(r.stdout.split("\n")[1]).toBe(
      "judged as hermes (uid 10000) with groups 10000 (primary group), 4242 (granted by the container runtime)",
    );
    expect(r.stdout).not.toContain("running gateway");
    expect(r.stdout).toContain("ok       everything under /opt/data is hermes's or readable by hermes\n");
  });
});

describe("--group-add 4242, PID 1 hermes's and holding 4242 (a fork's start through s6-applyuidgid, on Debian's s6)", () => {
  const ct = perDescribe(() =>
    Container.create({
      runArgs: [...GRANT, "--entrypoint", "/command/s6-applyuidgid"],
      command: ["-u", "10000", "-g", "10000", "-G", "10000,4242", "sleep", "infinity"],
    }),
  );

  it("the drop keeps 4242, and explain and doctor say the gateway holds it", async () => {
    expect(await ct().ok("grep -E '^(Uid|Groups):' /proc/1/status")).toBe(
      "Uid:\t10000\t10000\t10000\t10000\nGroups:\t4242 10000 \n",
    );
    expect(await ct().exec(["hermes", "groups"])).toMatchObject({
      code: 0,
      stdout: "uid=10000 gid=10000 groups=4242,10000\n",
      stderr: "",
    });
    await ct().ok("ln -sf hermes /opt/hermes/bin/hermes-exec-shim");
    const text = await ct().ok("hermes-exec-shim explain -- groups");
    expect(text).toContain("  groups         10000 (primary group), 4242 (granted by the container runtime)\n");
    expect(text).toContain(
      "  gateway        the running gateway of hermes (pid 1) holds the granted groups too: the drop keeps them\n",
    );
    const r = await ct().run("hermes-exec-shim doctor");
    expect(r.stdout.split("\n")[1]).toBe(
      "judged as hermes (uid 10000) with groups 10000 (primary group), 4242 (granted by the container runtime), as the running gateway holds them (pid 1)",
    );
    expect(r.stdout).toContain(
      "ok       the running gateway of hermes (pid 1) holds the granted groups too: the drop keeps them\n",
    );
  });
});
