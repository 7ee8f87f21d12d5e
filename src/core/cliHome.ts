/**
 * The CLI's home, whatever environment the session starts with (contract §16). The real CLI strips its home
 * variable and, when nothing is left, takes `$HOME/.hermes`: a session that lost the image's environment (an SSH
 * login, `su -`, `env -i`) would write where the gateway never reads. Every caller without a value gets the
 * gateway's: the boot's (contract §15's rules), else the build's home.
 */
import { type BootFacts, type BootImport, judgeBootVar } from "./bootEnv.ts";
import { type Bytes, bytes } from "./bytes.ts";
import type { ShimConfig } from "./config.ts";
import { homeVar } from "./homes.ts";

/** Where the CLI's home came from: the caller's own value, the boot's environment, or the build's --home. */
export type HomeSource = "caller" | "boot" | "build";

export interface CliHome {
  variable: string;
  value: Bytes;
  source: HomeSource;
  /** Where the caller had no value: the boot's verdict on its file, imported or why not. */
  boot?: BootImport;
}

/**
 * What Python's str.strip() strips (str.isspace), which the real CLI strips from the variable: a value of only
 * these is no value. Not JavaScript's \s, which lacks the C0 separators and U+0085 and has U+FEFF.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: Python's whitespace has the C0 separators 0x1c-0x1f.
const BLANK = /^[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/** Unset, empty or only blanks: the CLI would take `$HOME/.hermes`. Bytes that are not UTF-8 are not blank. */
export function isBlank(value: Bytes | undefined): boolean {
  // A byte that is not UTF-8 decodes as U+FFFD, no blank; a leading U+FEFF is a character, as in Python, not a
  // byte order mark to drop; nothing (undefined) decodes as "".
  return BLANK.test(new TextDecoder("utf-8", { ignoreBOM: true }).decode(value));
}

/**
 * The home the CLI will use: the caller's value when it has one, else the boot's, else the build's. The boot's file
 * is there exactly where the caller's value is blank (BootFacts["home"]): that is judged once, where it is read.
 */
export function cliHome(
  config: ShimConfig,
  home: NonNullable<BootFacts["home"]>,
  facts: Pick<BootFacts, "dirTrust" | "target">,
): CliHome {
  const variable = homeVar(config.name);
  if (!("file" in home)) return { variable, value: home.given, source: "caller" };
  const boot = judgeBootVar({ name: variable, program: false, file: home.file }, facts);
  if ("value" in boot) {
    if (!isBlank(boot.value)) return { variable, value: boot.value, source: "boot", boot };
    const blank: BootImport = {
      name: variable,
      not: `${boot.from} holds only blanks, which the CLI takes as unset`,
      warned: false,
    };
    return { variable, value: bytes(config.home), source: "build", boot: blank };
  }
  return { variable, value: bytes(config.home), source: "build", boot };
}
