import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";

function capture() {
  let stdout = "";
  let stderr = "";
  return {
    io: { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t) },
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

describe("optlab compare --preset", () => {
  it("plans the quick preset's first stage as run specs", async () => {
    const c = capture();
    expect(await main(["compare", "--tier", "fair", "--preset", "quick", "--plan"], c.io)).toBe(0);
    const lines = c.stdout.trim().split("\n");
    // 5 calibration runs + 9 optimizers × (6 trials + 2 defaults runs).
    expect(lines.length).toBe(5 + 9 * 8);
    expect(JSON.parse(lines[0]).id).toBe(
      "fair-quick/mlp-mnist-sample@1:steps=60:eval=10:hidden=16/calibrate/seed=2001",
    );
    expect(c.stderr).toContain("77 runs can start now");
  });

  it("emits a Slurm job array and a Kubernetes Indexed Job with every placeholder filled", async () => {
    for (const [kind, file, marks] of [
      ["slurm", "slurm.sh", ["#SBATCH --array=0-76", "optlab run-spec -", "fair-quick-r0"]],
      ["k8s", "k8s-job.yaml", ["completionMode: Indexed", "completions: 77", "optlab run-spec -"]],
    ] as const) {
      const out = mkdtempSync(join(tmpdir(), "optlab-emit-"));
      const c = capture();
      expect(
        await main(["compare", "--tier", "fair", "--preset", "quick", "--emit", kind, "--out", out], c.io),
      ).toBe(0);
      const text = readFileSync(join(out, file), "utf8");
      for (const mark of marks) expect(text).toContain(mark);
      expect(text).not.toMatch(/\{\{[A-Z]+\}\}/);
      expect(readFileSync(join(out, "specs.jsonl"), "utf8").trim().split("\n").length).toBe(77);
    }
  });

  it("refuses an unknown preset or emitter, and --emit without a preset, in one line", async () => {
    for (const [argv, message] of [
      [["--preset", "huge"], '--preset must be one of quick, laptop, full, got "huge"'],
      [["--preset", "quick", "--emit", "pbs"], '--emit must be slurm or k8s, got "pbs"'],
      [["--emit", "slurm"], "--emit needs --preset quick|laptop|full"],
      [["--tier", "book", "--preset", "quick"], '--preset belongs to the fair tier, got --tier "book"'],
    ] as const) {
      const c = capture();
      expect(await main(["compare", ...argv], c.io)).not.toBe(0);
      expect(c.stderr).toContain(message);
    }
  });
});
