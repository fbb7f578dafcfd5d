import type { DataSplit, ImageSet } from "../data/types.js";
import type { ConvBatchEngineFactory } from "../nn/conv-engine.js";
import { BOOK_CONV_NETWORK, type ConvNetConfig, convNetLayout } from "../nn/conv-layout.js";
import type { BatchEngine, BatchEngineFactory } from "../nn/engine.js";
import { BOOK_NETWORK, type NetworkConfig, type NetworkLayout, networkLayout } from "../nn/layout.js";
import { parseGroupsSpec } from "../optim/groups.js";
import { createOptimizer } from "../optim/index.js";
import type { ScheduleSpec } from "../optim/schedules/index.js";
import { InputRangeError, InputTypeError, show, unknownNameMessage } from "../util/errors.js";
import { createNetworkEntry, groupsOfSpec } from "./network-optimizer.js";
import { evaluateOnSet, type TrainingEntry, trainPaired } from "./train.js";

/**
 * One training run, described completely by plain JSON: a study is a list of these, and any machine can run
 * one with `optlab run-spec` (one line in, one line out). Runs with the same `seed` start from the same weights
 * and see the same batches whatever the optimizer (the pairing of `train.ts`).
 */
export interface RunSpec {
  readonly kind: "mnist";
  /** Unique within a study; results are matched to plans by it. */
  readonly id: string;
  /** `mnist` (bundled), `fashion-mnist`, or a folder of IDX files. */
  readonly data: string;
  /** Training images held out at the end of the training split for validation (0: evaluate on the test split). */
  readonly validation: number;
  /**
   * `mlp` (when absent): the book's MultiLayerNet with `hidden` as its hidden widths; `conv`: the book's
   * SimpleConvNet (ch. 7: conv 30×5×5 → ReLU → pool 2×2/2 → affine → ReLU → affine), `hidden` = [its affine width].
   */
  readonly network?: "mlp" | "conv";
  readonly hidden: readonly number[];
  readonly optimizer: { readonly id: string; readonly hp: Readonly<Record<string, number | boolean>> };
  readonly seed: number;
  readonly iterations: number;
  readonly batchSize: number;
  /** Validation (or test) evaluation every this many updates, and after the last; 0 = only after the last. */
  readonly evalEvery: number;
  /** Evaluate on the test split after the last update (the fair tier does this only for reporting runs). */
  readonly test: boolean;
  /** Also measure loss and accuracy on the first this many training images after the last update (0 = no). */
  readonly trainEval: number;
  /** Accuracy target for "steps to target" (first evaluation at or above it), or 0 for none. */
  readonly target: number;
  /**
   * Optional learning-rate schedule (`"warmup-cosine:warmup=100"` or `{ "id", "options" }`): lengths default to
   * `iterations`, peaks to the optimizer's lr (to the factor 1 with groups, as in `optlab mnist`).
   */
  readonly schedule?: string | ScheduleSpec;
  /**
   * Optional parameter groups (`optim/groups.ts`): `"hidden=muon:lr=0.02"`; the roles it leaves out go to
   * `optimizer`. A Muon `optimizer` without groups gets the reference recipe (AdamW on everything but the hidden
   * matrices), as `optlab mnist` gives it.
   */
  readonly groups?: string;
  /**
   * The batch loss of the curve: `post-update` (when absent; the seed's curve, one extra forward pass per update) or
   * `pre-update` (the gradient pass's own loss before each step: what the fair tier's studies use, 25–35 % cheaper).
   */
  readonly curveLoss?: "post-update" | "pre-update";
}

/** Every field a run spec may have; any other is refused (a typo must not silently do nothing). */
export const RUN_SPEC_FIELDS = [
  "kind",
  "id",
  "data",
  "validation",
  "network",
  "hidden",
  "optimizer",
  "seed",
  "iterations",
  "batchSize",
  "evalEvery",
  "test",
  "trainEval",
  "target",
  "schedule",
  "groups",
  "curveLoss",
] as const;

export interface Evaluation {
  readonly iteration: number;
  readonly loss: number;
  readonly accuracy: number;
}

