/** Messages between the MNIST tab and its Web Worker (structured-clone plain data only). */
export interface MnistStart {
  readonly type: "start";
  readonly specs: readonly string[];
  readonly seed: number;
  readonly iterations: number;
  readonly batchSize: number;
  /** Test-set evaluation every this many updates. */
  readonly evalEvery: number;
}

export type ToWorker = MnistStart | { readonly type: "stop" } | { readonly type: "resume" };

export type FromWorker =
  | {
      readonly type: "ready";
      readonly description: string;
      readonly labels: readonly string[];
      readonly engine: string;
    }
  | {
      readonly type: "progress";
      readonly update: number;
      readonly losses: readonly number[];
      readonly updatesPerSecond: number;
    }
  | {
      readonly type: "eval";
      readonly update: number;
      readonly accuracy: readonly number[];
      readonly loss: readonly number[];
    }
  | { readonly type: "stopped"; readonly update: number }
  | { readonly type: "done"; readonly update: number }
  | { readonly type: "error"; readonly message: string };

/** The seed's §8 comparison: its four optimizers plus RMSprop with the book's learning rates. */
export const SEED_MNIST_SPECS = [
  "sgd:lr=0.01",
  "momentum:lr=0.01",
  "adagrad:lr=0.01",
  "adam:lr=0.001",
  "rmsprop:lr=0.01",
];
export const MNIST_ASSET = "mnist-sample.bin";
export const KERNELS_ASSET = "kernels.wasm";
