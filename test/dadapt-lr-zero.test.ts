import { beforeAll, describe, expect, it } from "vitest";
import type { DataSplit } from "../src/data/types.js";
import { createNetworkEntry } from "../src/lab/network-optimizer.js";
import { trainPaired } from "../src/lab/train.js";
import { instantiateKernels, KernelArena } from "../src/nn/kernels/wasm-kernels.js";
import { simdStep } from "../src/nn/kernels/wasm-optimizers.js";
import { type NetworkConfig, networkLayout } from "../src/nn/layout.js";
import { createWasmEngineFactory } from "../src/nn/wasm-engine.js";
import { createOptimizer, type Optimizer, type OptimizerState } from "../src/optim/index.js";
import { loadMnistSample } from "../src/run/datasets.js";
import { testKernelModule } from "./kernel-module.js";

// Prodigy and D-Adaptation AdamW at lr = 0 (the first update of a warmup from 0). Their estimate of d is a ratio
// whose denominator Σ|s| sums s weighted by d·η: at η = 0 it is 0/0. The reference implementations leave d alone
// there (prodigyopt and dadaptation: `if d_denom == 0: return`); the update, dη = 0, is exactly zero.

let module: WebAssembly.Module;

beforeAll(() => {
  module = testKernelModule();
});

/** Within 4 ulps of `expected` (float64): a formula error in a step of 1e-3 shows at 1e-12 relative. */
function close(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.abs(expected));
}

/** f(θ) = ½‖θ‖² from θ₀ = (1, −2): g = θ. */
function quadraticRun(optimizer: Optimizer, lrs: number[]) {
  const theta = Float64Array.of(1, -2);
  const state = optimizer.init(2);
  const after: { theta: number[]; d: number; N: number; state: OptimizerState }[] = [];
  for (const lr of lrs) {
    state.lr = lr;
    optimizer.step(theta, Float64Array.from(theta), state);
    after.push({ theta: Array.from(theta), d: state.d as number, N: state.N as number, state });
  }
  return after;
}

