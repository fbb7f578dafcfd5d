import type { BatchEngine, BatchEngineFactory } from "./engine.js";
import { MultiLayerNet } from "./network.js";

/** The plain-TypeScript engine: one float32 `MultiLayerNet` per copy. Any activation, any sizes. */
export const createReferenceEngine: BatchEngineFactory = (config, networks, maxBatch) => {
  const nets = Array.from({ length: networks }, () => new MultiLayerNet(config, "float32"));
  const batchInput = new Float32Array(maxBatch * config.inputSize);
  const batchLabels = new Int32Array(maxBatch);
  const engine: BatchEngine = {
    kind: "reference",
    config,
    layout: nets[0]?.layout ?? new MultiLayerNet(config).layout,
    networks,
    maxBatch,
    batchInput,
    batchLabels,
    params: (i) => nets[i].params as Float32Array,
    grads: (i) => nets[i].grads as Float32Array,
    prepareBatch: () => {},
    gradient: (i, m) => nets[i].gradient(batchInput, batchLabels, m),
    loss: (i, m) => nets[i].loss(batchInput, batchLabels, m),
    evaluate: (i, m) => nets[i].evaluate(batchInput, batchLabels, m),
  };
  return engine;
};
