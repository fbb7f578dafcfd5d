import { beforeAll, describe, expect, it } from "vitest";
import type { DataSplit } from "../src/data/types.js";
import { createNetworkEntry, createNetworkOptimizer } from "../src/lab/network-optimizer.js";
import { trainPaired } from "../src/lab/train.js";
import { ACCELERATED_STATE_ARRAYS } from "../src/nn/kernels/accelerate.js";
import { instantiateKernels } from "../src/nn/kernels/wasm-kernels.js";
import { simdStep } from "../src/nn/kernels/wasm-optimizers.js";
import { type NetworkConfig, networkLayout } from "../src/nn/layout.js";
import { SeededRandom } from "../src/nn/random.js";
import { createWasmEngineFactory } from "../src/nn/wasm-engine.js";
import { isParameterGroups } from "../src/optim/groups.js";
import { createOptimizer, type Optimizer, type OptimizerState, optimizerIds } from "../src/optim/index.js";
import { loadMnistSample } from "../src/run/datasets.js";
import { testKernelModule } from "./kernel-module.js";

// Parameter groups on the SIMD path: each slot steps through its own float32 SIMD step (Muon through Newton–Schulz
// on the GEMM kernels, AdamW element-wise) over state in kernel memory, with the fields of the plain composite.

let module: WebAssembly.Module;

beforeAll(() => {
  module = testKernelModule();
});

/** The book's MNIST network (784-100-100-100-100-10), the layout `optlab mnist` trains. */
const MNIST: NetworkConfig = {
  inputSize: 784,
  hiddenSizes: [100, 100, 100, 100],
  outputSize: 10,
  activation: "relu",
  weightDecayLambda: 0,
};
const layout = networkLayout(MNIST);
const P = layout.size;

function copyState64(plain: Optimizer, state32: OptimizerState): OptimizerState {
  const state64 = plain.init(P, "float64");
  for (const [key, value] of Object.entries(state32)) {
    state64[key] = typeof value === "number" ? value : Float64Array.from(value);
  }
  return state64;
}

