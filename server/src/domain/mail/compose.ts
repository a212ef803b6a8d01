/**
 * The plain-text and HTML parts of a message, from one description, so the two always say the
 * same. Every piece of text is escaped in the HTML part: names, titles and comments are other
 * people's words.
 */
export interface MailContent {
  /** The first line, e.g. "Hello Ada,". */
  greeting?: string;
  /** The body, one paragraph each. */
  paragraphs: string[];
  /** The one thing to do, as a button in HTML and a bare link in text; an absolute URL. */
  action?: { label: string; url: string };
  /** Small print after the body: why this came, how to stop it. */
  footer?: string[];
  /** Sections with a heading and items, each item with an optional link (digests). */
  groups?: { heading: string; items: { text: string; url?: string }[] }[];
}

export function composeMail(content: MailContent): { text: string; html: string } {
  const text: string[] = [];
  const html: string[] = [];
  if (content.greeting) {
    text.push(content.greeting, "");
    html.push(`<p>${escapeHtml(content.greeting)}</p>`);
  }
  for (const p of content.paragraphs) {
    text.push(p, "");
    html.push(`<p>${escapeHtml(p)}</p>`);
  }
  for (const group of content.groups ?? []) {
    text.push(group.heading, "-".repeat(Math.min(group.heading.length, 72)));
    html.push(`<h2 style="font-size:16px;margin:20px 0 8px">${escapeHtml(group.heading)}</h2>`, "<ul>");
    for (const item of group.items) {
      text.push(`- ${item.text}${item.url ? `\n  ${item.url}` : ""}`);
      html.push(`<li>${item.url ? `<a href="${escapeAttribute(item.url)}">${escapeHtml(item.text)}</a>` : escapeHtml(item.text)}</li>`);
    }
    text.push("");
    html.push("</ul>");
  }
  if (content.action) {
    text.push(`${content.action.label}: ${content.action.url}`, "");
    html.push(
      `<p><a href="${escapeAttribute(content.action.url)}" style="display:inline-block;padding:10px 16px;background:#1f4e8c;color:#ffffff;text-decoration:none;border-radius:4px">${escapeHtml(content.action.label)}</a></p>`,
      `<p style="font-size:13px;color:#555">Or open this address: ${escapeHtml(content.action.url)}</p>`,
    );
  }
  if (content.footer?.length) {
    text.push("--", ...content.footer);
    html.push(`<hr><p style="font-size:12px;color:#666">${content.footer.map(escapeHtml).join("<br>")}</p>`);
  }
  return {
    text: text.join("\n").trimEnd() + "\n",
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:15px;line-height:1.5;color:#1a1a1a;max-width:640px">${html.join("\n")}</body></html>\n`,
  };
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function escapeAttribute(url: string): string {
  return escapeHtml(url);
}
