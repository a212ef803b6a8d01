import type { ActivityItem } from "@codewright/shared";
import { personName } from "../people";
import { paths } from "../routes";

/** Feed ids are increasing decimal integers (up to 19 digits): compare them as numbers. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Items from both lists, each once, newest first: the stream may repeat what the list already had. */
export function mergeActivity(current: readonly ActivityItem[], incoming: readonly ActivityItem[]): ActivityItem[] {
  const byId = new Map(current.map((item) => [item.id, item]));
  for (const item of incoming) byId.set(item.id, item);
  return [...byId.values()].sort((a, b) => compareIds(b.id, a.id));
}

/** One feed item in words: who, what, about which proposal, and where to look. */
export interface ActivityLine {
  who: string;
  what: string;
  /** The proposal's title, quoted after `what`; null when none. */
  subject: string | null;
  href: string;
}

export function describeActivity(item: ActivityItem): ActivityLine {
  const who = item.actor ? personName(item.actor) : "Someone";
  const href = item.proposal ? paths.proposal(item.proposal.id) : paths.standard(item.standard);
  const subject = item.proposal?.title ?? null;
  switch (item.action) {
    case "comment.reply":
      return { who, what: subject ? "replied in a thread you are in, on" : "replied in a thread you are in", subject, href };
    case "proposal.accept":
      return { who, what: "accepted your proposal", subject, href };
    case "proposal.reject":
      return { who, what: "rejected your proposal", subject, href };
    case "proposal.create":
      return { who, what: `proposed a change to ${item.standard}:`, subject, href };
    default:
      return { who, what: item.action, subject, href };
  }
}
