import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { gatherBatch } from "../src/data/types.js";
import type { BatchEngine } from "../src/nn/engine.js";
import { initialParameters } from "../src/nn/init.js";
import { compileKernels, instantiateKernels, KernelArena } from "../src/nn/kernels/wasm-kernels.js";
import { simdStep } from "../src/nn/kernels/wasm-optimizers.js";
import { BOOK_NETWORK, type NetworkConfig } from "../src/nn/layout.js";
import { SeededRandom } from "../src/nn/random.js";
import { createReferenceEngine } from "../src/nn/reference-engine.js";
import { createWasmEngineFactory } from "../src/nn/wasm-engine.js";
import { createOptimizer } from "../src/optim/index.js";
import { loadMnistSample } from "../src/run/datasets.js";

const root = join(import.meta.dirname, "..");
let module: WebAssembly.Module;

beforeAll(() => {
  const path = join(root, "build", "wasm", "kernels.wasm");
  // `npm ci` builds it through `prepare`; a bare checkout builds it here (a few seconds).
  if (!existsSync(path)) execFileSync("npm", ["run", "build:wasm"], { cwd: root, stdio: "ignore" });
  module = compileKernels(readFileSync(path));
});

/** max |a − b| / max |b|: float32 kernels summing in another order agree to a few float32 ulps of the largest value. */
function scaledError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / scale;
}

function fillRandomBatch(engine: BatchEngine, m: number, seed: number): void {
  const random = new SeededRandom(seed, 5);
  const size = engine.config.inputSize;
  for (let i = 0; i < m * size; i++) engine.batchInput[i] = random.uniform() < 0.8 ? 0 : random.uniform();
  for (let i = 0; i < m; i++) engine.batchLabels[i] = random.integer(engine.config.outputSize);
}

function pair(config: NetworkConfig, m: number): [BatchEngine, BatchEngine] {
  const fast = createWasmEngineFactory(module)(config, 1, m);
  const reference = createReferenceEngine(config, 1, m);
  const initial = initialParameters(config, 3);
  fast.params(0).set(initial);
  reference.params(0).set(initial);
  return [fast, reference];
}

