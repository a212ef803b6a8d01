import * as Y from "yjs";
import { BODY_FIELD, hasBidiControl, schema } from "@codewright/shared";
import { documentTooLarge, malformed } from "./refusals";

/** What staging an update found. */
export type StageResult =
  /** New content: `update` holds only what is new, re-encoded by Yjs from what it integrated. */
  | { kind: "accepted"; update: Uint8Array }
  /** Nothing the room does not already have. */
  | { kind: "unchanged" }
  /** It builds on content the room lacks (an update overtook its predecessor); ask the client to resync. */
  | { kind: "missing" };

/** The origin of Yjs transactions on the staging replica; never seen outside this module. */
const STAGING = Symbol("staging");

/**
 * The scratch replica every incoming update is tried on before it reaches a room: the room's stored
 * state plus the updates accepted but not yet stored. `Y.applyUpdate` can throw half-way through
 * with the document already changed, so whenever an update fails here the replica is thrown away
 * and rebuilt from the stored document; the room itself is never touched.
 */
export class Staging {
  /** Built on first use: a room that is only read never needs it. */
  #doc: Y.Doc | null = null;
  /** Upper bound of the encoded size; recomputed exactly when it crosses the limit. */
  #bytes = 0;

  /**
   * @param committed the room's stored state, encoded as one update
   * @param pending the updates accepted but not yet stored, in order
   * @param maxBytes the largest encoded document allowed
   */
  constructor(
    private readonly committed: () => Uint8Array,
    private readonly pending: () => readonly Uint8Array[],
    private readonly maxBytes: number,
  ) {}

  /** The state vector of stored plus accepted content. */
  stateVector(): Uint8Array {
    return Y.encodeStateVector(this.doc());
  }

  /**
   * Tries an update. Throws SyncRefusal `malformed_message` when it is not a valid Yjs update,
   * `document_too_large` when the result would exceed the limit; in both cases the replica is
   * rebuilt as it was.
   */
  stage(update: Uint8Array): StageResult {
    let meta: { from: Map<number, number> };
    try {
      meta = Y.parseUpdateMeta(update);
    } catch {
      throw malformed("The update is not a valid Yjs update.");
    }
    // A client's sync step 2 usually brings nothing: answered without building the replica.
    if (meta.from.size === 0 && deletesNothing(update)) return { kind: "unchanged" };
    const doc = this.doc();
    // The usual gap (a client's update overtaking its own earlier one) is seen without applying anything.
    for (const [client, clock] of meta.from) {
      if (clock > Y.getState(doc.store, client)) return { kind: "missing" };
    }
    let effective: Uint8Array | null = null;
    const capture = (u: Uint8Array) => {
      effective = effective ? Y.mergeUpdates([effective, u]) : u;
    };
    const transactions: Y.Transaction[] = [];
    const record = (tr: Y.Transaction) => void transactions.push(tr);
    doc.on("update", capture);
    doc.on("afterTransaction", record);
    let failed = false;
    try {
      Y.applyUpdate(doc, update, STAGING);
    } catch {
      failed = true;
    } finally {
      doc.off("update", capture);
      doc.off("afterTransaction", record);
    }
    if (failed) {
      this.reset();
      throw malformed("The update is not a valid Yjs update.");
    }
    if (doc.store.pendingStructs || doc.store.pendingDs) {
      this.reset();
      return { kind: "missing" };
    }
    const misfit = transactions.map((tr) => addedItemsMisfit(doc, tr)).find((m) => m !== null);
    if (misfit) {
      this.reset();
      throw malformed(misfit);
    }
    if (effective === null) return { kind: "unchanged" };
    const accepted: Uint8Array = effective;
    this.#bytes += accepted.length;
    if (this.#bytes > this.maxBytes) {
      this.#bytes = Y.encodeStateAsUpdate(doc).length;
      if (this.#bytes > this.maxBytes) {
        this.reset();
        throw documentTooLarge();
      }
    }
    return { kind: "accepted", update: accepted };
  }

