/**
 * Signal numbers, the same on x86_64 and aarch64 Linux, each named once in the tree: those the shim resets before
 * its exec, and those the relay handles, forwards and sends (src/relay/core/relayRules.ts says which is which).
 */
export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGQUIT = 3;
export const SIGKILL = 9;
export const SIGUSR1 = 10;
export const SIGUSR2 = 12;
export const SIGPIPE = 13;
export const SIGALRM = 14;
export const SIGTERM = 15;
export const SIGCHLD = 17;
export const SIGCONT = 18;
export const SIGSTOP = 19;
export const SIGTSTP = 20;
export const SIGXFSZ = 25;
export const SIGWINCH = 28;
