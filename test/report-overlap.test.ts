import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseStageLine, whereTheTimeWent } from "../src/cli/all.js";
import {
  buildPieces,
  createDocument,
  type ReportContext,
  type ReportPiece,
  type ReportSettings,
  reportPieces,
} from "../src/report/index.js";

// npm start trains MNIST and item 6 on worker threads from the start, beside the 2D pieces (buildPieces). These
// tests check the order it promises, its lines and their summary, and that the numbers are those of the old layout
// (one piece after the other).

const root = mkdtempSync(join(tmpdir(), "optlab-overlap-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function context(name: string): ReportContext {
  return {
    folder: mkdtempSync(join(root, `${name}-`)),
    document: createDocument(),
    runs: new Map(),
    facts: {},
  };
}

const item = (id: string) => ({ id, title: id, caption: "", files: [] });
const later = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe("buildPieces", () => {
  it("builds the quiet pieces first, starts the work, then builds the rest in order; items keep the pieces' order", async () => {
    const events: string[] = [];
    const built = (id: string) => {
      events.push(`build ${id}`);
      return item(id);
    };
    const pieces: ReportPiece[] = [
      { id: "a", build: () => built("a") },
      {
        id: "b",
        start: async () => {
          events.push("start b");
          await later(20);
          events.push("b done");
        },
        build: () => built("b"),
      },
      { id: "c", quiet: true, build: () => built("c") },
    ];
    const lines: string[] = [];
    const items = await buildPieces(pieces, context("order"), (line) => lines.push(line));
    expect(items.map((i) => i.id)).toEqual(["a", "b", "c"]);
    expect(events).toEqual(["build c", "start b", "build a", "b done", "build b"]);
    const stages = lines.map(parseStageLine);
    expect(stages.map((s) => s?.id)).toEqual(["c", "a", "b"]);
    expect(stages[2]?.background?.seconds).toBeGreaterThanOrEqual(0.01);
    expect(stages[2]?.background?.waited).toBeGreaterThanOrEqual(0);
  });

  it("waits for the started work before a failure goes on, and passes the failure of started work on", async () => {
    let settled = false;
    const failing: ReportPiece[] = [
      {
        id: "slow",
        start: async () => {
          await later(30);
          settled = true;
        },
        build: () => item("slow"),
      },
      { id: "broken", build: () => Promise.reject(new Error("boom")) },
    ];
    await expect(buildPieces(failing, context("fail"), () => {})).rejects.toThrow("boom");
    expect(settled).toBe(true);
    const rejected: ReportPiece[] = [
      { id: "a", build: () => item("a") },
      { id: "work", start: () => Promise.reject(new Error("worker failed")), build: () => item("work") },
    ];
    await expect(buildPieces(rejected, context("reject"), () => {})).rejects.toThrow("worker failed");
  });
});

describe("where the time went", () => {
  it("names the work on worker threads by its span and adds the main thread's stages up to the total", () => {
    const stages = [
      "  surface                1.00 s",
      "  mnist                  0.50 s for its files, after 40.00 s on worker threads (30.00 s waited for)",
      "  remedies               0.25 s for its files, after 35.00 s on worker threads (0.00 s waited for)",
      "  report.pdf             3.00 s",
    ].map((line) => parseStageLine(line));
    expect(stages.every((s) => s !== null)).toBe(true);
    const text = whereTheTimeWent(
      stages.filter((s) => s !== null),
      36,
    );
    expect(text).toBe(
      "optlab all: where the 36.0 s went: on worker threads, side by side and beside the main thread: mnist 40.0 s, remedies 35.0 s; on the main thread: waiting for them 30.0 s (83 %), report.pdf 3.0 s (8 %), surface 1.0 s (3 %), mnist files 0.5 s (1 %), remedies files 0.3 s (1 %), setup and moving files 1.3 s (3 %)",
    );
    expect(parseStageLine("  report.pdf             Chromium is not installed")).toBeNull();
  });
});

describe("npm start's trainings beside the other pieces", () => {
  it("gives the numbers of the old layout, one piece after the other (quick plan)", async () => {
    const settings: ReportSettings = { quick: true, mnistSeeds: 1, remedySeeds: 1, log: () => {} };
    const pick = (pieces: ReportPiece[]) => pieces.filter((p) => p.id === "mnist" || p.id === "remedies");
    const side = context("side-by-side");
    await buildPieces(pick(reportPieces(settings)), side, () => {});
    const oneAfterAnother = context("one-after-another");
    const sequential = pick(reportPieces(settings)).map(({ id, build }) => ({ id, build }));
    await buildPieces(sequential, oneAfterAnother, () => {});
    expect(side.facts.mnist).toBeDefined();
    expect(side.facts.remedies?.facts.length).toBe(4);
    expect(side.facts.mnist).toEqual(oneAfterAnother.facts.mnist);
    expect(side.facts.remedies).toEqual(oneAfterAnother.facts.remedies);
    for (const file of ["mnist-curves.json", "mnist-summary.json"])
      expect(readFileSync(join(side.folder, file), "utf8")).toBe(
        readFileSync(join(oneAfterAnother.folder, file), "utf8"),
      );
  }, 120_000);
});
