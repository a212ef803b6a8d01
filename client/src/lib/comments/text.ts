/** A piece of a comment body: plain text, or a web link found in it. `start` is its offset in the body. */
export type CommentPart = { kind: "text"; text: string; start: number } | { kind: "link"; text: string; href: string; start: number };

// Candidates only: each is checked with the URL parser before it becomes a link.
const LINK = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?'"»”’]+$/;

/** Drops punctuation that ends the sentence rather than the address, and a closing bracket with no opening one. */
function trimLink(candidate: string): string {
  let link = candidate.replace(TRAILING, "");
  while (link.endsWith(")") && (link.match(/\(/g)?.length ?? 0) < (link.match(/\)/g)?.length ?? 0)) {
    link = link.slice(0, -1).replace(TRAILING, "");
  }
  return link;
}

/** The address as a link may use it: only absolute http and https URLs; null for anything else. */
export function safeLink(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
}

/**
 * A comment body cut into text and links, for rendering as text nodes and `<a>` elements
 * (never as HTML). Only http and https addresses become links; everything else, markup
 * included, stays text exactly as written.
 */
export function commentParts(body: string): CommentPart[] {
  const parts: CommentPart[] = [];
  let last = 0;
  for (const match of body.matchAll(LINK)) {
    const text = trimLink(match[0]);
    const href = safeLink(text);
    if (!href || text.length === 0) continue;
    const start = match.index;
    if (start > last) parts.push({ kind: "text", text: body.slice(last, start), start: last });
    parts.push({ kind: "link", text, href, start });
    last = start + text.length;
  }
  if (last < body.length) parts.push({ kind: "text", text: body.slice(last), start: last });
  return parts;
}
