import { NamedParameters } from "../optim/named.js";
import type { DType, FloatArray } from "../optim/types.js";
import { zeros } from "../optim/types.js";
import { initialParameters } from "./init.js";
import { checkNetworkConfig, type NetworkConfig, type NetworkLayout, networkLayout } from "./layout.js";
import {
  type CrossEntropy,
  denseBackward,
  denseForward,
  softmaxCrossEntropy,
  weightDecayTerm,
} from "./reference-kernels.js";

/**
 * The book's `MultiLayerNet` (Deep Learning from Scratch, `common/multi_layer_net.py`) in plain
 * TypeScript: affine → ReLU (or sigmoid) for every hidden layer, affine → softmax cross-entropy at the
 * end. All parameters live in ONE flat buffer (`params`) with named views (`W1`, `b1`, …), and all
 * gradients in a second buffer of the same layout, so an optimizer steps everything with one
 * `step(params, grads, state)` call. float32 is the training precision; float64 serves the gradient check.
 */
export class MultiLayerNet {
  readonly config: NetworkConfig;
  readonly layout: NetworkLayout;
  readonly dtype: DType;
  readonly params: FloatArray;
  readonly grads: FloatArray;
  /** Named views into `params`: W1, b1, W2, b2, … */
  readonly views: Readonly<Record<string, FloatArray>>;
  /** Named views into `grads`. */
  readonly gradViews: Readonly<Record<string, FloatArray>>;
  /** The same buffers as the project's `NamedParameters`, whose `update` is the book's `optimizer.update(params, grads)`. */
  readonly named: NamedParameters;
  /**
   * ε of the loss −log(y_t + ε): 1e-7 as the book. The backward pass is the exact gradient for ε = 0 (as
   * the book's), so the gradient check sets it to 0 to compare at 1e-9 instead of ≈1e-7.
   */
  logEpsilon = 1e-7;
  private activations: FloatArray[] = [];
  private deltas: FloatArray[] = [];
  private capacity = 0;

  constructor(config: NetworkConfig, dtype: DType = "float32", seed?: number) {
    checkNetworkConfig(config);
    this.config = config;
    this.layout = networkLayout(config);
    this.dtype = dtype;
    this.named = new NamedParameters(
      Object.fromEntries(this.layout.slots.map((slot) => [slot.name, slot.length])),
      dtype,
    );
    this.params = this.named.params;
    this.grads = this.named.grads;
    this.views = this.named.views;
    this.gradViews = this.named.gradViews;
    if (seed !== undefined) this.params.set(initialParameters(config, seed));
  }

  private ensureCapacity(m: number): void {
    if (m <= this.capacity) return;
    this.capacity = m;
    const sizes = this.layout.layers.map((layer) => layer.fanOut);
    this.activations = sizes.map((size) => zeros(m * size, this.dtype));
    this.deltas = sizes.map((size) => zeros(m * size, this.dtype));
  }

  /** Runs the layers on m rows of x (m × inputSize); returns the scores (m × outputSize, a reused buffer). */
  predict(x: FloatArray, m: number): FloatArray {
    this.ensureCapacity(m);
    const layers = this.layout.layers;
    let input = x;
    for (let l = 0; l < layers.length; l++) {
      const layer = layers[l];
      const isLast = l === layers.length - 1;
      denseForward(
        input,
        this.views[layer.weights.name],
        this.views[layer.bias.name],
        this.activations[l],
        m,
        layer.fanIn,
        layer.fanOut,
        isLast ? "none" : this.config.activation,
      );
      input = this.activations[l];
    }
    return input;
  }

  private weightDecay(): number {
    return weightDecayTerm(
      this.params,
      this.layout.layers.map((layer) => layer.weights),
      this.config.weightDecayLambda,
    );
  }

  /** Cross-entropy sum and correct count on m rows, without weight decay (for test-set evaluation). */
  evaluate(x: FloatArray, labels: ArrayLike<number>, m: number): CrossEntropy {
    const scores = this.predict(x, m);
    return softmaxCrossEntropy(scores, labels, m, this.config.outputSize, null, this.logEpsilon);
  }

  /** The book's `loss(x, t)`: mean cross-entropy plus ½·λ·ΣW². */
  loss(x: FloatArray, labels: ArrayLike<number>, m: number): number {
    return this.evaluate(x, labels, m).sum / m + this.weightDecay();
  }

  /** The book's `accuracy(x, t)`. */
  accuracy(x: FloatArray, labels: ArrayLike<number>, m: number): number {
    return this.evaluate(x, labels, m).correct / m;
  }

  /** The book's `gradient(x, t)` by backpropagation: fills `grads`, returns the loss before any update. */
  gradient(x: FloatArray, labels: ArrayLike<number>, m: number): number {
    const scores = this.predict(x, m);
    const layers = this.layout.layers;
    const last = layers.length - 1;
    const { sum } = softmaxCrossEntropy(
      scores,
      labels,
      m,
      this.config.outputSize,
      this.deltas[last],
      this.logEpsilon,
    );
    for (let l = last; l >= 0; l--) {
      const layer = layers[l];
      const input = l === 0 ? x : this.activations[l - 1];
      denseBackward(
        input,
        this.views[layer.weights.name],
        this.deltas[l],
        this.gradViews[layer.weights.name],
        this.gradViews[layer.bias.name],
        l === 0 ? null : this.deltas[l - 1],
        m,
        layer.fanIn,
        layer.fanOut,
        this.config.activation,
      );
    }
    const lambda = this.config.weightDecayLambda;
    if (lambda !== 0) {
      for (const layer of layers) {
        const w = this.views[layer.weights.name];
        const dw = this.gradViews[layer.weights.name];
        for (let i = 0; i < w.length; i++) dw[i] += lambda * w[i];
      }
    }
    return sum / m + this.weightDecay();
  }

  /**
   * The book's `numerical_gradient`: central differences (f(θ + h) − f(θ − h)) / 2h on every
   * parameter, h = 1e-4 by default. With `order` 4 it uses the five-point stencil
   * (−f(θ+2h) + 8f(θ+h) − 8f(θ−h) + f(θ−2h)) / 12h, whose error is O(h⁴).
   */
  numericalGradient(
    x: FloatArray,
    labels: ArrayLike<number>,
    m: number,
    h = 1e-4,
    order: 2 | 4 = 2,
  ): FloatArray {
    const result = zeros(this.layout.size, this.dtype);
    const p = this.params;
    for (let i = 0; i < p.length; i++) {
      const saved = p[i];
      const at = (delta: number): number => {
        p[i] = saved + delta;
        return this.loss(x, labels, m);
      };
      if (order === 2) {
        result[i] = (at(h) - at(-h)) / (2 * h);
      } else {
        result[i] = (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
      }
      p[i] = saved;
    }
    return result;
  }
}
