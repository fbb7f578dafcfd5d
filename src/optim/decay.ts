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
  readonly shrink: number;
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
    shrink: decoupled ? 1 - lr * weightDecay : 1,
  };
}
