import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hessian2 } from "../src/landscapes/critical.js";
import {
  type CriticalPoint,
  classifyHessian2,
  createQuadratic50,
  createRotatedQuadratic,
  getLandscape,
  type Landscape,
  landscapeFromFormula,
  landscapeGroup,
  landscapeIds,
  quadratic50DefaultCoefficients,
  STYBLINSKI_TANG_ROOTS,
} from "../src/landscapes/index.js";
import { twoWell } from "../src/landscapes/two-well.js";
import { isUserError } from "../src/util/errors.js";

interface GoldenFile {
  functions: Record<string, { a?: number[]; start: number[] }>;
  cases: { id: string; function: string; start: number[]; params: number[][]; loss: number[] }[];
}

const golden = JSON.parse(
  readFileSync(new URL("./fixtures/golden-trajectories.json", import.meta.url), "utf8"),
) as GoldenFile;
const goldenLandscapes: Record<string, Landscape> = {
  quadratic: getLandscape("quadratic"),
  rosenbrock: getLandscape("rosenbrock"),
  beale: getLandscape("beale"),
  himmelblau: getLandscape("himmelblau"),
  saddle: getLandscape("saddle"),
  quadratic50: createQuadratic50(golden.functions.quadratic50.a),
};

const allLandscapes = landscapeIds().map((id) => getLandscape(id));
const planeLandscapes = allLandscapes.filter((l) => l.dim === 2);

/**
 * Central differences with one Richardson extrapolation: (4·D(h/2) − D(h)) / 3, error O(h⁴), with
 * h = 1e-3·max(1, |pᵢ|). An independent check of the hand-derived gradients.
 */
function numericGradient(l: Landscape, p: readonly number[]): number[] {
  const q = [...p];
  const central = (i: number, h: number) => {
    q[i] = p[i] + h;
    const up = l.f(q);
    q[i] = p[i] - h;
    const down = l.f(q);
    q[i] = p[i];
    return (up - down) / (2 * h);
  };
  return p.map((v, i) => {
    const h = 1e-3 * Math.max(1, Math.abs(v));
    return (4 * central(i, h / 2) - central(i, h)) / 3;
  });
}

function exactGradient(l: Landscape, p: readonly number[]): number[] {
  const out = new Float64Array(l.dim);
  l.grad(p, out);
  return Array.from(out);
}

/** max_i |a_i − b_i| / max(‖b‖₂, 1): the relative gradient error of the tests. */
function relativeError(a: readonly number[], b: readonly number[]): number {
  const scale = Math.max(Math.hypot(...b), 1);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]))) / scale;
}

function pointIn(l: Landscape): fc.Arbitrary<number[]> {
  const axis = (range: readonly [number, number]) =>
    fc.double({ min: range[0], max: range[1], noNaN: true, noDefaultInfinity: true });
  if (l.dim === 2) return fc.tuple(axis(l.domain.x), axis(l.domain.y));
  return fc.array(axis(l.domain.x), { minLength: l.dim, maxLength: l.dim });
}

