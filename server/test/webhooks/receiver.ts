import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A webhook receiver for tests: a real HTTP server on 127.0.0.1 (port 0) that records every
 * request and answers what `respond` says (200 by default; `"hang"` never answers).
 *
 *   const receiver = await startReceiver();
 *   receiver.url("/hook")            // http://127.0.0.1:<port>/hook
 *   receiver.requests                // { path, headers, body } in the order they came
 *   receiver.respond = (req, n) => (n === 1 ? 500 : 200);
 */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url(path?: string): string;
  requests: ReceivedRequest[];
  /** The status to answer the `count`-th request with (1 for the first), or `"hang"`. */
  respond: (request: ReceivedRequest, count: number) => number | "hang";
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const receiver: Receiver = {
    url: (path = "/hook") => `http://127.0.0.1:${port}${path}`,
    requests,
    respond: () => 200,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const request = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(request);
      const status = receiver.respond(request, requests.length);
      if (status === "hang") return;
      res.writeHead(status, status >= 300 && status < 400 ? { location: "http://127.0.0.1:1/elsewhere" } : {}).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return receiver;
}
