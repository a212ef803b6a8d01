import type { TimelineEntry } from "@codewright/shared";

const VOTE_WORDS: Record<string, string> = { approve: "approved", disapprove: "disapproved", abstain: "abstained" };

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

/** One timeline entry in words: what was done (the actor is shown beside it) and any reason given. */
export interface TimelineLine {
  what: string;
  /** A reason, note or title the entry carries, shown as quoted text; null when none. */
  quote: string | null;
}

/**
 * Words for an entry of a proposal's audit trail. Unknown actions read as their code, so a
 * newer server's entries still show.
 */
export function describeEntry(entry: TimelineEntry, names: (userId: string) => string | undefined = () => undefined): TimelineLine {
  const d = entry.details;
  switch (entry.action) {
    case "proposal.create":
      return { what: "started the proposal", quote: null };
    case "proposal.update":
      return { what: "changed the title or rationale", quote: null };
    case "proposal.submit":
      return { what: "submitted it for review", quote: null };
    case "proposal.reopen": {
      const cleared = typeof d.votesCleared === "number" && d.votesCleared > 0 ? ` (${d.votesCleared} ${d.votesCleared === 1 ? "vote" : "votes"} cleared)` : "";
      return { what: `moved it back to draft${cleared}`, quote: null };
    }
    case "proposal.withdraw":
      return { what: "withdrew it", quote: null };
    case "proposal.accept":
      return { what: d.againstTally === true ? "accepted it against the tally" : "accepted it and merged it into the draft", quote: text(d.note) };
    case "proposal.reject":
      return { what: d.againstTally === true ? "rejected it against the tally" : "rejected it", quote: text(d.reason) };
    case "proposal.vote": {
      const now = VOTE_WORDS[entry.toState ?? ""] ?? "voted";
      const before = entry.fromState ? ` (was ${entry.fromState})` : "";
      return { what: `${now}${before}`, quote: text(d.reason) };
    }
    case "proposal.co_author": {
      const who = typeof d.userId === "string" ? names(d.userId) : undefined;
      return { what: who ? `invited ${who} as co-author` : "invited a co-author", quote: null };
    }
    case "proposal.co_author_remove": {
      const who = typeof d.userId === "string" ? names(d.userId) : undefined;
      return { what: who ? `removed ${who} as co-author` : "removed a co-author", quote: null };
    }
    case "proposal.section_add":
      return { what: `added section ${text(d.label) ?? ""}`.trim(), quote: text(d.title) };
    case "proposal.section_change":
      return { what: "moved, retitled or relabelled a section", quote: null };
    case "proposal.section_delete":
      return { what: "deleted a section", quote: null };
    default:
      return { what: entry.action, quote: null };
  }
}
