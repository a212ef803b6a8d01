import * as Y from "yjs";
import { schema } from "../schema";
import { BODY_FIELD } from "./yjs";

/**
 * ProseMirror positions in a section body's Yjs tree. The body is the `XmlFragment` y-prosemirror
 * binds to ProseMirror, so a position maps onto it as y-prosemirror counts: a character of text is
 * one, an element two (its tags) plus its content, a leaf element one.
 */

export type BodyNode = Y.XmlElement | Y.XmlText;
export type BodyContainer = Y.XmlFragment | Y.XmlElement;

const isLeaf = (el: Y.XmlElement) => schema.nodes[el.nodeName as keyof typeof schema.nodes]?.isLeaf ?? false;

/** The ProseMirror size of a node of the body. */
export function bodyNodeSize(node: BodyNode): number {
  if (node instanceof Y.XmlText) return node.length;
  if (isLeaf(node)) return 1;
  let total = 2;
  for (const child of node.toArray()) total += bodyNodeSize(child as BodyNode);
  return total;
}

/**
 * A Yjs relative position at ProseMirror position `pos` of the body, so it follows the text
 * through concurrent edits; `assoc` < 0 sticks to what precedes it, ≥ 0 to what follows. A
 * position past the end sticks to the end.
 */
export function relativeAt(doc: Y.Doc, pos: number, assoc: number): Y.RelativePosition {
  const walk = (container: BodyContainer, rest: number): Y.RelativePosition => {
    const children = container.toArray() as BodyNode[];
    let offset = 0;
    for (const [i, child] of children.entries()) {
      const s = bodyNodeSize(child);
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
