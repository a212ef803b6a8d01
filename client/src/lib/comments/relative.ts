import { relativeAt } from "@codewright/shared";
import * as Y from "yjs";

/** The relative-position half of a comment anchor, as the client sends it. */

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
