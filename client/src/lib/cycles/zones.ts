/**
 * Dates of a cycle as people read them: always in a named time zone, the standard's and the
 * viewer's. Windows are stored in UTC; forms take a wall time in the standard's zone.
 */

/** The viewer's IANA time zone, as the browser knows it ("UTC" when it does not say). */
export function viewerTimeZone(): string {
  try {
    return new Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** "14 Mar 2027, 09:00 CET (Europe/Paris)": an instant in a zone, with the zone's short and IANA names. */
export function formatInZone(iso: string | Date, timeZone: string, locale?: string): string {
  const date = typeof iso === "string" ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return String(iso);
  let text: string;
  try {
    text = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: "medium", timeStyle: "short" }).format(date);
  } catch {
    return `${new Intl.DateTimeFormat(locale, { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" }).format(date)} (UTC)`;
  }
  const short = zoneAbbreviation(date, timeZone, locale);
  return short && short !== timeZone ? `${text} ${short} (${timeZone})` : `${text} (${timeZone})`;
}

/** The zone's short name at that instant ("CET", "GMT+2"), from Intl's `timeZoneName`. */
function zoneAbbreviation(date: Date, timeZone: string, locale?: string): string | null {
  const parts = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: "short" }).formatToParts(date);
  return parts.find((p) => p.type === "timeZoneName")?.value ?? null;
}

/** An instant in the standard's zone and, when the viewer's differs, in theirs too. */
export function zonedTimes(iso: string, standardZone: string, viewerZone: string, locale?: string): { standard: string; viewer: string | null } {
  const standard = formatInZone(iso, standardZone, locale);
  return { standard, viewer: sameZone(standardZone, viewerZone, iso) ? null : formatInZone(iso, viewerZone, locale) };
}

/** Whether two zones read the same wall time at that instant (e.g. "UTC" and "Etc/UTC"). */
function sameZone(a: string, b: string, iso: string): boolean {
  if (a === b) return true;
  try {
    return offsetMinutes(new Date(iso), a) === offsetMinutes(new Date(iso), b) && a.replace(/^Etc\//, "") === b.replace(/^Etc\//, "");
  } catch {
    return false;
  }
}

/** Minutes the zone is ahead of UTC at that instant. */
export function offsetMinutes(date: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((wall - Math.floor(date.getTime() / 1000) * 1000) / 60000);
}

/** The `datetime-local` value ("2027-03-14T09:00") of an instant in a zone. */
export function toWallTime(iso: string | Date, timeZone: string): string {
  const date = typeof iso === "string" ? new Date(iso) : iso;
  const shifted = new Date(date.getTime() + offsetMinutes(date, timeZone) * 60000);
  return shifted.toISOString().slice(0, 16);
}

/**
 * The UTC instant (ISO) of a wall time ("2027-03-14T09:00") in a zone, or null for garbage. A wall
 * time that a clock change skips is read with the offset from before the change.
 */
export function fromWallTime(wall: string, timeZone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(wall);
  if (!match) return null;
  const [y, mo, d, h, mi, s] = match.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
  const asUtc = Date.UTC(y!, mo! - 1, d!, h!, mi!, s ?? 0);
  if (Number.isNaN(asUtc)) return null;
  try {
    // Two passes settle the offset across a clock change.
    let guess = asUtc - offsetMinutes(new Date(asUtc), timeZone) * 60000;
    guess = asUtc - offsetMinutes(new Date(guess), timeZone) * 60000;
    return new Date(guess).toISOString();
  } catch {
    return null;
  }
}

/** "2 days 3 h", "3 h 4 min", "4 min 05 s", "12 s": how long until a moment, for a live countdown. */
export function formatCountdown(ms: number): string {
  if (ms <= 0) return "now";
  const total = Math.floor(ms / 1000);
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return `${days} ${days === 1 ? "day" : "days"} ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min ${String(seconds).padStart(2, "0")} s`;
  return `${seconds} s`;
}
