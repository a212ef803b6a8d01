/** The shortest password the server accepts (`Password` in the shared API schemas). */
export const MIN_PASSWORD = 12;
/** The longest. */
export const MAX_PASSWORD = 256;

/** Why a new password, typed twice, cannot be sent; null when it can. The server checks again. */
export function newPasswordProblem(password: string, again: string): string | null {
  if (password.length < MIN_PASSWORD) return `Your password needs at least ${MIN_PASSWORD} characters.`;
  if (password.length > MAX_PASSWORD) return `Your password can have at most ${MAX_PASSWORD} characters.`;
  if (password !== again) return "The two passwords differ. Type the same password twice.";
  return null;
}
