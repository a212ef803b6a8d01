// Hocuspocus 3 as a plain server: no auth, documents kept in memory, and a store hook
// that keeps the encoded state in memory too (debounced like any onStoreDocument).
import { Server } from "hocuspocus3";
import * as Y from "yjs";

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? "127.0.0.1";
const stored = new Map<string, Uint8Array>();

const server = new Server(
  {
    port,
    address: host,
    quiet: true,
    async onLoadDocument({ documentName, document }) {
      const state = stored.get(documentName);
      if (state) Y.applyUpdate(document, state);
    },
    async onStoreDocument({ documentName, document }) {
      stored.set(documentName, Y.encodeStateAsUpdate(document));
    },
  },
  { perMessageDeflate: false },
);

await server.listen();
process.stdout.write(`listening ${server.address.port}\n`);
