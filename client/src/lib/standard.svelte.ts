import type { Standard, StandardPermissions } from "@codewright/shared";

/** Nothing allowed: what a page offers until the server has said what the user may do. */
export const NO_PERMISSIONS: StandardPermissions = {
  editSections: false,
  propose: false,
  comment: false,
  commentOnReleases: false,
  readDraftDiff: false,
  publish: false,
  viewMembers: false,
  manageMembers: false,
  editSettings: false,
};

/**
 * One standard as the signed-in user sees it, for pages that need what the user may do in it.
 * The rules are the server's: pages read `permissions` and never derive them from roles.
 */
export class StandardRecord {
  /** The request, for `{#await}` blocks; it rejects with `ApiError` when the standard cannot be read. */
  readonly loaded: Promise<Standard>;
  /** Null until loaded, and when it could not be read. */
  standard: Standard | null = $state(null);
  readonly permissions: StandardPermissions = $derived(this.standard?.permissions ?? NO_PERMISSIONS);

  /** @param request the standard's request (`api.standard(slug)`), read once */
  constructor(request: Promise<Standard>) {
    this.loaded = request;
    request.then(
      (standard) => (this.standard = standard),
      () => (this.standard = null),
    );
  }
}
