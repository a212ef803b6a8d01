/** Someone the API names: a user reference, with the organisation they represent when they gave one. */
export interface Person {
  displayName: string;
  /** Absent from older answers; null or empty for none. */
  affiliation?: string | null;
}

/**
 * A person's name as consensus bodies show it, with whom they speak for:
 * "Ada Lovelace (Acme Medical)", or just "Ada Lovelace" without an affiliation.
 */
export function personName(person: Person): string {
  const affiliation = person.affiliation?.trim();
  return affiliation ? `${person.displayName} (${affiliation})` : person.displayName;
}
