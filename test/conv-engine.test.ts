import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { ImageSet } from "../src/data/types.js";
import { gatherBatch } from "../src/data/types.js";
import { createNetworkOptimizer } from "../src/lab/network-optimizer.js";
import { trainPaired } from "../src/lab/train.js";
import {
  type ConvBatchEngine,
  convTrainingStart,
  createConvEngineFactory,
  createConvReferenceEngine,
} from "../src/nn/conv-engine.js";
import { BOOK_CONV_NETWORK, type ConvNetConfig, convNetLayout } from "../src/nn/conv-layout.js";
import { SeededRandom } from "../src/nn/random.js";
import { createOptimizer } from "../src/optim/index.js";
import { loadDataset } from "../src/run/datasets.js";
import { testKernelModule } from "./kernel-module.js";

let module: WebAssembly.Module;

beforeAll(() => {
  module = testKernelModule();
});

/** max |a − b| / max |b|: float32 kernels summing in another order agree to a few float32 ulps of the largest value. */
function scaledError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / scale;
}

/** Synthetic "garments": a bright rectangle per class on a zero background, with noise (no data set needed). */
function syntheticImages(count: number, side: number, classes: number, seed: number): ImageSet {
  const random = new SeededRandom(seed, 9);
  const pixels = new Float32Array(count * side * side);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = random.integer(classes);
    labels[n] = label;
    const top = 2 + (label % 3) * Math.floor(side / 4);
    const left = 2 + Math.floor(label / 3) * Math.floor(side / 5);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const inside = y >= top && y < top + side / 3 && x >= left && x < left + side / 4;
        pixels[(n * side + y) * side + x] = inside
          ? 0.6 + 0.4 * random.uniform()
          : random.uniform() < 0.8
            ? 0
            : 0.3 * random.uniform();
      }
    }
  }
  return { count, rows: side, cols: side, pixels, labels };
}

function loadBatch(engine: ConvBatchEngine, set: ImageSet, m: number): void {
  const size = set.rows * set.cols;
  engine.batchInput.set(set.pixels.subarray(0, m * size));
  for (let i = 0; i < m; i++) engine.batchLabels[i] = set.labels[i];
  engine.prepareBatch(m);
}

const ODD: ConvNetConfig = {
  kind: "conv",
  channels: 1,
  height: 13,
  width: 11,
  filters: 7,
  filterSize: 3,
  stride: 2,
  pad: 1,
  poolSize: 3,
  poolStride: 2,
  hiddenSize: 9,
  outputSize: 5,
  weightDecayLambda: 0.01,
};

/** The fused conv + 2×2 pool path off its usual shape: 5 filters (one partial block of 8), 2×2 filters, an odd map width. */
const FUSED_ODD: ConvNetConfig = {
  ...ODD,
  height: 9,
  width: 8,
  filters: 5,
  filterSize: 2,
  stride: 1,
  pad: 0,
  poolSize: 2,
  poolStride: 2,
};

