import { type Interval, overlaps } from "../lab/stats.js";

/**
 * The seed's questions answered from this run's measurements. Fixed prose explains each mechanism; every claim
 * that compares optimizers is generated from the numbers passed in, so the answers change when the settings
 * (and so the numbers) change. Comparisons across seeds respect uncertainty: "tied" when intervals overlap.
 */

/** What one 2D trajectory measured (the seed's bowl unless stated). */
export interface TrajectoryFacts {
  readonly label: string;
  readonly optimizerId: string;
  readonly settings: string;
  /** The learning rate in effect (NaN for optimizers without one). */
  readonly lr: number;
  readonly steps: number;
  readonly finalLoss: number;
  readonly finalDistance: number | null;
  readonly stepsToTolerance: number | null;
  readonly pathLength: number;
  /** Share of consecutive update pairs whose sign flips, per coordinate (x, y) and overall. */
  readonly zigzag: readonly [number, number];
  readonly zigzagOverall: number;
  /** Mean |Δx_i| / |g_i| per coordinate: the effective learning rate each axis gets. */
  readonly effectiveStep: readonly [number, number];
  readonly divergedAt: number | null;
}

export interface TimingFacts {
  readonly label: string;
  readonly optimizerId: string;
  /** Nanoseconds per optimizer step on 2 parameters: median and quartiles. */
  readonly stepNs: { readonly median: number; readonly q1: number; readonly q3: number };
  readonly iterationNs: { readonly median: number; readonly q1: number; readonly q3: number };
  readonly stepsToTolerance: number | null;
  readonly timeToToleranceUs: number | null;
}

export interface MnistFacts {
  readonly label: string;
  /** Final smoothed training loss over seeds (the book's curve at its last point). */
  readonly finalLoss: Interval;
  readonly testAccuracy: Interval;
  /** Training loss printed every 100 updates (seed 1), as the seed's script prints it. */
  readonly lossEvery100: readonly number[];
  readonly diverged: number;
}

export interface RemedyFacts {
  readonly label: string;
  readonly testAccuracy: Interval;
  readonly trainAccuracy: Interval;
  /** SWATS: the update at which it switched to SGD (per seed), else empty. */
  readonly switchedAt?: readonly (number | null)[];
}

export interface StabilityFacts {
  readonly label: string;
  /** Learning rates (of the grid) that converged on the bowl from the seed's start, lowest and highest. */
  readonly lowest: number | null;
  readonly highest: number | null;
  /** log10(highest / lowest): how many decades of lr work. */
  readonly decades: number;
  /** Fewest steps to the tolerance over the grid, and the lr achieving it. */
  readonly bestSteps: number | null;
  readonly bestLr: number | null;
}

export interface Measurements {
  readonly tolerance: number;
  /** Seed §3: the four (plus Nesterov and RMSprop, §7) at the seed's tuned settings, 30 steps from (−7, 2). */
  readonly seedRuns: readonly TrajectoryFacts[];
  /** Seed §4.5: per setting (lr 0.01, lr 11, tuned), the four optimizers. */
  readonly variants: readonly { readonly setting: string; readonly runs: readonly TrajectoryFacts[] }[];
  readonly timing: readonly TimingFacts[];
  /** The same lr grid for every optimizer on the bowl. */
  readonly stability: readonly StabilityFacts[];
  readonly mnist: {
    readonly facts: readonly MnistFacts[];
    /** Hidden layer sizes of the network trained. */
    readonly hidden: readonly number[];
    readonly seeds: readonly number[];
    readonly iterations: number;
    readonly batchSize: number;
    readonly data: string;
  } | null;
  readonly remedies: {
    readonly facts: readonly RemedyFacts[];
    readonly seeds: readonly number[];
    readonly iterations: number;
    readonly data: string;
  } | null;
}

export interface ReportEntry {
  readonly id: string;
  readonly question: string;
  readonly answer: string;
  readonly figures: readonly string[];
  readonly numbers: Record<string, unknown>;
}

