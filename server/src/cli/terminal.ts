// How the command line writes: plain lines, and colour only for a terminal that wants it.

/** Writes one line to standard output. */
export const say = (line = "") => process.stdout.write(`${line}\n`);

/** Writes one progress line to standard error, so `--json` output on standard output stays clean. */
export const progress = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Whether to colour standard output: never with NO_COLOR set (https://no-color.org) or
 * `--no-color`, always with FORCE_COLOR, otherwise only when writing to a terminal.
 */
export function wantsColour(env: NodeJS.ProcessEnv = process.env, flagOff = false): boolean {
  if (flagOff || (env.NO_COLOR !== undefined && env.NO_COLOR !== "")) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return true;
  return process.stdout.isTTY === true;
}

export interface Paint {
  /** False when these are identity functions. */
  colour: boolean;
  added(text: string): string;
  removed(text: string): string;
  changed(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const sgr = (open: string, close: string) => (text: string) => (text === "" ? "" : `\u001b[${open}m${text}\u001b[${close}m`);
const plain = (text: string) => text;

/** ANSI styles when `colour`, else identity functions. */
export function paint(colour: boolean): Paint {
  if (!colour) return { colour, added: plain, removed: plain, changed: plain, dim: plain, bold: plain };
  return { colour, added: sgr("32", "39"), removed: sgr("31", "39"), changed: sgr("33", "39"), dim: sgr("2", "22"), bold: sgr("1", "22") };
}
