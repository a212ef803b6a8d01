import { DOMSerializer, type DOMOutputSpec, type Mark, type Node } from "prosemirror-model";
import { isSafeHref, schema } from "@codewright/shared";

/** Where a cross-reference leads, as the current outline says. */
export interface XrefTarget {
  href: string;
  /** The target's number now (`2.3`), which changes when the outline is reordered. */
  number: string;
  /** The target's stable label (`BC-2.3`). */
  label: string;
  title: string;
}

/** Finds a cross-reference's target by section id; undefined when it no longer exists. */
export type XrefLookup = (sectionId: string) => XrefTarget | undefined;

/**
 * How a cross-reference renders: a link showing the target's current number, with its
 * label and title on hover; or, when the target is gone, the label it was written with,
 * marked as unresolved.
 */
export function xrefSpec(attrs: { section: string; label: string }, lookup: XrefLookup): DOMOutputSpec {
  const target = lookup(attrs.section);
  if (!target) {
    return ["span", { class: "xref xref-missing", title: `${attrs.label}: this section no longer exists` }, attrs.label];
  }
  return ["a", { class: "xref", href: target.href, title: `${target.label}: ${target.title}`, "data-section": attrs.section }, target.number];
}

/** How a link mark renders: links to other sites say so to the router and the referrer. */
export function linkSpec(attrs: { href: string; title: string | null }): DOMOutputSpec {
  // The schema refuses unsafe targets; this check keeps rendering safe on its own.
  const href = isSafeHref(attrs.href) ? attrs.href : "#";
  const external = /^(https?:)?\/\//i.test(href) || /^mailto:/i.test(href);
  const dom: Record<string, string> = { href };
  if (attrs.title !== null) dom.title = attrs.title;
  if (external) dom.rel = "external noopener noreferrer";
  return ["a", dom, 0];
}

/**
 * A serializer of section bodies to DOM for reading. It builds elements only through the
 * DOM API from the schema's nodes (never from HTML strings). Informative notes render as
 * an aside labelled "Note"; cross-references and links as `xrefSpec` and `linkSpec` say.
 */
export function createBodySerializer(lookup: XrefLookup): DOMSerializer {
  const nodes = DOMSerializer.nodesFromSchema(schema);
  const marks = DOMSerializer.marksFromSchema(schema);
  return new DOMSerializer(
    {
      ...nodes,
      note: (): DOMOutputSpec => ["aside", { class: "note", role: "note" }, ["span", { class: "note-label" }, "Note"], ["div", { class: "note-body" }, 0]],
      xref: (node: Node): DOMOutputSpec => xrefSpec(node.attrs as { section: string; label: string }, lookup),
    },
    {
      ...marks,
      link: (mark: Mark): DOMOutputSpec => linkSpec(mark.attrs as { href: string; title: string | null }),
    },
  );
}