const pct = (share: number) => (Number.isFinite(share) ? `${Math.round(share * 100)} %` : "—");
const num = (value: number | null, digits = 3) =>
  value === null || !Number.isFinite(value) ? "—" : Number(value.toPrecision(digits)).toString();
const steps = (value: number | null, budget?: number) =>
  value === null
    ? budget === undefined
      ? "not within the steps run"
      : `not within the ${budget} steps run`
    : `${value} steps`;

function find<T extends { label: string }>(list: readonly T[], label: string): T | undefined {
  return list.find((item) => item.label === label);
}

/** "A (x) < B (y)" style list, sorted by a number (ascending). */
function ordered<T>(items: readonly T[], key: (t: T) => number, show: (t: T) => string): string {
  return [...items]
    .filter((t) => Number.isFinite(key(t)))
    .sort((a, b) => key(a) - key(b))
    .map(show)
    .join(", ");
}

/**
 * Compares two intervals in words: "higher than", "lower than" or "tied with" (intervals overlap). With a
 * single seed there is no spread to judge, and the words say so: "higher, on one seed (no spread to judge), than".
 */
export function compareIntervals(a: Interval, b: Interval, higher: string, lower: string): string {
  if (!Number.isFinite(a.center) || !Number.isFinite(b.center)) return "not comparable with";
  if (a.n < 2 || b.n < 2) {
    const word = (a.center > b.center ? higher : lower).replace(/ than$/, "");
    return `${word}, on one seed (no spread to judge), than`;
  }
  if (overlaps(a, b)) return "tied with";
  return a.center > b.center ? higher : lower;
}

/** "0.12 [0.05, 0.4]": an interval clipped to the quantity's possible range. */
function intervalText(interval: Interval, scale: number, digits: number, low: number, high: number): string {
  const clip = (v: number) => Math.min(high, Math.max(low, v));
  return `${num(interval.center * scale, digits)} [${num(clip(interval.low) * scale, digits)}, ${num(clip(interval.high) * scale, digits)}]`;
}

const seedsText = (count: number) => `${count} paired seed${count === 1 ? "" : "s"}`;

function q41(m: Measurements): ReportEntry {
  const runs = m.seedRuns.filter((r) => ["sgd", "momentum", "adagrad", "adam"].includes(r.optimizerId));
  const sgd = runs.find((r) => r.optimizerId === "sgd");
  const others = runs.filter((r) => r.optimizerId !== "sgd");
  const zigzagText = runs.map((r) => `${r.label} ${pct(r.zigzag[1])} (x: ${pct(r.zigzag[0])})`).join("; ");
  const smoother = others.filter((r) => sgd && r.zigzag[1] < sgd.zigzag[1]).map((r) => r.label);
  const answer = [
    "Mechanism: f = x²/20 + y² is 20 times more curved along y than along x, so the gradient (x/10, 2y) is dominated by its y",
    "component and points mostly across the valley, not along it. Plain SGD moves by lr·g: with lr large enough to make",
    "progress along x, the step along y overshoots (SGD multiplies y by 1 − 2·lr each step; with lr 0.95 that is −0.9,",
    "a sign flip every step). Momentum adds successive updates, so opposite-signed y steps cancel while the steady x",
    "steps add up; AdaGrad and Adam divide each coordinate by its own gradient history, so the steep y axis gets small",
    "steps and the flat x axis large ones.",
    "",
    `Measured (${sgd ? sgd.steps : 30} steps from the seed's start, the seed's settings): share of steps in which the`,
    `y-update reverses direction — ${zigzagText}.`,
    sgd
      ? `SGD's path is ${num(sgd.pathLength)} long for a straight-line distance of ${num(Math.hypot(7, 2))}.` +
        (smoother.length > 0
          ? ` Smoother than SGD in y: ${smoother.join(", ")}.`
          : " None of the others reverses less often than SGD in y here.")
      : "",
  ]
    .join(" ")
    .replace(/ {2,}/g, " ");
  return {
    id: "4.1",
    question: "Why does SGD zig-zag, and why are the others smoother?",
    answer: answer.trim(),
    figures: ["trajectories", "gradient-field"],
    numbers: Object.fromEntries(
      runs.map((r) => [r.label, { zigzagX: r.zigzag[0], zigzagY: r.zigzag[1], pathLength: r.pathLength }]),
    ),
  };
}

