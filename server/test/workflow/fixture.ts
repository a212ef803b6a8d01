import type { InjectOptions } from "fastify";
import type { Kysely } from "kysely";
import * as Y from "yjs";
import { BODY_FIELD, docToContent, plainText, type PMJSON } from "@codewright/shared";
import type { Database } from "../../src/db/database";
import { appendUpdates, loadRoomDoc } from "../../src/domain/room-log";
import { addMember, makeStandard, makeUser, unique, type TestApp, type TestUser } from "../helper";

export const paragraphs = (...texts: string[]): PMJSON => ({ type: "doc", content: texts.map((text) => ({ type: "paragraph", content: [{ type: "text", text }] })) });

/** A standard with two sections and one user per role of the workflow. */
export async function buildWorkflowWorld(t: TestApp, opts: { isPublic?: boolean; quorum?: number } = {}) {
  const standard = await makeStandard(t.db, { isPublic: opts.isPublic ?? false });
  const other = await makeStandard(t.db, { isPublic: false });
  const users = {
    author: await makeUser(t.db, { name: "Author" }),
    coAuthor: await makeUser(t.db, { name: "Co-author" }),
    contributor: await makeUser(t.db, { name: "Contributor" }),
    voter: await makeUser(t.db, { name: "Voter" }),
    voter2: await makeUser(t.db, { name: "Second voter" }),
    editor: await makeUser(t.db, { name: "Editor" }),
    otherEditor: await makeUser(t.db, { name: "Other editor" }),
    nonMember: await makeUser(t.db, { name: "Non member" }),
  };
  await addMember(t.app, standard, users.author, "contributor");
  await addMember(t.app, standard, users.coAuthor, "contributor");
  await addMember(t.app, standard, users.contributor, "contributor");
  await addMember(t.app, standard, users.voter, "contributor", true);
  await addMember(t.app, standard, users.voter2, "contributor", true);
  await addMember(t.app, standard, users.editor, "editor", true);
  await addMember(t.app, other, users.otherEditor, "editor", true);
  if (opts.quorum !== undefined) await t.db.updateTable("standards").set({ vote_quorum: opts.quorum }).where("id", "=", standard.id).execute();
  const call = async (user: TestUser | null, method: InjectOptions["method"], url: string, payload?: unknown) => {
    const res = await t.app.inject({ method, url, headers: user ? user.auth : {}, payload: payload as InjectOptions["payload"] });
    return { status: res.statusCode, body: res.body ? (res.json() as any) : undefined };
  };
  const ok = async (user: TestUser | null, method: InjectOptions["method"], url: string, payload?: unknown) => {
    const res = await call(user, method, url, payload);
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const section = async (title: string, text: string, parentId?: string) =>
    (await ok(users.editor, "POST", `/api/standards/${standard.slug}/sections`, { label: unique("S"), title, content: paragraphs(text), parentId })) as {
      id: string;
      label: string;
      room: string;
    };
  const a = await section("Validate input", "Every device shall validate its input.");
  const b = await section("Log failures", "Every device shall log failures.");
  const propose = async (title = "A change") => (await ok(users.author, "POST", `/api/standards/${standard.slug}/proposals`, { title, rationale: "Because." })).id as string;
  return { standard, other, users, call, ok, section, sections: { a, b }, propose };
}
export type WorkflowWorld = Awaited<ReturnType<typeof buildWorkflowWorld>>;

/**
 * Edits a room the way the sync server would store a client's edit: on the document as the log
 * has it, appending only the new update.
 */
export async function editRoom(db: Kysely<Database>, room: string, authorId: string | null, edit: (body: Y.XmlFragment) => void): Promise<void> {
  const doc = await loadRoomDoc(db, room);
  const before = Y.encodeStateVector(doc);
  edit(doc.getXmlFragment(BODY_FIELD));
  await appendUpdates(db, room, [{ data: Y.encodeStateAsUpdate(doc, before), authorId }]);
  doc.destroy();
}

/** The XmlText of the `block`-th paragraph. */
export const textOf = (body: Y.XmlFragment, block: number) => (body.get(block) as Y.XmlElement).get(0) as Y.XmlText;

/** The plain text of a room as its log has it. */
export async function roomText(db: Kysely<Database>, room: string): Promise<string> {
  const doc = await loadRoomDoc(db, room);
  try {
    return plainText(docToContent(doc));
  } finally {
    doc.destroy();
  }
}
