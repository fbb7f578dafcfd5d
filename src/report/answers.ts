import { type MedianRangeOf, medianRangeOf } from "../lab/index.js";
import { type Claim, ClaimBook, MIN_SEEDS_TO_RANK } from "./rules.js";

/**
 * The homework's items 1–8 answered from this run's measurements. Fixed prose explains mechanisms only; every
 * sentence that compares, ranks or characterises is a claim made by a rule of `rules.ts` over numbers that the
 * same entry reports (`ClaimBook`), so it changes when the numbers change and `checkClaims` can verify it.
 * Statistics: per optimizer, "median [min–max] over n paired seeds"; between two optimizers, the median of the
 * per-seed differences with its exact sign-test interval; ">" only where that interval excludes 0, and no ranking
 * at all with fewer than three seeds.
 */

/** What one 2D trajectory measured. */
export interface TrajectoryFacts {
  readonly label: string;
  readonly optimizerId: string;
  readonly settings: string;
  /** The learning rate in effect (NaN for optimizers without one). */
  readonly lr: number;
  /** Momentum coefficient μ where the optimizer has one (else null). */
  readonly momentum: number | null;
  /** The step budget. */
  readonly steps: number;
  readonly startLoss: number;
  readonly finalLoss: number;
  readonly finalDistance: number | null;
  /** First step with f − f* ≤ tol (null: never within the budget). */
  readonly firstHit: number | null;
  /** First step from which f − f* ≤ tol holds to the end of the budget (null: does not settle). */
  readonly settled: number | null;
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
  /** First step with f ≤ tol in the timed runs (they stop there), within `maxSteps`. */
  readonly stepsToTolerance: number | null;
  readonly timeToToleranceUs: number | null;
}

/** One optimizer's MNIST result per seed (in the order of the seeds). */
export interface MnistFacts {
  readonly label: string;
  readonly optimizerId: string;
  readonly seeds: readonly number[];
  /** Final smoothed training loss (the book's curve at its last point), per seed. */
  readonly finalLoss: readonly number[];
  /** Test accuracy at the last evaluation, per seed. */
  readonly testAccuracy: readonly number[];
  /** Training loss every 100 updates (first seed), as the homework's script prints it. */
  readonly lossEvery100: readonly number[];
  readonly diverged: number;
}

export interface RemedyFacts {
  readonly label: string;
  readonly optimizerId: string;
  readonly testAccuracy: readonly number[];
  readonly trainAccuracy: readonly number[];
  /** SWATS: the update at which it switched to SGD, per seed (null: never), else absent. */
  readonly switchedAt?: readonly (number | null)[];
}

export interface StabilityFacts {
  readonly label: string;
  /** Learning rates (of the grid) that converged on the bowl from the homework's start, lowest and highest. */
  readonly lowest: number | null;
  readonly highest: number | null;
  /** log10(highest / lowest): how many decades of lr work. */
  readonly decades: number;
  /** Fewest steps to settle within the tolerance over the grid, and the lr achieving it. */
  readonly bestSteps: number | null;
  readonly bestLr: number | null;
}

/** The surface and the gradient field of item 1–2, measured on the landscape itself. */
export interface LandscapeFacts {
  /** Curvatures ∂²f/∂x² and ∂²f/∂y² at the minimum (central differences of the exact gradient). */
  readonly curvature: readonly [number, number];
  readonly minima: number;
  /** Share of the gradient-field arrows whose −∇f points within 10° of the direction to the minimum. */
  readonly arrowsAtMinimum: number;
  /** Mean |∂f/∂y| / |∂f/∂x| over the arrows' grid. */
  readonly yOverX: number;
  /** Item 3: the largest deviation of the SGD path from its closed form x_k = x₀(1 − lr/10)ᵏ, y_k = y₀(1 − 2·lr)ᵏ. */
  readonly sgdClosedFormDeviation: number;
}

export interface Measurements {
  readonly tolerance: number;
  readonly landscape: LandscapeFacts | null;
  /** Items 3 and 7: the homework's four plus Nesterov and RMSprop at its tuned settings, from (−7, 2). */
  readonly seedRuns: readonly TrajectoryFacts[];
  /** Item 4.5: per setting (lr 0.01, lr 11, tuned), the four optimizers. */
  readonly variants: readonly { readonly setting: string; readonly runs: readonly TrajectoryFacts[] }[];
  readonly timing: readonly TimingFacts[];
  /** The timing runs' step budget. */
  readonly timingMaxSteps: number;
  /** The same lr grid for every optimizer on the bowl, and its step budget. */
  readonly stability: readonly StabilityFacts[];
  readonly stabilitySteps: number;
  readonly mnist: {
    readonly facts: readonly MnistFacts[];
    readonly hidden: readonly number[];
    readonly seeds: readonly number[];
    readonly iterations: number;
    readonly batchSize: number;
    /** The data set as its loader describes it (name, sizes). */
    readonly data: string;
    readonly trainImages: number;
    readonly testImages: number;
  } | null;
  readonly remedies: {
    readonly facts: readonly RemedyFacts[];
    readonly seeds: readonly number[];
    readonly iterations: number;
    readonly batchSize: number;
    readonly hidden: readonly number[];
    readonly data: string;
    readonly trainImages: number;
    /** The settings that differ from item 8's, in words (empty when none). */
    readonly differences: readonly string[];
    /** SWATS's switching tolerance ε. */
    readonly swatsEps: number | null;
  } | null;
}

