import { InputRangeError } from "../../util/errors.js";
import { type OptionSpec, REQUIRED, refuseOption } from "./options.js";
import type { RuleState, ScheduleGroup, ScheduleSpec } from "./types.js";

/**
 * A torch.optim.lr_scheduler class: recursive rules over a shared param group, exactly as torch 2.13 applies them.
 * `construct` is the constructor's effect (torch's `_initial_step`, epoch 0); `step` is `scheduler.step()` (or
 * `step(metric)` for ReduceLROnPlateau); `restart` is `step(0)` (what SequentialLR calls at a milestone: epoch 0
 * through the closed form); `rewind` undoes one epoch count (SequentialLR's constructor).
 */
export interface TorchRule {
  construct(group: ScheduleGroup, state: RuleState): void;
  step(group: ScheduleGroup, state: RuleState, metric: number): void;
  restart(group: ScheduleGroup, state: RuleState): void;
  rewind(state: RuleState): void;
  /** The optimizer fields besides lr this rule writes. */
  readonly cyclesMomentum: boolean;
  readonly needsMetric: boolean;
}

export interface TorchScheduleDefinition {
  readonly kind: "torch";
  readonly id: string;
  readonly name: string;
  readonly formula: string;
  readonly options: readonly OptionSpec[];
  make(options: Record<string, unknown>, child: (spec: ScheduleSpec) => TorchRule): TorchRule;
}

const o = (name: string, kind: OptionSpec["kind"], def: unknown, doc: string): OptionSpec => ({
  name,
  kind,
  default: def,
  doc,
});

/** Python's `%` (the result has the sign of the divisor). */
function pyMod(a: number, m: number): number {
  return ((a % m) + m) % m;
}

const epoch = (state: RuleState) => state.lastEpoch as number;

/**
 * A chainable scheduler: `factor(e, group)` is torch's `get_lr()` at epoch e (from the current group lr),
 * `closed(e, base)` its `_get_closed_form_lr()`.
 */
function chainable(
  recursive: (e: number, lr: number, base: number) => number,
  closed: ((e: number, base: number) => number) | null,
): TorchRule {
  return {
    cyclesMomentum: false,
    needsMetric: false,
    construct(group, state) {
      state.lastEpoch = 0;
      group.lr = recursive(0, group.lr, group.initialLr);
    },
    step(group, state) {
      state.lastEpoch = epoch(state) + 1;
      group.lr = recursive(epoch(state), group.lr, group.initialLr);
    },
    restart(group, state) {
      state.lastEpoch = 0;
      group.lr = closed === null ? recursive(0, group.lr, group.initialLr) : closed(0, group.initialLr);
    },
    rewind(state) {
      state.lastEpoch = epoch(state) - 1;
    },
  };
}

function table(x: Record<string, unknown>, id: string): (e: number) => number {
  const values = x.lrLambda as number[];
  return (e) => {
    if (!(e < values.length)) {
      throw new InputRangeError(`${id}: lrLambda has ${values.length} entries, the run needs entry ${e}`);
    }
    return values[e];
  };
}

/** Writes the cycled momentum (SGD momentum or Adam β₁) into the group. */
function setMomentum(group: ScheduleGroup, value: number): void {
  group.momentum = value;
}

function needMomentum(id: string, group: ScheduleGroup): void {
  if (Number.isNaN(group.momentum)) {
    throw new InputRangeError(
      `${id}: cycleMomentum needs an optimizer with momentum or beta1 (torch-sgd, torch-rmsprop, torch-adam, adamw, nadam, radam, adamax); set cycleMomentum=false`,
    );
  }
}

