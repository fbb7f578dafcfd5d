import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import type { RunResult, RunSpec } from "../src/lab/runspec.js";
import { runPool } from "../src/run/pool.js";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "");
/** What a run computed, without the wall-clock fields. */
const numbers = (r: RunResult) => ({
  id: r.id,
  curve: r.curve,
  evaluations: r.evaluations,
  final: r.final,
  status: r.status,
});

describe("optlab compare", () => {
  beforeAll(() => {
    // Worker threads run the compiled worker script.
    if (!existsSync(new URL("../build/src/run/run-worker.js", import.meta.url))) {
      execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], {
        cwd: new URL("..", import.meta.url).pathname,
      });
    }
  }, 120_000);

  it("runs the fair tier end to end (quick) and writes every table and figure of the report", async () => {
    const dir = mkdtempSync(join(tmpdir(), "optlab-compare-"));
    const { io, out } = capture();
    expect(await main(["compare", "--tier", "fair", "--quick", "--workers", "0", "--out", dir], io)).toBe(0);
    expect(out.join("")).toMatch(/compare: report in .*compare\.md \(74 runs\)/);
    const report = readFileSync(join(dir, "compare.md"), "utf8");
    for (const heading of [
      "## MNIST, fair tier",
      "### Fairness ledger",
      "### Caveats",
      "Item 6 of the homework",
      "Train–test gap",
      "## The 2D landscapes",
    ]) {
      expect(report).toContain(heading);
    }
    expect(report).not.toContain("INCOMPLETE");
    for (const id of [
      "fair-quick-curves",
      "fair-quick-lr-sensitivity",
      "fair-quick-steps-to-target",
      "fair-performance-profile",
      "fair-stability-quadratic",
      "fair-basin-himmelblau",
      "remedies-quick-curves",
    ]) {
      for (const ext of ["svg", "png", "json"])
        expect(existsSync(join(dir, `${id}.${ext}`)), `${id}.${ext}`).toBe(true);
    }
    const json = JSON.parse(readFileSync(join(dir, "compare.json"), "utf8"));
    expect(json.complete).toBe(true);
    expect(json.sections[0].summaries.map((s: { label: string }) => s.label)).toEqual([
      "sgd",
      "momentum",
      "nesterov",
      "adagrad",
      "rmsprop",
      "adam",
    ]);
    // Every optimizer had the same tuning budget.
    expect(new Set(json.sections[0].summaries.map((s: { trials: number }) => s.trials)).size).toBe(1);
  }, 120_000);

  it("splits a study into run specs, runs them anywhere, merges them back with the same numbers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "optlab-compare-"));
    const plan = capture();
    expect(await main(["compare", "--tier", "book", "--quick", "--plan"], plan.io)).toBe(0);
    const specs = lines(plan.out.join(""));
    expect(specs).toHaveLength(12); // 6 optimizers × 2 seeds
    writeFileSync(join(dir, "a.jsonl"), `${specs.slice(0, 5).join("\n")}\n`);
    writeFileSync(join(dir, "b.jsonl"), `${specs.slice(5).join("\n")}\n`);
    const results: string[] = [];
    for (const part of ["a", "b"]) {
      const run = capture();
      expect(await main(["run-spec", join(dir, `${part}.jsonl`), "--workers", "0"], run.io)).toBe(0);
      writeFileSync(join(dir, `${part}-results.jsonl`), run.out.join(""));
      results.push(...lines(run.out.join("")));
    }
    // Results come out in input order.
    expect(results.map((r) => JSON.parse(r).id)).toEqual(specs.map((s) => JSON.parse(s).id));
    const again = capture();
    expect(
      await main(
        [
          "compare",
          "--tier",
          "book",
          "--quick",
          "--plan",
          join(dir, "a-results.jsonl"),
          join(dir, "b-results.jsonl"),
        ],
        again.io,
      ),
    ).toBe(0);
    expect(again.out.join("")).toBe("");
    const merged = capture();
    const mergedDir = join(dir, "merged");
    expect(
      await main(
        [
          "compare",
          "--tier",
          "book",
          "--quick",
          "--merge",
          join(dir, "b-results.jsonl"),
          join(dir, "a-results.jsonl"),
          "--out",
          mergedDir,
        ],
        merged.io,
      ),
    ).toBe(0);
    expect(readFileSync(join(mergedDir, "compare.md"), "utf8")).not.toContain("INCOMPLETE");

    // The same study in one process gives the same numbers, bit for bit (paired seeds, deterministic runs).
    const whole = join(dir, "whole");
    expect(
      await main(["compare", "--tier", "book", "--quick", "--workers", "0", "--out", whole], capture().io),
    ).toBe(0);
    const byId = (path: string) =>
      new Map(lines(readFileSync(path, "utf8")).map((l) => [JSON.parse(l).id, numbers(JSON.parse(l))]));
    expect(byId(join(mergedDir, "results.jsonl"))).toEqual(byId(join(whole, "results.jsonl")));
  }, 120_000);

  it("resumes an interrupted study without redoing finished runs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "optlab-compare-"));
    expect(
      await main(["compare", "--tier", "book", "--quick", "--workers", "0", "--out", dir], capture().io),
    ).toBe(0);
    const finished = lines(readFileSync(join(dir, "results.jsonl"), "utf8"));
    // Keep 7 finished runs and half of an eighth line, as a kill in mid-write would.
    writeFileSync(
      join(dir, "results.jsonl"),
      `${finished.slice(0, 7).join("\n")}\n${finished[7].slice(0, 40)}`,
    );
    const resumed = capture();
    expect(
      await main(["compare", "--tier", "book", "--quick", "--workers", "0", "--out", dir], resumed.io),
    ).toBe(0);
    expect(resumed.err.join("")).toContain("resuming with 7 finished runs");
    expect(resumed.err.join("")).toContain("stage 1: 5 runs");
  }, 120_000);

  it("runs specs on worker threads with the same results as in this thread", async () => {
    const plan = capture();
    await main(["compare", "--tier", "book", "--quick", "--plan"], plan.io);
    const specs = lines(plan.out.join(""))
      .slice(0, 3)
      .map((l) => JSON.parse(l) as RunSpec);
    const threaded: RunResult[] = [];
    const inline: RunResult[] = [];
    await runPool(specs, { workers: 2, onResult: (r) => threaded.push(r) });
    await runPool(specs, { workers: 0, onResult: (r) => inline.push(r) });
    const sorted = (rs: RunResult[]) => [...rs].sort((a, b) => a.id.localeCompare(b.id)).map(numbers);
    expect(sorted(threaded)).toEqual(sorted(inline));
  }, 120_000);

  it("answers bad flags and bad files in one line with exit 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "optlab-compare-"));
    const cases: [string[], string][] = [
      [["compare", "--tier", "fast"], 'optlab compare: --tier must be book or fair, got "fast"\n'],
      [["compare", "--seeds", "0"], 'optlab compare: --seeds must be a whole number in [1, 100], got "0"\n'],
      [
        ["compare", "--merge"],
        "optlab compare: --merge needs result files (JSON lines from optlab run-spec)\n",
      ],
      [
        ["compare", "--engine", "gpu"],
        'optlab compare: --engine must be auto, wasm or reference, got "gpu"\n',
      ],
    ];
    for (const [argv, message] of cases) {
      const c = capture();
      expect(await main(argv, c.io)).toBe(2);
      expect(c.err.join("")).toBe(message);
    }
    writeFileSync(join(dir, "bad.jsonl"), '{"kind":"mnist","id":"x"}\nnot json\n');
    const c = capture();
    expect(await main(["run-spec", join(dir, "bad.jsonl")], c.io)).toBe(2);
    expect(c.err.join("")).toMatch(
      new RegExp(`^optlab run-spec: ${join(dir, "bad.jsonl")}:2 is not valid JSON: .*\\n$`),
    );
    writeFileSync(join(dir, "bad2.jsonl"), '{"kind":"mnist","id":"x","data":"mnist"}\n');
    const d = capture();
    expect(await main(["run-spec", join(dir, "bad2.jsonl")], d.io)).toBe(2);
    expect(d.err.join("")).toBe(
      `optlab run-spec: ${join(dir, "bad2.jsonl")}:1: run spec: validation must be a whole number in [0, 1000000], got nothing\n`,
    );
  });
});
