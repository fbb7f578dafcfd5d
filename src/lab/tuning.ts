import { InputRangeError } from "../util/errors.js";

/**
 * The learning-rate tuning rule of `optlab compare --tier fair`: every optimizer gets the same budget.
 *
 * 1. A log grid around the optimizer's default: ηₖ = η₀·10^(k·spacing) for k = −c…c (`initialPoints` = 2c + 1).
 * 2. `extensionPoints` more points, always spent (so the budget is the same for everyone): beyond the edge where
 *    the best point of step 1 sits, or split across both edges when the best point is inside.
 * 3. Successive halving over the `rungs`: every grid point runs `rungs[0].iterations`; the best
 *    `rungs[0].keep` continue at `rungs[1].iterations`, and so on; the last rung keeps one: the chosen lr.
 * Scores are validation losses averaged over the tuning seeds; a diverged run scores +∞. Ties go to the
 * smaller grid index (the smaller lr), so the choice is deterministic.
 */
export interface TuningRule {
  readonly spacing: number;
  readonly initialPoints: number;
  readonly extensionPoints: number;
  readonly rungs: readonly { readonly iterations: number; readonly keep: number }[];
  readonly tuningSeeds: readonly number[];
}

export function checkTuningRule(rule: TuningRule): void {
  if (!(rule.spacing > 0))
    throw new InputRangeError(`tuning: spacing must be > 0 decades, got ${rule.spacing}`);
  if (!Number.isInteger(rule.initialPoints) || rule.initialPoints < 1 || rule.initialPoints % 2 === 0) {
    throw new InputRangeError(
      `tuning: initialPoints must be an odd whole number >= 1, got ${rule.initialPoints}`,
    );
  }
  if (!Number.isInteger(rule.extensionPoints) || rule.extensionPoints < 0) {
    throw new InputRangeError(
      `tuning: extensionPoints must be a whole number >= 0, got ${rule.extensionPoints}`,
    );
  }
  if (rule.rungs.length === 0) throw new InputRangeError("tuning: at least one rung is needed");
  rule.rungs.forEach((rung, i) => {
    if (!Number.isInteger(rung.iterations) || rung.iterations < 1) {
      throw new InputRangeError(
        `tuning: rungs[${i}].iterations must be a whole number >= 1, got ${rung.iterations}`,
      );
    }
    const expectedKeep = i === rule.rungs.length - 1 ? 1 : undefined;
    if (
      !Number.isInteger(rung.keep) ||
      rung.keep < 1 ||
      (expectedKeep !== undefined && rung.keep !== expectedKeep)
    ) {
      throw new InputRangeError(
        `tuning: rungs[${i}].keep must be a whole number >= 1 (1 on the last rung), got ${rung.keep}`,
      );
    }
  });
  if (rule.tuningSeeds.length === 0) throw new InputRangeError("tuning: at least one tuning seed is needed");
}

/** The learning rate of grid index k. */
export function gridLearningRate(defaultLr: number, k: number, spacing: number): number {
  return defaultLr * 10 ** (k * spacing);
}

/** Grid indices of step 1: −c…c. */
export function initialIndices(rule: TuningRule): number[] {
  const c = (rule.initialPoints - 1) / 2;
  return Array.from({ length: rule.initialPoints }, (_, i) => i - c);
}

/** Sorts grid indices by score (ascending, +∞ and NaN last), ties to the smaller index. */
export function rankIndices(scores: ReadonlyMap<number, number>): number[] {
  const key = (k: number) => {
    const s = scores.get(k);
    return s === undefined || Number.isNaN(s) ? Number.POSITIVE_INFINITY : s;
  };
  return [...scores.keys()].sort((a, b) => key(a) - key(b) || a - b);
}

/** Where the extension points go, given the scores of step 1 (same count whatever the scores). */
export function extensionIndices(rule: TuningRule, scores: ReadonlyMap<number, number>): number[] {
  const indices = [...scores.keys()];
  const low = Math.min(...indices);
  const high = Math.max(...indices);
  const best = rankIndices(scores)[0];
  const e = rule.extensionPoints;
  const below = (count: number) => Array.from({ length: count }, (_, i) => low - 1 - i);
  const above = (count: number) => Array.from({ length: count }, (_, i) => high + 1 + i);
  if (best === low) return below(e); // also when every point diverged: smaller rates next
  if (best === high) return above(e);
  return [...below(Math.ceil(e / 2)), ...above(Math.floor(e / 2))];
}

/** The indices promoted from one rung to the next. */
export function promote(scores: ReadonlyMap<number, number>, keep: number): number[] {
  return rankIndices(scores).slice(0, keep);
}

/** Total training iterations one optimizer spends on tuning under this rule (per tuning seed count). */
export function tuningBudget(rule: TuningRule): number {
  const points = rule.initialPoints + rule.extensionPoints;
  let total = points * rule.rungs[0].iterations;
  for (let i = 1; i < rule.rungs.length; i++) total += rule.rungs[i - 1].keep * rule.rungs[i].iterations;
  return total * rule.tuningSeeds.length;
}

/** True when the chosen index sits at the edge of all indices tried (the caveat "winner at a grid edge"). */
export function atGridEdge(chosen: number, tried: readonly number[]): boolean {
  return chosen === Math.min(...tried) || chosen === Math.max(...tried);
}
