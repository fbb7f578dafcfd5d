import { describe, expect, it } from "vitest";
import { createOptimizer } from "../src/optim/index.js";

/** One step from θ with gradient g, in float64. */
function oneStep(spec: string, theta: number[], g: number[], steps = 1): number[] {
  const optimizer = createOptimizer(spec);
  const p = Float64Array.from(theta);
  const state = optimizer.init(p.length);
  for (let k = 0; k < steps; k++) optimizer.step(p, Float64Array.from(g), state);
  return Array.from(p);
}

describe("hand-derived steps", () => {
  it("book SGD moves by lr times the gradient", () => {
    // 1 − 0.5·2 = 0;  −3 − 0.5·(−4) = −1
    expect(oneStep("sgd:lr=0.5", [1, -3], [2, -4])).toEqual([0, -1]);
  });

  it("book Momentum carries the learning rate in the velocity", () => {
    // v₁ = −0.1·1 = −0.1, θ₁ = 1 − 0.1 = 0.9;  v₂ = 0.9·(−0.1) − 0.1·1 = −0.19, θ₂ = 0.9 − 0.19 = 0.71
    expect(oneStep("momentum:lr=0.1", [1], [1], 2)[0]).toBeCloseTo(0.71, 15);
  });

  it("book Nesterov uses the updated velocity (μ³ and 1 + μ + μ² after two steps)", () => {
    // step 1: v = −0.1; θ = 1 + 0.81·(−0.1) − 1.9·0.1 = 1 − 0.081 − 0.19 = 0.729
    // step 2: v = 0.9·(−0.1) − 0.1 = −0.19; θ = 0.729 + 0.81·(−0.19) − 0.19 = 0.729 − 0.1539 − 0.19 = 0.3851
    expect(oneStep("nesterov:lr=0.1", [1], [1], 1)[0]).toBeCloseTo(0.729, 15);
    expect(oneStep("nesterov:lr=0.1", [1], [1], 2)[0]).toBeCloseTo(0.3851, 15);
  });

  it("book AdaGrad divides by the root of the summed squares plus 1e-7", () => {
    // h = 4, θ = 1 − 0.1·2/(2 + 1e-7)
    expect(oneStep("adagrad:lr=0.1", [1], [2])[0]).toBe(1 - (0.1 * 2) / (2 + 1e-7));
  });

  it("book RMSprop has no bias correction, so its first step is about lr/√(1−ρ)", () => {
    // h = (1 − 0.99)·4 ≈ 0.04, √h ≈ 0.2, θ = 1 − 0.1·2/(0.2 + 1e-7) ≈ 1 − 1 = 0 (ten times the lr).
    // (1 − 0.99 is 0.010000000000000009 in double: the expected value uses the same expression.)
    expect(oneStep("rmsprop:lr=0.1", [1], [2])[0]).toBe(
      1 - (0.1 * 2) / (Math.sqrt((1 - 0.99) * 2 * 2) + 1e-7),
    );
  });

  it("book Adam adds 1e-7 to the uncorrected root (ε̂ form)", () => {
    // t = 1: lr_t = 0.3·√0.001/0.1 ; m = 0.1·2 = 0.2 ; v = 0.001·4 = 0.004
    // θ = 1 − lr_t·0.2/(√0.004 + 1e-7) = 1 − 0.3·(1 − 1e-7/(√0.004 + 1e-7)) ≈ 0.7000000047
    const lrT = (0.3 * Math.sqrt(1 - 0.999)) / (1 - 0.9);
    const expected = 1 - (lrT * (0.1 * 2)) / (Math.sqrt(0.001 * (2 * 2)) + 1e-7);
    expect(oneStep("adam:lr=0.3", [1], [2])[0]).toBeCloseTo(expected, 15);
    expect(oneStep("adam:lr=0.3", [1], [2])[0]).toBeCloseTo(0.7, 6);
  });

  it("torch Adam adds ε after bias correction, so its first step is lr·sign(g) up to ε", () => {
    // m̂ = 2, v̂ = 4: θ = 1 − 0.3·2/(2 + 1e-8)
    expect(oneStep("torch-adam:lr=0.3", [1], [2])[0]).toBeCloseTo(1 - (0.3 * 2) / (2 + 1e-8), 15);
  });

  it("torch SGD starts its momentum buffer at the first gradient and skips dampening once", () => {
    // b₁ = g = 1, θ₁ = 1 − 0.1 = 0.9;  b₂ = 0.9·1 + (1 − 0.5)·1 = 1.4, θ₂ = 0.9 − 0.14 = 0.76
    expect(oneStep("torch-sgd:lr=0.1,momentum=0.9,dampening=0.5", [1], [1], 2)[0]).toBeCloseTo(0.76, 15);
  });

  it("torch SGD with Nesterov steps by g + μ·b (Bengio's eq. 7)", () => {
    // b₁ = 1, d = 1 + 0.9·1 = 1.9, θ = 1 − 0.19 = 0.81
    expect(oneStep("torch-sgd:lr=0.1,momentum=0.9,nesterov=true", [1], [1])[0]).toBeCloseTo(0.81, 15);
  });

  it("AdamW shrinks θ by lr·λ before the Adam step", () => {
    // θ·(1 − 0.1·0.5) = 0.95; first Adam step −0.1·2/(2 + 1e-8)
    expect(oneStep("adamw:lr=0.1,weightDecay=0.5", [1], [2])[0]).toBeCloseTo(
      0.95 - (0.1 * 2) / (2 + 1e-8),
      15,
    );
  });

  it("maximize flips the gradient: the first torch-Adam step goes uphill by lr", () => {
    expect(oneStep("torch-adam:lr=0.3,maximize=true", [1], [2])[0]).toBeCloseTo(
      1 + (0.3 * 2) / (2 + 1e-8),
      15,
    );
  });

  it("Adamax puts ε inside the maximum and none in the division", () => {
    // m = 0.2, u = max(0, 2 + 1e-8), θ = 1 − (0.1/0.1)·0.2/(2 + 1e-8)
    expect(oneStep("adamax:lr=0.1", [1], [2])[0]).toBe(1 + (-(0.1 / (1 - 0.9)) * (0.1 * 2)) / (2 + 1e-8));
  });

  it("Adadelta's first step is √ε/√((1−ρ)g² + ε)·g", () => {
    // v = 0.1·4 = 0.4: Δ = √1e-6/√(0.4 + 1e-6)·2
    const delta = (Math.sqrt(1e-6) / Math.sqrt(0.9 * 0 + 0.1 * 2 * 2 + 1e-6)) * 2;
    expect(oneStep("adadelta", [1], [2])[0]).toBe(1 + -1 * delta);
  });

  it("Lion moves every coordinate by exactly lr (sign) plus the decoupled decay", () => {
    // sign(0.1·g) = ±1, θ − 0.01·(sign + 0.001·θ)
    expect(oneStep("lion:lr=0.01", [1, -2], [3, -0.5])).toEqual([
      1 + -0.01 * (1 + 0.001 * 1),
      -2 + -0.01 * (-1 + 0.001 * -2),
    ]);
  });

  it("Lion leaves a coordinate with zero gradient and zero momentum still except for decay (sign(0) = 0)", () => {
    expect(oneStep("lion:lr=0.01,weightDecay=0", [1], [0])).toEqual([1]);
  });

  it("RAdam takes plain bias-corrected momentum steps while ρₜ ≤ 5", () => {
    // t = 1: m̂ = g, θ = 1 − 2·0.01
    expect(oneStep("radam:lr=0.01", [1], [2])[0]).toBe(1 - (((1 - 0.9) * 2) / (1 - 0.9)) * 0.01);
  });

  it("torch Adagrad's lr decay uses t − 1", () => {
    // step 2 with lrDecay 1: η̃ = 0.1/2; s = 4 + 4 = 8
    const p1 = 1 - (0.1 * 2) / (2 + 1e-10);
    const p2 = p1 - (0.05 * 2) / (Math.sqrt(8) + 1e-10);
    expect(oneStep("torch-adagrad:lr=0.1,lrDecay=1", [1], [2], 2)[0]).toBeCloseTo(p2, 15);
  });
});
