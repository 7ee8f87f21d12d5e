/**
 * contract §12: root's terminal stays root's. An operator opens root's interactive shell in the container
 * (`docker exec -it C bash`, played by test/container/terminal.py on a pseudo-terminal of this machine) and
 * runs `hermes` there: whatever the CLI, running as hermes, does with the terminal it was given must never
 * reach root's shell, neither while it runs nor after, and the terminal must still behave as a terminal.
 * Where the shim leads the terminal's session (`docker exec -it C hermes`) or there is no terminal, nothing
 * changes (contract §3). Each case is its own session of root's shell.
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Container, RUNTIME_UID } from "../container/container.ts";
import { PodmanContainer } from "../container/engineContainer.ts";
import { drive, Keys, met, rootShell, ttyFacts } from "../container/terminal.ts";
import { podmanArgv } from "../platform/podman.ts";

const TIMEOUT = 180_000;
const ROWS = 37;
const COLS = 123;

let ct: Container;
beforeAll(async () => {
  ct = await Container.create();
});
afterAll(() => ct.destroy());

/** Root's interactive shell on the Docker exec's own terminal, sized ROWS x COLS, typed at as `keys` says. */
const inRootShell = (keys: Keys) => drive(rootShell(["docker"], ct.id), keys.exit(), { rows: ROWS, cols: COLS });

const exists = async (path: string) => (await ct.run(`test -e ${path}`)).code === 0;

/** A line of `hermes tty`'s output, after the typed command's own echo. */
const TTY_LINE = "(?:^|[\\r\\n])tty (fds=[^\\r\\n]*)";