export interface ReportEntry {
  /** The homework's item: "1" … "8", "4.1" … "4.5". */
  readonly id: string;
  readonly question: string;
  readonly answer: string;
  /** Budgets and definitions the answer depends on. */
  readonly definitions: readonly string[];
  readonly figures: readonly string[];
  readonly numbers: Record<string, unknown>;
  readonly claims: readonly Claim[];
}

const pct = (share: number) => (Number.isFinite(share) ? `${Math.round(share * 100)} %` : "—");
const num = (value: number | null, digits = 3) =>
  value === null || !Number.isFinite(value) ? "—" : Number(value.toPrecision(digits)).toString();
const seedsText = (count: number) => `${count} paired seed${count === 1 ? "" : "s"}`;
const FIRST_HIT = "first hit: the first step with f − f* ≤ the tolerance";
const SETTLED = "settles: the first step from which f − f* ≤ the tolerance holds to the end of the budget";

/** "median [min–max] over n paired seeds", the one statistic of a per-optimizer quantity over seeds. */
export function medianRangeText(r: MedianRangeOf, scale = 1, digits = 3): string {
  if (r.n === 0) return "—";
  if (r.n === 1) return `${num(r.median * scale, digits)} (one seed)`;
  return `${num(r.median * scale, digits)} [${num(r.min * scale, digits)}–${num(r.max * scale, digits)}]`;
}

/** The per-optimizer statistic over seeds, on the finite values (a diverged seed is reported as diverged). */
function medianRange(sample: readonly number[]): MedianRangeOf {
  return medianRangeOf(sample.filter(Number.isFinite));
}

/** Records a trajectory's numbers under `runs.<key>` and returns the key. */
function putRun(book: ClaimBook, key: string, r: TrajectoryFacts): string {
  book.put(`runs.${key}`, {
    label: r.label,
    settings: r.settings,
    lr: r.lr,
    steps: r.steps,
    startLoss: r.startLoss,
    finalLoss: r.finalLoss,
    firstHit: r.firstHit,
    settled: r.settled,
    divergedAt: r.divergedAt,
    zigzagX: r.zigzag[0],
    zigzagY: r.zigzag[1],
    pathLength: r.pathLength,
    effectiveStepX: r.effectiveStep[0],
    effectiveStepY: r.effectiveStep[1],
  });
  return `runs.${key}`;
}

/** How a run ended, in words, from the `outcome` rule. */
function outcomeClaim(book: ClaimBook, path: string, r: TrajectoryFacts, tolerance: number): string {
  return book.claim(
    "outcome",
    [`${path}.divergedAt`, `${path}.finalLoss`, `${path}.startLoss`, `${path}.settled`],
    (verdict) =>
      verdict === "diverged"
        ? r.divergedAt !== null
          ? `${r.label} diverged at step ${r.divergedAt}`
          : `${r.label} ended above its starting loss (${num(r.finalLoss)} > ${num(r.startLoss)}): diverging`
        : verdict === "converged"
          ? `${r.label} converged: within ${tolerance} of the minimum from step ${r.settled} on, ending at f = ${num(r.finalLoss)}`
          : `${r.label} did not settle within ${tolerance} in ${r.steps} steps (ends at f = ${num(r.finalLoss)}${r.firstHit !== null ? `, after touching the tolerance at step ${r.firstHit}` : ""})`,
  );
}

/** A comparison by settling step, then by final loss when neither settles or both settle at once. */
function speedClaim(book: ClaimBook, a: string, b: string, ra: TrajectoryFacts, rb: TrajectoryFacts): string {
  return book.claim("steps", [`${a}.settled`, `${b}.settled`], (verdict) => {
    switch (verdict) {
      case "fewer":
        return `${ra.label} settles sooner than ${rb.label} (step ${ra.settled} against ${rb.settled})`;
      case "more":
        return `${ra.label} settles later than ${rb.label} (step ${ra.settled} against ${rb.settled})`;
      case "same":
        return `${ra.label} and ${rb.label} settle at the same step (${ra.settled})`;
      case "only-a":
        return `only ${ra.label} settles within the budget (step ${ra.settled}); ${rb.label} does not`;
      case "only-b":
        return `${ra.label} does not settle within the budget while ${rb.label} does (step ${rb.settled})`;
      default:
        return `neither ${ra.label} nor ${rb.label} settles within the ${ra.steps} steps`;
    }
  });
}

function lossClaim(book: ClaimBook, a: string, b: string, ra: TrajectoryFacts, rb: TrajectoryFacts): string {
  return book.claim("compare", [`${a}.finalLoss`, `${b}.finalLoss`], (verdict) =>
    verdict === "lower"
      ? `${ra.label} ends lower than ${rb.label} (f = ${num(ra.finalLoss)} against ${num(rb.finalLoss)})`
      : verdict === "higher"
        ? `${ra.label} ends higher than ${rb.label} (f = ${num(ra.finalLoss)} against ${num(rb.finalLoss)})`
        : verdict === "equal"
          ? `${ra.label} and ${rb.label} end at the same loss (${num(ra.finalLoss)})`
          : `${ra.label}'s and ${rb.label}'s final losses cannot be compared (one is not a number)`,
  );
}

function byId(runs: readonly TrajectoryFacts[], id: string): TrajectoryFacts | undefined {
  return runs.find((r) => r.optimizerId === id);
}

function entry(
  id: string,
  question: string,
  book: ClaimBook,
  paragraphs: readonly string[],
  figures: readonly string[],
  definitions: readonly string[],
): ReportEntry {
  return {
    id,
    question,
    answer: paragraphs
      .filter((p) => p.trim() !== "")
      .join("\n")
      .replace(/ {2,}/g, " ")
      .trim(),
    definitions,
    figures,
    numbers: book.numbers,
    claims: book.claims,
  };
}

