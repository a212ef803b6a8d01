export { diffReleases } from "./diff";
export { textBlocks, type TextBlock } from "./blocks";
export { wordOps } from "./words";
export {
  SectionStatus,
  SECTION_STATUSES,
  BlockKind,
  DiffOp,
  SectionSide,
  SectionDiff,
  DiffSummary,
  ReleaseDiff,
  type DiffableSection,
  type DiffableRelease,
} from "./types";
