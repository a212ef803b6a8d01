// Hocuspocus 4 as a plain server: no auth, documents kept in memory, and a store hook
// that keeps the encoded state in memory too (debounced like any onStoreDocument), so
// a document that unloads can be loaded again. FLUSH_DELAY sets `flushDelay` (ms).
import { Server } from "@hocuspocus/server";
import * as Y from "yjs";

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? "127.0.0.1";
const flushDelay = process.env.FLUSH_DELAY ? Number(process.env.FLUSH_DELAY) : 0;
const stored = new Map<string, Uint8Array>();

const server = new Server({
  port,
  address: host,
  quiet: true,
  flushDelay,
  websocketOptions: { perMessageDeflate: false },
  async onLoadDocument({ documentName, document }) {
    const state = stored.get(documentName);
    if (state) Y.applyUpdate(document, state);
  },
  async onStoreDocument({ documentName, document }) {
    stored.set(documentName, Y.encodeStateAsUpdate(document));
  },
});

await server.listen();
process.stdout.write(`listening ${server.address.port}\n`);