export interface RunResult {
  readonly id: string;
  readonly spec: RunSpec;
  readonly status: "ok" | "diverged";
  /** First update whose batch loss was not finite (null when none). */
  readonly divergedAt: number | null;
  /** Batch loss (post- or pre-update: the spec's `curveLoss`), mean over blocks of `curveEvery` updates (NaN after divergence). */
  readonly curveEvery: number;
  readonly curve: number[];
  /** On the validation split (or the test split when `validation` is 0). */
  readonly evaluations: Evaluation[];
  readonly final: {
    readonly trainBatchLoss: number;
    readonly heldOutLoss: number;
    readonly heldOutAccuracy: number;
    readonly testLoss: number | null;
    readonly testAccuracy: number | null;
    readonly trainLoss: number | null;
    readonly trainAccuracy: number | null;
  };
  readonly stepsToTarget: number | null;
  readonly msPerStep: number;
  readonly seconds: number;
  /** The optimizer's scalar state after the last update (e.g. SWATS's `phase` and `switchStep`). */
  readonly finalState: Record<string, number>;
  /** With a schedule: the lr of every update (the factor on each group's lr with groups). */
  readonly lr?: number[];
}

/** What a run needs from its host: data by name and a network engine (Node and the browser differ here). */
export interface RunEnvironment {
  loadData(name: string): DataSplit;
  readonly engineFactory: BatchEngineFactory;
  /** The conv network's engine (runs with `network: "conv"`); a host without one refuses such runs. */
  readonly convEngineFactory?: ConvBatchEngineFactory;
  now(): number;
}

function field<T>(
  spec: Record<string, unknown>,
  name: string,
  check: (v: unknown) => v is T,
  rule: string,
): T {
  const value = spec[name];
  if (!check(value)) throw new InputRangeError(`run spec: ${name} must be ${rule}, got ${show(value)}`);
  return value;
}
const wholeAtLeast =
  (min: number, max = 1e9) =>
  (v: unknown): v is number =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** Checks a parsed JSON value is a complete run spec; every problem is named with its field. */
export function checkRunSpec(value: unknown): RunSpec {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InputTypeError(`run spec must be a JSON object, got ${show(value)}`);
  }
  const spec = value as Record<string, unknown>;
  for (const key of Object.keys(spec)) {
    if (!(RUN_SPEC_FIELDS as readonly string[]).includes(key)) {
      throw new InputRangeError(`run spec: ${unknownNameMessage("field", key, RUN_SPEC_FIELDS)}`);
    }
  }
  field(spec, "kind", (v): v is "mnist" => v === "mnist", '"mnist"');
  field(
    spec,
    "id",
    (v): v is string => typeof v === "string" && v.length > 0 && v.length <= 300,
    "a non-empty string",
  );
  field(spec, "data", (v): v is string => typeof v === "string" && v.length > 0, "a data set name or folder");
  field(spec, "validation", wholeAtLeast(0, 1e6), "a whole number in [0, 1000000]");
  if (spec.network !== undefined) {
    field(spec, "network", (v): v is "mlp" | "conv" => v === "mlp" || v === "conv", '"mlp" or "conv"');
  }
  field(
    spec,
    "hidden",
    (v): v is number[] => Array.isArray(v) && v.length <= 16 && v.every((n) => wholeAtLeast(1, 4096)(n)),
    "a list of at most 16 layer sizes in [1, 4096]",
  );
  if (spec.network === "conv" && (spec.hidden as number[]).length !== 1) {
    throw new InputRangeError(
      `run spec: hidden must hold one width (the conv network's affine layer) when network is "conv", got ${show(spec.hidden)}`,
    );
  }
  const optimizer = field(
    spec,
    "optimizer",
    (v): v is { id: string; hp: Record<string, number | boolean> } =>
      v !== null && typeof v === "object" && typeof (v as { id?: unknown }).id === "string",
    'an object {"id": …, "hp": {…}}',
  );
  createOptimizer(optimizer); // checks the name and every hyperparameter
  field(spec, "seed", wholeAtLeast(0, 2 ** 31 - 1), "a whole number in [0, 2147483647]");
  field(spec, "iterations", wholeAtLeast(1, 1e7), "a whole number in [1, 10000000]");
  field(spec, "batchSize", wholeAtLeast(1, 4096), "a whole number in [1, 4096]");
  field(spec, "evalEvery", wholeAtLeast(0, 1e7), "a whole number >= 0");
  field(spec, "test", (v): v is boolean => typeof v === "boolean", "true or false");
  field(spec, "trainEval", wholeAtLeast(0, 1e7), "a whole number >= 0");
  field(
    spec,
    "target",
    (v): v is number => typeof v === "number" && v >= 0 && v <= 1,
    "an accuracy in [0, 1]",
  );
  if (spec.schedule !== undefined) {
    field(
      spec,
      "schedule",
      (v): v is string | ScheduleSpec =>
        (typeof v === "string" && v.trim() !== "") ||
        (v !== null && typeof v === "object" && !Array.isArray(v)),
      'a schedule such as "warmup-cosine:warmup=100" or {"id": …, "options": {…}}',
    );
  }
  if (spec.curveLoss !== undefined) {
    field(
      spec,
      "curveLoss",
      (v): v is "post-update" | "pre-update" => v === "post-update" || v === "pre-update",
      '"post-update" or "pre-update"',
    );
  }
  if (spec.groups !== undefined) {
    field(
      spec,
      "groups",
      (v): v is string => typeof v === "string" && v.trim() !== "",
      'parameter groups such as "hidden=muon:lr=0.02"',
    );
  }
  if (
    spec.schedule !== undefined ||
    spec.groups !== undefined ||
    groupsOfSpec(optimizerText(spec.optimizer as RunSpec["optimizer"])) !== null
  ) {
    // Groups and schedule checked against the book's layout with these hidden sizes (the data's sizes come later).
    const layout =
      spec.network === "conv"
        ? convNetLayout(convNetworkFor(value as RunSpec, 28, 28, 10))
        : networkLayout({ ...BOOK_NETWORK, hiddenSizes: spec.hidden as number[] });
    try {
      runSpecEntry(value as RunSpec, layout);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new InputRangeError(`run spec: ${/^groups/.test(message) ? "" : "schedule: "}${message}`);
    }
  }
  return value as RunSpec;
}

