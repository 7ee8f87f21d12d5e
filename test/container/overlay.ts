/**
 * A container of the test image on genuine s6-overlay
 * (test/platform/overlay.Dockerfile): s6-overlay's /init brings up s6-svscan
 * as PID 1, its s6-rc services, the image's cont-init scripts and s6-rc
 * longruns, then runs the main wrapper with the container's command as hermes.
 */
import { Container, type ContainerOptions } from "./container.ts";

/**
 * What the image's cont-init scripts do (test/platform/overlay.sh): `upstream` as upstream's boot, hermes the
 * owner of its static services' supervise/ and of the scan directory; `healthy` the control surface given to
 * group hermes, as doctor --fix gives it, and nothing else.
 */
export type Boot = "upstream" | "healthy";

export const SCAN = "/run/service";
/** The image's own s6-rc longruns, each dropping to hermes. */
export const IMAGE_SERVICES = [`${SCAN}/gateway`, `${SCAN}/dashboard`];
/** What s6-overlay itself puts in the scan directory: root's by design. */
export const OVERLAY_SERVICES = [
  `${SCAN}/s6-linux-init-shutdownd`,
  `${SCAN}/s6rc-fdholder`,
  `${SCAN}/s6rc-oneshot-runner`,
];

/**
 * Waits until the boot is done: s6-rc reports legacy-services up, the last service of s6-overlay's stage 2,
 * which depends on the cont-init stage and on every service of the user bundle.
 */
export function booted(ct: Container): Promise<void> {
  return ct.until("/command/s6-rc -a list | grep -qx legacy-services", "s6-rc to list legacy-services");
}

/** Starts a container on the s6-overlay image with `boot`'s cont-init, and returns once the boot is done. */
export async function bootOverlay(boot: Boot = "upstream", options: ContainerOptions = {}): Promise<Container> {
  const ct = await Container.create({
    ...options,
    overlay: true,
    runArgs: ["--env", `HERMES_TEST_BOOT=${boot}`, ...(options.runArgs ?? [])],
  });
  await booted(ct);
  return ct;
}
