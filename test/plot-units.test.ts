import * as Plot from "@observablehq/plot";
import { describe, expect, it } from "vitest";
import { clipPath, clipSegment } from "../src/plot/clip.js";
import { prettyFormula } from "../src/plot/figures.js";
import { contourLevels, sampleGrid } from "../src/plot/grid.js";
import { seriesStyle } from "../src/plot/palette.js";
import { thinDots } from "../src/plot/planar.js";
import { cutSeries, logTick } from "../src/plot/series.js";
import {
  composeFigure,
  escapeXml,
  renumberIds,
  roundAttributeNumbers,
  svgNumber,
  wrapText,
} from "../src/plot/svg.js";
import { createDocument } from "../src/report/dom.js";

const square = { x: [-10, 10], y: [-10, 10] } as const;

describe("clipping paths to the plotting window", () => {
  it("keeps a segment that lies inside the window unchanged", () => {
    expect(clipSegment(-1, -2, 3, 4, square)).toEqual({
      start: [-1, -2],
      end: [3, 4],
      startCut: false,
      endCut: false,
    });
  });

  it("cuts a segment at the border it crosses, with the border's coordinate exact", () => {
    // From (0, 0) to (0, 20): leaves through y = 10 halfway.
    expect(clipSegment(0, 0, 0, 20, square)).toEqual({
      start: [0, 0],
      end: [0, 10],
      startCut: false,
      endCut: true,
    });
    // From (-20, 5) to (0, 5): enters through x = −10.
    expect(clipSegment(-20, 5, 0, 5, square)).toEqual({
      start: [-10, 5],
      end: [0, 5],
      startCut: true,
      endCut: false,
    });
  });

  it("returns null for a segment that misses the window", () => {
    expect(clipSegment(11, 0, 20, 5, square)).toBeNull();
    expect(clipSegment(-20, 11, 20, 11, square)).toBeNull();
  });

  it("crosses the window at the right place between ±1e27 without cancellation", () => {
    // x = 1 → 3 while y = 1e27 → −1e27: y = 10 at t = 0.5 − 5e-27, so x = 2 (to double precision).
    const clipped = clipSegment(1, 1e27, 3, -1e27, square);
    expect(clipped?.start).toEqual([2, 10]);
    expect(clipped?.end).toEqual([2, -10]);
  });

  it("draws a diverging path only up to the divergence and marks where it ended", () => {
    // SGD with lr = 11 on f = x²/20 + y²: x ← −0.1·x, y ← −21·y from (−7, 2).
    const points: [number, number][] = [[-7, 2]];
    for (let k = 0; k < 5; k++) points.push([-0.1 * points[k][0], -21 * points[k][1]]);
    const clipped = clipPath(points, square, { step: 6 });
    expect(clipped.dots.map((d) => d.step)).toEqual([0]);
    expect(clipped.end?.reason).toBe("diverged");
    expect(clipped.end?.step).toBe(6);
    for (const v of clipped.vertices) {
      expect(Math.abs(v.x)).toBeLessThanOrEqual(10);
      expect(Math.abs(v.y)).toBeLessThanOrEqual(10);
    }
    // Every segment after the first crosses the window from border to border: a new piece each time.
    expect(new Set(clipped.vertices.map((v) => v.piece)).size).toBe(5);
  });

  it("stops at the first non-finite iterate", () => {
    const clipped = clipPath(
      [
        [0, 0],
        [1, 1],
        [Number.NaN, 2],
        [3, 3],
      ],
      square,
    );
    expect(clipped.vertices).toEqual([
      { x: 0, y: 0, piece: 0 },
      { x: 1, y: 1, piece: 0 },
    ]);
    expect(clipped.end).toBeNull();
  });

  it("marks a path whose last iterate lies outside the window with the step it left", () => {
    const clipped = clipPath(
      [
        [0, 0],
        [5, 0],
        [15, 0],
        [25, 0],
      ],
      square,
    );
    expect(clipped.end).toEqual({ x: 10, y: 0, step: 2, reason: "outside" });
  });
});

