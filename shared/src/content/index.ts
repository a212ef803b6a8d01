export { parseContent, narrowContent, emptyContent } from "./parse";
export { normalizeContent, type ContentRepair, type ContentRepairKind, type NormalizedContent } from "./normalize";
export { assertNoBidiControls, hasBidiControl, withoutBidiControls } from "./bidi";
export { plainText, type XrefResolver } from "./plain-text";
export { BODY_FIELD, contentToUpdate, docToContent } from "./yjs";
export { bodyNodeSize, relativeAt, type BodyContainer, type BodyNode } from "./positions";