function item1(m: Measurements): ReportEntry {
  const book = new ClaimBook();
  const l = m.landscape;
  const paragraphs: string[] = [
    "f(x, y) = x²/20 + y² over x, y ∈ [−50, 50] (100 × 100 grid), drawn as a surface coloured by height.",
  ];
  if (l) {
    book.put("curvatureX", l.curvature[0]);
    book.put("curvatureY", l.curvature[1]);
    book.put("ratio", l.curvature[1] / l.curvature[0]);
    book.put("one", 1);
    book.put("minima", l.minima);
    paragraphs.push(
      `Measured curvatures at the minimum: ∂²f/∂x² = ${num(l.curvature[0])}, ∂²f/∂y² = ${num(l.curvature[1])}.`,
      book.claim("limit", ["ratio", "one"], (v) =>
        v === "above"
          ? `The bowl is ${num(l.curvature[1] / l.curvature[0])} times more curved along y than along x: stretched along x.`
          : `The bowl is not more curved along y than along x (ratio ${num(l.curvature[1] / l.curvature[0])}).`,
      ),
      book.claim("compare", ["minima", "one"], (v) =>
        v === "equal" ? "It has one minimum, at (0, 0)." : `It has ${l.minima} known minima.`,
      ),
    );
  }
  return entry(
    "1",
    "Figure 6-1: the loss surface",
    book,
    paragraphs,
    ["surface"],
    ["Curvature: central differences of the exact gradient at the minimum."],
  );
}

function item2(m: Measurements): ReportEntry {
  const book = new ClaimBook();
  const l = m.landscape;
  const paragraphs = ["The arrows are −∇f = (−x/10, −2y): the direction plain gradient descent steps in."];
  if (l) {
    book.put("yOverX", l.yOverX);
    book.put("one", 1);
    book.put("atMinimum", l.arrowsAtMinimum);
    book.put("half", 0.5);
    paragraphs.push(
      book.claim("limit", ["yOverX", "one"], (v) =>
        v === "above"
          ? `On the arrows' grid the y component is on average ${num(l.yOverX)} times the x component: the arrows are long across the valley and short along it.`
          : `On the arrows' grid the y component is not larger than the x component on average (${num(l.yOverX)}).`,
      ),
      book.claim("limit", ["atMinimum", "half"], (v) =>
        v === "above"
          ? `${pct(l.arrowsAtMinimum)} of the arrows point within 10° of the minimum: most do.`
          : `Only ${pct(l.arrowsAtMinimum)} of the arrows point within 10° of the minimum: most do not point at it, so following the gradient does not lead straight there.`,
      ),
    );
  }
  return entry(
    "2",
    "The gradient field",
    book,
    paragraphs,
    ["gradient-field"],
    ["An arrow points at the minimum when the angle between −∇f and the direction to (0, 0) is at most 10°."],
  );
}

function item3(m: Measurements): ReportEntry {
  const book = new ClaimBook();
  const paragraphs = [
    "The four optimizers are the book's common/optimizer.py, one file each in src/optim (formulas beside the code): SGD p ← p − lr·g; Momentum v ← μv − lr·g, p ← p + v; AdaGrad h ← h + g², p ← p − lr·g/(√h + 1e-7); Adam with the book's bias-corrected lr_t = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) and ε = 1e-7 outside the root. `npm test` replays them against the book's reference trajectories.",
  ];
  const l = m.landscape;
  if (l) {
    book.put("deviation", l.sgdClosedFormDeviation);
    book.put("bound", 1e-12);
    paragraphs.push(
      book.claim("limit", ["deviation", "bound"], (v) =>
        v === "within"
          ? `In this run SGD's path matches its closed form x_k = x₀(1 − lr/10)ᵏ, y_k = y₀(1 − 2·lr)ᵏ to ${num(l.sgdClosedFormDeviation, 2)} (float64).`
          : `In this run SGD's path is ${num(l.sgdClosedFormDeviation, 2)} away from its closed form: more than rounding.`,
      ),
    );
  }
  for (const r of m.seedRuns.filter((x) => ["sgd", "momentum", "adagrad", "adam"].includes(x.optimizerId))) {
    const path = putRun(book, r.optimizerId, r);
    paragraphs.push(`${outcomeClaim(book, path, r, m.tolerance)}.`);
  }
  return entry(
    "3",
    "The trajectories of SGD, Momentum, AdaGrad and Adam (2 × 2)",
    book,
    paragraphs,
    ["trajectories"],
    [`Budget: ${m.seedRuns[0]?.steps ?? 30} steps from (−7, 2); tolerance f − f* ≤ ${m.tolerance}.`, SETTLED],
  );
}

