import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runTrajectory } from "../src/lab/trajectory.js";
import { createLeastSquares, lsq33, lsq35, lsq43 as lsq43Builtin } from "../src/landscapes/least-squares.js";
import { quadratic } from "../src/landscapes/quadratic.js";
import { rosenbrock } from "../src/landscapes/rosenbrock.js";
import {
  createOptimizer,
  type FloatArray,
  type Optimizer,
  type OptimizerState,
  restoreState,
  saveState,
} from "../src/optim/index.js";
import { newtonSchulz } from "../src/optim/muon.js";
import {
  createSchedule,
  parseScheduleSpec,
  restoreScheduleState,
  type ScheduleSpec,
  saveScheduleState,
  scheduleIds,
  scheduleSequence,
  scheduleValues,
} from "../src/optim/schedules/index.js";
import { isUserError } from "../src/util/errors.js";

fc.configureGlobal({ seed: 20261201, numRuns: 40 });

const golden = JSON.parse(readFileSync(new URL("./fixtures/golden-v2.json", import.meta.url), "utf8")) as {
  functions: Record<string, { X: unknown; Y: unknown; W0: unknown }>;
  cases: { id: string; values?: number[] }[];
};
const lsq43 = createLeastSquares("lsq43", golden.functions.lsq43);

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(isUserError(error), String(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error("expected an error");
}

/**
 * Each schedule at settings that make it the identity, given the lr η and a few structural numbers it may use freely
 * (lengths, milestones): every value it produces must be η itself, bit for bit.
 */
function identity(id: string, lr: number, n: number): ScheduleSpec {
  const ones = Array.from({ length: 400 }, () => 1);
  const table: Record<string, Record<string, unknown>> = {
    constant: { value: lr },
    linear: { initValue: lr, endValue: lr, transitionSteps: n, transitionBegin: 3 },
    polynomial: { initValue: lr, endValue: lr, power: 2, transitionSteps: n },
    exponential: { initValue: lr, transitionSteps: n, decayRate: 1 },
    cosine: { initValue: lr, decaySteps: n, alpha: 1 },
    "warmup-constant": { initValue: lr, peakValue: lr, warmupSteps: n },
    "warmup-cosine": { initValue: lr, peakValue: lr, warmupSteps: n, decaySteps: 2 * n, endValue: lr },
    "warmup-exponential": { initValue: lr, peakValue: lr, warmupSteps: n, transitionSteps: 5, decayRate: 1 },
    "piecewise-constant": {
      initValue: lr,
      boundariesAndScales: [
        [n, 1],
        [2 * n, 1],
      ],
    },
    "piecewise-interpolate": {
      interpolateType: "cosine",
      initValue: lr,
      boundariesAndScales: [
        [n, 1],
        [2 * n, 1],
      ],
    },
    "linear-onecycle": { transitionSteps: 2 * n, peakValue: lr, divFactor: 1, finalDivFactor: 1 },
    "cosine-onecycle": { transitionSteps: 2 * n, peakValue: lr, divFactor: 1, finalDivFactor: 1 },
    join: {
      schedules: [
        { id: "constant", options: { value: lr } },
        { id: "cosine", options: { initValue: lr, decaySteps: n, alpha: 1 } },
      ],
      boundaries: [n],
    },
    sgdr: {
      cosineKwargs: [1, 2].map(() => ({
        initValue: lr,
        peakValue: lr,
        warmupSteps: 2,
        decaySteps: n + 3,
        endValue: lr,
      })),
    },
    wsd: { initValue: lr, peakValue: lr, endValue: lr, warmupSteps: 3, stableSteps: n, decaySteps: n },
    "step-lr": { stepSize: n, gamma: 1 },
    "multistep-lr": { milestones: [n, n, 2 * n], gamma: 1 },
    "constant-lr": { factor: 1, totalIters: n },
    "linear-lr": { startFactor: 1, endFactor: 1, totalIters: n },
    "exponential-lr": { gamma: 1 },
    "polynomial-lr": { totalIters: n, power: 0 },
    "cosine-annealing-lr": { tMax: n, etaMin: lr },
    "cosine-warm-restarts": { t0: n, tMult: 2, etaMin: lr },
    "cyclic-lr": { baseLr: lr, maxLr: lr, stepSizeUp: n, cycleMomentum: false },
    "onecycle-lr": { maxLr: lr, totalSteps: 400, divFactor: 1, finalDivFactor: 1, cycleMomentum: false },
    "sequential-lr": {
      schedulers: [
        { id: "linear-lr", options: { startFactor: 1, endFactor: 1, totalIters: n } },
        { id: "exponential-lr", options: { gamma: 1 } },
      ],
      milestones: [n],
    },
    chained: {
      schedulers: [
        { id: "constant-lr", options: { factor: 1, totalIters: n } },
        { id: "step-lr", options: { stepSize: n, gamma: 1 } },
      ],
    },
    "reduce-on-plateau": { patience: 1000 },
    "lambda-lr": { lrLambda: ones },
    "multiplicative-lr": { lrLambda: ones },
  };
  return { id, options: table[id] };
}

function run(optimizer: Optimizer, steps: number, schedule?: ScheduleSpec) {
  return runTrajectory({
    optimizer,
    landscape: rosenbrock,
    steps,
    schedule,
    bound: Number.POSITIVE_INFINITY,
  });
}

describe("schedules", () => {
  it("every schedule at its identity settings is the constant lr, bit for bit", () => {
    const ids = scheduleIds();
    fc.assert(
      fc.property(
        fc.double({ min: 1e-5, max: 2e-3, noNaN: true }),
        fc.integer({ min: 2, max: 40 }),
        fc.constantFrom(...ids),
        (lr, n, id) => {
          const plain = run(createOptimizer({ id: "torch-sgd", hp: { lr, momentum: 0.9 } }), 60);
          const scheduled = run(
            createOptimizer({ id: "torch-sgd", hp: { lr, momentum: 0.9 } }),
            60,
            identity(id, lr, n),
          );
          expect(Array.from(scheduled.lr ?? []), id).toEqual(new Array(60).fill(lr));
          expect(Array.from(scheduled.iterates), id).toEqual(Array.from(plain.iterates));
        },
      ),
    );
    // The identity table covers the whole registry.
    for (const id of ids) expect(identity(id, 0.1, 5).options, id).toBeDefined();
  });

  it("saving a run with its schedule to JSON and resuming equals the uninterrupted run, for every schedule", () => {
    // Non-trivial settings for each (the identity ones would hide a lost counter).
    const specs: ScheduleSpec[] = [
      ...scheduleIds().map((id) => identity(id, 1e-4, 7)),
      { id: "warmup-cosine", options: { peakValue: 2e-4, warmupSteps: 5, decaySteps: 40, endValue: 1e-5 } },
      { id: "wsd", options: { peakValue: 2e-4, warmupSteps: 4, stableSteps: 10, decaySteps: 20 } },
      { id: "cyclic-lr", options: { baseLr: 1e-5, maxLr: 2e-4, stepSizeUp: 6, mode: "triangular2" } },
      { id: "onecycle-lr", options: { maxLr: 2e-4, totalSteps: 40, threePhase: true } },
      { id: "cosine-warm-restarts", options: { t0: 5, tMult: 2, etaMin: 1e-5 } },
      { id: "reduce-on-plateau", options: { patience: 1, factor: 0.5, cooldown: 2, threshold: 0.2 } },
      {
        id: "sequential-lr",
        options: {
          schedulers: [
            { id: "linear-lr", options: { startFactor: 0.1, totalIters: 6 } },
            { id: "cosine-annealing-lr", options: { tMax: 10 } },
          ],
          milestones: [6],
        },
      },
    ];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 39 }), fc.constantFrom(...specs), (split, spec) => {
        const steps = 40;
        const make = () => createOptimizer({ id: "torch-sgd", hp: { lr: 1e-4, momentum: 0.9 } });
        const uninterrupted = run(make(), steps, spec);
        // The same loop by hand, stopped after `split` steps and resumed from JSON.
        const optimizer = make();
        const schedule = createSchedule(spec, { lr: 1e-4, steps });
        const p = Float64Array.from(rosenbrock.start);
        const g = new Float64Array(2);
        let state: OptimizerState = optimizer.init(2);
        let scheduleState = schedule.init(state);
        for (let k = 1; k <= steps; k++) {
          if (k === split + 1) {
            state = restoreState(optimizer, JSON.parse(JSON.stringify(saveState(optimizer, state, 2))));
            scheduleState = restoreScheduleState(
              schedule,
              JSON.parse(JSON.stringify(saveScheduleState(schedule, scheduleState))),
            );
          }
          const before = rosenbrock.f(p);
          schedule.apply(scheduleState, state);
          rosenbrock.grad(p, g);
          optimizer.step(p, g, state);
          schedule.advance(scheduleState, before);
        }
        expect(Array.from(p), spec.id).toEqual(Array.from(uninterrupted.iterates.subarray(2 * steps)));
      }),
    );
  });

  it("WSD: a 1 − √p cooldown, hand-derived, and the linear one equals optax's join of its three pieces", () => {
    const wsd = createSchedule("wsd:peak=0.1,warmup=10,stable=20,decay=16");
    const v = scheduleValues(wsd, 50);
    // warmup: (0 − 0.1)·(1 − 5/10) + 0.1 = 0.05
    expect(v[5]).toBe(0.05);
    expect(v[10]).toBe(0.1);
    expect(v[29]).toBe(0.1);
    // c = 34: p = (34 − 10 − 20)/16 = 0.25, √p = 0.5: (0.1 − 0)·(1 − 0.5) + 0 = 0.05
    expect(v[34]).toBe(0.05);
    // c = 42: p = 0.75, 1 − √0.75 = 0.1339745962155614: 0.1·that = 0.01339745962155614
    expect(v[42]).toBeCloseTo(0.01339745962155614, 17);
    expect(v[46]).toBe(0);
    const linear = createSchedule("wsd:peak=0.1,warmup=20,stable=140,decay=40,cooldown=linear");
    const join = golden.cases.find((c) => c.id === "schedule/optax/join_schedules/wsd_via_join_schedules");
    expect(scheduleValues(linear, 200)).toEqual(join?.values);
  });

  it("the CLI form fills the peak and the length from the run, and accepts torch and optax names", () => {
    const schedule = createSchedule(parseScheduleSpec("warmup-cosine:warmup=100"), {
      lr: 0.003,
      steps: 1000,
    });
    expect(schedule.spec).toEqual({
      id: "warmup-cosine",
      options: {
        initValue: 0,
        peakValue: 0.003,
        warmupSteps: 100,
        decaySteps: 1000,
        endValue: 0,
        exponent: 1,
      },
    });
    expect(createSchedule("CosineAnnealingLR:T_max=50").spec.options).toEqual({ tMax: 50, etaMin: 0 });
    expect(createSchedule("optax.exponential_decay:init_value=1,transition_steps=2,decay_rate=0.5").id).toBe(
      "exponential",
    );
    expect(createSchedule("multistep-lr:milestones=[3,5],gamma=0.5").spec.options.milestones).toEqual([3, 5]);
    // torch's OneCycleLR: epochs × steps_per_epoch when total_steps is None.
    expect(
      createSchedule({
        name: "OneCycleLR",
        options: { max_lr: 0.1, total_steps: null, epochs: 3, steps_per_epoch: 7 },
      }).spec.options.totalSteps,
    ).toBe(21);
  });

  it("torch's CosineAnnealingLR climbs back after T_max while optax's cosine stays at its floor", () => {
    const sgd = createOptimizer("torch-sgd:lr=0.1");
    const t = runTrajectory({
      optimizer: sgd,
      landscape: quadratic,
      steps: 21,
      schedule: "cosine-annealing-lr:steps=10",
    });
    const lr = Array.from(t.lr ?? []);
    // Step k uses epoch k − 1: 0.1 at step 1, ≈ 0 at step 11 (epoch 10), back to ≈ 0.1 at step 21 (epoch 20).
    expect(lr[0]).toBe(0.1);
    expect(lr[10]).toBeLessThan(1e-15);
    expect(lr[20]).toBeCloseTo(0.1, 15);
    const optax = scheduleValues(createSchedule("cosine:init=0.1,steps=10"), 21);
    expect(optax[20]).toBe(0);
  });

  it("explains bad schedules in one line", () => {
    expect(messageOf(() => createSchedule("warmup-cosin"))).toMatch(
      /^unknown schedule "warmup-cosin"; did you mean "warmup-cosine"\? \(expected one of: constant, linear/,
    );
    expect(messageOf(() => createSchedule("warmup-cosine:warmup=10", { lr: 0.1 }))).toBe(
      "warmup-cosine: decaySteps is required (or attach it to a run of known length)",
    );
    expect(messageOf(() => createSchedule("step-lr:step=0"))).toBe(
      "step-lr: stepSize must be a whole number >= 1, got 0",
    );
    expect(messageOf(() => createSchedule("step-lr:step=3,gama=0.5"))).toBe(
      'step-lr: unknown option "gama"; did you mean "gamma"? (expected one of: stepSize, gamma)',
    );
    expect(messageOf(() => createSchedule("warmup-cosine:warmup=10,steps=10,peak=1"))).toBe(
      "warmup-cosine: decaySteps must be > warmupSteps, got 10 <= 10",
    );
    expect(messageOf(() => createSchedule("reduce-on-plateau:factor=1"))).toBe(
      "reduce-on-plateau: factor must be a number in (0, 1), got 1",
    );
    const lion = createOptimizer("lion");
    expect(messageOf(() => createSchedule("cyclic-lr:base=0.001,max=0.01,up=5").init(lion.init(2)))).toBe(
      "cyclic-lr: cycleMomentum needs an optimizer with momentum or beta1 (torch-sgd, torch-rmsprop, torch-adam, adamw, nadam, radam, adamax); set cycleMomentum=false",
    );
    expect(
      messageOf(() =>
        runTrajectory({
          optimizer: createOptimizer("adamw"),
          landscape: quadratic,
          steps: 12,
          schedule: "onecycle-lr:max=0.1,steps=10",
        }),
      ),
    ).toBe(
      "onecycle-lr: stepped 11 times, more than totalSteps = 10; make totalSteps at least the run's steps",
    );
  });

  it("a schedule's sequence without an optimizer is what a run records", () => {
    const spec = "onecycle-lr:max=0.01,steps=30,three_phase=true";
    const t = runTrajectory({
      optimizer: createOptimizer("torch-adam:lr=0.01"),
      landscape: quadratic,
      steps: 30,
      schedule: spec,
    });
    const { lr, momentum } = scheduleSequence(createSchedule(spec), 30, { lr: 0.01, beta1: 0.9 });
    expect(lr).toEqual(Array.from(t.lr ?? []));
    expect(momentum).toEqual(Array.from(t.momentum ?? []));
    // ReduceLROnPlateau on a plateau (constant metric): the first reduction at the (patience + 2)-th step.
    const plateau = scheduleSequence(createSchedule("reduce-on-plateau:patience=2"), 6, { lr: 1 });
    expect(plateau.lr).toEqual([1, 1, 1, 1, 0.1, 0.1]);
  });

  it("CyclicLR cycles β₁ of every torch Adam-family optimizer and μ of RMSprop; at equal ends it changes nothing", () => {
    for (const [spec, m] of [
      ["nadam:lr=0.01", 0.9],
      ["radam:lr=0.01", 0.9],
      ["adamax:lr=0.01", 0.9],
      ["torch-adam:lr=0.01", 0.9],
      ["adamw:lr=0.01", 0.9],
      ["torch-rmsprop:lr=0.001,momentum=0.5", 0.5],
    ] as const) {
      const flat = `cyclic-lr:base=${spec.includes("0.001") ? 0.001 : 0.01},max=${spec.includes("0.001") ? 0.001 : 0.01},up=3,base_momentum=${m},max_momentum=${m}`;
      const plain = runTrajectory({ optimizer: createOptimizer(spec), landscape: rosenbrock, steps: 30 });
      const cycled = runTrajectory({
        optimizer: createOptimizer(spec),
        landscape: rosenbrock,
        steps: 30,
        schedule: flat,
      });
      expect(Array.from(cycled.momentum ?? []), spec).toEqual(new Array(30).fill(m));
      expect(Array.from(cycled.iterates), spec).toEqual(Array.from(plain.iterates));
      const moving = runTrajectory({
        optimizer: createOptimizer(spec),
        landscape: rosenbrock,
        steps: 30,
        schedule: "cyclic-lr:base=0.0001,max=0.001,up=3,base_momentum=0.3,max_momentum=0.6",
      });
      expect(Math.min(...(moving.momentum ?? [])), spec).toBeCloseTo(0.3, 12);
    }
  });

  it("a function schedule drives Schedule-Free one count ahead too: warmup-constant ≡ its built-in warmup", () => {
    for (const id of ["schedule-free-adamw", "schedule-free-sgd"]) {
      const builtIn = runTrajectory({
        optimizer: createOptimizer({ id, hp: { lr: 0.01, warmupSteps: 7 } }),
        landscape: quadratic,
        steps: 20,
      });
      const driven = runTrajectory({
        optimizer: createOptimizer({ id, hp: { lr: 0.01 } }),
        landscape: quadratic,
        steps: 20,
        schedule: "warmup-constant:peak=0.01,warmup=7",
      });
      expect(Array.from(driven.iterates), id).toEqual(Array.from(builtIn.iterates));
      expect(Array.from(driven.evaluation?.iterates ?? []), id).toEqual(
        Array.from(builtIn.evaluation?.iterates ?? []),
      );
    }
  });

  it("CyclicLR gives torch SGD without momentum a momentum, as torch does", () => {
    const t = runTrajectory({
      optimizer: createOptimizer("torch-sgd:lr=0.01"),
      landscape: quadratic,
      steps: 5,
      schedule: "cyclic-lr:base=0.001,max=0.01,up=2",
    });
    // e = 0: momentum = maxMomentum = 0.9; e = 1: h = 0.5 → 0.9 − (0.9 − 0.8)·0.5 = 0.85 (0.8500000000000001 in
    // doubles, 0.9 − 0.8 = 0.09999999999999998); e = 2: h = 1 → 0.9 − 0.09999999999999998 = 0.8.
    expect(Array.from(t.momentum ?? []).slice(0, 3)).toEqual([0.9, 0.9 - (0.9 - 0.8) * 0.5, 0.8]);
    // lr = base + (max − base)·h·f: 0.001, 0.001 + 0.009·0.5, 0.01.
    expect(Array.from(t.lr ?? []).slice(0, 3)).toEqual([
      0.001,
      0.001 + (0.01 - 0.001) * 0.5 * 1,
      0.001 + (0.01 - 0.001) * 1 * 1,
    ]);
  });
});

