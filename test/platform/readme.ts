/** The code blocks of README.md that tests build and run as written. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./images.ts";

/** Every ```LANG block of README.md, in order. */
export function readmeBlocks(lang: string): string[] {
  const text = readFileSync(join(REPO, "README.md"), "utf8");
  return [...text.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, "g"))].map((m) => m[1] as string);
}

/** The one ```LANG block that contains `marker`. */
export function readmeBlock(lang: string, marker: string): string {
  const found = readmeBlocks(lang).filter((block) => block.includes(marker));
  if (found.length !== 1) throw new Error(`README.md: ${found.length} ${lang} blocks contain ${marker}`);
  return found[0] as string;
}

/** What tells the README's Dockerfiles apart, in the README's order; each is built by a test. */
export const DOCKERFILES = {
  install: "install.sh --prefix /out",
  artifact: "COPY hermes-linux-x64 /out/hermes",
  buildKit: "COPY --chmod=0755",
  signed: "gpgv",
  image: "COPY --from=hermes-exec-shim:",
  deb: "dpkg -i",
  bootS6: "/etc/cont-init.d/",
  bootEntrypoint: "ENTRYPOINT",
  rabbit: "--name rabbit",
} as const;
