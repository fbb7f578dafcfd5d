import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileExpression } from "../src/landscapes/formula-compile.js";
import {
  FORMULA_FUNCTIONS,
  FORMULA_MAX_LENGTH,
  getLandscape,
  type Landscape,
  landscapeFromFormula,
  parseFormula,
} from "../src/landscapes/index.js";
import { isUserError } from "../src/util/errors.js";

function gradient(l: Landscape, p: readonly number[]): number[] {
  const out = new Float64Array(2);
  l.grad(p, out);
  return Array.from(out);
}

/** Central differences with one Richardson extrapolation (error O(h⁴)), h = 1e-3·max(1, |pᵢ|). */
function numericGradient(l: Landscape, p: readonly number[]): number[] {
  return p.map((v, i) => {
    const h = 1e-3 * Math.max(1, Math.abs(v));
    const central = (step: number) => {
      const up = [...p];
      const down = [...p];
      up[i] += step;
      down[i] -= step;
      return (l.f(up) - l.f(down)) / (2 * step);
    };
    return (4 * central(h / 2) - central(h)) / 3;
  });
}

function messageOf(attempt: () => unknown): string {
  try {
    attempt();
  } catch (error) {
    expect(isUserError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error("expected a user error");
}

describe("landscapeFromFormula", () => {
  it("evaluates the book's quadratic at the seed start like the hand-written one", () => {
    const l = landscapeFromFormula("x^2/20 + y^2");
    // (−7)²/20 + 2² = 49/20 + 4 = 6.45
    expect(l.f([-7, 2])).toBe(6.45);
    // mathjs differentiates x²/20 to 2·1·x^(2−1)/20 + 0: −14/20 rounds to −0.7 like x/10 does.
    expect(gradient(l, [-7, 2])).toEqual([-0.7, 4]);
    expect(l.id).toBe("formula");
    expect(l.dim).toBe(2);
    expect(l.formula).toBe("x^2/20 + y^2");
    expect(l.latex).toBe("f(x, y) = \\frac{{ x}^{2}}{20}+{ y}^{2}");
  });

  const smooth = [
    "sin(x)*cos(y) + x^2/10",
    "tan(x/4) + asin(y/6) + acos(x/6) + atan(x*y)",
    "sinh(x/3) * cosh(y/3) + tanh(x - y) + asinh(x*y)",
    "exp(-x^2 - y^2) + log(1 + x^2 + y^2) + log10(2 + y^2)",
    "sqrt(1 + x^2 + y^2) + abs(y - 20) + pow(x, 4) / 100",
    "sec(x/4) + csc(2 + y/4) + cot(2 + x/4)",
    "e^(x/5) + pi*y",
    "2x + 3x y - (y^3)/7",
  ];

  it.each(smooth)("differentiates %s exactly (central differences agree to 1e-7)", (formula) => {
    const l = landscapeFromFormula(formula, { findMinima: false });
    fc.assert(
      fc.property(
        fc.double({ min: -4, max: 4, noNaN: true }),
        fc.double({ min: -4, max: 4, noNaN: true }),
        (x, y) => {
          const exact = gradient(l, [x, y]);
          const numeric = numericGradient(l, [x, y]);
          const scale = Math.max(1, Math.hypot(...exact));
          expect(Math.abs(exact[0] - numeric[0]) / scale).toBeLessThan(1e-7);
          expect(Math.abs(exact[1] - numeric[1]) / scale).toBeLessThan(1e-7);
        },
      ),
      { seed: 20261126, numRuns: 50 },
    );
  });

  it.each(smooth)("evaluates %s and its derivatives exactly as mathjs's own compile() does", (formula) => {
    const parsed = parseFormula(formula);
    const variables = new Float64Array(2);
    const scope = new Map<string, number>();
    for (const node of [parsed.node, parsed.dx, parsed.dy]) {
      const ours = compileExpression(node, variables);
      const theirs = node.compile();
      fc.assert(
        fc.property(fc.double({ min: -6, max: 6 }), fc.double({ min: -6, max: 6 }), (x, y) => {
          variables[0] = x;
          variables[1] = y;
          scope.set("x", x).set("y", y);
          const reference: unknown = theirs.evaluate(scope);
          expect(Object.is(ours(), typeof reference === "number" ? reference : Number.NaN)).toBe(true);
        }),
        { seed: 20261126, numRuns: 100 },
      );
    }
  });

  it("uses every whitelisted function in at least one of the tested formulas", () => {
    for (const name of Object.keys(FORMULA_FUNCTIONS))
      expect(smooth.some((s) => s.includes(`${name}(`))).toBe(true);
  });

  it("reuses one scope without carrying values from one call to the next", () => {
    const l = landscapeFromFormula("x - 2*y", { findMinima: false });
    expect(l.f([1, 0])).toBe(1);
    expect(l.f([0, 1])).toBe(-2);
    expect(l.f(Float32Array.of(0.5, 0.25))).toBe(0);
    const out = new Float32Array(2);
    l.grad([3, 4], out);
    expect(Array.from(out)).toEqual([1, -2]);
  });

  it("answers values outside the real numbers with NaN", () => {
    const l = landscapeFromFormula("sqrt(x) + log(y)", { findMinima: false });
    expect(l.f([-1, 1])).toBeNaN();
    expect(l.f([1, -1])).toBeNaN();
  });

  it("accepts typographic ², ³, ·, ×, − and π", () => {
    const l = landscapeFromFormula("x² · 2 − π×y³", { findMinima: false });
    // 3²·2 − π·2³ = 18 − 8π
    expect(l.f([3, 2])).toBe(18 - Math.PI * 8);
  });

  it("uses [-5, 5]² and the start (−4, 4) unless told otherwise", () => {
    const l = landscapeFromFormula("x^2 + y^2", { findMinima: false });
    expect(l.domain).toEqual({ x: [-5, 5], y: [-5, 5] });
    expect(l.start).toEqual([-4, 4]);
    const m = landscapeFromFormula("x^2 + y^2", {
      domain: { x: [0, 10], y: [-1, 1] },
      start: [9, 0.5],
      findMinima: false,
    });
    expect(m.domain).toEqual({ x: [0, 10], y: [-1, 1] });
    expect(m.start).toEqual([9, 0.5]);
  });

  it("finds approximate minima with a grid search and Newton polish", () => {
    const bowl = landscapeFromFormula("(x - 1)^2 + 2*(y + 0.5)^2");
    expect(bowl.minima).toHaveLength(1);
    expect(bowl.minima[0].approximate).toBe(true);
    expect(bowl.minima[0].point[0]).toBeCloseTo(1, 12);
    expect(bowl.minima[0].point[1]).toBeCloseTo(-0.5, 12);
    expect(bowl.minima[0].value).toBeLessThan(1e-20);

    const himmelblau = getLandscape("himmelblau");
    const found = landscapeFromFormula(himmelblau.formula).minima;
    expect(found).toHaveLength(4);
    for (const known of himmelblau.minima) {
      const match = found.find(
        (m) => Math.hypot(m.point[0] - known.point[0], m.point[1] - known.point[1]) < 1e-9,
      );
      expect(match).toBeDefined();
    }
  });

  it("reports no minimum when the window holds none", () => {
    expect(landscapeFromFormula("x + y").minima).toEqual([]);
    expect(landscapeFromFormula("x^2 - y^2").minima).toEqual([]);
    expect(landscapeFromFormula("x^2 + y^2", { findMinima: false }).minima).toEqual([]);
  });
});

describe("formula errors", () => {
  const HINT = "(use x, y, numbers, + - * / ^, parentheses, pi, e and functions such as sin(x))";
  const cases: [string, unknown, string][] = [
    ["an unknown variable", "x + z", 'formula: unknown variable "z" at position 5 (use x and y)'],
    [
      "a product written without *",
      "xy + 1",
      'formula: unknown variable "xy" at position 1 (use x and y; write x*y for a product)',
    ],
    [
      "an unknown function",
      "2*foo(x)",
      'formula: unknown function "foo" at position 3 (known: sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, asinh, exp, log, log10, sqrt, abs, sec, csc, cot, pow)',
    ],
    [
      "a function without parentheses",
      "sin + x",
      'formula: function "sin" at position 1 needs its argument in parentheses, e.g. sin(x)',
    ],
    ["a wrong number of arguments", "log(x, 2)", "formula: log takes 1 argument, got 2"],
    ["a missing operand", "1 +* x", "formula: syntax error at position 4: value expected"],
    ["an unfinished formula", "(x + y", "formula: syntax error at the end: parenthesis ) expected"],
    [
      "a syntax error after a typographic character",
      "x² +* y",
      "formula: syntax error at position 5: value expected",
    ],
    ["a comparison", "x < y", `formula: character U+003C at position 3 is not allowed ${HINT}`],
    ["an assignment", "x = 1", `formula: character "=" (U+003D) at position 3 is not allowed ${HINT}`],
    ["a word operator", "x and y", 'formula: operator "and" is not allowed (use + - * / ^)'],
    ["modulo", "x mod 2", 'formula: operator "mod" is not allowed (use + - * / ^)'],
    ["property access", "x.y", `formula: property access is not allowed ${HINT}`],
    ["an infinite number", "1e400 * x", "formula: numbers must be finite, got Infinity"],
    ["a boolean", "true", 'formula: "true" is not a number'],
    ["an empty formula", "  ", `formula: must not be empty ${HINT}`],
    [
      "a formula that is too long",
      "x+".repeat(300),
      `formula: must be at most ${FORMULA_MAX_LENGTH} characters, got 600`,
    ],
    ["something that is not a string", 12, "formula: must be a string, got number"],
    [
      "a domain the wrong way round",
      ["x", { domain: { x: [1, -1], y: [0, 1] } }],
      "formula: domain.x must be [low, high] with finite low < high, got [1,-1]",
    ],
    [
      "a bad start",
      ["x", { start: [0, Number.NaN] }],
      "formula: start must be two finite numbers [x, y], got [0,NaN]",
    ],
  ];

  it.each(cases)("%s is a one-line user error naming the problem", (_, input, expected) => {
    const attempt = Array.isArray(input)
      ? () => landscapeFromFormula(input[0], input[1] as object)
      : () => landscapeFromFormula(input);
    expect(messageOf(attempt)).toBe(expected);
  });

  it("distinguishes a bad kind (InputTypeError) from a bad value (InputRangeError)", () => {
    expect(() => parseFormula(null)).toThrow(TypeError);
    expect(() => parseFormula("z")).toThrow(RangeError);
  });

  it("never echoes markup, whatever is typed", () => {
    const markup = fc
      .tuple(
        fc.string({ maxLength: 20 }),
        fc.constantFrom("<", ">", "&", '"', "'", "`", "\\"),
        fc.string({ maxLength: 20 }),
      )
      .map(([a, b, c]) => a + b + c);
    fc.assert(
      fc.property(markup, (typed) => {
        const message = messageOf(() => landscapeFromFormula(typed));
        // Quoted names are safe identifiers or single plain characters; nothing else may look like markup.
        expect(message.replace(/"[^"<>&'`\\]*"/g, "")).not.toMatch(/[<>&"'`\\]/);
        expect(message.includes(typed)).toBe(false);
      }),
      { seed: 20261126, numRuns: 200 },
    );
    expect(messageOf(() => landscapeFromFormula("<script>alert(1)</script>"))).toBe(
      `formula: character U+003C at position 1 is not allowed ${HINT}`,
    );
  });
});