describe("the six reference functions of golden-trajectories.json", () => {
  it("reproduce every stored loss[k] from params[k] bit for bit", () => {
    let checked = 0;
    const mismatches: string[] = [];
    for (const c of golden.cases) {
      const l = goldenLandscapes[c.function];
      c.params.forEach((p, k) => {
        const value = l.f(p);
        checked++;
        if (!Object.is(value, c.loss[k]) && mismatches.length < 5)
          mismatches.push(`${c.id}[${k}]: ${value} vs ${c.loss[k]}`);
      });
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(20_000);
  });

  it("start where the golden file says", () => {
    for (const [name, l] of Object.entries(goldenLandscapes)) {
      expect(l.start).toEqual(golden.functions[name].start);
      for (const c of golden.cases.filter((c) => c.function === name && c.id.endsWith("/seed"))) {
        expect(c.start).toEqual(l.start);
      }
    }
  });

  it("have gradients that match central differences at golden iterates", () => {
    for (const c of golden.cases) {
      const l = goldenLandscapes[c.function];
      for (let k = 0; k < c.params.length; k += 10) {
        const p = c.params[k];
        expect(relativeError(exactGradient(l, p), numericGradient(l, p))).toBeLessThan(1e-7);
      }
    }
  });

  it("compute the default quadratic50 coefficients as the golden file lists them, to the last bit or two", () => {
    const computed = quadratic50DefaultCoefficients();
    const stored = golden.functions.quadratic50.a!;
    expect(computed).toHaveLength(50);
    computed.forEach((a, i) => {
      expect(Math.abs(a - stored[i])).toBeLessThanOrEqual(2 * Number.EPSILON * stored[i]);
    });
  });
});

describe("every landscape of the table", () => {
  it("is listed once, reference ones first", () => {
    expect(new Set(landscapeIds()).size).toBe(landscapeIds().length);
    expect(landscapeIds("reference")).toEqual([
      "quadratic",
      "rosenbrock",
      "beale",
      "himmelblau",
      "saddle",
      "quadratic50",
    ]);
    expect(landscapeIds().length).toBeGreaterThanOrEqual(17);
    expect(landscapeGroup("ackley")).toBe("classic");
  });

  it.each(allLandscapes.map((l) => [l.id, l] as const))(
    "%s has an exact gradient (central differences agree to 1e-7)",
    (_, l) => {
      fc.assert(
        fc.property(pointIn(l), (p) => {
          // Differences with h = 1e-3 straddle the tip of Ackley's cone near the origin.
          fc.pre(l.id !== "ackley" || Math.hypot(p[0], p[1]) > 1e-2);
          expect(relativeError(exactGradient(l, p), numericGradient(l, p))).toBeLessThan(1e-7);
        }),
        { seed: 20261126, numRuns: 60 },
      );
    },
  );

  it.each(allLandscapes.map((l) => [l.id, l] as const))("%s has a consistent description", (_, l) => {
    expect(l.id).toMatch(/^[a-z0-9-]+$/);
    expect(l.start).toHaveLength(l.dim);
    expect(Number.isFinite(l.f(l.start))).toBe(true);
    expect(l.domain.x[0]).toBeLessThan(l.domain.x[1]);
    expect(l.domain.y[0]).toBeLessThan(l.domain.y[1]);
    expect(l.latex.length).toBeGreaterThan(0);
    if (!l.unboundedBelow) expect(l.minima.length).toBeGreaterThan(0);
    if (l.dim === 2) {
      expect(l.start[0]).toBeGreaterThanOrEqual(l.domain.x[0]);
      expect(l.start[0]).toBeLessThanOrEqual(l.domain.x[1]);
      expect(l.start[1]).toBeGreaterThanOrEqual(l.domain.y[0]);
      expect(l.start[1]).toBeLessThanOrEqual(l.domain.y[1]);
    }
  });

  const critical: [string, Landscape, CriticalPoint, "minimum" | "saddle" | "maximum"][] =
    allLandscapes.flatMap((l) => [
      ...l.minima.map((m) => [l.id, l, m, "minimum"] as [string, Landscape, CriticalPoint, "minimum"]),
      ...(l.saddles ?? []).map((m) => [l.id, l, m, "saddle"] as [string, Landscape, CriticalPoint, "saddle"]),
      ...(l.maxima ?? []).map(
        (m) => [l.id, l, m, "maximum"] as [string, Landscape, CriticalPoint, "maximum"],
      ),
    ]);

  it.each(critical)(
    "%s: the listed point %j is stationary with the listed value and kind",
    (id, l, m, kind) => {
      expect(m.point).toHaveLength(l.dim);
      const g = exactGradient(l, m.point);
      // Gradient zero up to the rounding of the stored point (1 ulp × curvature).
      if (id !== "ackley") expect(Math.hypot(...g)).toBeLessThan(1e-9 * Math.max(1, Math.abs(m.value)));
      expect(Math.abs(l.f(m.point) - m.value)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(m.value)));
      if (l.dim === 2 && id !== "ackley") {
        const h = new Float64Array(3);
        hessian2((p, out) => l.grad(p, out), m.point, h);
        expect(classifyHessian2(h)).toBe(kind);
      }
    },
  );

  it.each(planeLandscapes.map((l) => [l.id, l] as const))(
    "%s: its plain-text formula, differentiated by mathjs, agrees with f and grad",
    (_, l) => {
      const parsed = landscapeFromFormula(l.formula, { findMinima: false });
      fc.assert(
        fc.property(pointIn(l), (p) => {
          // Ackley's symbolic gradient is 0/0 at the cone tip, where the gradient is undefined.
          fc.pre(l.id !== "ackley" || Math.hypot(p[0], p[1]) > 1e-9);
          const f = l.f(p);
          expect(Math.abs(parsed.f(p) - f)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(f)));
          expect(relativeError(exactGradient(parsed, p), exactGradient(l, p))).toBeLessThan(1e-11);
        }),
        { seed: 20261126, numRuns: 40 },
      );
    },
  );
});