/** A random orthogonal n×n matrix: a product of Givens rotations with the given angles. */
function orthogonal(n: number, angles: number[]): Float64Array {
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  let a = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const c = Math.cos(angles[a % angles.length]);
      const s = Math.sin(angles[a++ % angles.length]);
      for (let k = 0; k < n; k++) {
        const x = q[i * n + k];
        const y = q[j * n + k];
        q[i * n + k] = c * x - s * y;
        q[j * n + k] = s * x + c * y;
      }
    }
  }
  return q;
}

describe("least-squares matrix objectives", () => {
  it("the built-in lsq43, lsq35 and lsq33 are the golden file's, value and gradient bit for bit", () => {
    for (const builtin of [lsq43Builtin, lsq35, lsq33]) {
      const fromFile = createLeastSquares(builtin.id, golden.functions[builtin.id]);
      expect(builtin.start).toEqual(fromFile.start);
      expect(builtin.shape).toEqual(fromFile.shape);
      const p = Float64Array.from(builtin.start, (x, i) => x + 0.01 * i);
      const a = new Float64Array(builtin.dim);
      const b = new Float64Array(builtin.dim);
      builtin.grad(p, a);
      fromFile.grad(p, b);
      expect(builtin.f(p)).toBe(fromFile.f(p));
      expect(Array.from(a)).toEqual(Array.from(b));
    }
  });

  it("the gradient Xᵀ(XW − Y) matches central differences", () => {
    const p = Float64Array.from(lsq35.start);
    const g = new Float64Array(lsq35.dim);
    lsq35.grad(p, g);
    const h = 1e-6;
    for (let i = 0; i < lsq35.dim; i++) {
      const up = Float64Array.from(p);
      const down = Float64Array.from(p);
      up[i] += h;
      down[i] -= h;
      // f is quadratic: the central difference is exact up to rounding (≈ 1e-10 here).
      expect(Math.abs((lsq35.f(up) - lsq35.f(down)) / (2 * h) - g[i])).toBeLessThan(1e-8);
    }
  });
});

