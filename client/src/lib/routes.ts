import type { ProposalState } from "@codewright/shared";

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
  | { name: "signIn"; next: string | null; error: string | null }
  | { name: "signUp" }
  | { name: "verify" }
  | { name: "forgotPassword" }
  | { name: "resetPassword" }
  | { name: "notifications" }
  | { name: "standard"; slug: string }
  | { name: "section"; slug: string; sectionId: string }
  | { name: "editSection"; slug: string; sectionId: string }
  | { name: "releases"; slug: string }
  | { name: "release"; slug: string; version: string; sectionId: string | null }
  | { name: "diff"; slug: string; from: string | null; to: string | null; layout: DiffLayout; changedOnly: boolean }
  | { name: "account" }
  | { name: "adminUsers" }
  | { name: "adminStandards" }
  | { name: "adminMembers"; slug: string }
  | { name: "invite" }
  | { name: "proposals"; slug: string; state: ProposalState | null }
  | { name: "proposal"; id: string; sectionId: string | null; editing: boolean }
  | { name: "activity" }
  | { name: "cycle"; id: string }
  | { name: "notFound"; path: string };

export type RouteName = Route["name"];

/** How the diff page lays out a changed section: one column with both texts, or before and after side by side. */
export type DiffLayout = "inline" | "split";

/** What the diff page shows; null versions are chosen by the page (the latest release and the one before). */
export interface DiffOptions {
  from: string | null;
  to: string | null;
  /** Default `inline`. */
  layout?: DiffLayout;
  /** Default true: unchanged sections are left out. */
  changedOnly?: boolean;
}

const seg = encodeURIComponent;

export const paths = {
  home: () => "/",
  standards: () => "/standards",
  /** `next` is where to go after signing in; only same-site paths are kept. */
  signIn: (next?: string | null) => (next && isLocalPath(next) && next !== "/login" ? `/login?next=${seg(next)}` : "/login"),
  standard: (slug: string) => `/standards/${seg(slug)}`,
  section: (slug: string, sectionId: string) => `/standards/${seg(slug)}/sections/${seg(sectionId)}`,
  /** A section in edit mode (the live editor). */
  editSection: (slug: string, sectionId: string) => `/standards/${seg(slug)}/sections/${seg(sectionId)}/edit`,
  releases: (slug: string) => `/standards/${seg(slug)}/releases`,
  /** A release's front page, or one of its sections at a stable address. */
  release: (slug: string, version: string, sectionId?: string | null) =>
    `/standards/${seg(slug)}/releases/${seg(version)}` + (sectionId ? `/sections/${seg(sectionId)}` : ""),
  /** The diff page; the address is the permalink, so defaults are left out of it. */
  diff: (slug: string, options: DiffOptions) => {
    const query = new URLSearchParams();
    if (options.from !== null) query.set("from", options.from);
    if (options.to !== null) query.set("to", options.to);
    if (options.layout === "split") query.set("layout", "split");
    if (options.changedOnly === false) query.set("all", "1");
    const search = query.toString();
    return `/standards/${seg(slug)}/diff` + (search ? `?${search}` : "");
  },
  /** Making an account (when registration is open). */
  signUp: () => "/signup",
  /** Where a mailed verification link lands: `/verify#<token>`; the token is never sent to the server in the address. */
  verify: () => "/verify",
  /** Asking for a password-reset link. */
  forgotPassword: () => "/forgot",
  /** Where a mailed reset link lands: `/reset#<token>`. */
  resetPassword: () => "/reset",
  /**
   * The server's start of single sign-on with the configured OpenID provider, which comes back to
   * `returnTo` (a path on this site; others give the list of standards). Not a page of the client:
   * links to it are followed by the browser.
   */
  oidcStart: (returnTo?: string | null) =>
    `/api/auth/oidc/start?${new URLSearchParams({ returnTo: returnTo && isLocalPath(returnTo) ? returnTo : "/standards" })}`,
  /** The signed-in user's notifications. */
  notifications: () => "/notifications",
  account: () => "/account",
  adminUsers: () => "/admin/users",
  adminStandards: () => "/admin/standards",
  adminMembers: (slug: string) => `/admin/standards/${seg(slug)}/members`,
  invite: () => "/invite",
  /** A standard's proposals, optionally only those in one state. */
  proposals: (slug: string, state?: ProposalState | null) => `/standards/${seg(slug)}/proposals` + (state ? `?state=${state}` : ""),
  /** A proposal's page, or one of its sections (read, or in the live editor). */
  proposal: (id: string, sectionId?: string | null, editing = false) =>
    `/proposals/${seg(id)}` + (sectionId ? `/sections/${seg(sectionId)}` + (editing ? "/edit" : "") : ""),
  /** The signed-in user's activity feed. */
  activity: () => "/activity",
  /** A revision cycle's page: its stages, deadlines, blockers and ballot. */
  cycle: (id: string) => `/cycles/${seg(id)}`,
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
    const query = new URLSearchParams(search);
    const next = query.get("next");
    return { name: "signIn", next: next !== null && isLocalPath(next) ? next : null, error: query.get("error") || null };
  }
  if (parts.length === 1 && a !== undefined && Object.hasOwn(SINGLE_PAGES, a)) return { name: SINGLE_PAGES[a]! };
  if (a === "account" && parts.length === 1) return { name: "account" };
  if (a === "invite" && parts.length === 1) return { name: "invite" };
  if (a === "activity" && parts.length === 1) return { name: "activity" };
  if (a === "cycles" && b !== undefined && parts.length === 2) return { name: "cycle", id: b };
  if (a === "proposals" && b !== undefined) return matchProposalRoute(b, parts.slice(2)) ?? { name: "notFound", path: pathname };
  if (a === "standards" && b !== undefined && c === "proposals" && d === undefined) {
    const state = new URLSearchParams(search).get("state");
    return { name: "proposals", slug: b, state: PROPOSAL_STATES.find((s) => s === state) ?? null };
  }
  if (a === "standards" && b !== undefined && (c === "releases" || c === "diff")) {
    return matchReleaseRoute(b, parts.slice(2), search) ?? { name: "notFound", path: pathname };
  }
  if (a === "standards" && b !== undefined && c === "sections" && d !== undefined && rest.length === 1 && rest[0] === "edit") {
    return { name: "editSection", slug: b, sectionId: d };
  }
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

