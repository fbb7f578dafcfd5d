import { epsRange, num, refuse, resolveHyperparameters } from "./hyper.js";
import {
  type DType,
  type FloatArray,
  type Optimizer,
  type OptimizerMeta,
  type OptimizerState,
  zeros,
} from "./types.js";

export const cautiousMeta: OptimizerMeta = {
  id: "cautious",
  name: "Cautious (wrapper)",
  family: "paper",
  formula: [
    "u = the base optimizer's update (θ ← θ + u)",
    "φ = [u ⊙ g < 0]      (keep the coordinates that go downhill)",
    "θ ← θ + u ⊙ φ · n / (Σφ + ε)      (n = number of coordinates; the mean of φ rescales)",
  ],
  latex: [
    "u = \\text{base update}",
    "\\phi = \\mathbb{1}[u \\odot g < 0]",
    "\\theta \\leftarrow \\theta + u \\odot \\phi\\,\\frac{n}{\\sum\\phi + \\epsilon}",
  ],
  state: {
    before: "scratch: the parameters before the base step (every other field is the base optimizer's)",
  },
  hyperparameters: [
    num(
      "eps",
      "ε",
      0,
      epsRange,
      "added to Σφ: 0 is the exact mean of the mask, optax uses 1e-8, the paper 1",
    ),
  ],
  variantNote:
    'Wraps any optimizer: `cautious(adamw)`, `cautious(adamw:lr=0.01):eps=1` or { id: "cautious", base: "adamw" } ' +
    "(without a base: adamw; hyperparameters other than ε go to the base). The mask and its rescaling cover the whole " +
    "parameter, like optax's per-tensor rule. With ε = 0 (optlab's default) every coordinate agreeing with −g " +
    "leaves the base step untouched, bit for bit; optax.contrib.cautious uses ε = 1e-8 (n/(n + 1e-8) ≠ 1), the " +
    "paper's code and pytorch_optimizer ε = 1 (which also damps the step when few coordinates survive). The update " +
    "u is recovered as θ_after − θ_before, which can differ from the base's own u by a rounding.",
  reference:
    "Liang et al. 2024, Cautious Optimizers: Improving Training with One Line of Code (arXiv:2411.16085); " +
    "optax/contrib/_cautious.py; pytorch_optimizer `apply_cautious`.",
};

export interface CautiousOptions {
  eps?: number;
}
export interface CautiousState {
  [field: string]: number | FloatArray;
  before: FloatArray;
}

/** A Cautious optimizer keeps its base, so labels and reports can name it. */
export type CautiousOptimizer = Optimizer<CautiousState> & { readonly base: Optimizer };

/** Cautious(base): zero the coordinates of the base update that move against the gradient, rescale the rest. */
export function cautious(base: Optimizer, options: CautiousOptions = {}): CautiousOptimizer {
  const hp = resolveHyperparameters(cautiousMeta, { ...options });
  if (base.stepWithObjective !== undefined) {
    refuse(
      cautiousMeta,
      `cannot wrap ${base.id}: it evaluates the objective itself (line search), not one gradient`,
    );
  }
  const eps = hp.eps as number;
  const meta: OptimizerMeta = {
    ...cautiousMeta,
    name: `Cautious(${base.meta.name})`,
    couplesCoordinates: base.meta.couplesCoordinates,
  };
  const wrapped: CautiousOptimizer = {
    id: cautiousMeta.id,
    base,
    hp: { ...base.hp, ...hp },
    meta,
    init(n: number, dtype?: DType, shape?: readonly number[]) {
      const inner = base.init(n, dtype, shape) as OptimizerState;
      if ("before" in inner)
        refuse(cautiousMeta, `cannot wrap ${base.id}: its state already has a field "before"`);
      return { ...inner, before: zeros(n, dtype) };
    },
    step(params: FloatArray, grads: FloatArray, state: CautiousState) {
      const { before } = state;
      const n = params.length;
      before.set(params);
      base.step(params, grads, state);
      let kept = 0;
      for (let i = 0; i < n; i++) if ((params[i] - before[i]) * grads[i] < 0) kept++;
      const scale = n / (kept + eps);
      // Every coordinate kept and the mean is exact: the base step stands as it is.
      if (kept === n && scale === 1) return;
      for (let i = 0; i < n; i++) {
        const u = params[i] - before[i];
        params[i] = u * grads[i] < 0 ? before[i] + u * scale : before[i];
      }
    },
  };
  const evaluationPoint = base.evaluationPoint;
  if (evaluationPoint !== undefined) {
    wrapped.evaluationPoint = (params, state, out) => evaluationPoint.call(base, params, state, out);
  }
  return wrapped;
}