function q42(m: Measurements): ReportEntry {
  const pick = ["sgd", "momentum", "adagrad"]
    .map((id) => m.seedRuns.find((r) => r.optimizerId === id))
    .filter((r): r is TrajectoryFacts => r !== undefined);
  const [sgd, mom, ada] = pick;
  const ratio = (r: TrajectoryFacts) => r.effectiveStep[0] / r.effectiveStep[1];
  const answer = [
    `Speed: after ${sgd?.steps ?? 30} steps the loss is ${ordered(
      pick,
      (r) => r.finalLoss,
      (r) => `${r.label} ${num(r.finalLoss)}`,
    )}`,
    `(lower is better); steps to f − f* ≤ ${m.tolerance}: ${pick.map((r) => `${r.label} ${steps(r.stepsToTolerance, r.steps)}`).join(", ")}.`,
    "Direction: the effective learning rate per axis, mean |Δxᵢ|/|gᵢ|, is the same on both axes for SGD (it is lr);",
    `for AdaGrad the flat x axis gets ${ada ? num(ratio(ada)) : "—"} times the rate of the steep y axis, so its steps point`,
    "along the valley towards the minimum instead of across it.",
    mom && sgd
      ? `Momentum keeps SGD's direction but accumulates it: along x its effective rate is ${num(mom.effectiveStep[0])}, ${num(mom.effectiveStep[0] / mom.lr, 2)} times its lr of ${num(mom.lr)} (SGD's is exactly its lr, ${num(sgd.effectiveStep[0])}), because consistent steps add up to as much as 1/(1 − μ) times one step.`
      : "",
    "In the figure: Momentum's path curves round and overshoots along x before settling (speed); AdaGrad's heads almost",
    "straight for the minimum and slows down as its accumulated squares grow (direction, then shrinking steps).",
  ].join(" ");
  return {
    id: "4.2",
    question:
      "Where do Momentum and AdaGrad improve on SGD: speed, direction? Where does it show in the figure?",
    answer: answer.replace(/ {2,}/g, " ").trim(),
    figures: ["trajectories", "losses"],
    numbers: Object.fromEntries(
      pick.map((r) => [
        r.label,
        {
          finalLoss: r.finalLoss,
          stepsToTolerance: r.stepsToTolerance,
          effectiveStepX: r.effectiveStep[0],
          effectiveStepY: r.effectiveStep[1],
        },
      ]),
    ),
  };
}

