/** `doctor`: gathers every fact its checks need, then reports them as findings. */
import type { Bytes } from "../bytes.ts";
import type { ShimConfig } from "../config.ts";
import { readAccount } from "../sys/accounts.ts";
import { executableStatus, lstat } from "../sys/files.ts";
import { libc } from "../sys/libc.ts";
import { commandOnPath } from "../sys/onPath.ts";
import { progressMeter } from "../sys/progress.ts";
import { walkHome } from "../sys/walk.ts";
import { writeStderr, writeStdout } from "../sys/write.ts";
import { checkTrust } from "../trust.ts";
import { cliCheck, helperCheck, pathCheck, userCheck } from "./checks.ts";
import { doctorReport, doctorText, type Finding } from "./finding.ts";
import { homeCheck, treeChecks } from "./treeChecks.ts";
import { adminName } from "./usage.ts";

export function doctor(config: ShimConfig, env: readonly Bytes[], options: { fix: boolean; json: boolean }): number {
  const { fix, json } = options;
  if (fix && libc.geteuid() !== 0) {
    writeStderr(`${adminName(config)}: doctor --fix changes owners, so it must run as root\n`);
    return 1;
  }
  const account = readAccount(config.user);
  const onPath = commandOnPath(config.name, env);
  const findings: Finding[] = [
    cliCheck(config, executableStatus(config.target)),
    helperCheck(config, checkTrust(config.helper, lstat)),
    ...userCheck(config, account),
    pathCheck(config, onPath.found, onPath.isShim, onPath.shim),
  ];
  let entries = 0;
  if (account) {
    const progress = progressMeter(`${adminName(config)} doctor: ${config.home}`);
    const walk = walkHome(config.home, account, { fix, onProgress: progress.update });
    progress.done();
    entries = walk.entries;
    findings.push(homeCheck(config, account, walk));
    if (walk.home.kind === "dir") findings.push(...treeChecks(config, account, walk));
  }
  const report = doctorReport(config.home, fix, entries, findings);
  writeStdout(json ? `${JSON.stringify(report, null, 2)}\n` : doctorText(config.name, report));
  return report.healthy ? 0 : 1;
}
