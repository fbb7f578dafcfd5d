import { gatherBatch, type ImageSet } from "../data/types.js";
import type { BatchEngine } from "../nn/engine.js";
import { initialParameters } from "../nn/init.js";
import { RandomStream, SeededRandom } from "../nn/random.js";
import type { Schedule, ScheduleState } from "../optim/schedules/index.js";
import type { FloatArray, Optimizer, OptimizerState } from "../optim/types.js";
import { InputRangeError } from "../util/errors.js";

/**
 * Paired, seeded training of the book's network with several optimizers (the seed's §8 loop):
 *
 *   for i in range(iterations):
 *       batch_mask = np.random.choice(train_size, batch_size)      # one batch for everyone
 *       for each optimizer: grads = net.gradient(x, t); optimizer.update(params, grads)
 *                           loss = net.loss(x, t)                  # post-update batch loss: the curve
 *
 * For a seed every optimizer starts from the same weights (`initialParameters(config, seed)`) and sees
 * the same batches (drawn with replacement from `SeededRandom(seed, batches stream)`, which never depends on
 * the optimizer list), so adding an optimizer changes nobody else's numbers. No `node:` imports: a Web
 * Worker can run this.
 */
export interface TrainingPlan {
  readonly seed: number;
  readonly iterations: number;
  readonly batchSize: number;
  /** Test-set loss and accuracy every this many updates (and after 0 and the last); 0 = never. */
  readonly evalEvery: number;
  /** Loss chunks and checkpoints every this many updates (and after the last). */
  readonly checkpointEvery: number;
  readonly optimizers: readonly TrainingEntry[];
  /**
   * The batch loss each update reports (the curve, `onIteration`, divergence): `post-update` (the default, the
   * seed's §8: `net.loss(x, t)` after the step, one more forward pass per update) or `pre-update` (the loss the
   * gradient's own forward pass computed before the step: no extra pass, what a study needs to detect divergence).
   */
  readonly curveLoss?: "post-update" | "pre-update";
}

/**
 * One network of a paired run. With a `schedule`, the schedule writes the optimizer state's lr before every update
 * and advances after it (as in `trajectory.ts`); for parameter groups the lr it writes is the factor on every group's
 * own lr (`optim/groups.ts`). The schedule must be a function of the update number (not ReduceLROnPlateau), so that
 * a resumed run replays it to the checkpoint's update exactly.
 */
export interface TrainingEntry {
  readonly label: string;
  readonly optimizer: Optimizer;
  readonly schedule?: Schedule | null;
}

/** Post-update batch losses of updates `from` … `from + losses.length − 1` (1-based update numbers). */
export interface LossChunk {
  readonly type: "losses";
  readonly seed: number;
  readonly optimizer: string;
  readonly from: number;
  readonly losses: number[];
  /** With a schedule: the lr each of these updates used (`lrFactor` instead for parameter groups). */
  readonly lr?: number[];
  readonly lrFactor?: number[];
}

/** Test-set evaluation after `iteration` updates (0 = the initial weights). */
export interface EvaluationRecord {
  readonly type: "eval";
  readonly seed: number;
  readonly optimizer: string;
  readonly iteration: number;
  readonly testLoss: number;
  readonly testAccuracy: number;
  /** True when the test set was evaluated at the optimizer's evaluation point (Schedule-Free's x, ASGD's average). */
  readonly atEvaluationPoint?: true;
}

/** Everything needed to continue a run exactly: copies of parameters and optimizer state. */
export interface TrainingCheckpoint {
  readonly seed: number;
  readonly iteration: number;
  readonly batchRandom: number[];
  readonly networks: {
    readonly label: string;
    readonly params: Float32Array;
    readonly state: OptimizerState;
  }[];
}

export interface TrainingCallbacks {
  /** After every update of every optimizer; `losses[k]` is optimizer k's post-update batch loss. */
  onIteration?(update: number, losses: Float64Array): void;
  onLosses?(chunk: LossChunk): void;
  onEvaluation?(record: EvaluationRecord): void;
  onCheckpoint?(checkpoint: TrainingCheckpoint): void;
}

export interface TrainingResult {
  /** `curves[k][u − 1]`: optimizer k's post-update batch loss after update u. Only updates run here when resumed. */
  readonly curves: Float64Array[];
  readonly evaluations: EvaluationRecord[];
}

