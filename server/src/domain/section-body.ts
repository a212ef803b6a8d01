import type * as Y from "yjs";
import { docToContent, type ContentRepair, type PMJSON } from "@codewright/shared";

/** A section body that did not fit the schema and was repaired when read. */
export interface BodyRepaired {
  room: string;
  repairs: readonly ContentRepair[];
}

/**
 * The repairs made reading section bodies in this process: counted, and told to whoever listens
 * (the app logs each one). One per process, because every reader of a body in every module feeds
 * it and most of them are handed only a database.
 */
class BodyRepairs {
  #count = 0;
  readonly #listeners = new Set<(event: BodyRepaired) => void>();

  /** Reads of a body that needed a repair, since the process started. */
  get count(): number {
    return this.#count;
  }

  /** Calls `listener` on each repaired read; returns the function that stops it. */
  listen(listener: (event: BodyRepaired) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  record(event: BodyRepaired): void {
    this.#count++;
    for (const listener of this.#listeners) listener(event);
  }
}

export const bodyRepairs = new BodyRepairs();

/**
 * The section body `doc` holds, read with `docToContent`: it always fits the schema, and each read
 * that had to repair it (an empty note left by two concurrent deletions, say) is counted and told,
 * with `room`. Reads only; the room's document is never changed.
 */
export function readBody(doc: Y.Doc, room: string): PMJSON {
  return docToContent(doc, (repairs) => bodyRepairs.record({ room, repairs }));
}
