import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";

// The `codewright` command. Each subcommand is a function of its arguments; errors exit non-zero with a sentence.
const USAGE = `usage: codewright <command> [options]

commands:
  migrate                                 apply pending database migrations
  import <file.md> --standard <slug>      import a standard written in Codewright Markdown
  diff <from.json> <to.json> [--json]     compare two releases, section by section
  verify <release.json> [--signature <sig.json>] [--keys <keys.json>]
                                          check a release's digest and signature
  publish --server <url> --standard <slug> --version <v> [--notes <text>]
                                          publish the draft as a release (token: --token or CODEWRIGHT_TOKEN)
  download --server <url> --standard <slug> [--version <v>] [--out <dir>]
           (--key <fingerprint> | --keys <keys.json> | --trust-on-first-use)
                                          download a release with its signature, verified against keys you trust

Run a command with --help for its options.
`;

type Command = (args: string[]) => Promise<void>;

const say = (line: string) => process.stdout.write(`${line}\n`);

// Commands load only what they use: a reader's diff or verify starts without the database layer.
const databaseLayer = async () => ({ ...(await import("../config")), ...(await import("../platform")) });

const usage = (text: string, run: Command): Command => async (args) => {
  if (args.includes("--help") || args.includes("-h")) say(text);
  else await run(args);
};

const commands: Record<string, Command> = {
  diff: async (args) => {
    const { diffCommand, DIFF_USAGE } = await import("./commands/diff");
    return usage(DIFF_USAGE, diffCommand)(args);
  },
  verify: async (args) => {
    const { verifyCommand, VERIFY_USAGE } = await import("./commands/verify");
    return usage(VERIFY_USAGE, verifyCommand)(args);
  },
  publish: async (args) => {
    const { publishCommand, PUBLISH_USAGE } = await import("./commands/publish");
    return usage(PUBLISH_USAGE, publishCommand)(args);
  },
  download: async (args) => {
    const { downloadCommand, DOWNLOAD_USAGE } = await import("./commands/download");
    return usage(DOWNLOAD_USAGE, downloadCommand)(args);
  },

  async migrate() {
    const { loadConfig, openMigratedDatabase } = await databaseLayer();
    const database = await openMigratedDatabase(loadConfig(), say);
    await database.close();
  },

  async import(args) {
    const { values, positionals } = parseArgs({ args, options: { standard: { type: "string" } }, allowPositionals: true });
    const file = positionals[0];
    if (!file || !values.standard) throw new Error("import needs a file and --standard <slug>.");
    const markdown = await readFile(file, "utf8");
    const { checkImport, importStandard } = await import("../domain/importer");
    const located = (err: unknown) => {
      const line = (err as { line?: number }).line;
      return line ? new Error(`${file}:${line}: ${(err as Error).message}`) : err;
    };
    // A malformed file or slug is told before any database is opened or made.
    try {
      checkImport(markdown, values.standard);
    } catch (err) {
      throw located(err);
    }
    const { loadConfig, openMigratedDatabase } = await databaseLayer();
    const database = await openMigratedDatabase(loadConfig(), () => {});
    try {
      const tty = process.stdout.isTTY === true;
      const result = await importStandard(database.db, markdown, values.standard, null, (done, total, label) => {
        if (tty) process.stdout.write(`\rimporting ${done}/${total} ${label.padEnd(16)}${done === total ? "\n" : ""}`);
        else if (done === total || done % Math.max(1, Math.ceil(total / 10)) === 0) say(`importing ${done}/${total}`);
      });
      say(`imported ${result.sections} sections into "${result.standard.slug}"`);
    } catch (err) {
      throw located(err);
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
