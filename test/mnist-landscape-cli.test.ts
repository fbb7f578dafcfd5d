import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

describe("optlab figure mnist-landscape", () => {
  it("trains the runs, slices the loss on their plane and writes the figure with every path", async () => {
    const out = mkdtempSync(join(tmpdir(), "optlab-slice-"));
    const { io, err } = capture();
    const args = ["figure", "mnist-landscape", "--iterations", "20", "--grid", "5", "--images", "50"];
    expect(await main([...args, "--snapshots", "4", "--engine", "reference", "--out", out], io)).toBe(0);
    for (const suffix of [".svg", ".png", ".json"])
      expect(existsSync(join(out, `mnist-landscape${suffix}`))).toBe(true);
    const data = JSON.parse(readFileSync(join(out, "mnist-landscape.json"), "utf8"));
    expect(data.slice.paths.map((p: { label: string }) => p.label)).toEqual([
      "1. sgd",
      "2. momentum",
      "3. adagrad",
      "4. adam",
    ]);
    expect(data.slice.values).toHaveLength(25);
    // Every path starts at the shared start: the plane's (1, 0).
    for (const path of data.slice.paths) {
      expect(path.points[0][0]).toBeCloseTo(1, 6);
      expect(path.points[0][1]).toBeCloseTo(0, 6);
    }
    expect(err.join("")).toMatch(/mnist-landscape: slice 5\/5/);
  }, 120_000);

  it("refuses a bad mode or a plane through one run in one line, exit 2", async () => {
    let c = capture();
    expect(await main(["figure", "mnist-landscape", "--mode", "pca"], c.io)).toBe(2);
    expect(c.err.join("")).toBe('optlab figure: --mode must be plane or random, got "pca"\n');
    c = capture();
    expect(await main(["figure", "mnist-landscape", "--optimizers", "adam"], c.io)).toBe(2);
    expect(c.err.join("")).toMatch(/--mode plane needs at least two optimizers/);
  });
});
