import { beforeAll, describe, expect, it } from "vitest";
import type { DataSplit } from "../src/data/types.js";
import { createNetworkEntry } from "../src/lab/network-optimizer.js";
import { trainPaired } from "../src/lab/train.js";
import { createConvEngineFactory } from "../src/nn/conv-engine.js";
import { BOOK_CONV_NETWORK, convNetLayout } from "../src/nn/conv-layout.js";
import type { BatchEngine } from "../src/nn/engine.js";
import { instantiateKernels, KernelArena } from "../src/nn/kernels/wasm-kernels.js";
import { soapFitsScratch, soapScratchFloats, soapSimdStep } from "../src/nn/kernels/wasm-soap.js";
import { BOOK_NETWORK, type NetworkLayout, networkLayout } from "../src/nn/layout.js";
import { SeededRandom } from "../src/nn/random.js";
import { createWasmEngineFactory } from "../src/nn/wasm-engine.js";
import { createOptimizer, type OptimizerState } from "../src/optim/index.js";
import { loadMnistSample } from "../src/run/datasets.js";
import { testKernelModule } from "./kernel-module.js";

// The float32 SOAP step (products on the GEMM kernels) against the float64 library step, each step from the same
// float32 point: the first call (L, R and the first eigenbases), plain steps and steps that refresh the bases.

let module: WebAssembly.Module;

beforeAll(() => {
  module = testKernelModule();
});

/** Largest |a − b| beyond float32 rounding of b, relative to the largest |b| (0 for an all-zero b). */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let largest = 0;
  let error = 0;
  for (let i = 0; i < b.length; i++) {
    largest = Math.max(largest, Math.abs(b[i]));
    error = Math.max(error, Math.abs(a[i] - b[i]) - 2 ** -21 * Math.abs(b[i]));
  }
  return largest === 0 ? error : error / largest;
}