/** Releases and diffs under `/standards/:slug/`: `rest` starts at `releases` or `diff`. */
function matchReleaseRoute(slug: string, rest: string[], search: string): Route | null {
  const [kind, version, sections, sectionId, ...extra] = rest;
  if (extra.length > 0) return null;
  if (kind === "releases") {
    if (version === undefined) return { name: "releases", slug };
    if (sections === undefined) return { name: "release", slug, version, sectionId: null };
    if (sections === "sections" && sectionId !== undefined) return { name: "release", slug, version, sectionId };
    return null;
  }
  if (kind === "diff" && version === undefined) {
    const query = new URLSearchParams(search);
    return {
      name: "diff",
      slug,
      from: query.get("from") || null,
      to: query.get("to") || null,
      layout: query.get("layout") === "split" ? "split" : "inline",
      changedOnly: query.get("all") !== "1",
    };
  }
  return null;
}

/** Pages with a one-segment address and no parameters in it. */
const SINGLE_PAGES: Readonly<Record<string, "signUp" | "verify" | "forgotPassword" | "resetPassword" | "notifications">> = {
  signup: "signUp",
  verify: "verify",
  forgot: "forgotPassword",
  reset: "resetPassword",
  notifications: "notifications",
};

const PROPOSAL_STATES: readonly ProposalState[] = ["draft", "open", "accepted", "rejected", "withdrawn"];

/** A proposal's pages under `/proposals/:id/`: `rest` is what follows the id. */
function matchProposalRoute(id: string, rest: string[]): Route | null {
  const [sections, sectionId, edit, ...extra] = rest;
  if (extra.length > 0) return null;
  if (sections === undefined) return { name: "proposal", id, sectionId: null, editing: false };
  if (sections !== "sections" || sectionId === undefined) return null;
  if (edit === undefined) return { name: "proposal", id, sectionId, editing: false };
  return edit === "edit" ? { name: "proposal", id, sectionId, editing: true } : null;
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
