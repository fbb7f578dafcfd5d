import { beforeAll, describe, expect, it } from "vitest";
import { instantiateKernels, KernelArena } from "../src/nn/kernels/wasm-kernels.js";
import {
  muonScratchFloats,
  muonSimdStep,
  optaxMuonScratchFloats,
  optaxMuonSimdStep,
} from "../src/nn/kernels/wasm-muon.js";
import { SeededRandom } from "../src/nn/random.js";
import { createOptimizer } from "../src/optim/index.js";
import { testKernelModule } from "./kernel-module.js";

// The float32 Muon step on the kernels (Newton–Schulz on gemm_nn) against torch-semantics Muon in float64.

let module: WebAssembly.Module;

beforeAll(() => {
  module = testKernelModule();
});

describe("the float32 SIMD Muon step", () => {
  const cases: [string, number, number][] = [
    ["muon:lr=0.02", 37, 100],
    ["muon:lr=0.02", 100, 37],
    ["muon:lr=0.02,nesterov=false,matchRmsAdamw=true", 64, 64],
    ["muon:lr=0.02,momentum=0.3", 20, 50],
  ];
  for (const [spec, rows, cols] of cases) {
    it(`${spec} on ${rows}×${cols} agrees with the float64 step to float32 rounding over 4 steps`, () => {
      const n = rows * cols;
      const kernels = instantiateKernels(module);
      const arena = new KernelArena(kernels);
      const params = arena.floats(n);
      const grads = arena.floats(n);
      const buffer = arena.floats(n);
      const scratch = arena.floats(muonScratchFloats(rows, cols));
      arena.commit();
      const optimizer = createOptimizer(spec);
      const random = new SeededRandom(5, 3);
      for (let i = 0; i < n; i++) params()[i] = random.normal() * 0.1;
      const state32 = optimizer.init(n, "float32", [rows, cols]);
      state32.b = buffer();
      const fast = muonSimdStep(kernels, optimizer, scratch());
      expect(fast).not.toBeNull();
      let worst = 0;
      for (let step = 0; step < 4; step++) {
        for (let i = 0; i < n; i++) grads()[i] = random.normal();
        // Each step from the same float32 point: a float64 copy of the parameters and the buffer.
        const p64 = Float64Array.from(params());
        const state64 = {
          ...optimizer.init(n, "float64", [rows, cols]),
          t: state32.t,
          b: Float64Array.from(buffer()),
        };
        const before = Float64Array.from(params());
        fast?.(params(), grads(), state32);
        optimizer.step(p64, Float64Array.from(grads()), state64);
        let largest = 0;
        for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(p64[i] - before[i]));
        for (let i = 0; i < n; i++) {
          const error = Math.abs(params()[i] - p64[i]) - 2 ** -21 * Math.abs(p64[i]);
          worst = Math.max(worst, error / largest);
        }
      }
      // Five Newton–Schulz iterations in float32 (products of k sums each): within 1e-4 of the largest update.
      expect(worst).toBeLessThan(1e-4);
    });
  }

  it("is only for Muon", () => {
    const kernels = instantiateKernels(module);
    expect(muonSimdStep(kernels, createOptimizer("adamw"), new Float32Array(0))).toBeNull();
  });
});

// optax Muon with its Newton–Schulz products on the kernels, every preconditioning and the adaptive scale.
describe("the float32 optax Muon step", () => {
  const cases: [string, number, number][] = [
    ["optax-muon:lr=0.02", 37, 100],
    ["optax-muon:lr=0.02", 100, 37],
    ["optax-muon:lr=0.02,nesterov=false,weightDecay=0.1", 64, 64],
    ["optax-muon:lr=0.02,spectral=true", 30, 45],
    ["optax-muon:lr=0.02,aol=true", 45, 30],
    ["optax-muon:lr=0.02,schatten=true,consistentRms=0.2", 24, 40],
    ["optax-muon:lr=0.02,adaptive=true", 40, 24],
    ["optax-muon:lr=0.02,dion=true", 33, 50],
  ];
  for (const [spec, rows, cols] of cases) {
    it(`${spec} on ${rows}×${cols} agrees with the float64 step to float32 rounding over 4 steps`, () => {
      const n = rows * cols;
      const kernels = instantiateKernels(module);
      const arena = new KernelArena(kernels);
      const params = arena.floats(n);
      const grads = arena.floats(n);
      const pool = arena.floats(8 * n);
      const scratch = arena.floats(optaxMuonScratchFloats(rows, cols));
      arena.commit();
      const optimizer = createOptimizer(spec);
      const random = new SeededRandom(7, 3);
      for (let i = 0; i < n; i++) params()[i] = random.normal() * 0.1;
      const state32 = optimizer.init(n, "float32", [rows, cols]);
      let used = 0;
      for (const [key, value] of Object.entries(state32)) {
        if (typeof value === "number") continue;
        const view = pool().subarray(used, used + value.length);
        view.set(value);
        state32[key] = view;
        used += value.length + 4;
      }
      const fast = optaxMuonSimdStep(kernels, optimizer, scratch());
      expect(fast).not.toBeNull();
      let worst = 0;
      for (let step = 0; step < 4; step++) {
        for (let i = 0; i < n; i++) grads()[i] = random.normal();
        const p64 = Float64Array.from(params());
        const state64 = optimizer.init(n, "float64", [rows, cols]);
        for (const [key, value] of Object.entries(state32)) {
          state64[key] = typeof value === "number" ? value : Float64Array.from(value);
        }
        const before = Float64Array.from(params());
        fast?.(params(), grads(), state32);
        optimizer.step(p64, Float64Array.from(grads()), state64);
        let largest = 0;
        for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(p64[i] - before[i]));
        for (let i = 0; i < n; i++) {
          const error = Math.abs(params()[i] - p64[i]) - 2 ** -21 * Math.abs(p64[i]);
          worst = Math.max(worst, error / largest);
        }
      }
      // As for Muon: the Newton–Schulz iterations in float32, within 1e-4 of the largest update.
      expect(worst).toBeLessThan(1e-4);
    });
  }

  it("is only for optax Muon", () => {
    const kernels = instantiateKernels(module);
    expect(optaxMuonSimdStep(kernels, createOptimizer("muon"), new Float32Array(0))).toBeNull();
  });
});
