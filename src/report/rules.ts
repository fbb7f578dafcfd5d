import { type PairedDifference, pairedDifference } from "../lab/index.js";

/**
 * Claims as rules. Every sentence of the report that compares, ranks or characterises comes from one of these
 * rules over measured numbers; the rule's threshold sits beside it. A claim records the rule, the paths of its
 * inputs inside its entry's `numbers` and the verdict, so that `checkClaims` can recompute every verdict from
 * the numbers the same report prints and find any sentence its own numbers contradict.
 */

/** Two losses closer than this (relative) are called equal. */
export const EQUAL_RELATIVE = 1e-9;
/** With fewer paired seeds than this, no ranking is printed at all. */
export const MIN_SEEDS_TO_RANK = 3;

export type Value = number | null;

/** A rule: its inputs (in order) → a verdict word. Pure and total (nulls allowed where the rule says). */
export const RULES = {
  /** a vs b, lower is better: "lower" | "higher" | "equal" | "unknown". */
  compare(values: readonly Value[]): string {
    const [a, b] = values;
    if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b)) return "unknown";
    if (Math.abs(a - b) <= EQUAL_RELATIVE * Math.max(Math.abs(a), Math.abs(b))) return "equal";
    return a < b ? "lower" : "higher";
  },
  /** Steps to a tolerance (null = never within the budget): "fewer" | "more" | "same" | "neither" | "only-a" | "only-b". */
  steps(values: readonly Value[]): string {
    const [a, b] = values;
    if (a === null && b === null) return "neither";
    if (b === null) return "only-a";
    if (a === null) return "only-b";
    return a < b ? "fewer" : a > b ? "more" : "same";
  },
  /**
   * How a 2D run ended (lab's `classifyTrajectory`): inputs diverged-at step, final loss, start loss, settled step
   * (the first step from which it stays within the tolerance, or null). "diverged" | "converged" | "slow".
   */
  outcome(values: readonly Value[]): string {
    const [divergedAt, finalLoss, startLoss, settled] = values;
    if (divergedAt !== null) return "diverged";
    if (finalLoss === null || !Number.isFinite(finalLoss) || (startLoss !== null && finalLoss > startLoss))
      return "diverged";
    return settled === null ? "slow" : "converged";
  },
  /** A measured ratio against a limit: "above" | "within". */
  limit(values: readonly Value[]): string {
    const [ratio, limit] = values;
    if (ratio === null || limit === null || !Number.isFinite(ratio) || !Number.isFinite(limit))
      return "unknown";
    return ratio > limit ? "above" : "within";
  },
  /** The label index of the smallest value (ties: the first): "0", "1", … or "none". */
  argmin(values: readonly Value[]): string {
    let best = -1;
    values.forEach((v, i) => {
      if (v !== null && Number.isFinite(v) && (best < 0 || v < (values[best] as number))) best = i;
    });
    return best < 0 ? "none" : String(best);
  },
  /**
   * A paired comparison over seeds from its summary (n, low, high of the exact interval for the median difference
   * a − b): "higher" | "lower" when the interval excludes 0, "undecided" when it does not, "too-few-seeds".
   */
  paired(values: readonly Value[]): string {
    const [n, low, high] = values;
    if (n === null || n < MIN_SEEDS_TO_RANK) return "too-few-seeds";
    if (low === null || high === null) return "undecided";
    if (low > 0) return "higher";
    if (high < 0) return "lower";
    return "undecided";
  },
} as const;

export type RuleName = keyof typeof RULES;

/** One claim: the rule, where its inputs are in the entry's numbers, the verdict, and the sentence it made. */
export interface Claim {
  readonly rule: RuleName;
  readonly inputs: readonly string[];
  readonly verdict: string;
  readonly text: string;
}

/** Reads `a.b.c` inside an object (undefined when a step is missing). */
export function valueAt(numbers: unknown, path: string): unknown {
  let node: unknown = numbers;
  for (const key of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Builds entries' numbers and claims together, so a claim can only cite numbers that are printed. */
export class ClaimBook {
  readonly numbers: Record<string, unknown> = {};
  readonly claims: Claim[] = [];

  /** Records a number (or a group of them) under a path and returns the path. */
  put(path: string, value: unknown): string {
    const keys = path.split(".");
    let node = this.numbers;
    for (const key of keys.slice(0, -1)) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]] = value;
    return path;
  }

  /** Applies a rule to numbers already recorded; `say` turns the verdict into the sentence. */
  claim(rule: RuleName, inputs: readonly string[], say: (verdict: string) => string): string {
    const values = inputs.map((path) => asValue(valueAt(this.numbers, path)));
    const verdict = RULES[rule](values);
    const text = say(verdict);
    this.claims.push({ rule, inputs, verdict, text });
    return text;
  }

  /** A paired comparison of per-seed values (a − b), recorded as numbers, and its claim. */
  paired(
    path: string,
    a: readonly number[],
    b: readonly number[],
    say: (verdict: string, d: PairedDifference) => string,
  ): string {
    const d = pairedDifference(a, b);
    this.put(path, { n: d.n, median: d.median, low: d.low, high: d.high, confidence: d.confidence });
    return this.claim("paired", [`${path}.n`, `${path}.low`, `${path}.high`], (verdict) => say(verdict, d));
  }
}

function asValue(value: unknown): Value {
  return typeof value === "number" ? value : null;
}

/** Every claim whose verdict its own entry's numbers do not give (empty when the report is consistent). */
export function checkClaims(
  entries: readonly { id: string; numbers: unknown; claims: readonly Claim[]; answer: string }[],
): string[] {
  const problems: string[] = [];
  for (const entry of entries) {
    for (const claim of entry.claims) {
      const raw = claim.inputs.map((path) => valueAt(entry.numbers, path));
      raw.forEach((value, i) => {
        if (value === undefined)
          problems.push(`${entry.id}: claim cites ${claim.inputs[i]}, which is not reported`);
      });
      const verdict = RULES[claim.rule](raw.map(asValue));
      if (verdict !== claim.verdict)
        problems.push(`${entry.id}: "${claim.text}" says ${claim.verdict}, its numbers say ${verdict}`);
      if (!entry.answer.includes(claim.text))
        problems.push(`${entry.id}: claim "${claim.text}" is not in the answer`);
    }
  }
  return problems;
}
