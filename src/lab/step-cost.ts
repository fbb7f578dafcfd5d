import { gatherBatch, type ImageSet } from "../data/types.js";
import type { BatchEngineFactory } from "../nn/engine.js";
import { initialParameters } from "../nn/init.js";
import type { NetworkConfig } from "../nn/layout.js";
import { RandomStream, SeededRandom } from "../nn/random.js";
import type { Optimizer, OptimizerState } from "../optim/types.js";
import { mean, type Spread, spreadOf } from "./stats.js";

/**
 * The cost of one training update per optimizer (gradient + optimizer step + the book's post-update loss),
 * measured with every optimizer in one engine, interleaved update by update (the order rotating each time), so
 * that all of them share the same machine conditions. Run times of separate runs on a shared machine are not
 * comparable; these are. `mean` is the cost per update that adds up to training time — periodic work (SOAP's
 * eigenbasis refresh every 10 updates) is in it, where the median of the same updates would hide it — and the
 * quantity optlab reports; `ms` keeps the spread; `simdSteps` and `plainSteps` count the steps (of every part of
 * parameter groups) the engine took on its SIMD path and on the plain loop.
 */
export function measureStepCosts(
  engineFactory: BatchEngineFactory,
  config: NetworkConfig,
  train: ImageSet,
  entries: readonly { readonly label: string; readonly optimizer: Optimizer }[],
  options: { iterations?: number; warmup?: number; batchSize?: number; now?: () => number } = {},
): { label: string; mean: number; ms: Spread; simdSteps: number; plainSteps: number }[] {
  const iterations = options.iterations ?? 60;
  const warmup = options.warmup ?? 10;
  const m = options.batchSize ?? 128;
  const now = options.now ?? (() => performance.now());
  const engine = engineFactory(config, entries.length, m);
  const optimizers = entries.map((entry, k) => engine.accelerate?.(k, entry.optimizer) ?? entry.optimizer);
  const initial = initialParameters(config, 0);
  const states: OptimizerState[] = optimizers.map((optimizer, k) => {
    engine.params(k).set(initial);
    return optimizer.init(engine.layout.size, "float32");
  });
  const random = new SeededRandom(0, RandomStream.batches);
  const indices = new Int32Array(m);
  const samples: number[][] = entries.map(() => []);
  for (let i = 0; i < warmup + iterations; i++) {
    for (let r = 0; r < m; r++) indices[r] = random.integer(train.count);
    gatherBatch(train, indices, engine.batchInput, engine.batchLabels);
    engine.prepareBatch(m);
    for (let j = 0; j < entries.length; j++) {
      const k = (i + j) % entries.length;
      const started = now();
      engine.gradient(k, m);
      optimizers[k].step(engine.params(k), engine.grads(k), states[k]);
      engine.loss(k, m);
      if (i >= warmup) samples[k].push(now() - started);
    }
  }
  // Which path the steps took, summed over the parts (slots of parameter groups): the engine's own count.
  const paths = (k: number, key: "simd" | "plain") =>
    (engine.stepPaths?.(k) ?? []).reduce((sum, part) => sum + part[key], 0);
  return entries.map((entry, k) => ({
    label: entry.label,
    mean: mean(samples[k]),
    ms: spreadOf(samples[k]),
    simdSteps: paths(k, "simd"),
    plainSteps: paths(k, "plain"),
  }));
}
