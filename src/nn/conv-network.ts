import { NamedParameters } from "../optim/named.js";
import type { DType, FloatArray } from "../optim/types.js";
import { zeros } from "../optim/types.js";
import { type ConvNetConfig, type ConvNetLayout, convNetLayout } from "./conv-layout.js";
import { RandomStream, SeededRandom } from "./random.js";
import {
  type CrossEntropy,
  denseBackward,
  denseForward,
  softmaxCrossEntropy,
  weightDecayTerm,
} from "./reference-kernels.js";

/**
 * The book's initial parameters for the conv network, in float64: every weight array (W1 filters in
 * (filter, channel, row, column) order, then W2, then W3, row by row) is √(2 / fan_in) · randn from
 * `SeededRandom(seed, weights stream)`, biases zero. fan_in of the filters is channels · size².
 */
export function convInitialParameters(config: ConvNetConfig, seed: number): Float64Array {
  const layout = convNetLayout(config);
  const params = new Float64Array(layout.size);
  const random = new SeededRandom(seed, RandomStream.weights);
  for (const layer of layout.layers) {
    const scale = Math.sqrt(2 / layer.fanIn);
    const { offset, length } = layer.weights;
    for (let i = 0; i < length; i++) params[offset + i] = scale * random.normal();
  }
  return params;
}

/**
 * Convolution forward, direct loops (the reference; the fast engine uses im2col + GEMM): for m images
 * x (m × C × H × W), out (m × F × OH × OW) = b[f] + Σ_{c, ky, kx} W[f, c, ky, kx] · x[c, y·s + ky − pad, x·s + kx − pad],
 * zero outside the image.
 */
export function convForward(
  x: FloatArray,
  w: FloatArray,
  b: FloatArray,
  out: FloatArray,
  m: number,
  config: ConvNetConfig,
  layout: ConvNetLayout,
): void {
  const { channels: C, height: H, width: W, filters: F, filterSize: K, stride: S, pad: P } = config;
  const OH = layout.convHeight;
  const OW = layout.convWidth;
  for (let n = 0; n < m; n++) {
    for (let f = 0; f < F; f++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          let sum = b[f];
          for (let c = 0; c < C; c++) {
            for (let ky = 0; ky < K; ky++) {
              const iy = oy * S + ky - P;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < K; kx++) {
                const ix = ox * S + kx - P;
                if (ix < 0 || ix >= W) continue;
                sum += w[((f * C + c) * K + ky) * K + kx] * x[((n * C + c) * H + iy) * W + ix];
              }
            }
          }
          out[((n * F + f) * OH + oy) * OW + ox] = sum;
        }
      }
    }
  }
}

/** dW and db of the convolution from dOut (m × F × OH × OW); the input gradient is never needed (first layer). */
export function convBackward(
  x: FloatArray,
  dOut: FloatArray,
  dw: FloatArray,
  db: FloatArray,
  m: number,
  config: ConvNetConfig,
  layout: ConvNetLayout,
): void {
  const { channels: C, height: H, width: W, filters: F, filterSize: K, stride: S, pad: P } = config;
  const OH = layout.convHeight;
  const OW = layout.convWidth;
  dw.fill(0);
  db.fill(0);
  for (let n = 0; n < m; n++) {
    for (let f = 0; f < F; f++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          const d = dOut[((n * F + f) * OH + oy) * OW + ox];
          if (d === 0) continue;
          db[f] += d;
          for (let c = 0; c < C; c++) {
            for (let ky = 0; ky < K; ky++) {
              const iy = oy * S + ky - P;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < K; kx++) {
                const ix = ox * S + kx - P;
                if (ix < 0 || ix >= W) continue;
                dw[((f * C + c) * K + ky) * K + kx] += d * x[((n * C + c) * H + iy) * W + ix];
              }
            }
          }
        }
      }
    }
  }
}

