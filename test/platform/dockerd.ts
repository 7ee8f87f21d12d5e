/**
 * A Docker engine for the run: the one already answering if there is one
 * (other runs may be using it, so it is never stopped here), otherwise one
 * started in the background for this run and stopped at its end.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { outcome } from "./spawn.ts";

const answers = async () => (await outcome(["docker", "version", "--format", "{{.Server.Version}}"])).code === 0;

async function stop(child: ChildProcess, logDir: string): Promise<void> {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await exited;
  }
  rmSync(logDir, { recursive: true, force: true });
}

/** Returns how to stop the engine this started, or null when one was already running. */
export async function ensureDockerd(): Promise<(() => Promise<void>) | null> {
  if (await answers()) return null;
  const logDir = mkdtempSync(join(tmpdir(), "hermes-dockerd-"));
  const log = openSync(join(logDir, "log"), "w");
  // The test containers use --network none: no NAT or forwarding rules needed.
  const child = spawn("dockerd", ["--iptables=false", "--ip-forward=false"], { stdio: ["ignore", log, log] });
  closeSync(log);
  const started = await new Promise<boolean>((resolve) => {
    child.once("error", () => resolve(false));
    const deadline = Date.now() + 60_000;
    const poll = async () => {
      if (child.exitCode !== null || Date.now() > deadline) resolve(false);
      else if (await answers()) resolve(true);
      else setTimeout(poll, 250);
    };
    poll();
  });
  if (!started) {
    const last = readFileSync(join(logDir, "log"), "utf8").trim().split("\n").pop() ?? "";
    await stop(child, logDir);
    throw new Error(`test platform: no Docker engine answers and dockerd would not start: ${last}`);
  }
  return () => stop(child, logDir);
}