/** `adamw:lr=0.001,weightDecay=0.01`: a spec's optimizer as the text `createOptimizer` and the groups read. */
export function optimizerText(optimizer: RunSpec["optimizer"]): string {
  const entries = Object.entries(optimizer.hp ?? {}).map(
    ([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(",")}]` : String(v)}`,
  );
  return entries.length === 0 ? optimizer.id : `${optimizer.id}:${entries.join(",")}`;
}

/** The network spec text of a run spec (as `optlab mnist` labels it): groups, the optimizer, `@ schedule`. */
export function runSpecNetworkText(spec: RunSpec): string {
  const optimizer = optimizerText(spec.optimizer);
  let text = optimizer;
  if (spec.groups !== undefined) {
    const hasRest = parseGroupsSpec(spec.groups).entries.some((entry) => entry.roles.includes("rest"));
    text = `groups(${spec.groups.trim()}${hasRest ? "" : ` | rest=${optimizer}`})`;
  }
  if (spec.schedule !== undefined) {
    text += ` @ ${typeof spec.schedule === "string" ? spec.schedule.trim() : JSON.stringify(spec.schedule)}`;
  }
  return text;
}

function runSpecEntry(spec: RunSpec, layout: NetworkLayout): TrainingEntry {
  const text = runSpecNetworkText(spec);
  const entry = createNetworkEntry(text, layout, spec.iterations);
  return { label: spec.optimizer.id, optimizer: entry.optimizer, schedule: entry.schedule };
}

function slice(set: ImageSet, from: number, to: number): ImageSet {
  const size = set.rows * set.cols;
  return {
    count: to - from,
    rows: set.rows,
    cols: set.cols,
    pixels: set.pixels.subarray(from * size, to * size) as ImageSet["pixels"],
    labels: set.labels.subarray(from, to),
  };
}

/** Training and held-out sets of a spec: the last `validation` training images are held out. */
export function splitForRun(data: DataSplit, validation: number): { train: ImageSet; heldOut: ImageSet } {
  if (validation === 0) return { train: data.train, heldOut: data.test };
  if (validation >= data.train.count) {
    throw new InputRangeError(
      `run spec: validation must be smaller than the ${data.train.count} training images of ${data.name}, got ${validation}`,
    );
  }
  const cut = data.train.count - validation;
  return { train: slice(data.train, 0, cut), heldOut: slice(data.train, cut, data.train.count) };
}

export function networkFor(spec: Pick<RunSpec, "hidden">, data: DataSplit): NetworkConfig {
  return {
    ...BOOK_NETWORK,
    inputSize: data.train.rows * data.train.cols,
    outputSize: data.classes,
    hiddenSizes: spec.hidden,
  };
}

/** The conv network of a `network: "conv"` spec on images of `height`×`width` with `classes` classes. */
export function convNetworkFor(
  spec: Pick<RunSpec, "hidden">,
  height: number,
  width: number,
  classes: number,
): ConvNetConfig {
  return { ...BOOK_CONV_NETWORK, height, width, hiddenSize: spec.hidden[0], outputSize: classes };
}

/** The engine of one run: the MLP engine, or the conv engine for `network: "conv"`. */
function runEngine(spec: RunSpec, data: DataSplit, environment: RunEnvironment): BatchEngine {
  const maxBatch = Math.max(spec.batchSize, 256);
  if (spec.network !== "conv") return environment.engineFactory(networkFor(spec, data), 1, maxBatch);
  if (environment.convEngineFactory === undefined) {
    throw new InputRangeError(`run spec ${spec.id}: network "conv" needs a host with the conv engine`);
  }
  const net = convNetworkFor(spec, data.train.rows, data.train.cols, data.classes);
  return environment.convEngineFactory(net, 1, maxBatch);
}