/**
 * Max pooling as the book's `Pooling` layer: out[n, f, py, px] = max over the window (ky, kx) in row-major
 * order; `argmax` keeps the flat index into `x` of the first maximum (numpy's argmax), for the backward pass.
 */
export function maxPoolForward(
  x: FloatArray,
  out: FloatArray,
  argmax: Int32Array,
  m: number,
  config: ConvNetConfig,
  layout: ConvNetLayout,
): void {
  const { filters: F, poolSize: K, poolStride: S } = config;
  const { convHeight: H, convWidth: W, pooledHeight: PH, pooledWidth: PW } = layout;
  for (let nf = 0; nf < m * F; nf++) {
    for (let py = 0; py < PH; py++) {
      for (let px = 0; px < PW; px++) {
        let best = -Infinity;
        let where = -1;
        for (let ky = 0; ky < K; ky++) {
          for (let kx = 0; kx < K; kx++) {
            const i = (nf * H + py * S + ky) * W + px * S + kx;
            if (where < 0 || x[i] > best) {
              best = x[i];
              where = i;
            }
          }
        }
        const o = (nf * PH + py) * PW + px;
        out[o] = best;
        argmax[o] = where;
      }
    }
  }
}

/** Routes each pooled gradient to its window's first maximum: dx = 0 elsewhere (+= where windows overlap). */
export function maxPoolBackward(dOut: FloatArray, argmax: Int32Array, dx: FloatArray, count: number): void {
  dx.fill(0);
  for (let o = 0; o < count; o++) dx[argmax[o]] += dOut[o];
}

/**
 * The book's `SimpleConvNet` (ch. 7) in plain TypeScript, float64 or float32, on ONE flat parameter
 * buffer with named views W1 (filters × channels × size × size), b1, W2 (flatSize × hidden), b2, W3, b3,
 * as `MultiLayerNet`. It is the reference of the WebAssembly engine and the float64 path of the
 * gradient check. Layers: conv → ReLU → max-pool → affine → ReLU → affine → softmax cross-entropy.
 */
export class SimpleConvNet {
  readonly config: ConvNetConfig;
  readonly layout: ConvNetLayout;
  readonly dtype: DType;
  readonly params: FloatArray;
  readonly grads: FloatArray;
  readonly views: Readonly<Record<string, FloatArray>>;
  readonly gradViews: Readonly<Record<string, FloatArray>>;
  readonly named: NamedParameters;
  /** ε of −log(y_t + ε): 1e-7 as the book; the gradient check sets 0 (the backward pass is exact for ε = 0). */
  logEpsilon = 1e-7;
  private capacity = 0;
  private conv: FloatArray = zeros(0);
  private pooled: FloatArray = zeros(0);
  private argmax = new Int32Array(0);
  private hidden: FloatArray = zeros(0);
  private scores: FloatArray = zeros(0);
  private dScores: FloatArray = zeros(0);
  private dHidden: FloatArray = zeros(0);
  private dPooled: FloatArray = zeros(0);
  private dConv: FloatArray = zeros(0);

  constructor(config: ConvNetConfig, dtype: DType = "float32", seed?: number) {
    this.config = config;
    this.layout = convNetLayout(config);
    this.dtype = dtype;
    this.named = new NamedParameters(
      Object.fromEntries(this.layout.slots.map((slot) => [slot.name, slot.length])),
      dtype,
    );
    this.params = this.named.params;
    this.grads = this.named.grads;
    this.views = this.named.views;
    this.gradViews = this.named.gradViews;
    if (seed !== undefined) this.params.set(convInitialParameters(config, seed));
  }

  private ensureCapacity(m: number): void {
    if (m <= this.capacity) return;
    this.capacity = m;
    const { filters, hiddenSize, outputSize } = this.config;
    const { convHeight, convWidth, flatSize } = this.layout;
    const convSize = m * filters * convHeight * convWidth;
    this.conv = zeros(convSize, this.dtype);
    this.dConv = zeros(convSize, this.dtype);
    this.pooled = zeros(m * flatSize, this.dtype);
    this.dPooled = zeros(m * flatSize, this.dtype);
    this.argmax = new Int32Array(m * flatSize);
    this.hidden = zeros(m * hiddenSize, this.dtype);
    this.dHidden = zeros(m * hiddenSize, this.dtype);
    this.scores = zeros(m * outputSize, this.dtype);
    this.dScores = zeros(m * outputSize, this.dtype);
  }

