import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createTrajectoryRunner, defaultBound, iterateAt, runTrajectory } from "../src/lab/index.js";
import { getLandscape, type Landscape } from "../src/landscapes/index.js";
import { createOptimizer, type FloatArray, type Optimizer, type OptimizerMeta } from "../src/optim/index.js";

/** The book's SGD, p ← p − lr·g, written here so the protocol is tested independently of src/optim. */
function plainSgd(lr: number): Optimizer {
  return {
    id: "plain-sgd",
    hp: { lr },
    meta: {} as OptimizerMeta,
    init: () => ({}),
    step(p: FloatArray, g: FloatArray) {
      for (let i = 0; i < p.length; i++) p[i] -= lr * g[i];
    },
  };
}

/** An optimizer that writes NaN into coordinate 0 at its `at`-th call. */
function breaksAt(at: number): Optimizer {
  return {
    id: "breaks",
    hp: {},
    meta: {} as OptimizerMeta,
    init: () => ({ t: 0 }),
    step(p: FloatArray, _g: FloatArray, state) {
      state.t = (state.t as number) + 1;
      if (state.t === at) p[0] = Number.NaN;
    },
  };
}

interface GoldenCase {
  id: string;
  options: Record<string, number>;
  start: number[];
  steps: number;
  params: number[][];
  loss: number[];
}
const golden = JSON.parse(
  readFileSync(new URL("./fixtures/golden-trajectories.json", import.meta.url), "utf8"),
) as {
  cases: GoldenCase[];
};
const seedCase = (name: string) => golden.cases.find((c) => c.id === `quadratic/textbook/${name}/seed`)!;

const quadratic = getLandscape("quadratic");

