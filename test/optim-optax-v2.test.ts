import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createOptimizer,
  type FloatArray,
  type Optimizer,
  type OptimizerState,
  optimizerLabel,
  optimizerMeta,
  restoreState,
  saveState,
} from "../src/optim/index.js";
import { symmetricEigen } from "../src/optim/linalg.js";
import { isUserError } from "../src/util/errors.js";

fc.configureGlobal({ seed: 20261201, numRuns: 40 });

/** The optimizers of the optax 0.2.8 family (with optax's own sgd/adam/adamw), SOAP and the Cautious wrapper. */
const NEW_IDS = [
  "optax-sgd",
  "optax-adam",
  "optax-adamw",
  "schedule-free-adamw",
  "schedule-free-sgd",
  "prodigy",
  "dadapt-adamw",
  "optax-muon",
  "adopt",
  "ademamix",
  "simplified-ademamix",
  "adafactor",
  "lamb",
  "lars",
  "yogi",
  "adan",
  "novograd",
  "sm3",
  "fromage",
  "amsgrad",
  "soap",
  "cautious",
];
/** The ones that read a matrix shape. */
const MATRIX_AWARE = ["optax-muon", "adafactor", "sm3", "soap"];

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(isUserError(error), String(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error("expected an error");
}

/** Runs `steps` gradient steps; `grads(p, k)` gives the gradient at p on step k (1-based). */
function run(
  optimizer: Optimizer,
  start: number[],
  grads: (p: FloatArray, k: number) => number[],
  steps: number,
  shape?: number[],
): { p: Float64Array; state: OptimizerState; trace: number[][] } {
  const p = Float64Array.from(start);
  const state = optimizer.init(p.length, "float64", shape);
  const trace: number[][] = [];
  for (let k = 1; k <= steps; k++) {
    optimizer.step(p, Float64Array.from(grads(p, k)), state);
    trace.push(Array.from(p));
  }
  return { p, state, trace };
}

/** optax's "dion" table, written out. */
const MUON_DION = [
  [4.0848, -6.8946, 2.927],
  [3.9505, -6.3029, 2.6377],
  [3.7418, -5.5913, 2.3037],
  [2.8769, -3.1427, 1.2046],
  [2.8366, -3.0525, 1.2012],
];

const close = (actual: number, expected: number, digits = 14) => expect(actual).toBeCloseTo(expected, digits);

describe("hand-derived steps", () => {
  it("Yogi's first step starts both accumulators at 1e-6 and still bias-corrects them", () => {
    // θ₀ = (0.5, −1), g = (1, −2), η = 0.1, β₁ = 0.9, β₂ = 0.999, ε = 1e-3.
    // m = 0.1·g + 0.9·1e-6 = (0.1000009, −0.1999991);  m̂ = m/0.1 = (1.000009, −1.999991)
    // v = 1e-6 − 0.001·sign(1e-6 − g²)·g² = 1e-6 + 0.001·g² = (0.001001, 0.004001);  v̂ = v/0.001 = (1.001, 4.001)
    // θ₁ = θ₀ − 0.1·m̂/(√v̂ + 0.001) = (0.5 − 0.1·1.000009/1.0014999, −1 + 0.1·1.999991/2.0012498)
    //    = (0.400149…, −0.900062…)
    const { p } = run(createOptimizer("yogi:lr=0.1"), [0.5, -1], () => [1, -2], 1);
    close(p[0], 0.5 - (0.1 * 1.000009) / (Math.sqrt(1.001) + 0.001));
    close(p[1], -1 + (0.1 * 1.999991) / (Math.sqrt(4.001) + 0.001));
  });

  it("ADOPT's first step only stores g², the second normalises by it and clips at 1^¼", () => {
    // Call 1 (c = 0): β₂' = 0 → v = g₁² = (4, 16); β₁' = 1 keeps m = 0, θ stays (1, 2).
    // Call 2 (c = 1): q = g₂/max(√v, ε) = (1/2, 1/4), inside ±1; m = 0.1·q = (0.05, 0.025);
    // θ₂ = θ − 0.1·m = (0.995, 1.9975).
    const gradients = [
      [2, -4],
      [1, 1],
    ];
    const { trace } = run(createOptimizer("adopt:lr=0.1"), [1, 2], (_, k) => gradients[k - 1], 2);
    expect(trace[0]).toEqual([1, 2]);
    close(trace[1][0], 0.995, 15);
    close(trace[1][1], 1.9975, 15);
  });

  it("Schedule-Free SGD: the first step is an SGD step, the second averages x and moves y between x and z", () => {
    // f = ½‖θ‖², g = θ, η = 0.1, β = 0.9, θ₀ = (1, −2), weights (max lr)² = 0.01 each.
    // Step 1: c = 0.01/0.01 = 1;  z₁ = θ₀ − 0.1·θ₀ = (0.9, −1.8);  x₁ = z₁;  y₁ = 0.9·x₁ + 0.1·z₁ = z₁.
    // Step 2: c = 0.01/0.02 = ½;  g = y₁;  z₂ = z₁ − 0.1·y₁ = (0.81, −1.62);  x₋ = (y₁ − 0.1·z₁)/0.9 = z₁;
    //         x₂ = ½·z₁ + ½·z₂ = (0.855, −1.71);  y₂ = 0.9·x₂ + 0.1·z₂ = (0.8505, −1.701).
    const optimizer = createOptimizer("schedule-free-sgd:lr=0.1");
    const { p, state, trace } = run(optimizer, [1, -2], (q) => Array.from(q), 2);
    close(trace[0][0], 0.9, 15);
    close(trace[0][1], -1.8, 15);
    close(p[0], 0.8505, 15);
    close(p[1], -1.701, 15);
    const x = new Float64Array(2);
    optimizer.evaluationPoint?.(p, state, x);
    close(x[0], 0.855, 15);
    close(x[1], -1.71, 15);
    close((state.z as Float64Array)[0], 0.81, 15);
  });

  it("LAMB rescales the Adam direction to the parameter's norm", () => {
    // θ₀ = (3, 4), g = (1, −1), η = 0.1, ε = 1e-6: m̂ = g, v̂ = g², r = g/(1 + 1e-6);
    // trust ratio ‖θ‖/‖r‖ = 5·(1 + 1e-6)/√2, so the step is 0.1·5/√2·(1, −1) = (0.353553…, −0.353553…).
    const { p } = run(createOptimizer("lamb:lr=0.1"), [3, 4], () => [1, -1], 1);
    close(p[0], 3 - 0.5 / Math.SQRT2);
    close(p[1], 4 + 0.5 / Math.SQRT2);
  });

  it("Fromage steps by η‖θ‖ along g/‖g‖ and shrinks by 1/√(1 + η²)", () => {
    // θ₀ = (3, 4), g = (0, 2), η = 0.1: u = g·‖θ‖/‖g‖ = (0, 5); μ = 1/√1.01; θ₁ = μ·(θ − 0.1·u) = μ·(3, 3.5).
    const { p } = run(createOptimizer("fromage:lr=0.1"), [3, 4], () => [0, 2], 1);
    close(p[0], 3 / Math.sqrt(1.01), 15);
    close(p[1], 3.5 / Math.sqrt(1.01), 15);
  });

  it("optax Muon on a 1×2 matrix keeps the momentum's direction and maps its size through the quintic", () => {
    // g = (3, 4), β = 0.95, t = 1: m = 0.05·g; Nesterov m̂ = 0.95·m/(1 − 0.95²) + 0.05·g/(1 − 0.95)
    //   = g·(0.0475/0.0975 + 1), parallel to (0.6, 0.8) with ‖m̂‖ = 5·1.487179….
    // X = m̂/(‖m̂‖ + 1e-8) = s₀·(0.6, 0.8); for a single row A = X·Xᵀ = s², so each Newton–Schulz step is the
    // scalar map s ← a·s + b·s³ + c·s⁵ (a, b, c = 3.4445, −4.775, 2.0315), five times (1 → 0.701 → 1.33…).
    // Shape factor √max(1, cols/rows) = √2; θ₁ = −0.1·√2·s₅·(0.6, 0.8).
    const norm = 5 * (0.0475 / 0.0975 + 1);
    let s = norm / (norm + 1e-8);
    for (let i = 0; i < 5; i++) s = 3.4445 * s - 4.775 * s ** 3 + 2.0315 * s ** 5;
    const { p } = run(createOptimizer("optax-muon:lr=0.1"), [0, 0], () => [3, 4], 1, [1, 2]);
    close(p[0], -0.1 * Math.SQRT2 * s * 0.6, 13);
    close(p[1], -0.1 * Math.SQRT2 * s * 0.8, 13);
  });

  it("optax Muon runs a coefficient table once per row, and a triple nsSteps times", () => {
    // optax scans a (rows, 3) table (ns_steps only has to be ≥ rows) and loops a (3,) triple ns_steps times.
    const start = [0.3, -0.2, 0.5, 0.1, -0.4, 0.2];
    const gradient = () => [1, -2, 0.5, 3, -1, 2];
    const standard = [3.4445, -4.775, 2.0315];
    const once = (hp: Record<string, unknown>) =>
      Array.from(run(createOptimizer({ id: "optax-muon", hp }), start, gradient, 3, [2, 3]).p);
    expect(once({ ns_coeffs: [standard], ns_steps: 5 })).toEqual(once({ ns_coeffs: standard, ns_steps: 1 }));
    expect(once({ ns_coeffs: [standard, standard, standard] })).toEqual(
      once({ ns_coeffs: "standard", ns_steps: 3 }),
    );
    expect(once({ ns_coeffs: MUON_DION })).toEqual(once({ ns_coeffs: "dion", ns_steps: 9 }));
  });

  it("optax Muon on a vector is AdamW with Nesterov momentum and Muon's ε", () => {
    // g = 2, θ₀ = 1, η = 0.1, b1 = 0.9, b2 = 0.999, ε = 1e-8, t = 1: m = 0.2, v = 0.004;
    // m̂ = 0.9·0.2/(1 − 0.81) + 0.1·2/0.1 = 0.947368… + 2 = 2.947368…; v̂ = 4; θ₁ = 1 − 0.1·m̂/(2 + 1e-8).
    const { p } = run(createOptimizer("optax-muon:lr=0.1"), [1], () => [2], 1);
    close(p[0], 1 - (0.1 * (0.18 / 0.19 + 2)) / (2 + 1e-8));
  });

  it("optax Adafactor keeps a float32 momentum by default and a float64 one on request", () => {
    // dtype_momentum="float32" (optax's default): the stored m is a float32 number; "float64": it is not rounded.
    const gradient = () => [0.3, -1.7, 2.9];
    const f32 = run(createOptimizer("adafactor:lr=0.1,momentum=0.9"), [1, 2, 3], gradient, 3);
    const f64 = run(
      createOptimizer("adafactor:lr=0.1,momentum=0.9,momentumFloat32=false"),
      [1, 2, 3],
      gradient,
      3,
    );
    const m32 = Array.from(f32.state.m as Float64Array);
    const m64 = Array.from(f64.state.m as Float64Array);
    expect(m32.every((x) => Math.fround(x) === x)).toBe(true);
    expect(m64.some((x) => Math.fround(x) !== x)).toBe(true);
    for (let i = 0; i < 3; i++)
      expect(Math.abs(m32[i] - m64[i])).toBeLessThanOrEqual(1e-7 * Math.abs(m64[i]));
  });

  it("SOAP skips the first gradient, then takes an Adam (ε̂ form) step, then decays", () => {
    // A vector (no precondition1d): the first call only initialises (θ stays); call 2 is Adam with t = 1:
    // m = 0.05·g, v = 0.05·g², step η·√(1 − 0.95)/(1 − 0.95)·m/(√v + ε) = η·√0.05·0.05·g/(0.05·(√0.05·|g| + ε/…))
    //   ≈ η·sign(g);  θ₂ = (θ − 0.1·√0.05/0.05·0.05·g/(√(0.05·g²) + 1e-8))·(1 − 0.1·0.01).
    const gradients = [
      [5, 5],
      [2, -1],
    ];
    const { trace } = run(createOptimizer("soap:lr=0.1"), [1, 1], (_, k) => gradients[k - 1], 2);
    expect(trace[0]).toEqual([1, 1]);
    const step = (g: number) =>
      ((0.1 * Math.sqrt(0.05)) / 0.05) * ((0.05 * g) / (Math.sqrt(0.05 * g * g) + 1e-8));
    close(trace[1][0], (1 - step(2)) * (1 - 0.001));
    close(trace[1][1], (1 - step(-1)) * (1 - 0.001));
  });

  it("Cautious masks the coordinate that moves uphill and doubles the other", () => {
    // Base: the book's Momentum, η = 1, α = 0.9 (v ← αv − ηg; θ ← θ + v), θ₀ = (0, 0).
    // Step 1, g = (1, 1): v = (−1, −1), both opposite to g → kept, scale 2/2 = 1: θ₁ = (−1, −1).
    // Step 2, g = (−0.5, 1): v = (−0.9 + 0.5, −0.9 − 1) = (−0.4, −1.9); u·g = (0.2, −1.9): the first coordinate
    // goes uphill and is dropped, the second is scaled by n/Σφ = 2/1: θ₂ = (−1, −1 + 2·(−1.9)) = (−1, −4.8).
    const gradients = [
      [1, 1],
      [-0.5, 1],
    ];
    const { p, state } = run(
      createOptimizer("cautious(momentum:lr=1,momentum=0.9)"),
      [0, 0],
      (_, k) => gradients[k - 1],
      2,
    );
    close(p[0], -1, 15);
    close(p[1], -4.8, 15);
    // The base's own state is untouched by the mask.
    close((state.v as Float64Array)[0], -0.4, 15);
  });
});

describe("limiting cases (fast-check, fixed seed)", () => {
  const coordinate = fc.double({ min: -5, max: 5, noNaN: true, noDefaultInfinity: true });
  const nonzero = coordinate.filter((x) => Math.abs(x) > 1e-3);
  const problem = (n: number, steps: number) =>
    fc.record({
      start: fc.array(coordinate, { minLength: n, maxLength: n }),
      gradients: fc.array(fc.array(nonzero, { minLength: n, maxLength: n }), {
        minLength: steps,
        maxLength: steps,
      }),
    });

  it("Schedule-Free SGD with β = 0 trains at plain SGD's iterates, and x is their running average", () => {
    fc.assert(
      fc.property(problem(4, 6), ({ start, gradients }) => {
        const free = createOptimizer("schedule-free-sgd:lr=0.05,beta1=0");
        const { p, state, trace } = run(free, start, (_, k) => gradients[k - 1], gradients.length);
        const plain = run(
          createOptimizer("sgd:lr=0.05"),
          start,
          (_, k) => gradients[k - 1],
          gradients.length,
        );
        expect(trace).toEqual(plain.trace);
        // Constant lr: every averaging weight is equal, x_k = mean of the iterates z_1 … z_k (= y here).
        const x = new Float64Array(4);
        free.evaluationPoint?.(p, state, x);
        for (let i = 0; i < 4; i++) {
          const mean = trace.reduce((sum, row) => sum + row[i], 0) / trace.length;
          expect(Math.abs(x[i] - mean)).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(mean)));
        }
      }),
    );
  });

  it("Schedule-Free's built-in warmup is the same as an external schedule that writes lr and lrNext (one count ahead)", () => {
    fc.assert(
      fc.property(problem(3, 8), fc.integer({ min: 1, max: 6 }), ({ start, gradients }, warmup) => {
        for (const id of ["schedule-free-sgd", "schedule-free-adamw"]) {
          const builtIn = run(
            createOptimizer({ id, hp: { lr: 0.1, warmupSteps: warmup } }),
            start,
            (_, k) => gradients[k - 1],
            8,
          );
          const driven = createOptimizer({ id, hp: { lr: 0.1 } });
          const p = Float64Array.from(start);
          const state = driven.init(3);
          // optax's warmup_constant_schedule(0, 0.1, W) at count c.
          const schedule = (c: number) => (c >= warmup ? 0.1 : -0.1 * (1 - c / warmup) + 0.1);
          for (let k = 1; k <= 8; k++) {
            state.lr = schedule(k - 1);
            state.lrNext = schedule(k);
            driven.step(p, Float64Array.from(gradients[k - 1]), state);
          }
          expect(Array.from(p), id).toEqual(Array.from(builtIn.p));
        }
      }),
    );
  });

  it("Schedule-Free AdamW with β₁ = 0 trains at Adam-without-momentum's iterates (torch Adam, β₁ = 0)", () => {
    fc.assert(
      fc.property(problem(3, 6), ({ start, gradients }) => {
        const free = run(
          createOptimizer("schedule-free-adamw:lr=0.05,beta1=0"),
          start,
          (_, k) => gradients[k - 1],
          6,
        );
        const adam = run(createOptimizer("torch-adam:lr=0.05,beta1=0"), start, (_, k) => gradients[k - 1], 6);
        // The two write the same formula in a different order (√(v/bc) vs √v/√bc), so they agree to rounding.
        free.trace.flat().forEach((value, i) => {
          const other = adam.trace.flat()[i];
          expect(Math.abs(value - other)).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(other)));
        });
      }),
    );
  });

  it("Cautious(opt) is opt, bit for bit, for as long as every update agrees with −g", () => {
    const bases = [
      "sgd:lr=0.1",
      "adam:lr=0.1",
      "adamw:lr=0.1",
      "rmsprop:lr=0.1",
      "yogi:lr=0.1",
      "amsgrad:lr=0.1",
      "lion:lr=0.1,weightDecay=0",
      "momentum:lr=0.1",
    ];
    fc.assert(
      fc.property(problem(5, 5), ({ start, gradients }) => {
        for (const base of bases) {
          const plain = createOptimizer(base);
          const wrapped = createOptimizer(`cautious(${base})`);
          const p = Float64Array.from(start);
          const q = Float64Array.from(start);
          const plainState = plain.init(5);
          const wrappedState = wrapped.init(5);
          for (const row of gradients) {
            const g = Float64Array.from(row);
            const before = Float64Array.from(p);
            plain.step(p, g, plainState);
            const agrees = Array.from(p).every((value, i) => (value - before[i]) * g[i] < 0);
            if (!agrees) break;
            wrapped.step(q, g, wrappedState);
            expect(Array.from(q), base).toEqual(Array.from(p));
          }
        }
      }),
    );
  });

  it.each([
    ["a 3×2 matrix", 3, 2, [3, 2], {}],
    [
      "a 3×2 matrix whose rows exceed maxPrecondDim (left side unrotated)",
      3,
      2,
      [3, 2],
      { maxPrecondDim: 2 },
    ],
    ["a vector with precondition1d (one n×n basis)", 4, 1, undefined, { precondition1d: true }],
  ] as const)(
    "SOAP with a preconditioner frequency beyond the run is Adam in the fixed basis of the first gradient: %s",
    (_, rows, cols, shape, extra) => {
      /** A side's basis from the state, or the identity for an unrotated side. */
      const basis = (Q: Float64Array, d: number) => {
        if (Q.length > 0) return Q;
        const identity = new Float64Array(d * d);
        for (let i = 0; i < d; i++) identity[i * d + i] = 1;
        return identity;
      };
      fc.assert(
        fc.property(problem(rows * cols, 6), ({ start, gradients }) => {
          const lr = 0.05;
          const [b1, b2, eps] = [0.9, 0.99, 1e-8];
          const soap = createOptimizer({
            id: "soap",
            hp: { lr, beta1: b1, beta2: b2, eps, weightDecay: 0, preconditionFrequency: 1_000_000, ...extra },
          });
          const { p, state } = run(
            soap,
            start,
            (_, k) => gradients[k - 1],
            gradients.length,
            shape ? [...shape] : undefined,
          );
          const QL = basis(state.QL as Float64Array, rows);
          const QR = basis(state.QR as Float64Array, cols);
          // The bases are orthogonal.
          for (const [Q, d] of [
            [QL, rows],
            [QR, cols],
          ] as const) {
            for (let a = 0; a < d; a++)
              for (let b = 0; b < d; b++) {
                let s = 0;
                for (let k = 0; k < d; k++) s += Q[k * d + a] * Q[k * d + b];
                expect(Math.abs(s - (a === b ? 1 : 0))).toBeLessThanOrEqual(1e-12);
              }
          }
          // Adam (√(1 − β₂ᵗ)/(1 − β₁ᵗ) outside, ε on √v) on G' = Q_Lᵀ·G·Q_R, the step rotated back, from call 2 on.
          const theta = Float64Array.from(start);
          const m = new Float64Array(rows * cols);
          const v = new Float64Array(rows * cols);
          for (let t = 1; t < gradients.length; t++) {
            const G = gradients[t];
            const Gp = new Float64Array(rows * cols);
            for (let i = 0; i < rows; i++)
              for (let j = 0; j < cols; j++) {
                let s = 0;
                for (let a = 0; a < rows; a++)
                  for (let b = 0; b < cols; b++) s += QL[a * rows + i] * G[a * cols + b] * QR[b * cols + j];
                Gp[i * cols + j] = s;
              }
            // Where a rotated component is rounding noise (repeated or aligned gradients), Adam's m/√v turns the
            // noise into an O(1) step and the identity says nothing: such cases are left out.
            const size = Math.max(...G.map(Math.abs));
            fc.pre(Gp.every((x) => Math.abs(x) > 1e-6 * size));
            for (let k = 0; k < rows * cols; k++) {
              m[k] = b1 * m[k] + (1 - b1) * Gp[k];
              v[k] = b2 * v[k] + (1 - b2) * Gp[k] * Gp[k];
            }
            const scale = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
            for (let i = 0; i < rows; i++)
              for (let j = 0; j < cols; j++) {
                let s = 0;
                for (let a = 0; a < rows; a++)
                  for (let b = 0; b < cols; b++)
                    s +=
                      QL[i * rows + a] *
                      (m[a * cols + b] / (Math.sqrt(v[a * cols + b]) + eps)) *
                      QR[j * cols + b];
                theta[i * cols + j] -= scale * s;
              }
          }
          // The two orders of summation agree to rounding, not to the last bit.
          for (let k = 0; k < rows * cols; k++) {
            expect(Math.abs(p[k] - theta[k])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(theta[k])));
          }
        }),
      );
    },
  );

  it("SOAP on diagonal gradients is element-wise Adam (ε̂ form, one gradient late), through every basis refresh", () => {
    // Diagonal G make L = diag(G²) and R diagonal: every eigenbasis, and every QR refresh of it, is a permutation
    // (sorted by the current L), so the rotations only relabel coordinates — including the reordering of v at
    // each refresh. Off-diagonal entries see g = 0 and never move.
    const diagonal = fc.array(fc.double({ min: 0.1, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(
        fc.array(coordinate, { minLength: 9, maxLength: 9 }),
        fc.array(fc.tuple(diagonal, fc.array(fc.boolean(), { minLength: 3, maxLength: 3 })), {
          minLength: 8,
          maxLength: 8,
        }),
        (start, steps) => {
          const gradients = steps.map(([magnitudes, signs]) => {
            const G = new Array(9).fill(0);
            for (let i = 0; i < 3; i++) G[i * 3 + i] = signs[i] ? magnitudes[i] : -magnitudes[i];
            return G;
          });
          const [lr, b1, b2, eps] = [0.05, 0.9, 0.95, 1e-8];
          const soap = createOptimizer({
            id: "soap",
            hp: { lr, beta1: b1, beta2: b2, eps, weightDecay: 0, preconditionFrequency: 2 },
          });
          const { p } = run(soap, start, (_, k) => gradients[k - 1], gradients.length, [3, 3]);
          const theta = Float64Array.from(start);
          const m = new Float64Array(9);
          const v = new Float64Array(9);
          for (let t = 1; t < gradients.length; t++) {
            const scale = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
            for (let k = 0; k < 9; k++) {
              const g = gradients[t][k];
              m[k] = b1 * m[k] + (1 - b1) * g;
              v[k] = b2 * v[k] + (1 - b2) * (g * g);
              theta[k] += -scale * (m[k] / (Math.sqrt(v[k]) + eps));
            }
          }
          for (let k = 0; k < 9; k++)
            expect(Math.abs(p[k] - theta[k])).toBeLessThanOrEqual(1e-14 * (1 + Math.abs(theta[k])));
        },
      ),
    );
  });

  it("saving state to JSON and restoring it continues exactly like an uninterrupted run, for every new optimizer", () => {
    fc.assert(
      fc.property(problem(6, 8), fc.integer({ min: 1, max: 7 }), ({ start, gradients }, cut) => {
        for (const id of NEW_IDS) {
          for (const shape of MATRIX_AWARE.includes(id) ? [undefined, [3, 2], [2, 3]] : [undefined]) {
            const optimizer = createOptimizer({ id, hp: { lr: 0.01 } });
            const whole = run(optimizer, start, (_, k) => gradients[k - 1], gradients.length, shape);
            const p = Float64Array.from(start);
            const state = optimizer.init(6, "float64", shape);
            for (let k = 0; k < cut; k++) optimizer.step(p, Float64Array.from(gradients[k]), state);
            const saved = JSON.parse(JSON.stringify(saveState(optimizer, state, 6, "float64", shape)));
            const restored = restoreState(optimizer, saved);
            for (let k = cut; k < gradients.length; k++)
              optimizer.step(p, Float64Array.from(gradients[k]), restored);
            expect(Array.from(p), `${id} ${shape ?? "vector"}`).toEqual(Array.from(whole.p));
          }
        }
      }),
    );
  });
});

