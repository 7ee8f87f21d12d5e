/** Which file a shell would run for a bare command name, the way execvp searches PATH. */

/** `isProgram` says whether a path names an executable regular file (following symlinks). */
export function resolveCommand(
  pathVar: string,
  name: string,
  isProgram: (path: string) => boolean,
): string | undefined {
  for (const dir of pathVar.split(":")) {
    // POSIX: an empty entry means the current directory.
    const candidate = dir === "" ? `./${name}` : `${dir.replace(/\/+$/, "")}/${name}`;
    if (isProgram(candidate)) return candidate;
  }
  return undefined;
}
