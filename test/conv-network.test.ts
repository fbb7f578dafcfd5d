import { describe, expect, it } from "vitest";
import { BOOK_CONV_NETWORK, type ConvNetConfig, convNetLayout } from "../src/nn/conv-layout.js";
import { convInitialParameters, SimpleConvNet } from "../src/nn/conv-network.js";
import { SeededRandom } from "../src/nn/random.js";
import { createOptimizer } from "../src/optim/index.js";

/** A small conv net for the float64 checks: 2 channels 7×7, 3 filters 3×3 with padding 1, pool 2×2/2 → 3·3·3 = 27 → 5 → 4. */
const SMALL: ConvNetConfig = {
  kind: "conv",
  channels: 2,
  height: 7,
  width: 7,
  filters: 3,
  filterSize: 3,
  stride: 1,
  pad: 1,
  poolSize: 2,
  poolStride: 2,
  hiddenSize: 5,
  outputSize: 4,
  weightDecayLambda: 0,
};

function randomImages(config: ConvNetConfig, m: number, seed: number) {
  const random = new SeededRandom(seed, 7);
  const size = config.channels * config.height * config.width;
  const x = new Float64Array(m * size);
  // Fashion-MNIST-like: a quarter of the pixels exactly zero (background), the rest in (0, 1).
  for (let i = 0; i < x.length; i++) x[i] = random.uniform() < 0.25 ? 0 : random.uniform();
  const labels = Int32Array.from({ length: m }, () => random.integer(config.outputSize));
  return { x, labels };
}

/** |a − n| / max(|a|, |n|, 1e-3) over all parameters: relative error, with an absolute floor for tiny gradients. */
function worstRelative(a: ArrayLike<number>, n: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const scale = Math.max(Math.abs(a[i]), Math.abs(n[i]), 1e-3);
    worst = Math.max(worst, Math.abs(a[i] - n[i]) / scale);
  }
  return worst;
}

describe("SimpleConvNet (the book's ch. 7 network)", () => {
  it("lays W1 (30×1×5×5), b1, W2 (4320×100), b2, W3 (100×10), b3 out in one flat buffer with their roles", () => {
    const layout = convNetLayout(BOOK_CONV_NETWORK);
    expect(layout.slots.map((s) => [s.name, s.length, s.role])).toEqual([
      ["W1", 750, "conv-filters"],
      ["b1", 30, "bias"],
      ["W2", 432000, "dense-weights"],
      ["b2", 100, "bias"],
      ["W3", 1000, "dense-weights"],
      ["b3", 10, "bias"],
    ]);
    expect([layout.convHeight, layout.pooledHeight, layout.flatSize, layout.size]).toEqual([
      24, 12, 4320, 433890,
    ]);
    expect(layout.slots[2].offset).toBe(780);
  });

  it("initialises every weight array as randn·√(2/fan_in) (fan_in 25 for the filters) with zero biases", () => {
    const layout = convNetLayout(BOOK_CONV_NETWORK);
    const p = convInitialParameters(BOOK_CONV_NETWORK, 1);
    for (const layer of layout.layers) {
      const w = p.subarray(layer.weights.offset, layer.weights.offset + layer.weights.length);
      let sq = 0;
      for (const v of w) sq += v * v;
      // The sample variance of n normals has relative standard error √(2/n): 5 % for the 750 filter weights.
      expect(sq / w.length / (2 / layer.fanIn)).toBeCloseTo(1, 0);
      expect(p.subarray(layer.bias.offset, layer.bias.offset + layer.bias.length).every((v) => v === 0)).toBe(
        true,
      );
    }
  });

  it("passes the gradient check in float64: backpropagation equals the five-point differences within 1e-6 relative", () => {
    for (const lambda of [0, 0.1]) {
      const config = { ...SMALL, weightDecayLambda: lambda };
      const net = new SimpleConvNet(config, "float64", 4);
      // Non-zero biases, so the ReLU and pooling choices are not ties at zero.
      for (const b of ["b1", "b2", "b3"]) {
        const view = net.views[b];
        for (let i = 0; i < view.length; i++) view[i] = 0.05 * (i + 1);
      }
      net.logEpsilon = 0; // the backward pass is exact for ε = 0
      const { x, labels } = randomImages(config, 3, 11);
      net.gradient(x, labels, 3);
      const analytic = Float64Array.from(net.grads);
      // Five-point stencil, h = 1e-3: truncation h⁴·|f⁽⁵⁾|/30 ≈ 1e-13 and rounding ≈ 1e-16·|f|/h ≈ 1e-13,
      // so an honest gradient agrees to ≈1e-9 relative; 1e-6 still catches any wrong index or factor (≥ 1e-2).
      // h is small enough that no ReLU input or pooling maximum changes side within ±2h for this seed.
      const numeric = net.numericalGradient(x, labels, 3, 1e-3, 4);
      expect(worstRelative(analytic, numeric)).toBeLessThan(1e-6);
    }
  });

  it("keeps its named views on the flat buffers: writing a view writes the buffer, bit for bit in float64", () => {
    const net = new SimpleConvNet(SMALL, "float64", 2);
    const layout = net.layout;
    for (const slot of layout.slots) {
      const view = net.views[slot.name];
      expect(view.buffer).toBe(net.params.buffer);
      expect(Array.from(view)).toEqual(
        Array.from(net.params.subarray(slot.offset, slot.offset + slot.length)),
      );
      expect(net.gradViews[slot.name].buffer).toBe(net.grads.buffer);
    }
    const { x, labels } = randomImages(SMALL, 2, 3);
    net.gradient(x, labels, 2);
    const flat = Float64Array.from(net.grads);
    const joined = new Float64Array(layout.size);
    for (const slot of layout.slots) joined.set(net.gradViews[slot.name], slot.offset);
    expect(joined).toEqual(flat);
    // The book's update(params, grads) over the named views steps exactly like one flat step.
    const a = new SimpleConvNet(SMALL, "float64", 2);
    const b = new SimpleConvNet(SMALL, "float64", 2);
    const optimizer = createOptimizer("adam");
    const sa = optimizer.init(layout.size, "float64");
    const sb = optimizer.init(layout.size, "float64");
    a.gradient(x, labels, 2);
    b.gradient(x, labels, 2);
    optimizer.step(a.params, a.grads, sa);
    b.named.update(optimizer, sb, b.views, b.gradViews);
    expect(Float64Array.from(b.params)).toEqual(Float64Array.from(a.params));
  });

  it("computes the same loss in float32 as in float64 up to float32 rounding", () => {
    const a = new SimpleConvNet(BOOK_CONV_NETWORK, "float64", 5);
    const b = new SimpleConvNet(BOOK_CONV_NETWORK, "float32", 5);
    const { x, labels } = randomImages(BOOK_CONV_NETWORK, 2, 5);
    expect(Math.abs(a.loss(x, labels, 2) - b.loss(Float32Array.from(x), labels, 2))).toBeLessThan(1e-5);
  });

  it("refuses a filter that does not fit the image, naming the rule and the value", () => {
    expect(() => convNetLayout({ ...SMALL, pad: 0, filterSize: 9 })).toThrow(
      "conv network: filterSize must fit the padded image, got 9 for 7×7 + 2·0",
    );
    expect(() => convNetLayout({ ...SMALL, filters: 0 })).toThrow(
      "conv network: filters must be a whole number in [1, 100000], got 0",
    );
  });
});
