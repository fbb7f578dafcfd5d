import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import type { GoldenDocument } from "../src/lab/golden.js";

const fixture = new URL("./fixtures/golden-trajectories.json", import.meta.url).pathname;
const golden = JSON.parse(readFileSync(fixture, "utf8")) as GoldenDocument;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

describe("optlab replay", () => {
  it("recomputes all 254 visible cases within the golden tolerance", async () => {
    const dir = mkdtempSync(join(tmpdir(), "optlab-replay-"));
    const target = join(dir, "replayed.json");
    const { io, err } = capture();
    expect(await main(["replay", fixture, "--out", target], io)).toBe(0);
    expect(err.join("")).toMatch(
      /^replayed 254 of 254 cases\nmatched the reference in 254 of 254 cases within 1e-9·\|ref\| \+ 1e-12 \(worst [\d.e-]+ of the tolerance\)\n$/,
    );
    const replayed = JSON.parse(readFileSync(target, "utf8")) as GoldenDocument;
    expect(replayed.cases).toHaveLength(254);
    let worst = 0;
    replayed.cases.forEach((c, index) => {
      const expected = golden.cases[index];
      expect(c.id).toBe(expected.id);
      const reference = (expected.params as number[][]).flat();
      const pairs: [number, number][] = [
        ...(c.params as number[][]).flat().map((x, i) => [x, reference[i]] as [number, number]),
        ...(c.loss as number[]).map((x, i) => [x, (expected.loss as number[])[i]] as [number, number]),
      ];
      for (const [actual, reference] of pairs) {
        worst = Math.max(worst, Math.abs(actual - reference) / (1e-9 * Math.abs(reference) + 1e-12));
      }
    });
    expect(worst).toBeLessThanOrEqual(1);
  });

  it("says which cases differ from the reference numbers it was given, and exits 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "optlab-replay-"));
    const input = join(dir, "tampered.json");
    const [first, second] = golden.cases;
    const tampered = {
      ...second,
      loss: (second.loss as number[]).map((v, i) => (i === 3 ? v * (1 + 1e-6) : v)),
    };
    writeFileSync(input, JSON.stringify({ ...golden, cases: [first, tampered] }));
    const { io, err } = capture();
    expect(await main(["replay", input, "--out", join(dir, "out.json")], io)).toBe(1);
    expect(err.join("")).toContain(`matched the reference in 1 of 2 cases`);
    expect(err.join("")).toContain(`differ: ${second.id}`);
    const out = JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as GoldenDocument;
    expect(out.cases.map((c) => (c.match as { matched: boolean }).matched)).toEqual([true, false]);
  });

  it("keeps going past cases it cannot run, marks them with an error and exits 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "optlab-replay-"));
    const input = join(dir, "mixed.json");
    const good = golden.cases[0];
    writeFileSync(
      input,
      JSON.stringify({
        ...golden,
        cases: [
          { ...good, optimizer: "Adagradd" },
          {
            ...good,
            id: "bad-option",
            family: "torch",
            optimizer: "Adam",
            options: { lr: 0.1, turbo: true },
          },
          { ...good, id: "bad-function", function: "moon" },
          good,
        ],
      }),
    );
    const { io, out, err } = capture();
    expect(await main(["replay", input], io)).toBe(1);
    const replayed = JSON.parse(out.join("")) as GoldenDocument;
    expect(replayed.cases.map((c) => c.error)).toEqual([
      'unknown textbook optimizer "Adagradd"; did you mean "AdaGrad"? (expected one of: SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam)',
      'torch-adam: unknown hyperparameter "turbo" (expected one of: lr, beta1, beta2, eps, weightDecay, amsgrad, maximize, decoupledWeightDecay)',
      'unknown function "moon" (expected one of: quadratic, rosenbrock, beale, himmelblau, saddle, quadratic50)',
      undefined,
    ]);
    expect(replayed.cases[0].params).toBeUndefined();
    expect(replayed.cases[3].params).toEqual(good.params);
    expect(err.join("")).toBe(
      'replayed 1 of 4 cases; 3 could not run (see their "error" field)\n' +
        "matched the reference in 1 of 1 cases within 1e-9·|ref| + 1e-12 (worst 0.0 of the tolerance)\n",
    );
  });

  it("names a missing or malformed input file in one line and exits 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "optlab-replay-"));
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{ not json");
    let c = capture();
    expect(await main(["replay", join(dir, "nope.json")], c.io)).toBe(2);
    expect(c.err.join("")).toBe(
      `optlab replay: cannot read golden document "${join(dir, "nope.json")}": no such file\n`,
    );
    c = capture();
    expect(await main(["replay", broken], c.io)).toBe(2);
    expect(c.err.join("")).toMatch(
      new RegExp(`^optlab replay: golden document "${broken}" is not valid JSON: .*\\n$`),
    );
    c = capture();
    expect(await main(["replay", broken, "--speed", "3"], c.io)).toBe(2);
    expect(c.err.join("")).toBe("optlab replay: Unknown option '--speed' (see optlab replay --help)\n");
    expect(readdirSync(dir)).toEqual(["broken.json"]);
  });

  it("runs as a real process from the installed bin without a stack trace on user errors", () => {
    const bin = new URL("../bin/optlab.js", import.meta.url).pathname;
    if (!existsSync(new URL("../build/src/cli/main.js", import.meta.url))) {
      execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], {
        cwd: new URL("..", import.meta.url).pathname,
      });
    }
    const result = spawnSync(process.execPath, [bin, "replay", "/nonexistent/golden.json"], {
      encoding: "utf8",
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'optlab replay: cannot read golden document "/nonexistent/golden.json": no such file\n',
    );
  });
});
