import { BODY_FIELD, schema } from "@codewright/shared";
import * as Y from "yjs";

/**
 * Yjs relative positions in a section body, so an anchor follows the text through concurrent
 * edits. The body is the `XmlFragment` y-prosemirror binds to ProseMirror, so a ProseMirror
 * position maps onto it as y-prosemirror counts: a character of text is one, an element two
 * (its tags) plus its content, a leaf element one.
 */

type Child = Y.XmlElement | Y.XmlText;
type Container = Y.XmlFragment | Y.XmlElement;

const isLeaf = (el: Y.XmlElement) => schema.nodes[el.nodeName as keyof typeof schema.nodes]?.isLeaf ?? false;

function size(node: Child): number {
  if (node instanceof Y.XmlText) return node.length;
  if (isLeaf(node)) return 1;
  let total = 2;
  for (const child of node.toArray()) total += size(child as Child);
  return total;
}

/**
 * A relative position at ProseMirror position `pos` of the body; `assoc` < 0 sticks to what
 * precedes it, ≥ 0 to what follows. A position past the end sticks to the end.
 */
export function relativeAt(doc: Y.Doc, pos: number, assoc: number): Y.RelativePosition {
  const walk = (container: Container, rest: number): Y.RelativePosition => {
    const children = container.toArray() as Child[];
    let offset = 0;
    for (const [i, child] of children.entries()) {
      const s = size(child);
      if (child instanceof Y.XmlText) {
        if (rest <= offset + s) return Y.createRelativePositionFromTypeIndex(child, rest - offset, assoc);
      } else {
        if (rest === offset) return Y.createRelativePositionFromTypeIndex(container, i, assoc);
        if (rest < offset + s && !isLeaf(child)) return walk(child, rest - offset - 1);
      }
      offset += s;
    }
    return Y.createRelativePositionFromTypeIndex(container, children.length, assoc);
  };
  return walk(doc.getXmlFragment(BODY_FIELD), pos);
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The relative-position half of an anchor over ProseMirror positions `from`..`to`: the start
 * sticks to the first quoted character and the end to the last, so text typed at either edge
 * stays out of the range. Base64, as the API takes them.
 */
export function relativeRange(doc: Y.Doc, from: number, to: number): { start: string; end: string } {
  if (!(from >= 0 && from < to)) throw new RangeError(`No text between ${from} and ${to}.`);
  return {
    start: base64(Y.encodeRelativePosition(relativeAt(doc, from, 0))),
    end: base64(Y.encodeRelativePosition(relativeAt(doc, to, -1))),
  };
}
