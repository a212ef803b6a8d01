import { loadConfig } from "./config";
import { buildApp } from "./app";
import { DEFAULT_CLIENT_DIR, openMigratedDatabase, prepareData } from "./platform";
import { ReleaseSigner } from "./domain/releases/signing";
import { mailDestination } from "./mail/transport";

// The process: configuration, database, first-start data, then the HTTP and websocket server.
async function main(): Promise<void> {
  const config = loadConfig();
  config.clientDir ??= DEFAULT_CLIENT_DIR;
  const say = (line: string) => process.stdout.write(`codewright: ${line}\n`);
  say(config.databaseUrl ? "using PostgreSQL (DATABASE_URL)" : `using embedded PGlite in ${config.dataDir}`);
  const database = await openMigratedDatabase(config, say);
  // The release signing key is made on first start (see domain/releases/signing.ts for where it is kept).
  const signer = await ReleaseSigner.open(database.db, config.dataDir);
  const { firstAdmin } = await prepareData(database, config, say, signer);
  if (firstAdmin?.generatedPassword) {
    say(`created the first admin: ${firstAdmin.email}`);
    say(`one-time password (shown only now; change it after signing in): ${firstAdmin.generatedPassword}`);
  } else if (firstAdmin) {
    say(`created the first admin: ${firstAdmin.email}`);
  }
  say(`releases are signed with key ${signer.kid}`);
  say(mailDestination(config.mail));
  const app = await buildApp({ config, database });
  app.addHook("onClose", async () => database.close());
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  await app.listen({ port: config.port, host: config.host });
  say(`serving on ${config.publicUrl}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`codewright: could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
