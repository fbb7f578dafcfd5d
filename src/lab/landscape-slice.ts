import type { ImageSet } from "../data/types.js";
import type { BatchEngine } from "../nn/engine.js";
import { initialParameters } from "../nn/init.js";
import type { NetworkLayout } from "../nn/layout.js";
import { SeededRandom } from "../nn/random.js";
import { InputRangeError } from "../util/errors.js";
import { evaluateOnSet, type TrainingPlan, trainPaired } from "./train.js";

/**
 * A 2-D slice of the real network's loss around the final weights θ* of a reference run,
 *
 *   L(α, β) = loss(θ* + α·d₁ + β·d₂),
 *
 * with every optimizer's trajectory θ₀, θ_s, …, θ_T projected onto the same plane (least squares in the span of
 * d₁, d₂; never one PCA plane per run). Two choices of (d₁, d₂):
 *   random — two Gaussian directions, filter-normalised (Li, Xu, Taylor, Studer & Goldstein 2018, "Visualizing
 *            the Loss Landscape of Neural Nets", §4): for each neuron of each layer (a column of W, its incoming
 *            weights) the direction's block is rescaled to the norm of θ*'s block; biases get 0, as the paper's.
 *   plane  — the plane through the shared start θ₀, θ* and a second run's end θ_o: d₁ = θ₀ − θ*, d₂ = the part of
 *            θ_o − θ* orthogonal to d₁. The start sits at (1, 0), θ* at (0, 0), θ_o at (a, 1).
 * Pure: no DOM, no `node:`; the CLI and the playground's worker call the same functions.
 */
export type SliceMode = "random" | "plane";
export const SLICE_MODES: readonly SliceMode[] = ["random", "plane"];

/** The random stream of the slice's directions (beside the weights' and batches' streams of `RandomStream`). */
export const SLICE_RANDOM_STREAM = 7;

export interface SliceBasis {
  readonly mode: SliceMode;
  readonly center: Float32Array;
  readonly d1: Float32Array;
  readonly d2: Float32Array;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** A Gaussian direction rescaled neuron by neuron to the norms of `center` (biases 0): Li et al. 2018. */
export function filterNormalizedDirection(
  layout: NetworkLayout,
  center: ArrayLike<number>,
  random: SeededRandom,
): Float32Array {
  const d = new Float32Array(layout.size);
  for (const layer of layout.layers) {
    const { offset } = layer.weights;
    const { fanIn, fanOut } = layer;
    const raw = new Float64Array(fanIn * fanOut);
    for (let i = 0; i < raw.length; i++) raw[i] = random.normal();
    // W is fanIn × fanOut, row-major: neuron j's filter is column j.
    for (let j = 0; j < fanOut; j++) {
      let nd = 0;
      let nt = 0;
      for (let i = 0; i < fanIn; i++) {
        nd += raw[i * fanOut + j] ** 2;
        nt += center[offset + i * fanOut + j] ** 2;
      }
      const scale = nd > 0 ? Math.sqrt(nt / nd) : 0;
      for (let i = 0; i < fanIn; i++) d[offset + i * fanOut + j] = raw[i * fanOut + j] * scale;
    }
  }
  return d;
}

/** Two filter-normalised random directions around `center`, from `seed`. */
export function randomSliceBasis(layout: NetworkLayout, center: Float32Array, seed: number): SliceBasis {
  const random = new SeededRandom(seed, SLICE_RANDOM_STREAM);
  const d1 = filterNormalizedDirection(layout, center, random);
  const d2 = filterNormalizedDirection(layout, center, random);
  return { mode: "random", center, d1, d2 };
}

/** The plane through `start`, `center` and `other` (see the module comment). */
export function planeSliceBasis(center: Float32Array, start: ArrayLike<number>, other: ArrayLike<number>) {
  const n = center.length;
  const d1 = new Float32Array(n);
  for (let i = 0; i < n; i++) d1[i] = start[i] - center[i];
  const d11 = dot(d1, d1);
  if (!(d11 > 0)) throw new InputRangeError("landscape slice: the start and the reference end coincide");
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) e[i] = other[i] - center[i];
  const c = dot(e, d1) / d11;
  const d2 = new Float32Array(n);
  for (let i = 0; i < n; i++) d2[i] = e[i] - c * d1[i];
  if (!(dot(d2, d2) > 1e-12 * d11)) {
    // The other end lies on the line through start and reference: any orthogonal direction of the same length.
    const random = new SeededRandom(1, SLICE_RANDOM_STREAM);
    for (let i = 0; i < n; i++) d2[i] = random.normal();
    const k = dot(d2, d1) / d11;
    for (let i = 0; i < n; i++) d2[i] -= k * d1[i];
    const s = Math.sqrt(d11 / dot(d2, d2));
    for (let i = 0; i < n; i++) d2[i] *= s;
  }
  return { mode: "plane" as const, center, d1, d2 };
}

