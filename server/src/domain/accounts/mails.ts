import type { Db } from "../../db/database";
import type { UserRow } from "../../db/tables/users";
import { composeMail } from "../mail/compose";
import { enqueueMail } from "../mail/queue";
import { issueUserToken } from "./one-time-tokens";

/**
 * The messages about an account itself, each queued in the transaction of the request that
 * warrants it. Links carry their token after `#`, so it reaches the web client's page but is
 * never sent to a server or written to a log; the page posts it to the API.
 */

/** Pages of the web client the messages link to. */
export const accountPages = {
  verify: (publicUrl: string, token: string) => `${publicUrl}/verify#${token}`,
  reset: (publicUrl: string, token: string) => `${publicUrl}/reset#${token}`,
  signIn: (publicUrl: string) => `${publicUrl}/login`,
};

const footer = (publicUrl: string) => [`You get this message because this address was given at ${publicUrl}.`];

/** Issues a verification token and queues the message carrying its link (valid 24 hours). */
export async function mailVerification(db: Db, publicUrl: string, user: UserRow): Promise<void> {
  const url = accountPages.verify(publicUrl, await issueUserToken(db, user.id, "verify"));
  const { text, html } = composeMail({
    greeting: `Hello ${user.display_name},`,
    paragraphs: [
      `Someone, hopefully you, made a Codewright account for ${user.email} with the name “${user.display_name}”. Open the link below within 24 hours to verify the address. Until then the account can read, but not propose, comment or vote.`,
      "If this was not you, ignore this message: the account stays unverified and cannot take part.",
    ],
    action: { label: "Verify my address", url },
    footer: footer(publicUrl),
  });
  await enqueueMail(db, publicUrl, { kind: "verify", to: user.email, userId: user.id, subject: "Verify your address for Codewright", text, html });
}

/**
 * Tells the owner of a verified account that someone tried to register with their address: a
 * link to sign in, and a password reset link (valid an hour) in case they forgot they had one.
 */
export async function mailRegisteredAlready(db: Db, publicUrl: string, user: UserRow): Promise<void> {
  const resetUrl = accountPages.reset(publicUrl, await issueUserToken(db, user.id, "reset"));
  const { text, html } = composeMail({
    greeting: `Hello ${user.display_name},`,
    paragraphs: [
      `Someone tried to make a new Codewright account for ${user.email}, which already has one. If it was you, sign in with your account instead.`,
      `Forgot your password? Choose a new one within an hour at ${resetUrl}`,
      "If it was not you, ignore this message: nothing changed.",
    ],
    action: { label: "Sign in", url: accountPages.signIn(publicUrl) },
    footer: footer(publicUrl),
  });
  await enqueueMail(db, publicUrl, {
    kind: "register-existing",
    to: user.email,
    userId: user.id,
    subject: "Someone tried to register with your address",
    text,
    html,
  });
}

/** Issues a reset token and queues the message carrying its link (valid an hour). */
export async function mailPasswordReset(db: Db, publicUrl: string, user: UserRow): Promise<void> {
  const url = accountPages.reset(publicUrl, await issueUserToken(db, user.id, "reset"));
  const { text, html } = composeMail({
    greeting: `Hello ${user.display_name},`,
    paragraphs: [
      `Someone, hopefully you, asked to choose a new password for the Codewright account of ${user.email}. Open the link below within an hour to choose it. Choosing it signs the account out everywhere.`,
      "If this was not you, ignore this message: your password stays as it is.",
    ],
    action: { label: "Choose a new password", url },
    footer: footer(publicUrl),
  });
  await enqueueMail(db, publicUrl, { kind: "reset", to: user.email, userId: user.id, subject: "Choose a new Codewright password", text, html });
}
