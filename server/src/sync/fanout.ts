import * as Y from "yjs";
import { updateFrame } from "./protocol";

/** One stored update to pass on, and the receiver it came from (null: from the log or the server). */
export interface Delivery<R> {
  update: Uint8Array;
  from: R | null;
}

const merge = (updates: Uint8Array[]) => (updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates));

/**
 * Beyond this many senders in one tick, everyone gets the same frame: leaving each sender's own
 * updates out costs one merge per sender, and a Yjs client ignores updates it already has.
 */
const MAX_TAILORED_SENDERS = 8;

/**
 * Sends a tick's stored updates to every receiver as one merged frame: N small frames per receiver
 * become one. Receivers that sent nothing share one encoded frame; a sender gets a merge of the
 * others' updates (or the shared frame, when many sent in the same tick).
 */
export function fanOut<R>(receivers: Iterable<R>, deliveries: Delivery<R>[], send: (receiver: R, frame: Uint8Array) => void): void {
  if (deliveries.length === 0) return;
  const senders = new Set<R>();
  for (const d of deliveries) if (d.from !== null) senders.add(d.from);
  const tailored = senders.size <= MAX_TAILORED_SENDERS;
  let shared: Uint8Array | null = null;
  for (const receiver of receivers) {
    if (tailored && senders.has(receiver)) {
      const others = deliveries.filter((d) => d.from !== receiver).map((d) => d.update);
      if (others.length > 0) send(receiver, updateFrame(merge(others)));
    } else {
      shared ??= updateFrame(merge(deliveries.map((d) => d.update)));
      send(receiver, shared);
    }
  }
}