describe("the WebAssembly SIMD engine", () => {
  it("computes the book network's loss and gradient on real digits like the plain TypeScript engine", () => {
    const [fast, reference] = pair(BOOK_NETWORK, 128);
    const data = loadMnistSample();
    const indices = Array.from({ length: 128 }, (_, i) => (i * 61) % data.train.count);
    for (const engine of [fast, reference]) {
      gatherBatch(data.train, indices, engine.batchInput, engine.batchLabels);
      engine.prepareBatch(128);
    }
    const lossFast = fast.gradient(0, 128);
    const lossReference = reference.gradient(0, 128);
    expect(Math.abs(lossFast - lossReference) / lossReference).toBeLessThan(2e-6);
    for (const slot of fast.layout.slots) {
      const range = [slot.offset, slot.offset + slot.length] as const;
      expect(
        scaledError(fast.grads(0).subarray(...range), reference.grads(0).subarray(...range)),
      ).toBeLessThan(2e-5);
    }
    expect(Math.abs(fast.loss(0, 128) - reference.loss(0, 128))).toBeLessThan(2e-6 * lossReference);
    const evaluated = fast.evaluate(0, 128);
    expect(evaluated.correct).toBe(reference.evaluate(0, 128).correct);
  });

  it("handles sizes that are not multiples of the SIMD blocks, and weight decay", () => {
    // Rows 7 (not a multiple of 4), widths 13, 37 and 6 (tails of 1, 5 and 2 columns), 3 outputs.
    const config: NetworkConfig = {
      inputSize: 30,
      hiddenSizes: [37, 13, 6],
      outputSize: 3,
      activation: "relu",
      weightDecayLambda: 0.05,
    };
    const [fast, reference] = pair(config, 7);
    for (const engine of [fast, reference]) {
      fillRandomBatch(engine, 7, 11);
      engine.prepareBatch(7);
    }
    const lossFast = fast.gradient(0, 7);
    const lossReference = reference.gradient(0, 7);
    expect(Math.abs(lossFast - lossReference) / lossReference).toBeLessThan(2e-6);
    expect(scaledError(fast.grads(0), reference.grads(0))).toBeLessThan(2e-6);
  });

  it("trains 50 Adam steps to the same losses as the reference up to float32 rounding", () => {
    const config: NetworkConfig = { ...BOOK_NETWORK, hiddenSizes: [40, 24] };
    const [fast, reference] = pair(config, 32);
    const optimizer = createOptimizer("adam:lr=0.003");
    const fastOptimizer = fast.accelerate?.(0, optimizer) ?? optimizer;
    const states = [
      fastOptimizer.init(fast.layout.size, "float32"),
      optimizer.init(reference.layout.size, "float32"),
    ];
    // The accelerated optimizer keeps its state in the kernels' memory, so the SIMD step runs.
    expect((states[0].m as Float32Array).buffer).toBe(fast.params(0).buffer);
    const data = loadMnistSample();
    const random = new SeededRandom(2, 2);
    for (let step = 0; step < 50; step++) {
      const indices = Array.from({ length: 32 }, () => random.integer(data.train.count));
      const losses = [fast, reference].map((engine, e) => {
        gatherBatch(data.train, indices, engine.batchInput, engine.batchLabels);
        engine.prepareBatch(32);
        engine.gradient(0, 32);
        (e === 0 ? fastOptimizer : optimizer).step(engine.params(0), engine.grads(0), states[e]);
        return engine.loss(0, 32);
      });
      expect(Math.abs(losses[0] - losses[1])).toBeLessThan(1e-4 * losses[1]);
    }
  });
});

describe("the SIMD optimizer steps", () => {
  const specs = [
    "sgd:lr=0.1",
    "momentum:lr=0.05,momentum=0.8",
    "nesterov:lr=0.05,momentum=0.9",
    "adagrad:lr=0.3",
    "rmsprop:lr=0.01,rho=0.9",
    "adam:lr=0.01",
    "torch-adam:lr=0.01,weightDecay=0.1",
    "torch-adam:lr=0.01,maximize=true",
    "adamw:lr=0.01,weightDecay=0.1",
  ];
  for (const spec of specs) {
    it(`${spec} matches the float64 optimizer to float32 rounding over 20 steps`, () => {
      const n = 1003; // a scalar tail of 3 after the f32x4 loop
      const kernels = instantiateKernels(module);
      const arena = new KernelArena(kernels);
      const params = arena.floats(n);
      const grads = arena.floats(n);
      const pool = arena.floats(3 * n);
      arena.commit();
      const optimizer = createOptimizer(spec);
      const random = new SeededRandom(4, 6);
      const p64 = Float64Array.from({ length: n }, () => random.normal());
      params().set(p64);
      p64.set(params());
      const state64 = optimizer.init(n, "float64");
      // The float32 state moves into kernel memory (as the engine's `accelerate` does).
      const state32 = optimizer.init(n, "float32");
      let used = 0;
      for (const [key, value] of Object.entries(state32)) {
        if (typeof value === "number") continue;
        state32[key] = pool().subarray(used, used + value.length);
        used += value.length;
      }
      const fast = simdStep(kernels, optimizer);
      expect(fast).not.toBeNull();
      for (let step = 0; step < 20; step++) {
        for (let i = 0; i < n; i++) grads()[i] = random.normal();
        fast?.(params(), grads(), state32);
        optimizer.step(p64, Float64Array.from(grads()), state64);
      }
      // Relative to the parameters' scale (≈1): float32 rounding accumulates over 20 steps.
      expect(scaledError(params(), p64)).toBeLessThan(2e-6);
    });
  }
});
