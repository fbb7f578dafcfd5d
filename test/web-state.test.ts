/**
 * The playground's untrusted-input boundary (web/src/state.ts) and its contour lines
 * (web/src/landscape-grid.ts), in Node: URL decoding clamps and drops, never throws; encoding
 * round-trips exactly; experiment files go through the CLI's validator.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { parseExperiment } from "../src/lab/experiment.js";
import { getLandscape } from "../src/landscapes/index.js";
import { contourSegments, quantileLevels, rankOf } from "../web/src/landscape-grid.js";
import {
  DEFAULT_STATE,
  decodeState,
  encodeState,
  experimentOf,
  MAX_LABEL_LENGTH,
  MAX_OPTIMIZERS,
  MAX_STEPS,
  type PlaygroundState,
  specOf,
  stateFromExperiment,
} from "../web/src/state.js";

describe("the playground's URL state", () => {
  test("an empty query is the seed's figure", () => {
    expect(decodeState("")).toEqual({ state: DEFAULT_STATE, warnings: [] });
  });

  test("a state survives encode → decode exactly, labels and 17-digit numbers included", () => {
    const state: PlaygroundState = {
      ...DEFAULT_STATE,
      landscape: "sin(x) * cos(y) + x^2/10",
      start: [0.1 + 0.2, -1 / 3],
      steps: 250,
      optimizers: [
        { id: "adam", hp: { lr: 0.123456789012345, beta1: 0.85 }, label: "a & <b>" },
        { id: "torch-sgd", hp: { lr: 0.05, momentum: 0.9, nesterov: true }, label: "" },
      ],
      window: { x: [-3, 2.5], y: [-1e-3, 7] },
      view: "surface",
      arrows: true,
      internals: true,
      cursor: 17,
      stabilityOf: 1,
    };
    const { state: back, warnings } = decodeState(encodeState(state));
    expect(warnings).toEqual([]);
    expect(back).toEqual(state);
  });

  test("out-of-range numbers are clamped and unknown views fall back to the map", () => {
    const { state, warnings } = decodeState(
      "?steps=99999999&start=1e300,-5&win=-1e9,1e9,0,1&view=<x>&k=-4&sm=7",
    );
    expect(state.steps).toBe(MAX_STEPS);
    expect(state.start).toEqual([1e6, -5]);
    expect(state.window).toEqual({ x: [-1e6, 1e6], y: [0, 1] });
    expect(state.view).toBe("map");
    expect(state.cursor).toBe(0);
    expect(state.stabilityOf).toBe(DEFAULT_STATE.optimizers.length - 1);
    expect(warnings).toEqual(["URL: view must be one of map, grid, surface, stability, mnist; using map"]);
  });

  test("bad parts become defaults with a one-line warning each, and decoding never throws", () => {
    const { state, warnings } = decodeState(
      "?f=x%2B%2B%2B&start=a,b&steps=NaN&o=adma:lr=1&o=adam:lr=-1&o=sgd:lr=0.5&win=3,2,0,1",
    );
    expect(state.landscape).toBe("quadratic");
    expect(state.start).toBeNull();
    expect(state.steps).toBe(30);
    expect(state.optimizers).toEqual([{ id: "sgd", hp: { lr: 0.5 }, label: "" }]);
    expect(state.window).toBeNull();
    expect(warnings).toHaveLength(6);
    expect(warnings[1]).toMatch(/^URL: start must be two finite numbers/);
    expect(warnings[3]).toMatch(/did you mean "adam"/);
    expect(warnings[4]).toMatch(/adam: lr must be/);
  });

  test("a 50-dimensional landscape is refused: the page draws planes", () => {
    const { state, warnings } = decodeState("?f=quadratic50");
    expect(state.landscape).toBe("quadratic");
    expect(warnings[0]).toMatch(/two-dimensional/);
  });

  test("labels lose control characters and are cut; at most 12 optimizers are kept", () => {
    const long = `a\u0000b\n${"x".repeat(200)}`;
    const many = Array.from({ length: 20 }, () => `o=${encodeURIComponent(`sgd@${long}`)}`).join("&");
    const { state, warnings } = decodeState(`?${many}`);
    expect(state.optimizers).toHaveLength(MAX_OPTIMIZERS);
    expect(state.optimizers[0].label).toBe(`a b ${"x".repeat(MAX_LABEL_LENGTH - 4)}`);
    expect(warnings).toEqual([`URL: at most ${MAX_OPTIMIZERS} optimizers; the rest were dropped`]);
  });

  test("no o= means the seed's optimizers, an empty o= means none", () => {
    expect(decodeState("?f=rosenbrock").state.optimizers).toEqual(DEFAULT_STATE.optimizers);
    const none = { ...DEFAULT_STATE, optimizers: [] };
    expect(decodeState(encodeState(none)).state.optimizers).toEqual([]);
  });

  test("foreign spellings in a URL are read as optlab's names", () => {
    const { state } = decodeState("?o=rmsprop:lr=0.1,decay_rate=0.9");
    expect(state.optimizers[0]).toEqual({ id: "rmsprop", hp: { lr: 0.1, rho: 0.9 }, label: "" });
    expect(specOf(state.optimizers[0])).toBe("rmsprop:lr=0.1,rho=0.9");
  });
});

describe("the playground's experiment files", () => {
  test("the downloaded file passes the CLI's validator and loads back to the same state", () => {
    const landscape = getLandscape("himmelblau");
    const state = {
      ...DEFAULT_STATE,
      landscape: "himmelblau",
      start: [0.5, -3] as [number, number],
      steps: 50,
      cursor: 50,
    };
    const experiment = experimentOf(state, landscape);
    expect(parseExperiment(JSON.parse(JSON.stringify(experiment)))).toEqual(experiment);
    const { state: back, warnings } = stateFromExperiment(
      JSON.parse(JSON.stringify(experiment)),
      "file",
      DEFAULT_STATE,
    );
    expect(warnings).toEqual([]);
    expect(back).toEqual({ ...state, cursor: 50 });
  });

  test("a broken file is refused with the validator's one-line message", () => {
    expect(() =>
      stateFromExperiment(
        { figure: "trajectories", function: "quadratic", steps: 0 },
        "lr.json",
        DEFAULT_STATE,
      ),
    ).toThrow("lr.json: steps must be a whole number in [1, 100000], got 0");
    expect(() => stateFromExperiment([], "x.json", DEFAULT_STATE)).toThrow(/x.json must be a JSON object/);
  });

  test("steps beyond the playground's limit are cut with a warning", () => {
    const { state, warnings } = stateFromExperiment(
      { figure: "trajectories", function: "quadratic", steps: 5000, optimizers: ["sgd"] },
      "long.json",
      DEFAULT_STATE,
    );
    expect(state.steps).toBe(MAX_STEPS);
    expect(warnings).toEqual([`long.json: steps cut to ${MAX_STEPS} (the playground's limit)`]);
  });
});

describe("the map's contour lines", () => {
  test("marching squares on a linear function puts every segment end exactly on the level", () => {
    // f(i, j) = 0.3·i + 0.7·j sampled at grid points; linear interpolation along edges is exact.
    const nx = 23;
    const ny = 17;
    const values = new Float64Array(nx * ny);
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) values[j * nx + i] = 0.3 * i + 0.7 * j;
    for (const level of [0.35, 3.3, 7.77, 15.01]) {
      const segments = contourSegments(values, nx, ny, level);
      expect(segments.length).toBeGreaterThan(0);
      for (let k = 0; k < segments.length; k += 2) {
        // Grid coordinates put sample (i, j) at (i + 0.5, j + 0.5).
        const value = 0.3 * (segments[k] - 0.5) + 0.7 * (segments[k + 1] - 0.5);
        expect(Math.abs(value - level)).toBeLessThanOrEqual(1e-12 * Math.max(1, level));
      }
    }
  });

  test("a level crossing no cell gives no segments; a saddle cell gives two", () => {
    expect(contourSegments(Float64Array.of(0, 0, 0, 0), 2, 2, 1)).toHaveLength(0);
    // Corners a = 1 (bottom-left), b = 0, c = 1 (top-right), d = 0: the level 0.5 crosses every edge.
    expect(contourSegments(Float64Array.of(1, 0, 0, 1), 2, 2, 0.5)).toHaveLength(8);
  });

  test("ranks and quantile levels follow the sorted values", () => {
    const sorted = Float64Array.from({ length: 101 }, (_, i) => i);
    expect(rankOf(sorted, 50)).toBe(0.5);
    expect(rankOf(sorted, Number.NaN)).toBe(1);
    const levels = quantileLevels(sorted, 4);
    expect(levels).toEqual([4, 16, 36, 64]);
  });
});

describe("the playground's sources", () => {
  test("type-check under web/tsconfig.json (the root check only sees the files tests import)", () => {
    const result = spawnSync("npx", ["tsc", "-p", "web/tsconfig.json", "--noEmit"], { encoding: "utf8" });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  }, 180_000);
});