describe("Prodigy at lr = 0", () => {
  // d₀ = 0.01 (estimLr0) so the steps are large enough to check; β₁ = 0.9, β₂ = 0.999, ε = 1e-8, κ = 1.
  const prodigy = () => createOptimizer("prodigy:estimLr0=0.01");

  it("keeps d at d₀ and θ exactly still on a first update at lr 0, where 0/0 made d NaN", () => {
    const [first] = quadraticRun(prodigy(), [0]);
    // t = 1, dη = d·0·bc = 0;  g = (1, −2);  a = Σ g·(θ₀ − θ) = 0
    // m = 0.1·d·g = (1e-3, −2e-3);  v = 0.001·(d·g)² = (1e-7, 4e-7);  s = 0 + dη·d·g/d₀ = 0;  N = 0
    // Σ|s| = 0, so κ·N/Σ|s| = 0/0: d stays 0.01
    expect(first.d).toBe(0.01);
    expect(first.N).toBe(0);
    expect(first.theta).toEqual([1, -2]);
    close((first.state.m as Float64Array)[0], (1 - 0.9) * 0.01);
    close((first.state.m as Float64Array)[1], (1 - 0.9) * 0.01 * -2);
    close((first.state.v as Float64Array)[0], (1 - 0.999) * (0.01 * 1) ** 2);
    close((first.state.v as Float64Array)[1], (1 - 0.999) * (0.01 * -2) ** 2);
    expect(Array.from(first.state.s as Float64Array)).toEqual([0, 0]);
  });

  it("ramps from lr 0 as the formula says: d₀ while θ = θ₀, then the estimate", () => {
    const [, second, third] = quadraticRun(prodigy(), [0, 0.5, 1]);
    // Update 2, η = 0.5:  t = 2,  bc = √(1 − 0.999²)/(1 − 0.9²) = √0.001999/0.19,  dη = 0.01·0.5·bc
    const bc2 = Math.sqrt(0.001999) / 0.19;
    const dlr2 = 0.01 * 0.5 * bc2;
    // θ is still θ₀, so a = 0 and N = 0;  s = dη·d·g/d₀ = dη·g;  Σ|s| = 3·dη > 0;  d' = max(0.01, 0/3dη) = 0.01
    expect(second.N).toBe(0);
    expect(second.d).toBe(0.01);
    // m = 0.9·(0.1·d·g) + 0.1·d·g = 0.19·d·g;  v = 0.999·0.001·(d·g)² + 0.001·(d·g)² = 0.001999·(d·g)²
    // θ ← θ − dη·m/(√v + d'·ε) = θ − dη·0.19·g/(√0.001999·|g| + 1e-8)   (d cancels: d·g over d·(√0.001999|g| + ε))
    const step = (g: number) => (dlr2 * 0.19 * g) / (Math.sqrt(0.001999) * Math.abs(g) + 1e-8);
    close(second.theta[0], 1 - step(1));
    close(second.theta[1], -2 - step(-2));
    // Update 3, η = 1: now θ ≠ θ₀, so a = Σ g·(θ₀ − θ) > 0 (g = θ points away from θ₀ − θ … along −θ) — the
    // estimate moves: N = (d/d₀)·dη₃·a, d' = max(d, N/Σ|s|), finite.
    expect(Number.isFinite(third.d)).toBe(true);
    expect(third.d).toBeGreaterThanOrEqual(0.01);
    expect(third.theta.every(Number.isFinite)).toBe(true);
  });

  it("holds still for as long as lr stays 0, with every field finite", () => {
    const runs = quadraticRun(createOptimizer("prodigy"), [0, 0, 0, 0, 0]);
    for (const after of runs) {
      expect(after.theta).toEqual([1, -2]);
      expect(after.d).toBe(1e-6);
      for (const value of Object.values(after.state)) {
        const numbers = typeof value === "number" ? [value] : Array.from(value);
        expect(numbers.every(Number.isFinite)).toBe(true);
      }
    }
  });
});

describe("D-Adaptation AdamW at lr = 0", () => {
  const dadapt = () => createOptimizer("dadapt-adamw:estimLr0=0.01");

  it("keeps d at d₀ and θ exactly still on a first update at lr 0", () => {
    const [first] = quadraticRun(dadapt(), [0]);
    // t = 1, dη = 0;  a = Σ g·s/(√v + ε) with the old s = 0: 0;  m = 0.1·dη·g = 0;  v = 0.001·g²;  s = 0;  N = 0
    // Σ|s| = 0: d stays;  θ ← θ − m/(√v + ε) − λ·dη·θ = θ
    expect(first.d).toBe(0.01);
    expect(first.N).toBe(0);
    expect(first.theta).toEqual([1, -2]);
  });

  it("ramps from lr 0 as the formula says", () => {
    const [, second, third] = quadraticRun(dadapt(), [0, 0.5, 1]);
    // Update 2, η = 0.5: dη = 0.01·0.5·√0.001999/0.19;  a = 0 (the old s is 0), N = 0;  s = (1 − √0.999)·dη·g ≠ 0
    // d = max(0.01, 0) = 0.01;  m = 0.1·dη·g;  v = 0.999·0.001·g² + 0.001·g² = 0.001999·g²
    // θ ← θ − 0.1·dη·g/(√0.001999·|g| + 1e-8)
    const dlr2 = (0.01 * 0.5 * Math.sqrt(0.001999)) / 0.19;
    expect(second.d).toBe(0.01);
    expect(second.N).toBe(0);
    const step = (g: number) => (0.1 * dlr2 * g) / (Math.sqrt(0.001999) * Math.abs(g) + 1e-8);
    close(second.theta[0], 1 - step(1));
    close(second.theta[1], -2 - step(-2));
    expect(Number.isFinite(third.d)).toBe(true);
    expect(third.d).toBeGreaterThanOrEqual(0.01);
  });
});

