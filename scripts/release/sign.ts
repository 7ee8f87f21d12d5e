/**
 * Signs SHA256SUMS with the maintainer's OpenPGP key: a detached, ASCII-armoured SHA256SUMS.asc, and the
 * public key beside it for users to pin once. gpg, not minisign: the check needs only gpgv, which every
 * Debian and Ubuntu image already holds (apt depends on it), so a Dockerfile verifies with one RUN line and
 * no package to install; and it is how gosu and tini sign. The key file is imported into a throwaway
 * GNUPGHOME, never into the maintainer's keyring, and that home's agent is stopped before it is removed.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function sign(keyFile: string, sums: string, publicKeyOut: string): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), "hermes-gnupg-"));
  const env = { ...process.env, GNUPGHOME: home };
  const gpg = (what: string, args: string[], inherit = false) => {
    const r = spawnSync("gpg", ["--quiet", ...args], {
      env,
      encoding: "utf8",
      // Signing may ask for the key's passphrase: on the maintainer's terminal (loopback), not a desktop pinentry.
      stdio: inherit ? ["inherit", "pipe", "pipe"] : "pipe",
    });
    if (r.status !== 0) throw new Error(`release: gpg could not ${what}: ${r.error ?? r.stderr.trim()}`);
    return r.stdout;
  };
  try {
    gpg(`import the key ${keyFile}`, ["--batch", "--import", keyFile]);
    const fingerprints = gpg("list its secret keys", ["--batch", "--with-colons", "--list-secret-keys"])
      .split("\n")
      .filter((line) => line.startsWith("fpr:"));
    const fingerprint = fingerprints[0]?.split(":")[9];
    if (!fingerprint) throw new Error(`release: ${keyFile} holds no secret key`);
    const signature = `${sums}.asc`;
    gpg(
      `sign ${sums}`,
      [
        "--yes",
        "--pinentry-mode",
        "loopback",
        "--local-user",
        fingerprint,
        "--armor",
        "--detach-sign",
        "--output",
        signature,
        sums,
      ],
      true,
    );
    gpg("export the public key", ["--batch", "--yes", "--export", "--output", publicKeyOut, fingerprint]);
    return fingerprint;
  } finally {
    spawnSync("gpgconf", ["--kill", "gpg-agent"], { env });
    await rm(home, { recursive: true, force: true });
  }
}