describe("runTrajectory", () => {
  it("follows the golden protocol: the book's SGD seed run is reproduced bit for bit", () => {
    const c = seedCase("SGD");
    const t = runTrajectory({
      optimizer: plainSgd(c.options.lr),
      landscape: quadratic,
      start: c.start,
      steps: c.steps,
    });
    expect(t.stepsRun).toBe(30);
    expect(t.divergence).toBeNull();
    expect(t.iterates).toHaveLength(31 * 2);
    expect(Array.from(t.iterates)).toEqual(c.params.flat());
    expect(Array.from(t.loss)).toEqual(c.loss);
    // gradNorm[k] = ‖(x/10, 2y)‖ at iterate k
    c.params.forEach(([x, y], k) => {
      expect(t.gradNorm[k]).toBe(Math.sqrt((x / 10) ** 2 + (2 * y) ** 2));
    });
  });

  it.each(["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam"])(
    "replays the book's %s seed run with src/optim within the golden tolerance",
    (name) => {
      const c = seedCase(name);
      // The book's option names (decay_rate, …) are accepted by createOptimizer as foreign spellings.
      const optimizer = createOptimizer({ id: name.toLowerCase(), hp: c.options });
      const t = runTrajectory({ optimizer, landscape: "quadratic", steps: c.steps });
      c.params.flat().forEach((expected, i) => {
        expect(Math.abs(t.iterates[i] - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected) + 1e-12);
      });
    },
  );

  it("uses the landscape's start by default and accepts an id or a formula", () => {
    const byId = runTrajectory({ optimizer: plainSgd(0.001), landscape: "rosenbrock", steps: 3 });
    expect(iterateAt(byId, 0)).toEqual([-1.5, 2]);
    const byFormula = runTrajectory({
      optimizer: plainSgd(0.1),
      landscape: "x^2 + y^2",
      start: [1, 2],
      steps: 1,
    });
    // (1, 2) − 0.1·(2, 4) = (0.8, 1.6)
    expect(iterateAt(byFormula, 1)).toEqual([0.8, 1.6]);
    expect(byFormula.landscapeId).toBe("formula");
    expect(byFormula.optimizerId).toBe("plain-sgd");
  });

  it("stops out of bound and keeps only the accepted iterates", () => {
    // lr 1.5 on y² flips and doubles y: y_k = 2·(−2)^k. The default bound for [-10, 10]² is 1e6·20 = 2e7,
    // first exceeded at k = 24 (|y_24| = 2^25 = 33 554 432).
    expect(defaultBound(quadratic)).toBe(2e7);
    const t = runTrajectory({ optimizer: plainSgd(1.5), landscape: quadratic, start: [-7, 2], steps: 100 });
    expect(t.divergence).toEqual({ step: 24, reason: "out-of-bound", value: 33554432, coordinate: 1 });
    expect(t.stepsRun).toBe(23);
    expect(t.iterates).toHaveLength(24 * 2);
    expect(t.loss).toHaveLength(24);
    expect(t.gradNorm).toHaveLength(24);
    expect(iterateAt(t, 23)[1]).toBe(-16777216);
    expect(t.iterates.every(Number.isFinite)).toBe(true);
  });

  it("stops at the first non-finite loss when the bound is disabled", () => {
    // |y_k| = 2^(k+1); y² overflows to Infinity once 2k + 2 ≥ 1024, i.e. at k = 511.
    const t = runTrajectory({
      optimizer: plainSgd(1.5),
      landscape: quadratic,
      start: [-7, 2],
      steps: 2000,
      bound: Number.POSITIVE_INFINITY,
    });
    expect(t.divergence).toEqual({
      step: 511,
      reason: "non-finite",
      value: Number.POSITIVE_INFINITY,
      coordinate: null,
    });
    expect(t.stepsRun).toBe(510);
  });

  it("stops at the first non-finite coordinate", () => {
    const t = runTrajectory({ optimizer: breaksAt(3), landscape: quadratic, steps: 10 });
    expect(t.divergence).toEqual({ step: 3, reason: "non-finite", value: Number.NaN, coordinate: 0 });
    expect(t.stepsRun).toBe(2);
    expect(t.iterates).toHaveLength(6);
  });

  it("runs in float32 when asked, rounding the start and every update", () => {
    const t = runTrajectory({
      optimizer: plainSgd(0.1),
      landscape: quadratic,
      start: [0.1, 0.3],
      steps: 5,
      dtype: "float32",
    });
    let x = Math.fround(0.1);
    let y = Math.fround(0.3);
    expect(iterateAt(t, 0)).toEqual([x, y]);
    for (let k = 1; k <= 5; k++) {
      const gx = Math.fround(x / 10);
      const gy = Math.fround(2 * y);
      x = Math.fround(x - Math.fround(0.1 * gx));
      y = Math.fround(y - Math.fround(0.1 * gy));
      expect(iterateAt(t, k)).toEqual([x, y]);
      expect(t.loss[k]).toBe(quadratic.f([x, y]));
    }
    expect(t.dtype).toBe("float32");
  });

  it("handles the 50-coordinate quadratic", () => {
    const l = getLandscape("quadratic50");
    const t = runTrajectory({ optimizer: plainSgd(0.01), landscape: l, steps: 10 });
    expect(t.dim).toBe(50);
    expect(t.iterates).toHaveLength(11 * 50);
    expect(t.loss[10]).toBeLessThan(t.loss[0]);
  });

  const bad: [string, Partial<Parameters<typeof runTrajectory>[0]>, string][] = [
    ["zero steps", { steps: 0 }, "trajectory: steps must be a whole number in [1, 1000000], got 0"],
    ["fractional steps", { steps: 2.5 }, "trajectory: steps must be a whole number in [1, 1000000], got 2.5"],
    [
      "too many steps",
      { steps: 1_000_001 },
      "trajectory: steps must be a whole number in [1, 1000000], got 1000001",
    ],
    ["a short start", { start: [1] }, "trajectory: start must have 2 coordinates for quadratic, got 1"],
    [
      "a NaN start",
      { start: [1, Number.NaN] },
      "trajectory: start[1] must be a finite number within ±20000000, got NaN",
    ],
    [
      "a start beyond the bound",
      { start: [1, 5], bound: 4 },
      "trajectory: start[1] must be a finite number within ±4, got 5",
    ],
    ["a zero bound", { bound: 0 }, "trajectory: bound must be a number > 0, got 0"],
    [
      "a bad dtype",
      { dtype: "float16" as "float32" },
      'trajectory: dtype must be "float64" or "float32", got "float16"',
    ],
    [
      "an unknown landscape",
      { landscape: "rosenbrok" },
      'unknown landscape "rosenbrok"; did you mean "rosenbrock"?',
    ],
    [
      "a missing optimizer",
      { optimizer: undefined },
      "trajectory: optimizer must be an optimizer instance, got nothing",
    ],
  ];

  it.each(bad)("rejects %s with a one-line user error", (_, change, message) => {
    const options = {
      optimizer: plainSgd(0.1),
      landscape: quadratic as Landscape | string,
      steps: 5,
      ...change,
    };
    expect(() => runTrajectory(options as Parameters<typeof runTrajectory>[0])).toThrow(message);
  });

  it("limits (steps + 1) × dim to keep memory bounded", () => {
    expect(() =>
      runTrajectory({ optimizer: plainSgd(0.1), landscape: getLandscape("quadratic50"), steps: 1_000_000 }),
    ).toThrow(
      "trajectory: (steps + 1) × dim must be at most 10000000, got 50000050 (quadratic50 has 50 coordinates)",
    );
  });
});

