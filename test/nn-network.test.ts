import { describe, expect, it } from "vitest";
import { initialParameters } from "../src/nn/init.js";
import { BOOK_NETWORK, type NetworkConfig, networkLayout } from "../src/nn/layout.js";
import { MultiLayerNet } from "../src/nn/network.js";
import { SeededRandom } from "../src/nn/random.js";
import { createOptimizer } from "../src/optim/index.js";

function randomBatch(m: number, inputSize: number, classes: number, seed: number) {
  const random = new SeededRandom(seed, 7);
  // Inputs like pixels: in [0, 1], about 60 % exact zeros.
  const x = Float64Array.from({ length: m * inputSize }, () =>
    random.uniform() < 0.6 ? 0 : random.uniform(),
  );
  const labels = Int32Array.from({ length: m }, () => random.integer(classes));
  return { x, labels };
}

const SMALL: NetworkConfig = {
  inputSize: 12,
  hiddenSizes: [7, 6, 5],
  outputSize: 4,
  activation: "relu",
  weightDecayLambda: 0,
};

function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
  return worst;
}

describe("MultiLayerNet (the book's network)", () => {
  it("lays W1, b1, …, W5, b5 out in one flat buffer of 784·100 + 3·100·100 + 100·10 + 410 values", () => {
    const layout = networkLayout(BOOK_NETWORK);
    expect(layout.slots.map((slot) => slot.name)).toEqual([
      "W1",
      "b1",
      "W2",
      "b2",
      "W3",
      "b3",
      "W4",
      "b4",
      "W5",
      "b5",
    ]);
    expect(layout.size).toBe(784 * 100 + 3 * 100 * 100 + 100 * 10 + 4 * 100 + 10);
    const net = new MultiLayerNet(BOOK_NETWORK, "float32", 1);
    net.views.W2[3] = 42;
    expect(net.params[layout.slots[2].offset + 3]).toBe(42);
  });

  it("initialises weights as randn·√(2/fan_in) with zero biases", () => {
    const params = initialParameters(BOOK_NETWORK, 1);
    const layout = networkLayout(BOOK_NETWORK);
    for (const layer of layout.layers) {
      const w = params.subarray(layer.weights.offset, layer.weights.offset + layer.weights.length);
      let sum = 0;
      let squares = 0;
      for (const value of w) {
        sum += value;
        squares += value * value;
      }
      const variance = squares / w.length - (sum / w.length) ** 2;
      // Sample variance of n normals has relative standard error √(2/n) ≤ 0.045 here; allow 5 of them.
      expect(Math.abs(variance / (2 / layer.fanIn) - 1)).toBeLessThan(5 * Math.sqrt(2 / w.length));
      expect(
        params.subarray(layer.bias.offset, layer.bias.offset + layer.bias.length).every((b) => b === 0),
      ).toBe(true);
    }
    expect(initialParameters(BOOK_NETWORK, 1)).toEqual(params);
    expect(initialParameters(BOOK_NETWORK, 2)[0]).not.toBe(params[0]);
  });

  it("starts near the loss of a uniform guess, ln 10 ≈ 2.303", () => {
    const net = new MultiLayerNet(BOOK_NETWORK, "float64", 3);
    const { x, labels } = randomBatch(64, 784, 10, 3);
    const loss = net.loss(x, labels, 64);
    expect(loss).toBeGreaterThan(1.5);
    expect(loss).toBeLessThan(4);
  });

  for (const activation of ["relu", "sigmoid"] as const) {
    for (const lambda of [0, 0.1]) {
      it(`passes the book's gradient check in float64 (${activation}, weight decay ${lambda})`, () => {
        const config = { ...SMALL, activation, weightDecayLambda: lambda };
        const net = new MultiLayerNet(config, "float64", 11);
        // Non-zero biases so every bias gradient is exercised.
        const random = new SeededRandom(5, 8);
        for (const layer of net.layout.layers) {
          const b = net.views[layer.bias.name];
          for (let i = 0; i < b.length; i++) b[i] = 0.1 * random.normal();
        }
        const { x, labels } = randomBatch(9, config.inputSize, config.outputSize, 21);
        net.gradient(x, labels, 9);
        const backprop = Float64Array.from(net.grads);
        // The book's own check, as its gradient_check.py: ε = 1e-7 in the loss, central differences with
        // h = 1e-4. Backprop ignores ε, so they differ by ≈ 1e-7 relative.
        const numeric2 = net.numericalGradient(x, labels, 9);
        expect(maxRelativeError(backprop, numeric2)).toBeLessThan(1e-6);
        // The tight check: ε = 0 and the five-point stencil (error O(h⁴)); for ReLU h stays small so that no
        // probe crosses a kink, and the rounding error ≈ 1e-16/h dominates.
        net.logEpsilon = 0;
        net.gradient(x, labels, 9);
        const exact = Float64Array.from(net.grads);
        const numeric4 = net.numericalGradient(x, labels, 9, activation === "relu" ? 1e-5 : 1e-3, 4);
        expect(maxRelativeError(exact, numeric4)).toBeLessThan(activation === "relu" ? 1e-9 : 1e-11);
      });
    }
  }

  it("computes the same loss in float32 as in float64 up to float32 rounding", () => {
    const net64 = new MultiLayerNet(BOOK_NETWORK, "float64", 4);
    const net32 = new MultiLayerNet(BOOK_NETWORK, "float32", 4);
    net64.params.set(net32.params);
    const { x, labels } = randomBatch(32, 784, 10, 4);
    const loss64 = net64.gradient(x, labels, 32);
    const loss32 = net32.gradient(Float32Array.from(x), labels, 32);
    expect(Math.abs(loss32 - loss64) / loss64).toBeLessThan(1e-5);
    expect(maxRelativeError(net32.grads, net64.grads)).toBeLessThan(1e-4);
  });

  it("lets the book's update(params, grads) over named views step the same as one flat step", () => {
    const a = new MultiLayerNet(SMALL, "float32", 9);
    const b = new MultiLayerNet(SMALL, "float32", 9);
    const { x, labels } = randomBatch(5, SMALL.inputSize, SMALL.outputSize, 9);
    const optimizer = createOptimizer("adam:lr=0.01");
    const stateA = optimizer.init(a.layout.size, "float32");
    const stateB = optimizer.init(b.layout.size, "float32");
    for (let i = 0; i < 3; i++) {
      a.gradient(x, labels, 5);
      optimizer.step(a.params, a.grads, stateA);
      b.gradient(x, labels, 5);
      b.named.update(optimizer, stateB, b.views, b.gradViews);
    }
    expect(Array.from(b.params)).toEqual(Array.from(a.params));
  });
});
