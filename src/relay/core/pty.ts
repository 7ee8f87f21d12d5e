/**
 * The relay's pty (contract §12): the modes it puts root's terminal in, the key that would stop the CLI's job, and
 * how the CLI ended. Pure: src/relay/sys/relay.ts reads and sets them.
 */

/* The offsets and bits of the kernel's struct termios that the relay uses (its size: core/terminal.ts TERMIOS_SIZE). */
const IFLAG = 0;
const OFLAG = 4;
const CFLAG = 8;
const LFLAG = 12;
const CC = 17;
const VTIME = 5;
const VMIN = 6;
const VSUSP = 10;
const IGNBRK = 0o1;
const BRKINT = 0o2;
const PARMRK = 0o10;
const ISTRIP = 0o40;
const INLCR = 0o100;
const IGNCR = 0o200;
const ICRNL = 0o400;
const IXON = 0o2000;
const OPOST = 0o1;
const CSIZE = 0o60;
const CS8 = 0o60;
const PARENB = 0o400;
const ISIG = 0o1;
const ICANON = 0o2;
const ECHO = 0o10;
const ECHONL = 0o100;
const IEXTEN = 0o100000;

/**
 * cfmakeraw(3) of `modes`: every byte the operator types goes to the CLI's pty as it is, where the CLI's own
 * modes decide what it means (Ctrl-C a SIGINT in a shell-like prompt, a key in a full-screen program).
 */
export function rawModes(modes: Uint8Array): Uint8Array {
  const raw = modes.slice();
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const clear = (at: number, bits: number) => view.setUint32(at, view.getUint32(at, true) & ~bits, true);
  clear(IFLAG, IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
  clear(OFLAG, OPOST);
  clear(LFLAG, ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  clear(CFLAG, CSIZE | PARENB);
  view.setUint32(CFLAG, view.getUint32(CFLAG, true) | CS8, true);
  raw[CC + VMIN] = 1;
  raw[CC + VTIME] = 0;
  return raw;
}

/**
 * Where in `data` the CLI's pty, in `modes`, would make Ctrl-Z (its VSUSP key, with ISIG on) stop its foreground
 * job, or -1. The relay stops that job itself: the CLI leads an orphaned process group, where the kernel drops the
 * SIGTSTP the key would send.
 */
export function suspendKeyAt(modes: Uint8Array, data: Uint8Array): number {
  const view = new DataView(modes.buffer, modes.byteOffset, modes.byteLength);
  const key = modes[CC + VSUSP] as number;
  return view.getUint32(LFLAG, true) & ISIG && key !== 0 ? data.indexOf(key) : -1;
}

/** How the relay ends as the CLI did: the same exit code, or the same death by signal. */
export type Ending = { code: number } | { signal: number };

/** The wait status the kernel reports for a child (waitpid's int), as the caller must see it. */
export function waitStatus(status: number): { exited: Ending } | { stopped: number } | { continued: true } {
  const low = status & 0x7f;
  if (low === 0) return { exited: { code: (status >> 8) & 0xff } };
  if (status === 0xffff) return { continued: true };
  if (low === 0x7f) return { stopped: (status >> 8) & 0xff };
  return { exited: { signal: low } };
}