describe("the WebAssembly conv engine", () => {
  for (const [name, config, m, forward] of [
    ["the book's network (batch 7)", BOOK_CONV_NETWORK, 7, "im2col"],
    ["the book's network by direct convolution (batch 7)", BOOK_CONV_NETWORK, 7, "direct"],
    ["odd sizes, stride 2, padding, overlapping pools, weight decay (batch 5)", ODD, 5, "im2col"],
    ["the fused 2×2 pool with 5 filters of 2×2 on 9×8 images (batch 3)", FUSED_ODD, 3, "im2col"],
    ["the same by direct convolution, stride 1 (batch 3)", FUSED_ODD, 3, "direct"],
  ] as const) {
    it(`computes the loss and every gradient like the plain TypeScript reference, within float32 rounding: ${name}`, () => {
      const fast = createConvEngineFactory(module, { forward })(config, 1, m);
      const reference = createConvReferenceEngine(config, 1, m);
      const initial = fast.initialParameters(3);
      // Biases away from zero, so both engines see the same ReLU and pooling choices.
      for (const engine of [fast, reference]) {
        engine.params(0).set(initial);
        for (const layer of engine.layout.layers) {
          for (let i = 0; i < layer.bias.length; i++)
            engine.params(0)[layer.bias.offset + i] = 0.01 * (i % 5) - 0.02;
        }
      }
      const set = syntheticImages(m, config.height, config.outputSize, 1);
      if (config.height !== config.width) {
        // Non-square: fill the batch with noise instead.
        const random = new SeededRandom(2, 3);
        for (const engine of [fast, reference]) engine.batchInput.fill(0);
        const values = Float32Array.from({ length: m * config.height * config.width }, () =>
          random.uniform(),
        );
        for (const engine of [fast, reference]) {
          engine.batchInput.set(values);
          for (let i = 0; i < m; i++) engine.batchLabels[i] = i % config.outputSize;
          engine.prepareBatch(m);
        }
      } else {
        loadBatch(fast, set, m);
        loadBatch(reference, set, m);
      }
      const lossFast = fast.gradient(0, m);
      const lossReference = reference.gradient(0, m);
      // Losses are O(1) sums of float32 products: a few ulps of 2.3 ≈ 1e-6.
      expect(Math.abs(lossFast - lossReference)).toBeLessThan(1e-5);
      for (const slot of fast.layout.slots) {
        const a = fast.grads(0).subarray(slot.offset, slot.offset + slot.length);
        const b = reference.grads(0).subarray(slot.offset, slot.offset + slot.length);
        // Sums of up to m·576 float32 products in another order: ≈ √n ulps of the largest entry, measured ≤ 6e-7.
        expect(scaledError(a, b), slot.name).toBeLessThan(1e-5);
      }
      expect(Math.abs(fast.loss(0, m) - reference.loss(0, m))).toBeLessThan(1e-5);
      const ef = fast.evaluate(0, m);
      const er = reference.evaluate(0, m);
      expect(ef.correct).toBe(er.correct);
    });
  }

  it.skipIf(!existsSync("/usr/share/datasets/fashion-mnist"))(
    "agrees with the reference on real Fashion-MNIST images (background ties in the pooling included), when installed",
    () => {
      const m = 20;
      const fast = createConvEngineFactory(module)(BOOK_CONV_NETWORK, 1, m);
      const reference = createConvReferenceEngine(BOOK_CONV_NETWORK, 1, m);
      const initial = fast.initialParameters(6);
      const train = loadDataset("fashion-mnist").train;
      const indices = Array.from({ length: m }, (_, i) => i * 997);
      for (const engine of [fast, reference]) {
        engine.params(0).set(initial);
        gatherBatch(train, indices, engine.batchInput, engine.batchLabels);
        engine.prepareBatch(m);
      }
      expect(Math.abs(fast.gradient(0, m) - reference.gradient(0, m))).toBeLessThan(1e-5);
      for (const slot of fast.layout.slots) {
        const a = fast.grads(0).subarray(slot.offset, slot.offset + slot.length);
        const b = reference.grads(0).subarray(slot.offset, slot.offset + slot.length);
        expect(scaledError(a, b), slot.name).toBeLessThan(1e-5);
      }
    },
  );

  it("splits a batch into shares whose gradients add up to the whole batch's (data parallelism)", () => {
    const config = { ...BOOK_CONV_NETWORK, weightDecayLambda: 0.05 };
    const whole = createConvEngineFactory(module)(config, 1, 10);
    const parts = [
      createConvEngineFactory(module)(config, 1, 6),
      createConvEngineFactory(module)(config, 1, 4),
    ];
    const set = syntheticImages(10, 28, 10, 8);
    const initial = whole.initialParameters(2);
    for (const engine of [whole, ...parts]) engine.params(0).set(initial);
    loadBatch(whole, set, 10);
    const loss = whole.gradient(0, 10);
    let sum = 0;
    let start = 0;
    for (const part of parts) {
      const m = part.maxBatch;
      part.batchInput.set(set.pixels.subarray(start * 784, (start + m) * 784));
      for (let i = 0; i < m; i++) part.batchLabels[i] = set.labels[start + i];
      part.prepareBatch(m);
      sum += part.gradientShare?.(0, m, 10) ?? Number.NaN;
      start += m;
    }
    parts[0].addGradients?.(0, parts[1].grads(0));
    expect(scaledError(parts[0].grads(0), whole.grads(0))).toBeLessThan(1e-6);
    expect(Math.abs(sum / 10 - whole.evaluate(0, 10).sum / 10)).toBeLessThan(1e-6);
    expect(loss).toBeGreaterThan(sum / 10); // the whole batch's loss adds ½λΣW²
  });

  it("trains under trainPaired with any optimizer, paired from the conv network's own init, and learns", () => {
    const train = syntheticImages(400, 28, 10, 4);
    const test = syntheticImages(100, 28, 10, 5);
    const labels = ["adam", "momentum"];
    const optimizers = labels.map((spec) => ({ label: spec, optimizer: createOptimizer(spec) }));
    const engine = createConvEngineFactory(module)(BOOK_CONV_NETWORK, 2, 20);
    const plan = { seed: 1, iterations: 40, batchSize: 20, evalEvery: 40, checkpointEvery: 40, optimizers };
    const result = trainPaired(engine, { train, test }, plan);
    // The engine's own init is what trainPaired starts from: the same run as resuming from convTrainingStart.
    const again = createConvEngineFactory(module)(BOOK_CONV_NETWORK, 2, 20);
    const resumed = trainPaired(again, { train, test }, plan, {}, convTrainingStart(again, 1, labels));
    expect(resumed.curves.map((c) => Array.from(c))).toEqual(result.curves.map((c) => Array.from(c)));
    const first = result.evaluations.filter((e) => e.iteration === 0);
    const last = result.evaluations.filter((e) => e.iteration === 40);
    expect(first.map((e) => e.optimizer)).toEqual(labels);
    // Both start from the same weights: identical initial evaluations.
    expect(first[0].testLoss).toBe(first[1].testLoss);
    for (const e of last) expect(e.testAccuracy).toBeGreaterThan(0.5);
  });

  it("steps Muon's recipe (Muon on W2, AdamW on the rest) on the SIMD path, the same update as the plain composite", () => {
    const engine = createConvEngineFactory(module)(BOOK_CONV_NETWORK, 1, 10);
    const set = syntheticImages(10, 28, 10, 3);
    const initial = engine.initialParameters(4);
    engine.params(0).set(initial);
    engine.batchInput.set(set.pixels.subarray(0, 10 * 784));
    engine.batchLabels.set(set.labels.subarray(0, 10));
    engine.prepareBatch(10);
    engine.gradient(0, 10);
    const layout = convNetLayout(BOOK_CONV_NETWORK);
    const fast = engine.accelerate?.(0, createNetworkOptimizer("muon", layout).optimizer);
    const plain = createNetworkOptimizer("muon", layout).optimizer;
    if (fast === undefined) throw new Error("the conv engine accelerates");
    const fastState = fast.init(layout.size, "float32");
    const plainState = plain.init(layout.size, "float32");
    const expected = Float32Array.from(initial);
    const grads = engine.grads(0).slice();
    fast.step(engine.params(0), engine.grads(0), fastState);
    plain.step(expected, grads, plainState);
    const paths = engine.stepPaths?.(0) ?? [];
    expect(paths.find((p) => p.slot === "W2")).toMatchObject({ optimizer: "muon", simd: 1, plain: 0 });
    expect(paths.every((p) => p.simd === 1 && p.plain === 0)).toBe(true);
    expect(scaledError(engine.params(0), expected)).toBeLessThan(1e-5);
  });

  it("describes itself to checks as the widths of its stages, so the dense init cannot silently fill it", () => {
    const engine = createConvEngineFactory(module)(BOOK_CONV_NETWORK, 1, 1);
    expect(engine.config.inputSize).toBe(784);
    expect(engine.config.hiddenSizes).toEqual([4320, 100]);
    expect(engine.layout.size).toBe(433890);
  });
});
