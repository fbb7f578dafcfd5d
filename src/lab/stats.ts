/**
 * Summary statistics for comparisons across seeds: medians and quantiles, a t confidence interval for the
 * mean, and Dolan–Moré performance profiles. Plain functions over arrays; non-finite values are the
 * caller's to filter (a diverged run is reported as diverged, not averaged).
 */

/** Linear-interpolation quantile (numpy's default, "type 7") of an ascending-sorted sample. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

export function quantile(sample: readonly number[], q: number): number {
  return quantileSorted(
    [...sample].sort((a, b) => a - b),
    q,
  );
}

/** The middle value, or the mean of the two middle values (as numpy.median). */
function medianSorted(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function median(sample: readonly number[]): number {
  return medianSorted([...sample].sort((a, b) => a - b));
}

export function mean(sample: readonly number[]): number {
  let sum = 0;
  for (const x of sample) sum += x;
  return sample.length === 0 ? Number.NaN : sum / sample.length;
}

/** Sample standard deviation (n − 1 in the denominator). */
export function standardDeviation(sample: readonly number[]): number {
  if (sample.length < 2) return Number.NaN;
  const m = mean(sample);
  let sum = 0;
  for (const x of sample) sum += (x - m) * (x - m);
  return Math.sqrt(sum / (sample.length - 1));
}

/** Two-sided 97.5 % quantiles of Student's t for 1…30 degrees of freedom (then the normal 1.96). */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export interface Interval {
  readonly center: number;
  readonly low: number;
  readonly high: number;
  readonly n: number;
}

/** 95 % t interval for the mean; with one value the interval is that value (width unknown: low = high). */
export function meanInterval(sample: readonly number[]): Interval {
  const n = sample.length;
  const center = mean(sample);
  if (n < 2) return { center, low: center, high: center, n };
  const t = n - 1 <= T_975.length ? T_975[n - 2] : 1.96;
  const half = (t * standardDeviation(sample)) / Math.sqrt(n);
  return { center, low: center - half, high: center + half, n };
}

/** True when two intervals overlap: the comparison is a tie at this number of seeds. */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.low <= b.high && b.low <= a.high;
}

/** Median and the min–max and interquartile ranges of a sample. */
export interface Spread {
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function spreadOf(sample: readonly number[]): Spread {
  const sorted = [...sample].sort((a, b) => a - b);
  return {
    median: medianSorted(sorted),
    q1: quantileSorted(sorted, 0.25),
    q3: quantileSorted(sorted, 0.75),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    n: sorted.length,
  };
}

/**
 * Dolan & Moré (2002) performance profile. `costs[p][s]` is solver s's cost on problem p (lower is better;
 * `Infinity` = failed). ρ_s(τ) is the share of problems on which s is within a factor τ of the best solver.
 * Returns, for each solver, the profile evaluated at the given τ values.
 */
export function performanceProfile(
  costs: readonly (readonly number[])[],
  taus: readonly number[],
): number[][] {
  const solvers = costs[0]?.length ?? 0;
  const ratios: number[][] = Array.from({ length: solvers }, () => []);
  for (const row of costs) {
    const best = Math.min(...row.filter((c) => Number.isFinite(c) && c >= 0));
    for (let s = 0; s < solvers; s++) {
      const c = row[s];
      ratios[s].push(
        Number.isFinite(c) && Number.isFinite(best)
          ? best === 0
            ? c === 0
              ? 1
              : Infinity
            : c / best
          : Infinity,
      );
    }
  }
  return ratios.map((rs) => taus.map((tau) => rs.filter((r) => r <= tau).length / Math.max(1, rs.length)));
}

/** The level the paired intervals aim for: the narrowest exact interval covering at least this much. */
export const PAIRED_CONFIDENCE = 0.95;

/** P(X ≤ k) for X ~ Binomial(n, 1/2), exactly (n ≤ 1000). */
function binomialHalfCdf(n: number, k: number): number {
  if (k < 0) return 0;
  let term = 0.5 ** n; // C(n, 0) / 2ⁿ
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term = (term * (n - i + 1)) / i;
    sum += term;
  }
  return Math.min(1, sum);
}

/** A paired comparison of two optimizers over the same seeds: the per-seed differences a − b. */
export interface PairedDifference {
  /** Number of paired seeds. */
  readonly n: number;
  readonly differences: readonly number[];
  /** Median of the per-seed differences. */
  readonly median: number;
  /** Exact distribution-free interval for the median difference (order statistics of the differences). */
  readonly low: number;
  readonly high: number;
  /** Its exact coverage, 1 − 2·P(Binomial(n, ½) ≤ k − 1) for the interval [d₍ₖ₎, d₍ₙ₊₁₋ₖ₎]. */
  readonly confidence: number;
}

/**
 * The sign-test interval for the median of paired differences (no assumption about their distribution): the
 * narrowest [d₍ₖ₎, d₍ₙ₊₁₋ₖ₎] whose exact coverage is at least `PAIRED_CONFIDENCE`; with too few seeds for
 * that (n ≤ 5), the widest one, [min, max], with the coverage it has (75 % for 3 seeds, 93.75 % for 5).
 */
export function pairedDifference(a: readonly number[], b: readonly number[]): PairedDifference {
  if (a.length !== b.length)
    throw new RangeError(`paired difference: ${a.length} values against ${b.length}`);
  const differences = a.map((x, i) => x - b[i]);
  const sorted = [...differences].sort((x, y) => x - y);
  const n = sorted.length;
  if (n === 0)
    return { n, differences, median: Number.NaN, low: Number.NaN, high: Number.NaN, confidence: 0 };
  let k = 1;
  while (k + 1 <= n / 2 && 1 - 2 * binomialHalfCdf(n, k) >= PAIRED_CONFIDENCE) k++;
  return {
    n,
    differences,
    median: medianSorted(sorted),
    low: sorted[k - 1],
    high: sorted[n - k],
    confidence: n === 1 ? 0 : 1 - 2 * binomialHalfCdf(n, k - 1),
  };
}

/** Median and range of a sample: the one summary optlab prints per optimizer over seeds. */
export interface MedianRangeOf {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function medianRangeOf(sample: readonly number[]): MedianRangeOf {
  const s = spreadOf(sample);
  return { median: s.median, min: s.min, max: s.max, n: s.n };
}