function q41(m: Measurements): ReportEntry {
  const book = new ClaimBook();
  const runs = m.seedRuns.filter((r) => ["sgd", "momentum", "adagrad", "adam"].includes(r.optimizerId));
  const sgd = byId(runs, "sgd");
  const paragraphs = [
    "Mechanism: f = x²/20 + y² is 20 times more curved along y than along x, so the gradient (x/10, 2y) is dominated by its y component and points mostly across the valley. SGD moves by lr·g and multiplies y by 1 − 2·lr each step; with |1 − 2·lr| close to 1 and negative, y flips sign every step while x creeps. Momentum sums successive updates, so opposite-signed y steps cancel while steady x steps add up; AdaGrad and Adam divide each coordinate by its own gradient history.",
  ];
  for (const r of runs) putRun(book, r.optimizerId, r);
  paragraphs.push(
    `Measured share of steps in which the y-update reverses: ${runs.map((r) => `${r.label} ${pct(r.zigzag[1])}`).join(", ")}.`,
  );
  if (sgd) {
    for (const r of runs.filter((x) => x.optimizerId !== "sgd")) {
      paragraphs.push(
        `${book.claim("compare", [`runs.${r.optimizerId}.zigzagY`, "runs.sgd.zigzagY"], (v) =>
          v === "lower"
            ? `${r.label} reverses less often in y than SGD`
            : v === "higher"
              ? `${r.label} reverses more often in y than SGD`
              : `${r.label} reverses in y as often as SGD`,
        )}.`,
      );
    }
  }
  return entry(
    "4.1",
    "Why does SGD zig-zag, and why are the others smoother?",
    book,
    paragraphs,
    ["trajectories", "gradient-field"],
    [
      `Budget: ${sgd?.steps ?? 30} steps from (−7, 2), the homework's settings.`,
      "Zig-zag: the share of consecutive updates whose y component changes sign.",
    ],
  );
}

function q42(m: Measurements): ReportEntry {
  const book = new ClaimBook();
  const sgd = byId(m.seedRuns, "sgd");
  const mom = byId(m.seedRuns, "momentum");
  const ada = byId(m.seedRuns, "adagrad");
  const paragraphs: string[] = [];
  if (sgd && mom && ada) {
    const s = putRun(book, "sgd", sgd);
    const mo = putRun(book, "momentum", mom);
    const a = putRun(book, "adagrad", ada);
    paragraphs.push(
      `Speed (steps to settle within the tolerance, then the loss after ${sgd.steps} steps): ${speedClaim(book, mo, s, mom, sgd)}; ${lossClaim(book, mo, s, mom, sgd)}; ${speedClaim(book, a, s, ada, sgd)}; ${lossClaim(book, a, s, ada, sgd)}.`,
    );
    book.put("adagradAxisRatio", ada.effectiveStep[0] / ada.effectiveStep[1]);
    book.put("sgdAxisRatio", sgd.effectiveStep[0] / sgd.effectiveStep[1]);
    paragraphs.push(
      `Direction (the effective learning rate per axis, mean |Δxᵢ|/|gᵢ|): ${book.claim(
        "compare",
        ["sgdAxisRatio", "adagradAxisRatio"],
        (v) =>
          v === "lower"
            ? `AdaGrad gives the flat x axis ${num(ada.effectiveStep[0] / ada.effectiveStep[1])} times the rate of the steep y axis, SGD ${num(sgd.effectiveStep[0] / sgd.effectiveStep[1])} times: AdaGrad's steps turn towards the valley's floor`
            : `AdaGrad does not favour the flat x axis more than SGD here (${num(ada.effectiveStep[0] / ada.effectiveStep[1])} against ${num(sgd.effectiveStep[0] / sgd.effectiveStep[1])})`,
      )}.`,
    );
    if (mom.momentum !== null) {
      const limit = 1 / (1 - mom.momentum);
      book.put("momentumRateOverLr", mom.effectiveStep[0] / mom.lr);
      book.put("momentumLimit", limit);
      paragraphs.push(
        `${book.claim("limit", ["momentumRateOverLr", "momentumLimit"], (v) =>
          v === "above"
            ? `Along x Momentum's mean effective rate is ${num(mom.effectiveStep[0] / mom.lr, 2)} times its lr, above the steady-state gain 1/(1 − μ) = ${num(limit, 2)}: near the minimum the gradient shrinks while the velocity carries on, so the ratio |Δx|/|g| grows beyond the gain of a constant gradient`
            : `Along x Momentum's mean effective rate is ${num(mom.effectiveStep[0] / mom.lr, 2)} times its lr, within the steady-state gain 1/(1 − μ) = ${num(limit, 2)} that a constant gradient would give`,
        )}.`,
      );
    }
  }
  return entry(
    "4.2",
    "Where do Momentum and AdaGrad improve on SGD: speed, direction? Where does it show in the figure?",
    book,
    paragraphs,
    ["trajectories", "losses"],
    [`Budget: ${sgd?.steps ?? 30} steps from (−7, 2); tolerance f − f* ≤ ${m.tolerance}.`, SETTLED],
  );
}

function q43(m: Measurements): ReportEntry {
  const book = new ClaimBook();
  const adam = byId(m.seedRuns, "adam");
  const ada = byId(m.seedRuns, "adagrad");
  const adamGrid = m.stability.find((s) => s.label === "adam");
  const adaGrid = m.stability.find((s) => s.label === "adagrad");
  const paragraphs: string[] = [];
  if (adam && ada) {
    const a = putRun(book, "adam", adam);
    const g = putRun(book, "adagrad", ada);
    paragraphs.push(
      `At the homework's settings (Adam lr ${num(adam.lr)}, AdaGrad lr ${num(ada.lr)}, ${adam.steps} steps): ${lossClaim(book, a, g, adam, ada)}. One hand-picked learning rate each on one bowl says little about the methods.`,
    );
  }
  if (adamGrid && adaGrid) {
    book.put("grid.adam", adamGrid);
    book.put("grid.adagrad", adaGrid);
    paragraphs.push(
      `Over the same learning-rate grid (${m.stabilitySteps} steps each): ${book.claim(
        "steps",
        ["grid.adam.bestSteps", "grid.adagrad.bestSteps"],
        (v) =>
          v === "fewer"
            ? `Adam at its best lr (${num(adamGrid.bestLr)}) settles sooner than AdaGrad at its best (${num(adaGrid.bestLr)}): step ${adamGrid.bestSteps} against ${adaGrid.bestSteps}`
            : v === "more"
              ? `Adam at its best lr (${num(adamGrid.bestLr)}) settles later than AdaGrad at its best (${num(adaGrid.bestLr)}): step ${adamGrid.bestSteps} against ${adaGrid.bestSteps}`
              : v === "same"
                ? `Adam and AdaGrad at their best rates settle at the same step (${adamGrid.bestSteps})`
                : v === "only-a"
                  ? `only Adam settles at some lr of the grid`
                  : v === "only-b"
                    ? `only AdaGrad settles at some lr of the grid`
                    : "neither settles at any lr of the grid",
      )}; ${book.claim("compare", ["grid.adagrad.decades", "grid.adam.decades"], (v) =>
        v === "lower"
          ? `Adam converges over a wider range of learning rates (${num(adamGrid.decades, 2)} decades against ${num(adaGrid.decades, 2)})`
          : v === "higher"
            ? `AdaGrad converges over a wider range of learning rates (${num(adaGrid.decades, 2)} decades against ${num(adamGrid.decades, 2)})`
            : `both converge over ${num(adamGrid.decades, 2)} decades of learning rate`,
      )}.`,
    );
  }
  const mn = m.mnist;
  const mAdam = mn?.facts.find((f) => f.optimizerId === "adam");
  const mAda = mn?.facts.find((f) => f.optimizerId === "adagrad");
  if (mn && mAdam && mAda) {
    book.put("mnist.adam", medianRange(mAdam.testAccuracy));
    book.put("mnist.adagrad", medianRange(mAda.testAccuracy));
    paragraphs.push(
      `On MNIST with the book's defaults (${seedsText(mn.seeds.length)}): ${book.paired("mnist.adamMinusAdagrad", mAdam.testAccuracy, mAda.testAccuracy, (v, d) => pairedSentence("Adam", "AdaGrad", "test accuracy", v, d, 100, " points"))}.`,
    );
  }
  paragraphs.push(
    "Mechanism: Adam's step is about lr per coordinate whatever the gradient's size (m̂/√v̂ ≈ ±1), so near a minimum it keeps taking lr-sized steps until its averages decay; AdaGrad's steps only shrink.",
  );
  return entry(
    "4.3",
    "From the trajectories alone, Adam looks worse than AdaGrad — is it?",
    book,
    paragraphs,
    ["lr-tuned"],
    [
      `Budgets: ${adam?.steps ?? 30} steps for the trajectories, ${m.stabilitySteps} steps per point of the lr grid (41 rates from 1e-4 to 100).`,
      SETTLED,
      "Paired difference: the median of the per-seed differences with its exact sign-test interval (confidence stated).",
    ],
  );
}