describe("precision", () => {
  it.each(NEW_IDS)(
    "float32 %s tracks float64 on a least-squares matrix within 1e-4 of the path's scale",
    (id) => {
      // f = ½‖W − T‖² on a 3×3 matrix (vector-only optimizers see the same 9 numbers), 20 steps of a modest lr.
      // SOAP's first update sees the first gradient again in its own eigenbasis, where the off-diagonal entries
      // are 0 up to rounding; Adam's m/(√v + ε) turns float32 noise (1e-7 ≫ ε = 1e-8) into O(1) steps there, as
      // the reference's float32 would. With ε = 1e-4 the noise stays noise.
      const target = [0.5, -1, 2, 0.25, -0.75, 1.5, 1, 0.5, -0.5];
      const path = (dtype: "float32" | "float64") => {
        const optimizer = createOptimizer({ id, hp: id === "soap" ? { lr: 0.01, eps: 1e-4 } : { lr: 0.01 } });
        const start = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        const p = dtype === "float32" ? Float32Array.from(start) : Float64Array.from(start);
        const g = dtype === "float32" ? new Float32Array(9) : new Float64Array(9);
        const state = optimizer.init(9, dtype, MATRIX_AWARE.includes(id) ? [3, 3] : undefined);
        for (let k = 0; k < 20; k++) {
          for (let i = 0; i < 9; i++) g[i] = p[i] - target[i];
          optimizer.step(p, g, state);
        }
        return p;
      };
      const wide = path("float64");
      const narrow = path("float32");
      expect(narrow).toBeInstanceOf(Float32Array);
      for (let i = 0; i < 9; i++) expect(Math.abs(narrow[i] - wide[i])).toBeLessThanOrEqual(1e-4 * 2);
    },
  );
});

