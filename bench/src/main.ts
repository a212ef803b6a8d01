import { runBench } from "./run";
import type { WorkloadId } from "./workloads/common";

// pnpm bench [--quick] [--servers=a,b] [--workloads=hot-room,idle] [--no-pin] [--out=dir] [--profile=dir] [--sizes=100,200]
const args = process.argv.slice(2);
const value = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const list = (name: string) => value(name)?.split(",").map((s) => s.trim()).filter(Boolean);

const result = await runBench({
  quick: args.includes("--quick"),
  targets: list("servers"),
  workloads: list("workloads") as WorkloadId[] | undefined,
  pin: !args.includes("--no-pin"),
  outDir: value("out"),
  profileDir: value("profile"),
  sizes: list("sizes")?.map(Number),
});
if (result.failures.length) {
  process.stderr.write(`\n${result.failures.length} failure(s):\n${result.failures.map((f) => `  ${f}`).join("\n")}\n`);
  process.exit(1);
}
process.exit(0);
