import { prosemirrorToYXmlFragment } from "y-prosemirror";
import * as Y from "yjs";
import type { PMJSON } from "../schema";
import { assertNoBidiControls } from "./bidi";
import { normalizeContent, type ContentRepair } from "./normalize";
import { emptyContent, parseContent } from "./parse";

/** Name of the `Y.XmlFragment` that holds a section body in its room's `Y.Doc`. */
export const BODY_FIELD = "body";

/**
 * A Yjs update that creates a section body from scratch: applied to an empty `Y.Doc`
 * (with or without `gc`), its `body` fragment holds `json`. Each call starts a new
 * history with a random client id, so apply it to a room only once, when the room is
 * created. Marks on cross-references and hard breaks are not kept: the Yjs binding
 * stores marks on text only. Throws `ContentError` `invalid_content` when `json` does
 * not fit the schema or holds bidirectional control characters.
 */
export function contentToUpdate(json: unknown): Uint8Array {
  const node = parseContent(json);
  assertNoBidiControls(json);
  const doc = new Y.Doc({ gc: false });
  try {
    prosemirrorToYXmlFragment(node, doc.getXmlFragment(BODY_FIELD));
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

/**
 * The section body held in `doc`'s `body` fragment, as ProseMirror JSON that fits the schema.
 * An empty fragment gives `emptyContent()`. What does not fit (an empty note left by two
 * concurrent deletions, say) is repaired as `normalizeContent` does, and `onRepair`, when given,
 * hears the repairs; a body that fits comes back exactly as stored. Reads only: unlike the editor
 * binding, it never deletes anything from the document. Never throws.
 */
export function docToContent(doc: Y.Doc, onRepair?: (repairs: readonly ContentRepair[]) => void): PMJSON {
  const fragment = doc.getXmlFragment(BODY_FIELD);
  if (fragment.length === 0) return emptyContent();
  const { content, repairs } = normalizeContent({ type: "doc", content: childrenJSON(fragment) });
  if (repairs.length > 0) onRepair?.(repairs);
  return content;
}

/** y-prosemirror writes a second mark of one type as `name--<hash>`. */
const HASHED_MARK = /^(.*)--[a-zA-Z0-9+/=]{8}$/;

/**
 * The children of a fragment or element as ProseMirror JSON, as y-prosemirror reads them, but
 * without throwing on what it does not know: other shared types come out as nodes of no type,
 * which the normalisation drops. (y-prosemirror's reader that repairs deletes from the document.)
 */
function childrenJSON(parent: Y.XmlFragment | Y.XmlElement): unknown[] {
  return parent.toArray().flatMap((child): unknown[] => {
    if (child instanceof Y.XmlText) {
      return child.toDelta().map((d: { insert: unknown; attributes?: Record<string, unknown> }) => {
        const text: Record<string, unknown> = { type: "text", text: d.insert };
        if (d.attributes) text.marks = Object.entries(d.attributes).map(([key, attrs]) => ({ type: HASHED_MARK.exec(key)?.[1] ?? key, attrs }));
        return text;
      });
    }
    if (child instanceof Y.XmlElement) {
      const node: Record<string, unknown> = { type: child.nodeName };
      const attrs = child.getAttributes();
      if (Object.keys(attrs).length > 0) node.attrs = attrs;
      const content = childrenJSON(child);
      if (content.length > 0) node.content = content;
      return [node];
    }
    return [{}];
  });
}