/** A paired comparison in words: "higher" / "lower" only where the interval excludes 0. */
function pairedSentence(
  a: string,
  b: string,
  quantity: string,
  verdict: string,
  d: { n: number; median: number; low: number; high: number; confidence: number },
  scale: number,
  unit: string,
): string {
  const range = `median difference ${num(d.median * scale, 3)}${unit}, interval [${num(d.low * scale, 3)}, ${num(d.high * scale, 3)}] at ${num(d.confidence * 100, 3)} % over ${seedsText(d.n)}`;
  switch (verdict) {
    case "higher":
      return `${a}'s ${quantity} is higher than ${b}'s (${range})`;
    case "lower":
      return `${a}'s ${quantity} is lower than ${b}'s (${range})`;
    case "too-few-seeds":
      return `${a} and ${b} are not ranked: ${seedsText(d.n)} (fewer than ${MIN_SEEDS_TO_RANK})`;
    default:
      return `${a} and ${b} cannot be told apart by ${quantity} (${range}, which includes 0)`;
  }
}

function q44(m: Measurements): ReportEntry {
  const book = new ClaimBook();
  const t = m.timing;
  t.forEach((x, i) => {
    book.put(`timing.${i}`, {
      label: x.label,
      stepNs: x.stepNs.median,
      stepNsQ1: x.stepNs.q1,
      stepNsQ3: x.stepNs.q3,
      iterationNs: x.iterationNs.median,
      firstHit: x.stepsToTolerance,
      timeToToleranceUs: x.timeToToleranceUs,
    });
  });
  const rows = t.map(
    (x) =>
      `${x.label}: ${num(x.stepNs.median)} ns per step [IQR ${num(x.stepNs.q1)}–${num(x.stepNs.q3)}], ${num(x.iterationNs.median)} ns with the gradient, ${x.stepsToTolerance === null ? `no first hit within ${m.timingMaxSteps} steps` : `first hit at step ${x.stepsToTolerance}, ${num(x.timeToToleranceUs)} µs`}`,
  );
  const paragraphs = [
    "The homework timed whole scripts (≈0.04 s each): that measures Python starting up, not an optimizer. Here each number is the median over repetitions after warm-up, with the interquartile range, on the 2-parameter bowl.",
    `${rows.join("; ")}.`,
  ];
  if (t.length > 0) {
    const pick = (rule: "argmin", field: string, say: (i: number) => string) =>
      book.claim(
        rule,
        t.map((_, i) => `timing.${i}.${field}`),
        (v) => (v === "none" ? "" : say(Number(v))),
      );
    paragraphs.push(
      `${pick("argmin", "stepNs", (i) => `Cheapest step: ${t[i].label}`)}; ${pick("argmin", "firstHit", (i) => `fewest steps to a first hit: ${t[i].label} (${t[i].stepsToTolerance})`)}; ${pick("argmin", "timeToToleranceUs", (i) => `least time to a first hit: ${t[i].label} (${num(t[i].timeToToleranceUs)} µs)`)}.`,
    );
  }
  const settlers = m.seedRuns.filter((r) => r.firstHit !== null && r.settled === null);
  for (const r of settlers) {
    const path = putRun(book, r.optimizerId, r);
    paragraphs.push(`In the ${r.steps}-step runs of item 3: ${outcomeClaim(book, path, r, m.tolerance)}.`);
  }
  paragraphs.push(
    "On 2 parameters the fixed cost of a call dominates (the book's Adam evaluates β₁ᵗ and β₂ᵗ, two pow calls, every step); on a real network the gradient dominates an update: optlab compare measures the cost per update side by side.",
  );
  return entry(
    "4.4",
    "How long did each method take, and is that as expected?",
    book,
    paragraphs,
    ["timing"],
    [
      `Timed runs stop at the first hit, within at most ${m.timingMaxSteps} steps; ${FIRST_HIT}.`,
      "Time to a first hit = steps × (gradient + step), measured whole; a first hit is not convergence (see item 3's runs).",
      "Wall time on this machine, compared within this run only.",
    ],
  );
}