/** The plane's coordinates of θ: the (α, β) minimising ‖θ − θ* − α·d₁ − β·d₂‖. */
export function projectOnto(basis: SliceBasis, theta: ArrayLike<number>): [number, number] {
  const { center, d1, d2 } = basis;
  let a = 0;
  let b = 0;
  for (let i = 0; i < center.length; i++) {
    const r = theta[i] - center[i];
    a += r * d1[i];
    b += r * d2[i];
  }
  const g11 = dot(d1, d1);
  const g12 = dot(d1, d2);
  const g22 = dot(d2, d2);
  const det = g11 * g22 - g12 * g12;
  return [(g22 * a - g12 * b) / det, (g11 * b - g12 * a) / det];
}

/** `count` values evenly from lo to hi. */
function span(lo: number, hi: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => lo + ((hi - lo) * i) / (count - 1));
}

/**
 * The grid's axes: a square window around the projected paths (and at least [−1, 1]), 10 % margin, `count`
 * values per side.
 */
export function sliceAxes(
  paths: readonly (readonly (readonly [number, number])[])[],
  count: number,
): { alphas: number[]; betas: number[] } {
  if (!(Number.isInteger(count) && count >= 3 && count <= 201))
    throw new InputRangeError(`landscape slice: grid must be a whole number in [3, 201], got ${count}`);
  let lo = [-1, -1];
  let hi = [1, 1];
  for (const path of paths)
    for (const [a, b] of path) {
      if (!(Number.isFinite(a) && Number.isFinite(b))) continue;
      lo = [Math.min(lo[0], a), Math.min(lo[1], b)];
      hi = [Math.max(hi[0], a), Math.max(hi[1], b)];
    }
  const pad = (i: number) => 0.1 * (hi[i] - lo[i]);
  return {
    alphas: span(lo[0] - pad(0), hi[0] + pad(0), count),
    betas: span(lo[1] - pad(1), hi[1] + pad(1), count),
  };
}

/**
 * Evaluates L(α, β) on `set` for the grid rows `rows` (indices into `betas`; default all), using network
 * `network` of `engine` as scratch (its parameters are overwritten). `values[j · alphas.length + i]`; rows not
 * asked for stay NaN. `onRow(done, total)` after each row.
 */
export function evaluateSlice(
  engine: BatchEngine,
  network: number,
  set: ImageSet,
  basis: SliceBasis,
  alphas: readonly number[],
  betas: readonly number[],
  options: { rows?: readonly number[]; onRow?: (done: number, total: number) => void } = {},
): Float64Array {
  const values = new Float64Array(alphas.length * betas.length).fill(Number.NaN);
  const rows = options.rows ?? betas.map((_, j) => j);
  const params = engine.params(network);
  const { center, d1, d2 } = basis;
  rows.forEach((j, done) => {
    const b = betas[j];
    for (let i = 0; i < alphas.length; i++) {
      const a = alphas[i];
      for (let p = 0; p < params.length; p++) params[p] = center[p] + a * d1[p] + b * d2[p];
      values[j * alphas.length + i] = evaluateOnSet(engine, network, set).loss;
    }
    options.onRow?.(done + 1, rows.length);
  });
  return values;
}

export interface LandscapeSlice {
  readonly mode: SliceMode;
  /** The run whose final weights are the centre. */
  readonly reference: string;
  readonly alphas: readonly number[];
  readonly betas: readonly number[];
  /** Loss on the evaluation images at (alphas[i], betas[j]): values[j · alphas.length + i]. */
  readonly values: readonly number[];
  /** Per optimizer its label and the projected snapshots (update 0, every `snapshotEvery`, the last). */
  readonly paths: readonly {
    readonly label: string;
    readonly points: readonly (readonly [number, number])[];
  }[];
  readonly updates: readonly number[];
  readonly evaluationImages: number;
}

/** The updates at which a run of `iterations` keeps a snapshot: 0, every ⌈iterations / count⌉, the last. */
export function snapshotUpdates(iterations: number, count: number): number[] {
  const every = Math.max(1, Math.ceil(iterations / Math.max(1, count)));
  const out = [0];
  for (let u = every; u < iterations; u += every) out.push(u);
  out.push(iterations);
  return out;
}