describe("torch.optim additions", () => {
  it("Muon with a momentum buffer that is already orthogonal steps exactly along it", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        (rows, cols, angles, nesterov) => {
          // Rows orthonormal (wide) or columns orthonormal (tall): the first rows/cols of an orthogonal matrix.
          const big = Math.max(rows, cols);
          const q = orthogonal(big, angles);
          const u = new Float64Array(rows * cols);
          for (let i = 0; i < rows; i++) {
            for (let j = 0; j < cols; j++) u[i * cols + j] = rows <= cols ? q[i * big + j] : q[j * big + i];
          }
          const muon = createOptimizer({ id: "muon", hp: { lr: 0.02, weightDecay: 0, nesterov } });
          const state = muon.init(rows * cols, "float64", [rows, cols]);
          (state.b as Float64Array).set(u);
          const p = new Float64Array(rows * cols);
          // G = B = U: the EMA and the Nesterov mix both leave U unchanged (B + w·0, G + μ·0).
          muon.step(p, u, state);
          // The update is −η·s·NS(U) with NS(U) = σ·U (every singular value is the same): parallel to −U.
          let dot = 0;
          let pp = 0;
          for (let i = 0; i < p.length; i++) {
            dot += p[i] * u[i];
            pp += p[i] * p[i];
          }
          const k = Math.min(rows, cols);
          // cos(angle between the step and −U) = −dot/(‖p‖·‖U‖), ‖U‖ = √k.
          expect(-dot / Math.sqrt(pp * k)).toBeGreaterThan(1 - 1e-12);
        },
      ),
    );
  });

  it("Newton–Schulz of a 1×1 matrix, hand-derived", () => {
    // U = [2]: X = 2/max(2, ε) = 1; one step: A = 1, B = b + c = −4.775 + 2.0315 = −2.7435, X = 3.4445 − 2.7435 = 0.701.
    const out = new Float64Array(1);
    const scratch = {
      x: new Float64Array(1),
      y: new Float64Array(1),
      a: new Float64Array(1),
      m: new Float64Array(1),
    };
    newtonSchulz([2], 1, 1, [3.4445, -4.775, 2.0315], 1, 1e-7, out, scratch);
    expect(out[0]).toBeCloseTo(0.701, 15);
  });

  it("Muon on a parameter that is not a matrix says what to do instead", () => {
    const muon = createOptimizer("muon");
    expect(messageOf(() => muon.init(5, "float64", [5]))).toBe(
      "muon: updates 2-D weight matrices only, got shape [5] (5 numbers); give biases, gains, embeddings and the output layer to adamw (a parameter group), or pass shape [1, 5] to treat it as a 1×5 matrix",
    );
    expect(messageOf(() => muon.init(6, "float64", [2, 2]))).toBe(
      "muon: shape [2,2] does not hold 6 numbers (rows × cols must be 6)",
    );
  });

  it("checks every new hyperparameter at construction, in torch's spelling too", () => {
    expect(messageOf(() => createOptimizer("muon:ns_steps=100"))).toBe(
      "muon: nsSteps must be a whole number in [0, 100), got 100",
    );
    expect(messageOf(() => createOptimizer("muon:momentum=1"))).toBe(
      "muon: momentum must be in [0, 1), got 1",
    );
    expect(messageOf(() => createOptimizer({ id: "muon", hp: { adjust_lr_fn: "sqrt" } }))).toBe(
      'muon: adjust_lr_fn must be "original" or "match_rms_adamw" or null, got "sqrt"',
    );
    expect(
      createOptimizer("torch.optim.Muon:adjust_lr_fn=match_rms_adamw,ns_coefficients=[1,2,3]").hp,
    ).toMatchObject({
      matchRmsAdamw: true,
      nsA: 1,
      nsB: 2,
      nsC: 3,
    });
    expect(messageOf(() => createOptimizer("rprop:etas=[1,1.2]"))).toBe(
      "rprop: etaMinus must be in (0, 1), got 1",
    );
    expect(messageOf(() => createOptimizer("rprop:etas=[0.5]"))).toBe(
      "rprop: etas must be a list [etaMinus, etaPlus], got [0.5]",
    );
    expect(messageOf(() => createOptimizer("rprop:step_sizes=[1,0.1]"))).toBe(
      "rprop: stepSizeMin must be <= stepSizeMax, got 1 > 0.1",
    );
    expect(messageOf(() => createOptimizer("asgd:lambd=-1"))).toBe("asgd: lambda must be >= 0, got -1");
    expect(messageOf(() => createOptimizer("torch-adafactor:beta2_decay=0.5"))).toBe(
      "torch-adafactor: beta2Decay must be <= 0, got 0.5",
    );
    expect(createOptimizer("torch.Adafactor:eps=[None,0.01]").hp).toMatchObject({
      eps1: 2 ** -52,
      eps2: 0.01,
    });
    expect(messageOf(() => createOptimizer("lbfgs:max_iter=0"))).toBe(
      "lbfgs: maxIter must be a whole number >= 1, got 0",
    );
    expect(messageOf(() => createOptimizer({ id: "lbfgs", hp: { line_search_fn: "wolfe" } }))).toBe(
      'lbfgs: line_search_fn must be "strong_wolfe" or null, got "wolfe"',
    );
    // torch: max_eval = None → max_iter·5//4.
    expect(createOptimizer("torch.LBFGS:max_iter=3,line_search_fn=strong_wolfe").hp).toMatchObject({
      maxEval: 3,
      strongWolfe: true,
    });
  });

  it("ASGD records its averaged iterate as the evaluation point; L-BFGS its evaluations per step", () => {
    const asgd = runTrajectory({
      optimizer: createOptimizer("asgd:lr=0.1,t0=5"),
      landscape: quadratic,
      steps: 20,
    });
    const evaluation = asgd.evaluation;
    expect(evaluation).not.toBeNull();
    // Until t > t₀ the average is a copy of θ; afterwards it lags behind.
    expect(Array.from(evaluation?.iterates.subarray(0, 12) ?? [])).toEqual(
      Array.from(asgd.iterates.subarray(0, 12)),
    );
    expect(evaluation?.iterates[40]).not.toBe(asgd.iterates[40]);
    const lbfgs = runTrajectory({
      optimizer: createOptimizer("lbfgs:line_search_fn=strong_wolfe"),
      landscape: rosenbrock,
      steps: 3,
    });
    expect(lbfgs.evaluations?.length).toBe(3);
    for (const e of lbfgs.evaluations ?? []) expect(e).toBeGreaterThanOrEqual(1);
  });

  it("saving to JSON and resuming equals an uninterrupted run, for every new optimizer (matrices and closures too)", () => {
    const cases: { spec: string; shape?: [number, number] }[] = [
      { spec: "muon:lr=0.02", shape: [4, 3] },
      { spec: "muon:lr=0.02,nesterov=false,adjust_lr_fn=match_rms_adamw" },
      { spec: "torch-adafactor:lr=0.03", shape: [4, 3] },
      { spec: "torch-adafactor:lr=0.03,weight_decay=0.1" },
      { spec: "rprop:lr=0.01" },
      { spec: "asgd:lr=0.05,t0=3" },
      { spec: "lbfgs:lr=0.5,history_size=3" },
      { spec: "lbfgs:line_search_fn=strong_wolfe,max_iter=4" },
    ];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 11 }), fc.constantFrom(...cases), (split, { spec, shape }) => {
        const steps = 12;
        const optimizer = createOptimizer(spec);
        const evaluate = (point: FloatArray, gradient: FloatArray) => {
          lsq43.grad(point, gradient);
          return lsq43.f(point);
        };
        const go = (resumeAt: number) => {
          const p = Float64Array.from(lsq43.start);
          const g = new Float64Array(p.length);
          let state = optimizer.init(p.length, "float64", shape);
          for (let k = 1; k <= steps; k++) {
            if (k === resumeAt) {
              state = restoreState(
                optimizer,
                JSON.parse(JSON.stringify(saveState(optimizer, state, p.length, "float64", shape))),
              );
            }
            if (optimizer.stepWithObjective !== undefined) optimizer.stepWithObjective(p, evaluate, state);
            else {
              lsq43.grad(p, g);
              optimizer.step(p, g, state);
            }
          }
          return Array.from(p);
        };
        expect(go(split + 1), spec).toEqual(go(-1));
      }),
    );
  });

  it("Rprop's first step is ±lr per coordinate and then grows by η₊, hand-derived", () => {
    const rprop = createOptimizer("rprop:lr=0.1");
    const state = rprop.init(2);
    const p = Float64Array.from([1, -1]);
    // g = (2, −3): prev = 0 → factor 1, Δ = 0.1: θ = (1 − 0.1, −1 + 0.1) = (0.9, −0.9)
    rprop.step(p, Float64Array.from([2, -3]), state);
    expect(Array.from(p)).toEqual([0.9, -0.9]);
    // g = (1, 4): signs (+, −) vs prev (+, −)·… → s = (+1, −1): Δ = (0.12, 0.05); the second coordinate does not move.
    rprop.step(p, Float64Array.from([1, 4]), state);
    expect(Array.from(p)).toEqual([0.9 - 0.1 * 1.2, -0.9]);
    expect(Array.from(state.stepSize as Float64Array)).toEqual([0.1 * 1.2, 0.05]);
  });

  it("first steps of Adafactor, ASGD and L-BFGS, hand-derived", () => {
    // Adafactor, vector θ = (3, 4), g = (2, −1), lr 0.01: t = 1, w = 1^−0.8 = 1 so V = g² and U = g/|g| = (1, −1);
    // rms(U) = 1 → no clipping; ρ = min(0.01, 1/√1) = 0.01; α = max(1e-3, ‖θ‖/√2)·ρ = (5/√2)·0.01.
    const adafactor = createOptimizer("torch-adafactor:lr=0.01");
    const pa = Float64Array.from([3, 4]);
    adafactor.step(pa, Float64Array.from([2, -1]), adafactor.init(2));
    const alpha = (5 / Math.sqrt(2)) * 0.01;
    expect(pa[0]).toBeCloseTo(3 - alpha, 15);
    expect(pa[1]).toBeCloseTo(4 + alpha, 15);
    // ASGD, θ = (1, −2), g = (0.5, 0.5), lr 0.1, λ 0.5: θ·(1 − 0.5·0.1) − 0.1·g = (0.95 − 0.05, −1.9 − 0.05);
    // then η = 0.1/(1 + 0.5·0.1·1)^0.75 for the next step.
    const asgdOptimizer = createOptimizer("asgd:lr=0.1,lambd=0.5");
    const asgdState = asgdOptimizer.init(2);
    const pb = Float64Array.from([1, -2]);
    asgdOptimizer.step(pb, Float64Array.from([0.5, 0.5]), asgdState);
    expect(pb[0]).toBeCloseTo(0.9, 15);
    expect(pb[1]).toBeCloseTo(-1.95, 15);
    expect(asgdState.eta).toBeCloseTo(0.1 / 1.05 ** 0.75, 15);
    // L-BFGS, one iteration (max_iter = 1, no line search) on f = x²/20 + y² from (−7, 2): g = (−0.7, 4),
    // d = −g, τ = min(1, 1/‖g‖₁)·lr = 1/4.7; θ = (−7 + 0.7/4.7, 2 − 4/4.7); one evaluation.
    const lbfgsOptimizer = createOptimizer("lbfgs:max_iter=1");
    const pc = Float64Array.from([-7, 2]);
    const evaluations = lbfgsOptimizer.stepWithObjective?.(
      pc,
      (point, gradient) => {
        quadratic.grad(point, gradient);
        return quadratic.f(point);
      },
      lbfgsOptimizer.init(2),
    );
    expect(evaluations).toBe(1);
    expect(pc[0]).toBeCloseTo(-7 + 0.7 / 4.7, 14);
    expect(pc[1]).toBeCloseTo(2 - 4 / 4.7, 14);
  });
});
