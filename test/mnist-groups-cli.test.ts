import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) } };
}

describe("optlab mnist with groups and schedules", () => {
  it("trains a groups network under --schedule, says which layers got what, and journals the lr factor", async () => {
    const folder = mkdtempSync(join(tmpdir(), "optlab-groups-"));
    folders.push(folder);
    const c = capture();
    const code = await main(
      [
        "mnist",
        "--optimizers",
        "adam:lr=0.002",
        "--groups",
        "hidden=muon:lr=0.02 | rest=adamw:lr=1e-3",
        "--schedule",
        "warmup-cosine:warmup=3",
        "--iterations",
        "12",
        "--batch-size",
        "16",
        "--hidden",
        "16,16",
        "--eval-every",
        "0",
        "--workers",
        "1",
        "--out",
        folder,
      ],
      c.io,
    );
    expect(code).toBe(0);
    const notes = c.err.join("");
    expect(notes).toContain(
      "groups(hidden=muon:lr=0.02 | rest=adamw:lr=1e-3) @ warmup-cosine:warmup=3: adamw on input W1 (784×16); bias b1, b2, b3; output W3 (16×10) — muon lr=0.02 on hidden W2 (16×16); schedule warmup-cosine:warmup=3 as a factor on every group's lr",
    );
    const lines = readFileSync(join(folder, "mnist-results.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines[0].optimizers).toEqual([
      "adam:lr=0.002 @ warmup-cosine:warmup=3",
      "groups(hidden=muon:lr=0.02 | rest=adamw:lr=1e-3) @ warmup-cosine:warmup=3",
    ]);
    const chunks = lines.filter((l) => l.type === "losses");
    const adam = chunks.find((l) => l.optimizer.startsWith("adam"));
    const groups = chunks.find((l) => l.optimizer.startsWith("groups"));
    expect(adam.lr[0]).toBe(0);
    expect(adam.lr[3]).toBe(0.002); // the peak after 3 warmup updates
    expect(groups.lrFactor[3]).toBe(1);
    expect(groups.lr).toBeUndefined();
  });

  it("refuses Muon on the biases and a bad schedule before any work, one line each", async () => {
    const c = capture();
    expect(await main(["mnist", "--groups", "bias=muon | rest=adamw", "--out", "/nonexistent/x"], c.io)).toBe(
      2,
    );
    expect(c.err.join("")).toMatch(
      /groups: muon cannot update bias b1 \(shape \[100\]\): it updates 2-D weight matrices only; give the biases to adamw/,
    );
    const d = capture();
    expect(
      await main(["mnist", "--optimizers", "sgd", "--schedule", "cosin", "--out", "/nonexistent/x"], d.io),
    ).toBe(2);
    expect(d.err.join("")).toMatch(/unknown schedule "cosin"; did you mean "cosine"\?/);
    expect(d.err.join("").trim().split("\n")).toHaveLength(1);
  });

  it("documents --schedule, --groups and the @ form in --help", async () => {
    const c = capture();
    await main(["mnist", "--help"], c.io);
    const help = c.out.join("");
    expect(help).toMatch(/--schedule SPEC/);
    expect(help).toMatch(/--groups SPEC/);
    expect(help).toContain("'adamw:lr=1e-3 @ warmup-cosine:warmup=100'");
  });
});