export function checkTrainingPlan(plan: TrainingPlan, engine: BatchEngine, train: ImageSet): void {
  if (plan.optimizers.length !== engine.networks) {
    throw new RangeError(
      `train: ${plan.optimizers.length} optimizers but the engine holds ${engine.networks} networks`,
    );
  }
  if (plan.batchSize > engine.maxBatch) {
    throw new RangeError(`train: batch size ${plan.batchSize} exceeds the engine's ${engine.maxBatch}`);
  }
  if (train.rows * train.cols !== engine.config.inputSize) {
    throw new InputRangeError(
      `train: images have ${train.rows}×${train.cols} = ${train.rows * train.cols} pixels but the network expects ${engine.config.inputSize}`,
    );
  }
  for (const entry of plan.optimizers) {
    if (entry.schedule?.needsMetric === true) {
      throw new InputRangeError(
        `train: ${entry.label}: schedule ${entry.schedule.id} needs a metric after every update; MNIST training takes schedules that are functions of the update (warmup-cosine, step-lr, …)`,
      );
    }
  }
  const labels = new Set(plan.optimizers.map((entry) => entry.label));
  if (labels.size !== plan.optimizers.length) {
    throw new InputRangeError(
      `train: optimizer labels must be distinct, got ${plan.optimizers.map((o) => o.label).join(", ")}`,
    );
  }
}

/** Mean test-set cross-entropy (+ weight decay, as the book's `loss`) and accuracy of network `k`. */
export function evaluateOnSet(
  engine: BatchEngine,
  k: number,
  set: ImageSet,
): { loss: number; accuracy: number } {
  let sum = 0;
  let correct = 0;
  const indices = new Int32Array(engine.maxBatch);
  for (let start = 0; start < set.count; start += engine.maxBatch) {
    const m = Math.min(engine.maxBatch, set.count - start);
    for (let r = 0; r < m; r++) indices[r] = start + r;
    gatherBatch(set, indices.subarray(0, m), engine.batchInput, engine.batchLabels);
    engine.prepareBatch(m);
    const result = engine.evaluate(k, m);
    sum += result.sum;
    correct += result.correct;
  }
  // The weight-decay term does not depend on the data: loss(x, t) − mean cross-entropy on any batch.
  const decay = engine.config.weightDecayLambda === 0 ? 0 : weightDecayOf(engine, k);
  return { loss: sum / set.count + decay, accuracy: correct / set.count };
}

function weightDecayOf(engine: BatchEngine, k: number): number {
  const params = engine.params(k);
  let total = 0;
  for (const layer of engine.layout.layers) {
    const { offset, length } = layer.weights;
    for (let i = offset; i < offset + length; i++) total += params[i] * params[i];
  }
  return 0.5 * engine.config.weightDecayLambda * total;
}

