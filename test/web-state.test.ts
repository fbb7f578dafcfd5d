/**
 * The playground's untrusted-input boundary (web/src/state.ts) and its contour lines
 * (web/src/landscape-grid.ts), in Node: URL decoding clamps and drops, never throws; encoding
 * round-trips exactly; experiment files go through the CLI's validator.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { parseExperiment, runOptimizer } from "../src/lab/experiment.js";
import { getLandscape } from "../src/landscapes/index.js";
import type { Optimizer } from "../src/optim/index.js";
import { internalsAt, Simulation } from "../web/src/compute.js";
import { contourSegments, quantileLevels, rankOf } from "../web/src/landscape-grid.js";
import {
  DEFAULT_STATE,
  decodeState,
  encodeState,
  experimentOf,
  MAX_LABEL_LENGTH,
  MAX_OPTIMIZERS,
  MAX_STEPS,
  type OptimizerEntry,
  type PlaygroundState,
  type ScheduleEntry,
  scheduleText,
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

describe("the playground's schedules in the URL", () => {
  const withSchedules: PlaygroundState = {
    ...DEFAULT_STATE,
    steps: 40,
    cursor: 40,
    optimizers: [
      { id: "sgd", hp: { lr: 0.95 }, label: "" },
      {
        id: "adam",
        hp: { lr: 0.3 },
        label: "warm @ start",
        schedule: { id: "warmup-cosine", options: { warmupSteps: 10 } },
      },
      {
        id: "momentum",
        hp: {},
        label: "",
        schedule: { id: "multistep-lr", options: { milestones: [10, 20], gamma: 0.5 } },
      },
      {
        id: "adagrad",
        hp: {},
        label: "",
        schedule: {
          id: "piecewise-constant",
          options: {
            boundariesAndScales: [
              [5, 0.5],
              [20, 0.1],
            ],
          },
        },
      },
      {
        id: "rmsprop",
        hp: {},
        label: "",
        schedule: { id: "reduce-on-plateau", options: { mode: "max", patience: 2 } },
      },
      {
        id: "adamw",
        hp: {},
        label: "",
        schedule: { id: "wsd", options: { stableSteps: 20, decaySteps: 10, cooldown: "1-sqrt" } },
      },
      {
        id: "muon",
        hp: {},
        label: "",
        schedule: {
          id: "join",
          options: {
            schedules: [
              { id: "constant", options: { value: 0.1 } },
              { id: "constant", options: { value: 0.01 } },
            ],
            boundaries: [15],
          },
        },
      },
    ],
  };

  test("every card's schedule survives encode → decode, the CLI's text form where it can and JSON where it nests", () => {
    const query = encodeState(withSchedules);
    const { state: back, warnings } = decodeState(query);
    expect(warnings).toEqual([]);
    expect(back).toEqual(withSchedules);
    const sch = new URLSearchParams(query).getAll("sch");
    expect(sch.slice(0, 5)).toEqual([
      "",
      "warmup-cosine:warmupSteps=10",
      "multistep-lr:milestones=[10,20],gamma=0.5",
      "piecewise-constant:boundariesAndScales=[[5,0.5],[20,0.1]]",
      "reduce-on-plateau:mode=max,patience=2",
    ]);
    expect(JSON.parse(sch[6])).toEqual({
      id: "join",
      options: withSchedules.optimizers[6].schedule?.options,
    });
  });

  test('without any schedule there is no sch= at all, and "constant" without options is no schedule', () => {
    expect(encodeState(DEFAULT_STATE)).not.toMatch(/sch=/);
    const { state, warnings } = decodeState("?o=sgd&o=adam&sch=constant&sch=constant:value=0.1");
    expect(warnings).toEqual([]);
    expect(state.optimizers[0].schedule).toBeUndefined();
    expect(state.optimizers[1].schedule).toEqual({ id: "constant", options: { value: 0.1 } });
  });

  test("foreign spellings are read as optlab's (torch's CosineAnnealingLR with T_max)", () => {
    const { state } = decodeState("?o=sgd&sch=CosineAnnealingLR:T_max=20");
    expect(state.optimizers[0].schedule).toEqual({ id: "cosine-annealing-lr", options: { tMax: 20 } });
  });

  test("a bad schedule is one warning naming the field and the card, with the library's message; the rest is kept", () => {
    const { state, warnings } = decodeState(
      "?steps=50&o=sgd:lr=0.5&o=adam:lr=0.2@mine&o=momentum&sch=&sch=warmup-cosine:warmupSteps=-1&sch=warmup-cosin",
    );
    expect(warnings).toEqual([
      "URL: sch (the schedule of optimizer 2, adam) ignored, using a constant lr: warmup-cosine: warmupSteps must be a whole number >= 0, got -1",
      expect.stringMatching(
        /^URL: sch \(the schedule of optimizer 3, momentum\) ignored, using a constant lr: unknown schedule "warmup-cosin"; did you mean "warmup-cosine"\?/,
      ),
    ]);
    expect(state.steps).toBe(50);
    expect(state.optimizers).toEqual([
      { id: "sgd", hp: { lr: 0.5 }, label: "" },
      { id: "adam", hp: { lr: 0.2 }, label: "mine" },
      { id: "momentum", hp: {}, label: "" },
    ]);
  });

  test("a schedule is checked against the run: warmup longer than the run is refused, not drawn", () => {
    const { state, warnings } = decodeState("?steps=10&o=adam&sch=warmup-cosine:warmupSteps=20");
    expect(state.optimizers[0].schedule).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^URL: sch \(the schedule of optimizer 1, adam\) ignored, using a constant lr: warmup-cosine: /,
    );
  });

  test("the trajectory under a card's schedule is the CLI's: runOptimizer with the same spec gives the same iterates and lr", () => {
    const landscape = getLandscape("quadratic");
    const entry = withSchedules.optimizers[1];
    const [run] = new Simulation().run(landscape, [-7, 2], 40, [entry]);
    const cli = runOptimizer(
      landscape,
      specOf(entry),
      [-7, 2],
      40,
      scheduleText(entry.schedule as ScheduleEntry),
    );
    expect(run.error).toBeNull();
    expect(Array.from(run.trajectory?.iterates ?? [])).toEqual(Array.from(cli.trajectory.iterates));
    expect(Array.from(run.trajectory?.lr ?? [])).toEqual(Array.from(cli.trajectory.lr ?? []));
    // optax's warmup: 0 at count 0, the peak (the optimizer's lr) at count 10.
    expect(run.trajectory?.lr?.[0]).toBe(0);
    expect(run.trajectory?.lr?.[10]).toBe(0.3);
    // The same run without the schedule ends elsewhere.
    const [plain] = new Simulation().run(landscape, [-7, 2], 40, [{ ...entry, schedule: undefined }]);
    expect(plain.trajectory?.lr).toBeNull();
    expect(Array.from(plain.trajectory?.iterates ?? [])).not.toEqual(Array.from(cli.trajectory.iterates));
  });

  test("ReduceLROnPlateau runs on f, as the lab's 2-D runs do, and the internals replay the schedule step for step", () => {
    const landscape = getLandscape("rosenbrock");
    const entry: OptimizerEntry = {
      id: "sgd",
      hp: { lr: 0.001 },
      label: "",
      schedule: { id: "reduce-on-plateau", options: { patience: 1, factor: 0.5, threshold: 0.5 } },
    };
    const [run] = new Simulation().run(landscape, [-1.5, 2], 30, [entry]);
    const lr = Array.from(run.trajectory?.lr ?? []);
    expect(run.schedule?.needsMetric).toBe(true);
    expect(Math.min(...lr)).toBeLessThan(0.001);
    for (const k of [0, 7, 29]) {
      const inside = internalsAt(landscape, run.optimizer as Optimizer, [-1.5, 2], k, run.schedule);
      const t = run.trajectory as NonNullable<typeof run.trajectory>;
      expect(inside?.point).toEqual([t.iterates[2 * k], t.iterates[2 * k + 1]]);
      expect(inside?.scalars.find((s) => s.name === "lr")?.value).toBe(lr[k]);
    }
  });

  test("Muon's card note is the settings line's: (x, y) as a 1×2 matrix", () => {
    const landscape = getLandscape("quadratic");
    const runs = new Simulation().run(landscape, [-7, 2], 5, [
      { id: "muon", hp: {}, label: "" },
      { id: "optax-muon", hp: {}, label: "" },
      { id: "adam", hp: {}, label: "" },
    ]);
    expect(runs.map((r) => r.note)).toEqual(["(x, y) as a 1×2 matrix", "(x, y) as a 1×2 matrix", null]);
    expect(runOptimizer(landscape, "muon", [-7, 2], 5).settings).toContain(`(${runs[0].note})`);
  });
});

describe("the playground's experiment files", () => {
  test("a schedule shared by every card goes into the file's schedule and loads back onto every card", () => {
    const landscape = getLandscape("quadratic");
    const schedule = { id: "warmup-cosine", options: { warmupSteps: 5 } };
    const state: PlaygroundState = {
      ...DEFAULT_STATE,
      optimizers: DEFAULT_STATE.optimizers.map((entry) => ({ ...entry, schedule })),
    };
    const experiment = experimentOf(state, landscape);
    expect(experiment.schedule).toBe("warmup-cosine:warmupSteps=5");
    const { state: back, warnings } = stateFromExperiment(
      JSON.parse(JSON.stringify(experiment)),
      "file",
      DEFAULT_STATE,
    );
    expect(warnings).toEqual([]);
    expect(back.optimizers).toEqual(state.optimizers);
    const mixed = { ...state, optimizers: [...state.optimizers.slice(1), DEFAULT_STATE.optimizers[0]] };
    expect(() => experimentOf(mixed, landscape)).toThrow(
      "experiment file: one schedule drives every optimizer there, and the cards have 2 (warmup-cosine:warmupSteps=5 · constant); give them the same one to export",
    );
  });

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
