const ALLOWED_SCHEMES = new Set(["http", "https", "mailto"]);
// Browsers ignore ASCII whitespace and control characters inside a scheme
// ("java\tscript:"), so they are removed before the scheme is read.
const IGNORED_CHARACTERS = /[\u0000-\u0020\u007f]/g;
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/**
 * Whether `href` may be the target of a link in a section body: an `http:`, `https:`
 * or `mailto:` URL, a relative reference (`../x`, `//host/x`, `?q`) or an anchor
 * (`#part`). Any other scheme (`javascript:`, `data:`, `vbscript:`, `file:` …) and the
 * empty string are refused.
 */
export function isSafeHref(href: string): boolean {
  const compact = href.replace(IGNORED_CHARACTERS, "");
  if (compact === "") return false;
  const scheme = SCHEME.exec(compact);
  return scheme === null || ALLOWED_SCHEMES.has(scheme[1]!.toLowerCase());
}
