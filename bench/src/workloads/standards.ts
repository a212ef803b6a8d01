import http from "node:http";
import type { CodewrightTarget } from "../servers/codewright";
import { standardMarkdown } from "../servers/codewright";
import { SyncClient } from "../protocol/client";
import { Ledger } from "../protocol/ledger";
import { Typist, newClientId } from "../protocol/typist";
import { mapPool, round, sleep, summarize } from "../stats";
import { checkRoom, closeAll, connectAll, type Metric, type RunContext } from "./common";

export interface StandardsShape {
  sections: number;
  retitled: number;
  edited: number;
  readers: number;
  readMs: number;
}

const SENTENCES = [
  "Manufacturers shall keep an inventory of every third-party component and its version.",
  "Inputs from any interface shall be validated against a specification before use.",
  "New components should be written in a memory-safe language.",
  "Build tools shall be configured to treat warnings about undefined behaviour as errors.",
];

function sectionBody(i: number): string {
  return [0, 1, 2].map((k) => SENTENCES[(i + k) % SENTENCES.length]).join("\n\n");
}

/**
 * Standards work over HTTP: import a standard of `sections` sections, publish it, change
 * some titles and bodies, publish again, diff the two releases, then read the outline and
 * single sections with `readers` concurrent readers. A route that is not there yet is
 * reported as not available.
 */
export async function runStandards(target: CodewrightTarget, shape: StandardsShape, ctx: RunContext): Promise<{ metrics: Record<string, Metric>; notes: string[] }> {
  const notes: string[] = [];
  const slug = target.nextSlug("standard");
  const t0 = performance.now();
  const sections = await target.importStandard(slug, standardMarkdown("Benchmark standard", shape.sections, sectionBody));
  const importMs = performance.now() - t0;

  const publish = async (version: string) => {
    const start = performance.now();
    const res = await target.request("POST", `/api/standards/${slug}/releases`, { version, notes: `Release ${version}` });
    const ms = performance.now() - start;
    if (res.status === 404) return { ms: null, status: 404 };
    if (res.status !== 201 && res.status !== 200) throw new Error(`publishing ${version} failed: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return { ms, status: res.status };
  };

  const first = await publish("1.0.0");
  let publishMs: number | null = first.ms;
  let diffMs: number | null = null;
  let diffMaxMs: number | null = null;
  let diffModified: Metric = null;
  if (first.status === 404) {
    notes.push("POST /api/standards/:slug/releases answered 404: publishing not available in this build");
  } else {
    // Change the draft: retitle some sections over HTTP, type into others over sync.
    await mapPool(sections.slice(0, shape.retitled), 8, async (s, i) => {
      const res = await target.request("PATCH", `/api/standards/${slug}/sections/${s.id}`, { title: `Revised section ${i + 1}` });
      if (res.status !== 200) throw new Error(`retitling failed: HTTP ${res.status}`);
    });
    await editBodies(target, sections.slice(shape.retitled, shape.retitled + shape.edited).map((s) => s.room));
    const second = await publish("1.1.0");
    publishMs = Math.max(first.ms ?? 0, second.ms ?? 0);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      const res = await target.request("GET", `/api/standards/${slug}/diff?from=1.0.0&to=1.1.0`);
      if (res.status === 404 && i === 0) {
        notes.push("GET /api/standards/:slug/diff answered 404: diff not available in this build");
        break;
      }
      if (res.status !== 200) throw new Error(`diff failed: HTTP ${res.status}`);
      times.push(performance.now() - start);
      diffModified = res.body?.summary ? JSON.stringify(res.body.summary) : null;
    }
    if (times.length) {
      diffMs = round([...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!, 1);
      diffMaxMs = round(Math.max(...times), 1);
    }
  }

  const reading = await readLoad(target, slug, sections.map((s) => s.id), shape.readers, shape.readMs);
  ctx.log(
    `  ${target.id} standards ${shape.sections}: import ${round(importMs, 0)} ms, publish ${publishMs === null ? "n/a" : round(publishMs, 0)} ms, ` +
      `diff ${diffMs ?? "n/a"} ms, reads ${reading.requestsPerSec} req/s p99 ${reading.p99Ms} ms`,
  );
  return {
    metrics: {
      sections: shape.sections,
      importMs: round(importMs, 0),
      publishMs: publishMs === null ? null : round(publishMs, 1),
      diffMs,
      diffMaxMs,
      diffSummary: diffModified,
      readers: shape.readers,
      readRequestsPerSec: reading.requestsPerSec,
      readP50Ms: reading.p50Ms,
      readP99Ms: reading.p99Ms,
      outlineP99Ms: reading.outlineP99Ms,
      sectionP99Ms: reading.sectionP99Ms,
      readErrors: reading.errors,
    },
    notes,
  };
}

async function editBodies(target: CodewrightTarget, rooms: string[]): Promise<void> {
  const ledger = new Ledger();
  const editors = rooms.map((room) => ({ room, typist: new Typist(newClientId(), ledger) }));
  const clients = editors.map((e) => new SyncClient({ url: target.url(e.room), framing: target.framing(e.room), typist: e.typist }));
  try {
    const joined = await connectAll(clients, 20);
    if (joined.failures > 0) throw new Error(`editing bodies: ${joined.failures} clients could not join: ${joined.firstError}`);
    for (let k = 0; k < 20; k++) for (const client of clients) client.typeOne(performance.now());
    for (const e of editors) {
      const check = await checkRoom(target, ledger, { room: e.room, typists: [e.typist], probes: [] });
      if (!check.converged) throw new Error(`editing bodies: room ${e.room} did not get every keystroke (${check.lost} missing)`);
    }
  } finally {
    await closeAll(clients);
  }
}

interface ReadResult {
  requestsPerSec: number;
  p50Ms: number | null;
  p99Ms: number | null;
  outlineP99Ms: number | null;
  sectionP99Ms: number | null;
  errors: number;
}

/** `readers` loops, each alternating the outline and a section, for `durationMs`, over keep-alive connections. */
async function readLoad(target: CodewrightTarget, slug: string, ids: string[], readers: number, durationMs: number): Promise<ReadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: readers });
  const base = new URL(target.baseUrl);
  const outline: number[] = [];
  const section: number[] = [];
  let errors = 0;
  const get = (path: string) =>
    new Promise<number>((resolve) => {
      const req = http.request(
        { host: base.hostname, port: base.port, path, agent, headers: { authorization: `Bearer ${target.token}` } },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", () => resolve(0));
      req.end();
    });
  const deadline = performance.now() + durationMs;
  let seed = 7;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: readers }, async (_, r) => {
      let i = r;
      while (performance.now() < deadline) {
        const isOutline = i++ % 2 === 0;
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const path = isOutline ? `/api/standards/${slug}/sections` : `/api/standards/${slug}/sections/${ids[seed % ids.length]}`;
        const start = performance.now();
        const status = await get(path);
        const ms = performance.now() - start;
        if (status !== 200) errors++;
        (isOutline ? outline : section).push(ms);
      }
    }),
  );
  const elapsed = performance.now() - started;
  agent.destroy();
  await sleep(50);
  const both = summarize([...outline, ...section]);
  return {
    requestsPerSec: round(((outline.length + section.length) * 1000) / elapsed, 1),
    p50Ms: both.p50,
    p99Ms: both.p99,
    outlineP99Ms: summarize(outline).p99,
    sectionP99Ms: summarize(section).p99,
    errors,
  };
}