function q45(m: Measurements): ReportEntry {
  const book = new ClaimBook();
  const paragraphs = [
    "Mechanism: a method whose step is lr × gradient (SGD, Momentum) multiplies the y error by |1 − 2·lr| each step, which exceeds 1 past lr = 1; AdaGrad and Adam divide by the gradient's own size, so their steps are about lr long whatever the gradient.",
  ];
  m.variants.forEach((v, k) => {
    const sentences = v.runs.map((r) =>
      outcomeClaim(book, putRun(book, `v${k}_${r.optimizerId}`, r), r, m.tolerance),
    );
    paragraphs.push(`${v.setting}: ${sentences.join("; ")}.`);
  });
  return entry(
    "4.5",
    "How do the trajectories change with the hyperparameters (every lr 0.01; every lr 11; the tuned set)?",
    book,
    paragraphs,
    ["lr-0.01", "lr-11", "lr-tuned"],
    [
      `Budget: ${m.variants[0]?.runs[0]?.steps ?? 30} steps from (−7, 2); tolerance f − f* ≤ ${m.tolerance}.`,
      SETTLED,
    ],
  );
}

const PROS_CONS: Record<string, { pro: string; con: string; state: string }> = {
  sgd: {
    pro: "one multiply-add per parameter, no state",
    con: "one lr for every direction: the steep direction limits the step of the flat one",
    state: "none",
  },
  momentum: {
    pro: "accumulates consistent directions, cancels alternating ones",
    con: "a second hyperparameter; can overshoot",
    state: "1 array (velocity)",
  },
  nesterov: {
    pro: "momentum with a look-ahead correction",
    con: "the book's variant is not the textbook formula (it reuses the updated velocity)",
    state: "1 array",
  },
  adagrad: {
    pro: "per-coordinate rates from the gradient history",
    con: "the accumulated sum only grows, so steps shrink on long runs",
    state: "1 array (sum of g²)",
  },
  rmsprop: {
    pro: "AdaGrad with a moving average: steps do not shrink for good",
    con: "no bias correction; another decay hyperparameter",
    state: "1 array",
  },
  adam: {
    pro: "momentum + per-coordinate scaling + bias correction",
    con: "steps ≈ lr near an optimum; two arrays of state",
    state: "2 arrays (m, v)",
  },
};

function q5(m: Measurements): ReportEntry {
  const book = new ClaimBook();
  const ids = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"];
  const rows = ids.map((id) => {
    const stability = m.stability.find((s) => s.label === id);
    const timing = m.timing.find((t) => t.optimizerId === id);
    const mnist = m.mnist?.facts.find((f) => f.optimizerId === id);
    const notes = PROS_CONS[id];
    if (stability) book.put(`stability.${id}`, stability);
    if (mnist) book.put(`mnist.${id}`, medianRange(mnist.testAccuracy));
    const measured = [
      stability
        ? stability.lowest === null
          ? `no lr of the grid converges on the bowl in ${m.stabilitySteps} steps`
          : `converges on the bowl for ${num(stability.decades, 2)} decades of lr (${num(stability.lowest)}–${num(stability.highest)})`
        : null,
      timing ? `${num(timing.stepNs.median)} ns per 2-parameter step` : null,
      mnist && m.mnist
        ? `MNIST test accuracy ${medianRangeText(medianRange(mnist.testAccuracy), 100)} % (median [min–max] over ${seedsText(m.mnist.seeds.length)}) with the book's defaults`
        : null,
    ].filter((part) => part !== null);
    return `${id} — pro: ${notes.pro}; con: ${notes.con}; state: ${notes.state}.${measured.length > 0 ? ` Measured: ${measured.join(", ")}.` : ""}`;
  });
  return entry(
    "5",
    "Pros and cons of SGD, Momentum, AdaGrad and Adam (and Nesterov, RMSprop)",
    book,
    [
      ...rows,
      "Second-order methods (Newton, L-BFGS) use curvature: on this quadratic Newton's method lands on the minimum in one step, at the cost of a Hessian (or its approximation) — impractical for millions of parameters.",
    ],
    ["trajectories-6"],
    [
      `Lr grid: 41 rates from 1e-4 to 100, ${m.stabilitySteps} steps each, converged = settles within ${m.tolerance}.`,
    ],
  );
}

