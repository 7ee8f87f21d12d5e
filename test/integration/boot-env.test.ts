/**
 * The boot's environment (contract §15) on genuine s6-overlay: what the boot writes to
 * /run/s6/container_environment reaches root's drop, the opt-out and a non-root caller as it reaches the gateway
 * through with-contenv, and only from what root alone could have written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Container, Result, RunOptions } from "../container/container.ts";
import { bootOverlay, SCAN } from "../container/overlay.ts";

const VAR = "AGENT_BROWSER_EXECUTABLE_PATH";
const DIR = "/run/s6/container_environment";
const FILE = `${DIR}/${VAR}`;
/** What upstream's boot finds and writes: a browser, root's, executable. */
const BROWSER = "/opt/browser/chrome";
const warning = (why: string) =>
  `hermes: warning: not taking ${VAR} from the boot's environment: ${why}; hermes runs without it\n`;

/** The value of VAR the stand-in CLI was handed, or undefined, from its `received` record; and who it ran as. */
function handed(r: Result): { value: string | undefined; uid: number } {
  const line = r.stdout.split("\n").find((l) => l.startsWith("received "));
  if (r.code !== 0 || !line) throw new Error(`exit ${r.code}\n${r.stdout}${r.stderr}`);
  const record = JSON.parse(line.slice("received ".length)) as { environ: string[]; resuid: number[] };
  // Each entry is a Python bytes literal, b'NAME=value'.
  const entries = record.environ.filter((e) => e.startsWith(`b'${VAR}=`));
  if (entries.length > 1) throw new Error(`${VAR} given ${entries.length} times: ${entries.join(" ")}`);
  return { value: entries[0]?.slice(`b'${VAR}=`.length, -1), uid: record.resuid[0] as number };
}

/** The three ways a caller reaches the CLI: root's drop, root's opt-out, and a non-root caller's pass-through. */
const CALLERS: [string, RunOptions, number][] = [
  ["root's drop", {}, 10000],
  ["the opt-out", { env: { HERMES_DOCKER_EXEC_AS_ROOT: "1" } }, 0],
  ["a non-root caller", { asRuntimeUser: true }, 10000],
];

let ct: Container;
beforeAll(async () => {
  ct = await bootOverlay("healthy");
  // What upstream's boot does once it has found Chromium: the value, no newline, in the container environment.
  await ct.ok(
    `mkdir -p /opt/browser && printf '#!/bin/sh\\n' > ${BROWSER} && chmod 0755 ${BROWSER} && printf %s ${BROWSER} > ${FILE}`,
  );
});
afterAll(() => ct.destroy());

describe("imported for every caller that lacks it", () => {
  it.each(CALLERS)("%s gets the boot's value, and no warning", async (_, options, uid) => {
    const r = await ct.run("hermes received", options);
    expect(handed(r)).toEqual({ value: BROWSER, uid });
    expect(r.stderr).toBe("");
  });

  it("the same value the gateway holds through with-contenv", async () => {
    // Restarted, so that it starts after the boot wrote the file, as upstream's gateway does.
    const pidOf = async () => (await ct.ok(`/command/s6-svstat -o pid ${SCAN}/gateway`)).trim();
    const before = await pidOf();
    await ct.ok(`/command/s6-svc -r ${SCAN}/gateway`);
    await ct.until(
      `p=$(/command/s6-svstat -o pid ${SCAN}/gateway) && [ "$p" -gt 0 ] && [ "$p" != ${before} ]`,
      "the gateway to come back up",
    );
    const pid = await pidOf();
    // Read as hermes: root under docker exec lacks CAP_SYS_PTRACE, which another user's environ asks for.
    const environ = await ct.ok(`tr '\\0' '\\n' < /proc/${pid}/environ`, { asRuntimeUser: true });
    expect(environ.split("\n").filter((e) => e.startsWith(`${VAR}=`))).toEqual([`${VAR}=${BROWSER}`]);
  });

  it.each(CALLERS)("%s that set it keeps its own value", async (_, options, uid) => {
    const r = await ct.run("hermes received", { ...options, env: { ...options.env, [VAR]: "/mine" } });
    expect(handed(r)).toEqual({ value: "/mine", uid });
    expect(r.stderr).toBe("");
  });

  it("explain shows the import, and the plan sets it", async () => {
    const out = await ct.ok("hermes-exec-shim explain");
    expect(out).toMatch(new RegExp(`\\n {2}boot env +${VAR}="${BROWSER}" from ${FILE}\\n`));
    expect(out).toMatch(
      new RegExp(
        `\\n {2}environment +${VAR}=${BROWSER} HOME=/opt/data USER=hermes LOGNAME=hermes, the rest as given\\n`,
      ),
    );
  });
});

