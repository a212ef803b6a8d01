/** Comment threads, their anchors in the text, and the dispositions of public comments. */
export { createThread, listThreads, replyToThread, setThreadState, disposeThread, answerThread, type NewComment } from "./threads";
export { anchorAt, resolveAnchor, resolveQuoteIn, encodePosition } from "./anchors";
export { commentDispositions } from "./dispositions";
