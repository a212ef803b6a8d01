import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { mersenne } from "pure-rand/generator/mersenne";
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

/** The trace of `ops` operations drawn from `seed`: the same seed gives the same trace, byte for byte. */
export function generateTrace(ops: number, seed = 1): Trace {
  const generator = mersenne(seed);
  const random = () => uniformFloat64(generator);
  /** An integer from 0 to `below` - 1. */
  const pick = (below: number) => uniformInt(generator, 0, below - 1);
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
      text.insert(offset, LETTERS[pick(LETTERS.length)]!);
      offset++;
    } else if (r < 0.95) {
      text.delete(offset - 1, 1);
      offset--;
    } else if (r < 0.97) {
      paragraph++;
      text = addParagraph(paragraph);
      offset = 0;
    } else {
      paragraph = pick(texts.length);
      text = texts[paragraph]!;
      offset = pick(text.length + 1);
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

// Names the generator in the cache file's name: a trace cached by an earlier generator is not read back.
const GENERATOR = "mt1";

/** The trace of `ops` operations from its file in `cacheDir` when it is there, else generated and cached there. */
export async function loadTrace(ops: number, cacheDir: string): Promise<Trace> {
  const cachePath = join(cacheDir, `trace-${ops}-${GENERATOR}.bin`);
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