describe("the float32 SIMD SOAP step", () => {
  const cases: [string, number, number][] = [
    ["soap:preconditionFrequency=3", 37, 100],
    ["soap:preconditionFrequency=3", 100, 37],
    ["soap:preconditionFrequency=3,maxPrecondDim=50", 60, 20],
    ["soap:preconditionFrequency=3,maxPrecondDim=50,weightDecay=0.1", 20, 60],
    ["soap:preconditionFrequency=2,normalizeGrads=true,correctBias=false,beta1=0.9,beta2=0.99", 30, 25],
    ["soap:preconditionFrequency=3", 7, 5],
  ];
  for (const [spec, rows, cols] of cases) {
    it(`${spec} on ${rows}×${cols} agrees with the float64 step to float32 rounding over 8 calls`, () => {
      const n = rows * cols;
      const optimizer = createOptimizer(spec);
      const kernels = instantiateKernels(module);
      const arena = new KernelArena(kernels);
      const params = arena.floats(n);
      const grads = arena.floats(n);
      const state32: OptimizerState = optimizer.init(n, "float32", [rows, cols]);
      const fields = Object.entries(state32).filter(([, value]) => typeof value !== "number");
      const inKernels = fields.map(
        ([key, value]) => [key, arena.floats((value as Float32Array).length)] as const,
      );
      const scratch = arena.floats(soapScratchFloats(rows, cols));
      arena.commit();
      for (const [key, view] of inKernels) state32[key] = view();
      expect(soapFitsScratch(optimizer, [rows, cols], scratch().length)).toBe(true);
      const fast = soapSimdStep(kernels, optimizer, scratch());
      expect(fast).not.toBeNull();
      const random = new SeededRandom(11, rows);
      for (let i = 0; i < n; i++) params()[i] = random.normal() * 0.1;
      let worstStep = 0;
      for (let call = 0; call < 8; call++) {
        for (let i = 0; i < n; i++) grads()[i] = random.normal();
        const state64: OptimizerState = {};
        for (const [key, value] of Object.entries(state32)) {
          state64[key] = typeof value === "number" ? value : Float64Array.from(value);
        }
        const p64 = Float64Array.from(params());
        const before = Float64Array.from(params());
        fast?.(params(), grads(), state32);
        optimizer.step(p64, Float64Array.from(grads()), state64);
        const t = state64.t as number;
        expect(state32.t).toBe(t);
        if (call === 0) {
          // The first call builds the preconditioners only: θ does not move on either path.
          expect(Array.from(params())).toEqual(Array.from(before));
        } else {
          let largest = 0;
          for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(p64[i] - before[i]));
          let error = 0;
          for (let i = 0; i < n; i++) {
            error = Math.max(error, Math.abs(params()[i] - p64[i]) - 2 ** -21 * Math.abs(p64[i]));
          }
          worstStep = Math.max(worstStep, error / largest);
        }
        // The averages L, R and the moments: float32 sums of `rows` or `cols` products against float64 ones.
        for (const key of ["L", "R", "v"]) {
          expect(relativeError(state32[key] as Float32Array, state64[key] as Float64Array), key).toBeLessThan(
            2e-5,
          );
        }
      }
      // Four float32 products per step (two into the basis, two back): within 2e-5 of the largest update.
      expect(worstStep).toBeLessThan(2e-5);
    });
  }

  it("leaves sides longer than SOAP_SIMD_MAX_SIDE and rotated vectors to the plain step, and is only for SOAP", () => {
    const big = 1 << 22;
    expect(soapFitsScratch(createOptimizer("soap"), [784, 100], big)).toBe(false);
    expect(soapFitsScratch(createOptimizer("soap:maxPrecondDim=512"), [784, 100], big)).toBe(true);
    expect(soapFitsScratch(createOptimizer("soap:maxPrecondDim=512"), [784, 100], 1000)).toBe(false);
    expect(soapFitsScratch(createOptimizer("soap"), [100], 0)).toBe(true);
    expect(soapFitsScratch(createOptimizer("soap:precondition1d=true"), [100], big)).toBe(false);
    const kernels = instantiateKernels(module);
    expect(soapSimdStep(kernels, createOptimizer("adamw"), new Float32Array(0))).toBeNull();
  });

  describe("in the engine", () => {
    const layout = networkLayout(BOOK_NETWORK);
    const spec = "soap:maxPrecondDim=512,preconditionFrequency=3";
    /** Trains one network with the fair tier's SOAP and returns the engine's step paths (slot, optimizer, simd, plain). */
    const trainSoap = (
      engine: BatchEngine,
      networkLayout: NetworkLayout,
      iterations: number,
      batchSize: number,
    ) => {
      const result = trainPaired(engine, data, {
        seed: 4,
        iterations,
        batchSize,
        evalEvery: 0,
        checkpointEvery: 0,
        optimizers: [createNetworkEntry(spec, networkLayout, iterations)],
      });
      expect(result.curves[0].every(Number.isFinite)).toBe(true);
      return (engine.stepPaths?.(0) ?? []).map((p) => [p.slot, p.optimizer, p.simd, p.plain]);
    };
    let data: DataSplit;
    beforeAll(() => {
      const full = loadMnistSample();
      data = { ...full, test: { ...full.test, count: 200 } };
    });

    it("the fair tier's SOAP (maxPrecondDim = 512) steps every slot of the book's MLP on the SIMD path", () => {
      const iterations = 8;
      const paths = trainSoap(createWasmEngineFactory(module)(BOOK_NETWORK, 1, 32), layout, iterations, 32);
      expect(paths).toEqual(layout.slots.map((slot) => [slot.name, "soap", iterations, 0]));
    });

    it("on SimpleConvNet too (filters as the 30×25 matrix, W2 rotated on its 100-wide side)", () => {
      const iterations = 4;
      const engine = createConvEngineFactory(module)(BOOK_CONV_NETWORK, 1, 20);
      const paths = trainSoap(engine, convNetLayout(BOOK_CONV_NETWORK), iterations, 20).map(
        ([slot, , simd, plain]) => [slot, simd, plain],
      );
      expect(paths.length).toBeGreaterThan(1);
      for (const path of paths) expect(path).toEqual([path[0], iterations, 0]);
    });
  });
});
