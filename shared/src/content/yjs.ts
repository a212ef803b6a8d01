import { prosemirrorToYXmlFragment, yXmlFragmentToProsemirrorJSON } from "y-prosemirror";
import * as Y from "yjs";
import type { PMJSON } from "../schema";
import { emptyContent, parseContent } from "./parse";

/** Name of the `Y.XmlFragment` that holds a section body in its room's `Y.Doc`. */
export const BODY_FIELD = "body";

/**
 * A Yjs update that creates a section body from scratch: applied to an empty `Y.Doc`
 * (with or without `gc`), its `body` fragment holds `json`. Each call starts a new
 * history with a random client id, so apply it to a room only once, when the room is
 * created. Marks on cross-references and hard breaks are not kept: the Yjs binding
 * stores marks on text only. Throws `ContentError` `invalid_content` when `json` does
 * not fit the schema.
 */
export function contentToUpdate(json: unknown): Uint8Array {
  const node = parseContent(json);
  const doc = new Y.Doc({ gc: false });
  try {
    prosemirrorToYXmlFragment(node, doc.getXmlFragment(BODY_FIELD));
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

/**
 * The section body held in `doc`'s `body` fragment, as validated ProseMirror JSON.
 * An empty fragment gives `emptyContent()`. Reads only: unlike the editor binding, it
 * never deletes what does not fit the schema, and throws `ContentError`
 * `invalid_content` instead.
 */
export function docToContent(doc: Y.Doc): PMJSON {
  const fragment = doc.getXmlFragment(BODY_FIELD);
  if (fragment.length === 0) return emptyContent();
  // The non-deprecated reader (yXmlFragmentToProseMirrorRootNode) deletes elements
  // that fail the schema from the Y.Doc; a read must not write to the room.
  return parseContent(yXmlFragmentToProsemirrorJSON(fragment)).toJSON() as PMJSON;
}
