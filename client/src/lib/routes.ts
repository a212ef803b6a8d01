/**
 * The client's pages and their addresses. Every page has one stable path; `matchRoute`
 * reads a path and `paths` writes one, so links never spell paths by hand.
 *
 * Later pages slot in here: a section's edit mode (`/standards/:slug/sections/:id/edit`),
 * releases and their diffs (`/standards/:slug/releases/…`) and proposals
 * (`/standards/:slug/proposals/:id`).
 */
export type Route =
  | { name: "standards" }
  | { name: "signIn"; next: string | null }
  | { name: "standard"; slug: string }
  | { name: "section"; slug: string; sectionId: string }
  | { name: "account" }
  | { name: "adminUsers" }
  | { name: "adminStandards" }
  | { name: "adminMembers"; slug: string }
  | { name: "invite" }
  | { name: "notFound"; path: string };

export type RouteName = Route["name"];

const seg = encodeURIComponent;

export const paths = {
  home: () => "/",
  standards: () => "/standards",
  /** `next` is where to go after signing in; only same-site paths are kept. */
  signIn: (next?: string | null) => (next && isLocalPath(next) && next !== "/login" ? `/login?next=${seg(next)}` : "/login"),
  standard: (slug: string) => `/standards/${seg(slug)}`,
  section: (slug: string, sectionId: string) => `/standards/${seg(slug)}/sections/${seg(sectionId)}`,
  account: () => "/account",
  adminUsers: () => "/admin/users",
  adminStandards: () => "/admin/standards",
  adminMembers: (slug: string) => `/admin/standards/${seg(slug)}/members`,
  invite: () => "/invite",
} as const;

/** True for a path on this site (`/x`), false for another site (`//host`, `https:`) or garbage. */
export function isLocalPath(path: string): boolean {
  return path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\");
}

/**
 * The route of a path and query string. Unknown paths, and paths whose segments are not
 * valid percent-encoding, give `notFound`. A trailing slash is ignored.
 */
export function matchRoute(pathname: string, search = ""): Route {
  const parts = splitPath(pathname);
  if (parts === null) return { name: "notFound", path: pathname };
  const [a, b, c, d, ...rest] = parts;
  const extra = rest.length > 0;

  if (parts.length === 0) return { name: "standards" };
  if (a === "login" && parts.length === 1) {
    const next = new URLSearchParams(search).get("next");
    return { name: "signIn", next: next !== null && isLocalPath(next) ? next : null };
  }
  if (a === "account" && parts.length === 1) return { name: "account" };
  if (a === "invite" && parts.length === 1) return { name: "invite" };
  if (a === "standards" && !extra) {
    if (b === undefined) return { name: "standards" };
    if (c === undefined) return { name: "standard", slug: b };
    if (c === "sections" && d !== undefined) return { name: "section", slug: b, sectionId: d };
  }
  if (a === "admin" && !extra) {
    if (b === undefined || (b === "users" && c === undefined)) return { name: "adminUsers" };
    if (b === "standards" && c === undefined) return { name: "adminStandards" };
    if (b === "standards" && c !== undefined && d === "members") return { name: "adminMembers", slug: c };
  }
  return { name: "notFound", path: pathname };
}

function splitPath(pathname: string): string[] | null {
  try {
    return pathname
      .split("/")
      .filter((part) => part !== "")
      .map((part) => decodeURIComponent(part));
  } catch {
    return null;
  }
}
