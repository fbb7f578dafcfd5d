import type { FloatArray, OptimizerState } from "../optim/types.js";
import { InputRangeError } from "../util/errors.js";
import { type ConvNetConfig, type ConvNetLayout, convNetLayout, convStageSummary } from "./conv-layout.js";
import { convInitialParameters, SimpleConvNet } from "./conv-network.js";
import type { BatchEngine, StepPathCount } from "./engine.js";
import {
  ACCELERATED_STATE_ARRAYS,
  acceleratedScratchFloats,
  accelerateInMemory,
} from "./kernels/accelerate.js";
import { instantiateKernels, KernelArena, type KernelExports } from "./kernels/wasm-kernels.js";
import { RandomStream, SeededRandom } from "./random.js";
import { type CrossEntropy, softmaxCrossEntropy } from "./reference-kernels.js";

type Ptr = number;

/** The conv kernels of `wasm/conv.ts`, beside the dense products every engine uses. */
export interface ConvKernelExports extends KernelExports {
  im2col(
    x: Ptr,
    m: number,
    C: number,
    H: number,
    W: number,
    K: number,
    S: number,
    P: number,
    OH: number,
    OW: number,
    col: Ptr,
    ldcol: number,
  ): void;
  conv_relu_pool2_direct(
    x: Ptr,
    C: number,
    H: number,
    W: number,
    S: number,
    offsets: Ptr,
    m: number,
    OH: number,
    OW: number,
    w: Ptr,
    ldw: number,
    K: number,
    F: number,
    bias: Ptr,
    PH: number,
    PW: number,
    pooled: Ptr,
    argmax: Ptr,
    tmp: Ptr,
    tmpArg: Ptr,
  ): void;
  maxpool_forward(
    y: Ptr,
    m: number,
    F: number,
    H: number,
    W: number,
    PK: number,
    PS: number,
    PH: number,
    PW: number,
    out: Ptr,
    argmax: Ptr,
  ): void;
  conv_relu_pool2(
    col: Ptr,
    ldcol: number,
    m: number,
    OH: number,
    OW: number,
    w: Ptr,
    ldw: number,
    K: number,
    F: number,
    bias: Ptr,
    PH: number,
    PW: number,
    pooled: Ptr,
    argmax: Ptr,
    tmp: Ptr,
    tmpArg: Ptr,
  ): void;
  conv_pool_weight_grad(
    col: Ptr,
    ldcol: number,
    m: number,
    F: number,
    plane: number,
    dpooled: Ptr,
    argmax: Ptr,
    dw: Ptr,
    db: Ptr,
  ): void;
  transpose4(src: Ptr, rows: number, cols: number, dst: Ptr): void;
  gemm_nn_kblocked(
    a: Ptr,
    lda: number,
    b: Ptr,
    ldb: number,
    c: Ptr,
    ldc: number,
    m: number,
    k: number,
    n: number,
    bias: Ptr,
    relu: number,
    kc: number,
  ): void;
}

/**
 * The forward convolution measured faster here: the fused kernel took 4.03–4.09 ms reading the images directly
 * and 4.24–4.30 ms reading im2col rows per batch of 100 (fastest CPU time of 25 runs, Fashion-MNIST, 2026-12-01),
 * and evaluation then skips im2col (0.81 ms per batch) altogether. `bench:cnn -- --forward im2col` compares.
 */
const DEFAULT_FORWARD: "im2col" | "direct" = "direct";

/** K chunk of the affine layer's forward product: 256 rows of W2 (100 KB) stay in L2 across the batch. */
const K_CHUNK = 256;
/** Column chunk of dPooled = dH·W2ᵀ: 512 columns of W2ᵀ (100 × 512, 200 KB) stay in L2 across the batch. */
const N_CHUNK = 512;

/**
 * A `BatchEngine` over the conv network: the same methods, so `trainPaired` and the optimizers train it
 * unchanged. `config` is the MLP-shaped stage summary (`convStageSummary`: input pixels, λ); `net` is the
 * conv config and `layout` the conv layout (whose `layers` carry every weight array with its role).
 * `initialParameters(seed)` is this network's He init: start a paired run from it (see `convTrainingStart`).
 */
