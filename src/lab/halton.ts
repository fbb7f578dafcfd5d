import { InputRangeError } from "../util/errors.js";

/**
 * A scrambled Halton sequence: the quasi-random trial points of the fair tier's search (issue 12).
 *
 * Point i, coordinate d: the radical inverse of i in the d-th prime base b, each digit passed through its own
 * random permutation (one per dimension and digit position, drawn once from `seed`):
 *   x_d(i) = Σ_{j=1..J} σ_{d,j}(a_j(i)) · b^(−j),   i = Σ_j a_j(i) · b^(j−1)
 * (Owen's random digit permutation scrambling truncated at J digits, J = ⌈53 / log₂ b⌉, so float64 resolution).
 * The permutations are bijections, so the stratification of the plain sequence survives: the first b^m points fall
 * one in each interval [k/b^m, (k+1)/b^m) of every coordinate; scrambling only breaks the correlation between
 * the first dimensions that makes the plain sequence align on lines. Same seed, same points, on every machine.
 */

/** The first primes: one base per dimension (a search space has at most this many dimensions). */
export const HALTON_BASES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53] as const;

/** mulberry32: a small deterministic generator of 32-bit words (enough to shuffle digits). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ScrambledHalton {
  readonly dimensions: number;
  readonly seed: number;
  /** Coordinates of point `index` (0, 1, …), each in [0, 1). */
  point(index: number): number[];
}

export function scrambledHalton(dimensions: number, seed: number): ScrambledHalton {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > HALTON_BASES.length) {
    throw new InputRangeError(
      `halton: dimensions must be a whole number in [1, ${HALTON_BASES.length}], got ${dimensions}`,
    );
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) {
    throw new InputRangeError(`halton: seed must be a whole number in [0, 4294967295], got ${seed}`);
  }
  const random = mulberry32(seed);
  // permutations[d][j] is σ_{d,j}, a shuffled 0…b−1 (Fisher–Yates).
  const permutations = HALTON_BASES.slice(0, dimensions).map((base) => {
    const depth = Math.ceil(53 / Math.log2(base));
    return Array.from({ length: depth }, () => {
      const p = Array.from({ length: base }, (_, k) => k);
      for (let k = base - 1; k > 0; k--) {
        const r = Math.floor(random() * (k + 1));
        [p[k], p[r]] = [p[r], p[k]];
      }
      return p;
    });
  });
  return {
    dimensions,
    seed,
    point(index) {
      if (!Number.isInteger(index) || index < 0 || index > 2 ** 40) {
        throw new InputRangeError(`halton: index must be a whole number in [0, 2^40], got ${index}`);
      }
      return permutations.map((digits, d) => {
        const base = HALTON_BASES[d];
        let rest = index;
        let scale = 1 / base;
        let x = 0;
        for (const sigma of digits) {
          x += sigma[rest % base] * scale;
          rest = Math.floor(rest / base);
          scale /= base;
        }
        return Math.min(x, 1 - Number.EPSILON / 2);
      });
    },
  };
}

/**
 * The L2-star discrepancy of points in [0, 1)^s (Warnock's formula): the root mean square, over boxes [0, y), of the
 * difference between the share of points inside and the box's volume. Lower is more uniform; for N independent
 * uniform points its expectation is √((2^−s − 3^−s) / N).
 */
export function l2StarDiscrepancy(points: readonly (readonly number[])[]): number {
  const n = points.length;
  if (n === 0) return Number.NaN;
  const s = points[0].length;
  let single = 0;
  for (const x of points) {
    let product = 1;
    for (const v of x) product *= (1 - v * v) / 2;
    single += product;
  }
  let pairs = 0;
  for (const x of points) {
    for (const y of points) {
      let product = 1;
      for (let d = 0; d < s; d++) product *= 1 - Math.max(x[d], y[d]);
      pairs += product;
    }
  }
  return Math.sqrt(3 ** -s - (2 / n) * single + pairs / (n * n));
}
