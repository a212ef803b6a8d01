import * as Y from "yjs";
import type { Ledger } from "./ledger";

const ALPHABET = "the quick brown fox jumps over a lazy dog ";

/**
 * A simulated editor's keyboard. It keeps only its own content: a paragraph it adds to
 * the section body (XmlFragment `body`, ProseMirror schema) and the characters it types
 * at the end of it. Every update it makes references only its own items, so it never
 * needs to apply anyone else's, which keeps a few hundred typists cheap to drive.
 */
export class Typist {
  readonly doc: Y.Doc;
  private text: Y.XmlText | null = null;
  private lastUpdate: Uint8Array | null = null;
  typed = 0;
  awarenessClock = 0;

  constructor(
    readonly clientId: number,
    private readonly ledger: Ledger,
  ) {
    this.doc = new Y.Doc();
    this.doc.clientID = clientId;
    this.doc.on("update", (update: Uint8Array) => {
      this.lastUpdate = update;
    });
  }

  /** Types one character (the first call also adds the paragraph) and returns the update. */
  type(now: number): Uint8Array {
    const ch = ALPHABET[this.typed % ALPHABET.length]!;
    if (this.text === null) {
      this.doc.transact(() => {
        const paragraph = new Y.XmlElement("paragraph");
        const text = new Y.XmlText();
        paragraph.insert(0, [text]);
        this.doc.getXmlFragment("body").insert(0, [paragraph]);
        text.insert(0, ch);
        this.text = text;
      });
    } else {
      this.text.insert(this.text.length, ch);
    }
    this.typed++;
    const update = this.lastUpdate!;
    this.lastUpdate = null;
    this.ledger.record(this.clientId, this.clock, now);
    return update;
  }

  /** The clock this typist has reached: every receiver must end at it. */
  get clock(): number {
    return Y.getState(this.doc.store, this.clientId);
  }

  awarenessState(): unknown {
    return { user: { name: `typist ${this.clientId}`, color: "#3366cc" }, cursor: { anchor: this.typed, head: this.typed } };
  }
}

let nextClientId = 100_000 + Math.floor(Math.random() * 1_000_000);

/** Client ids unique within this process (the probes key the ledger by them). */
export function newClientId(): number {
  return nextClientId++;
}
