export { numberOutline, buildTree, type OutlineSection, type NumberedSection, type OutlineTree } from "./outline";
