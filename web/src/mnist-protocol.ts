/**
 * Messages between the MNIST tab and its Web Workers (structured-clone plain data only). Each worker trains a
 * group of the optimizers (optimizer k goes to worker k mod workers, as the CLI's `trainPairedInWorkers`): the
 * same seed means the same start and the same batches, so the numbers do not depend on the split.
 */
export interface MnistStart {
  readonly type: "start";
  readonly specs: readonly string[];
  /** The specs' positions in the page's list (their labels are `${index + 1}. …`). */
  readonly indices: readonly number[];
  readonly seed: number;
  readonly iterations: number;
  readonly batchSize: number;
  /** Test-set evaluation every this many updates (and after 0 and the last). */
  readonly evalEvery: number;
  /** Updates after which the worker keeps a copy of the weights, for the loss-landscape slice. */
  readonly snapshots: readonly number[];
}

/** Phase 1 of a slice: the basis (built in each worker from the same inputs) and the projection of the snapshots. */
export interface SliceProject {
  readonly type: "project";
  readonly mode: "random" | "plane";
  readonly seed: number;
  readonly center: Float32Array;
  readonly start: Float32Array;
  readonly other: Float32Array;
}

/** Phase 2: evaluate these rows of the grid on the first `evaluationImages` training digits. */
export interface SliceEvaluate {
  readonly type: "evaluate";
  readonly alphas: readonly number[];
  readonly betas: readonly number[];
  readonly rows: readonly number[];
  readonly evaluationImages: number;
}

export type ToWorker =
  | MnistStart
  | { readonly type: "stop" }
  | { readonly type: "resume" }
  | { readonly type: "finals"; readonly indices: readonly number[] }
  | SliceProject
  | SliceEvaluate;

export type FromWorker =
  | {
      readonly type: "ready";
      readonly description: string;
      readonly labels: readonly string[];
      readonly indices: readonly number[];
      readonly engine: string;
    }
  | {
      readonly type: "progress";
      readonly update: number;
      /** Post-update batch losses of updates (update − losses[0].length + 1) … update, per network of the group. */
      readonly losses: readonly (readonly number[])[];
      readonly indices: readonly number[];
      /** Milliseconds of training (no evaluation) so far, for the whole group. */
      readonly trainMs: number;
    }
  | {
      readonly type: "eval";
      readonly update: number;
      readonly indices: readonly number[];
      readonly accuracy: readonly number[];
      readonly loss: readonly number[];
    }
  | { readonly type: "stopped"; readonly update: number }
  | { readonly type: "done"; readonly update: number; readonly trainMs: number }
  | { readonly type: "finals"; readonly indices: readonly number[]; readonly params: readonly Float32Array[] }
  | {
      readonly type: "projected";
      readonly indices: readonly number[];
      readonly points: readonly (readonly [number, number])[][];
    }
  | { readonly type: "slice-row"; readonly row: number; readonly values: readonly number[] }
  | { readonly type: "slice-done"; readonly ms: number }
  | { readonly type: "error"; readonly message: string };

export const MNIST_ASSET = "mnist-sample.bin";
export const KERNELS_ASSET = "kernels.wasm";
