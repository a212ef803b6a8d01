import type { Outline, OutlineSection } from "./outline";
import type { XrefLookup, XrefTarget } from "./section-body";

/** A section as a link elsewhere on the page: breadcrumbs, lists of subsections, the pager, cross-references. */
export interface SectionLink extends XrefTarget {
  id: string;
}

/** A section's address where it is being read: in the draft, a release or a proposal. */
export type SectionHref = (sectionId: string) => string;

/** Where a section stands in its outline, as links to read on from it. */
export interface SectionPlace {
  /** Outermost first; empty at top level. */
  ancestors: SectionLink[];
  subsections: SectionLink[];
  previous: SectionLink | undefined;
  next: SectionLink | undefined;
}

export function sectionLink(section: OutlineSection, href: SectionHref): SectionLink {
  return { id: section.id, href: href(section.id), number: section.number, label: section.label, title: section.title };
}

/** Cross-references resolved within `outline`, to the numbers it gives. */
export function xrefLookup<T extends OutlineSection>(outline: Outline<T>, href: SectionHref): XrefLookup {
  return (id) => {
    const target = outline.get(id);
    return target && sectionLink(target, href);
  };
}

/** The section's ancestors, subsections and neighbours in `outline`; all empty for an unknown id. */
export function sectionPlace<T extends OutlineSection>(outline: Outline<T>, id: string, href: SectionHref): SectionPlace {
  const link = (section: OutlineSection | undefined) => section && sectionLink(section, href);
  return {
    ancestors: outline.ancestors(id).map((s) => sectionLink(s, href)),
    subsections: outline.children(id).map((s) => sectionLink(s, href)),
    previous: link(outline.previous(id)),
    next: link(outline.next(id)),
  };
}

/** The link as a breadcrumb: the section's number and title. */
export function crumbOf(link: SectionLink): { href: string; text: string } {
  return { href: link.href, text: `${link.number} ${link.title}` };
}