function q43(m: Measurements): ReportEntry {
  const adam = m.seedRuns.find((r) => r.optimizerId === "adam");
  const ada = m.seedRuns.find((r) => r.optimizerId === "adagrad");
  const adamGrid = m.stability.find((s) => s.label.startsWith("adam"));
  const adaGrid = m.stability.find((s) => s.label.startsWith("adagrad"));
  const mnistAdam = m.mnist ? m.mnist.facts.find((f) => f.label === "adam") : undefined;
  const mnistAda = m.mnist ? m.mnist.facts.find((f) => f.label === "adagrad") : undefined;
  const seedVerdict =
    adam && ada
      ? adam.finalLoss > ada.finalLoss
        ? "ends higher than"
        : adam.finalLoss < ada.finalLoss
          ? "ends lower than"
          : "ends equal to"
      : "—";
  const parts = [
    adam && ada
      ? `With the seed's settings (Adam lr ${num(adam.lr)}, AdaGrad lr ${num(ada.lr)}), after ${adam.steps} steps Adam's loss ${num(adam.finalLoss)} ${seedVerdict} AdaGrad's ${num(ada.finalLoss)}.`
      : "",
    "But one picture compares one hand-picked learning rate each, on one 2D bowl, for 30 steps: it says nothing about",
    "the methods. Given the same learning-rate grid,",
    adamGrid && adaGrid
      ? `Adam reaches the tolerance in ${steps(adamGrid.bestSteps)} at its best lr (${num(adamGrid.bestLr)}) and AdaGrad in ${steps(adaGrid.bestSteps)} (lr ${num(adaGrid.bestLr)}); Adam converges over ${num(adamGrid.decades, 2)} decades of lr, AdaGrad over ${num(adaGrid.decades, 2)}.`
      : "(grid not measured).",
    mnistAdam && mnistAda && m.mnist
      ? `On MNIST with the book's defaults (${seedsText(m.mnist.seeds.length)}), Adam's test accuracy ${num(mnistAdam.testAccuracy.center * 100, 3)} % is ${compareIntervals(mnistAdam.testAccuracy, mnistAda.testAccuracy, "higher than", "lower than")} AdaGrad's ${num(mnistAda.testAccuracy.center * 100, 3)} %.`
      : "",
    "Adam also oscillates on the bowl because its step is roughly lr per coordinate whatever the gradient's size",
    "(m̂/√v̂ ≈ ±1), so near the minimum it keeps taking lr-sized steps until the momentum average decays; AdaGrad's",
    "steps shrink for good. That is a feature on noisy, non-stationary problems and a cost on a clean quadratic.",
  ];
  return {
    id: "4.3",
    question: "From the trajectories alone, Adam looks worse than AdaGrad — is it?",
    answer: parts.join(" ").replace(/ {2,}/g, " ").trim(),
    figures: ["trajectories", "lr-tuned"],
    numbers: {
      seed: { adam: adam?.finalLoss ?? null, adagrad: ada?.finalLoss ?? null },
      grid: { adam: adamGrid ?? null, adagrad: adaGrid ?? null },
      mnist: { adam: mnistAdam?.testAccuracy ?? null, adagrad: mnistAda?.testAccuracy ?? null },
    },
  };
}

function q44(m: Measurements): ReportEntry {
  const sgd = m.timing.find((t) => t.optimizerId === "sgd");
  const rows = m.timing.map(
    (t) =>
      `${t.label}: ${num(t.stepNs.median)} ns per step [IQR ${num(t.stepNs.q1)}–${num(t.stepNs.q3)}], ` +
      `${num(t.iterationNs.median)} ns with the gradient, ${t.stepsToTolerance === null ? "never reached the tolerance" : `${t.stepsToTolerance} steps and ${num(t.timeToToleranceUs)} µs to f ≤ ${m.tolerance}`}`,
  );
  const slowest = [...m.timing].sort((a, b) => b.stepNs.median - a.stepNs.median)[0];
  const fastestToTol = [...m.timing]
    .filter((t) => t.timeToToleranceUs !== null)
    .sort((a, b) => (a.timeToToleranceUs as number) - (b.timeToToleranceUs as number))[0];
  const answer = [
    "The seed timed whole scripts (≈0.04 s each): that measures Python starting up, not an optimizer. Here each",
    "number is the median over many repetitions after warm-up, with the interquartile range. On 2 parameters:",
    `${rows.join("; ")}.`,
    sgd && slowest
      ? `Per step, ${slowest.label} costs ${num(slowest.stepNs.median / sgd.stepNs.median, 2)}× SGD. On 2 parameters the fixed cost of a call dominates${slowest.optimizerId === "adam" ? " (the book's Adam evaluates β₁ᵗ and β₂ᵗ, two pow calls, every step)" : ""}, while the extra square roots and divisions per coordinate cost nanoseconds; on large parameter vectors the per-coordinate arithmetic and memory traffic decide instead.`
      : "",
    fastestToTol
      ? `What matters is the time to a solution, which is steps × time per step: fastest to f ≤ ${m.tolerance} here is ${fastestToTol.label}.`
      : "",
    "On a real network the optimizer step is a small part of an update (the gradient dominates): optlab compare measures the cost per update of each optimizer side by side.",
  ];
  return {
    id: "4.4",
    question: "How long did each method take, and is that as expected?",
    answer: answer.join(" ").replace(/ {2,}/g, " ").trim(),
    figures: ["timing"],
    numbers: Object.fromEntries(m.timing.map((t) => [t.label, t])),
  };
}

