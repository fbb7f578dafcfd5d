import { describe, expect, it } from "vitest";
import { HALTON_BASES, l2StarDiscrepancy, scrambledHalton } from "../src/lab/halton.js";

// A fixed-seed uniform generator for the baseline the sequence must beat.
function uniformPoints(n: number, s: number, seed: number): number[][] {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: n }, () => Array.from({ length: s }, next));
}

describe("scrambled Halton sequence", () => {
  it("gives the same points for the same seed and different points for another seed", () => {
    const a = scrambledHalton(6, 12);
    const b = scrambledHalton(6, 12);
    const c = scrambledHalton(6, 13);
    for (let i = 0; i < 20; i++) expect(a.point(i)).toEqual(b.point(i));
    expect(a.point(1)).not.toEqual(c.point(1));
  });

  it("keeps every coordinate in [0, 1)", () => {
    const h = scrambledHalton(HALTON_BASES.length, 7);
    for (let i = 0; i < 200; i++) for (const x of h.point(i)) expect(x >= 0 && x < 1).toBe(true);
  });

  it("puts the first b^m points one in each interval of width b^-m of every coordinate (stratification)", () => {
    const h = scrambledHalton(4, 12);
    for (const [d, base] of [2, 3, 5, 7].entries()) {
      for (const m of [1, 2, 3]) {
        const count = base ** m;
        if (count > 400) continue;
        const cells = new Set<number>();
        for (let i = 0; i < count; i++) cells.add(Math.floor(h.point(i)[d] * count));
        expect(cells.size, `base ${base}, m ${m}`).toBe(count);
      }
    }
  });

  it("is more uniform than independent uniform points (L2-star discrepancy, Warnock's formula)", () => {
    // Expected discrepancy of N independent uniform points: √((2^−s − 3^−s)/N). The sequence measures
    // 0.23× that for 64 points in 2 dimensions, 0.34× for 256 in 4 and 0.64× for 256 in 6 (seed 12).
    const ratio = (s: number, n: number) => {
      const h = scrambledHalton(s, 12);
      const d = l2StarDiscrepancy(Array.from({ length: n }, (_, i) => h.point(i)));
      return { d, ratio: d / Math.sqrt((2 ** -s - 3 ** -s) / n) };
    };
    expect(ratio(2, 64).ratio).toBeLessThan(0.3);
    expect(ratio(4, 256).ratio).toBeLessThan(0.45);
    expect(ratio(6, 256).ratio).toBeLessThan(0.75);
    // And below each of 10 seeded uniform draws of the same size.
    const { d } = ratio(4, 256);
    for (let seed = 1; seed <= 10; seed++)
      expect(d).toBeLessThan(l2StarDiscrepancy(uniformPoints(256, 4, seed)));
  });

  it("measures the discrepancy of one point by hand", () => {
    // One point x in 1D: D² = 1/3 − 2·(1 − x²)/2 + (1 − x) = 1/3 − 1 + x² + 1 − x; x = 0.5 → 1/12.
    expect(l2StarDiscrepancy([[0.5]])).toBeCloseTo(Math.sqrt(1 / 12), 15);
  });

  it("refuses a dimension count, seed or index out of range, naming the rule", () => {
    expect(() => scrambledHalton(0, 1)).toThrow(
      "halton: dimensions must be a whole number in [1, 16], got 0",
    );
    expect(() => scrambledHalton(2, -1)).toThrow(
      "halton: seed must be a whole number in [0, 4294967295], got -1",
    );
    expect(() => scrambledHalton(2, 1).point(1.5)).toThrow(
      "halton: index must be a whole number in [0, 2^40], got 1.5",
    );
  });
});
