import { createHmac, timingSafeEqual } from "node:crypto";
import type { Preferences } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { DomainContext } from "../context";
import { invalidToken } from "../errors";
import { existingServerSecret, serverSecret } from "../server-secrets";
import { escapeHtml } from "../mail/compose";
import { absolute, pagePaths } from "./links";

/**
 * One-click unsubscribe links (RFC 8058): a signed, expiring token naming the user and what the
 * link does, so that it works without signing in and cannot be made for anyone else. The key is
 * made on first use and shared by every process (`server_secrets`).
 */

const KEY_NAME = "unsubscribe-hmac";
/** What a link does; the only one for now: turn notification email off. */
const ACTION = "email-off";
export const UNSUBSCRIBE_TTL_MS = 60 * 24 * 3600 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function mac(key: string, payload: string): string {
  return createHmac("sha256", key).update(`codewright unsubscribe v1\n${payload}`).digest("base64url");
}

/** A token turning the user's notification email off, valid for 60 days from `now`. */
export async function unsubscribeToken(db: Db, userId: string, now = new Date()): Promise<string> {
  const key = await serverSecret(db, KEY_NAME);
  const payload = `${userId}.${ACTION}.${Math.floor((now.getTime() + UNSUBSCRIBE_TTL_MS) / 1000)}`;
  return `${payload}.${mac(key, payload)}`;
}

/** The unsubscribe link of a message to the user: absolute, for the body and `List-Unsubscribe`. */
export async function unsubscribeUrl(db: Db, publicUrl: string, userId: string): Promise<string> {
  return absolute(publicUrl, `/api/unsubscribe?token=${encodeURIComponent(await unsubscribeToken(db, userId))}`);
}

/** The headers that let mail programs offer the one-click unsubscribe (RFC 2369, RFC 8058). */
export function unsubscribeHeaders(url: string): Record<string, string> {
  return { "List-Unsubscribe": `<${url}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" };
}

const refused = () => invalidToken("This unsubscribe link is not valid or has expired. Change how you get email on your account page instead.");

/** The user a token names, when it is well-formed, signed by this site, unexpired, and the user exists. Throws 400 `invalid_token`. */
async function userOfToken(db: Db, token: string): Promise<string> {
  const parts = token.split(".");
  if (parts.length !== 4) throw refused();
  const [userId, action, expires, signature] = parts as [string, string, string, string];
  if (!UUID.test(userId) || action !== ACTION || !/^[0-9]{1,12}$/.test(expires)) throw refused();
  // Checking makes no key: without one, no token was ever signed.
  const key = await existingServerSecret(db, KEY_NAME);
  if (!key) throw refused();
  const expected = Buffer.from(mac(key, `${userId}.${action}.${expires}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused();
  if (Number(expires) * 1000 <= Date.now()) throw refused();
  const user = await db.selectFrom("users").select("id").where("id", "=", userId).executeTakeFirst();
  if (!user) throw refused();
  return user.id;
}

/** Checks a link's token and changes nothing (`GET`: mail scanners open links). Throws 400 `invalid_token`. */
export async function checkUnsubscribe(ctx: DomainContext, token: string): Promise<void> {
  await userOfToken(ctx.db, token);
}

/** Turns the token's user's notification email off (`POST`, RFC 8058 one-click). Throws 400 `invalid_token`. */
export async function unsubscribe(ctx: DomainContext, token: string): Promise<Preferences> {
  return ctx.db.transaction().execute(async (trx) => {
    const userId = await userOfToken(trx, token);
    await trx.updateTable("users").set({ email_notifications: "off" }).where("id", "=", userId).execute();
    return { email: "off" };
  });
}

/** The page an unsubscribe link opens in a browser: one button that posts the one-click request. */
export function unsubscribePage(token: string): string {
  return page(
    "Stop notification email",
    `<p>Codewright mails you about what you watch and take part in. Press the button to get no more of these messages. You keep your watches and your inbox.</p>
<form method="post" action="/api/unsubscribe?token=${escapeHtml(encodeURIComponent(token))}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Stop notification email</button>
</form>`,
  );
}

/** The page after unsubscribing from a browser. */
export function unsubscribedPage(publicUrl: string): string {
  const account = absolute(publicUrl, pagePaths.account());
  return page(
    "You will get no more notification email",
    `<p>Notifications still reach your inbox on the site. To have them mailed again, choose how on <a href="${escapeHtml(account)}">your account page</a>.</p>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)} · Codewright</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5"><h1 style="font-size:1.4rem">${escapeHtml(title)}</h1>
${body}
</body></html>
`;
}