  /** Adds stored content the room learnt from the log (other processes, server writes). */
  absorb(update: Uint8Array): void {
    // An unbuilt replica reads the stored state when it is built.
    if (!this.#doc) return;
    Y.applyUpdate(this.#doc, update, STAGING);
    this.#bytes += update.length;
  }

  /** Drops the replica; it is rebuilt from the stored state and the pending updates when next needed. */
  reset(): void {
    this.#doc?.destroy();
    this.#doc = null;
  }

  destroy(): void {
    this.reset();
  }

  private doc(): Y.Doc {
    if (this.#doc) return this.#doc;
    const doc = new Y.Doc({ gc: false });
    const base = this.committed();
    Y.applyUpdate(doc, base, STAGING);
    // Typed now, so the body's items have an XmlFragment as their parent when checked.
    doc.getXmlFragment(BODY_FIELD);
    this.#bytes = base.length;
    for (const u of this.pending()) {
      Y.applyUpdate(doc, u, STAGING);
      this.#bytes += u.length;
    }
    this.#doc = doc;
    return doc;
  }
}

/** True when an update without new items deletes nothing either (its delete set is empty). */
export function deletesNothing(update: Uint8Array): boolean {
  try {
    return Y.decodeUpdate(update).ds.clients.size === 0;
  } catch {
    return false;
  }
}

type NodeType = (typeof schema.nodes)[keyof typeof schema.nodes];

/** For each node type, the node types its content may hold anywhere (order and count are not checked here). */
const CHILDREN = new Map<NodeType, Set<NodeType>>(
  Object.values(schema.nodes).map((type) => {
    const allowed = new Set<NodeType>();
    const seen = new Set<unknown>();
    const visit = (match: NodeType["contentMatch"]) => {
      if (seen.has(match)) return;
      seen.add(match);
      for (let i = 0; i < match.edgeCount; i++) {
        allowed.add(match.edge(i).type);
        visit(match.edge(i).next);
      }
    };
    visit(type.contentMatch);
    return [type, allowed];
  }),
);

/** y-prosemirror writes a second mark of one type as `name--<hash>`. */
const HASHED_MARK = /^(.*)--[a-zA-Z0-9+/=]{8}$/;

type AttributeSpecs = NodeType["spec"]["attrs"];

/** Why `values` do not fit the attribute specs, as ProseMirror would check them; null when they do. */
function checkAttrs(specs: AttributeSpecs, values: Record<string, unknown>, what: string): string | null {
  for (const [key, value] of Object.entries(values)) {
    const spec = specs?.[key];
    if (!spec) return `${what} has no attribute "${key}"`;
    const refused = `${what} cannot have ${key} = ${JSON.stringify(value)}`;
    if (typeof spec.validate === "string") {
      if (!spec.validate.split("|").includes(value === null ? "null" : typeof value)) return refused;
    } else {
      try {
        spec.validate?.(value);
      } catch {
        return refused;
      }
    }
  }
  return null;
}

/**
 * Why the items a transaction added cannot be kept, as the sentence of a refusal; null when they can.
 *
 * Each item must sit between its origins, as every item a Yjs client makes does. One that does not
 * (its left origin to the right of its right origin, say) still applies, but lands elsewhere when
 * the document is encoded and loaded again: clients that got it live and clients that load the room
 * later would disagree for good, with equal state vectors.
 *
 * Content added to the section body must fit the schema: known node types inside parents whose
 * content may hold them, known attributes with valid values, text only where the schema allows
 * text, known marks that the text's node allows, safe link targets, and no bidirectional control
 * characters in text or attribute values. Then the schema's content rules (`contentRulesMisfit`).
 * Other root types than the body are not read by anything and are left alone.
 *
 * Only the new items and the elements they land in are looked at, so the cost follows the update's size.
 */
function addedItemsMisfit(doc: Y.Doc, transaction: Y.Transaction): string | null {
  const body = doc.getXmlFragment(BODY_FIELD);
  const created = new Set<Y.XmlElement>();
  const grown = new Set<Y.XmlElement>();
  for (const [client, after] of transaction.afterState) {
    const before = transaction.beforeState.get(client) ?? 0;
    if (after <= before) continue;
    const structs = doc.store.clients.get(client) ?? [];
    for (let i = structs.length - 1; i >= 0 && structs[i]!.id.clock >= before; i--) {
      const item = structs[i];
      if (!(item instanceof Y.Item)) continue;
      if (!betweenItsOrigins(item)) return "The update is not a valid Yjs update: an item does not sit between its origins.";
      if (item.content instanceof Y.ContentDeleted) continue;
      const parent = item.parent;
      if (!(parent instanceof Y.AbstractType)) return "The update is not a valid Yjs update: an item has no parent.";
      let root: Y.AbstractType<any> = parent;
      while (root._item) root = root._item.parent as Y.AbstractType<any>;
      if (root !== body) continue;
      const misfit = itemMisfit(item, parent, body);
      if (misfit) return `The update does not fit the section schema: ${misfit}.`;
      if (item.deleted || item.parentSub !== null || !(item.content instanceof Y.ContentType)) continue;
      if (item.content.type instanceof Y.XmlElement) created.add(item.content.type);
      if (parent instanceof Y.XmlElement) grown.add(parent);
    }
  }
  const misfit = contentRulesMisfit(transaction, created, grown, body);
  return misfit ? `The update does not fit the section schema: ${misfit}.` : null;
}

/**
 * Why the update breaks the schema's content rules (`paragraph+`, `paragraph block*`, required
 * attributes); null when it does not. Reads would repair such content (see `docToContent`), but a
 * hostile client must not be able to write it on purpose.
 * - Every element the update creates must be complete once it is applied: its children match its
 *   content expression and every attribute without a default is set. Nobody else can have touched
 *   an element the room did not have, so an honest client's new elements are exactly as its editor
 *   made them, and valid.
 * - An element the room had, whose children the update added to, is refused only when the update's
 *   insertions break it: it does not fit now, did fit before, and would not fit even with every
 *   child ever deleted from it (by anyone) still there. Concurrent deletions can leave an element
 *   that an honest insertion no longer fits (a block inserted after a paragraph someone else deleted
 *   at the same moment); refusing that would lock its author out for good, since the client resends
 *   the update on every reconnect.
 * - Deletions are never refused: two editors deleting different paragraphs of one note at the same
 *   moment empty it honestly. Reads repair what deletions leave.
 * Elements that are not in the document (deleted, or inside something deleted) are left alone.
 */
function contentRulesMisfit(transaction: Y.Transaction, created: Set<Y.XmlElement>, grown: Set<Y.XmlElement>, body: Y.XmlFragment): string | null {
  for (const element of created) {
    const type = nodeTypeOf(element, body)!;
    if (!inDocument(element)) continue;
    for (const [key, spec] of Object.entries(type.spec.attrs ?? {})) if (!("default" in spec) && element.getAttribute(key) === undefined) return `${type.name} lacks ${key}`;
    if (!fitsContent(type, childTypes(element, transaction).live)) return `${type.name} must hold ${type.spec.content}, and does not`;
  }
  for (const element of grown) {
    const type = nodeTypeOf(element, body)!;
    if (created.has(element) || ORDER_FREE.has(type) || !inDocument(element)) continue;
    const { live, everKnown, everBefore } = childTypes(element, transaction);
    if (fitsContent(type, live) || everKnown === null || fitsContent(type, everKnown) || !fitsContent(type, everBefore!)) continue;
    return `${type.name} must hold ${type.spec.content}, and the update's insertions break that`;
  }
  return null;
}

/** True when the element and every element around it up to the body are not deleted. */
function inDocument(element: Y.AbstractType<any>): boolean {
  for (let t: Y.AbstractType<any> | null = element; t?._item; t = t._item.parent as Y.AbstractType<any>) if (t._item.deleted) return false;
  return true;
}

/** Whether children of these node types, in this order, fit the content expression of `type`. */
function fitsContent(type: NodeType, children: readonly NodeType[]): boolean {
  let match: NodeType["contentMatch"] | null = type.contentMatch;
  for (const child of children) if (!(match = match.matchType(child))) return false;
  return match.validEnd;
}

/**
 * The node types of an element's children: `live` now; `everKnown` with every deleted child too
 * (null when one of them is of a type no longer known); `everBefore` the same without what the
 * transaction added. Children the transaction added and deleted are not counted; text that reads as
 * no node (empty) neither.
 */
function childTypes(element: Y.XmlElement, transaction: Y.Transaction) {
  const live: NodeType[] = [];
  let everKnown: NodeType[] | null = [];
  const everBefore: NodeType[] = [];
  for (let item = element._start; item; item = item.right) {
    const added = item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0);
    if (added && item.deleted) continue;
    const child = item.content instanceof Y.ContentType ? item.content.type : null;
    // Text reads as text nodes, or as nothing when empty; anything else of no known type is undefined.
    const type = child instanceof Y.XmlText ? (child.length > 0 || item.deleted ? schema.nodes.text : null) : child instanceof Y.XmlElement ? (nodeTypeOf(child, null) ?? undefined) : undefined;
    if (type === null) continue;
    if (type === undefined) {
      if (item.deleted) everKnown = null;
      continue;
    }
    if (!item.deleted) live.push(type);
    everKnown?.push(type);
    if (!added) everBefore.push(type);
  }
  return { live, everKnown, everBefore };
}

/**
 * Node types whose content expression takes any non-empty run of the types it may hold (`block+`,
 * `inline*`): inserting a child that may stand there cannot break them, so their growth is not checked.
 */
const ORDER_FREE = new Set<NodeType>(
  Object.values(schema.nodes).filter((type) => {
    const allowed = CHILDREN.get(type)!;
    const seen = new Set<unknown>();
    const states = [type.contentMatch];
    while (states.length > 0) {
      const state = states.pop()!;
      if (seen.has(state)) continue;
      seen.add(state);
      if (state.edgeCount !== allowed.size || (state !== type.contentMatch && !state.validEnd)) return false;
      for (let i = 0; i < state.edgeCount; i++) states.push(state.edge(i).next);
    }
    return true;
  }),
);

const holds = (item: Y.Item, id: Y.ID) => item.id.client === id.client && id.clock >= item.id.clock && id.clock < item.id.clock + item.length;

/**
 * True when the item's left origin is to its left and its right origin to its right. The walk passes
 * only what was inserted concurrently between them, usually nothing.
 */
function betweenItsOrigins(item: Y.Item): boolean {
  if (item.origin) {
    let left = item.left;
    while (left && !holds(left, item.origin)) left = left.left;
    if (!left) return false;
  }
  if (item.rightOrigin) {
    let right = item.right;
    while (right && !holds(right, item.rightOrigin)) right = right.right;
    if (!right) return false;
  }
  return true;
}

function nodeTypeOf(type: Y.AbstractType<any>, body: Y.XmlFragment | null): NodeType | null {
  if (type === body) return schema.topNodeType;
  if (!(type instanceof Y.XmlElement)) return null;
  const nodeType = schema.nodes[type.nodeName as keyof typeof schema.nodes];
  return nodeType && nodeType !== schema.topNodeType && !nodeType.isText ? nodeType : null;
}

function itemMisfit(item: Y.Item, parent: Y.AbstractType<any>, body: Y.XmlFragment): string | null {
  const content = item.content;
  if (item.parentSub !== null) {
    // An attribute of an element.
    const nodeType = nodeTypeOf(parent, body);
    if (!nodeType || nodeType === schema.topNodeType) return `an attribute "${item.parentSub}" where none may be`;
    if (!(content instanceof Y.ContentAny)) return `attribute "${item.parentSub}" holds a shared type`;
    const value: unknown = content.getContent()[0];
    if (typeof value === "string" && hasBidiControl(value)) return `attribute "${item.parentSub}" holds a bidirectional control character`;
    return checkAttrs(nodeType.spec.attrs, { [item.parentSub]: value }, nodeType.name);
  }
  if (parent instanceof Y.XmlText) {
    const holder = parent._item ? nodeTypeOf(parent._item.parent as Y.AbstractType<any>, body) : null;
    if (!holder) return "text outside a node";
    if (content instanceof Y.ContentString) return hasBidiControl(content.str) ? "text holds a bidirectional control character" : null;
    if (!(content instanceof Y.ContentFormat)) return "text holds something other than characters and marks";
    const name = HASHED_MARK.exec(content.key)?.[1] ?? content.key;
    const markType = schema.marks[name as keyof typeof schema.marks];
    if (!markType) return `unknown mark "${name}"`;
    if (!holder.allowsMarkType(markType)) return `${holder.name} does not allow the mark ${name}`;
    if (content.value === null) return null;
    if (typeof content.value !== "object" || Array.isArray(content.value)) return `mark ${name} has malformed attributes`;
    const values = content.value as Record<string, unknown>;
    if (Object.values(values).some((v) => typeof v === "string" && hasBidiControl(v))) return `mark ${name} holds a bidirectional control character`;
    for (const [key, spec] of Object.entries(markType.spec.attrs ?? {})) if (!("default" in spec) && !(key in values)) return `mark ${name} lacks ${key}`;
    return checkAttrs(markType.spec.attrs, values, `mark ${name}`);
  }
  const holder = nodeTypeOf(parent, body);
  if (!holder) return "content inside something that is not a node";
  if (!(content instanceof Y.ContentType)) return `${holder.name} holds something other than nodes`;
  const child = content.type;
  if (child instanceof Y.XmlText) return CHILDREN.get(holder)!.has(schema.nodes.text) ? null : `${holder.name} cannot hold text`;
  if (!(child instanceof Y.XmlElement)) return `${holder.name} holds a shared type that is not a node`;
  const childType = nodeTypeOf(child, body);
  if (!childType) return `unknown node type "${child.nodeName}"`;
  return CHILDREN.get(holder)!.has(childType) ? null : `${holder.name} cannot hold ${childType.name}`;
}

/**
 * True when `update` holds content or deletions that the stored state (its `snapshot`, taken only
 * when needed) lacks. Used for connections that
 * may not write: a sync step 2 that brings nothing new is harmless, anything else is refused.
 * Throws SyncRefusal `malformed_message` when it is not a Yjs update.
 */
export function carriesNews(snapshot: () => Y.Snapshot, update: Uint8Array): boolean {
  let meta: { from: Map<number, number> };
  try {
    meta = Y.parseUpdateMeta(update);
  } catch {
    throw malformed("The update is not a valid Yjs update.");
  }
  if (meta.from.size === 0 && deletesNothing(update)) return false;
  try {
    return !Y.snapshotContainsUpdate(snapshot(), update);
  } catch {
    throw malformed("The update is not a valid Yjs update.");
  }
}