describe("the float32 SIMD steps at lr = 0", () => {
  const n = 1003;
  for (const spec of ["prodigy", "prodigy:safeguardWarmup=true", "dadapt-adamw"]) {
    it(`${spec}: lr 0 leaves θ bit for bit and d at d₀; a ramp from 0 agrees with the float64 step`, () => {
      const optimizer = createOptimizer(spec);
      const kernels = instantiateKernels(module);
      const arena = new KernelArena(kernels);
      const params = arena.floats(n);
      const grads = arena.floats(n);
      const pool = arena.floats(6 * n);
      arena.commit();
      for (let i = 0; i < n; i++) params()[i] = Math.sin(i + 1);
      const state32 = optimizer.init(n, "float32");
      let used = 0;
      for (const [key, value] of Object.entries(state32)) {
        if (typeof value === "number") continue;
        state32[key] = pool().subarray(used, used + value.length);
        used += value.length;
      }
      const fast = simdStep(kernels, optimizer);
      if (fast === null) throw new Error(`${spec} has a SIMD step`);
      const start = Float32Array.from(params());
      const d0 = state32.d as number;
      for (const [update, lr] of [0, 0, 0.1, 0.4, 1].entries()) {
        for (let i = 0; i < n; i++) grads()[i] = Math.cos(3 * i + update);
        // Each update from the same float32 point: the float64 step from a float64 copy of params and state.
        const p64 = Float64Array.from(params());
        const state64: OptimizerState = {};
        for (const [key, value] of Object.entries(state32))
          state64[key] = typeof value === "number" ? value : Float64Array.from(value);
        state32.lr = lr;
        state64.lr = lr;
        const before = Float64Array.from(params());
        fast(params(), grads(), state32);
        optimizer.step(p64, Float64Array.from(grads()), state64);
        if (update < 2) {
          expect(Array.from(params())).toEqual(Array.from(start));
          expect(state32.d).toBe(d0);
        }
        expect(Number.isFinite(state32.d as number)).toBe(true);
        expect((state32.d as number) / (state64.d as number) - 1).toBeLessThan(2e-5);
        let largest = 0;
        let worst = 0;
        for (let i = 0; i < n; i++) {
          largest = Math.max(largest, Math.abs(p64[i] - before[i]));
          worst = Math.max(worst, Math.abs(params()[i] - p64[i]) - 2 ** -21 * Math.abs(p64[i]));
        }
        // As test/simd-steps.test.ts: beyond 4 ulps of the result, within 2e-5 of the largest update.
        expect(largest === 0 ? worst : worst / largest).toBeLessThan(2e-5);
      }
    });
  }
});

describe("a paired MNIST run under a warmup from 0", () => {
  let data: DataSplit;
  beforeAll(() => {
    const full = loadMnistSample();
    data = { ...full, test: { ...full.test, count: 200 } };
  });

  it("trains Prodigy and D-Adaptation AdamW on the SIMD path without a NaN, where update 1 diverged", () => {
    const config: NetworkConfig = {
      inputSize: 784,
      hiddenSizes: [30, 20],
      outputSize: 10,
      activation: "relu",
      weightDecayLambda: 0,
    };
    const layout = networkLayout(config);
    const iterations = 30;
    const specs = ["prodigy @ warmup-cosine:warmup=10", "dadapt-adamw @ warmup-cosine:warmup=10"];
    const optimizers = specs.map((spec) => createNetworkEntry(spec, layout, iterations));
    const engine = createWasmEngineFactory(module)(config, specs.length, 32);
    const result = trainPaired(engine, data, {
      seed: 2,
      iterations,
      batchSize: 32,
      evalEvery: 0,
      checkpointEvery: 0,
      optimizers,
    });
    for (let k = 0; k < specs.length; k++) {
      expect(Array.from(result.curves[k]).every(Number.isFinite), specs[k]).toBe(true);
      expect(engine.stepPaths?.(k)).toEqual([
        expect.objectContaining({ slot: "all", simd: iterations, plain: 0 }),
      ]);
    }
  });
});