describe("root's interactive shell in the container runs hermes", () => {
  it.each(["fcntl", "raw"])(
    "input the CLI pushes with TIOCSTI (%s ioctl) never reaches root's shell",
    { timeout: TIMEOUT },
    async (via) => {
      const file = `/tmp/injected-${via}`;
      const s = met(
        await inRootShell(
          new Keys()
            .line(`hermes tiocsti --via ${via} 'id -u > ${file}'`)
            .expect(`tiocsti via=${via} on=stdin: (\\w+)`, "pushed")
            .status()
            .settled(),
        ),
      );
      expect(s.got.status).toBe("0");
      expect(await exists(file), `root's shell ran the line the CLI pushed:\n${s.transcript}`).toBe(false);
    },
  );

  it("a process the CLI leaves behind in a session of its own, holding fd 0, reads nothing typed after the CLI exits", {
    timeout: TIMEOUT,
  }, async () => {
    const [stolen, stop] = ["/tmp/stolen", "/tmp/linger-stop"];
    const s = await inRootShell(
      new Keys()
        .line(`hermes linger ${stolen} ${stop}`)
        .expect("linger: reading")
        .line("echo typed-$((6 * 7))")
        .expect("typed-42"),
    );
    await ct.ok(`touch ${stop}; until test -e ${stolen}.done; do sleep 0.1; done`);
    expect((await ct.ok(`cat ${stolen}`)).replaceAll("\r", ""), "what the left-behind process read").toBe("");
    met(s);
  });

  it("the CLI has a terminal of its own on fds 0-2: the caller's size, hermes's, reopened by name", {
    timeout: TIMEOUT,
  }, async () => {
    const s = met(
      await inRootShell(
        new Keys()
          .line("tty")
          .expect("[\\r\\n](/dev/pts/\\d+)", "rootTty")
          .line("hermes tty")
          .expect(TTY_LINE, "facts")
          .status(),
      ),
    );
    const facts = ttyFacts(s.got.facts ?? "");
    expect(facts).toMatchObject({
      fds: "111",
      size: `${ROWS}x${COLS}`,
      owner: `${RUNTIME_UID}`,
      mode: "620",
      reopen: "ok",
      devtty: "ok",
      devtty_size: `${ROWS}x${COLS}`,
    });
    expect(facts.name, "the CLI's terminal is not root's").not.toBe(s.got.rootTty);
    expect(s.got.status).toBe("0");
  });

  it("a resize of the operator's window reaches the CLI", { timeout: TIMEOUT }, async () => {
    const s = met(
      await inRootShell(
        new Keys()
          .line("hermes winch")
          .expect(`winch: size=${ROWS}x${COLS} waiting`)
          .resize(50, 100)
          .expect("winch: size=(\\d+x\\d+)\\r?\\n", "resized")
          .status(),
      ),
    );
    expect(s.got).toMatchObject({ resized: "50x100", status: "0" });
  });

  it.each([
    ["exit 42", "42"],
    ["kill SIGTERM", "143"],
  ])("hermes %s: root's shell sees $? = %s", { timeout: TIMEOUT }, async (args, status) => {
    const s = met(await inRootShell(new Keys().line(`hermes ${args}`).status()));
    expect(s.got.status).toBe(status);
  });

  it.each([
    ["Ctrl-C", "130", "\x03"],
    ["Ctrl-\\", "131", "\x1c"],
  ])("%s kills the CLI by its signal: $? = %s", { timeout: TIMEOUT }, async (_, status, key) => {
    // No core file from SIGQUIT, whatever the machine's limit.
    const s = met(
      await inRootShell(new Keys().line("ulimit -c 0").line("hermes wait").expect("wait: waiting").keys(key).status()),
    );
    expect(s.got.status).toBe(status);
  });

  it("Ctrl-Z stops the CLI and gives root's prompt back; fg resumes it and it completes", {
    timeout: TIMEOUT,
  }, async () => {
    const s = met(
      await inRootShell(
        new Keys()
          .line("hermes prompt")
          .expect("Your name\\? ")
          .keys("\x1a")
          .expect("(Stopped)", "stopped")
          .line("fg")
          .expect("hermes prompt\\r\\n")
          .keys("Ada\r")
          .expect("hello Ada \\(tty=(\\d+)\\)", "tty")
          .status(),
      ),
    );
    expect(s.got).toMatchObject({ stopped: "Stopped", tty: "111", status: "0" });
  });

  it("Ctrl-D is the end of the CLI's input", { timeout: TIMEOUT }, async () => {
    const s = met(
      await inRootShell(
        new Keys()
          .line("hermes read")
          .expect("read: ready")
          .keys("abc\r")
          .keys("\x04")
          .expect("read: (count=\\d+ sha256=\\w+) eof", "read")
          .status(),
      ),
    );
    expect(s.got.read).toBe(`count=4 sha256=${sha256(Buffer.from("abc\n"))}`);
    expect(s.got.status).toBe("0");
  });

  it("a 256 KiB paste reaches the CLI whole", { timeout: TIMEOUT }, async () => {
    const paste = printable(256 * 1024);
    const s = met(
      await inRootShell(
        new Keys()
          .line(`hermes paste ${paste.length}`)
          .expect("paste: ready")
          .paste(paste)
          .expect("paste: (count=\\d+ sha256=\\w+)", "pasted")
          .status(),
      ),
    );
    expect(s.got.pasted).toBe(`count=${paste.length} sha256=${sha256(paste)}`);
    expect(s.got.status).toBe("0");
  });

  it("a pipe on fd 0 or 1 stays that pipe: the CLI reads the pipe to its end, and writes into the pipe", {
    timeout: TIMEOUT,
  }, async () => {
    const s = met(
      await inRootShell(
        new Keys()
          .line("printf 'abc\\n' | hermes read")
          .expect("read: (count=\\d+ sha256=\\w+) eof", "read")
          .line("hermes tty | tr a-z A-Z")
          .expect("(?:^|[\\r\\n])TTY FDS=(\\d+)", "fds")
          .status(),
      ),
    );
    expect(s.got).toMatchObject({ read: `count=4 sha256=${sha256(Buffer.from("abc\n"))}`, fds: "101", status: "0" });
  });

  it("the CLI's interactive prompt works", { timeout: TIMEOUT }, async () => {
    const s = met(
      await inRootShell(
        new Keys()
          .line("hermes prompt")
          .expect("Your name\\? ")
          .keys("Ada\r")
          .expect("(hello Ada \\(tty=\\d+\\))", "hello")
          .status(),
      ),
    );
    expect(s.got).toMatchObject({ hello: "hello Ada (tty=111)", status: "0" });
  });

  it("a hangup of root's shell reaches the CLI", { timeout: TIMEOUT }, async () => {
    const trapped = "/tmp/trapped";
    // Root's shell is hung up once the CLI waits; bash then hangs up its jobs before it exits.
    const s = await drive(
      rootShell(["docker"], ct.id),
      new Keys()
        .line(`(until test -e ${trapped}.waiting; do sleep 0.1; done; kill -HUP $$) & hermes trap ${trapped}`)
        .expect("trap: waiting"),
      { rows: ROWS, cols: COLS },
    );
    met(s);
    await ct.ok(`until test -e ${trapped}; do sleep 0.1; done`);
    expect(await ct.ok(`cat ${trapped}`)).toBe("SIGHUP\n");
  });

  it("with only a controlling terminal (fds 0-2 redirected), the CLI's /dev/tty is not root's terminal", {
    timeout: TIMEOUT,
  }, async () => {
    const files = ["/tmp/injected-ctty-fcntl", "/tmp/injected-ctty-raw"];
    const s = met(
      await inRootShell(
        new Keys()
          .line("cut -d' ' -f7 /proc/$$/stat")
          .expect("[\\r\\n](\\d+)\\r?\\n", "rootCtty")
          .line("echo | hermes tty 2>&1 | cat")
          .expect(TTY_LINE, "facts")
          .line(`hermes tiocsti --via fcntl --on tty 'id -u > ${files[0]}' </dev/null >/tmp/ctty-fcntl.out 2>&1`)
          .line(`hermes tiocsti --via raw --on tty 'id -u > ${files[1]}' </dev/null >/tmp/ctty-raw.out 2>&1`)
          .settled(),
      ),
    );
    for (const file of files)
      expect(await exists(file), `root's shell ran the line pushed through /dev/tty into ${file}`).toBe(false);
    const facts = ttyFacts(s.got.facts ?? "");
    expect(facts).toMatchObject({ fds: "000", devtty: "ok" });
    expect(facts.ctty, "the CLI's controlling terminal is root's").not.toBe(s.got.rootCtty);
  });
});

