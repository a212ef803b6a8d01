import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { loadConfig } from "../config";
import { openMigratedDatabase } from "../platform";
import { importStandard } from "../domain/importer";

// The `codewright` command. Each subcommand is a function of its arguments; errors exit non-zero with a sentence.
const USAGE = `usage: codewright <command> [options]

commands:
  migrate                                 apply pending database migrations
  import <file.md> --standard <slug>      import a standard written in Codewright Markdown
`;

type Command = (args: string[]) => Promise<void>;

const say = (line: string) => process.stdout.write(`${line}\n`);

const commands: Record<string, Command> = {
  async migrate() {
    const database = await openMigratedDatabase(loadConfig(), say);
    await database.close();
  },

  async import(args) {
    const { values, positionals } = parseArgs({ args, options: { standard: { type: "string" } }, allowPositionals: true });
    const file = positionals[0];
    if (!file || !values.standard) throw new Error("import needs a file and --standard <slug>.");
    const markdown = await readFile(file, "utf8");
    const database = await openMigratedDatabase(loadConfig(), () => {});
    try {
      const tty = process.stdout.isTTY === true;
      const result = await importStandard(database.db, markdown, values.standard, null, (done, total, label) => {
        if (tty) process.stdout.write(`\rimporting ${done}/${total} ${label.padEnd(16)}${done === total ? "\n" : ""}`);
        else if (done === total || done % Math.max(1, Math.ceil(total / 10)) === 0) say(`importing ${done}/${total}`);
      });
      say(`imported ${result.sections} sections into "${result.standard.slug}"`);
    } catch (err) {
      const line = (err as { line?: number }).line;
      if (line) throw new Error(`${file}:${line}: ${(err as Error).message}`);
      throw err;
    } finally {
      await database.close();
    }
  },
};

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(USAGE);
    process.exit(name ? 2 : 0);
  }
  await command(rest);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`codewright: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
