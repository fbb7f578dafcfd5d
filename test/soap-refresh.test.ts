import { describe, expect, it } from "vitest";
import { createOptimizer, type DType, type FloatArray } from "../src/optim/index.js";

// SOAP's basis refresh (nikhilvyas/SOAP a1e5535 get_orthogonal_matrix_QR: sort by diag(QᵀLQ), Q ← qr(L·Q_sorted))
// where L is rank-deficient. On MNIST the first layer's L = avg(G·Gᵀ) has a zero row and column for every input
// pixel that is 0 in every image seen so far, so L·Q_sorted has zero columns. torch.linalg.qr (Householder) still
// returns an orthogonal Q; Gram–Schmidt has nothing to normalise there and made a column twice, so the step
// counted some directions twice and the dead pixels' weights jumped by O(1) after every refresh.

/** max |QᵀQ − I| of the d×d column basis Q. */
function orthogonality(Q: FloatArray, d: number): number {
  let worst = 0;
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += Q[i * d + a] * Q[i * d + b];
      worst = Math.max(worst, Math.abs(s - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

function run(gradients: number[][], rows: number, cols: number, hp: Record<string, number>, dtype: DType) {
  const soap = createOptimizer({ id: "soap", hp });
  const n = rows * cols;
  const theta = dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
  for (let k = 0; k < n; k++) theta[k] = 0.5 + 0.1 * k;
  const start = Array.from(theta);
  const state = soap.init(n, dtype, [rows, cols]);
  const g = dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
  for (const gradient of gradients) {
    g.set(gradient);
    soap.step(theta, g, state);
  }
  return { theta, start, state };
}

describe("SOAP's basis refresh with a dead input row", () => {
  it("keeps Q orthogonal and is element-wise Adam on the live entries, by hand, through a refresh at every step", () => {
    // G = [[0, 0], [3, 0], [0, 4]] every step (row 0: a pixel that is always 0), f = 1, λ = 0, lr 0.1, β₁ 0.9,
    // β₂ = β_s = 0.95, ε = 1e-8.
    // Call 1: L = 0.05·G·Gᵀ = diag(0, 0.45, 0.8), R = 0.05·GᵀG = diag(0.45, 0.8); Q_L = (±e₂, ±e₁, ±e₀),
    //   Q_R = (±e₁, ±e₀) (largest first); θ stays.
    // Each later call t: G' = Q_Lᵀ·G·Q_R has 4 at (0, 0) and 3 at (1, 1) (times the columns' signs, which the
    //   projection back cancels), 0 elsewhere; m, v element-wise; θ moves by −lr·√(1 − 0.95ᵗ)/(1 − 0.9ᵗ)·m/(√v + ε)
    //   at (2, 1) and (1, 0) only. Then L ← L + 0.05·(G·Gᵀ − L) = diag(0, ·, ·) and the refresh: est = (L₂₂, L₁₁, 0),
    //   order unchanged, L·Q_sorted = (L₂₂·(±e₂), L₁₁·(±e₁), 0): a zero third column. Householder completes it
    //   with ±e₀ (u = e₀ ± e₂, τ = 1: exact); Gram–Schmidt made it e₂ again, so the next G' had a second 4 (at
    //   (2, 0)) and θ(2, 1) moved twice.
    const G = [0, 0, 3, 0, 0, 4];
    const steps = 5;
    const [lr, b1, b2, eps] = [0.1, 0.9, 0.95, 1e-8];
    const hp = { lr, beta1: b1, beta2: b2, eps, weightDecay: 0, preconditionFrequency: 1 };
    const { theta, start, state } = run(Array(steps).fill(G), 3, 2, hp, "float64");
    expect(orthogonality(state.QL as FloatArray, 3)).toBeLessThan(1e-15);
    expect(orthogonality(state.QR as FloatArray, 2)).toBeLessThan(1e-15);
    // |Q_L| is the permutation (e₂, e₁, e₀): its third column is ±e₀, the dead row's own direction.
    expect(Array.from(state.QL as FloatArray, Math.abs)).toEqual([0, 0, 1, 0, 1, 0, 1, 0, 0]);
    const expected = [...start];
    const m = [0, 0];
    const v = [0, 0];
    const live = [2, 5]; // flat indices of (1, 0) and (2, 1), where g = 3 and 4
    for (let t = 1; t < steps; t++) {
      const scale = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      live.forEach((k, j) => {
        m[j] = b1 * m[j] + (1 - b1) * G[k];
        v[j] = b2 * v[j] + (1 - b2) * G[k] * G[k];
        expected[k] += -scale * (m[j] / (Math.sqrt(v[j]) + eps));
      });
    }
    for (const k of live) {
      expect(Math.abs(theta[k] - expected[k]), `θ[${k}]`).toBeLessThanOrEqual(1e-14 * Math.abs(expected[k]));
    }
    // Where g = 0 (the dead row, (1, 1), (2, 0)) θ never moves: every basis is a signed permutation, exactly, so G'
    // is exactly 0 there and m/(√v + ε) = 0/ε. (Gram–Schmidt's repeated column moved θ(2, 1) a second whole step.)
    for (const k of [0, 1, 3, 4]) expect(theta[k], `θ[${k}]`).toBe(start[k]);
  });

  it("keeps Q orthogonal to float32 rounding on a 12×4 float32 matrix with three dead rows, through 6 refreshes", () => {
    const rows = 12;
    const cols = 4;
    const dead = new Set([0, 5, 11]);
    const gradients = Array.from({ length: 13 }, (_, t) =>
      Array.from({ length: rows * cols }, (_, k) =>
        dead.has(Math.floor(k / cols)) ? 0 : Math.sin(1.3 * k + 0.7 * t) * (1 + (k % 3)),
      ),
    );
    const hp = { lr: 0.003, preconditionFrequency: 2 };
    const { theta, start, state } = run(gradients, rows, cols, hp, "float32");
    expect(orthogonality(state.QL as FloatArray, rows)).toBeLessThan(1e-6);
    expect(orthogonality(state.QR as FloatArray, cols)).toBeLessThan(1e-6);
    expect(Array.from(theta).every(Number.isFinite)).toBe(true);
    // (The dead rows do move here, by O(lr) per update: Q's float32 rounding (6e-8) leaks these O(1) gradients
    // into the dead directions, and m/(√v + ε) with ε = 1e-8 scales that noise to O(1), as float32 torch would.)
    expect(start.length).toBe(rows * cols);
  });
});
