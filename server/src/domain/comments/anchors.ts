import * as Y from "yjs";
import { BODY_FIELD, bodyNodeSize, parseContent, relativeAt, type AnchorPosition, type BodyContainer, type BodyNode, type PMJSON } from "@codewright/shared";
import type { StoredAnchor } from "../../db/tables/comments";
import { readBody } from "../section-body";

/**
 * Comment anchors inside a section body. The body is the Yjs `XmlFragment` the editor binds to
 * ProseMirror, so a ProseMirror position maps to a place in the Yjs tree (as y-prosemirror does):
 * text counts one per character, an element two (its tags) plus its content, a leaf element one.
 * Anchors hold Yjs relative positions, which follow concurrent edits; positions come back as
 * ProseMirror positions in today's text.
 */

/** ProseMirror position where the content of `container` starts. */
function contentStart(container: BodyContainer, body: Y.XmlFragment): number {
  if (container === body) return 0;
  return start(container as Y.XmlElement, body) + 1;
}

/** ProseMirror position just before `node`. */
function start(node: BodyNode, body: Y.XmlFragment): number {
  const parent = node.parent as BodyContainer;
  let pos = contentStart(parent, body);
  for (const sibling of parent.toArray()) {
    if (sibling === node) break;
    pos += bodyNodeSize(sibling as BodyNode);
  }
  return pos;
}

/** True when `type` sits in the body and neither it nor any ancestor is deleted. */
function alive(type: Y.AbstractType<unknown>, body: Y.XmlFragment): boolean {
  for (let t: Y.AbstractType<unknown> | null = type; t !== null; t = t.parent) {
    if (t === body) return true;
    if (t._item === null || t._item.deleted) return false;
  }
  return false;
}

export function encodePosition(rpos: Y.RelativePosition): string {
  return Buffer.from(Y.encodeRelativePosition(rpos)).toString("base64");
}

function decodePosition(b64: string): Y.RelativePosition | null {
  try {
    return Y.decodeRelativePosition(new Uint8Array(Buffer.from(b64, "base64")));
  } catch {
    return null;
  }
}

/** The ProseMirror position a relative position points at today; "deleted" when its text is gone, null when it names nothing in this document. */
function absolute(doc: Y.Doc, b64: string): number | "deleted" | null {
  const rpos = decodePosition(b64);
  if (!rpos) return null;
  let abs: Y.AbsolutePosition | null;
  try {
    abs = Y.createAbsolutePositionFromRelativePosition(rpos, doc);
  } catch {
    return null;
  }
  if (!abs) return null;
  const body = doc.getXmlFragment(BODY_FIELD);
  if (!alive(abs.type, body)) return abs.type === body || isInside(abs.type, body) ? "deleted" : null;
  if (abs.type instanceof Y.XmlText) return start(abs.type, body) + abs.index;
  const container = abs.type as BodyContainer;
  let pos = contentStart(container, body);
  container.toArray().slice(0, abs.index).forEach((child) => (pos += bodyNodeSize(child as BodyNode)));
  return pos;
}

function isInside(type: Y.AbstractType<unknown>, body: Y.XmlFragment): boolean {
  for (let t: Y.AbstractType<unknown> | null = type; t !== null; t = t.parent) if (t === body) return true;
  return false;
}

const CONTEXT = 32;

/**
 * An anchor over ProseMirror positions `from`..`to` of the body as it is now: the start sticks to
 * the first quoted character, the end to the last, so text typed around the range stays out of it.
 * Throws RangeError for an empty or out-of-range span.
 */
export function anchorAt(doc: Y.Doc, from: number, to: number): StoredAnchor {
  const node = bodyNode(doc);
  if (!(from >= 0 && from < to && to <= node.content.size)) throw new RangeError(`No text between ${from} and ${to}.`);
  return {
    start: encodePosition(relativeAt(doc, from, 0)),
    end: encodePosition(relativeAt(doc, to, -1)),
    quote: textBetween(node, from, to),
    prefix: textBetween(node, Math.max(0, from - CONTEXT), from),
    suffix: textBetween(node, to, Math.min(node.content.size, to + CONTEXT)),
  };
}

/**
 * The body as a ProseMirror node (read only: the shared reader never writes to the document). Room
 * documents are named after their room, so a repair is told with it.
 */
function bodyNode(doc: Y.Doc) {
  return parseContent(readBody(doc, doc.guid));
}

function textBetween(node: ReturnType<typeof parseContent>, from: number, to: number): string {
  return node.textBetween(from, to, "\n");
}

/**
 * Where the anchor is in `doc` today: `active` with its range and current text, or `deleted`
 * when its text is gone (every quoted character deleted, or the block that held it). An anchor
 * whose positions this document does not know is searched for by its quote.
 */
export function resolveAnchor(doc: Y.Doc, anchor: StoredAnchor): AnchorPosition {
  if (anchor.start === undefined || anchor.end === undefined) return resolveQuote(bodyNode(doc), anchor);
  const from = absolute(doc, anchor.start);
  const to = absolute(doc, anchor.end);
  if (from === "deleted" || to === "deleted") return { state: "deleted" };
  if (from === null || to === null) return resolveQuote(bodyNode(doc), anchor);
  if (from >= to) return anchor.quote.length > 0 ? { state: "deleted" } : { state: "active", from, to: from, text: "" };
  return { state: "active", from, to, text: textBetween(bodyNode(doc), from, to) };
}

/** Finds an anchor by its quote in fixed text (a release), preferring the match its context fits best. */
export function resolveQuoteIn(content: PMJSON, anchor: StoredAnchor): AnchorPosition {
  return resolveQuote(parseContent(content), anchor);
}

function resolveQuote(node: ReturnType<typeof parseContent>, anchor: StoredAnchor): AnchorPosition {
  if (!anchor.quote) return { state: "unknown" };
  let best: { from: number; score: number } | null = null;
  node.descendants((block, pos) => {
    if (!block.isTextblock) return true;
    // One character per position: leaves (cross-references, breaks) read as one placeholder.
    const text = block.textBetween(0, block.content.size, undefined, "\ufffc");
    for (let i = text.indexOf(anchor.quote); i >= 0; i = text.indexOf(anchor.quote, i + 1)) {
      const before = text.slice(0, i);
      const after = text.slice(i + anchor.quote.length);
      const score = (anchor.prefix && before.endsWith(anchor.prefix.split("\n").pop()!) ? 1 : 0) + (anchor.suffix && after.startsWith(anchor.suffix.split("\n")[0]!) ? 1 : 0);
      if (!best || score > best.score) best = { from: pos + 1 + i, score };
    }
    return false;
  });
  if (!best) return { state: "deleted" };
  const from = (best as { from: number }).from;
  return { state: "active", from, to: from + anchor.quote.length, text: anchor.quote };
}
