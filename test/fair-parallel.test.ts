import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type * as ProtocolModule from "../src/lab/protocol.js";
import type { RunResult, RunSpec } from "../src/lab/runspec.js";
import { buildLeaderboard } from "../src/report/leaderboard.js";
import type * as StudyModule from "../src/run/study.js";
import { tinyBenchmark, withoutTimes } from "./fair-tiny.js";

const ROOT = resolve(import.meta.dirname, "..");
const PARALLEL = "/usr/bin/parallel";

/** Both sides run the compiled code (build/), so an edit in src/ that is not built yet cannot make them differ. */
async function built() {
  const protocol = (await import(join(ROOT, "build/src/lab/protocol.js"))) as typeof ProtocolModule;
  const study = (await import(join(ROOT, "build/src/run/study.js"))) as typeof StudyModule;
  return { protocol, study };
}

/** One stage of run specs through GNU parallel: 4 jobs, 2 specs per `optlab run-spec` process. */
function runStage(specs: readonly RunSpec[], folder: string, stage: number): string {
  const input = join(folder, `specs-${stage}.jsonl`);
  const output = join(folder, `results-${stage}.jsonl`);
  writeFileSync(input, specs.map((s) => `${JSON.stringify(s)}\n`).join(""));
  const run = spawnSync(
    PARALLEL,
    [
      "--will-cite",
      "--jobs",
      "4",
      "--pipe",
      "-N",
      "2",
      "--keep-order",
      process.execPath,
      join(ROOT, "bin/optlab.js"),
      "run-spec",
      "-",
    ],
    { input: readFileSync(input), cwd: ROOT, maxBuffer: 1 << 28 },
  );
  expect(run.status, run.stderr.toString()).toBe(0);
  writeFileSync(output, run.stdout);
  return output;
}

describe("a fair-tier study through GNU parallel", () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, "build/src/run/run-worker.js")))
      execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT });
  }, 180_000);

  // Where GNU parallel is installed (.ci/run installs Debian's `parallel` and sets OPTLAB_REQUIRE_PARALLEL=1, so
  // there a missing package fails), every stage of a tiny benchmark runs as 4 parallel jobs of `optlab run-spec`;
  // elsewhere the test says how to install it.
  it("gives the same leaderboard as the in-process run, bit for bit apart from measured times", async () => {
    if (!existsSync(PARALLEL)) {
      if (process.env.OPTLAB_REQUIRE_PARALLEL === "1")
        throw new Error(`${PARALLEL} not found (apt-get install parallel)`);
      console.warn(`skipped: ${PARALLEL} not found; install it with: apt-get install parallel`);
      return;
    }
    const { protocol, study } = await built();
    const config = tinyBenchmark();
    const folder = mkdtempSync(join(tmpdir(), "optlab-parallel-"));

    const files: string[] = [];
    for (let stage = 1; ; stage++) {
      const results = study.readResults(files);
      const specs = protocol.benchmarkRuns(config, results);
      if (specs.length === 0) break;
      expect(stage).toBeLessThanOrEqual(2);
      files.push(runStage(specs, folder, stage));
    }
    const merged = study.readResults(files);

    const inProcess = await study.runPlannedWork(
      { description: config, plan: (r: ReadonlyMap<string, RunResult>) => protocol.benchmarkRuns(config, r) },
      { folder: join(folder, "in-process"), workers: 0 },
    );
    expect([...merged.keys()].sort()).toEqual([...inProcess.keys()].sort());
    for (const [id, result] of inProcess) expect(withoutTimes(merged.get(id)), id).toBe(withoutTimes(result));

    const a = buildLeaderboard(config, merged);
    const b = buildLeaderboard(config, inProcess);
    expect((a.json as { complete: boolean }).complete).toBe(true);
    expect(withoutTimes(a.json)).toBe(withoutTimes(b.json));
  }, 300_000);
});