describe("refused: what someone but root could have written, told on stderr; the CLI runs without it", () => {
  const refused = async (why: string) => {
    for (const [, options, uid] of CALLERS) {
      const r = await ct.run("hermes received", options);
      expect(handed(r)).toEqual({ value: undefined, uid });
      expect(r.stderr).toBe(warning(why));
    }
  };

  it("a symbolic link, even to root's own file with the right value", async () => {
    await ct.altered(
      `mv ${FILE} /opt/browser/value && ln -s /opt/browser/value ${FILE}`,
      `rm ${FILE} && mv /opt/browser/value ${FILE}`,
      async () => {
        await refused(`${FILE} is a symbolic link`);
        const doctor = await ct.run("hermes-exec-shim doctor");
        expect(doctor.code).toBe(1);
        expect(doctor.stdout).toContain(
          `PROBLEM  the shim will not take ${VAR} from the boot's environment: ${FILE} is a symbolic link; every hermes call that lacks it runs without it\n`,
        );
      },
    );
  });

  it("a file hermes owns", async () => {
    await ct.altered(`chown hermes ${FILE}`, `chown root ${FILE}`, () =>
      refused(`${FILE} is owned by uid 10000, not root`),
    );
  });

  it("a directory hermes can write: doctor names it", async () => {
    await ct.altered(`chown hermes ${DIR}`, `chown root ${DIR}`, async () => {
      await refused(`${DIR} is owned by uid 10000, not root`);
      const doctor = await ct.run("hermes-exec-shim doctor");
      expect(doctor.code).toBe(1);
      expect(doctor.stdout).toContain(
        `PROBLEM  the boot's environment cannot be trusted: ${DIR} is owned by uid 10000, not root; whoever can write there could set ${VAR} for every hermes call, so the shim takes nothing from it\n`,
      );
    });
  });
});

describe("not imported, silently, as upstream's shim: the boot's own say", () => {
  const quiet = async (why: string) => {
    for (const [, options, uid] of CALLERS) {
      const r = await ct.run("hermes received", options);
      expect(handed(r)).toEqual({ value: undefined, uid });
      expect(r.stderr).toBe("");
    }
    expect(await ct.ok("hermes-exec-shim explain")).toMatch(
      new RegExp(`\\n {2}boot env +${VAR} not imported: ${why.replace(/[()]/g, "\\$&")}\\n`),
    );
  };

  it("a value that names no executable file", async () => {
    await ct.altered(`printf %s /etc/hostname > ${FILE}`, `printf %s ${BROWSER} > ${FILE}`, () =>
      quiet(`its value "/etc/hostname" does not name an executable file, which is not executable`),
    );
  });

  it("an empty file, which unsets it for the gateway too", async () => {
    await ct.altered(`: > ${FILE}`, `printf %s ${BROWSER} > ${FILE}`, () => quiet(`${FILE} is empty, which unsets it`));
  });

  it("no file at all", async () => {
    await ct.without(FILE, () => quiet(`the boot did not set it (no ${FILE})`));
  });
});

it("doctor on the healthy boot: the boot's environment is root-only, and doctor exits 0", async () => {
  const r = await ct.run("hermes-exec-shim doctor");
  expect(r.stdout).toContain(
    `ok       only root can write the boot's environment ${DIR}, from which a call that lacks ${VAR} takes it\n`,
  );
  expect(r.code).toBe(0);
});

describe("the CLI's home from the boot (contract §16): a session without HERMES_HOME gets the gateway's", () => {
  const HOME_FILE = `${DIR}/HERMES_HOME`;
  /** Where `config set` wrote, among the boot's home, the build's and the split homes. */
  const written = () =>
    ct.ok(
      "for f in /srv/hermes/config.yaml /opt/data/config.yaml /opt/data/.hermes/config.yaml /root/.hermes/config.yaml; do " +
        '[ -e "$f" ] && stat -c "%n %U" "$f"; done; true',
    );
  const clean = "rm -rf /srv/hermes /root/.hermes /opt/data/.hermes /opt/data/config.yaml";

  it("s6-overlay recorded the image's HERMES_HOME, root's: the boot's value is the build's here", async () => {
    expect(await ct.ok(`stat -c '%U %a' ${HOME_FILE} && cat ${HOME_FILE}`)).toBe("root 644\n/opt/data");
  });

  it.each(CALLERS)("%s: a boot value other than the build's is followed, blank or unset alike", async (_, options) => {
    const original = await ct.ok(`cat ${HOME_FILE}`);
    await ct.ok(
      `${clean} && mkdir -m 0755 /srv/hermes && chown hermes:hermes /srv/hermes && printf /srv/hermes > ${HOME_FILE}`,
    );
    try {
      for (const prelude of ["env -u HERMES_HOME HOME=/root", "env HERMES_HOME=' ' HOME=/root"]) {
        const r = await ct.run(`${prelude} hermes config set model opus`, options);
        expect(r).toMatchObject({ code: 0, stderr: "" });
        expect(await written()).toMatch(/^\/srv\/hermes\/config\.yaml (hermes|root)\n$/);
        await ct.ok("rm -f /srv/hermes/config.yaml");
      }
      const out = await ct.ok(`env -u HERMES_HOME ${"hermes-exec-shim"} explain`, options);
      expect(out).toContain(
        `  CLI home       HERMES_HOME="/srv/hermes" from the boot's environment (${HOME_FILE}): the caller's was unset or blank\n`,
      );
    } finally {
      await ct.ok(`printf %s '${original}' > ${HOME_FILE} && ${clean}`);
    }
  });

  it("a boot file the runtime user could have written is not followed: the build's home, and a warning", async () => {
    const original = await ct.ok(`cat ${HOME_FILE}`);
    await ct.ok(`printf /tmp > ${HOME_FILE} && chown hermes ${HOME_FILE}`);
    try {
      const r = await ct.run("env -u HERMES_HOME HOME=/root hermes config set model opus");
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(
        `hermes: warning: not taking HERMES_HOME from the boot's environment: ${HOME_FILE} is owned by uid 10000, not root; hermes runs with HERMES_HOME=/opt/data, the build's home\n`,
      );
      expect(await written()).toBe("/opt/data/config.yaml hermes\n");
    } finally {
      await ct.ok(`printf %s '${original}' > ${HOME_FILE} && chown root ${HOME_FILE} && ${clean}`);
    }
  });
});