/**
 * The relay never waits on one side while the other needs it, and lets go of the pty when the CLI exits (contract
 * §12): the CLI here acts as hostile code running as hermes would, or as a program that keeps the relay busy.
 */
describe("the relay under a CLI that does not play along", () => {
  it("root pastes 1 MiB into a CLI that prints while it reads nothing: all its lines come, then it reads the paste whole", {
    timeout: TIMEOUT,
  }, async () => {
    const paste = printable(1024 * 1024);
    const s = met(
      await inRootShell(
        new Keys()
          .line(`hermes chatter ${paste.length}`)
          .expect("chatter: ready")
          .paste(paste)
          .expect("chatter: line 117 ")
          .expect("chatter: printed")
          .expect("chatter: (count=\\d+ sha256=\\w+)", "read")
          .status(),
      ),
    );
    expect(s.got).toMatchObject({ read: `count=${paste.length} sha256=${sha256(paste)}`, status: "0" });
  });

  it("a client that stopped reading: SIGTERM sent to the relay reaches the flooding CLI while nothing is read", {
    timeout: TIMEOUT,
  }, async () => {
    const path = "/tmp/flood-term";
    const s = met(
      await inRootShell(
        new Keys()
          .line(`hermes flood ${path}`)
          .expect("flood y")
          // Nothing reads the terminal meanwhile: every buffer on the way fills, and the relay's writes would block.
          .stall([
            ...["docker", "exec", ct.id, "sh", "-c"],
            `until test -s ${path}.waiting; do sleep 0.1; done; kill -TERM $(cat ${path}.waiting); ` +
              `until test -e ${path}; do sleep 0.1; done`,
          ])
          .status(),
      ),
    );
    expect(s.got.status).toBe("143");
    expect(await ct.ok(`cat ${path}`)).toBe("SIGTERM\n");
  });

  it("Ctrl-S then Ctrl-C: the CLI's output stops, and Ctrl-C still reaches it", { timeout: TIMEOUT }, async () => {
    const path = "/tmp/flood-int";
    const s = met(
      await inRootShell(new Keys().line(`hermes flood ${path}`).expect("flood y").keys("\x13").keys("\x03").status()),
    );
    expect(s.got.status).toBe("130");
    expect(await ct.ok(`cat ${path}`)).toBe("SIGINT\n");
  });

  it("something the CLI left behind writes on (a line, a terminal query): root's next line is the shell's, and the writes stop at the CLI's exit", {
    timeout: TIMEOUT,
  }, async () => {
    const path = "/tmp/left-writes";
    const s = met(
      await inRootShell(
        new Keys()
          .line(`hermes left-behind ${path} writes`)
          .expect("left-behind: writes")
          // Typed once the CLI is gone, while what it left behind writes: ahead of root's prompt, as an operator types.
          .stall(["docker", "exec", ct.id, "sh", "-c", `until test -e ${path}.gone; do sleep 0.1; done`])
          .keys('echo "status=$? typed-$((6 * 7))"\r')
          .expect("status=(\\d+) typed-42", "status"),
      ),
    );
    await ct.ok(`touch ${path}.stop`);
    await ct.until(`test -e ${path}.done`, "the left-behind writer's end");
    const taken = (await ct.ok(`cat ${path}`)).trim();
    expect(s.got.status).toBe("0");
    // The pty's output is stopped the moment the relay sees the exit: only a write that came before that (the
    // writer waits 20 ms after it saw the CLI gone) could pass, never the stream of them a drain would relay.
    const count = (text: string) => s.transcript.split(text).length - 1;
    expect(count("left-behind wrote"), `${taken} writes taken:\n${s.transcript}`).toBeLessThan(5);
    expect(count("\x1b[6n")).toBeLessThan(5);
  });

  it("a CLI that closes its terminal and opens /dev/tty again keeps its output and its input", {
    timeout: TIMEOUT,
  }, async () => {
    const s = met(
      await inRootShell(
        new Keys()
          .line("hermes reopen")
          .expect("reopen: before")
          .expect("reopen: after")
          .keys("hi\r")
          .expect("reopen: read (\\w+)", "read")
          .status(),
      ),
    );
    expect(s.got).toMatchObject({ read: "hi", status: "0" });
  });

  it("a process left holding the pty that never reads: the rest of root's paste is root's shell's, the prompt comes back", {
    timeout: TIMEOUT,
  }, async () => {
    const path = "/tmp/left-holds";
    // Lines of #: what the relay did not take goes to root's shell, and any part of a line is a comment there.
    const paste = Buffer.from(`${"#".repeat(63)}\r`.repeat(4 * 1024));
    const s = met(
      await inRootShell(
        new Keys()
          .line(`hermes left-behind ${path} holds`)
          .expect("left-behind: holds")
          .paste(paste)
          .status()
          .settled(),
      ),
    );
    await ct.ok(`touch ${path}.stop`);
    expect(s.got.status).toBe("0");
  });
});

