/**
 * Signal numbers, the same on x86_64 and aarch64 Linux: those the shim resets
 * before its exec and those the relay sends. The signals the relay handles
 * are its rules' (relayRules.ts), each number named once in the tree.
 */
export const SIGKILL = 9;
export const SIGPIPE = 13;
export const SIGSTOP = 19;
export const SIGTSTP = 20;
export const SIGXFSZ = 25;