describe("known minima agree with the literature", () => {
  it("six-hump camel: f = −1.0316284534898774 at ±(0.0898420131003, −0.712656403020)", () => {
    const l = getLandscape("six-hump-camel");
    const [a, b] = l.minima;
    expect(a.point[0]).toBeCloseTo(0.0898420131003, 12);
    expect(a.point[1]).toBeCloseTo(-0.71265640302, 11);
    expect(b.point).toEqual([-a.point[0], -a.point[1]]);
    expect(a.value).toBeCloseTo(-1.0316284534898774, 15);
    expect(l.minima.slice(2).every((m) => m.value > a.value)).toBe(true);
  });

  it("Himmelblau: four zeros, and the local maximum (−0.270845, −0.923039) with f ≈ 181.617", () => {
    const l = getLandscape("himmelblau");
    const literature = [
      [3, 2],
      [3.584428, -1.848126],
      [-2.805118, 3.131312],
      [-3.77931, -3.283186],
    ];
    l.minima.forEach((m, i) => {
      expect(m.point[0]).toBeCloseTo(literature[i][0], 6);
      expect(m.point[1]).toBeCloseTo(literature[i][1], 5);
      expect(m.value).toBe(0);
    });
    expect(l.maxima![0].point[0]).toBeCloseTo(-0.270845, 6);
    expect(l.maxima![0].point[1]).toBeCloseTo(-0.923039, 6);
    expect(l.maxima![0].value).toBeCloseTo(181.617, 3);
  });

  it("Styblinski–Tang: the roots of 4t³ − 32t + 5 match the trigonometric closed form, f* = −39.16617 per coordinate", () => {
    // t³ + p·t + q = 0 with p = −8, q = 5/4: t_k = 2√(−p/3)·cos(⅓·acos((3q/2p)·√(−3/p)) − 2πk/3).
    const p = -8;
    const q = 1.25;
    const roots = [0, 1, 2].map(
      (k) =>
        2 *
        Math.sqrt(-p / 3) *
        Math.cos(Math.acos(((3 * q) / (2 * p)) * Math.sqrt(-3 / p)) / 3 - (2 * Math.PI * k) / 3),
    );
    const [high, middle, low] = roots;
    expect(Math.abs(STYBLINSKI_TANG_ROOTS.low - low)).toBeLessThan(1e-14);
    expect(Math.abs(STYBLINSKI_TANG_ROOTS.middle - middle)).toBeLessThan(1e-14);
    expect(Math.abs(STYBLINSKI_TANG_ROOTS.high - high)).toBeLessThan(1e-14);
    expect(getLandscape("styblinski-tang").minima[0].value / 2).toBeCloseTo(-39.16617, 5);
  });

  it("Goldstein–Price: f(0, −1) = 3 exactly", () => {
    expect(getLandscape("goldstein-price").f([0, -1])).toBe(3);
  });

  it("Booth, banana, rotated quadratic, plateau and Rastrigin are exactly 0 at their minimum", () => {
    for (const id of [
      "booth",
      "banana",
      "rotated-quadratic",
      "plateau",
      "rastrigin",
      "rosenbrock",
      "beale",
    ]) {
      const l = getLandscape(id);
      expect(l.f(l.minima[0].point)).toBe(0);
    }
  });

  it("the two-well bowl is Dupont's function evaluated exactly as on his page", () => {
    // Copied from the code of emiliendupont.github.io/2018/01/24/optimization-visualization.
    const dupont = (x: number, y: number) =>
      -2 * Math.exp(-((x - 1) * (x - 1) + y * y) / 0.2) +
      -3 * Math.exp(-((x + 1) * (x + 1) + y * y) / 0.2) +
      x * x +
      y * y;
    fc.assert(
      fc.property(pointIn(twoWell), ([x, y]) => {
        expect(twoWell.f([x, y])).toBe(dupont(x, y));
      }),
      { seed: 20261126, numRuns: 100 },
    );
    expect(twoWell.minima[0].point[0]).toBeLessThan(0); // the deeper well is on the left
  });

  it("nndl: stationary points (0, 0) (minimum, f = 0) and (1/4, −1/2) (saddle, f = 1/16), unbounded below", () => {
    const l = getLandscape("nndl");
    expect(l.f([0.25, -0.5])).toBe(1 / 16);
    expect(exactGradient(l, [0.25, -0.5])).toEqual([0, 0]);
    expect(l.unboundedBelow).toBe(true);
    expect(l.f([0, -1e3])).toBeLessThan(-9e8);
  });

  it("Ackley's gradient is 0 exactly at the cone tip and f(0, 0) rounds to within 1e-14 of 0", () => {
    const l = getLandscape("ackley");
    expect(exactGradient(l, [0, 0])).toEqual([0, 0]);
    expect(Math.abs(l.f([0, 0]))).toBeLessThan(1e-14);
  });
});

