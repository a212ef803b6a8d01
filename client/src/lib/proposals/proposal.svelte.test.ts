import type { ProposalDetail, ProposalSection } from "@codewright/shared";
import { describe, expect, it } from "vitest";
import { ApiClient } from "../api";
import { ProposalPage } from "./proposal.svelte";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const ID = "0b6a3e0e-2b39-4a8f-9a55-6d3c1f7f2c11";
const A = "5f1d2c3b-4a59-4e2f-8c6d-7e8f9a0b1c2d";
const B = "6f1d2c3b-4a59-4e2f-8c6d-7e8f9a0b1c2e";
const ada = { id: "00000000-0000-4000-8000-000000000001", displayName: "Ada", affiliation: null };
const tally = { approve: 0, disapprove: 0, abstain: 0, ratio: null, threshold: 2 / 3, quorum: 0, quorumMet: true, passes: false };
const section = (id: string, over: Partial<ProposalSection> = {}): ProposalSection => ({
  id,
  parentId: null,
  label: `L-${id.slice(0, 2)}`,
  number: "1",
  title: "Section",
  room: `proposal.${ID}.${id}`,
  forked: false,
  change: "unchanged",
  changes: ["unchanged"],
  ...over,
});
const detail = (over: Partial<ProposalDetail> = {}): ProposalDetail => ({
  id: ID,
  standard: "code",
  title: "Fuzz more",
  rationale: "Because.",
  state: "draft",
  author: ada,
  coAuthors: [],
  base: { createdAt: "2026-01-01T00:00:00.000Z", sections: [] },
  tally,
  votes: [],
  myVote: null,
  decision: null,
  timeline: [],
  sections: [section(A, { change: "modified", changes: ["modified"] }), section(B, { change: "deleted", changes: ["deleted"] })],
  permissions: { edit: true, submit: true, reopen: false, withdraw: true, inviteCoAuthors: true, vote: false, decide: false, recordCommitteeAction: false, comment: true },
  cycle: null,
  committeeAction: null,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  submittedAt: null,
  decidedAt: null,
  ...over,
});
const diff = { from: "base", to: "proposal", summary: { added: 0, removed: 0, moved: 0, renumbered: 0, retitled: 0, relabelled: 0, modified: 0, unchanged: 0 }, sections: [] };

describe("ProposalPage", () => {
  it("loads the proposal, its diff and preview; the outline leaves deleted sections out", async () => {
    const asked: string[] = [];
    const api = new ApiClient({
      fetch: async (url) => {
        asked.push(url);
        if (url.endsWith("/diff")) return json(200, diff);
        if (url.endsWith("/preview")) return json(200, { diff, conflicts: [] });
        return json(200, detail());
      },
    });
    const page = new ProposalPage(api, ID);
    await page.load();
    await page.loadDocuments();
    expect(page.status).toBe("ready");
    expect(page.outline.sections.map((s) => s.id)).toEqual([A]);
    expect(page.changed.map((s) => s.id)).toEqual([A, B]);
    expect(page.diff.value).toEqual(diff);
    expect(page.preview.value?.conflicts).toEqual([]);
    expect(asked).toContain(`/api/proposals/${ID}/preview`);
  });

  it("takes the server's answer after a transition, and passes refusals on with the server's words", async () => {
    const api = new ApiClient({
      fetch: async (url, init) => {
        if (url.endsWith("/submit")) return json(200, detail({ state: "open" }));
        if (url.endsWith("/accept")) {
          expect(init.body).toBe("{}");
          return json(400, { error: { code: "reason_required", message: "The tally does not pass: accepting it anyway needs a note giving the reason." } });
        }
        if (url.endsWith("/diff") || url.endsWith("/preview")) return json(200, url.endsWith("/diff") ? diff : { diff, conflicts: [] });
        return json(200, detail());
      },
    });
    const page = new ProposalPage(api, ID);
    await page.load();
    await page.transition("submit");
    expect(page.detail?.state).toBe("open");
    await expect(page.accept("  ")).rejects.toMatchObject({ code: "reason_required", message: expect.stringContaining("needs a note") });
    expect(page.detail?.state).toBe("open");
  });

  it("marks a section forked once its room is made", async () => {
    const api = new ApiClient({
      fetch: async (url) => (url.endsWith("/fork") ? json(200, { room: `proposal.${ID}.${A}` }) : url.endsWith("/diff") ? json(200, diff) : url.endsWith("/preview") ? json(200, { diff, conflicts: [] }) : json(200, detail())),
    });
    const page = new ProposalPage(api, ID);
    await page.load();
    expect(await page.fork(A)).toBe(`proposal.${ID}.${A}`);
    expect(page.section(A)?.forked).toBe(true);
  });

  it("reads the proposal again when the reader opens another of its pages, not when the same one is shown again", async () => {
    let reads = 0;
    const api = new ApiClient({
      fetch: async (url) => {
        if (url.endsWith("/diff")) return json(200, diff);
        if (url.endsWith("/preview")) return json(200, { diff, conflicts: [] });
        reads++;
        return json(200, detail());
      },
    });
    const page = new ProposalPage(api, ID);
    const settled = () => new Promise((resolve) => setTimeout(resolve, 0));
    page.show(A);
    await settled();
    expect(reads).toBe(1);
    expect(page.status).toBe("ready");
    page.show(A);
    await settled();
    expect(reads).toBe(1);
    page.show(null);
    await settled();
    expect(reads).toBe(2);
    page.show(null);
    page.show(B);
    await settled();
    expect(reads).toBe(3);
  });
});