/**
 * The whole figure's data on one engine (the CLI's `optlab figure mnist-landscape`): trains the plan (paired, as
 * `trainPaired`), keeps `snapshots` snapshots per run, builds the basis around the reference run's end, projects
 * every run and evaluates the grid on the first `evaluationImages` training images.
 */
export function computeLandscapeSlice(options: {
  readonly engine: BatchEngine;
  readonly data: { readonly train: ImageSet; readonly test: ImageSet };
  readonly plan: Omit<TrainingPlan, "checkpointEvery">;
  readonly mode: SliceMode;
  /** Index of the reference run (default 0); for "plane", `other` is the second run (default the last). */
  readonly reference?: number;
  readonly other?: number;
  readonly snapshots?: number;
  readonly grid?: number;
  readonly evaluationImages?: number;
  readonly onProgress?: (phase: "train" | "slice", done: number, total: number) => void;
}): LandscapeSlice {
  const { engine, plan } = options;
  const count = plan.optimizers.length;
  const reference = options.reference ?? 0;
  const other = options.other ?? count - 1;
  if (!(reference >= 0 && reference < count))
    throw new InputRangeError(`landscape slice: reference must be in [0, ${count - 1}], got ${reference}`);
  const updates = snapshotUpdates(plan.iterations, options.snapshots ?? 20);
  // trainPaired starts every run from initialParameters(config, seed): the shared start is snapshot 0.
  const start = Float32Array.from(initialParameters(engine.config, plan.seed));
  const snaps: Float32Array[][] = Array.from({ length: count }, () => [start]);
  const keep = new Set(updates);
  trainPaired(
    engine,
    options.data,
    { ...plan, checkpointEvery: plan.iterations },
    {
      onIteration: (update) => {
        if (keep.has(update)) for (let k = 0; k < count; k++) snaps[k].push(engine.params(k).slice());
        options.onProgress?.("train", update, plan.iterations);
      },
    },
  );
  const slice = sliceFromSnapshots({
    engine,
    layout: engine.layout,
    set: options.data.train,
    seed: plan.seed,
    mode: options.mode,
    labels: plan.optimizers.map((o) => o.label),
    snapshots: snaps,
    reference,
    other,
    grid: options.grid ?? 25,
    evaluationImages: options.evaluationImages ?? 1000,
    onRow: (done, total) => options.onProgress?.("slice", done, total),
  });
  return { ...slice, updates };
}

/**
 * The slice from stored snapshots (`snapshots[k][s]`: run k's weights at its s-th snapshot, the first being the
 * shared start): the basis, the projected paths and the grid on the first `evaluationImages` of `set`.
 */
export function sliceFromSnapshots(options: {
  readonly engine: BatchEngine;
  readonly layout: NetworkLayout;
  readonly set: ImageSet;
  readonly seed: number;
  readonly mode: SliceMode;
  readonly labels: readonly string[];
  readonly snapshots: readonly (readonly Float32Array[])[];
  readonly reference: number;
  readonly other: number;
  readonly grid: number;
  readonly evaluationImages: number;
  readonly onRow?: (done: number, total: number) => void;
}): Omit<LandscapeSlice, "updates"> {
  const ref = options.snapshots[options.reference];
  const center = ref[ref.length - 1];
  const basis =
    options.mode === "random"
      ? randomSliceBasis(options.layout, center, options.seed)
      : planeSliceBasis(center, ref[0], options.snapshots[options.other].at(-1) as Float32Array);
  const paths = options.snapshots.map((snaps, k) => ({
    label: options.labels[k],
    points: snaps.map((theta) => projectOnto(basis, theta)),
  }));
  const { alphas, betas } = sliceAxes(
    paths.map((p) => p.points),
    options.grid,
  );
  const set = firstImages(options.set, options.evaluationImages);
  const values = evaluateSlice(options.engine, 0, set, basis, alphas, betas, { onRow: options.onRow });
  return {
    mode: options.mode,
    reference: options.labels[options.reference],
    alphas,
    betas,
    values: Array.from(values),
    paths,
    evaluationImages: set.count,
  };
}

/** The first `count` images of a set (views, no copy). */
export function firstImages(set: ImageSet, count: number): ImageSet {
  const n = Math.min(set.count, Math.max(1, Math.floor(count)));
  const size = set.rows * set.cols;
  return {
    ...set,
    count: n,
    pixels: set.pixels.subarray(0, n * size) as typeof set.pixels,
    labels: set.labels.subarray(0, n),
  };
}
