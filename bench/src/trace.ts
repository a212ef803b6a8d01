import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import * as Y from "yjs";

/**
 * A deterministic editing history of one section body: `ops` keystrokes by five authors
 * taking turns, mostly typing at a cursor, with backspaces, new paragraphs and jumps to
 * another place, the way a long-lived clause gets written and rewritten. Kept as the
 * updates a client would have sent, merged in groups of 1,000 operations.
 */
export interface Trace {
  ops: number;
  chunks: Uint8Array[];
  /** Encoded state vector of the final document. */
  stateVector: Uint8Array;
  /** The final body as XML text, to compare a loaded copy with. */
  body: string;
  /** Bytes of the whole history as one update (gc off: deletions kept). */
  updateBytes: number;
}

const AUTHORS = [1_001, 1_002, 1_003, 1_004, 1_005];
const OPS_PER_TURN = 5_000;
const OPS_PER_CHUNK = 1_000;
const LETTERS = "eeeettaaooiinnsshhrrddllccuummwwffggyyppbbvvkjxqz      ";

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateTrace(ops: number, seed = 1): Trace {
  const random = mulberry32(seed);
  const doc = new Y.Doc({ gc: false });
  doc.clientID = AUTHORS[0]!;
  const body = doc.getXmlFragment("body");
  const texts: Y.XmlText[] = [];
  const chunks: Uint8Array[] = [];
  let pending: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => pending.push(update));

  const addParagraph = (index: number) => {
    const text = new Y.XmlText();
    doc.transact(() => {
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [text]);
      body.insert(index, [paragraph]);
    });
    texts.splice(index, 0, text);
    return text;
  };

  let paragraph = 0;
  let text = addParagraph(0);
  let offset = 0;
  for (let i = 0; i < ops; i++) {
    if (i % OPS_PER_TURN === 0) doc.clientID = AUTHORS[(i / OPS_PER_TURN) % AUTHORS.length]!;
    const r = random();
    if (r < 0.8 || (r < 0.95 && offset === 0)) {
      text.insert(offset, LETTERS[Math.floor(random() * LETTERS.length)]!);
      offset++;
    } else if (r < 0.95) {
      text.delete(offset - 1, 1);
      offset--;
    } else if (r < 0.97) {
      paragraph++;
      text = addParagraph(paragraph);
      offset = 0;
    } else {
      paragraph = Math.floor(random() * texts.length);
      text = texts[paragraph]!;
      offset = Math.floor(random() * (text.length + 1));
    }
    if ((i + 1) % OPS_PER_CHUNK === 0 || i === ops - 1) {
      chunks.push(Y.mergeUpdates(pending));
      pending = [];
    }
  }
  return {
    ops,
    chunks,
    stateVector: Y.encodeStateVector(doc),
    body: body.toString(),
    updateBytes: Y.encodeStateAsUpdate(doc).length,
  };
}

/** The trace from `cachePath` when it is there, else generated and cached. */
export async function loadTrace(ops: number, cachePath: string): Promise<Trace> {
  try {
    const raw = new Uint8Array(await readFile(cachePath));
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const count = view.getUint32(0);
    const chunks: Uint8Array[] = [];
    let at = 4;
    for (let i = 0; i < count; i++) {
      const length = view.getUint32(at);
      chunks.push(raw.slice(at + 4, at + 4 + length));
      at += 4 + length;
    }
    const doc = new Y.Doc({ gc: false });
    Y.applyUpdate(doc, Y.mergeUpdates(chunks));
    return {
      ops,
      chunks,
      stateVector: Y.encodeStateVector(doc),
      body: doc.getXmlFragment("body").toString(),
      updateBytes: Y.encodeStateAsUpdate(doc).length,
    };
  } catch {
    const trace = generateTrace(ops);
    const size = trace.chunks.reduce((n, c) => n + 4 + c.length, 4);
    const out = new Uint8Array(size);
    const view = new DataView(out.buffer);
    view.setUint32(0, trace.chunks.length);
    let at = 4;
    for (const chunk of trace.chunks) {
      view.setUint32(at, chunk.length);
      out.set(chunk, at + 4);
      at += 4 + chunk.length;
    }
    await mkdir(dirname(cachePath), { recursive: true });
    await writeFile(cachePath, out);
    return trace;
  }
}
