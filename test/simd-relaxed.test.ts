import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { beforeAll, describe, expect, it } from "vitest";
import { gatherBatch } from "../src/data/types.js";
import type { BatchEngine } from "../src/nn/engine.js";
import { initialParameters } from "../src/nn/init.js";
import { compileKernels } from "../src/nn/kernels/wasm-kernels.js";
import { BOOK_NETWORK, type NetworkConfig } from "../src/nn/layout.js";
import { SeededRandom } from "../src/nn/random.js";
import { createReferenceEngine } from "../src/nn/reference-engine.js";
import { createWasmEngineFactory } from "../src/nn/wasm-engine.js";
import { createOptimizer } from "../src/optim/index.js";
import { loadMnistSample } from "../src/run/datasets.js";

// Both kernel builds against the float64 reference engine: the plain SIMD build (kernels.wasm) and the
// relaxed-SIMD build (kernels-relaxed.wasm, fused multiply-adds), which Node 20 compiles only behind
// --experimental-wasm-relaxed-simd (set here for this test process, as src/run/engines.ts does for optlab's).

const root = join(import.meta.dirname, "..");
const builds = { simd: "kernels.wasm", "relaxed-simd": "kernels-relaxed.wasm" } as const;
const modules: Partial<Record<keyof typeof builds, WebAssembly.Module>> = {};

beforeAll(() => {
  if (!Object.values(builds).every((file) => existsSync(join(root, "build", "wasm", file)))) {
    execFileSync("npm", ["run", "build:wasm"], { cwd: root, stdio: "ignore" });
  }
  setFlagsFromString("--experimental-wasm-relaxed-simd");
  for (const [build, file] of Object.entries(builds)) {
    modules[build as keyof typeof builds] = compileKernels(readFileSync(join(root, "build", "wasm", file)));
  }
});

function scaledError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / scale;
}

function pair(module: WebAssembly.Module, config: NetworkConfig, m: number): [BatchEngine, BatchEngine] {
  const fast = createWasmEngineFactory(module)(config, 1, m);
  const reference = createReferenceEngine(config, 1, m);
  const initial = initialParameters(config, 3);
  fast.params(0).set(initial);
  reference.params(0).set(initial);
  return [fast, reference];
}

for (const build of Object.keys(builds) as (keyof typeof builds)[]) {
  describe(`the ${build} kernel build`, () => {
    it("computes the book network's loss and gradient on real digits like the float64 reference engine", () => {
      const [fast, reference] = pair(modules[build] as WebAssembly.Module, BOOK_NETWORK, 128);
      const data = loadMnistSample();
      const indices = Array.from({ length: 128 }, (_, i) => (i * 61) % data.train.count);
      for (const engine of [fast, reference]) {
        gatherBatch(data.train, indices, engine.batchInput, engine.batchLabels);
        engine.prepareBatch(128);
      }
      const lossReference = reference.gradient(0, 128);
      expect(Math.abs(fast.gradient(0, 128) - lossReference) / lossReference).toBeLessThan(2e-6);
      for (const slot of fast.layout.slots) {
        const range = [slot.offset, slot.offset + slot.length] as const;
        expect(
          scaledError(fast.grads(0).subarray(...range), reference.grads(0).subarray(...range)),
          `${build} ${slot.name}`,
        ).toBeLessThan(2e-5);
      }
    });

    it("trains 30 AdamW steps to the same losses as the reference up to float32 rounding", () => {
      const config: NetworkConfig = { ...BOOK_NETWORK, hiddenSizes: [40, 24] };
      const [fast, reference] = pair(modules[build] as WebAssembly.Module, config, 32);
      const optimizer = createOptimizer("adamw:lr=0.003");
      const fastOptimizer = fast.accelerate?.(0, optimizer) ?? optimizer;
      const states = [
        fastOptimizer.init(fast.layout.size, "float32"),
        optimizer.init(reference.layout.size, "float64"),
      ];
      expect((states[0].m as Float32Array).buffer).toBe(fast.params(0).buffer);
      const data = loadMnistSample();
      const random = new SeededRandom(2, 2);
      for (let step = 0; step < 30; step++) {
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
}
