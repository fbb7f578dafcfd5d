import { type OptionSpec, REQUIRED, refuseOption } from "./options.js";
import type { ScheduleSpec } from "./types.js";

/** A schedule that is a pure function of the 0-based count c (optax's kind): step k of an optimizer uses value(k − 1). */
export type CountFunction = (count: number) => number;

export interface FunctionScheduleDefinition {
  readonly kind: "function";
  readonly id: string;
  /** The reference function, e.g. `optax.warmup_cosine_decay_schedule`, or "optlab" for WSD. */
  readonly name: string;
  /** The value at count c, in plain Unicode. */
  readonly formula: string;
  readonly options: readonly OptionSpec[];
  /** Builds the function; `child` builds a nested schedule (join, sgdr). */
  make(options: Record<string, unknown>, child: (spec: ScheduleSpec) => CountFunction): CountFunction;
}

const o = (
  name: string,
  kind: OptionSpec["kind"],
  def: unknown,
  doc: string,
  context?: OptionSpec["context"],
): OptionSpec => ({
  name,
  kind,
  default: def,
  doc,
  context,
});

/** optax `polynomial_schedule`: k = clip(c − begin, 0, N); (init − end)·(1 − k/N)^power + end. */
function polynomial(init: number, end: number, power: number, steps: number, begin: number): CountFunction {
  if (steps <= 0) return () => init;
  const b = Math.max(begin, 0);
  return (c) => {
    const k = Math.min(Math.max(c - b, 0), steps);
    const frac = 1 - k / steps;
    return (init - end) * frac ** power + end;
  };
}

/** optax `exponential_decay`. */
function exponential(
  init: number,
  steps: number,
  rate: number,
  begin: number,
  staircase: boolean,
  end: number | null,
): CountFunction {
  if (steps <= 0 || rate === 0) return () => init;
  return (c) => {
    const decreased = c - begin;
    let p = decreased / steps;
    if (staircase) p = Math.floor(p);
    let value = decreased <= 0 ? init : init * rate ** p;
    if (end !== null) value = rate < 1 ? Math.max(value, end) : Math.min(value, end);
    return value;
  };
}

/** optax `cosine_decay_schedule`: k = min(c, N); init·((1 − α)·(½(1 + cos(π·k/N)))^exponent + α). */
function cosine(init: number, steps: number, alpha: number, exponent: number): CountFunction {
  return (c) => {
    const k = Math.min(c, steps);
    const decay = 0.5 * (1 + Math.cos((Math.PI * k) / steps));
    return init * ((1 - alpha) * decay ** exponent + alpha);
  };
}

/** optax `join_schedules`: every later schedule restarts its count at its boundary. */
function join(schedules: readonly CountFunction[], boundaries: readonly number[]): CountFunction {
  return (c) => {
    let out = schedules[0](c);
    for (let i = 0; i < boundaries.length; i++)
      if (!(c < boundaries[i])) out = schedules[i + 1](c - boundaries[i]);
    return out;
  };
}

function warmupCosine(
  init: number,
  peak: number,
  warmup: number,
  decaySteps: number,
  end: number,
  exponent: number,
): CountFunction {
  const alpha = peak === 0 ? 0 : end / peak;
  return join(
    [polynomial(init, peak, 1, warmup, 0), cosine(peak, decaySteps - warmup, alpha, exponent)],
    [warmup],
  );
}

/** optax `piecewise_interpolate_schedule` (linear or cosine between the knots 0, b₁, …, bₙ). */
function piecewiseInterpolate(
  type: string,
  init: number,
  pairs: readonly (readonly [number, number])[],
): CountFunction {
  const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
  const bounds = sorted.length === 0 ? [0] : sorted.map((p) => p[0]);
  const scales = sorted.length === 0 ? [1] : sorted.map((p) => p[1]);
  const knots = [0, ...bounds];
  const values = [init];
  for (const s of scales) values.push(values[values.length - 1] * s);
  const interpolate =
    type === "linear"
      ? (start: number, end: number, pct: number) => (end - start) * pct + start
      : (start: number, end: number, pct: number) =>
          end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  return (c) => {
    const last = knots.length - 1;
    if (knots[last] <= c) return values[last];
    for (let i = 0; i < last; i++) {
      if (knots[i] <= c && c < knots[i + 1]) {
        const pct = (c - knots[i]) / Math.max(knots[i + 1] - knots[i], 1);
        return interpolate(values[i], values[i + 1], pct);
      }
    }
    // c < 0: no interval holds it (optax: the sum of indicator·value is 0).
    return 0;
  };
}

