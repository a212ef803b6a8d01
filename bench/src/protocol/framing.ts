import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

/**
 * How messages are framed on the wire. `y-websocket` is the standard y-protocols framing
 * (Codewright and the y-websocket server); `hocuspocus` prefixes every message with the
 * document name and needs an auth message before anything else is processed.
 */
export type Framing = { kind: "y-websocket" } | { kind: "hocuspocus"; documentName: string; token: string };

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
/** Hocuspocus only. */
export const MESSAGE_AUTH = 2;
/** Hocuspocus only: like sync, but must not trigger another step 1. */
export const MESSAGE_SYNC_REPLY = 4;
/** Hocuspocus only: acknowledgement of an applied update. */
export const MESSAGE_SYNC_STATUS = 8;

export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

const AUTH_TOKEN = 0;
const AUTH_PERMISSION_DENIED = 1;
const AUTH_AUTHENTICATED = 2;

function start(framing: Framing, type: number): encoding.Encoder {
  const encoder = encoding.createEncoder();
  if (framing.kind === "hocuspocus") encoding.writeVarString(encoder, framing.documentName);
  encoding.writeVarUint(encoder, type);
  return encoder;
}

function syncMessage(framing: Framing, subtype: number, payload: Uint8Array): Uint8Array {
  const encoder = start(framing, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, subtype);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

export const encodeSyncStep1 = (framing: Framing, stateVector: Uint8Array) => syncMessage(framing, SYNC_STEP1, stateVector);
export const encodeSyncStep2 = (framing: Framing, update: Uint8Array) => syncMessage(framing, SYNC_STEP2, update);
export const encodeUpdate = (framing: Framing, update: Uint8Array) => syncMessage(framing, SYNC_UPDATE, update);

/** A y-protocols awareness message announcing one client's state. */
export function encodeAwareness(framing: Framing, clientId: number, clock: number, state: unknown): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, 1);
  encoding.writeVarUint(inner, clientId);
  encoding.writeVarUint(inner, clock);
  encoding.writeVarString(inner, JSON.stringify(state));
  const encoder = start(framing, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner));
  return encoding.toUint8Array(encoder);
}

/** Hocuspocus's first message on a document: the token (our peers accept any). */
export function encodeAuth(framing: Extract<Framing, { kind: "hocuspocus" }>): Uint8Array {
  const encoder = start(framing, MESSAGE_AUTH);
  encoding.writeVarUint(encoder, AUTH_TOKEN);
  encoding.writeVarString(encoder, framing.token);
  return encoding.toUint8Array(encoder);
}

/**
 * What a frame is, read without copying its payload. `payloadStart` points at the
 * varUint8Array that follows the sync subtype (or the awareness type).
 */
export interface FrameHead {
  type: number;
  /** Sync subtype, or the auth subtype for Hocuspocus auth messages; -1 otherwise. */
  subtype: number;
  decoder: decoding.Decoder;
}

/** Throws on a truncated frame (lib0 reads past the end). */
export function readFrameHead(data: Uint8Array, framing: Framing): FrameHead {
  const decoder = decoding.createDecoder(data);
  if (framing.kind === "hocuspocus") {
    // Skip the document name without decoding it.
    const length = decoding.readVarUint(decoder);
    decoder.pos += length;
  }
  const type = decoding.readVarUint(decoder);
  let subtype = -1;
  if (type === MESSAGE_SYNC || type === MESSAGE_SYNC_REPLY || type === MESSAGE_AUTH) subtype = decoding.readVarUint(decoder);
  return { type, subtype, decoder };
}

export const AUTH = { token: AUTH_TOKEN, permissionDenied: AUTH_PERMISSION_DENIED, authenticated: AUTH_AUTHENTICATED } as const;
