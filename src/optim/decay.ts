import type { HpValue } from "./types.js";

/**
 * The torch family's two kinds of weight decay, reduced to two constants so that one loop serves both
 * without branching per element:
 *   coupled (L2):  g ← g + λ·θ          → `coupled = λ`, `shrink = 1`
 *   decoupled:     θ ← θ·(1 − η·λ)      → `coupled = 0`, `shrink = 1 − η·λ`
 * A step then computes `θ ← θ·shrink` and `g ← sign·g + coupled·θ`; multiplying by 1 and adding 0·θ leave
 * every finite value unchanged, so λ = 0 is the plain algorithm. `sign` is −1 for `maximize` (g ← −g first).
 */
export interface DecayConstants {
  readonly sign: number;
  readonly coupled: number;
  /** λ when decoupled, else 0: a step shrinks θ by `1 − η·decoupledRate` with the η of that step (`shrinkFor`). */
  readonly decoupledRate: number;
  /** `1 − η·λ` at the hyperparameters' own η (what a step uses when no schedule changes `state.lr`). */
  readonly shrink: number;
}

/** `θ ← θ·shrink`: `1 − η·λ` for decoupled decay at the lr of this step, exactly 1 otherwise (1 − η·0 = 1). */
export function shrinkFor(constants: DecayConstants, lr: number): number {
  return 1 - lr * constants.decoupledRate;
}

export function decayConstants(
  hp: Readonly<Record<string, HpValue>>,
  alwaysDecoupled = false,
): DecayConstants {
  const lr = hp.lr as number;
  const weightDecay = (hp.weightDecay as number | undefined) ?? 0;
  const decoupled = alwaysDecoupled || hp.decoupledWeightDecay === true;
  return {
    sign: hp.maximize === true ? -1 : 1,
    coupled: decoupled ? 0 : weightDecay,
    decoupledRate: decoupled ? weightDecay : 0,
    shrink: decoupled ? 1 - lr * weightDecay : 1,
  };
}