const initValue = (doc = "value at count 0") => o("initValue", "number", REQUIRED, doc, "lr");
const transitionSteps = o("transitionSteps", "count", REQUIRED, "length N of the transition", "steps");
const transitionBegin = o("transitionBegin", "count", 0, "count at which the transition starts");

export const functionSchedules: readonly FunctionScheduleDefinition[] = [
  {
    kind: "function",
    id: "constant",
    name: "optax.constant_schedule",
    formula: "value",
    options: [o("value", "number", REQUIRED, "the constant", "lr")],
    make: (x) => {
      const value = x.value as number;
      return () => value;
    },
  },
  {
    kind: "function",
    id: "linear",
    name: "optax.linear_schedule",
    formula: "k = clip(c − begin, 0, N);  (init − end)·(1 − k/N) + end",
    options: [
      initValue(),
      o("endValue", "number", REQUIRED, "value from count begin + N on"),
      transitionSteps,
      transitionBegin,
    ],
    make: (x) =>
      polynomial(
        x.initValue as number,
        x.endValue as number,
        1,
        x.transitionSteps as number,
        x.transitionBegin as number,
      ),
  },
  {
    kind: "function",
    id: "polynomial",
    name: "optax.polynomial_schedule",
    formula: "k = clip(c − begin, 0, N);  (init − end)·(1 − k/N)^power + end",
    options: [
      initValue(),
      o("endValue", "number", REQUIRED, "value from count begin + N on"),
      o("power", "number", REQUIRED, "exponent of the decay"),
      transitionSteps,
      transitionBegin,
    ],
    make: (x) =>
      polynomial(
        x.initValue as number,
        x.endValue as number,
        x.power as number,
        x.transitionSteps as number,
        x.transitionBegin as number,
      ),
  },
  {
    kind: "function",
    id: "exponential",
    name: "optax.exponential_decay",
    formula: "d = c − begin;  p = d/N (floored if staircase);  d ≤ 0 ? init : init·rate^p;  clipped at end",
    options: [
      initValue(),
      o("transitionSteps", "count", REQUIRED, "counts per factor `decayRate`", "steps"),
      o("decayRate", "nonnegative", REQUIRED, "factor per transitionSteps counts"),
      transitionBegin,
      o("staircase", "flag", false, "decay in whole steps of transitionSteps"),
      o("endValue", "numberOrNull", null, "floor (rate < 1) or ceiling (rate > 1); null: none"),
    ],
    make: (x) =>
      exponential(
        x.initValue as number,
        x.transitionSteps as number,
        x.decayRate as number,
        x.transitionBegin as number,
        x.staircase as boolean,
        x.endValue as number | null,
      ),
  },
  {
    kind: "function",
    id: "cosine",
    name: "optax.cosine_decay_schedule",
    formula: "k = min(c, N);  init·((1 − α)·(½(1 + cos(πk/N)))^exponent + α)   (stays at init·α after N)",
    options: [
      initValue(),
      o("decaySteps", "positiveCount", REQUIRED, "length N of the decay", "steps"),
      o("alpha", "number", 0, "final value as a fraction of init"),
      o("exponent", "number", 1, "exponent of the cosine factor"),
    ],
    make: (x) =>
      cosine(x.initValue as number, x.decaySteps as number, x.alpha as number, x.exponent as number),
  },
  {
    kind: "function",
    id: "warmup-constant",
    name: "optax.warmup_constant_schedule",
    formula: "linear init → peak over W counts, then peak",
    options: [
      o("initValue", "number", 0, "value at count 0"),
      o("peakValue", "number", REQUIRED, "value from count W on", "lr"),
      o("warmupSteps", "count", REQUIRED, "W"),
    ],
    make: (x) => polynomial(x.initValue as number, x.peakValue as number, 1, x.warmupSteps as number, 0),
  },
  {
    kind: "function",
    id: "warmup-cosine",
    name: "optax.warmup_cosine_decay_schedule",
    formula:
      "c < W: linear init → peak;  then cosine(peak, decaySteps − W, α = end/peak, exponent) at count c − W   (decaySteps counts the warmup)",
    options: [
      o("initValue", "number", 0, "value at count 0"),
      o("peakValue", "number", REQUIRED, "value at the end of the warmup", "lr"),
      o("warmupSteps", "count", REQUIRED, "W"),
      o("decaySteps", "positiveCount", REQUIRED, "total length, warmup included", "steps"),
      o("endValue", "number", 0, "final value"),
      o("exponent", "number", 1, "exponent of the cosine factor"),
    ],
    make: (x) => {
      if (!((x.decaySteps as number) > (x.warmupSteps as number))) {
        refuseOption(
          "warmup-cosine",
          `decaySteps must be > warmupSteps, got ${x.decaySteps} <= ${x.warmupSteps}`,
        );
      }
      return warmupCosine(
        x.initValue as number,
        x.peakValue as number,
        x.warmupSteps as number,
        x.decaySteps as number,
        x.endValue as number,
        x.exponent as number,
      );
    },
  },
  {
    kind: "function",
    id: "warmup-exponential",
    name: "optax.warmup_exponential_decay_schedule",
    formula: "c < W: linear init → peak;  then exponential(peak, …) at count c − W",
    options: [
      o("initValue", "number", 0, "value at count 0"),
      o("peakValue", "number", REQUIRED, "value at the end of the warmup", "lr"),
      o("warmupSteps", "count", REQUIRED, "W"),
      o("transitionSteps", "count", REQUIRED, "counts per factor decayRate"),
      o("decayRate", "nonnegative", REQUIRED, "factor per transitionSteps counts"),
      transitionBegin,
      o("staircase", "flag", false, "decay in whole steps"),
      o("endValue", "numberOrNull", null, "floor (rate < 1) or ceiling (rate > 1); null: none"),
    ],
    make: (x) =>
      join(
        [
          polynomial(x.initValue as number, x.peakValue as number, 1, x.warmupSteps as number, 0),
          exponential(
            x.peakValue as number,
            x.transitionSteps as number,
            x.decayRate as number,
            x.transitionBegin as number,
            x.staircase as boolean,
            x.endValue as number | null,
          ),
        ],
        [x.warmupSteps as number],
      ),
  },
  {
    kind: "function",
    id: "piecewise-constant",
    name: "optax.piecewise_constant_schedule",
    formula: "v = init;  for each boundary b (increasing): c ≥ b ? v·scale : v",
    options: [initValue(), o("boundariesAndScales", "pairs", [], "[boundary, scale] pairs")],
    make: (x) => {
      const init = x.initValue as number;
      const pairs = [...(x.boundariesAndScales as [number, number][])].sort((a, b) => a[0] - b[0]);
      return (c) => {
        let v = init;
        for (const [boundary, scale] of pairs) if (!(c < boundary)) v = scale * v;
        return v;
      };
    },
  },
  {
    kind: "function",
    id: "piecewise-interpolate",
    name: "optax.piecewise_interpolate_schedule",
    formula: "knots 0, b₁, …, bₙ with values init, init·s₁, init·s₁s₂, …; linear or cosine in between",
    options: [
      o("interpolateType", { choice: ["linear", "cosine"] }, REQUIRED, "how to interpolate between knots"),
      initValue(),
      o("boundariesAndScales", "pairs", [], "[boundary, scale] pairs"),
    ],
    make: (x) =>
      piecewiseInterpolate(
        x.interpolateType as string,
        x.initValue as number,
        x.boundariesAndScales as [number, number][],
      ),
  },
  {
    kind: "function",
    id: "linear-onecycle",
    name: "optax.linear_onecycle_schedule",
    formula:
      "linear through peak/div (c = 0), peak (⌊pct_start·N⌋), peak/div (⌊pct_final·N⌋), peak/(div·final_div) (N)",
    options: [
      o("transitionSteps", "positiveCount", REQUIRED, "N", "steps"),
      o("peakValue", "number", REQUIRED, "the peak", "lr"),
      o("pctStart", "fraction", 0.3, "share of N spent rising"),
      o("pctFinal", "fraction", 0.85, "share of N at which the second phase ends"),
      o("divFactor", "positive", 25, "initial value = peak/divFactor"),
      o("finalDivFactor", "positive", 1e4, "final value = initial/finalDivFactor"),
    ],
    make: (x) => {
      const n = x.transitionSteps as number;
      const div = x.divFactor as number;
      return piecewiseInterpolate("linear", (x.peakValue as number) / div, [
        [Math.trunc((x.pctStart as number) * n), div],
        [Math.trunc((x.pctFinal as number) * n), 1 / div],
        [n, 1 / (x.finalDivFactor as number)],
      ]);
    },
  },
  {
    kind: "function",
    id: "cosine-onecycle",
    name: "optax.cosine_onecycle_schedule",
    formula: "cosine through peak/div (c = 0), peak (⌊pct_start·N⌋), peak/(div·final_div) (N)",
    options: [
      o("transitionSteps", "positiveCount", REQUIRED, "N", "steps"),
      o("peakValue", "number", REQUIRED, "the peak", "lr"),
      o("pctStart", "fraction", 0.3, "share of N spent rising"),
      o("divFactor", "positive", 25, "initial value = peak/divFactor"),
      o("finalDivFactor", "positive", 1e4, "final value = initial/finalDivFactor"),
    ],
    make: (x) => {
      const n = x.transitionSteps as number;
      const div = x.divFactor as number;
      return piecewiseInterpolate("cosine", (x.peakValue as number) / div, [
        [Math.trunc((x.pctStart as number) * n), div],
        [n, 1 / (div * (x.finalDivFactor as number))],
      ]);
    },
  },
  {
    kind: "function",
    id: "join",
    name: "optax.join_schedules",
    formula: "s₀(c);  from boundary bᵢ on: sᵢ₊₁(c − bᵢ)",
    options: [
      o("schedules", "schedules", REQUIRED, "the pieces (function schedules)"),
      o("boundaries", "counts", REQUIRED, "where each later piece starts (one fewer than the pieces)"),
    ],
    make: (x, child) => {
      const pieces = (x.schedules as ScheduleSpec[]).map(child);
      const boundaries = x.boundaries as number[];
      if (boundaries.length !== pieces.length - 1) {
        refuseOption(
          "join",
          `needs one boundary fewer than schedules, got ${pieces.length} schedules and ${boundaries.length} boundaries`,
        );
      }
      return join(pieces, boundaries);
    },
  },
  {
    kind: "function",
    id: "sgdr",
    name: "optax.sgdr_schedule",
    formula: "warmup-cosine pieces joined at the running sums of their decaySteps",
    options: [o("cosineKwargs", "objects", REQUIRED, "options of each warmup-cosine piece")],
    make: (x, child) => {
      const pieces: CountFunction[] = [];
      const boundaries: number[] = [];
      let step = 0;
      for (const kwargs of x.cosineKwargs as Record<string, unknown>[]) {
        pieces.push(child({ id: "warmup-cosine", options: kwargs }));
        step += kwargs.decaySteps as number;
        boundaries.push(step);
      }
      return join(pieces, boundaries.slice(0, -1));
    },
  },
  {
    kind: "function",
    id: "wsd",
    name: "optlab (warmup–stable–decay, Hägele et al. 2024)",
    formula:
      "c < W: linear init → peak;  c < W + S: peak;  c < W + S + D: p = (c − W − S)/D, end + (peak − end)·(1 − p) or ·(1 − √p);  then end",
    options: [
      o("initValue", "number", 0, "value at count 0"),
      o("peakValue", "number", REQUIRED, "value of the stable phase", "lr"),
      o("warmupSteps", "count", 0, "W"),
      o("stableSteps", "count", REQUIRED, "S"),
      o("decaySteps", "count", REQUIRED, "D, the cooldown"),
      o("endValue", "number", 0, "value after the cooldown"),
      o("cooldown", { choice: ["linear", "1-sqrt"] }, "1-sqrt", "shape of the cooldown"),
    ],
    make: (x) => {
      const init = x.initValue as number;
      const peak = x.peakValue as number;
      const warmup = x.warmupSteps as number;
      const stable = x.stableSteps as number;
      const decay = x.decaySteps as number;
      const end = x.endValue as number;
      const sqrt = x.cooldown === "1-sqrt";
      const rise = polynomial(init, peak, 1, warmup, 0);
      // The linear cooldown is optax's linear_schedule(peak → end, D), so WSD ≡ join([linear, constant, linear]).
      const fall = polynomial(peak, end, 1, decay, 0);
      return (c) => {
        if (c < warmup) return rise(c);
        if (c < warmup + stable) return peak;
        const k = c - warmup - stable;
        if (!sqrt) return fall(k);
        if (k >= decay) return end;
        return (peak - end) * (1 - Math.sqrt(k / decay)) + end;
      };
    },
  },
];