function q6(m: Measurements): ReportEntry {
  const book = new ClaimBook();
  const paragraphs = [
    "Background: Wilson et al. (2017) found adaptive methods reaching lower training loss but generalising worse than well-tuned SGD with momentum on several tasks. Keskar & Socher (2017) proposed SWATS: start with Adam and switch to SGD once the Adam step projected on the gradient gives a stable SGD learning rate. Luo et al. (2019) proposed AdaBound: clip Adam's per-coordinate rates into bounds that close in on an SGD rate.",
  ];
  const r = m.remedies;
  if (!r) {
    paragraphs.push("The remedies experiment was not run (optlab compare --tier fair runs it at full size).");
  } else {
    const epochs = (r.iterations * r.batchSize) / r.trainImages;
    book.put("epochs", epochs);
    paragraphs.push(
      `Measured on ${r.data} (${r.trainImages} training images), network 784-${r.hidden.join("-")}-10, ${r.iterations} updates of ${r.batchSize} = ${num(epochs, 3)} epochs, ${seedsText(r.seeds.length)}.` +
        (r.differences.length > 0
          ? ` Settings that differ from item 8: ${r.differences.join("; ")}.`
          : " The same settings as item 8."),
    );
    for (const f of r.facts) {
      book.put(`remedies.${f.optimizerId}.test`, medianRange(f.testAccuracy));
      book.put(`remedies.${f.optimizerId}.train`, medianRange(f.trainAccuracy));
      paragraphs.push(
        `${f.label}: test accuracy ${medianRangeText(medianRange(f.testAccuracy), 100)} %, train ${medianRangeText(medianRange(f.trainAccuracy), 100)} % (median [min–max]).`,
      );
    }
    const swats = r.facts.find((f) => f.optimizerId === "swats");
    if (swats?.switchedAt) {
      const switched = swats.switchedAt.filter((s) => s !== null).length;
      book.put("swats.switched", switched);
      book.put("swats.zero", 0);
      paragraphs.push(
        book.claim("compare", ["swats.zero", "swats.switched"], (v) =>
          v === "equal"
            ? `SWATS never switched to SGD in any seed: its rule waits until the bias-corrected average of the projected SGD rate agrees with the current projection within ε = ${r.swatsEps ?? "1e-9"}, and on this network the projection keeps moving, so SWATS ran its Adam phase throughout and its result is an Adam result, not SGD's (its Adam phase is the ε̂ form with ε = 1e-9, not the torch Adam beside it, so the two rows need not agree).`
            : `SWATS switched to SGD in ${switched} of ${swats.switchedAt?.length} seeds (at update ${swats.switchedAt?.map((s) => s ?? "never").join(", ")}).`,
        ),
      );
    }
    const sgd = r.facts.find((f) => f.optimizerId === "torch-sgd");
    const adam = r.facts.find((f) => f.optimizerId === "torch-adam");
    if (sgd && adam) {
      paragraphs.push(
        `${book.paired("remedies.sgdMinusAdamTest", sgd.testAccuracy, adam.testAccuracy, (v, d) => pairedSentence(sgd.label, adam.label, "test accuracy", v, d, 100, " points"))}.`,
      );
      const gap = (f: RemedyFacts) => f.trainAccuracy.map((x, i) => x - f.testAccuracy[i]);
      paragraphs.push(
        `${book.paired("remedies.gapSgdMinusAdam", gap(sgd), gap(adam), (v, d) => pairedSentence(sgd.label, adam.label, "train–test gap", v, d, 100, " points"))}.`,
      );
    }
    paragraphs.push(
      "What this can show: a few epochs of a small fully connected network on a small data set; the papers' generalisation gaps appear on long training of large networks.",
    );
  }
  return entry(
    "6",
    "“Adam is so good — is SGD obsolete?”",
    book,
    paragraphs,
    ["remedies-curves"],
    [
      "Train accuracy on 5,000 training images, test accuracy on the test split; gap = train − test.",
      "Paired difference: the median of the per-seed differences with its exact sign-test interval; a ranking only where it excludes 0.",
    ],
  );
}