describe("deterministic SVG text", () => {
  it("formats coordinates with at most two decimals and never -0", () => {
    expect(svgNumber(1.23456)).toBe("1.23");
    expect(svgNumber(-0.001)).toBe("0");
    expect(svgNumber(95.00000000000001)).toBe("95");
    expect(() => svgNumber(Number.NaN)).toThrow(/non-finite/);
  });

  it("rounds numbers in geometry attributes only, leaving text and ids alone", () => {
    const svg = '<path d="M1.23456,2.5e-7L3,4" id="a1.2345"/><text x="0.123456">0.001234</text>';
    expect(roundAttributeNumbers(svg)).toBe(
      '<path d="M1.23,0L3,4" id="a1.2345"/><text x="0.12">0.001234</text>',
    );
  });

  it("refuses NaN and Infinity in geometry", () => {
    expect(() => roundAttributeNumbers('<path d="M0,NaN"/>')).toThrow(/non-finite/);
    expect(() => roundAttributeNumbers('<rect width="Infinity"/>')).toThrow(/non-finite/);
  });

  it("renames generated ids by first appearance and rewrites their references", () => {
    const svg =
      '<clipPath id="plot-clip-7"/><g clip-path="url(#plot-clip-7)"/><clipPath id="plot-clip-9"/><use href="#plot-clip-9"/>';
    expect(renumberIds(svg, "fig")).toBe(
      '<clipPath id="fig-1"/><g clip-path="url(#fig-1)"/><clipPath id="fig-2"/><use href="#fig-2"/>',
    );
  });

  it("escapes text for XML", () => {
    expect(escapeXml(`a < b & "c" 'd' > e`)).toBe("a &lt; b &amp; &quot;c&quot; &#39;d&#39; &gt; e");
  });

  it("wraps long lines at spaces to fit the width", () => {
    const lines = wrapText("one two three four five six seven eight nine ten", 110, 10);
    // 110 px at 10 px and 0.55 em per character: 20 characters a line.
    expect(lines).toEqual(["one two three four", "five six seven eight", "nine ten"]);
  });

  it("puts a title, panels and a white background into one standalone SVG", () => {
    const svg = composeFigure({
      id: "t",
      title: "A & B",
      panels: [{ svg: '<svg width="10" height="10"></svg>', width: 10, height: 10 }],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain("A &amp; B");
    expect(svg).toContain('<rect width="320"');
  });
});

describe("series, grids and styles", () => {
  it("writes formulas as a reader would", () => {
    expect(prettyFormula("x^2/20 + y^2")).toBe("x²/20 + y²");
    expect(prettyFormula("x^2 + y^2 + y^3 + x*y")).toBe("x² + y² + y³ + x·y");
    expect(prettyFormula("x^12 + y^2.5")).toBe("x^12 + y^2.5");
  });

  it("labels log ticks without SI prefixes", () => {
    expect([1e-6, 2e-5, 0.01, 0.3, 1, 1000, 1e5].map(logTick)).toEqual([
      "1e−6",
      "2e−5",
      "0.01",
      "0.3",
      "1",
      "1000",
      "1e5",
    ]);
  });

  it("cuts a loss series at divergence and floors values a log axis cannot show", () => {
    const cut = cutSeries({ label: "sgd", values: [4, 1, 0, 2e7], divergence: { step: 3 } }, 1e-12, 1e6);
    expect(cut.rows).toEqual([
      { step: 0, value: 4 },
      { step: 1, value: 1 },
      { step: 2, value: 1e-12 },
    ]);
    expect(cut.floored).toBe(true);
    expect(cut.end).toEqual({ step: 2, value: 1e-12, text: "diverged at step 3" });
    // A value past the ceiling ends the drawn series at the last value inside it.
    expect(cutSeries({ label: "a", values: [1, 10, 1e9] }, 1e-12, 1e6).end).toEqual({
      step: 1,
      value: 10,
      text: "beyond the plot from step 2",
    });
  });

  it("samples a grid at cell centres, row 0 at the bottom", () => {
    const grid = sampleGrid((x, y) => 10 * x + y, [0, 2], [0, 4], 2, 2);
    // Cell centres x = 0.5, 1.5 and y = 1, 3.
    expect(Array.from(grid.values)).toEqual([6, 16, 8, 18]);
  });

  it("chooses round contour levels up to the mask", () => {
    const grid = sampleGrid((x, y) => (x * x) / 20 + y * y, [-10, 10], [-5, 5], 200, 100);
    expect(contourLevels(grid, 8, 7)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("chooses geometric contour levels when a few huge values dominate", () => {
    const grid = sampleGrid((x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2, [-2, 2], [-1, 3], 100, 100);
    const levels = contourLevels(grid, 8);
    expect(levels.length).toBeGreaterThan(5);
    for (let i = 1; i < levels.length; i++) expect(levels[i] / levels[i - 1]).toBeGreaterThan(2);
  });

  it("gives each of eight series its own colour, marker and dash", () => {
    const styles = Array.from({ length: 8 }, (_, i) => seriesStyle(i));
    for (const key of ["color", "marker", "dash"] as const)
      expect(new Set(styles.map((s) => s[key])).size).toBe(8);
    expect(seriesStyle(8)).toEqual(seriesStyle(0));
  });
});

describe("marker thinning", () => {
  it("keeps every marker of a short path and about forty of a long one, always the last", () => {
    const steps = (n: number) => Array.from({ length: n }, (_, k) => k);
    expect(thinDots(steps(31), 40)).toEqual(steps(31));
    const long = thinDots(steps(301), 40);
    expect(long.slice(0, 3)).toEqual([0, 8, 16]);
    expect(long.at(-1)).toBe(300);
    expect(long.length).toBeLessThanOrEqual(41);
  });
});

describe("contours of a grid sampled at cell centres", () => {
  // planarPanel hands Plot a finite grid as it is (x and y null) instead of Plot's default, a nearest-sample
  // interpolation over a Delaunay triangulation of every sample. That is exact only if the default gives every cell
  // its own sample back; these panels check it bit for bit, on a gentle and on a steep landscape.
  const contourSvg = (grid: ReturnType<typeof sampleGrid>, levels: number[], dense: boolean) =>
    Plot.plot({
      document: createDocument(),
      width: 340,
      height: 320,
      x: { domain: [...grid.x], nice: false },
      y: { domain: [...grid.y], nice: false },
      color: { type: "ordinal", domain: levels.map((l) => -l).sort((a, b) => a - b) },
      marks: [
        Plot.contour(
          Array.from(grid.values, (v) => -v),
          {
            ...(dense ? { x: null, y: null } : {}),
            width: grid.nx,
            height: grid.ny,
            x1: grid.x[0],
            x2: grid.x[1],
            y1: grid.y[0],
            y2: grid.y[1],
            value: (d: number) => d,
            thresholds: levels.map((l) => -l).sort((a, b) => a - b),
            stroke: "value",
          },
        ),
      ],
    }).outerHTML;

  it("draws the same paths from the grid as it is as Plot's nearest-sample default", () => {
    const cases = [
      sampleGrid((x, y) => (x * x) / 20 + y * y, [-10, 10], [-5, 5], 200, 100),
      sampleGrid((x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2, [-2, 2], [-1, 3], 90, 70),
    ];
    for (const grid of cases) {
      const levels = contourLevels(grid, 8);
      const svg = contourSvg(grid, levels, true);
      expect(svg.match(/<path /g)?.length ?? 0).toBeGreaterThan(3);
      expect(svg).toBe(contourSvg(grid, levels, false));
    }
  });
});
