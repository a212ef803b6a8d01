import { Fragment, Mark, type MarkType, type Node, type NodeType } from "prosemirror-model";
import { isMarkName, isNodeName, schema, type PMJSON } from "../schema";
import { hasBidiControl, withoutBidiControls } from "./bidi";
import { emptyContent, parseContent } from "./parse";

/**
 * What `normalizeContent` changed:
 * - `unknown_node`: a node of a type the schema lacks (or not a node at all) was dropped, with its content;
 * - `invalid_text`: a text node without text was dropped;
 * - `bidi_control`: bidirectional control characters were removed from a text or an attribute;
 * - `invalid_mark`: a mark of an unknown type, with invalid attributes, not allowed where it stands,
 *   or a second mark of one type, was dropped;
 * - `invalid_attribute`: an attribute with an invalid value was set to its default;
 * - `missing_attribute`: a node lacking a required attribute (an `xref` without its section) was dropped;
 * - `empty_container`: a node that needs content (a note, a list, a list item) and had none was dropped;
 * - `filled`: an empty node was inserted so the content fits (a paragraph before a list item's first block);
 * - `wrapped`: nodes were wrapped so they fit (text straight in the body into a paragraph);
 * - `lifted`: a node not allowed where it stands was replaced by its content;
 * - `dropped`: a node not allowed where it stands, with nothing of it that fits, was dropped;
 * - `empty_document`: nothing was left: the body became one empty paragraph.
 */
export type ContentRepairKind =
  | "unknown_node"
  | "invalid_text"
  | "bidi_control"
  | "invalid_mark"
  | "invalid_attribute"
  | "missing_attribute"
  | "empty_container"
  | "filled"
  | "wrapped"
  | "lifted"
  | "dropped"
  | "empty_document";

/** One change `normalizeContent` made, and the type of the node or mark it concerned. */
export interface ContentRepair {
  kind: ContentRepairKind;
  type: string;
}

/** A section body that fits the schema, and the repairs that made it fit (none when it already did). */
export interface NormalizedContent {
  content: PMJSON;
  repairs: ContentRepair[];
}

/**
 * Turns any JSON into a section body that `parseContent` accepts, changing as little as it can.
 * Content that already fits the schema (and holds no bidirectional controls) comes back as
 * `parseContent(json).toJSON()` with no repairs, so normalising twice changes nothing. Otherwise
 * nodes are rebuilt bottom-up: what cannot be kept is dropped, children that do not fit their
 * parent are filled before, wrapped or lifted as the schema's content expressions allow, and
 * containers left empty are dropped. Pure and deterministic: the same JSON gives the same body in
 * every process and in the client. Never throws.
 */
export function normalizeContent(json: unknown): NormalizedContent {
  if (!holdsBidiControl(json)) {
    try {
      return { content: parseContent(json).toJSON() as PMJSON, repairs: [] };
    } catch {
      // Repaired below.
    }
  }
  const repairs: ContentRepair[] = [];
  const repair = (kind: ContentRepairKind, type: string) => void repairs.push({ kind, type });
  const isDoc = isObject(json) && json.type === "doc";
  if (!isDoc) repair("wrapped", "doc");
  const children = isDoc ? contentOf(json) : [json];
  const content = fitContent(schema.topNodeType, children.flatMap((child) => repairNode(child, repair)), repair);
  if (content === null) {
    repair("empty_document", "doc");
    return { content: emptyContent(), repairs };
  }
  const doc = schema.topNodeType.create(null, content);
  try {
    doc.check();
  } catch {
    // Unreachable when the rules above are right; a body that reads beats one that does not.
    repair("empty_document", "doc");
    return { content: emptyContent(), repairs };
  }
  return { content: doc.toJSON() as PMJSON, repairs };
}

type Repair = (kind: ContentRepairKind, type: string) => void;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function contentOf(json: Record<string, unknown>): unknown[] {
  return Array.isArray(json.content) ? json.content : [];
}

function holdsBidiControl(json: unknown): boolean {
  try {
    return hasBidiControl(JSON.stringify(json) ?? "");
  } catch {
    return true;
  }
}

/** The node `json` describes, repaired, as zero or one node. */
function repairNode(json: unknown, repair: Repair): Node[] {
  const name = isObject(json) ? json.type : undefined;
  if (!isObject(json) || !isNodeName(name) || name === "doc") {
    repair("unknown_node", typeof name === "string" ? name : "?");
    return [];
  }
  const type = schema.nodes[name];
  const marks = repairMarks(json.marks, repair);
  if (type.isText) {
    let text = typeof json.text === "string" ? json.text : "";
    if (hasBidiControl(text)) {
      repair("bidi_control", name);
      text = withoutBidiControls(text);
    }
    if (text === "") {
      repair("invalid_text", name);
      return [];
    }
    return [schema.text(text, marks)];
  }
  const attrs = repairAttrs(type, json.attrs, repair);
  if (attrs === null) {
    repair("missing_attribute", name);
    return [];
  }
  if (type.isLeaf) return [type.create(attrs, null, marks)];
  const content = fitContent(type, contentOf(json).flatMap((child) => repairNode(child, repair)), repair);
  if (content === null) {
    repair("empty_container", name);
    return [];
  }
  return [type.create(attrs, content, marks)];
}

