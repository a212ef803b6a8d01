export { ContentError, isContentError, type ContentErrorCode, type ContentErrorLocation, type ErrorCode } from "./errors";
export * from "./schema";
export * from "./content";
export * from "./outline";
export * from "./markdown";
export * from "./api";
export * from "./release";
export * from "./diff";
