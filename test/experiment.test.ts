import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseExperiment, runExperiment, settingsText } from "../src/lab/experiment.js";
import { createOptimizer } from "../src/optim/index.js";
import { InputRangeError, InputTypeError } from "../src/util/errors.js";

const base = { figure: "trajectories", function: "quadratic", optimizers: ["sgd:lr=0.95"] };

describe("experiment files: validation", () => {
  it("fills in defaults", () => {
    const e = parseExperiment({ figure: "surface", function: "quadratic" });
    expect(e).toMatchObject({
      figure: "surface",
      id: "surface",
      steps: 30,
      layout: "panels",
      optimizers: [],
    });
    expect(e.start).toBeUndefined();
  });

  const cases: [string, unknown, RegExp, typeof InputRangeError | typeof InputTypeError][] = [
    [
      "a document that is not an object",
      [1, 2],
      /^lr\.json must be a JSON object with at least figure and function, got \[1,2\]$/,
      InputTypeError,
    ],
    [
      "an unknown key, with a suggestion",
      { ...base, stpes: 3 },
      /^lr\.json: unknown key "stpes"; did you mean "steps"\?/,
      InputRangeError,
    ],
    [
      "an unknown figure, with a suggestion",
      { ...base, figure: "trajectory" },
      /^lr\.json: unknown figure "trajectory"; did you mean "trajectories"\?/,
      InputRangeError,
    ],
    [
      "steps of 0",
      { ...base, steps: 0 },
      /^lr\.json: steps must be a whole number in \[1, 100000\], got 0$/,
      InputRangeError,
    ],
    [
      "fractional steps",
      { ...base, steps: 2.5 },
      /steps must be a whole number in \[1, 100000\], got 2\.5$/,
      InputRangeError,
    ],
    [
      "a start that is not two numbers",
      { ...base, start: [1] },
      /^lr\.json: start must be \[x, y\], two finite numbers, got \[1\]$/,
      InputTypeError,
    ],
    [
      "a start with a string",
      { ...base, start: [1, "a"] },
      /^lr\.json: start\[1\] must be a finite number, got "a"$/,
      InputTypeError,
    ],
    [
      "a window with low ≥ high",
      { ...base, window: { x: [1, 1], y: [0, 1] } },
      /^lr\.json: window\.x must be \[low, high\] with low < high, got \[1,1\]$/,
      InputRangeError,
    ],
    [
      "no optimizers for a trajectories figure",
      { figure: "trajectories", function: "quadratic" },
      /^lr\.json: optimizers must name at least one optimizer for the trajectories figure, got nothing$/,
      InputRangeError,
    ],
    [
      "an optimizer that is neither a string nor {id, hp}",
      { ...base, optimizers: [3] },
      /^lr\.json: optimizers\[0\] must be "name:key=value,…" or \{ "id": name, "hp": \{ … \} \}, got 3$/,
      InputTypeError,
    ],
    [
      "a missing function",
      { figure: "surface" },
      /^lr\.json: function must be a landscape id or a formula in x and y, got nothing$/,
      InputTypeError,
    ],
    [
      "an unknown layout",
      { ...base, layout: "grid" },
      /^lr\.json: layout must be "panels" or "overlay", got "grid"$/,
      InputRangeError,
    ],
    [
      "a pair index past the optimizers",
      { ...base, pairs: [[0, 1]] },
      /^lr\.json: pairs\[0\]\[1\] must be a whole number in \[0, 0\], got 1$/,
      InputRangeError,
    ],
    [
      "a contour step ≤ 0",
      { ...base, contour: { step: 0 } },
      /^lr\.json: contour\.step must be > 0, got 0$/,
      InputRangeError,
    ],
    [
      "a file name with a slash",
      { ...base, id: "../x" },
      /^lr\.json: id must be a file name of letters/,
      InputRangeError,
    ],
  ];
  for (const [what, document, message, kind] of cases) {
    it(`rejects ${what} with one line naming it`, () => {
      let error: unknown;
      try {
        parseExperiment(document, "lr.json");
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(kind);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain("\n");
    });
  }
});

describe("experiment files: running", () => {
  it("runs SGD exactly as the update rule says, from the given start", () => {
    const run = runExperiment(parseExperiment({ ...base, start: [-7, 2], steps: 5 }));
    // x ← x − 0.95·x/10, y ← y − 0.95·2y, in the same floating-point order as SGD's p − lr·g.
    let [x, y] = [-7, 2];
    const expected: [number, number][] = [[x, y]];
    for (let k = 0; k < 5; k++) {
      [x, y] = [x - 0.95 * (x / 10), y - 0.95 * (2 * y)];
      expected.push([x, y]);
    }
    expect(run.runs[0].points).toEqual(expected);
    expect(run.runs[0].distance).toEqual(expected.map(([a, b]) => Math.sqrt(a * a + b * b)));
    expect(run.runs[0].trajectory.divergence).toBeNull();
  });

  it("uses the landscape's start and domain when none are given", () => {
    const run = runExperiment(parseExperiment({ figure: "surface", function: "quadratic" }));
    expect(run.start).toEqual([-7, 2]);
    expect(run.window).toEqual({ x: [-10, 10], y: [-10, 10] });
  });

  it("records divergence for every learning rate 11 run that leaves the bound", () => {
    const run = runExperiment(parseExperiment({ ...base, optimizers: ["sgd:lr=11"], steps: 30 }));
    // |y| grows 21× a step from 2: above the bound 2e7 at step 6 (2·21⁶ ≈ 1.7e8, 2·21⁵ ≈ 8.2e6).
    expect(run.runs[0].trajectory.divergence?.step).toBe(6);
    expect(run.runs[0].points).toHaveLength(6);
  });

  it("names an unknown function or optimizer", () => {
    expect(() => runExperiment(parseExperiment({ ...base, function: "rosenbrok" }))).toThrow(
      /unknown landscape "rosenbrok"; did you mean "rosenbrock"\?/,
    );
    expect(() => runExperiment(parseExperiment({ ...base, optimizers: ["adma:lr=1"] }))).toThrow(
      /unknown optimizer "adma"; did you mean "adam"\?/,
    );
  });

  it("states every hyperparameter in effect", () => {
    expect(settingsText(createOptimizer("adam:lr=0.3"))).toMatch(/^adam: lr=0\.3, beta1=0\.9, beta2=0\.999/);
  });
});

describe("the seed's experiment files", () => {
  const folder = join(import.meta.dirname, "..", "experiments");
  const files = readdirSync(folder).filter((name) => name.endsWith(".json"));

  it("are all valid, and each one's id is its file name", () => {
    expect(files.length).toBeGreaterThanOrEqual(11);
    for (const name of files) {
      const experiment = parseExperiment(JSON.parse(readFileSync(join(folder, name), "utf8")), name);
      expect(experiment.id).toBe(name.replace(/\.json$/, ""));
    }
  });

  it("hold the seed's settings for the four-optimizer figure", () => {
    const e = parseExperiment(JSON.parse(readFileSync(join(folder, "trajectories.json"), "utf8")));
    expect(e).toMatchObject({
      function: "quadratic",
      start: [-7, 2],
      steps: 30,
      window: { x: [-10, 10], y: [-10, 10] },
    });
    expect(e.contour).toMatchObject({ x: [-10, 10], y: [-5, 5], maskAbove: 7 });
    expect(e.optimizers.map((s) => createOptimizer(s).hp.lr)).toEqual([0.95, 0.1, 1.5, 0.3]);
  });
});
