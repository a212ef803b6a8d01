import { describe, expect, it } from "vitest";
import { ApiError } from "../api";
import { isSpentLink, tokenFromHash } from "./mailed-link";
import { MIN_PASSWORD, newPasswordProblem } from "./passwords";
import { registrationProblem } from "./registration.svelte";
import { singleSignOnProblem } from "./sign-in-options";

describe("mailed links", () => {
  it("reads the token from the fragment", () => {
    expect(tokenFromHash("#abc_DEF-123")).toBe("abc_DEF-123");
    expect(tokenFromHash("#%20abc%20")).toBe("abc");
    expect(tokenFromHash("")).toBe("");
    expect(tokenFromHash("#%E0%A4%A")).toBe("");
  });

  it("tells a link that no longer works from other failures", () => {
    expect(isSpentLink(new ApiError(400, "invalid_token", "This link has expired."))).toBe(true);
    expect(isSpentLink(new ApiError(400, "invalid_request", "token: must match pattern"))).toBe(true);
    expect(isSpentLink(new ApiError(0, "network_error", "Offline."))).toBe(false);
    expect(isSpentLink(null)).toBe(false);
  });
});

describe("new passwords and the sign-up form", () => {
  const form = { email: "ada@example.org", displayName: "Ada", password: "x".repeat(MIN_PASSWORD), again: "x".repeat(MIN_PASSWORD) };

  it("asks for a long enough password, typed the same twice", () => {
    expect(newPasswordProblem("short", "short")).toContain(`${MIN_PASSWORD} characters`);
    expect(newPasswordProblem("x".repeat(257), "x".repeat(257))).toContain("at most 256");
    expect(newPasswordProblem("a long new password", "a long new passwore")).toContain("differ");
    expect(newPasswordProblem("a long new password", "a long new password")).toBeNull();
  });

  it("asks for an address and a name", () => {
    expect(registrationProblem(form)).toBeNull();
    expect(registrationProblem({ ...form, email: " " })).toContain("email address");
    expect(registrationProblem({ ...form, displayName: "  " })).toContain("name");
    expect(registrationProblem({ ...form, displayName: "x".repeat(101) })).toContain("at most 100");
    expect(registrationProblem({ ...form, again: "other" })).toContain("differ");
  });
});

describe("single sign-on failures", () => {
  it("says what happened and what to do, naming the provider when known", () => {
    expect(singleSignOnProblem(null, "IEEE account")).toBeNull();
    expect(singleSignOnProblem("oidc_failed", "IEEE account")).toBe(
      "Signing in with IEEE account did not work, so you are not signed in. Try again, or sign in with your email and password.",
    );
    expect(singleSignOnProblem("anything", null)).toContain("single sign-on");
  });
});
