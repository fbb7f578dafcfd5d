import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { instantiateKernels, KernelArena } from "../src/nn/kernels/wasm-kernels.js";
import { NO_SIMD_STEP, simdStep } from "../src/nn/kernels/wasm-optimizers.js";
import { SeededRandom } from "../src/nn/random.js";
import { createOptimizer, type Optimizer, optimizerIds, optimizerMeta } from "../src/optim/index.js";
import { testKernelModule } from "./kernel-module.js";

// Every optimizer of the registry has a float32 SIMD step that agrees with its float64 library step on random
// data to float32 rounding, or is listed in NO_SIMD_STEP with the reason. A new optimizer fails here until it
// has one or the other.

const root = join(import.meta.dirname, "..");
let module: WebAssembly.Module;

beforeAll(() => {
  module = testKernelModule();
});

const vectorLength = 1003; // 250 f32x4 groups and a scalar tail of 3
const steps = 6;

/** The settings each SIMD step is checked at: defaults, each flag flipped, and weight decay on where there is one. */
function settings(id: string): Record<string, number | boolean>[] {
  const specs = optimizerMeta(id).hyperparameters;
  const lr = specs.find((s) => s.name === "lr");
  const base: Record<string, number | boolean> = lr === undefined ? {} : { lr: 0.01 };
  const out = [base];
  for (const spec of specs) {
    if (spec.kind === "boolean") out.push({ ...base, [spec.name]: !spec.default });
    if (spec.name === "weightDecay") out.push({ ...base, weightDecay: 0.05 });
    if (spec.name === "momentum" && spec.default === 0) out.push({ ...base, momentum: 0.9 });
  }
  return out;
}

function tryCreate(id: string, hp: Record<string, number | boolean>): Optimizer | null {
  try {
    return createOptimizer({ id, hp });
  } catch {
    return null; // a combination the optimizer refuses (torch-sgd nesterov without momentum, …)
  }
}

/**
 * max over i of (|a − b| − 4 float32 ulps of b) / max |scale|: what is left after the roundings of float32
 * intermediates as large as the result itself (θ − (1 − β)·z, θ + u·s), relative to the largest value of `scale`.
 */
function scaledError(a: ArrayLike<number>, b: ArrayLike<number>, scale: ArrayLike<number> = b): number {
  let largest = 0;
  let worst = 0;
  for (let i = 0; i < scale.length; i++) largest = Math.max(largest, Math.abs(scale[i]));
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i] - b[i]) - 2 ** -21 * Math.abs(b[i]);
    worst = Math.max(worst, Number.isNaN(d) ? Number.POSITIVE_INFINITY : d);
  }
  return largest === 0 ? worst : worst / largest;
}

/**
 * Runs `steps` steps of the SIMD float32 step; before each, the float64 library step starts from a float64 copy
 * of the same float32 parameters and state, so each step is compared alone (float32 storage makes the two
 * trajectories drift apart otherwise: a D-Adaptation estimate built from θ − θ₀ differs once θ rounds).
 * Returns the worst error of the parameter updates (relative to the largest update) and of each state field.
 */
function compare(optimizer: Optimizer, seed: number, shape?: readonly [number, number]) {
  const n = shape === undefined ? vectorLength : shape[0] * shape[1];
  const kernels = instantiateKernels(module);
  const arena = new KernelArena(kernels);
  const params = arena.floats(n);
  const grads = arena.floats(n);
  const pool = arena.floats(8 * n);
  // The matrix methods' float64 column sums (an odd float offset: the step aligns them itself).
  const scratch = arena.floats(2 * n + 3);
  arena.commit();
  const random = new SeededRandom(seed, 9);
  for (let i = 0; i < n; i++) params()[i] = random.normal();
  const state32 = optimizer.init(n, "float32", shape);
  let used = 0;
  for (const [key, value] of Object.entries(state32)) {
    if (typeof value === "number") continue;
    const view = pool().subarray(used, used + value.length);
    view.set(value);
    state32[key] = view;
    used += value.length;
  }
  const fast = simdStep(kernels, optimizer, scratch().subarray(1));
  if (fast === null) throw new Error(`${optimizer.id}: no SIMD step`);
  // A matrix without scratch would step through the library loop: the plain step must not be what is measured.
  const plain = optimizer.step;
  optimizer.step = () => {
    throw new Error(`${optimizer.id}: the SIMD step fell back to the library step`);
  };
  let updates = 0;
  const state: Record<string, number> = {};
  for (let step = 0; step < steps; step++) {
    for (let i = 0; i < n; i++) grads()[i] = random.normal() * (0.5 + (i % 7) / 7);
    const before = Float64Array.from(params());
    const p64 = Float64Array.from(params());
    const state64 = optimizer.init(n, "float64", shape);
    for (const [key, value] of Object.entries(state32)) {
      state64[key] = typeof value === "number" ? value : Float64Array.from(value);
    }
    fast(params(), grads(), state32);
    plain.call(optimizer, p64, Float64Array.from(grads()), state64);
    const delta64 = p64.map((x, i) => x - before[i]);
    updates = Math.max(updates, scaledError(params(), p64, delta64));
    for (const [key, value] of Object.entries(state64)) {
      const mine = state32[key];
      const error =
        typeof value === "number"
          ? Math.abs((mine as number) - value) / Math.max(Math.abs(value), 1e-300)
          : scaledError(mine as Float32Array, value);
      state[key] = Math.max(state[key] ?? 0, Number.isNaN(error) ? (Number.isNaN(value) ? 0 : 1) : error);
    }
  }
  return { updates, state };
}

