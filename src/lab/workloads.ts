import { BOOK_CONV_NETWORK, type ConvNetConfig } from "../nn/conv-layout.js";
import { BOOK_NETWORK, type NetworkConfig } from "../nn/layout.js";
import { InputRangeError, unknownNameMessage } from "../util/errors.js";

/**
 * The workloads of the fair tier (issue 12), each a named, versioned definition in plain data: which data, which
 * network, batch size, step budget, validation split and target metric. A study names a workload by
 * `id@version`; any change to a field that moves results (data, split, network, batch, budget, target) is a new
 * version, never an edit in place, so results stay comparable with the definition they ran on.
 */
export interface Workload {
  readonly id: string;
  readonly version: number;
  readonly summary: string;
  readonly data: {
    /** A name `loadDataset` knows: `mnist` (the bundled 10,000 digits) or `fashion-mnist` (Debian's full set). */
    readonly dataset: "mnist" | "fashion-mnist";
    /** Images of the data set's training split, and of those the LAST `validation` are held out (as run specs do). */
    readonly trainingSplit: number;
    readonly validation: number;
    /** The test split, used only for reporting runs, never for tuning or targets. */
    readonly test: number;
  };
  readonly network: { readonly kind: "mlp"; readonly config: NetworkConfig } | ConvWorkloadNetwork;
  readonly batchSize: number;
  /** Updates per run (the budget every optimizer gets; the defaults track runs 1.5× this). */
  readonly stepBudget: number;
  /** Validation evaluation every this many updates (and after the last): the resolution of steps-to-target. */
  readonly evalEvery: number;
  readonly target: {
    /** Steps to target = the first validation evaluation with accuracy ≥ value (a miss within the budget is ∞). */
    readonly metric: "validation-accuracy";
    /**
     * The target, fixed before any study runs; null until the rule in `how` has been run on this version
     * (a study must refuse a workload whose target is not fixed).
     */
    readonly value: number | null;
    readonly how: string;
  };
}

export interface ConvWorkloadNetwork {
  readonly kind: "conv";
  readonly config: ConvNetConfig;
}

/** The rule that fixes a target (issue 12 §3): the strong baseline's median best, over its own seeds. */
export const TARGET_RULE =
  "the median over 5 seeds of the best validation accuracy of AdamW (library defaults, linear warmup 5 % then cosine decay) within the step budget";

/** The book's MLP on the bundled 8,000 training digits (today's fair tier: 1,000 held out, 2,000 updates of 128). */
export const MLP_MNIST_SAMPLE: Workload = {
  id: "mlp-mnist-sample",
  version: 1,
  summary:
    "the book's MLP 784-100×4-10 (ReLU, He init) on the bundled MNIST sample, batch 128, 2,000 updates",
  data: { dataset: "mnist", trainingSplit: 8000, validation: 1000, test: 2000 },
  network: { kind: "mlp", config: BOOK_NETWORK },
  batchSize: 128,
  stepBudget: 2000,
  evalEvery: 100,
  target: {
    metric: "validation-accuracy",
    value: 0.93,
    how: "carried over from the fair tier before issue 12 (src/lab/study-presets.ts); to be re-fixed by TARGET_RULE as version 2",
  },
};

/** The same MLP on full-size Fashion-MNIST: 55,000 training images, the last 5,000 of the training split held out. */
export const MLP_FASHION_MNIST: Workload = {
  id: "mlp-fashion-mnist",
  version: 1,
  summary:
    "the book's MLP 784-100×4-10 on Fashion-MNIST (55,000 + 5,000 validation), batch 128, 5,000 updates (≈ 11.6 epochs)",
  data: { dataset: "fashion-mnist", trainingSplit: 60000, validation: 5000, test: 10000 },
  network: { kind: "mlp", config: BOOK_NETWORK },
  batchSize: 128,
  stepBudget: 5000,
  evalEvery: 250,
  target: { metric: "validation-accuracy", value: null, how: TARGET_RULE },
};

/** The book's SimpleConvNet (ch. 7) on full-size Fashion-MNIST, batch 100 as the book, 2 epochs. */
export const CNN_FASHION_MNIST: Workload = {
  id: "cnn-fashion-mnist",
  version: 1,
  summary:
    "the book's SimpleConvNet (conv 30×5×5, ReLU, pool 2×2, 4320-100-10) on Fashion-MNIST (55,000 + 5,000 validation), batch 100, 1,100 updates (2 epochs)",
  data: { dataset: "fashion-mnist", trainingSplit: 60000, validation: 5000, test: 10000 },
  network: { kind: "conv", config: BOOK_CONV_NETWORK },
  batchSize: 100,
  stepBudget: 1100,
  evalEvery: 55,
  target: { metric: "validation-accuracy", value: null, how: TARGET_RULE },
};

/** The one table of workloads, in the report's order. */
export const WORKLOADS: readonly Workload[] = [MLP_MNIST_SAMPLE, MLP_FASHION_MNIST, CNN_FASHION_MNIST];

/** `id@version`, the name results carry. */
export function workloadKey(workload: Workload): string {
  return `${workload.id}@${workload.version}`;
}

/** Finds a workload by `id` (its latest version) or `id@version`, refusing anything else in one line. */
export function findWorkload(name: string): Workload {
  const [id, version] = name.split("@");
  const matches = WORKLOADS.filter((w) => w.id === id);
  if (matches.length === 0) {
    throw new InputRangeError(
      unknownNameMessage(
        "workload",
        name,
        WORKLOADS.map((w) => w.id),
      ),
    );
  }
  if (version === undefined) return matches.reduce((a, b) => (b.version > a.version ? b : a));
  const found = matches.find((w) => String(w.version) === version);
  if (!found) {
    throw new InputRangeError(
      `workload ${JSON.stringify(id)}: version must be one of ${matches.map((w) => w.version).join(", ")}, got ${JSON.stringify(version)}`,
    );
  }
  return found;
}

/** Training images a run of this workload learns from (the training split minus the held-out tail). */
export function trainingImages(workload: Workload): number {
  return workload.data.trainingSplit - workload.data.validation;
}

/** Epochs the step budget amounts to (updates × batch / training images). */
export function budgetEpochs(workload: Workload): number {
  return (workload.stepBudget * workload.batchSize) / trainingImages(workload);
}
