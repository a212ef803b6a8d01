import type { AuthOptions } from "@codewright/shared";
import type { ApiClient } from "../api";

/**
 * What the sign-in and sign-up pages offer. Never rejects: when the server cannot say, the pages
 * offer what is always there (email and password) and let the server refuse the rest.
 */
export async function loadAuthOptions(api: ApiClient): Promise<AuthOptions | null> {
  try {
    return await api.authOptions();
  } catch {
    return null;
  }
}

/**
 * What the sign-in page says when single sign-on came back with `?error=`; null without one.
 * `provider` is the provider's name on the button, when known.
 */
export function singleSignOnProblem(error: string | null, provider: string | null): string | null {
  if (error === null) return null;
  return `Signing in with ${provider ?? "single sign-on"} did not work, so you are not signed in. Try again, or sign in with your email and password.`;
}