/** The marks `json` lists that are known and valid, as a mark set; the first of a type gives way to a later one. */
function repairMarks(json: unknown, repair: Repair): readonly Mark[] {
  if (json === undefined || json === null) return Mark.none;
  if (!Array.isArray(json)) {
    repair("invalid_mark", "?");
    return Mark.none;
  }
  let set: readonly Mark[] = Mark.none;
  for (const mark of json) {
    const name = isObject(mark) ? mark.type : undefined;
    if (!isObject(mark) || !isMarkName(name)) {
      repair("invalid_mark", typeof name === "string" ? name : "?");
      continue;
    }
    const attrs = repairAttrs(schema.marks[name], mark.attrs, repair);
    if (attrs === null) {
      repair("invalid_mark", name);
      continue;
    }
    const next = schema.marks[name].create(attrs).addToSet(set);
    if (next.length <= set.length) repair("invalid_mark", name);
    set = next;
  }
  return set;
}

type AttributeSpec = { default?: unknown; validate?: string | ((value: unknown) => void) };

function fits(spec: AttributeSpec, value: unknown): boolean {
  if (typeof spec.validate === "string") return spec.validate.split("|").includes(value === null ? "null" : typeof value);
  try {
    spec.validate?.(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The attributes of the schema's `type` from `json`: valid values kept (without bidirectional
 * controls), invalid or missing ones set to their default; null when one without a default is
 * missing or invalid. Attributes the type does not have are left out.
 */
function repairAttrs(type: NodeType | MarkType, json: unknown, repair: Repair): Record<string, unknown> | null {
  const given = isObject(json) ? json : {};
  const attrs: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries((type.spec.attrs ?? {}) as Record<string, AttributeSpec>)) {
    let value = Object.hasOwn(given, key) ? given[key] : undefined;
    if (typeof value === "string" && hasBidiControl(value)) {
      repair("bidi_control", type.name);
      value = withoutBidiControls(value);
    }
    if (value !== undefined && fits(spec, value)) attrs[key] = value;
    else if (!("default" in spec)) return null;
    else {
      if (value !== undefined) repair("invalid_attribute", type.name);
      attrs[key] = spec.default;
    }
  }
  return attrs;
}

/** `node` without the marks `parent` does not allow on its children. */
function withAllowedMarks(node: Node, parent: NodeType, repair: Repair): Node {
  const allowed = node.marks.filter((mark) => parent.allowsMarkType(mark.type));
  if (allowed.length === node.marks.length) return node;
  for (const mark of node.marks) if (!parent.allowsMarkType(mark.type)) repair("invalid_mark", mark.type.name);
  return node.mark(allowed);
}

const sameTypes = (a: readonly NodeType[] | null, b: readonly NodeType[]) => a !== null && a.length === b.length && a.every((type, i) => type === b[i]);

/**
 * `children`, repaired already, fitted into the content expression of `type`, in order: each child
 * that fits is kept; one that fits after filler nodes gets them; a run that fits inside wrappers is
 * wrapped; a node that does not fit gives its content in its place; a leaf that does not fit is
 * dropped. Null when nothing fits and `type` needs content.
 */
function fitContent(type: NodeType, children: readonly Node[], repair: Repair): Fragment | null {
  const placed: Node[] = [];
  const pending = [...children];
  let match = type.contentMatch;
  const place = (node: Node) => {
    placed.push(node);
    match = match.matchType(node.type)!;
  };
  while (pending.length > 0) {
    const child = withAllowedMarks(pending.shift()!, type, repair);
    if (match.matchType(child.type)) {
      place(child);
      continue;
    }
    const fill = match.fillBefore(Fragment.from(child));
    if (fill) {
      repair("filled", type.name);
      fill.forEach(place);
      place(child);
      continue;
    }
    const wrapping = match.findWrapping(child.type);
    if (wrapping && wrapping.length > 0) {
      const run = [child];
      while (pending.length > 0 && !match.matchType(pending[0]!.type) && sameTypes(match.findWrapping(pending[0]!.type), wrapping)) run.push(pending.shift()!);
      const wrapped = wrap(wrapping, run, repair);
      if (wrapped && match.matchType(wrapped.type)) {
        repair("wrapped", wrapping[wrapping.length - 1]!.name);
        place(wrapped);
      } else repair("dropped", child.type.name);
      continue;
    }
    if (child.isLeaf) {
      repair("dropped", child.type.name);
      continue;
    }
    repair("lifted", child.type.name);
    const inner: Node[] = [];
    child.content.forEach((node) => void inner.push(node));
    pending.unshift(...inner);
  }
  if (!match.validEnd) {
    if (placed.length === 0) return null;
    const end = match.fillBefore(Fragment.empty, true);
    if (!end) return null;
    repair("filled", type.name);
    end.forEach(place);
  }
  return Fragment.fromArray(placed);
}

/** `nodes` inside `wrapping` (outermost first), or null when they do not fit. */
function wrap(wrapping: readonly NodeType[], nodes: Node[], repair: Repair): Node | null {
  const innermost = wrapping[wrapping.length - 1]!;
  const content = fitContent(innermost, nodes, repair);
  if (content === null) return null;
  try {
    let node = innermost.create(null, content);
    for (let i = wrapping.length - 2; i >= 0; i--) {
      if (!wrapping[i]!.validContent(Fragment.from(node))) return null;
      node = wrapping[i]!.create(null, node);
    }
    return node;
  } catch {
    return null;
  }
}