export interface ConvBatchEngine extends BatchEngine {
  readonly net: ConvNetConfig;
  readonly layout: ConvNetLayout;
  initialParameters(seed: number): Float64Array;
  /**
   * Data parallelism: the gradient of this part's share of a batch of `total` rows split over several engines —
   * ∂/∂θ of (Σ over these m rows of the cross-entropy) / total + (m / total)·½λΣW² — so the parts' gradients
   * sum to the whole batch's. Returns the part's cross-entropy sum.
   */
  gradientShare?(network: number, m: number, total: number): number;
  /** grads(network) += other (another part's `gradientShare`), in SIMD where the engine has it. */
  addGradients?(network: number, other: Float32Array): void;
}

export type ConvBatchEngineFactory = (
  config: ConvNetConfig,
  networks: number,
  maxBatch: number,
) => ConvBatchEngine;

/** The plain TypeScript conv engine: one float32 `SimpleConvNet` per copy (the reference, slow). */
export const createConvReferenceEngine: ConvBatchEngineFactory = (net, networks, maxBatch) => {
  const layout = convNetLayout(net);
  const nets = Array.from({ length: networks }, () => new SimpleConvNet(net, "float32"));
  const batchInput = new Float32Array(maxBatch * layout.inputSize);
  const batchLabels = new Int32Array(maxBatch);
  return {
    kind: "reference",
    config: convStageSummary(net),
    net,
    layout,
    networks,
    maxBatch,
    batchInput,
    batchLabels,
    initialParameters: (seed) => convInitialParameters(net, seed),
    params: (i) => nets[i].params as Float32Array,
    grads: (i) => nets[i].grads as Float32Array,
    prepareBatch: () => {},
    gradient: (i, m) => nets[i].gradient(batchInput, batchLabels, m),
    loss: (i, m) => nets[i].loss(batchInput, batchLabels, m),
    evaluate: (i, m) => nets[i].evaluate(batchInput, batchLabels, m),
  };
};

/**
 * The fast conv engine on the WebAssembly SIMD kernels (float32), every buffer in the kernels' memory,
 * nothing allocated per step:
 *
 *   prepareBatch: im2col of the batch once (shared by every network and both forward passes), rows padded to a
 *                 multiple of 4 floats
 *   forward:      conv (col · W1ᵀ + b1) → ReLU → max-pool in one kernel for the book's 2×2/2 pool, the feature
 *                 maps never stored (other pools: gemm_nn with ReLU fused, then maxpool_forward), the maxima's
 *                 positions kept → gemm_nn + b2, ReLU → gemm_nn + b3 → softmax cross-entropy
 *   backward:     dW3, db3, dH (W3ᵀ, ReLU mask fused) → dW2 = pooledᵀ·dH, db2, dPooled = dH·W2ᵀ ⊙ (pooled > 0)
 *                 → dW1, db1 from the nonzero pooled gradients and the im2col rows of their maxima (no feature-map
 *                 gradient, no input gradient: first layer)
 */
export interface ConvEngineOptions {
  /**
   * How the forward convolution reads its patches (book's 2×2/2 pool without padding only; else im2col):
   * `im2col` from the im2col rows made once per batch, `direct` from the images through an offset table (the
   * im2col rows are then made only when a gradient needs them, so evaluation never builds them).
   */
  readonly forward?: "im2col" | "direct";
}

