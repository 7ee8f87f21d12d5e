/** The code blocks of the docs (README.md, then docs/*.md by name) that tests build and run as written. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./images.ts";

const DOCS = [
  "README.md",
  ...readdirSync(join(REPO, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`),
];

/** Every ```LANG block of the docs, in order. */
export function readmeBlocks(lang: string): string[] {
  return DOCS.flatMap((file) => {
    const text = readFileSync(join(REPO, file), "utf8");
    return [...text.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, "g"))].map((m) => m[1] as string);
  });
}

/** The one ```LANG block that contains `marker`. */
export function readmeBlock(lang: string, marker: string): string {
  const found = readmeBlocks(lang).filter((block) => block.includes(marker));
  if (found.length !== 1) throw new Error(`README.md and docs/: ${found.length} ${lang} blocks contain ${marker}`);
  return found[0] as string;
}

/** What tells the docs' Dockerfiles apart, in the docs' order; each is built by a test. */
export const DOCKERFILES = {
  install: "install.sh --prefix /out",
  artifact: "sha256sum -c",
  bootS6: "/etc/cont-init.d/",
  bootEntrypoint: "ENTRYPOINT",
  rabbit: "--name rabbit",
} as const;