describe("the eigen-solver behind SOAP and spectral Muon", () => {
  it.each([2, 5, 24, 25, 60])(
    "reconstructs a random symmetric matrix of order %i as V·diag(λ)·Vᵀ with orthonormal V",
    (n) => {
      let seed = 12345 + n;
      const random = () => {
        seed = (seed * 16807) % 2147483647;
        return (2 * seed) / 2147483647 - 1;
      };
      const A = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j <= i; j++) {
          A[i * n + j] = random();
          A[j * n + i] = A[i * n + j];
        }
      const a = Float64Array.from(A);
      const V = new Float64Array(n * n);
      symmetricEigen(a, n, V);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let product = 0;
          let gram = 0;
          for (let k = 0; k < n; k++) {
            product += V[i * n + k] * a[k * n + k] * V[j * n + k];
            gram += V[k * n + i] * V[k * n + j];
          }
          expect(Math.abs(product - A[i * n + j])).toBeLessThanOrEqual(1e-13 * n);
          expect(Math.abs(gram - (i === j ? 1 : 0))).toBeLessThanOrEqual(1e-13 * n);
          if (i !== j) expect(Math.abs(a[i * n + j])).toBeLessThanOrEqual(1e-13 * n);
        }
    },
  );
});

describe("specs, spellings and errors", () => {
  it("registers every new optimizer with its formula, symbols, variant note and reference", () => {
    for (const id of NEW_IDS) {
      const meta = optimizerMeta(id);
      expect(meta.formula.length, id).toBeGreaterThan(0);
      expect(meta.latex.length, id).toBeGreaterThan(0);
      expect(meta.variantNote, id).not.toBe("");
      expect(meta.reference, id).toMatch(/arXiv|github|kellerjordan|NeurIPS|mlr\.press/i);
      for (const spec of meta.hyperparameters) expect(spec.symbol, `${id}.${spec.name}`).not.toBe("");
    }
  });

  it("reads optax's names and option spellings", () => {
    expect(createOptimizer("optax.contrib.prodigy:betas=[0.8,0.99]").hp).toMatchObject({
      beta1: 0.8,
      beta2: 0.99,
    });
    expect(createOptimizer("optax.adan:b3=0.9").hp.beta3).toBe(0.9);
    const dion = createOptimizer({
      id: "optax.contrib.muon",
      hp: { ns_coeffs: "dion", preconditioning: "aol" },
    });
    expect(dion.id).toBe("optax-muon");
    expect(dion.hp).toMatchObject({ dion: true, aol: true, spectral: false, schatten: false });
    expect(createOptimizer({ id: "optax-muon", hp: { ns_coeffs: [1.875, -1.25, 0.375] } }).hp).toMatchObject({
      nsA: 1.875,
      nsB: -1.25,
      nsC: 0.375,
    });
    expect(createOptimizer("optax-muon:ns_coeffs=dion,preconditioning=spectral").hp).toMatchObject({
      dion: true,
      spectral: true,
    });
    const factor = createOptimizer({
      id: "optax.adafactor",
      hp: {
        learning_rate: null,
        clipping_threshold: null,
        momentum: null,
        decay_rate: 0.5,
        dtype_momentum: "float64",
      },
    });
    expect(factor.hp).toMatchObject({
      lr: 1,
      clipping: false,
      momentum: 0,
      decayExponent: 0.5,
      momentumFloat32: false,
    });
    expect(
      createOptimizer({
        id: "optax.contrib.schedule_free_sgd",
        hp: { warmup_steps: null, weight_decay: null },
      }).hp,
    ).toMatchObject({
      warmupSteps: 0,
      weightDecay: 0,
    });
    expect(
      createOptimizer({ id: "optax.contrib.adopt", hp: { clip_value_fn: "count**0.25" } }).hp.useClipping,
    ).toBe(true);
  });

  it("builds Cautious from a spec string, from data, and with its base's hyperparameters forwarded", () => {
    const fromString = createOptimizer("cautious(adamw:lr=0.01):eps=1");
    expect(fromString.meta.name).toBe("Cautious(torch.optim.AdamW)");
    expect(fromString.hp).toMatchObject({ eps: 1, lr: 0.01 });
    const fromData = createOptimizer({
      id: "cautious",
      base: { id: "lion", hp: { lr: 0.001 } },
      hp: { eps: 1e-8 },
    });
    expect(fromData.meta.name).toBe("Cautious(optax.lion)");
    expect(fromData.hp).toMatchObject({ eps: 1e-8, lr: 0.001 });
    expect(createOptimizer({ id: "cautious", hp: { lr: 0.2 } }).hp).toMatchObject({ eps: 0, lr: 0.2 });
    expect(createOptimizer("cautious(schedule-free-sgd)").evaluationPoint).toBeTypeOf("function");
    expect(optimizerLabel(fromString)).toBe("cautious(adamw lr=0.01) eps=1");
  });

  it("checks every new hyperparameter at construction, naming the field, the rule and the value", () => {
    const cases: [() => unknown, string][] = [
      [() => createOptimizer("prodigy:estimLr0=0"), "prodigy: estimLr0 must be > 0, got 0"],
      [() => createOptimizer("prodigy:beta3=1"), "prodigy: beta3 must be in [0, 1), got 1"],
      [() => createOptimizer("dadapt-adamw:beta2=1.5"), "dadapt-adamw: beta2 must be in [0, 1), got 1.5"],
      [
        () => createOptimizer("schedule-free-sgd:warmupSteps=1.5"),
        "schedule-free-sgd: warmupSteps must be a whole number >= 0, got 1.5",
      ],
      [
        () => createOptimizer("schedule-free-adamw:beta1=1.1"),
        "schedule-free-adamw: beta1 must be in [0, 1], got 1.1",
      ],
      [
        () => createOptimizer("optax-muon:nsSteps=0"),
        "optax-muon: nsSteps must be a whole number in [1, 100), got 0",
      ],
      [
        () => createOptimizer("optax-muon:spectral=true,aol=true"),
        "optax-muon: choose one preconditioning (spectral, aol or schatten), got spectral and aol",
      ],
      [
        () => createOptimizer("optax-muon:dion=true,nsSteps=3"),
        "optax-muon: the dion table has 5 rows, so nsSteps must be >= 5, got 3",
      ],
      [
        () => createOptimizer({ id: "optax-muon", hp: { ns_coeffs: "quintic" } }),
        'optax-muon: ns_coeffs must be "standard", "dion", a triple [a, b, c] or a list of triples, got "quintic"',
      ],
      [
        () => createOptimizer({ id: "optax-muon", hp: { ns_coeffs: [[1, 2]] } }),
        "optax-muon: nsTable must be a non-empty list of [a, b, c] triples of finite numbers, got [[1,2]]",
      ],
      [
        () =>
          createOptimizer({
            id: "optax-muon",
            hp: {
              ns_coeffs: [
                [1, 2, 3],
                [4, 5, 6],
              ],
              ns_steps: 1,
            },
          }),
        "optax-muon: nsTable has 2 rows, so nsSteps must be >= 2, got 1",
      ],
      [
        () => createOptimizer({ id: "optax-muon", hp: { preconditioning: "svd" } }),
        'optax-muon: preconditioning must be "frobenius", "spectral", "aol", "schatten", got "svd"',
      ],
      [
        () => createOptimizer({ id: "adafactor", hp: { dtype_momentum: "bfloat16" } }),
        'adafactor: dtype_momentum must be "float32" or "float64", got "bfloat16"',
      ],
      [
        () => createOptimizer("adafactor:clippingThreshold=0"),
        "adafactor: clippingThreshold must be > 0, got 0",
      ],
      [
        () => createOptimizer("adafactor:minDimSizeToFactor=2.5"),
        "adafactor: minDimSizeToFactor must be a whole number >= 0, got 2.5",
      ],
      [
        () => createOptimizer({ id: "adopt", hp: { clip_value_fn: "count**0.5" } }),
        'adopt: optlab accepts clip_value_fn only as "count**0.25", got "count**0.5"',
      ],
      [() => createOptimizer("fromage:minNorm=0"), "fromage: minNorm must be > 0, got 0"],
      [() => createOptimizer("lars:trustCoefficient=-1"), "lars: trustCoefficient must be >= 0, got -1"],
      [
        () => createOptimizer("soap:preconditionFrequency=0"),
        "soap: preconditionFrequency must be a whole number >= 1, got 0",
      ],
      [() => createOptimizer("soap:shampooBeta=1"), "soap: shampooBeta must be in [-1, 1), got 1"],
      [() => createOptimizer("cautious:eps=-1"), "cautious: eps must be >= 0, got -1"],
      [
        () => createOptimizer("cautious(lbfgs)"),
        "cautious: cannot wrap lbfgs: it evaluates the objective itself (line search), not one gradient",
      ],
      [
        () => createOptimizer("cautious(adamw"),
        'cautious: the parenthesis after cautious is never closed in "cautious(adamw"',
      ],
      [
        () => createOptimizer("sm3").init(6, "float64", [2, 2]),
        "sm3: shape must be [rows, cols] with rows·cols = 6, got [2, 2]",
      ],
      [
        () => createOptimizer("soap").init(8, "float64", [2, 2, 2]),
        "soap: only vectors and matrices are supported, got shape [2, 2, 2]",
      ],
    ];
    for (const [action, message] of cases) expect(messageOf(action)).toBe(message);
  });
});
