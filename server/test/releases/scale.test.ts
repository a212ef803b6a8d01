import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentToUpdate, diffReleases, type Release } from "@codewright/shared";
import { databaseKinds, makeStandard } from "../helper";
import { publishRelease } from "../../src/domain/releases/publish";
import { workflowRecords } from "../../src/domain/proposals";
import { ReleaseSigner } from "../../src/domain/releases/signing";
import { releaseSchemaErrors, startReleaseApp } from "./support";

const paragraph = (text: string) => ({ type: "paragraph", content: [{ type: "text", text }] });

describe.each(databaseKinds)("a 2,000-section standard (%s)", (kind) => {
  let t: Awaited<ReturnType<typeof startReleaseApp>>;

  beforeAll(async () => {
    t = await startReleaseApp(kind);
  });
  afterAll(() => t?.close());

  it("publishes complete, valid releases and diffs two of them (speed is measured by pnpm bench)", async () => {
    const standard = await makeStandard(t.db);
    // 40 groups of 49 elements, each with a few blocks of text; written in bulk, as an import would.
    const sections: Array<{ id: string; standard_id: string; parent_id: string | null; position: number; label: string; title: string; room: string; deleted_at: null }> = [];
    const updates: Array<{ room: string; seq: string; data: Uint8Array; author_id: null }> = [];
    for (let g = 0; g < 40; g++) {
      const groupId = randomUUID();
      sections.push({ id: groupId, standard_id: standard.id, parent_id: null, position: g, label: `G-${g + 1}`, title: `Group ${g + 1}`, room: `draft.${groupId}`, deleted_at: null });
      for (let e = 0; e < 49; e++) {
        const id = randomUUID();
        sections.push({ id, standard_id: standard.id, parent_id: groupId, position: e, label: `G-${g + 1}.${e + 1}`, title: `Element ${g + 1}.${e + 1}`, room: `draft.${id}`, deleted_at: null });
      }
    }
    for (const s of sections) {
      const body = { type: "doc", content: [paragraph(`${s.title} requires that every input be validated before use.`), { type: "bullet_list", content: [{ type: "list_item", content: [paragraph("Check lengths.")] }, { type: "list_item", content: [paragraph("Check ranges.")] }] }] };
      updates.push({ room: s.room, seq: "1", data: contentToUpdate(body), author_id: null });
    }
    for (let k = 0; k < sections.length; k += 500) await t.db.insertInto("sections").values(sections.slice(k, k + 500)).execute();
    for (let k = 0; k < updates.length; k += 500) await t.db.insertInto("room_updates").values(updates.slice(k, k + 500)).execute();

    const signer = await ReleaseSigner.open(t.db, t.dataDir);
    const publish = async (version: string) => JSON.parse((await publishRelease(t.db, standard, { version }, null, signer, workflowRecords)).document) as Release;
    const first = await publish("1.0");
    const second = await publish("1.1");
    expect(first.sections).toHaveLength(40);
    expect(first.sections[39]!.children[48]!.number).toBe("40.49");
    expect(releaseSchemaErrors(first)).toBeNull();
    expect(second.previousVersion).toBe("1.0");

    second.sections[3]!.children[5]!.content = { type: "doc", content: [paragraph("Changed.")] } as Release["sections"][number]["content"];
    const diff = diffReleases(first, second);
    expect(diff.summary).toMatchObject({ modified: 1, unchanged: 1999 });
  });
});
