// Journals, locks, checkpoints and worker errors under faults (issue 15, items 3–5, 10, 12): a cut line is
// dropped and reported, a damaged checkpoint is one line, a folder is locked while a run writes it, a user's
// mistake raised inside a worker thread stays a user's mistake.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { encodeCheckpoint, type RunSpec } from "../src/lab/index.js";
import { readResults, runPool, trainPairedInWorkers, workerScriptPath } from "../src/run/index.js";
import { isUserError } from "../src/util/errors.js";
import { parseJsonLines, repairJournal } from "../src/util/json-lines.js";
import { LOCK_FILE, lockFolder } from "../src/util/lock.js";

const root = mkdtempSync(join(tmpdir(), "optlab-journal-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const fresh = () => {
  const folder = join(root, `case-${++folders}`);
  mkdirSync(folder, { recursive: true });
  return folder;
};

function capture(interruptAt?: string) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: (text: string) => {
        if (interruptAt !== undefined && text.includes(interruptAt)) throw new Error("interrupted");
        out.push(text);
      },
      stderr: (text: string) => void err.push(text),
    },
  };
}

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(child.stdout);
}

const SMALL = ["--optimizers", "sgd,adam", "--iterations", "700", "--batch-size", "8", "--hidden", "8"];

describe("folder locks", () => {
  it("refuses a second run in a locked folder, naming the process and the command", () => {
    const folder = fresh();
    const release = lockFolder(folder, "optlab mnist --out x");
    expect(() => lockFolder(folder, "optlab mnist --out x")).toThrow(
      new RegExp(`is in use by process ${process.pid} \\("optlab mnist --out x", since .*\\); wait for it`),
    );
    release();
    expect(existsSync(join(folder, LOCK_FILE))).toBe(false);
    lockFolder(folder, "again")();
  });

  it("takes over the stale lock of a dead process with a note", () => {
    const folder = fresh();
    const pid = deadPid();
    writeFileSync(join(folder, LOCK_FILE), JSON.stringify({ pid, command: "optlab mnist", started: "then" }));
    const notes: string[] = [];
    const release = lockFolder(folder, "optlab mnist", (text) => notes.push(text));
    expect(notes).toEqual([
      `${join(folder, LOCK_FILE)}: took over the stale lock of process ${pid} ("optlab mnist"), which is no longer running`,
    ]);
    expect(JSON.parse(readFileSync(join(folder, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    release();
  });

  it("refuses mnist into a folder another live process writes", async () => {
    const folder = fresh();
    // The parent of this test process is alive for as long as the test runs.
    writeFileSync(
      join(folder, LOCK_FILE),
      JSON.stringify({ pid: process.ppid, command: "optlab mnist --out elsewhere", started: "now" }),
    );
    const c = capture();
    expect(await main(["mnist", ...SMALL, "--out", folder], c.io)).toBe(2);
    expect(c.err.join("")).toMatch(/is in use by process \d+ \("optlab mnist --out elsewhere", since now\)/);
    expect(existsSync(join(folder, "mnist-results.jsonl"))).toBe(false);
  });
});

describe("the mnist journal", () => {
  it("does not discard an interrupted run when rerun without --resume, then resumes it after a cut line", async () => {
    const folder = fresh();
    await expect(main(["mnist", ...SMALL, "--out", folder], capture("iteration:600").io)).rejects.toThrow(
      "interrupted",
    );
    const journal = join(folder, "mnist-results.jsonl");
    const before = readFileSync(journal, "utf8");
    const again = capture();
    expect(await main(["mnist", ...SMALL, "--out", folder], again.io)).toBe(2);
    expect(again.err.join("")).toMatch(
      /holds an interrupted run \(0 of 1 seeds finished\); continue it with --resume/,
    );
    expect(readFileSync(journal, "utf8")).toBe(before);
    // A cut last line, as a kill inside a write leaves it.
    writeFileSync(journal, `${before}{"type":"losses","se`);
    const resumed = capture();
    expect(await main(["mnist", ...SMALL, "--out", folder, "--resume"], resumed.io)).toBe(0);
    expect(resumed.err.join("")).toContain("dropped a cut last line (20 bytes)");
    expect(resumed.out.join("")).toContain("resuming seed 1 after update 500");
  });

  it("answers a damaged checkpoint on --resume in one line", async () => {
    const folder = fresh();
    await expect(main(["mnist", ...SMALL, "--out", folder], capture("iteration:600").io)).rejects.toThrow();
    writeFileSync(join(folder, "mnist-checkpoint.bin"), "garbage that is not a checkpoint");
    const c = capture();
    expect(await main(["mnist", ...SMALL, "--out", folder, "--resume"], c.io)).toBe(2);
    const lines = c.err.join("").trim().split("\n");
    expect(lines.at(-1)).toMatch(
      /--resume: ".*mnist-checkpoint\.bin" is damaged \(not an optlab checkpoint\); remove it/,
    );
  });

  it("refuses a checkpoint whose seed field was damaged instead of silently restarting", async () => {
    const folder = fresh();
    await expect(main(["mnist", ...SMALL, "--out", folder], capture("iteration:600").io)).rejects.toThrow();
    const bytes = encodeCheckpoint({ seed: 7, iteration: 500, batchRandom: [1, 2, 3, 4], networks: [] });
    writeFileSync(join(folder, "mnist-checkpoint.bin"), bytes);
    const c = capture();
    expect(await main(["mnist", ...SMALL, "--out", folder, "--resume"], c.io)).toBe(2);
    expect(c.err.join("")).toMatch(/is damaged \(its seed 7 is not one of the seeds \[1\]\)/);
  });

  it("refuses --resume with other settings, naming the difference", async () => {
    const folder = fresh();
    await expect(main(["mnist", ...SMALL, "--out", folder], capture("iteration:600").io)).rejects.toThrow();
    const c = capture();
    const other = [...SMALL.slice(0, 5), "16", ...SMALL.slice(6)];
    expect(await main(["mnist", ...other, "--out", folder, "--resume"], c.io)).toBe(2);
    expect(c.err.join("")).toMatch(/was made with other settings \(batchSize 8 there, 16 now\)/);
  });

  it('records divergence as "diverged at update k"', async () => {
    const folder = fresh();
    const c = capture();
    const args = [
      "--optimizers",
      "sgd:lr=1e30,adam",
      "--iterations",
      "30",
      "--batch-size",
      "8",
      "--hidden",
      "8",
    ];
    expect(await main(["mnist", ...args, "--out", folder], c.io)).toBe(0);
    const line = c.out.join("").match(/sgd:lr=1e30 diverged at update (\d+) \(seed 1\)/);
    expect(line).not.toBeNull();
    const journal = readFileSync(join(folder, "mnist-results.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(journal).toContainEqual({
      type: "diverged",
      seed: 1,
      optimizer: "sgd:lr=1e30",
      update: Number(line?.[1]),
    });
    expect(journal.some((l) => l.type === "diverged" && l.optimizer === "adam")).toBe(false);
  });
});

describe("JSON-lines journals", () => {
  it("cuts a journal after its last complete line and reports the bytes dropped", () => {
    const path = join(fresh(), "results.jsonl");
    writeFileSync(path, '{"a":1}\n{"b":2}\n{"c":');
    expect(repairJournal(path)).toBe(5);
    expect(readFileSync(path, "utf8")).toBe('{"a":1}\n{"b":2}\n');
    expect(repairJournal(path)).toBe(0);
  });

  it("skips and reports an unparsable middle line of a journal, and refuses it in a user's file", () => {
    const text = '{"a":1}\nnot json\n{"b":2}\n';
    expect(parseJsonLines(text, "j", "journal")).toEqual({
      values: [{ a: 1 }, { b: 2 }],
      droppedBytes: 0,
      skippedLines: [2],
    });
    expect(() => parseJsonLines(text, "j", "strict")).toThrow(/^j:2 is not valid JSON/);
  });
});

describe("compare --merge inputs", () => {
  async function plannedSpec(): Promise<RunSpec> {
    const c = capture();
    expect(await main(["compare", "--quick", "--plan"], c.io)).toBe(0);
    return JSON.parse(c.out.join("").split("\n")[0]) as RunSpec;
  }
  const result = (spec: RunSpec, final: unknown) => ({
    id: spec.id,
    spec,
    status: "ok",
    divergedAt: null,
    curveEvery: 1,
    curve: [2.3, null],
    evaluations: [{ iteration: 1, loss: 2, accuracy: null }],
    final,
    stepsToTarget: null,
    msPerStep: 1,
    seconds: 1,
    finalState: {},
  });

  it("refuses a result line whose final is null, naming the field", async () => {
    const spec = await plannedSpec();
    const file = join(fresh(), "r.jsonl");
    writeFileSync(file, `${JSON.stringify(result(spec, null))}\n`);
    expect(() => readResults([file])).toThrow(
      /r\.jsonl: line 1: final must be an object of final losses and accuracies, got null/,
    );
    const c = capture();
    expect(await main(["compare", "--quick", "--merge", file, "--out", fresh()], c.io)).toBe(2);
    expect(c.err.join("").trim().split("\n")).toHaveLength(1);
  });

  it("reads null (JSON's NaN) back as NaN", async () => {
    const spec = await plannedSpec();
    const file = join(fresh(), "r.jsonl");
    const final = {
      trainBatchLoss: null,
      heldOutLoss: 1,
      heldOutAccuracy: 0.5,
      testLoss: null,
      testAccuracy: null,
      trainLoss: null,
      trainAccuracy: null,
    };
    writeFileSync(file, `${JSON.stringify(result(spec, final))}\n`);
    const read = readResults([file]).get(spec.id);
    expect(read?.final.trainBatchLoss).toBeNaN();
    expect(read?.curve[1]).toBeNaN();
    expect(read?.evaluations[0].accuracy).toBeNaN();
  });
});

describe("worker errors keep their kind", () => {
  const spec = (data: string): RunSpec => ({
    kind: "mnist",
    id: "w1",
    data,
    validation: 0,
    hidden: [4],
    optimizer: { id: "sgd", hp: {} },
    seed: 1,
    iterations: 1,
    batchSize: 2,
    evalEvery: 0,
    test: false,
    trainEval: 0,
    target: 0,
  });

  it.each([0, 1])("a user error inside the pool (workers %i) is still a user error", async (workers) => {
    const missing = join(root, "no-such-data");
    let caught: unknown;
    try {
      await runPool([spec(missing)], { workers, onResult: () => {} });
    } catch (error) {
      caught = error;
    }
    expect(isUserError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/--data must be a folder of IDX files/);
  });

  it("a user error inside an mnist worker thread is still a user error", async () => {
    const script = workerScriptPath();
    expect(script).not.toBeNull();
    const set = { count: 2, rows: 2, cols: 2, pixels: new Float32Array(8), labels: new Uint8Array([0, 1]) };
    let caught: unknown;
    try {
      await trainPairedInWorkers({
        script: script as string,
        workers: 1,
        specs: ["adam:beta1=2"],
        config: { inputSize: 4, hiddenSizes: [2], outputSize: 10, activation: "relu", weightDecayLambda: 0 },
        data: { name: "tiny", description: "tiny", classes: 10, train: set, test: set },
        module: null,
        plan: { seed: 1, iterations: 1, batchSize: 1, evalEvery: 0, checkpointEvery: 0 },
        callbacks: {},
      });
    } catch (error) {
      caught = error;
    }
    expect(isUserError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/beta1/);
  });
});
