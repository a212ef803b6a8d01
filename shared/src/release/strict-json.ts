import { parse as parseSyntaxTree, type ValueNode } from "@humanwhocodes/momoa";

/** Why `parseStrictJson` refused a text. */
export type JsonInputProblem = "invalid_json" | "duplicate_key";

/** Thrown by `parseStrictJson`: the text is not JSON, or it is JSON that readers may read differently. */
export class JsonInputError extends RangeError {
  constructor(
    readonly problem: JsonInputProblem,
    message: string,
    /** For `duplicate_key`: the JSON Pointer (RFC 6901) of the second copy. */
    readonly pointer?: string,
  ) {
    super(message);
    this.name = "JsonInputError";
  }
}

/**
 * Parses JSON that is to be verified. Throws a `JsonInputError` when the text is not JSON
 * (`invalid_json`) or when an object, at any depth, has the same key twice (`duplicate_key`).
 * Parsers disagree on which copy of a duplicate counts, so a signature checked over one
 * reading would vouch for text another reader sees differently.
 */
export function parseStrictJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new JsonInputError("invalid_json", `The text is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  // JSON.parse keeps the last copy without a word, and a reviver sees only that one: the keys are checked on a syntax tree.
  let tree: ValueNode;
  try {
    tree = parseSyntaxTree(text, { mode: "json" }).body;
  } catch (error) {
    // The tree is built recursively: text nested thousands deep is refused rather than read unchecked.
    const reason = error instanceof RangeError ? "it is nested too deeply to be checked" : error instanceof Error ? error.message : String(error);
    throw new JsonInputError("invalid_json", `The text is not valid JSON (${reason}).`);
  }
  const duplicate = duplicateKeyIn(tree);
  if (duplicate) {
    throw new JsonInputError(
      "duplicate_key",
      `The key ${JSON.stringify(duplicate.key)} appears twice in the object at ${duplicate.object || "the top"}: JSON readers differ on which copy counts, so the document is ambiguous.`,
      duplicate.pointer,
    );
  }
  return value;
}

// Walks the tree with a stack of its own, so a deeply nested text cannot overflow the call stack.
function duplicateKeyIn(root: ValueNode): { key: string; object: string; pointer: string } | null {
  const pending: Array<{ node: ValueNode; pointer: string }> = [{ node: root, pointer: "" }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { node, pointer } = next;
    if (node.type === "Object") {
      const seen = new Set<string>();
      for (const member of node.members) {
        const key = member.name.type === "String" ? member.name.value : member.name.name;
        const at = `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
        if (seen.has(key)) return { key, object: pointer, pointer: at };
        seen.add(key);
        pending.push({ node: member.value, pointer: at });
      }
    } else if (node.type === "Array") {
      node.elements.forEach((element, index) => pending.push({ node: element.value, pointer: `${pointer}/${index}` }));
    }
  }
  return null;
}