/** Runs (or, given a checkpoint, continues) one seed of a paired comparison. */
export function trainPaired(
  engine: BatchEngine,
  data: { readonly train: ImageSet; readonly test: ImageSet },
  plan: TrainingPlan,
  callbacks: TrainingCallbacks = {},
  resume?: TrainingCheckpoint,
): TrainingResult {
  checkTrainingPlan(plan, engine, data.train);
  const count = plan.optimizers.length;
  const optimizers = plan.optimizers.map(
    (entry, k) => engine.accelerate?.(k, entry.optimizer) ?? entry.optimizer,
  );
  const random = new SeededRandom(plan.seed, RandomStream.batches);
  const states: OptimizerState[] = [];
  /** The fields a schedule reads as its base (lr, momentum / β₁) from each fresh state, before a resume fills it. */
  const bases: OptimizerState[] = [];
  let start = 0;
  if (resume) {
    if (resume.seed !== plan.seed)
      throw new RangeError(`train: checkpoint is for seed ${resume.seed}, not ${plan.seed}`);
    random.setState(resume.batchRandom);
    start = resume.iteration;
    plan.optimizers.forEach((entry, k) => {
      const saved = resume.networks.find((network) => network.label === entry.label);
      if (!saved)
        throw new InputRangeError(`--resume: the checkpoint has no optimizer ${JSON.stringify(entry.label)}`);
      engine.params(k).set(saved.params);
      // Fresh state from the (possibly accelerated) optimizer, filled with the saved values by name.
      const state = optimizers[k].init(engine.layout.size, "float32");
      bases.push(scheduledFields(state));
      for (const [key, value] of Object.entries(saved.state)) {
        const target = state[key];
        if (typeof value === "number" || typeof target === "number" || target === undefined)
          state[key] = value;
        else target.set(value);
      }
      states.push(state);
    });
  } else {
    const initial = engine.initialParameters?.(plan.seed) ?? initialParameters(engine.config, plan.seed);
    for (let k = 0; k < count; k++) {
      engine.params(k).set(initial);
      states.push(optimizers[k].init(engine.layout.size, "float32"));
      bases.push(scheduledFields(states[k]));
    }
  }

  // Schedules: fresh at update 0, replayed to the checkpoint's update on resume (they depend on the count only).
  const schedules = plan.optimizers.map((entry) => entry.schedule ?? null);
  const scheduleStates: (ScheduleState | null)[] = schedules.map((schedule, k) => {
    if (schedule === null) return null;
    const scheduleState = schedule.init(bases[k]);
    for (let u = 1; u <= start; u++) {
      schedule.apply(scheduleState, states[k]);
      schedule.advance(scheduleState);
    }
    return scheduleState;
  });
  const lrField = plan.optimizers.map((entry) => (entry.optimizer.id === "groups" ? "lrFactor" : "lr"));

  // Optimizers with an evaluation point (Schedule-Free's x, ASGD's average) are tested there: the training
  // parameters are kept aside, the point written into the network, evaluated, and the parameters put back.
  const kept: (FloatArray | null)[] = optimizers.map((optimizer, k) =>
    optimizer.evaluationPoint === undefined ? null : new Float32Array(engine.params(k).length),
  );
  const evaluations: EvaluationRecord[] = [];
  const evaluate = (update: number): void => {
    for (let k = 0; k < count; k++) {
      const aside = kept[k];
      const point = optimizers[k].evaluationPoint;
      if (aside !== null && point !== undefined) {
        aside.set(engine.params(k));
        point.call(optimizers[k], aside, states[k], engine.params(k));
      }
      const { loss, accuracy } = evaluateOnSet(engine, k, data.test);
      if (aside !== null) engine.params(k).set(aside);
      const record: EvaluationRecord = {
        type: "eval",
        seed: plan.seed,
        optimizer: plan.optimizers[k].label,
        iteration: update,
        testLoss: loss,
        testAccuracy: accuracy,
        ...(aside !== null ? { atEvaluationPoint: true as const } : {}),
      };
      evaluations.push(record);
      callbacks.onEvaluation?.(record);
    }
  };
  if (plan.evalEvery > 0 && start === 0) evaluate(0);

  const remaining = plan.iterations - start;
  const curves = Array.from({ length: count }, () => new Float64Array(Math.max(0, remaining)));
  const lrs = schedules.map((schedule) =>
    schedule === null ? null : new Float64Array(Math.max(0, remaining)),
  );
  const losses = new Float64Array(count);
  const batchIndices = new Int32Array(plan.batchSize);
  const m = plan.batchSize;
  const preUpdate = plan.curveLoss === "pre-update";
  let chunkStart = start + 1;
  for (let update = start + 1; update <= plan.iterations; update++) {
    for (let r = 0; r < m; r++) batchIndices[r] = random.integer(data.train.count);
    gatherBatch(data.train, batchIndices, engine.batchInput, engine.batchLabels);
    engine.prepareBatch(m);
    for (let k = 0; k < count; k++) {
      const schedule = schedules[k];
      const scheduleState = scheduleStates[k];
      const lr = lrs[k];
      if (schedule !== null && scheduleState !== null && lr !== null) {
        schedule.apply(scheduleState, states[k]);
        lr[update - start - 1] = states[k].lr as number;
      }
      const before = engine.gradient(k, m);
      optimizers[k].step(engine.params(k), engine.grads(k), states[k]);
      if (schedule !== null && scheduleState !== null) schedule.advance(scheduleState);
      losses[k] = preUpdate ? before : engine.loss(k, m);
      curves[k][update - start - 1] = losses[k];
    }
    callbacks.onIteration?.(update, losses);
    const last = update === plan.iterations;
    if (plan.evalEvery > 0 && (update % plan.evalEvery === 0 || last)) evaluate(update);
    if (update % plan.checkpointEvery === 0 || last) {
      for (let k = 0; k < count; k++) {
        const lr = lrs[k];
        callbacks.onLosses?.({
          type: "losses",
          seed: plan.seed,
          optimizer: plan.optimizers[k].label,
          from: chunkStart,
          losses: Array.from(curves[k].subarray(chunkStart - start - 1, update - start)),
          ...(lr === null
            ? {}
            : { [lrField[k]]: Array.from(lr.subarray(chunkStart - start - 1, update - start)) }),
        });
      }
      chunkStart = update + 1;
      if (!callbacks.onCheckpoint) continue;
      callbacks.onCheckpoint({
        seed: plan.seed,
        iteration: update,
        batchRandom: random.getState(),
        networks: plan.optimizers.map((entry, k) => ({
          label: entry.label,
          params: engine.params(k).slice(),
          state: cloneState(states[k]),
        })),
      });
    }
  }
  return { curves, evaluations };
}

function scheduledFields(state: OptimizerState): OptimizerState {
  const base: OptimizerState = {};
  for (const key of ["lr", "momentum", "beta1"]) if (typeof state[key] === "number") base[key] = state[key];
  return base;
}

function cloneState(state: OptimizerState): OptimizerState {
  const copy: OptimizerState = {};
  for (const [key, value] of Object.entries(state))
    copy[key] = typeof value === "number" ? value : value.slice();
  return copy;
}
