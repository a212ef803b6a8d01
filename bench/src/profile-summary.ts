// Summarises a V8 CPU profile written by `pnpm bench --profile=DIR`:
//   tsx src/profile-summary.ts FILE            busy % per second, to find the measured window
//   tsx src/profile-summary.ts FILE FROM TO    self time by package and inclusive time of server functions in [FROM, TO] s
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, fromArg, toArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write("usage: profile-summary FILE [FROM_S TO_S]\n");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function category(frame: ProfileNode["callFrame"]): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith("(") ? functionName : `native ${functionName}`;
  if (url.includes("wasm")) return "wasm (PGlite)";
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith("node:")) return "node internals";
  const own = /\/(server|shared)\/src\/(.*)$/.exec(url);
  return own ? `${own[1]}/${own[2]}` : url.split("/").slice(-2).join("/");
}

const from = fromArg === undefined ? 0 : Number(fromArg) * 1e6;
const to = toArg === undefined ? Number.POSITIVE_INFINITY : Number(toArg) * 1e6;
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const busyPerSecond = new Map<number, number>();
let t = 0;
let busy = 0;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i]!;
  const node = nodes.get(profile.samples[i]!)!;
  const dt = profile.timeDeltas[i + 1] ?? 0;
  if (node.callFrame.functionName === "(idle)") continue;
  const second = Math.floor(t / 1e6);
  busyPerSecond.set(second, (busyPerSecond.get(second) ?? 0) + dt);
  if (t < from || t > to) continue;
  busy += dt;
  const key = category(node.callFrame);
  self.set(key, (self.get(key) ?? 0) + dt);
  const seen = new Set<string>();
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const frame = nodes.get(id)!.callFrame;
    const own = /\/(server|shared)\/src\/(.*)$/.exec(frame.url);
    if (!own) continue;
    const name = `${frame.functionName || "(anonymous)"} ${own[1]}/${own[2]}`;
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
  }
}

if (fromArg === undefined) {
  process.stdout.write([...busyPerSecond].map(([s, us]) => `${s}s:${Math.round(us / 1e4)}%`).join(" ") + "\n");
} else {
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)} %`;
  process.stdout.write(`busy ${Math.round(busy / 1000)} ms in ${fromArg}–${toArg} s\n\nself time by package\n`);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) process.stdout.write(`${pct(v)}  ${k}\n`);
  process.stdout.write("\ninclusive time of Codewright functions\n");
  for (const [k, v] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 20)) process.stdout.write(`${pct(v)}  ${k}\n`);
}