describe("what the landscape notes promise", () => {
  const settlesIn = (landscapeId: string, spec: string, point: number[]) => {
    const t = runTrajectory({ optimizer: createOptimizer(spec), landscape: landscapeId, steps: 300 });
    const last = iterateAt(t, t.stepsRun);
    return t.divergence === null && Math.hypot(last[0] - point[0], last[1] - point[1]) < 1e-3;
  };

  it("nndl from (−1, 1): SGD, AdaGrad, RMSprop and Adam settle in (0, 0); momentum and Nesterov escape", () => {
    for (const spec of ["sgd:lr=0.1", "adagrad:lr=0.3", "rmsprop:lr=0.02", "adam:lr=0.05"]) {
      expect(settlesIn("nndl", spec, [0, 0])).toBe(true);
    }
    for (const spec of ["momentum:lr=0.05", "nesterov:lr=0.05"]) {
      const t = runTrajectory({ optimizer: createOptimizer(spec), landscape: "nndl", steps: 300 });
      expect(t.divergence?.reason).toBe("out-of-bound");
    }
  });

  it("two-well from its start: SGD ends in the right, poorer well and the others in the left one", () => {
    const [left, right] = getLandscape("two-well").minima.map((m) => [...m.point]);
    expect(settlesIn("two-well", "sgd:lr=0.01", right)).toBe(true);
    for (const spec of ["momentum:lr=0.01", "adagrad:lr=0.5", "rmsprop:lr=0.01", "adam:lr=0.05"]) {
      expect(settlesIn("two-well", spec, left)).toBe(true);
    }
  });

  it("plateau: SGD barely moves from the start while Adam reaches the well", () => {
    const sgd = runTrajectory({
      optimizer: createOptimizer("sgd:lr=0.01"),
      landscape: "plateau",
      steps: 300,
    });
    // |∇f| ≈ 4.1e-4 at the start: 300 steps of 0.01·|∇f| move less than 0.0013.
    expect(Math.hypot(sgd.iterates[600] + 3.5, sgd.iterates[601] - 2.5)).toBeLessThan(0.0013);
    expect(settlesIn("plateau", "adam:lr=0.05", [0, 0])).toBe(true);
  });
});

describe("createTrajectoryRunner", () => {
  it("gives the same numbers as runTrajectory while reusing its buffers", () => {
    const runner = createTrajectoryRunner();
    const options = { optimizer: createOptimizer("adam:lr=0.3"), landscape: quadratic, steps: 300 };
    const reference = runTrajectory(options);
    const first = runner.run(options);
    expect(Array.from(first.iterates)).toEqual(Array.from(reference.iterates));
    expect(Array.from(first.loss)).toEqual(Array.from(reference.loss));
    const second = runner.run({ ...options, steps: 50, optimizer: plainSgd(0.95) });
    expect(second.iterates.buffer).toBe(first.iterates.buffer);
    expect(second.iterates).toHaveLength(51 * 2);
    expect(Array.from(second.iterates)).toEqual(
      Array.from(runTrajectory({ ...options, steps: 50, optimizer: plainSgd(0.95) }).iterates),
    );
  });

  it("reports divergence like runTrajectory and recovers on the next run", () => {
    const runner = createTrajectoryRunner();
    const diverged = runner.run({ optimizer: plainSgd(1.5), landscape: quadratic, steps: 100 });
    expect(diverged.divergence?.step).toBe(24);
    expect(diverged.iterates).toHaveLength(48);
    const fine = runner.run({
      optimizer: plainSgd(0.001),
      landscape: "rosenbrock",
      steps: 100,
      dtype: "float32",
    });
    expect(fine.divergence).toBeNull();
    expect(fine.stepsRun).toBe(100);
  });
});
