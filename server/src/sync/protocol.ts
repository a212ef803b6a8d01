import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import { malformed, messageTooLarge, presenceTooLarge } from "./refusals";

/**
 * The y-websocket wire protocol: every frame is `[messageType, payload]`, where sync frames carry
 * y-protocols sync messages and awareness frames carry y-protocols awareness updates.
 * Decoding is bounded: every length is checked against what remains, every payload is copied out
 * of the frame, nothing may trail a message, and anything unexpected throws a SyncRefusal.
 */
export const MessageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;
export const SyncType = { step1: 0, step2: 1, update: 2 } as const;

/** One client's presence in an awareness update; a null state means the client left. */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: Record<string, unknown> | null;
}

export type IncomingMessage =
  | { type: "syncStep1"; stateVector: Uint8Array }
  | { type: "syncStep2"; update: Uint8Array }
  | { type: "update"; update: Uint8Array }
  | { type: "awareness"; entries: AwarenessEntry[] }
  | { type: "queryAwareness" };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Each awareness entry takes at least 3 bytes (id, clock, an empty string); this bounds the count early. */
const MIN_AWARENESS_ENTRY_BYTES = 3;

function readBytes(decoder: decoding.Decoder): Uint8Array {
  const length = decoding.readVarUint(decoder);
  if (length > decoder.arr.length - decoder.pos) throw malformed("A length runs past the end of the message.");
  // A copy with its own buffer: later decoders cannot read past it into other memory.
  return decoding.readUint8Array(decoder, length).slice();
}

function readState(json: string): Record<string, unknown> | null {
  let state: unknown;
  try {
    state = JSON.parse(json);
  } catch {
    throw malformed("A presence state is not JSON.");
  }
  if (state !== null && (typeof state !== "object" || Array.isArray(state))) throw malformed("A presence state must be an object or null.");
  return state as Record<string, unknown> | null;
}

/**
 * Decodes the body of an awareness message. A state longer than `maxStateBytes` (its JSON) is
 * refused before it is parsed. Throws SyncRefusal `malformed_message`, `presence_too_large`.
 */
export function decodeAwarenessUpdate(update: Uint8Array, maxStateBytes = Number.POSITIVE_INFINITY): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count * MIN_AWARENESS_ENTRY_BYTES > update.length - decoder.pos) throw malformed("The presence update is truncated.");
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const bytes = readBytes(decoder);
    if (bytes.length > maxStateBytes) throw presenceTooLarge();
    const json = utf8.decode(bytes);
    if (clientId > 0xffffffff) throw malformed("A presence client id is out of range.");
    entries.push({ clientId, clock, state: readState(json) });
  }
  if (decoder.pos !== update.length) throw malformed("Unexpected bytes after the presence update.");
  return entries;
}

/** Encodes awareness entries as y-protocols does (`encodeAwarenessUpdate`). */
export function encodeAwarenessUpdate(entries: AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientId);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarString(encoder, JSON.stringify(e.state));
  }
  return encoding.toUint8Array(encoder);
}

/**
 * Decodes one frame from a client. `maxBytes` bounds the frame, `maxStateBytes` each presence
 * state in it (default: unbounded). The Yjs update inside a sync message is only framed here;
 * validation.ts decides whether it is a valid update.
 * Throws SyncRefusal: `message_too_large`, `malformed_message`, `presence_too_large`.
 */
export function decodeMessage(frame: Uint8Array, maxBytes: number, maxStateBytes = Number.POSITIVE_INFINITY): IncomingMessage {
  if (frame.length > maxBytes) throw messageTooLarge();
  const decoder = decoding.createDecoder(frame);
  let message: IncomingMessage;
  try {
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.sync: {
        const syncType = decoding.readVarUint(decoder);
        const payload = readBytes(decoder);
        if (syncType === SyncType.step1) {
          Y.decodeStateVector(payload);
          message = { type: "syncStep1", stateVector: payload };
        } else if (syncType === SyncType.step2) message = { type: "syncStep2", update: payload };
        else if (syncType === SyncType.update) message = { type: "update", update: payload };
        else throw malformed(`Unknown sync message type ${syncType}.`);
        break;
      }
      case MessageType.awareness:
        message = { type: "awareness", entries: decodeAwarenessUpdate(readBytes(decoder), maxStateBytes) };
        break;
      case MessageType.queryAwareness:
        message = { type: "queryAwareness" };
        break;
      default:
        throw malformed(`Unknown message type ${type}.`);
    }
  } catch (err) {
    if (err instanceof Error && err.name === "SyncRefusal") throw err;
    throw malformed("The message is truncated or not a y-websocket message.");
  }
  if (decoder.pos !== frame.length) throw malformed("Unexpected bytes after the message.");
  return message;
}

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** Sync step 1: the server's state vector, asking the client for what the server lacks. */
export const syncStep1Frame = (stateVector: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    encoding.writeVarUint(e, SyncType.step1);
    encoding.writeVarUint8Array(e, stateVector);
  });

/** Sync step 2: what the client lacks. */
export const syncStep2Frame = (update: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    encoding.writeVarUint(e, SyncType.step2);
    encoding.writeVarUint8Array(e, update);
  });

/** A document update. */
export const updateFrame = (update: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    encoding.writeVarUint(e, SyncType.update);
    encoding.writeVarUint8Array(e, update);
  });

/** An awareness (presence) update. */
export const awarenessFrame = (update: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.awareness);
    encoding.writeVarUint8Array(e, update);
  });
