import { readFile } from "node:fs/promises";
import { parseStrictJson } from "@codewright/shared";

/**
 * Reads and parses a JSON file, with an error that names the file. Duplicate keys are refused
 * (the error's `cause` is the `JsonInputError`): a file read for verification must say one thing.
 */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === "ENOENT" ? `${path}: no such file.` : `${path}: cannot be read (${code ?? String(error)}).`);
  }
  try {
    return parseStrictJson(text);
  } catch (error) {
    throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
