import { describe, expect, it } from "vitest";
import { JsonInputError, parseStrictJson } from "./strict-json";

function refusal(text: string): JsonInputError {
  try {
    parseStrictJson(text);
  } catch (error) {
    if (error instanceof JsonInputError) return error;
    throw error;
  }
  throw new Error(`accepted: ${text}`);
}

describe("strict JSON", () => {
  it("reads what JSON.parse reads when every key is unique", () => {
    for (const text of ['{"a":1,"b":[1,2,{"c":null}],"d":{"a":"x"}}', "[]", '"text"', "1e21", " \n{ } ", '{"__proto__":{"x":1}}', '[{"a":1},{"a":2}]', '{"a":{"a":{"a":1}}}']) {
      expect(parseStrictJson(text)).toEqual(JSON.parse(text));
    }
  });

  it("refuses a key given twice, at any depth, naming where", () => {
    const cases: Array<[string, string, string]> = [
      ['{"text":"forged","text":"genuine"}', "text", "/text"],
      ['{"sections":[{"id":"a"},{"id":"b","text":"x","children":[],"text":"y"}]}', "text", "/sections/1/text"],
      ['[[[{"k":1,"k":1}]]]', "k", "/0/0/0/k"],
      // The same key spelled with escapes is still the same key.
      ['{"text":1,"t\\u0065xt":2}', "text", "/text"],
      ['{"a/b~":1,"a\\/b~":2}', "a/b~", "/a~1b~0"],
      ['{"":1,"":2}', "", "/"],
    ];
    for (const [text, key, pointer] of cases) {
      const error = refusal(text);
      expect(error).toBeInstanceOf(RangeError);
      expect(error).toMatchObject({ problem: "duplicate_key", pointer });
      expect(error.message).toContain(`The key ${JSON.stringify(key)} appears twice`);
    }
  });

  it("tells keys that differ only in case or in Unicode normalisation apart, as JSON does", () => {
    expect(parseStrictJson('{"text":1,"Text":2}')).toEqual({ text: 1, Text: 2 });
    expect(parseStrictJson('{"\u00e9":1,"e\u0301":2}')).toEqual({ "\u00e9": 1, "e\u0301": 2 });
  });

  it("refuses what is not JSON, even where a lenient parser would read it", () => {
    for (const text of ["", "{", '{"a":1,}', '{"a":1 // note\n}', "{a:1}", "[NaN]", '{"a":"\t"}', '{"a":01}', "\ufeff{}", '{"a":1}{"b":2}']) {
      expect(refusal(text).problem, text).toBe("invalid_json");
    }
  });

  it("reads nesting as deep as a release's, and refuses far deeper without crashing", () => {
    expect(parseStrictJson(`${"[".repeat(1000)}${"]".repeat(1000)}`)).toHaveLength(1);
    const deep = 200_000;
    expect(refusal(`${'{"a":'.repeat(deep)}{"b":1,"b":2}${"}".repeat(deep)}`).message).toMatch(/duplicate|nested too deeply/);
  });
});