describe("parameter groups on the SIMD path", () => {
  it("every optimizer with a SIMD step, alone or under cautious, keeps at most the engine's pool of state", () => {
    const kernels = instantiateKernels(module);
    const n = 1000;
    let checked = 0;
    for (const id of optimizerIds()) {
      for (const spec of [id, `cautious(${id})`]) {
        let optimizer: Optimizer;
        let state: OptimizerState;
        try {
          optimizer = createOptimizer(spec);
          state = optimizer.init(n, "float32");
        } catch {
          continue; // cautious(cautious), cautious(lbfgs): refused
        }
        if (simdStep(kernels, optimizer) === null) continue;
        let floats = 0;
        for (const value of Object.values(state)) if (typeof value !== "number") floats += value.length;
        expect(floats, spec).toBeLessThanOrEqual(ACCELERATED_STATE_ARRAYS * n);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("muon (Muon on the hidden matrices, AdamW on the rest) agrees with the float64 composite to float32 rounding over 5 updates on the MNIST layout", () => {
    const engine = createWasmEngineFactory(module)(MNIST, 1, 1);
    const made = createNetworkOptimizer("muon:lr=0.02", layout);
    const plain = made.optimizer;
    expect(isParameterGroups(plain)).toBe(true);
    const fast = engine.accelerate?.(0, plain);
    if (fast === undefined) throw new Error("the wasm engine accelerates");
    const state32 = fast.init(P, "float32");
    // The same fields as the plain composite's, so a saved state resumes on either path.
    expect(Object.keys(state32).sort()).toEqual(Object.keys(plain.init(P, "float32")).sort());
    const params = engine.params(0);
    const grads = engine.grads(0);
    const random = new SeededRandom(21, 4);
    for (let i = 0; i < P; i++) params[i] = random.normal() * 0.05;
    const worst = new Map<string, number>();
    for (let step = 0; step < 5; step++) {
      for (let i = 0; i < P; i++) grads[i] = random.normal() * 0.01;
      // Each update from the same float32 point: a float64 copy of the parameters and the state.
      const before = Float64Array.from(params);
      const p64 = Float64Array.from(params);
      const state64 = copyState64(plain, state32);
      fast.step(params, grads, state32);
      plain.step(p64, Float64Array.from(grads), state64);
      for (const { slot } of made.groups ?? []) {
        let largest = 0;
        let error = 0;
        for (let i = slot.offset; i < slot.offset + slot.length; i++) {
          largest = Math.max(largest, Math.abs(p64[i] - before[i]));
          error = Math.max(error, Math.abs(params[i] - p64[i]) - 2 ** -21 * Math.abs(p64[i]));
        }
        expect(largest, slot.name).toBeGreaterThan(0);
        worst.set(slot.name, Math.max(worst.get(slot.name) ?? 0, error / largest));
      }
      for (const [key, value] of Object.entries(state64)) {
        const mine = state32[key];
        if (typeof value === "number") expect(mine, key).toBe(value);
        else {
          let largest = 0;
          let error = 0;
          for (let i = 0; i < value.length; i++) {
            largest = Math.max(largest, Math.abs(value[i]));
            error = Math.max(
              error,
              Math.abs((mine as Float32Array)[i] - value[i]) - 2 ** -21 * Math.abs(value[i]),
            );
          }
          expect(largest === 0 ? error : error / largest, key).toBeLessThan(2e-5);
        }
      }
    }
    for (const [name, error] of worst) {
      // Muon: five Newton–Schulz iterations in float32 (as test/simd-muon.test.ts), within 1e-4 of the largest
      // update; AdamW element-wise (as test/simd-steps.test.ts), within 2e-5. A misplaced ε or lr is off by far more.
      const muon = ["W2", "W3", "W4"].includes(name);
      expect(error, name).toBeLessThan(muon ? 1e-4 : 2e-5);
    }
    expect(worst.size).toBe(10);
    const paths = engine.stepPaths?.(0) ?? [];
    expect(paths.map((p) => `${p.slot} ${p.optimizer} ${p.simd} ${p.plain}`)).toEqual([
      "W1 adamw 5 0",
      "b1 adamw 5 0",
      "W2 muon 5 0",
      "b2 adamw 5 0",
      "W3 muon 5 0",
      "b3 adamw 5 0",
      "W4 muon 5 0",
      "b4 adamw 5 0",
      "W5 adamw 5 0",
      "b5 adamw 5 0",
    ]);
  });

  describe("a paired MNIST run", () => {
    let data: DataSplit;
    beforeAll(() => {
      const full = loadMnistSample();
      data = { ...full, test: { ...full.test, count: 200 } };
    });

    it("with muon (the default recipe) steps every slot on the SIMD path, and a slot without one on the plain loop", () => {
      const specs = [
        "muon",
        "groups(hidden=optax-muon:lr=0.02 | bias=soap:precondition1d=true | rest=sm3)",
        "adamw",
      ];
      const iterations = 6;
      const optimizers = specs.map((spec) => createNetworkEntry(spec, layout, iterations));
      const engine = createWasmEngineFactory(module)(MNIST, specs.length, 32);
      const result = trainPaired(engine, data, {
        seed: 3,
        iterations,
        batchSize: 32,
        evalEvery: 0,
        checkpointEvery: 0,
        optimizers,
      });
      for (const curve of result.curves) expect(curve.every(Number.isFinite)).toBe(true);
      const paths = (k: number) => (engine.stepPaths?.(k) ?? []).map((p) => [p.slot, p.simd, p.plain]);
      expect(paths(0)).toEqual(layout.slots.map((slot) => [slot.name, iterations, 0]));
      // optax Muon on the hidden matrices and SM3 on W1, W5 step on the kernels; SOAP rotating a vector
      // (precondition1d) has no float32 step, so the biases take the plain loop.
      const bias = (name: string) => name.startsWith("b");
      expect(paths(1)).toEqual(
        layout.slots.map((slot) => [
          slot.name,
          bias(slot.name) ? 0 : iterations,
          bias(slot.name) ? iterations : 0,
        ]),
      );
      expect(paths(2)).toEqual([["all", iterations, 0]]);
    });
  });
});
