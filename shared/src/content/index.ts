export { parseContent, narrowContent, emptyContent } from "./parse";
export { plainText, type XrefResolver } from "./plain-text";
export { BODY_FIELD, contentToUpdate, docToContent } from "./yjs";
export { bodyNodeSize, relativeAt, type BodyContainer, type BodyNode } from "./positions";