class Diverged extends Error {
  constructor(readonly update: number) {
    super(`diverged at update ${update}`);
  }
}

/** Number of updates averaged into one point of a result's curve. */
export const CURVE_EVERY = 10;

/** Runs one spec. Divergence (a non-finite batch loss) ends the run early and is reported, never thrown. */
export function executeRunSpec(spec: RunSpec, environment: RunEnvironment): RunResult {
  const started = environment.now();
  const data = environment.loadData(spec.data);
  const { train, heldOut } = splitForRun(data, spec.validation);
  const engine = runEngine(spec, data, environment);
  const entry = runSpecEntry(spec, engine.layout);
  let lr: number[] | undefined;
  const curve: number[] = [];
  let block = 0;
  let blockCount = 0;
  let divergedAt: number | null = null;
  const evaluations: Evaluation[] = [];
  let stepsToTarget: number | null = null;
  let trainingMs = 0;
  let blockStarted = environment.now();
  const finalState: Record<string, number> = {};
  try {
    trainPaired(
      engine,
      { train, test: heldOut },
      {
        seed: spec.seed,
        iterations: spec.iterations,
        batchSize: spec.batchSize,
        evalEvery: spec.evalEvery === 0 ? spec.iterations : spec.evalEvery,
        checkpointEvery: spec.iterations,
        optimizers: [entry],
        curveLoss: spec.curveLoss ?? "post-update",
      },
      {
        onIteration(update, losses) {
          const loss = losses[0];
          if (!Number.isFinite(loss)) throw new Diverged(update);
          block += loss;
          blockCount++;
          if (blockCount === CURVE_EVERY || update === spec.iterations) {
            curve.push(block / blockCount);
            block = 0;
            blockCount = 0;
          }
        },
        onEvaluation(record) {
          // Evaluation time is not training time.
          trainingMs += environment.now() - blockStarted;
          if (record.iteration > 0 || spec.evalEvery > 0) {
            evaluations.push({
              iteration: record.iteration,
              loss: record.testLoss,
              accuracy: record.testAccuracy,
            });
          }
          if (stepsToTarget === null && spec.target > 0 && record.testAccuracy >= spec.target) {
            stepsToTarget = record.iteration;
          }
          blockStarted = environment.now();
        },
        onLosses(chunk) {
          const values = chunk.lr ?? chunk.lrFactor;
          if (values !== undefined) lr = [...(lr ?? []), ...values];
        },
        onCheckpoint(checkpoint) {
          for (const [name, value] of Object.entries(checkpoint.networks[0].state)) {
            if (typeof value === "number") finalState[name] = value;
          }
        },
      },
    );
  } catch (error) {
    if (!(error instanceof Diverged)) throw error;
    divergedAt = error.update;
    trainingMs += environment.now() - blockStarted;
  }
  const updatesRun = divergedAt ?? spec.iterations;
  const last = evaluations[evaluations.length - 1];
  const measure = (set: ImageSet) => (divergedAt === null ? evaluateOnSet(engine, 0, set) : null);
  const testResult = spec.test ? measure(data.test) : null;
  const trainResult =
    spec.trainEval > 0 ? measure(slice(train, 0, Math.min(spec.trainEval, train.count))) : null;
  const tail = curve.slice(-10);
  return {
    id: spec.id,
    spec,
    status: divergedAt === null ? "ok" : "diverged",
    divergedAt,
    curveEvery: CURVE_EVERY,
    curve,
    evaluations,
    final: {
      trainBatchLoss:
        divergedAt === null ? tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length) : Number.NaN,
      heldOutLoss: divergedAt === null && last ? last.loss : Number.NaN,
      heldOutAccuracy: divergedAt === null && last ? last.accuracy : Number.NaN,
      testLoss: testResult ? testResult.loss : null,
      testAccuracy: testResult ? testResult.accuracy : null,
      trainLoss: trainResult ? trainResult.loss : null,
      trainAccuracy: trainResult ? trainResult.accuracy : null,
    },
    stepsToTarget,
    msPerStep: trainingMs / Math.max(1, updatesRun),
    seconds: (environment.now() - started) / 1000,
    finalState,
    ...(lr === undefined ? {} : { lr }),
  };
}

/** JSON has no NaN: results write non-finite numbers as null; this reads them back as NaN. */
export function resultToJson(result: RunResult): string {
  return JSON.stringify(result);
}