describe("root with only CAP_SETUID and CAP_SETGID (--cap-drop ALL --cap-add SETUID --cap-add SETGID)", () => {
  let cct: Container;
  beforeAll(async () => {
    cct = await Container.create({ runArgs: ["--cap-drop", "ALL", "--cap-add", "SETUID", "--cap-add", "SETGID"] });
  });
  afterAll(() => cct?.destroy());

  it("root's shell on a terminal: hermes runs relayed on a pty created hermes's, and a SIGTERM sent to the relay reaches it", {
    timeout: TIMEOUT,
  }, async () => {
    const trapped = "/tmp/trapped-caps";
    const s = met(
      await drive(
        rootShell(["docker"], cct.id),
        new Keys()
          .line("hermes tty")
          .expect(TTY_LINE, "facts")
          .line("hermes whoami")
          .expect("(uid=\\d+)", "who")
          .line(`hermes trap ${trapped}`)
          .expect("trap: waiting")
          // The relay keeps no CAP_KILL here (the container has none): it still signals the CLI, its child.
          .stall([
            ...["docker", "exec", cct.id, "sh", "-c"],
            `kill -TERM $(ps -o ppid= -p $(pgrep -u ${RUNTIME_UID} -f 'hermes trap'))`,
          ])
          .status()
          .exit(),
        { rows: ROWS, cols: COLS },
      ),
    );
    expect(ttyFacts(s.got.facts ?? "")).toMatchObject({ fds: "111", owner: `${RUNTIME_UID}`, mode: "620" });
    expect(s.got).toMatchObject({ who: `uid=${RUNTIME_UID}`, status: "143" });
    expect(s.transcript).not.toContain("Operation not permitted");
    expect(await cct.ok(`cat ${trapped}`)).toBe("SIGTERM\n");
  });

  it("docker exec without a terminal: the drop runs, nothing to relay", { timeout: TIMEOUT }, async () => {
    const r = await cct.exec(["hermes", "whoami"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(new RegExp(`^uid=${RUNTIME_UID} `));
  });
});

describe("explain says whose terminal it is", () => {
  it("in root's shell: shared with the shell's session, led by uid 0, relayed through a pty of hermes's", {
    timeout: TIMEOUT,
  }, async () => {
    await ct.ok("ln -sf hermes /opt/hermes/bin/hermes-exec-shim");
    const s = met(
      await inRootShell(
        new Keys()
          .line("echo sid=$(cut -d' ' -f6 /proc/$$/stat)")
          .expect("sid=(\\d+)", "sid")
          .line("hermes-exec-shim explain -- tty | grep -E '^(  terminal|plan)'")
          .expect("terminal +(shared with session \\d+ led by uid \\d+)", "fact")
          .expect("(plan: drop to hermes [^\\r\\n]*)", "plan")
          .status(),
      ),
    );
    expect(s.got.fact).toBe(`shared with session ${s.got.sid} led by uid 0`);
    expect(s.got.plan).toBe(
      "plan: drop to hermes (uid 10000, gid 10000) through /command/s6-applyuidgid, on a terminal of its own",
    );
  });

  it("docker exec -it C hermes-exec-shim explain: the exec's own terminal; docker exec without -t: none", {
    timeout: TIMEOUT,
  }, async () => {
    await ct.ok("ln -sf hermes /opt/hermes/bin/hermes-exec-shim");
    const s = met(
      await drive(
        ["docker", "exec", "-it", ct.id, "hermes-exec-shim", "explain", "--", "tty"],
        new Keys().expect("\\n  terminal +([^\\r\\n]*)", "terminal"),
      ),
    );
    expect(s.got.terminal).toBe("the exec's own (this call leads its session): passed on as it is");
    const report = JSON.parse(await ct.ok("hermes-exec-shim explain --json -- tty")) as {
      facts: { terminal: unknown };
      plan: { relay: unknown };
    };
    expect(report.facts.terminal).toEqual({ kind: "none", text: "none" });
    expect(report.plan.relay).toBeNull();
  });
});

describe("where the shim leads the terminal's session, or there is none, the CLI is the exec's own process", () => {
  it("docker exec -it C hermes tty: the CLI leads the exec's session on the exec's terminal", {
    timeout: TIMEOUT,
  }, async () => {
    const s = met(await drive(["docker", "exec", "-it", ct.id, "hermes", "tty"], new Keys().expect(TTY_LINE, "facts")));
    // The exec's own process has no parent in the container: its parent is the engine's, outside.
    expect(ttyFacts(s.got.facts ?? "")).toMatchObject({ fds: "111", leader: "yes", ppid: "0" });
    expect(s.status).toBe(0);
  });

  it.each([
    ["docker exec -i (stdin a pipe)", { input: "" }],
    ["docker exec (no stdin)", {}],
  ])("%s C hermes tty: no terminal anywhere, the exec's own process", { timeout: TIMEOUT }, async (_, options) => {
    const r = await ct.exec(["hermes", "tty"], options);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(ttyFacts(r.stdout.replace(/^tty /, ""))).toMatchObject({
      fds: "000",
      devtty: "ENXIO",
      ctty: "0",
      ppid: "0",
    });
  });
});

describe("podman, rootful: root's interactive shell runs hermes", () => {
  let pct: PodmanContainer;
  beforeAll(async () => {
    pct = await PodmanContainer.create({ rootless: false });
  });
  afterAll(() => pct?.destroy());
  const inPodmanShell = (keys: Keys) =>
    drive(rootShell(podmanArgv(null), pct.id), keys.exit(), { rows: ROWS, cols: COLS });

  it("input the CLI pushes with TIOCSTI never reaches root's shell", { timeout: TIMEOUT }, async () => {
    const file = "/tmp/injected-podman";
    const s = met(
      await inPodmanShell(new Keys().line(`hermes tiocsti --via raw 'id -u > ${file}'`).status().settled()),
    );
    expect(s.got.status).toBe("0");
    expect((await pct.run(`test -e ${file}`)).code, `root's shell ran the pushed line:\n${s.transcript}`).not.toBe(0);
  });

  it("the CLI's own terminal, and its exit status in root's shell", { timeout: TIMEOUT }, async () => {
    const s = met(
      await inPodmanShell(new Keys().line("hermes tty").expect(TTY_LINE, "facts").line("hermes exit 42").status()),
    );
    expect(ttyFacts(s.got.facts ?? "")).toMatchObject({ fds: "111", owner: `${RUNTIME_UID}`, reopen: "ok" });
    expect(s.got.status).toBe("42");
  });
});

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/**
 * `length` bytes a paste can hold: printable ASCII, tabs and line ends. No other control byte, since the
 * docker CLI watches its input for its detach keys (Ctrl-P Ctrl-Q).
 */
function printable(length: number): Buffer {
  const alphabet = Buffer.from(
    `\t\r\n${Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("")}`,
    "latin1",
  );
  return Buffer.from(randomBytes(length).map((b) => alphabet[b % alphabet.length] as number));
}