describe("parameterised landscapes", () => {
  it("a rotated quadratic rotated by 0° is the axis-aligned ½(λu x² + λv y²)", () => {
    const l = createRotatedQuadratic({ curvatureU: 0.1, curvatureV: 2, angleDegrees: 0 });
    // ½·0.1·9 + ½·2·4 = 0.45 + 4 = 4.45
    expect(l.f([3, 2])).toBeCloseTo(4.45, 14);
    expect(exactGradient(l, [3, 2])).toEqual([0.30000000000000004, 4]);
  });

  it("quadratic50 takes any positive coefficients and rejects the rest with one-line errors", () => {
    const l = createQuadratic50([2, 4]);
    // ½(2·1² + 4·1.02²) = ½(2 + 4.1616) = 3.0808
    expect(l.start).toEqual([1, 1.02]);
    expect(l.f(l.start)).toBeCloseTo(3.0808, 14);
    expect(() => createQuadratic50([1, -1])).toThrow(
      "quadratic50: coefficient a[1] must be a finite number > 0, got -1",
    );
    expect(() => createQuadratic50([])).toThrow(
      "quadratic50: coefficients must be a non-empty array of numbers, got []",
    );
    expect(() => createRotatedQuadratic({ curvatureV: 0 })).toThrow(
      "rotated-quadratic: curvatureV must be a finite number > 0, got 0",
    );
    expect(() => createRotatedQuadratic({ angleDegrees: Number.NaN })).toThrow(
      "rotated-quadratic: angleDegrees must be a finite number, got NaN",
    );
  });
});

describe("getLandscape", () => {
  it("returns table entries by id, case-insensitively", () => {
    expect(getLandscape("rosenbrock").id).toBe("rosenbrock");
    expect(getLandscape(" Rosenbrock ").id).toBe("rosenbrock");
  });

  it("reads anything else that mentions x or y as a formula", () => {
    const l = getLandscape("x^2/20 + y^2");
    expect(l.id).toBe("formula");
    expect(l.f([-7, 2])).toBe(getLandscape("quadratic").f([-7, 2]));
    expect(getLandscape("x").f([3, 4])).toBe(3);
  });

  it("answers an unknown id with a did-you-mean", () => {
    const attempt = () => getLandscape("rosenbrok");
    expect(attempt).toThrow(
      /^unknown landscape "rosenbrok"; did you mean "rosenbrock"\? \(expected one of: quadratic, /,
    );
    expect(attempt).toThrow(/; or give a formula in x and y such as "x\^2 \+ y\^2"$/);
    expect(() => getLandscape("styblinsky-tang")).toThrow('did you mean "styblinski-tang"?');
    try {
      getLandscape("himmelblue");
    } catch (error) {
      expect(isUserError(error)).toBe(true);
      expect((error as Error).name).toBe("InputRangeError");
    }
  });

  it("rejects what is not a string with an InputTypeError", () => {
    expect(() => getLandscape(42)).toThrow("landscape: must be an id or a formula string, got number");
  });
});
