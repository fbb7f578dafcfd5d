import type { FloatArray } from "../optim/types.js";
import { InputRangeError } from "../util/errors.js";
import type { BatchEngine, BatchEngineFactory, StepPathCount } from "./engine.js";
import {
  acceleratedScratchFloats,
  acceleratedStateFloats,
  accelerateInMemory,
} from "./kernels/accelerate.js";
import { instantiateKernels, KernelArena } from "./kernels/wasm-kernels.js";
import { networkLayout } from "./layout.js";
import type { CrossEntropy } from "./reference-kernels.js";

/**
 * The fast engine: the book's network on WebAssembly SIMD kernels (float32), every buffer in the
 * kernels' memory. Layer 1 runs on a per-batch index of the nonzero inputs (built once per batch, shared
 * by all networks and both forward passes), bias and ReLU are fused into the products, the ReLU derivative
 * is fused into dX, the input gradient of layer 1 is never computed, and nothing allocates per step.
 * ReLU only (the reference engine serves sigmoid).
 */
export function createWasmEngineFactory(module: WebAssembly.Module): BatchEngineFactory {
  return (config, networks, maxBatch) => {
    if (config.activation !== "relu") {
      throw new InputRangeError(
        `--engine wasm: activation must be relu (use --engine reference for ${config.activation})`,
      );
    }
    const kernels = instantiateKernels(module);
    const arena = new KernelArena(kernels);
    const layout = networkLayout(config);
    const layers = layout.layers;
    const inputSize = config.inputSize;
    const P = layout.size;

    const x = arena.floats(maxBatch * inputSize);
    const labels = arena.ints(maxBatch);
    const rowStart = arena.ints(maxBatch + 1);
    const cols = arena.ints(maxBatch * inputSize);
    const vals = arena.floats(maxBatch * inputSize);
    const colStart = arena.ints(inputSize + 1);
    const rows = arena.ints(maxBatch * inputSize);
    const cvals = arena.floats(maxBatch * inputSize);
    const transposed = arena.floats(
      Math.max(1, ...layers.slice(1).map((layer) => layer.fanIn * layer.fanOut)),
    );
    const nets = Array.from({ length: networks }, () => ({
      params: arena.floats(P),
      grads: arena.floats(P),
      activations: layers.map((layer) => arena.floats(maxBatch * layer.fanOut)),
      deltas: layers.map((layer) => arena.floats(maxBatch * layer.fanOut)),
      statePool: arena.floats(acceleratedStateFloats(layout)),
    }));
    // The float32 Muon step's scratch, for the largest matrix parameter groups may give it; shared by the networks.
    const scratch = arena.floats(acceleratedScratchFloats(layout));
    const paths: StepPathCount[][] = nets.map(() => []);
    arena.commit();

    const ptr = (array: FloatArray | Int32Array) => array.byteOffset;
    let columnIndexReady = false;
    let preparedRows = 0;

    const forward = (k: number, m: number): Float32Array => {
      const net = nets[k];
      const params = net.params();
      const first = layers[0];
      const w1 = ptr(params) + 4 * first.weights.offset;
      const b1 = ptr(params) + 4 * first.bias.offset;
      const last = layers.length - 1;
      kernels.sparse_forward(
        ptr(rowStart()),
        ptr(cols()),
        ptr(vals()),
        m,
        w1,
        first.fanOut,
        b1,
        ptr(net.activations[0]()),
        first.fanOut,
        first.fanOut,
        last === 0 ? 0 : 1,
      );
      for (let l = 1; l < layers.length; l++) {
        const layer = layers[l];
        kernels.gemm_nn(
          ptr(net.activations[l - 1]()),
          layer.fanIn,
          ptr(params) + 4 * layer.weights.offset,
          layer.fanOut,
          ptr(net.activations[l]()),
          layer.fanOut,
          m,
          layer.fanIn,
          layer.fanOut,
          ptr(params) + 4 * layer.bias.offset,
          l === last ? 0 : 1,
          0,
          0,
        );
      }
      return net.activations[last]();
    };

    // The book's SoftmaxWithLoss, as reference-kernels.ts, with each exponential computed once.
    const exps = new Float64Array(config.outputSize);
    const softmax = (scores: Float32Array, m: number, dz: Float32Array | null): CrossEntropy => {
      const n = config.outputSize;
      const t = labels();
      let sum = 0;
      let correct = 0;
      for (let i = 0; i < m; i++) {
        const row = i * n;
        let max = scores[row];
        let argmax = 0;
        for (let j = 1; j < n; j++) {
          if (scores[row + j] > max) {
            max = scores[row + j];
            argmax = j;
          }
        }
        let total = 0;
        for (let j = 0; j < n; j++) {
          exps[j] = Math.exp(scores[row + j] - max);
          total += exps[j];
        }
        const label = t[i];
        if (argmax === label) correct++;
        sum -= Math.log(exps[label] / total + 1e-7);
        if (dz !== null) {
          for (let j = 0; j < n; j++) dz[row + j] = (exps[j] / total - (j === label ? 1 : 0)) / m;
        }
      }
      return { sum, correct };
    };

    const weightDecay = (k: number): number => {
      const lambda = config.weightDecayLambda;
      if (lambda === 0) return 0;
      const params = nets[k].params();
      let total = 0;
      for (const layer of layers) {
        const { offset, length } = layer.weights;
        for (let i = offset; i < offset + length; i++) total += params[i] * params[i];
      }
      return 0.5 * lambda * total;
    };

    const checkRows = (m: number) => {
      if (m !== preparedRows)
        throw new RangeError(`wasm engine: prepareBatch(${m}) must come first (prepared ${preparedRows})`);
    };

    const engine: BatchEngine = {
      kind: "wasm-simd",
      config,
      layout,
      networks,
      maxBatch,
      batchInput: x(),
      batchLabels: labels(),
      params: (k) => nets[k].params(),
      grads: (k) => nets[k].grads(),
      prepareBatch(m) {
        if (!(m >= 1 && m <= maxBatch))
          throw new RangeError(`wasm engine: batch of ${m} rows, capacity ${maxBatch}`);
        kernels.build_csr(ptr(x()), m, inputSize, ptr(rowStart()), ptr(cols()), ptr(vals()));
        columnIndexReady = false;
        preparedRows = m;
      },
      gradient(k, m) {
        checkRows(m);
        const net = nets[k];
        const params = net.params();
        const grads = net.grads();
        const last = layers.length - 1;
        const { sum } = softmax(forward(k, m), m, net.deltas[last]());
        for (let l = last; l >= 1; l--) {
          const layer = layers[l];
          const dz = ptr(net.deltas[l]());
          const input = ptr(net.activations[l - 1]());
          kernels.gemm_tn(
            input,
            layer.fanIn,
            dz,
            layer.fanOut,
            ptr(grads) + 4 * layer.weights.offset,
            layer.fanOut,
            m,
            layer.fanIn,
            layer.fanOut,
          );
          kernels.col_sum(dz, layer.fanOut, m, layer.fanOut, ptr(grads) + 4 * layer.bias.offset);
          // dX = (dz · Wᵀ) ⊙ (x > 0): transpose W once, then the same forward-shaped product.
          kernels.transpose(
            ptr(params) + 4 * layer.weights.offset,
            layer.fanIn,
            layer.fanOut,
            ptr(transposed()),
          );
          kernels.gemm_nn(
            dz,
            layer.fanOut,
            ptr(transposed()),
            layer.fanIn,
            ptr(net.deltas[l - 1]()),
            layer.fanIn,
            m,
            layer.fanOut,
            layer.fanIn,
            0,
            2,
            input,
            layer.fanIn,
          );
        }
        if (!columnIndexReady) {
          kernels.build_csc(
            m,
            inputSize,
            ptr(rowStart()),
            ptr(cols()),
            ptr(vals()),
            ptr(colStart()),
            ptr(rows()),
            ptr(cvals()),
          );
          columnIndexReady = true;
        }
        const first = layers[0];
        kernels.sparse_weight_grad(
          ptr(colStart()),
          ptr(rows()),
          ptr(cvals()),
          inputSize,
          ptr(net.deltas[0]()),
          first.fanOut,
          ptr(grads) + 4 * first.weights.offset,
          first.fanOut,
          first.fanOut,
        );
        kernels.col_sum(
          ptr(net.deltas[0]()),
          first.fanOut,
          m,
          first.fanOut,
          ptr(grads) + 4 * first.bias.offset,
        );
        const lambda = config.weightDecayLambda;
        if (lambda !== 0) {
          for (const layer of layers) {
            const offset = 4 * layer.weights.offset;
            kernels.axpy(lambda, ptr(params) + offset, ptr(grads) + offset, layer.weights.length);
          }
        }
        return sum / m + weightDecay(k);
      },
      loss(k, m) {
        checkRows(m);
        return softmax(forward(k, m), m, null).sum / m + weightDecay(k);
      },
      evaluate(k, m) {
        checkRows(m);
        return softmax(forward(k, m), m, null);
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
