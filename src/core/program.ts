/** Whether a program the shim would execute is there to execute. */
export type ProgramStatus = "ok" | "missing" | "not-executable";

/** One wording for the shim's refusal, explain and doctor. */
export const PROGRAM_STATUS_TEXT: Record<ProgramStatus, string> = {
  ok: "exists and is executable",
  missing: "does not exist",
  "not-executable": "is not executable",
};