export const torchSchedules: readonly TorchScheduleDefinition[] = [
  {
    kind: "torch",
    id: "step-lr",
    name: "torch.optim.lr_scheduler.StepLR",
    formula: "lr ← lr·γ every stepSize epochs   (closed form b·γ^⌊e/stepSize⌋)",
    options: [
      o("stepSize", "positiveCount", REQUIRED, "epochs between decays"),
      o("gamma", "number", 0.1, "factor"),
    ],
    make: (x) => {
      const size = x.stepSize as number;
      const gamma = x.gamma as number;
      return chainable(
        (e, lr) => (e === 0 || e % size !== 0 ? lr : lr * gamma),
        (e, b) => b * gamma ** Math.floor(e / size),
      );
    },
  },
  {
    kind: "torch",
    id: "multistep-lr",
    name: "torch.optim.lr_scheduler.MultiStepLR",
    formula: "lr ← lr·γ^(times e is listed in milestones)",
    options: [
      o("milestones", "counts", REQUIRED, "epochs of the decays (a repeated one decays twice)"),
      o("gamma", "number", 0.1, "factor"),
    ],
    make: (x) => {
      const milestones = [...(x.milestones as number[])].sort((a, b) => a - b);
      const gamma = x.gamma as number;
      // torch keeps a Counter: a milestone listed twice applies γ² at once.
      const counts = new Map<number, number>();
      for (const m of milestones) counts.set(m, (counts.get(m) ?? 0) + 1);
      const times = (e: number) => counts.get(e) ?? 0;
      return chainable(
        (e, lr) => (times(e) === 0 ? lr : lr * gamma ** times(e)),
        (e, b) => b * gamma ** milestones.filter((m) => m <= e).length,
      );
    },
  },
  {
    kind: "torch",
    id: "constant-lr",
    name: "torch.optim.lr_scheduler.ConstantLR",
    formula: "e = 0: lr·factor;   e = T: lr·(1/factor)   (closed form b·(factor + (e ≥ T)(1 − factor)))",
    options: [
      o("factor", "fraction", 1 / 3, "lr multiplier until totalIters"),
      o("totalIters", "count", 5, "T, the epoch at which the lr returns"),
    ],
    make: (x) => {
      const factor = x.factor as number;
      const total = x.totalIters as number;
      return chainable(
        (e, lr) => (e === 0 ? lr * factor : e !== total ? lr : lr * (1 / factor)),
        (e, b) => b * (factor + (e >= total ? 1 : 0) * (1 - factor)),
      );
    },
  },
  {
    kind: "torch",
    id: "linear-lr",
    name: "torch.optim.lr_scheduler.LinearLR",
    formula: "factor s → e_f over T epochs, recursively: lr·(1 + (e_f − s)/(T·s + (e − 1)(e_f − s)))",
    options: [
      o("startFactor", "fraction", 1 / 3, "s, the factor at epoch 0 (> 0)"),
      o("endFactor", "fraction", 1, "e_f, the factor from epoch T on"),
      o("totalIters", "count", 5, "T"),
    ],
    make: (x) => {
      const s = x.startFactor as number;
      const f = x.endFactor as number;
      const total = x.totalIters as number;
      if (!(s > 0)) refuseOption("linear-lr", `startFactor must be > 0, got ${s}`);
      return chainable(
        (e, lr) => (e === 0 ? lr * s : e > total ? lr : lr * (1 + (f - s) / (total * s + (e - 1) * (f - s)))),
        (e, b) => b * (s + ((f - s) * Math.min(total, e)) / total),
      );
    },
  },
  {
    kind: "torch",
    id: "exponential-lr",
    name: "torch.optim.lr_scheduler.ExponentialLR",
    formula: "lr ← lr·γ every epoch",
    options: [o("gamma", "number", REQUIRED, "factor per epoch")],
    make: (x) => {
      const gamma = x.gamma as number;
      return chainable(
        (e, lr) => (e === 0 ? lr : lr * gamma),
        (e, b) => b * gamma ** e,
      );
    },
  },
  {
    kind: "torch",
    id: "polynomial-lr",
    name: "torch.optim.lr_scheduler.PolynomialLR",
    formula: "lr ← lr·((1 − e/T)/(1 − (e − 1)/T))^power for e ≤ T   (closed form b·(1 − min(T, e)/T)^power)",
    options: [o("totalIters", "positiveCount", 5, "T"), o("power", "number", 1, "exponent")],
    make: (x) => {
      const total = x.totalIters as number;
      const power = x.power as number;
      return chainable(
        (e, lr) => (e === 0 || e > total ? lr : lr * ((1 - e / total) / (1 - (e - 1) / total)) ** power),
        (e, b) => b * (1 - Math.min(total, e) / total) ** power,
      );
    },
  },
  {
    kind: "torch",
    id: "cosine-annealing-lr",
    name: "torch.optim.lr_scheduler.CosineAnnealingLR",
    formula:
      "recursive cosine from b to η_min over T epochs, not clamped: it climbs back over the next T (period 2T)",
    options: [o("tMax", "positiveCount", REQUIRED, "T, half the period"), o("etaMin", "number", 0, "η_min")],
    make: (x) => {
      const T = x.tMax as number;
      const etaMin = x.etaMin as number;
      return chainable(
        (e, lr, b) => {
          if (e === 0) return lr;
          if (pyMod(e - 1 - T, 2 * T) === 0) return lr + ((b - etaMin) * (1 - Math.cos(Math.PI / T))) / 2;
          return (
            ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - etaMin) +
            etaMin
          );
        },
        (e, b) => etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * e) / T))) / 2,
      );
    },
  },
  {
    kind: "torch",
    id: "lambda-lr",
    name: "torch.optim.lr_scheduler.LambdaLR",
    formula: "lr = b·λ(e), with λ given as a table λ(e) = lrLambda[e]",
    options: [o("lrLambda", "numbers", REQUIRED, "λ(0), λ(1), … (one per epoch)")],
    make: (x) => {
      const lambda = table(x, "lambda-lr");
      return chainable(
        (e, _lr, b) => b * lambda(e),
        (e, b) => b * lambda(e),
      );
    },
  },
  {
    kind: "torch",
    id: "multiplicative-lr",
    name: "torch.optim.lr_scheduler.MultiplicativeLR",
    formula: "lr ← lr·λ(e) for e ≥ 1, with λ given as a table",
    options: [o("lrLambda", "numbers", REQUIRED, "λ(0), λ(1), … (one per epoch; λ(0) is not used)")],
    make: (x) => {
      const lambda = table(x, "multiplicative-lr");
      return chainable((e, lr) => (e > 0 ? lr * lambda(e) : lr), null);
    },
  },
  {
    kind: "torch",
    id: "cosine-warm-restarts",
    name: "torch.optim.lr_scheduler.CosineAnnealingWarmRestarts",
    formula: "lr = η_min + (b − η_min)(1 + cos(π·T_cur/T_i))/2;  T_cur resets at T_i, T_i ← T_i·T_mult",
    options: [
      o("t0", "positiveCount", REQUIRED, "T₀, the first period"),
      o("tMult", "positiveCount", 1, "period multiplier after each restart"),
      o("etaMin", "number", 0, "η_min"),
    ],
    make: (x) => {
      const t0 = x.t0 as number;
      const tMult = x.tMult as number;
      const etaMin = x.etaMin as number;
      const value = (s: RuleState, b: number) =>
        etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * (s.tCur as number)) / (s.tI as number)))) / 2;
      const zero = (group: ScheduleGroup, state: RuleState) => {
        state.lastEpoch = 0;
        state.tI = t0;
        state.tCur = 0;
        group.lr = value(state, group.initialLr);
      };
      return {
        cyclesMomentum: false,
        needsMetric: false,
        construct: zero,
        restart: zero,
        step(group, state) {
          state.lastEpoch = epoch(state) + 1;
          let tCur = (state.tCur as number) + 1;
          if (tCur >= (state.tI as number)) {
            tCur -= state.tI as number;
            state.tI = (state.tI as number) * tMult;
          }
          state.tCur = tCur;
          group.lr = value(state, group.initialLr);
        },
        rewind(state) {
          state.lastEpoch = epoch(state) - 1;
        },
      };
    },
  },
  {
    kind: "torch",
    id: "cyclic-lr",
    name: "torch.optim.lr_scheduler.CyclicLR",
    formula:
      "cycle = ⌊1 + e/(up + down)⌋, x = 1 + e/(up + down) − cycle, h = x ≤ r ? x/r : (x − 1)/(r − 1);  lr = base + (max − base)·h·f;  momentum = maxM − (maxM − baseM)·h·f",
    options: [
      o("baseLr", "nonnegative", REQUIRED, "lr at the bottom of a cycle (replaces the optimizer's lr)"),
      o("maxLr", "nonnegative", REQUIRED, "lr at the top of a cycle"),
      o("stepSizeUp", "positiveCount", 2000, "epochs rising"),
      o("stepSizeDown", "numberOrNull", null, "epochs falling (null: stepSizeUp)"),
      o(
        "mode",
        { choice: ["triangular", "triangular2", "exp_range"] },
        "triangular",
        "f = 1, 1/2^(cycle−1) or γ^e",
      ),
      o("gamma", "number", 1, "γ of exp_range"),
      o(
        "scaleMode",
        { choice: ["cycle", "iterations"] },
        "cycle",
        "ignored for the built-in modes (torch forces it)",
      ),
      o("cycleMomentum", "flag", true, "cycle momentum (SGD) or β₁ (Adam) inversely"),
      o("baseMomentum", "number", 0.8, "momentum at the top of a cycle"),
      o("maxMomentum", "number", 0.9, "momentum at the bottom of a cycle (set at construction)"),
    ],
    make: (x) => {
      const baseLr = x.baseLr as number;
      const maxLr = x.maxLr as number;
      const up = x.stepSizeUp as number;
      const down = x.stepSizeDown === null ? up : (x.stepSizeDown as number);
      if (!(down >= 1 && Number.isInteger(down))) {
        refuseOption("cyclic-lr", `stepSizeDown must be a whole number >= 1 or null, got ${down}`);
      }
      const total = up + down;
      const ratio = up / total;
      const mode = x.mode as string;
      const gamma = x.gamma as number;
      // torch forces the scale mode of its built-in modes.
      const byCycle = mode !== "exp_range";
      const scale = (v: number) =>
        mode === "triangular" ? 1 : mode === "triangular2" ? 1 / 2 ** (v - 1) : gamma ** v;
      const cycleMomentum = x.cycleMomentum as boolean;
      const baseM = x.baseMomentum as number;
      const maxM = x.maxMomentum as number;
      const apply = (group: ScheduleGroup, e: number) => {
        const cycle = Math.floor(1 + e / total);
        const position = 1 + e / total - cycle;
        const h = position <= ratio ? position / ratio : (position - 1) / (ratio - 1);
        const f = scale(byCycle ? cycle : e);
        group.lr = baseLr + (maxLr - baseLr) * h * f;
        if (cycleMomentum) setMomentum(group, maxM - (maxM - baseM) * h * f);
      };
      return {
        cyclesMomentum: cycleMomentum,
        needsMetric: false,
        construct(group, state) {
          if (cycleMomentum) {
            needMomentum("cyclic-lr", group);
            setMomentum(group, maxM);
          }
          group.lr = baseLr;
          group.initialLr = baseLr;
          state.lastEpoch = 0;
          apply(group, 0);
        },
        step(group, state) {
          state.lastEpoch = epoch(state) + 1;
          apply(group, epoch(state));
        },
        restart(group, state) {
          state.lastEpoch = 0;
          apply(group, 0);
        },
        rewind(state) {
          state.lastEpoch = epoch(state) - 1;
        },
      };
    },
  },
  {
    kind: "torch",
    id: "onecycle-lr",
    name: "torch.optim.lr_scheduler.OneCycleLR",
    formula:
      "max/div → max over pct·T − 1 epochs, then → max/(div·finalDiv) at T − 1 (three phases: → max/div at 2·pct·T − 2 first); momentum inversely",
    options: [
      o("maxLr", "nonnegative", REQUIRED, "the peak lr"),
      o("totalSteps", "positiveCount", REQUIRED, "T (torch's total_steps, or epochs × steps_per_epoch)"),
      o("pctStart", "fraction", 0.3, "share of T spent rising"),
      o("annealStrategy", { choice: ["cos", "linear"] }, "cos", "interpolation"),
      o("cycleMomentum", "flag", true, "cycle momentum (SGD) or β₁ (Adam) inversely"),
      o("baseMomentum", "number", 0.85, "momentum at the peak lr"),
      o("maxMomentum", "number", 0.95, "momentum at the ends"),
      o("divFactor", "positive", 25, "initial lr = maxLr/divFactor"),
      o("finalDivFactor", "positive", 1e4, "final lr = initial/finalDivFactor"),
      o("threePhase", "flag", false, "fall back to the initial lr before annealing to the final one"),
    ],
    make: (x) => {
      const total = x.totalSteps as number;
      const pct = x.pctStart as number;
      const maxLr = x.maxLr as number;
      const initial = maxLr / (x.divFactor as number);
      const min = initial / (x.finalDivFactor as number);
      const maxM = x.maxMomentum as number;
      const baseM = x.baseMomentum as number;
      const cycleMomentum = x.cycleMomentum as boolean;
      const phases = (x.threePhase as boolean)
        ? [
            { end: pct * total - 1, lr: [initial, maxLr], m: [maxM, baseM] },
            { end: 2 * pct * total - 2, lr: [maxLr, initial], m: [baseM, maxM] },
            { end: total - 1, lr: [initial, min], m: [maxM, maxM] },
          ]
        : [
            { end: pct * total - 1, lr: [initial, maxLr], m: [maxM, baseM] },
            { end: total - 1, lr: [maxLr, min], m: [baseM, maxM] },
          ];
      const anneal =
        x.annealStrategy === "cos"
          ? (start: number, end: number, p: number) => end + ((start - end) / 2) * (Math.cos(Math.PI * p) + 1)
          : (start: number, end: number, p: number) => (end - start) * p + start;
      const apply = (group: ScheduleGroup, e: number) => {
        if (e > total) {
          throw new InputRangeError(
            `onecycle-lr: stepped ${e} times, more than totalSteps = ${total}; make totalSteps at least the run's steps`,
          );
        }
        let start = 0;
        for (let i = 0; i < phases.length; i++) {
          const phase = phases[i];
          if (e <= phase.end || i === phases.length - 1) {
            const p = (e - start) / (phase.end - start);
            group.lr = anneal(phase.lr[0], phase.lr[1], p);
            if (cycleMomentum) setMomentum(group, anneal(phase.m[0], phase.m[1], p));
            return;
          }
          start = phase.end;
        }
      };
      return {
        cyclesMomentum: cycleMomentum,
        needsMetric: false,
        construct(group, state) {
          group.initialLr = initial;
          if (cycleMomentum) {
            needMomentum("onecycle-lr", group);
            setMomentum(group, maxM);
          }
          state.lastEpoch = 0;
          apply(group, 0);
        },
        step(group, state) {
          state.lastEpoch = epoch(state) + 1;
          apply(group, epoch(state));
        },
        restart(group, state) {
          state.lastEpoch = 0;
          apply(group, 0);
        },
        rewind(state) {
          state.lastEpoch = epoch(state) - 1;
        },
      };
    },
  },
  {
    kind: "torch",
    id: "sequential-lr",
    name: "torch.optim.lr_scheduler.SequentialLR",
    formula:
      "scheduler i runs from milestone i − 1 on, on its own clock (restarted at epoch 0 by its closed form)",
    options: [
      o("schedulers", "schedules", REQUIRED, "the torch schedulers, in order"),
      o(
        "milestones",
        "counts",
        REQUIRED,
        "epochs at which the next scheduler takes over (one fewer than schedulers)",
      ),
    ],
    make: (x, child) => {
      const rules = (x.schedulers as ScheduleSpec[]).map(child);
      const milestones = x.milestones as number[];
      if (milestones.length !== rules.length - 1) {
        refuseOption(
          "sequential-lr",
          `needs one milestone fewer than schedulers, got ${rules.length} schedulers and ${milestones.length} milestones`,
        );
      }
      if (rules.some((r) => r.needsMetric))
        refuseOption("sequential-lr", "reduce-on-plateau cannot be part of it");
      const children = (state: RuleState) => state.children as RuleState[];
      return {
        cyclesMomentum: rules.some((r) => r.cyclesMomentum),
        needsMetric: false,
        construct(group, state) {
          // The user constructs every scheduler first (each applies its epoch 0) …
          state.children = rules.map(() => ({}));
          const initial = group.lr;
          for (const [i, r] of rules.entries()) r.construct(group, children(state)[i]);
          // … then SequentialLR resets the lr, rewinds every scheduler and re-runs the first one's epoch 0.
          group.lr = initial;
          group.initialLr = initial;
          for (const [i, r] of rules.entries()) r.rewind(children(state)[i]);
          rules[0].step(group, children(state)[0], Number.NaN);
          state.lastEpoch = 0;
        },
        step(group, state) {
          const e = (state.lastEpoch as number) + 1;
          state.lastEpoch = e;
          let idx = 0;
          while (idx < milestones.length && milestones[idx] <= e) idx++;
          if (idx > 0 && milestones[idx - 1] === e) rules[idx].restart(group, children(state)[idx]);
          else rules[idx].step(group, children(state)[idx], Number.NaN);
        },
        restart() {
          refuseOption("sequential-lr", "cannot be nested in another sequential-lr");
        },
        rewind(state) {
          state.lastEpoch = epoch(state) - 1;
        },
      };
    },
  },
  {
    kind: "torch",
    id: "chained",
    name: "torch.optim.lr_scheduler.ChainedScheduler",
    formula: "every scheduler's recursive rule, in order, on the same lr (their factors multiply)",
    options: [o("schedulers", "schedules", REQUIRED, "the torch schedulers, in order")],
    make: (x, child) => {
      const rules = (x.schedulers as ScheduleSpec[]).map(child);
      if (rules.some((r) => r.needsMetric)) refuseOption("chained", "reduce-on-plateau cannot be part of it");
      const children = (state: RuleState) => state.children as RuleState[];
      return {
        cyclesMomentum: rules.some((r) => r.cyclesMomentum),
        needsMetric: false,
        construct(group, state) {
          state.children = rules.map(() => ({}));
          for (const [i, r] of rules.entries()) r.construct(group, children(state)[i]);
        },
        step(group, state) {
          for (const [i, r] of rules.entries()) r.step(group, children(state)[i], Number.NaN);
        },
        restart(group, state) {
          for (const [i, r] of rules.entries()) r.restart(group, children(state)[i]);
        },
        rewind(state) {
          for (const [i, r] of rules.entries()) r.rewind(children(state)[i]);
        },
      };
    },
  },
  {
    kind: "torch",
    id: "reduce-on-plateau",
    name: "torch.optim.lr_scheduler.ReduceLROnPlateau",
    formula:
      "better = min: m < best·(1 − thr) (rel) or m < best − thr (abs) [max: >, 1 + thr, + thr];  after patience + 1 bad epochs: lr ← max(lr·factor, minLr) if that lowers it by more than eps, then cooldown",
    options: [
      o("mode", { choice: ["min", "max"] }, "min", "whether the metric should fall or rise"),
      o("factor", "openFraction", 0.1, "lr multiplier at a plateau"),
      o("patience", "count", 10, "bad epochs tolerated"),
      o("threshold", "nonnegative", 1e-4, "what counts as better"),
      o("thresholdMode", { choice: ["rel", "abs"] }, "rel", "relative or absolute threshold"),
      o("cooldown", "count", 0, "epochs without counting after a reduction"),
      o("minLr", "nonnegative", 0, "floor of the lr"),
      o("eps", "nonnegative", 1e-8, "smallest reduction applied"),
    ],
    make: (x) => {
      const min = x.mode === "min";
      const rel = x.thresholdMode === "rel";
      const threshold = x.threshold as number;
      const factor = x.factor as number;
      const patience = x.patience as number;
      const cooldown = x.cooldown as number;
      const minLr = x.minLr as number;
      const eps = x.eps as number;
      const better = (a: number, best: number) =>
        min
          ? rel
            ? a < best * (1 - threshold)
            : a < best - threshold
          : rel
            ? a > best * (threshold + 1)
            : a > best + threshold;
      const reset = (state: RuleState) => {
        state.lastEpoch = 0;
        state.best = min ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
        state.numBad = 0;
        state.cooldownCounter = 0;
      };
      return {
        cyclesMomentum: false,
        needsMetric: true,
        construct(_group, state) {
          reset(state);
        },
        step(group, state, metric) {
          if (Number.isNaN(metric)) {
            throw new InputRangeError("reduce-on-plateau: needs a metric at every step, got NaN");
          }
          state.lastEpoch = epoch(state) + 1;
          if (better(metric, state.best as number)) {
            state.best = metric;
            state.numBad = 0;
          } else {
            state.numBad = (state.numBad as number) + 1;
          }
          if ((state.cooldownCounter as number) > 0) {
            state.cooldownCounter = (state.cooldownCounter as number) - 1;
            state.numBad = 0;
          }
          if ((state.numBad as number) > patience) {
            const old = group.lr;
            const next = Math.max(old * factor, minLr);
            if (old - next > eps) group.lr = next;
            state.cooldownCounter = cooldown;
            state.numBad = 0;
          }
        },
        restart(_group, state) {
          reset(state);
        },
        rewind(state) {
          state.lastEpoch = epoch(state) - 1;
        },
      };
    },
  },
];
