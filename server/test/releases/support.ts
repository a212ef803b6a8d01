import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import * as Y from "yjs";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { BODY_FIELD, releaseSchema } from "@codewright/shared";
import type { Kysely } from "kysely";
import type { Database } from "../../src/db/database";
import { importStandard } from "../../src/domain/importer";
import { appendUpdates, loadRoomDoc } from "../../src/domain/room-log";
import { startTestApp, unique, type DatabaseKind, type TestApp } from "../helper";

/** The app on a fresh database, with a data directory of its own for the signing key. */
export async function startReleaseApp(kind: DatabaseKind): Promise<TestApp & { dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), "codewright-releases-"));
  const test = await startTestApp(kind, { dataDir });
  return {
    ...test,
    dataDir,
    close: async () => {
      await test.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A small building code in the importer's format: groups, elements, notes, lists, code and cross-references. */
export const SAMPLE_MARKDOWN = `# Building Code for Medical Device Software Security

Practices that keep exploitable implementation errors out of device software.

## Avoid {#BC-1}

Practices that prevent errors from being written.

### Use memory-safe languages {#BC-1.1}

New components are written in a memory-safe language.

> **Note:** Where a memory-safe language cannot be used, see [[BC-2.1]].

### Validate inputs {#BC-1.2}

Every input from outside the component is checked:

- length of every buffer
- range of every integer
- format of every string

## Detect {#BC-2}

### Analyse statically {#BC-2.1}

Static analysis runs on every build; findings block release until they are resolved.

\`\`\`
make analyse
\`\`\`

### Test with fuzzing {#BC-2.2}

Parsers of external data are fuzzed for **at least** 24 hours before each release, as *BC-1.2* requires.
`;

/** Imports the sample under a new slug; returns the standard and the section ids by label. */
export async function importSample(db: Kysely<Database>, opts: { isPublic?: boolean } = {}) {
  const slug = unique("code").toLowerCase();
  const { standard } = await importStandard(db, SAMPLE_MARKDOWN, slug, null);
  if (opts.isPublic === false) await db.updateTable("standards").set({ is_public: false }).where("id", "=", standard.id).execute();
  const rows = await db.selectFrom("sections").select(["id", "label", "room"]).where("standard_id", "=", standard.id).execute();
  return { standard: { ...standard, is_public: opts.isPublic ?? true }, ids: new Map(rows.map((r) => [r.label, r.id])), rooms: new Map(rows.map((r) => [r.label, r.room])) };
}

/**
 * Types into a section's draft body as an editor would: inserts `insert` right after the first
 * occurrence of `after` in a text node, through a Yjs update appended to the room's log.
 */
export async function typeInto(db: Kysely<Database>, room: string, after: string, insert: string, authorId: string | null = null): Promise<void> {
  const doc = await loadRoomDoc(db, room);
  const before = Y.encodeStateVector(doc);
  const text = findText(doc.getXmlFragment(BODY_FIELD), after);
  if (!text) throw new Error(`"${after}" is not in room ${room}`);
  text.node.insert(text.index + after.length, insert);
  await appendUpdates(db, room, [{ data: Y.encodeStateAsUpdate(doc, before), authorId }]);
  doc.destroy();
}

function findText(parent: Y.XmlFragment | Y.XmlElement, needle: string): { node: Y.XmlText; index: number } | null {
  for (const child of parent.toArray()) {
    if (child instanceof Y.XmlText) {
      const plain = (child.toDelta() as Array<{ insert: unknown }>).map((d) => (typeof d.insert === "string" ? d.insert : " ")).join("");
      const index = plain.indexOf(needle);
      if (index >= 0) return { node: child, index };
    } else if (child instanceof Y.XmlElement) {
      const found = findText(child, needle);
      if (found) return found;
    }
  }
  return null;
}

let releaseValidator: ValidateFunction | undefined;
let oscalValidator: ValidateFunction | undefined;

function ajv() {
  const instance = new Ajv({ strict: false, unicodeRegExp: true, allErrors: true });
  (addFormats as unknown as (a: Ajv) => void)(instance);
  return instance;
}

/** Validates against the published release JSON Schema; returns ajv's errors (null when valid). */
export function releaseSchemaErrors(document: unknown) {
  releaseValidator ??= ajv().compile(releaseSchema);
  return releaseValidator(document) ? null : releaseValidator.errors;
}

/** Validates against NIST's OSCAL 1.2.1 catalog schema shipped as a test fixture. */
export function oscalSchemaErrors(document: unknown) {
  oscalValidator ??= ajv().compile(JSON.parse(readFileSync(join(import.meta.dirname, "../fixtures/oscal/oscal_catalog_schema.json"), "utf8")));
  return oscalValidator(document) ? null : oscalValidator.errors;
}
