/** The files every way in installs: the binary once, mode 0755, and a relative symlink for each other command. */
import { chmod, copyFile, mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";

export async function shimTree(binary: string, dir: string, commands: readonly string[]): Promise<string[]> {
  const [first, ...links] = commands as [string, ...string[]];
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await copyFile(binary, join(dir, first));
  await chmod(join(dir, first), 0o755);
  for (const link of links) await symlink(first, join(dir, link));
  return [first, ...links];
}
