import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

// The benchmark contract: `--json` prints one object per line with the fields a script compares with a reference
// run. Checks the fields and their types on tiny runs; never a timing.

const root = join(import.meta.dirname, "..");

beforeAll(() => {
  // The benches run compiled (worker threads load JavaScript); build what they import.
  spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: root, stdio: "ignore" });
  execFileSync("npm", ["run", "build:wasm"], { cwd: root, stdio: "ignore" });
}, 300_000);

function jsonLines(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Record<string, unknown>[] {
  const out = execFileSync("node", [join(root, "build", "bench", script), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  const lines = out.split("\n").filter((line) => line.trim() !== "");
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

function expectSpread(value: unknown): void {
  const spread = value as Record<string, unknown>;
  for (const key of ["median", "min", "max"]) expect(typeof spread[key], key).toBe("number");
  expect(spread.min as number).toBeLessThanOrEqual(spread.median as number);
  expect(spread.median as number).toBeLessThanOrEqual(spread.max as number);
}

describe("the benchmarks' JSON lines", () => {
  it("npm run bench -- --json prints one step record per line: workload, optimizer, dtype, engine, threads, n, ms", () => {
    const records = jsonLines("optimizers.js", ["--json", "--only", "sgd,adamw", "--repetitions", "2"]);
    const steps = records.filter((r) => r.workload === "W2");
    // sgd and adamw: plain float32 and float64, SIMD on one thread and on two.
    expect(steps.length).toBe(8);
    for (const record of steps) {
      expect(Object.keys(record).sort()).toEqual(
        ["dtype", "engine", "ms", "n", "optimizer", "threads", "workload"].sort(),
      );
      expect(["float32", "float64"]).toContain(record.dtype);
      expect(["js", "wasm-simd", "wasm-relaxed-simd"]).toContain(record.engine);
      expect([1, 2]).toContain(record.threads);
      expect(record.n).toBe(1_000_000);
      expectSpread(record.ms);
    }
    const muon = records.filter((r) => r.workload === "muon-step");
    // float32 on the kernels at 100×100 and 1024×1024, plain float64 at 100×100.
    expect(muon.map((r) => `${r.engine} ${(r.shape as number[])[0]}`)).toEqual([
      "wasm-simd 100",
      "js 100",
      "wasm-simd 1024",
    ]);
    for (const record of muon) {
      expect(typeof record.gflops).toBe("number");
      expect(typeof record.gemm_peak_gflops).toBe("number");
    }
  }, 300_000);

  it("npm run bench:mnist -- --json prints W1 records (workload, threads, iterations, wall_s, gflops) and step costs", () => {
    const w1 = jsonLines("mnist.js", ["--json", "--only", "short", "--repeat", "1", "--workers", "1"]);
    expect(w1.length).toBe(1);
    expect(w1[0]).toMatchObject({ workload: "W1-short", threads: 1, iterations: 200 });
    expectSpread(w1[0].wall_s);
    expect(typeof w1[0].gflops).toBe("number");
    const costs = jsonLines("mnist.js", ["--json", "--only", "step-cost"], { BENCH_STEP_ITERATIONS: "2" });
    expect(costs.length).toBeGreaterThan(30);
    for (const record of costs) {
      expect(record.workload).toBe("step-cost");
      expectSpread(record.ms);
      expect(typeof (record.ms as { mean?: unknown }).mean).toBe("number");
      expect(typeof record.ratio_to_sgd).toBe("number");
    }
    expect(costs.find((r) => r.optimizer === "sgd")?.ratio_to_sgd).toBe(1);
  }, 300_000);
});
