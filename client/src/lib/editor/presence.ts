/** What each client announces about itself besides the server-stamped `user`. */
export type PresenceMode = "editing" | "reading";

/** The awareness field this client sets to say whether it edits or reads. */
export const MODE_FIELD = "mode";

/** Someone in the section, as the server identified them. */
export interface PresentUser {
  /** The user's id; a person with two tabs open is listed once. */
  id: string;
  name: string;
  /** `#rrggbb`, the same in every room. */
  color: string;
  /** Their role in the standard: admin, editor, contributor or reader. */
  role: string;
  /** True when any of their views edits. */
  editing: boolean;
}

const COLOR = /^#[0-9a-f]{6}$/i;

function stampedUser(state: unknown): Omit<PresentUser, "editing"> | null {
  const user = (state as { user?: unknown } | null)?.user as Record<string, unknown> | undefined;
  if (typeof user !== "object" || user === null) return null;
  const { id, name, color, role } = user;
  if (typeof id !== "string" || typeof name !== "string") return null;
  return { id, name, color: typeof color === "string" && COLOR.test(color) ? color : "#586174", role: typeof role === "string" ? role : "reader" };
}

/**
 * Everyone else present in a room, from its awareness states: only states the server stamped
 * with a `user` (anonymous readers are not shown), without this client's own state, one entry
 * per user. Editors come first, then by name.
 */
export function presentUsers(states: ReadonlyMap<number, unknown>, ownClientId: number): PresentUser[] {
  const byUser = new Map<string, PresentUser>();
  for (const [clientId, state] of states) {
    if (clientId === ownClientId) continue;
    const user = stampedUser(state);
    if (!user) continue;
    const editing = (state as Record<string, unknown>)[MODE_FIELD] === "editing";
    const known = byUser.get(user.id);
    if (known) known.editing ||= editing;
    else byUser.set(user.id, { ...user, editing });
  }
  return [...byUser.values()].sort((a, b) => Number(b.editing) - Number(a.editing) || a.name.localeCompare(b.name));
}
