import { describe, expect, it } from "vitest";
import { adabound } from "../src/optim/adabound.js";
import { createOptimizer } from "../src/optim/index.js";
import { type SwatsState, swats } from "../src/optim/swats.js";

describe("AdaBound (Luo et al. 2019)", () => {
  it("takes the hand-derived first step: Adam's step size clipped into [η*(1 − 1/(γ+1)), η*(1 + 1/γ)]", () => {
    // t = 1, g = 2: m = 0.2, v = 0.004, step size = 0.01·√0.001/0.1; rate = step/(√0.004 + 1e-8)
    // ≈ 0.1/2 = 0.05 inside [0.1·(1 − 1/1.001), 0.1·1001] ≈ [9.99e-5, 100.1], so θ = 1 − 0.05·0.2·(…)
    const optimizer = adabound({ lr: 0.01 });
    const p = Float64Array.of(1);
    optimizer.step(p, Float64Array.of(2), optimizer.init(1));
    const stepSize = (0.01 * Math.sqrt(1 - 0.999)) / (1 - 0.9);
    const rate = stepSize / (Math.sqrt((1 - 0.999) * 2 * 2) + 1e-8);
    expect(p[0]).toBe(1 - rate * ((1 - 0.9) * 2));
    expect(p[0]).toBeCloseTo(1 - 0.01, 6);
  });

  it("is Adam (ε̂ form) while the bounds are wide: the first 50 steps equal the book's Adam with ε 1e-7", () => {
    const bound = createOptimizer("adabound:lr=0.01,eps=1e-7,gamma=1e-6");
    const adam = createOptimizer("adam:lr=0.01");
    const a = Float64Array.of(3, -1);
    const b = Float64Array.of(3, -1);
    const sa = bound.init(2);
    const sb = adam.init(2);
    for (let k = 0; k < 50; k++) {
      // f = x²/20 + y² gradients
      bound.step(a, Float64Array.of(a[0] / 10, 2 * a[1]), sa);
      adam.step(b, Float64Array.of(b[0] / 10, 2 * b[1]), sb);
    }
    // Same mathematics, different operation order for m (β₁m + (1−β₁)g vs m + (1−β₁)(g − m)): rounding only.
    for (let i = 0; i < 2; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-12);
  });

  it("becomes SGD with EMA momentum at η* once the bounds have closed", () => {
    // γ = 1: at t = 10⁶ the bounds are η*(1 ∓ 1e-6); make both Adam rates far outside them.
    const optimizer = adabound({ lr: 1e-9, finalLr: 0.1, gamma: 1 });
    const state = optimizer.init(1);
    state.t = 999_999;
    state.m[0] = 0.5;
    state.v[0] = 1;
    const p = Float64Array.of(1);
    optimizer.step(p, Float64Array.of(1), state);
    // m = 0.9·0.5 + 0.1·1 = 0.55; the Adam rate ≈ 1e-9 is clipped up to the lower bound 0.1·(1 − 1/(10⁶ + 1))
    const m = 0.9 * 0.5 + (1 - 0.9) * 1;
    expect(p[0]).toBe(1 - 0.1 * (1 - 1 / (1 * 1_000_000 + 1)) * m);
    expect(p[0]).toBeCloseTo(1 - 0.1 * 0.55, 6);
  });
});

describe("SWATS (Keskar & Socher 2017)", () => {
  it("takes the book's ε̂ Adam steps before the switch", () => {
    const s = swats({ lr: 0.1, eps: 1e-7 });
    const adam = createOptimizer("adam:lr=0.1");
    const a = Float64Array.of(-7, 2);
    const b = Float64Array.of(-7, 2);
    const sa = s.init(2);
    const sb = adam.init(2);
    for (let k = 0; k < 5; k++) {
      s.step(a, Float64Array.of(a[0] / 10, 2 * a[1]), sa);
      adam.step(b, Float64Array.of(b[0] / 10, 2 * b[1]), sb);
      if (sa.phase === 1) break;
    }
    expect(sa.phase).toBe(0);
    for (let i = 0; i < 2; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-12);
  });

  it("switches at step 2 under a constant gradient, with Λ the bias-corrected average of γ", () => {
    // g = 1 every step (f = x). Step 1: m = 0.1, a = 0.001, p₁ = −η·√0.001/0.1·0.1/(√0.001 + ε) ≈ −η.
    // γ₁ = p²/(−p·g) = −p₁;  λ₁ = 0.001·γ₁.  Step 2: same p ≈ −η (the ε-term changes it slightly),
    // λ₂ = 0.999·λ₁ + 0.001·γ₂; |λ₂/(1 − 0.999²) − γ₂| = 0.999·0.001·|γ₁ − γ₂|/(1 − 0.999²) ≪ ε → switch.
    const s = swats({ lr: 0.01 });
    const state = s.init(1) as SwatsState;
    const p = Float64Array.of(0);
    const one = Float64Array.of(1);
    const gammas: number[] = [];
    for (let k = 1; k <= 2; k++) {
      const before = p[0];
      s.step(p, one, state);
      gammas.push(-(p[0] - before)); // γ = p²/(−p·1) = −p
    }
    expect(state.phase).toBe(1);
    expect(state.switchStep).toBe(2);
    const lambda2 = 0.999 * (0.001 * gammas[0]) + 0.001 * gammas[1];
    expect(state.switchLr).toBeCloseTo(lambda2 / (1 - 0.999 ** 2), 15);
    expect(state.switchLr).toBeCloseTo(0.01, 8);

    // After the switch: v ← β₁v + g, θ ← θ − (1 − β₁)·Λ·v (v starts at 0).
    const x2 = p[0];
    s.step(p, one, state);
    expect(p[0]).toBe(x2 - (1 - 0.9) * state.switchLr * 1);
    s.step(p, one, state);
    expect(p[0]).toBe(x2 - (1 - 0.9) * state.switchLr * 1 - (1 - 0.9) * state.switchLr * (0.9 * 1 + 1));
  });

  it("never switches while pᵀg is 0 (zero gradient)", () => {
    const s = swats();
    const state = s.init(2) as SwatsState;
    const p = Float64Array.of(1, 1);
    for (let k = 0; k < 10; k++) s.step(p, Float64Array.of(0, 0), state);
    expect(state.phase).toBe(0);
    expect(Array.from(p)).toEqual([1, 1]);
  });
});