function q7(m: Measurements): ReportEntry {
  const book = new ClaimBook();
  const mom = byId(m.seedRuns, "momentum");
  const nes = byId(m.seedRuns, "nesterov");
  const ada = byId(m.seedRuns, "adagrad");
  const rms = byId(m.seedRuns, "rmsprop");
  const paragraphs: string[] = [];
  if (mom && nes) {
    const a = putRun(book, "nesterov", nes);
    const b = putRun(book, "momentum", mom);
    paragraphs.push(
      `Momentum vs Nesterov (same lr and μ): ${outcomeClaim(book, b, mom, m.tolerance)}; ${outcomeClaim(book, a, nes, m.tolerance)}; ${lossClaim(book, a, b, nes, mom)}.`,
      "Mechanism: Nesterov evaluates the correction one step ahead, which damps Momentum's overshoot; the book's Nesterov reuses the updated velocity (μ³ and 1 + μ + μ² instead of μ² and 1 + μ), a stronger correction than the cited formula.",
    );
  }
  if (ada && rms) {
    const a = putRun(book, "rmsprop", rms);
    const b = putRun(book, "adagrad", ada);
    paragraphs.push(
      `AdaGrad vs RMSprop: ${outcomeClaim(book, b, ada, m.tolerance)}; ${outcomeClaim(book, a, rms, m.tolerance)}; ${lossClaim(book, a, b, rms, ada)}.`,
      "Mechanism: RMSprop replaces AdaGrad's growing sum with a moving average, so its steps do not shrink for good; without bias correction its first steps are about lr/√(1 − ρ) = 10·lr long.",
    );
  }
  const mn = m.mnist;
  const pair = (x: string, y: string, say: string) => {
    const fx = mn?.facts.find((f) => f.optimizerId === x);
    const fy = mn?.facts.find((f) => f.optimizerId === y);
    if (!mn || !fx || !fy) return;
    paragraphs.push(
      `On MNIST: ${book.paired(`mnist.${x}Minus${y}`, fx.testAccuracy, fy.testAccuracy, (v, d) => pairedSentence(say.split("|")[0], say.split("|")[1], "test accuracy", v, d, 100, " points"))}.`,
    );
  };
  pair("nesterov", "momentum", "Nesterov|Momentum");
  pair("rmsprop", "adagrad", "RMSprop|AdaGrad");
  return entry(
    "7",
    "Add RMSprop and Nesterov: Momentum against Nesterov, AdaGrad against RMSprop",
    book,
    paragraphs,
    ["momentum-vs-nesterov", "adagrad-vs-rmsprop"],
    [`Budget: ${mom?.steps ?? 30} steps from (−7, 2); tolerance f − f* ≤ ${m.tolerance}.`, SETTLED],
  );
}

function q8(m: Measurements): ReportEntry {
  const book = new ClaimBook();
  if (!m.mnist)
    return entry("8", "MNIST: the optimizers on a real network", book, ["MNIST was not run."], [], []);
  const { facts, seeds, iterations, batchSize, data, hidden, trainImages, testImages } = m.mnist;
  const epochs = (iterations * batchSize) / trainImages;
  const paragraphs = [
    `${hidden.join(",") === "100,100,100,100" ? "The homework's network" : "A smaller network than the homework's"} (784-${hidden.join("-")}-10, ReLU, He initialisation) on ${data}: ${trainImages} training and ${testImages} test images; batches of ${batchSize} drawn at random, ${iterations} updates (${num(epochs, 3)} epochs), the book's default settings, ${seedsText(seeds.length)} (every optimizer starts from the same weights and sees the same batches for a given seed).`,
  ];
  for (const f of facts) {
    book.put(`accuracy.${f.optimizerId}`, medianRange(f.testAccuracy));
    book.put(`loss.${f.optimizerId}`, medianRange(f.finalLoss));
    paragraphs.push(
      `${f.label}: test accuracy ${medianRangeText(medianRange(f.testAccuracy), 100, 4)} %, final smoothed loss ${medianRangeText(medianRange(f.finalLoss))}${f.diverged > 0 ? `, ${f.diverged} of ${seeds.length} seeds diverged` : ""} (median [min–max] over ${seedsText(seeds.length)}).`,
    );
  }
  // Neighbours in the order of median test accuracy, compared pairwise over the seeds.
  const ranked = [...facts].sort(
    (a, b) => medianRange(b.testAccuracy).median - medianRange(a.testAccuracy).median,
  );
  if (seeds.length < MIN_SEEDS_TO_RANK) {
    book.put("seeds", seeds.length);
    book.put("minimum", MIN_SEEDS_TO_RANK);
    paragraphs.push(
      book.claim("compare", ["seeds", "minimum"], (v) =>
        v === "lower"
          ? `No ranking: ${seedsText(seeds.length)} are fewer than ${MIN_SEEDS_TO_RANK}.`
          : "Ranking below.",
      ),
    );
  } else {
    const chain: string[] = [ranked[0].label];
    for (let i = 1; i < ranked.length; i++) {
      const a = ranked[i - 1];
      const b = ranked[i];
      let sign = "≈";
      book.paired(`pairs.${a.optimizerId}Minus${b.optimizerId}`, a.testAccuracy, b.testAccuracy, (v, d) => {
        sign = v === "higher" ? ">" : "≈";
        return pairedSentence(a.label, b.label, "test accuracy", v, d, 100, " points");
      });
      chain.push(` ${sign} ${b.label}`);
    }
    const claims = book.claims.slice(-(ranked.length - 1));
    paragraphs.push(
      `Ranking by test accuracy, neighbours compared over the paired seeds (">" where the exact interval of the median difference excludes 0): ${chain.join("")}.`,
      ...claims.map((c) => `${c.text}.`),
    );
  }
  paragraphs.push(
    "With the book's defaults this compares defaults, not methods: SGD at lr 0.01 is far from its best rate; optlab compare --tier fair tunes every optimizer with the same budget.",
  );
  return entry(
    "8",
    "MNIST: the optimizers on a real network",
    book,
    paragraphs,
    ["mnist-loss", "mnist-accuracy"],
    [
      `Data: ${data}.`,
      "Per optimizer: median [min–max] over the paired seeds. Between neighbours: the median of the per-seed differences with its exact sign-test interval.",
      "Final smoothed loss: the book's smooth_curve at the last update.",
    ],
  );
}

/** Every item of the homework, in its order: 1, 2, 3, 4.1–4.5, 5, 6, 7, 8. */
export function answerQuestions(m: Measurements): ReportEntry[] {
  return [item1(m), item2(m), item3(m), q41(m), q42(m), q43(m), q44(m), q45(m), q5(m), q6(m), q7(m), q8(m)];
}