function q45(m: Measurements): ReportEntry {
  const lines = m.variants.map((v) => {
    const diverged = v.runs.filter((r) => r.divergedAt !== null);
    const finished = v.runs.filter((r) => r.divergedAt === null);
    return (
      `${v.setting}: ` +
      (finished.length > 0
        ? `final loss ${finished.map((r) => `${r.label} ${num(r.finalLoss)}`).join(", ")}`
        : "") +
      (diverged.length > 0
        ? `${finished.length > 0 ? "; " : ""}diverged: ${diverged.map((r) => `${r.label} at step ${r.divergedAt}`).join(", ")}`
        : "")
    );
  });
  const answer = [
    "Learning rate 0.01 is too small for every method on this bowl: all move, none arrives in 30 steps. Learning rate 11",
    "breaks the methods whose step is lr × gradient (SGD, Momentum): along y they multiply the error by |1 − 2·lr| ≫ 1",
    "every step; AdaGrad and Adam normalise the gradient, so their steps are about lr long and they jump around at",
    "the scale of the lr instead of exploding. The tuned set is what the figure in the book shows. Measured:",
    `${lines.join(". ")}.`,
  ];
  return {
    id: "4.5",
    question:
      "How do the trajectories change with the hyperparameters (every lr 0.01; every lr 11; the tuned set)?",
    answer: answer.join(" ").replace(/ {2,}/g, " ").trim(),
    figures: ["lr-0.01", "lr-11", "lr-tuned"],
    numbers: Object.fromEntries(
      m.variants.map((v) => [
        v.setting,
        v.runs.map((r) => ({ label: r.label, finalLoss: r.finalLoss, divergedAt: r.divergedAt })),
      ]),
    ),
  };
}

const PROS_CONS: Record<string, { pro: string; con: string; state: string }> = {
  sgd: {
    pro: "one multiply-add per parameter, no state; well understood, generalises well when tuned",
    con: "one lr for all directions: slow on ill-conditioned problems, zig-zags, diverges past 2/curvature",
    state: "none",
  },
  momentum: {
    pro: "accelerates along consistent directions, damps oscillation",
    con: "a second hyperparameter; overshoots the minimum and oscillates before settling",
    state: "1 array (velocity)",
  },
  nesterov: {
    pro: "momentum with a look-ahead correction: less overshoot",
    con: "the book's variant is not the textbook formula (it uses the updated velocity)",
    state: "1 array",
  },
  adagrad: {
    pro: "per-coordinate rates: fixes ill-conditioning on the axes; robust to the lr",
    con: "the accumulated sum only grows, so steps shrink to nothing on long runs",
    state: "1 array (sum of g²)",
  },
  rmsprop: {
    pro: "AdaGrad with a moving average: steps do not die out",
    con: "no bias correction: large first steps; another decay hyperparameter",
    state: "1 array",
  },
  adam: {
    pro: "momentum + per-coordinate scaling + bias correction: good defaults, fast early progress",
    con: "steps ≈ lr near the optimum (oscillates), may generalise worse than tuned SGD; more memory",
    state: "2 arrays (m, v)",
  },
};