  /** Scores (m × outputSize, a reused buffer) of m images x (m × channels·height·width). */
  predict(x: FloatArray, m: number): FloatArray {
    this.ensureCapacity(m);
    const { config, layout, views } = this;
    convForward(x, views.W1, views.b1, this.conv, m, config, layout);
    for (let i = 0; i < this.conv.length; i++) if (this.conv[i] <= 0) this.conv[i] = 0; // ReLU as the book
    maxPoolForward(this.conv, this.pooled, this.argmax, m, config, layout);
    denseForward(this.pooled, views.W2, views.b2, this.hidden, m, layout.flatSize, config.hiddenSize, "relu");
    denseForward(
      this.hidden,
      views.W3,
      views.b3,
      this.scores,
      m,
      config.hiddenSize,
      config.outputSize,
      "none",
    );
    return this.scores;
  }

  private weightDecay(): number {
    return weightDecayTerm(
      this.params,
      this.layout.layers.map((layer) => layer.weights),
      this.config.weightDecayLambda,
    );
  }

  evaluate(x: FloatArray, labels: ArrayLike<number>, m: number): CrossEntropy {
    return softmaxCrossEntropy(this.predict(x, m), labels, m, this.config.outputSize, null, this.logEpsilon);
  }

  /** Mean cross-entropy plus ½·λ·ΣW² (all three weight arrays). */
  loss(x: FloatArray, labels: ArrayLike<number>, m: number): number {
    return this.evaluate(x, labels, m).sum / m + this.weightDecay();
  }

  accuracy(x: FloatArray, labels: ArrayLike<number>, m: number): number {
    return this.evaluate(x, labels, m).correct / m;
  }

  /**
   * Backpropagation: fills `grads`, returns the loss before any update. The pooled gradient is multiplied by
   * (pooled > 0): a pooled value is positive exactly when the ReLU input at its window's maximum is, so this is
   * the book's Relu backward applied after the Pooling backward.
   */
  gradient(x: FloatArray, labels: ArrayLike<number>, m: number): number {
    const scores = this.predict(x, m);
    const { config, layout, views, gradViews } = this;
    const { sum } = softmaxCrossEntropy(scores, labels, m, config.outputSize, this.dScores, this.logEpsilon);
    denseBackward(
      this.hidden,
      views.W3,
      this.dScores,
      gradViews.W3,
      gradViews.b3,
      this.dHidden,
      m,
      config.hiddenSize,
      config.outputSize,
      "relu",
    );
    denseBackward(
      this.pooled,
      views.W2,
      this.dHidden,
      gradViews.W2,
      gradViews.b2,
      this.dPooled,
      m,
      layout.flatSize,
      config.hiddenSize,
      "relu",
    );
    maxPoolBackward(this.dPooled, this.argmax, this.dConv, m * layout.flatSize);
    convBackward(x, this.dConv, gradViews.W1, gradViews.b1, m, config, layout);
    const lambda = config.weightDecayLambda;
    if (lambda !== 0) {
      for (const layer of layout.layers) {
        const w = views[layer.weights.name];
        const dw = gradViews[layer.weights.name];
        for (let i = 0; i < w.length; i++) dw[i] += lambda * w[i];
      }
    }
    return sum / m + this.weightDecay();
  }

  /** Central differences of `loss` on every parameter (order 2), or the five-point stencil (order 4, error O(h⁴)). */
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
      result[i] =
        order === 2
          ? (at(h) - at(-h)) / (2 * h)
          : (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
      p[i] = saved;
    }
    return result;
  }
}