export function createConvEngineFactory(
  module: WebAssembly.Module,
  options: ConvEngineOptions = {},
): ConvBatchEngineFactory {
  return (net, networks, maxBatch) => {
    const layout = convNetLayout(net);
    const kernels = instantiateKernels(module) as ConvKernelExports;
    if (typeof kernels.im2col !== "function") {
      throw new InputRangeError(
        "conv engine: the WebAssembly kernels lack im2col; rebuild them (npm run build:wasm)",
      );
    }
    const arena = new KernelArena(kernels);
    const [convLayer, hiddenLayer, outputLayer] = layout.layers;
    const F = net.filters;
    const patch = convLayer.fanIn; // C·K·K
    const ldcol = Math.ceil(patch / 4) * 4;
    const positions = layout.convHeight * layout.convWidth;
    const flat = layout.flatSize;
    const hidden = net.hiddenSize;
    const classes = net.outputSize;
    const P = layout.size;

    const x = arena.floats(maxBatch * layout.inputSize);
    const labels = arena.ints(maxBatch);
    const col = arena.floats(maxBatch * positions * ldcol);
    const fused = net.poolSize === 2 && net.poolStride === 2;
    const direct = fused && net.pad === 0 && (options.forward ?? DEFAULT_FORWARD) === "direct";
    const ldw = Math.ceil(F / 8) * 8; // W1ᵀ and b1 padded with zero filters to whole 8-filter blocks
    const w1t = arena.floats(patch * ldw);
    const b1 = arena.floats(ldw);
    const dw1 = arena.floats(F * ldcol);
    const plane = layout.pooledHeight * layout.pooledWidth;
    const poolTmp = arena.floats(plane * ldw);
    const poolTmpArg = arena.ints(plane * ldw);
    const slack = (ldw - F) * plane; // conv_relu_pool2 writes whole 8-filter blocks of channel rows
    const transposed = arena.floats(Math.max(flat * hidden, hidden * classes));
    const incoming = arena.floats(P); // another part's gradient, copied in for addGradients
    const offsets = arena.ints(patch); // direct convolution: patch value p at image offset offsets[p]
    const nets = Array.from({ length: networks }, () => ({
      params: arena.floats(P),
      grads: arena.floats(P),
      conv: arena.floats(fused ? 0 : maxBatch * positions * F),
      pooled: arena.floats(maxBatch * flat + slack),
      argmax: arena.ints(maxBatch * flat + slack),
      dPooled: arena.floats(maxBatch * flat),
      hidden: arena.floats(maxBatch * hidden),
      dHidden: arena.floats(maxBatch * hidden),
      scores: arena.floats(maxBatch * classes),
      dScores: arena.floats(maxBatch * classes),
      statePool: arena.floats(ACCELERATED_STATE_ARRAYS * P),
    }));
    // The float32 Muon step's scratch for the largest matrix (Muon's recipe gives it the 4320×100 W2); shared.
    const scratch = arena.floats(acceleratedScratchFloats(layout));
    arena.commit();
    const paths: StepPathCount[][] = nets.map(() => []);

    const ptr = (array: FloatArray | Int32Array) => array.byteOffset;
    const at = (array: Float32Array, slot: { offset: number }) => array.byteOffset + 4 * slot.offset;
    let preparedRows = 0;
    let colReady = false;
    {
      const table = offsets();
      const K = net.filterSize;
      for (let c = 0; c < net.channels; c++)
        for (let ky = 0; ky < K; ky++)
          for (let kx = 0; kx < K; kx++)
            table[(c * K + ky) * K + kx] = (c * net.height + ky) * net.width + kx;
    }
    const ensureCol = (): void => {
      if (colReady) return;
      kernels.im2col(
        ptr(x()),
        preparedRows,
        net.channels,
        net.height,
        net.width,
        net.filterSize,
        net.stride,
        net.pad,
        layout.convHeight,
        layout.convWidth,
        ptr(col()),
        ldcol,
      );
      colReady = true;
    };

    const forward = (k: number, m: number): Float32Array => {
      const state = nets[k];
      const params = state.params();
      // W1 is (filter, patch) in the flat buffer; the product wants patch × filter.
      const w = w1t();
      const w1 = convLayer.weights.offset;
      for (let f = 0; f < F; f++) for (let q = 0; q < patch; q++) w[q * ldw + f] = params[w1 + f * patch + q];
      b1().set(params.subarray(convLayer.bias.offset, convLayer.bias.offset + F));
      if (direct) {
        kernels.conv_relu_pool2_direct(
          ptr(x()),
          net.channels,
          net.height,
          net.width,
          net.stride,
          ptr(offsets()),
          m,
          layout.convHeight,
          layout.convWidth,
          ptr(w),
          ldw,
          patch,
          F,
          ptr(b1()),
          layout.pooledHeight,
          layout.pooledWidth,
          ptr(state.pooled()),
          ptr(state.argmax()),
          ptr(poolTmp()),
          ptr(poolTmpArg()),
        );
      } else if (fused) {
        ensureCol();
        kernels.conv_relu_pool2(
          ptr(col()),
          ldcol,
          m,
          layout.convHeight,
          layout.convWidth,
          ptr(w),
          ldw,
          patch,
          F,
          ptr(b1()),
          layout.pooledHeight,
          layout.pooledWidth,
          ptr(state.pooled()),
          ptr(state.argmax()),
          ptr(poolTmp()),
          ptr(poolTmpArg()),
        );
      } else {
        ensureCol();
        kernels.gemm_nn(
          ptr(col()),
          ldcol,
          ptr(w),
          ldw,
          ptr(state.conv()),
          F,
          m * positions,
          patch,
          F,
          ptr(b1()),
          1,
          0,
          0,
        );
        kernels.maxpool_forward(
          ptr(state.conv()),
          m,
          F,
          layout.convHeight,
          layout.convWidth,
          net.poolSize,
          net.poolStride,
          layout.pooledHeight,
          layout.pooledWidth,
          ptr(state.pooled()),
          ptr(state.argmax()),
        );
      }
      if (m % 4 === 0 && hidden % 4 === 0) {
        kernels.gemm_nn_kblocked(
          ptr(state.pooled()),
          flat,
          at(params, hiddenLayer.weights),
          hidden,
          ptr(state.hidden()),
          hidden,
          m,
          flat,
          hidden,
          at(params, hiddenLayer.bias),
          1,
          K_CHUNK,
        );
      } else {
        kernels.gemm_nn(
          ptr(state.pooled()),
          flat,
          at(params, hiddenLayer.weights),
          hidden,
          ptr(state.hidden()),
          hidden,
          m,
          flat,
          hidden,
          at(params, hiddenLayer.bias),
          1,
          0,
          0,
        );
      }
      kernels.gemm_nn(
        ptr(state.hidden()),
        hidden,
        at(params, outputLayer.weights),
        classes,
        ptr(state.scores()),
        classes,
        m,
        hidden,
        classes,
        at(params, outputLayer.bias),
        0,
        0,
        0,
      );
      return state.scores();
    };

    const softmax = (k: number, m: number, dz: Float32Array | null): CrossEntropy =>
      softmaxCrossEntropy(nets[k].scores(), labels(), m, classes, dz);

    const weightDecay = (k: number): number => {
      const lambda = net.weightDecayLambda;
      if (lambda === 0) return 0;
      const params = nets[k].params();
      let total = 0;
      for (const layer of layout.layers) {
        const { offset, length } = layer.weights;
        for (let i = offset; i < offset + length; i++) total += params[i] * params[i];
      }
      return 0.5 * lambda * total;
    };

    const checkRows = (m: number) => {
      if (m !== preparedRows)
        throw new RangeError(`conv engine: prepareBatch(${m}) must come first (prepared ${preparedRows})`);
    };

    const gradientShare = (k: number, m: number, total: number): number => {
      checkRows(m);
      if (!(total >= m)) throw new RangeError(`conv engine: a share of ${m} rows of ${total}`);
      const state = nets[k];
      const params = state.params();
      const grads = state.grads();
      forward(k, m);
      const { sum } = softmax(k, m, state.dScores());
      if (total !== m) {
        const dz = state.dScores();
        const scale = m / total; // softmax gave (y − t) / m
        for (let i = 0; i < m * classes; i++) dz[i] *= scale;
      }
      // Output layer: dW3 = Hᵀ·dZ, db3, dH = dZ·W3ᵀ ⊙ (H > 0).
      kernels.gemm_tn(
        ptr(state.hidden()),
        hidden,
        ptr(state.dScores()),
        classes,
        at(grads, outputLayer.weights),
        classes,
        m,
        hidden,
        classes,
      );
      kernels.col_sum(ptr(state.dScores()), classes, m, classes, at(grads, outputLayer.bias));
      kernels.transpose4(at(params, outputLayer.weights), hidden, classes, ptr(transposed()));
      kernels.gemm_nn(
        ptr(state.dScores()),
        classes,
        ptr(transposed()),
        hidden,
        ptr(state.dHidden()),
        hidden,
        m,
        classes,
        hidden,
        0,
        2,
        ptr(state.hidden()),
        hidden,
      );
      // Hidden layer: dW2 = pooledᵀ·dH, db2, dPooled = dH·W2ᵀ ⊙ (pooled > 0) (the conv ReLU at the maxima).
      kernels.gemm_tn(
        ptr(state.pooled()),
        flat,
        ptr(state.dHidden()),
        hidden,
        at(grads, hiddenLayer.weights),
        hidden,
        m,
        flat,
        hidden,
      );
      kernels.col_sum(ptr(state.dHidden()), hidden, m, hidden, at(grads, hiddenLayer.bias));
      kernels.transpose4(at(params, hiddenLayer.weights), flat, hidden, ptr(transposed()));
      for (let j = 0; j < flat; j += N_CHUNK) {
        kernels.gemm_nn(
          ptr(state.dHidden()),
          hidden,
          ptr(transposed()) + 4 * j,
          flat,
          ptr(state.dPooled()) + 4 * j,
          flat,
          m,
          hidden,
          Math.min(N_CHUNK, flat - j),
          0,
          2,
          ptr(state.pooled()) + 4 * j,
          flat,
        );
      }
      // Conv: dW1, db1 from the nonzero pooled gradients at their maxima.
      ensureCol();
      kernels.conv_pool_weight_grad(
        ptr(col()),
        ldcol,
        m,
        F,
        layout.pooledHeight * layout.pooledWidth,
        ptr(state.dPooled()),
        ptr(state.argmax()),
        ptr(dw1()),
        at(grads, convLayer.bias),
      );
      const dw = dw1();
      const g1 = convLayer.weights.offset;
      for (let f = 0; f < F; f++)
        for (let q = 0; q < patch; q++) grads[g1 + f * patch + q] = dw[f * ldcol + q];
      const lambda = (net.weightDecayLambda * m) / total;
      if (lambda !== 0) {
        for (const layer of layout.layers) {
          const offset = 4 * layer.weights.offset;
          kernels.axpy(lambda, ptr(params) + offset, ptr(grads) + offset, layer.weights.length);
        }
      }
      return total === m ? sum / m + weightDecay(k) : sum;
    };

    const engine: ConvBatchEngine = {
      kind: "wasm-simd",
      config: convStageSummary(net),
      net,
      layout,
      networks,
      maxBatch,
      batchInput: x(),
      batchLabels: labels(),
      initialParameters: (seed) => convInitialParameters(net, seed),
      params: (k) => nets[k].params(),
      grads: (k) => nets[k].grads(),
      prepareBatch(m) {
        if (!(m >= 1 && m <= maxBatch))
          throw new RangeError(`conv engine: batch of ${m} rows, capacity ${maxBatch}`);
        preparedRows = m;
        colReady = false;
        if (!direct) ensureCol();
      },
      gradient: (k, m) => gradientShare(k, m, m),
      gradientShare,
      addGradients(k, other) {
        if (other.length !== P)
          throw new RangeError(`conv engine: addGradients needs ${P} values, got ${other.length}`);
        incoming().set(other);
        kernels.axpy(1, ptr(incoming()), ptr(nets[k].grads()), P);
      },
      loss(k, m) {
        checkRows(m);
        forward(k, m);
        return softmax(k, m, null).sum / m + weightDecay(k);
      },
      evaluate(k, m) {
        checkRows(m);
        forward(k, m);
        return softmax(k, m, null);
      },
      accelerate(k, optimizer) {
        const counts: StepPathCount[] = [];
        paths[k] = counts;
        return accelerateInMemory(kernels, nets[k].statePool(), scratch(), P, optimizer, counts);
      },
      stepPaths: (k) => paths[k],
    };
    return engine;
  };
}

/**
 * A paired run of a conv engine starts from the conv network's own He init: this is the iteration-0
 * checkpoint `trainPaired(engine, data, plan, callbacks, convTrainingStart(engine, plan.seed, labels))` resumes
 * from (same batches as a fresh start: the batch stream is at its seeded state; fresh optimizer state).
 * Shaped as the lab's `TrainingCheckpoint`.
 */
export function convTrainingStart(
  engine: ConvBatchEngine,
  seed: number,
  labels: readonly string[],
): {
  seed: number;
  iteration: number;
  batchRandom: number[];
  networks: { label: string; params: Float32Array; state: OptimizerState }[];
} {
  const params = Float32Array.from(engine.initialParameters(seed));
  return {
    seed,
    iteration: 0,
    batchRandom: new SeededRandom(seed, RandomStream.batches).getState(),
    networks: labels.map((label) => ({ label, params, state: {} })),
  };
}