function q5(m: Measurements): ReportEntry {
  const ids = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"];
  const rows = ids.map((id) => {
    const stability = m.stability.find((s) => s.label.startsWith(id));
    const timing = m.timing.find((t) => t.optimizerId === id);
    const mnist = m.mnist?.facts.find((f) => f.label === id);
    const notes = PROS_CONS[id];
    const measured = [
      stability
        ? `converges on the bowl for ${num(stability.decades, 2)} decades of lr (${num(stability.lowest)}–${num(stability.highest)})`
        : null,
      timing ? `${num(timing.stepNs.median)} ns per 2-parameter step` : null,
      mnist
        ? `MNIST test accuracy ${num(mnist.testAccuracy.center * 100, 3)} % with the book's defaults`
        : null,
    ].filter((part) => part !== null);
    return `${id} — pro: ${notes.pro}; con: ${notes.con}; state: ${notes.state}.${measured.length > 0 ? ` Measured: ${measured.join(", ")}.` : ""}`;
  });
  return {
    id: "5",
    question: "Pros and cons of SGD, Momentum, AdaGrad and Adam (and Nesterov, RMSprop)?",
    answer: `${rows.join("\n")}\nSecond-order methods (Newton, L-BFGS) use curvature directly and would solve the bowl in one or a few steps, at the cost of a Hessian or its approximation — impractical for millions of parameters, which is why first-order methods dominate deep learning.`,
    figures: ["trajectories-6", "timing"],
    numbers: Object.fromEntries(
      ids.map((id) => [id, { stability: m.stability.find((s) => s.label.startsWith(id)) ?? null }]),
    ),
  };
}

function q6(m: Measurements): ReportEntry {
  const r = m.remedies;
  let measured = "The remedies experiment was not run (optlab compare --tier fair runs it at full size).";
  if (r) {
    const sgd = r.facts.find((f) => f.label.startsWith("sgd"));
    const adam = r.facts.find((f) => f.label === "adam");
    const lines = r.facts.map(
      (f) =>
        `${f.label}: test ${num(f.testAccuracy.center * 100, 3)} %, train ${num(f.trainAccuracy.center * 100, 3)} %, gap ${num((f.trainAccuracy.center - f.testAccuracy.center) * 100, 2)} points` +
        (f.switchedAt?.some((s) => s !== null)
          ? ` (switched to SGD at update ${f.switchedAt.map((s) => s ?? "never").join(", ")})`
          : f.switchedAt
            ? " (never switched to SGD)"
            : ""),
    );
    measured =
      `Measured on ${r.data}, ${r.iterations} updates, ${seedsText(r.seeds.length)}: ${lines.join("; ")}.` +
      (sgd && adam
        ? ` SGD+Momentum's test accuracy is ${compareIntervals(sgd.testAccuracy, adam.testAccuracy, "higher than", "lower than")} Adam's.`
        : "") +
      " A few epochs of a small fully connected network cannot show the generalisation gap the papers report for long training of large networks; read a difference of a point or less as no evidence.";
  }
  return {
    id: "6",
    question: "Adam is so good — is SGD obsolete?",
    answer:
      "No. Wilson et al. (2017) showed that on several tasks adaptive methods reach lower training loss but generalise worse than well-tuned SGD with momentum, and that on a constructed problem they converge to a solution with worse test error. Keskar & Socher (2017) proposed SWATS: start with Adam and switch to SGD once the Adam step projected on the gradient gives a stable SGD learning rate. Luo et al. (2019) proposed AdaBound: clip Adam's per-coordinate rates into bounds that close in on an SGD rate, so training moves smoothly from Adam to SGD. " +
      measured,
    figures: [],
    numbers: r ? Object.fromEntries(r.facts.map((f) => [f.label, f])) : {},
  };
}

