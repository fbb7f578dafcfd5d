import { computeLandscapeSlice, type LandscapeSlice, type SliceMode } from "../lab/index.js";
import { BOOK_NETWORK, type EngineName } from "../nn/index.js";
import { createOptimizer, optimizerLabel } from "../optim/index.js";
import { loadMnistSample } from "./datasets.js";
import { chooseEngine } from "./engines.js";

/** The MNIST loss-landscape slice of `optlab figure mnist-landscape`: what to train and how to slice. */
export interface SlicePlan {
  readonly specs: readonly string[];
  readonly iterations: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly mode: SliceMode;
  readonly grid: number;
  readonly snapshots: number;
  readonly evaluationImages: number;
  readonly engine: EngineName;
}

/**
 * Trains the book's network on the bundled sample with every optimizer (paired, one thread) and slices the loss
 * around the first run's end (lab's `computeLandscapeSlice`); returns the slice and the engine used.
 */
export function runLandscapeSlice(
  plan: SlicePlan,
  onProgress?: (phase: "train" | "slice", done: number, total: number) => void,
): { slice: LandscapeSlice; engine: string; description: string } {
  const optimizers = plan.specs.map((spec, i) => {
    const optimizer = createOptimizer(spec);
    return { label: `${i + 1}. ${optimizerLabel(optimizer)}`, optimizer };
  });
  const data = loadMnistSample();
  const choice = chooseEngine(plan.engine, BOOK_NETWORK);
  const engine = choice.factory(BOOK_NETWORK, optimizers.length, Math.max(plan.batchSize, 500));
  const slice = computeLandscapeSlice({
    engine,
    data,
    plan: {
      seed: plan.seed,
      iterations: plan.iterations,
      batchSize: plan.batchSize,
      evalEvery: 0,
      optimizers,
    },
    mode: plan.mode,
    grid: plan.grid,
    snapshots: plan.snapshots,
    evaluationImages: plan.evaluationImages,
    onProgress,
  });
  return { slice, engine: choice.kind, description: data.description };
}