describe("float32 SIMD optimizer steps", () => {
  for (const id of optimizerIds()) {
    if (id in NO_SIMD_STEP) {
      it(`${id} has no SIMD step, for a stated reason, and simdStep says so`, () => {
        expect(NO_SIMD_STEP[id].length).toBeGreaterThan(20);
        const kernels = instantiateKernels(module);
        expect(simdStep(kernels, createOptimizer(id))).toBeNull();
      });
      continue;
    }
    it(`${id} agrees with its float64 library step to float32 rounding at every setting of its options`, () => {
      let checked = 0;
      for (const hp of settings(id)) {
        const optimizer = tryCreate(id, hp);
        if (optimizer === null) continue;
        checked++;
        const errors = compare(optimizer, 11 + checked);
        const where = `${id} ${JSON.stringify(hp)}`;
        // Beyond 4 ulps of the result: the update within 2e-5 of the largest update (a few dozen
        // float32 ulps of arithmetic), each state field within 2e-5 of its largest value. A misplaced ε or bias
        // correction is off by far more.
        expect(errors.updates, `${where}: updates`).toBeLessThan(2e-5);
        for (const [key, error] of Object.entries(errors.state)) {
          expect(error, `${where}: state ${key}`).toBeLessThan(2e-5);
        }
      }
      expect(checked).toBeGreaterThan(0);
    });
  }

  // The matrix methods on matrices: rows the largest dimension, columns the largest, a tie; rows of 37 and 29
  // floats leave scalar tails and misaligned rows.
  const matrices: Record<string, Record<string, number | boolean>[]> = {
    adafactor: [
      { minDimSizeToFactor: 8 },
      { minDimSizeToFactor: 8, momentum: 0.9 },
      { minDimSizeToFactor: 8, clipping: false, multiplyByParameterScale: false, weightDecayRate: 0.01 },
      { minDimSizeToFactor: 8, decayExponent: 0.5, clippingThreshold: 0.5 },
      { minDimSizeToFactor: 64 },
    ],
    "torch-adafactor": [{}, { weightDecay: 0.05 }, { maximize: true }, { beta2Decay: -0.5, d: 0.5 }],
    sm3: [{}, { momentum: 0 }],
  };
  for (const [id, options] of Object.entries(matrices)) {
    it(`${id} agrees with its float64 library step on matrices (factored where it factors)`, () => {
      let checked = 0;
      for (const shape of [
        [37, 29],
        [29, 37],
        [24, 24],
      ] as const) {
        for (const hp of options) {
          const optimizer = createOptimizer({ id, hp: { lr: 0.01, ...hp } });
          const errors = compare(optimizer, 5 + checked++, shape);
          const where = `${id} ${JSON.stringify(hp)} ${shape.join("×")}`;
          expect(errors.updates, `${where}: updates`).toBeLessThan(2e-5);
          for (const [key, error] of Object.entries(errors.state)) {
            expect(error, `${where}: state ${key}`).toBeLessThan(2e-5);
          }
        }
      }
      expect(checked).toBeGreaterThan(5);
    });
  }

  it("adafactor factors the test's matrices with minDimSizeToFactor 8, and not with 64", () => {
    expect(
      createOptimizer({ id: "adafactor", hp: { minDimSizeToFactor: 8 } }).init(37 * 29, "float32", [37, 29])
        .factored,
    ).toBe(1);
    expect(
      createOptimizer({ id: "adafactor", hp: { minDimSizeToFactor: 64 } }).init(37 * 29, "float32", [37, 29])
        .factored,
    ).toBe(0);
  });

  it("lists no optimizer as without a SIMD step that is not in the registry", () => {
    const ids = new Set(optimizerIds());
    for (const id of Object.keys(NO_SIMD_STEP)) expect(ids.has(id), id).toBe(true);
  });

  it("the checked-in generated kernels are what scripts/gen-simd-steps.mjs writes", () => {
    expect(() =>
      execFileSync("node", [join(root, "scripts", "gen-simd-steps.mjs"), "--check"], { stdio: "pipe" }),
    ).not.toThrow();
  });
});
