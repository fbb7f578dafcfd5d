/** A parameter or gradient vector: optlab optimizers work on flat typed arrays of either precision. */
export type FloatArray = Float64Array | Float32Array;
export type DType = "float64" | "float32";

/** A hyperparameter value: numbers, and flags such as `nesterov` or `amsgrad`. */
export type HpValue = number | boolean;
export type Hyperparameters = Readonly<Record<string, HpValue>>;

/**
 * Optimizer state: plain data only — numbers and typed arrays sized in `init` — so it can be
 * structured-cloned, transferred to a worker and saved as JSON (see `state.ts`). Field names are the
 * formula's letters (`t`, `m`, `v`, `h`, …).
 */
export type OptimizerState = Record<string, number | FloatArray>;

/**
 * The hyperparameters a learning-rate schedule may drive live in the optimizer's state, not in `hp`: `init` copies
 * `hp.lr` into `state.lr` (and `hp.momentum` / `hp.beta1` into `state.momentum` / `state.beta1` for the optimizers whose
 * torch schedulers cycle them), `step` reads the state, and a schedule runner writes new values before a step.
 */
export interface ScheduledState {
  lr: number;
  momentum?: number;
  beta1?: number;
}

/** Describes one hyperparameter: its optlab name, default, allowed range and how a UI should show it. */
export interface HpSpec {
  readonly name: string;
  readonly kind: "number" | "boolean";
  readonly default: HpValue;
  /** Allowed interval for numbers; `minOpen`/`maxOpen` exclude the bound. */
  readonly min?: number;
  readonly max?: number;
  readonly minOpen?: boolean;
  readonly maxOpen?: boolean;
  /** Whole numbers only. */
  readonly integer?: boolean;
  /** Suggested slider scale and range (UI only; never enforced). */
  readonly scale?: "log" | "linear";
  readonly uiMin?: number;
  readonly uiMax?: number;
  /** The formula symbol this hyperparameter is (`η`, `β₁`, …) and one line saying what it does. */
  readonly symbol: string;
  readonly doc: string;
}

export type OptimizerFamily = "book" | "torch" | "optax" | "paper";

/** Everything a reader, a report or the playground shows about an optimizer. */
export interface OptimizerMeta {
  readonly id: string;
  /** Display name, e.g. "Adam (book)" or "torch.optim.Adam". */
  readonly name: string;
  readonly family: OptimizerFamily;
  /** The update rule, one statement per line, in plain Unicode. */
  readonly formula: readonly string[];
  /** The same rule in LaTeX (one line per statement), for KaTeX in the playground. */
  readonly latex: readonly string[];
  /** What each state field holds. */
  readonly state: Readonly<Record<string, string>>;
  readonly hyperparameters: readonly HpSpec[];
  /** Where this variant differs from other libraries' optimizers of the same name. */
  readonly variantNote: string;
  /** Paper and source code this implementation follows. */
  readonly reference: string;
  /**
   * True when a coordinate's update depends on the other coordinates (norms, dot products, matrix structure, a
   * line search): permuting the coordinates then permutes the result only up to rounding. Absent: element-wise.
   */
  readonly couplesCoordinates?: boolean;
}

/**
 * An optimizer instance: validated hyperparameters plus two functions.
 * `init(n, dtype)` makes fresh state for `n` parameters; `step(params, grads, state)` updates
 * `params` and `state` in place, reads `grads` only, and allocates nothing.
 */
export interface Optimizer<S extends OptimizerState = OptimizerState> {
  readonly id: string;
  readonly hp: Hyperparameters;
  readonly meta: OptimizerMeta;
  /**
   * `shape` is the parameter's shape when it is a matrix (`[rows, cols]`, flat row-major); optimizers that
   * treat matrices differently (Muon, Adafactor, SOAP, …) read it here and keep it in their state.
   */
  init(n: number, dtype?: DType, shape?: readonly number[]): S;
  step(params: FloatArray, grads: FloatArray, state: S): void;
  /**
   * For optimizers that evaluate the objective themselves (L-BFGS: one call may evaluate it several times, as
   * torch's `.step(closure)`): `evaluate(point, gradOut)` returns f(point) and writes ∇f(point). Returns the number
   * of evaluations this call made. Absent for gradient-only optimizers.
   */
  stepWithObjective?(params: FloatArray, evaluate: ObjectiveEvaluation, state: S): number;
  /**
   * Where the loss should be evaluated when it is not the training point (Schedule-Free's x, ASGD's
   * averaged iterate): writes that point into `out`. Absent when the iterate itself is the answer.
   */
  evaluationPoint?(params: FloatArray, state: S, out: FloatArray): void;
}

/** f(point) returned, ∇f(point) written into `gradOut`; allocation-free. */
export type ObjectiveEvaluation = (point: FloatArray, gradOut: FloatArray) => number;

/** Makes a zero-filled array of the requested precision. */
export function zeros(n: number, dtype: DType = "float64"): FloatArray {
  return dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
}

/** Makes an array filled with `value`. */
export function filled(n: number, value: number, dtype: DType = "float64"): FloatArray {
  return zeros(n, dtype).fill(value);
}