function q7(m: Measurements): ReportEntry {
  const get = (id: string) => m.seedRuns.find((r) => r.optimizerId === id);
  const pair = (a: TrajectoryFacts | undefined, b: TrajectoryFacts | undefined) =>
    a && b
      ? `${a.label}: final loss ${num(a.finalLoss)}, ${steps(a.stepsToTolerance, a.steps)} to tolerance, y reverses in ${pct(a.zigzag[1])} of steps; ${b.label}: ${num(b.finalLoss)}, ${steps(b.stepsToTolerance, b.steps)}, ${pct(b.zigzag[1])}`
      : "—";
  const mn = (id: string) => m.mnist?.facts.find((f) => f.label === id);
  const mnistPair = (a: string, b: string) => {
    const x = mn(a);
    const y = mn(b);
    return x && y
      ? ` On MNIST, ${a}'s test accuracy ${num(x.testAccuracy.center * 100, 3)} % is ${compareIntervals(x.testAccuracy, y.testAccuracy, "higher than", "lower than")} ${b}'s ${num(y.testAccuracy.center * 100, 3)} %.`
      : "";
  };
  return {
    id: "7",
    question: "Add RMSprop and Nesterov: how does Momentum compare with Nesterov, and AdaGrad with RMSprop?",
    answer:
      `Momentum vs Nesterov on the bowl (same lr and μ): ${pair(get("momentum"), get("nesterov"))}. Nesterov evaluates the correction one step ahead, which damps Momentum's overshoot; the book's Nesterov goes further than the cited formula (it reuses the updated velocity: μ³ and 1 + μ + μ² instead of μ² and 1 + μ), so it corrects more strongly still.${mnistPair("momentum", "nesterov")} ` +
      `AdaGrad vs RMSprop: ${pair(get("adagrad"), get("rmsprop"))}. RMSprop replaces AdaGrad's ever-growing sum with a moving average, so its steps do not shrink to zero; without bias correction its first steps are about lr/√(1 − ρ) = 10·lr long.${mnistPair("adagrad", "rmsprop")}`,
    figures: ["momentum-vs-nesterov", "adagrad-vs-rmsprop", "trajectories-6"],
    numbers: {
      momentum: get("momentum") ?? null,
      nesterov: get("nesterov") ?? null,
      adagrad: get("adagrad") ?? null,
      rmsprop: get("rmsprop") ?? null,
    },
  };
}

function q8(m: Measurements): ReportEntry {
  if (!m.mnist) {
    return {
      id: "8",
      question: "MNIST: how do the optimizers compare on a real network?",
      answer: "MNIST was not run.",
      figures: [],
      numbers: {},
    };
  }
  const { facts, seeds, iterations, batchSize, data, hidden } = m.mnist;
  const ranked = [...facts].sort((a, b) => b.testAccuracy.center - a.testAccuracy.center);
  const chain = ranked
    .map((f, i) =>
      i === 0
        ? f.label
        : `${overlaps(ranked[i - 1].testAccuracy, f.testAccuracy) || f.testAccuracy.n < 2 ? " ≈ " : " > "}${f.label}`,
    )
    .join("");
  const table = facts
    .map(
      (f) =>
        `${f.label}: final smoothed loss ${intervalText(f.finalLoss, 1, 3, 0, Number.POSITIVE_INFINITY)}, test accuracy ${intervalText(f.testAccuracy, 100, 4, 0, 1)} %${f.diverged > 0 ? `, ${f.diverged} diverged` : ""}`,
    )
    .join("; ");
  return {
    id: "8",
    question: "MNIST: how do the optimizers compare on a real network?",
    answer:
      `${hidden.join(",") === "100,100,100,100" ? "The seed's network" : "A smaller network than the seed's"} (784-${hidden.join("-")}-10, ReLU, He initialisation) on ${data}, batches of ${batchSize} drawn at random, ${iterations} updates, the book's default settings, ${seedsText(seeds.length)} (every optimizer starts from the same weights and sees the same batches). ${table}. ` +
      `Ranking by test accuracy: ${chain} (">" only where the 95 % intervals over seeds do not overlap). ` +
      "With the book's defaults the comparison is of defaults, not of methods: plain SGD at lr 0.01 is far from its best rate, which is why the fair tier (optlab compare --tier fair) tunes every optimizer with the same budget.",
    figures: ["mnist-loss", "mnist-accuracy"],
    numbers: Object.fromEntries(
      facts.map((f) => [
        f.label,
        { finalLoss: f.finalLoss, testAccuracy: f.testAccuracy, lossEvery100: f.lossEvery100 },
      ]),
    ),
  };
}

/** Every question of the seed, in order: 4.1–4.5, 5, 6, 7, 8. */
export function answerQuestions(m: Measurements): ReportEntry[] {
  return [q41(m), q42(m), q43(m), q44(m), q45(m), q5(m), q6(m), q7(m), q8(m)];
}

export { find as findByLabel };
