// Fault injection (issue 15): the real command is killed (SIGKILL) at random points — and inside a journal write,
// forced by the OPTLAB_FAULT_JOURNAL hook of src/util/json-lines.ts — then resumed; the results must be bit for bit
// those of an uninterrupted run. Kill points come from a seeded generator, so every run of the suite is the same.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = resolve("bin/optlab.js");
const root = mkdtempSync(join(tmpdir(), "optlab-faults-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(() => {
  // npm test builds first; a bare `vitest run` of this file builds when the compiled CLI is missing.
  if (!existsSync(resolve("build/src/cli/main.js")))
    execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { stdio: "ignore" });
}, 120_000);

/** mulberry32: a small seeded generator for the kill points. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function runToEnd(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
}

/**
 * Starts the command and kills it with SIGKILL `ms` after `ready()` first holds (polled every 20 ms; default: at
 * once), or lets it end first. Resolves with how it ended.
 */
function killAfter(
  args: string[],
  ms: number,
  ready: () => boolean = () => true,
): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: "ignore" });
    let timer: NodeJS.Timeout | undefined;
    const poll = setInterval(() => {
      if (!ready()) return;
      clearInterval(poll);
      timer = setTimeout(() => child.kill("SIGKILL"), ms);
    }, 20);
    child.on("exit", (code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolvePromise({ killed: signal === "SIGKILL", code });
    });
  });
}

/** Ready once the run holds its folder's lock (it has started writing there). */
const locked = (folder: string) => () => existsSync(join(folder, ".optlab.lock"));

const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);

// ---- mnist ----

const MNIST = [
  "mnist",
  "--optimizers",
  "sgd,adam:lr=0.002",
  "--iterations",
  "700",
  "--batch-size",
  "8",
  "--hidden",
  "8",
  "--eval-every",
  "400",
  "--seeds",
  "2",
  "--workers",
  "1",
  // Not "auto": another build of the kernels may come and go while the suite runs, and the numbers must not.
  "--engine",
  "reference",
];

/** The journal's numbers: every line but the seed timings, in a canonical order. */
function mnistNumbers(folder: string): string[] {
  return readFileSync(join(folder, "mnist-results.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line))
    .map((line) => (line.type === "seed-done" ? { type: "seed-done", seed: line.seed } : line))
    .map((line) => JSON.stringify(line))
    .sort();
}

describe("kill -9 and resume", () => {
  let reference: string[];
  beforeAll(() => {
    const folder = join(root, "mnist-reference");
    const result = runToEnd([...MNIST, "--out", folder]);
    expect(result.status, result.stderr).toBe(0);
    reference = mnistNumbers(folder);
  }, 120_000);

  it("mnist: killed at random points, resumed each time, ends bit-identical", async () => {
    const next = random(15);
    const folder = join(root, "mnist-killed");
    let kills = 0;
    let first = true;
    for (let attempt = 0; attempt < 8; attempt++) {
      const args = [...MNIST, "--out", folder, ...(first ? [] : ["--resume"])];
      const { killed, code } = await killAfter(args, next() * 1500, locked(folder));
      first = false;
      if (!killed) {
        expect(code).toBe(0);
        break;
      }
      kills++;
    }
    const last = runToEnd([...MNIST, "--out", folder, "--resume"]);
    expect(last.status, last.stderr).toBe(0);
    noStack(last.stderr);
    expect(kills).toBeGreaterThan(0);
    expect(mnistNumbers(folder)).toEqual(reference);
  }, 120_000);

  it.each([5])(
    "mnist: killed inside journal append %i, resumes past the cut line bit-identical",
    (n) => {
      const folder = join(root, `mnist-cut-${n}`);
      const cut = runToEnd([...MNIST, "--out", folder], { OPTLAB_FAULT_JOURNAL: String(n) });
      expect(cut.signal).toBe("SIGKILL");
      const text = readFileSync(join(folder, "mnist-results.jsonl"), "utf8");
      expect(text.endsWith("\n")).toBe(false);
      const resumed = runToEnd([...MNIST, "--out", folder, "--resume"]);
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(resumed.stderr).toMatch(/dropped a cut last line \(\d+ bytes\)/);
      expect(resumed.stderr).toMatch(/took over the stale lock of process \d+/);
      noStack(resumed.stderr);
      expect(mnistNumbers(folder)).toEqual(reference);
    },
    120_000,
  );
});

// ---- compare ----

const COMPARE = ["compare", "--quick", "--workers", "1", "--engine", "reference"];

/** results.jsonl without its timings (seconds, ms per step), by run id. */
function compareNumbers(folder: string): string[] {
  return readFileSync(join(folder, "results.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line))
    .map(({ seconds: _s, msPerStep: _m, ...rest }) => JSON.stringify(rest))
    .sort();
}

describe("compare: kill -9 and resume", () => {
  let reference: string[];
  beforeAll(() => {
    const folder = join(root, "compare-reference");
    const result = runToEnd([...COMPARE, "--out", folder]);
    expect(result.status, result.stderr).toBe(0);
    reference = compareNumbers(folder);
  }, 120_000);

  it("killed at a random point and inside a journal append, resumes to the same results", async () => {
    const next = random(42);
    const folder = join(root, "compare-killed");
    const { killed } = await killAfter([...COMPARE, "--out", folder], 500 + next() * 3000, locked(folder));
    expect(killed).toBe(true);
    const cut = runToEnd([...COMPARE, "--out", folder], { OPTLAB_FAULT_JOURNAL: "2" });
    expect(cut.signal).toBe("SIGKILL");
    const resumed = runToEnd([...COMPARE, "--out", folder]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/dropped a cut last line \(\d+ bytes\); that run is redone/);
    expect(resumed.stderr).toMatch(/resuming with \d+ finished runs/);
    noStack(resumed.stderr);
    expect(compareNumbers(folder)).toEqual(reference);
  }, 120_000);
});

// ---- all ----

describe("all: kill -9", () => {
  it("leaves no partial report in --out; the next run takes the stale lock and removes the partial folder", async () => {
    const next = random(7);
    const out = join(root, "all-out");
    const { killed } = await killAfter(
      ["all", "--quick", "--quiet", "--out", out],
      next() * 5000,
      locked(out),
    );
    expect(killed).toBe(true);
    // All or nothing: the report is built beside --out and moved in at the end.
    expect(readdirSync(out)).toEqual([".optlab.lock"]);
    const partials = readdirSync(root).filter((name) => name.startsWith(".all-out.partial-"));
    expect(partials.length).toBe(1);
    // A cheap command that takes the same folder's lock: the stale one is taken over with a note.
    const taken = runToEnd([
      "mnist",
      "--optimizers",
      "sgd",
      "--iterations",
      "2",
      "--hidden",
      "4",
      "--out",
      out,
    ]);
    expect(taken.status, taken.stderr).toBe(0);
    expect(taken.stderr).toMatch(
      /took over the stale lock of process \d+ \("optlab all --quick --quiet --out/,
    );
  }, 60_000);
});
