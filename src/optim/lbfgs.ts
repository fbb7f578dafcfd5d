import { flag, lrRange, num, resolveHyperparameters } from "./hyper.js";
import {
  type DType,
  type FloatArray,
  type ObjectiveEvaluation,
  type Optimizer,
  type OptimizerMeta,
  zeros,
} from "./types.js";

export const lbfgsMeta: OptimizerMeta = {
  id: "lbfgs",
  name: "torch.optim.LBFGS",
  family: "torch",
  couplesCoordinates: true,
  formula: [
    "one call: f, g = closure();  stop if max|g| ≤ tol_grad;  then up to maxIter iterations:",
    "  first iteration ever: d = −g;   otherwise y = g − g₋, s = τ·d;  if yᵀs > 1e-10: keep (s, y, 1/yᵀs), H₀ = yᵀs/yᵀy",
    "  two-loop recursion: q = −g;  aᵢ = ρᵢ sᵢᵀq, q ← q − aᵢyᵢ (newest first);  r = H₀q;  r ← r + (aᵢ − ρᵢ yᵢᵀr)sᵢ;  d = r",
    "  τ = min(1, 1/‖g‖₁)·η at the first iteration ever, else η;  stop if gᵀd > −tol_change",
    "  strong Wolfe: (f, g, τ) = line search along d (c₁ = 1e-4, c₂ = 0.9);  θ ← θ + τ·d",
    "  no line search: θ ← θ + τ·d;  f, g = closure() unless it is the call's last iteration",
    "  stop at maxIter, maxEval evaluations, max|g| ≤ tol_grad, max|τd| ≤ tol_change or |f − f₋| < tol_change",
  ],
  latex: [
    "f, g = \\text{closure}();\\ \\max|g| \\le \\text{tol}_g \\Rightarrow \\text{stop}",
    "y = g - g_{-},\\ s = \\tau d;\\ y^\\top s > 10^{-10} \\Rightarrow (s, y, \\rho = 1/y^\\top s),\\ H_0 = y^\\top s / y^\\top y",
    "q = -g;\\ a_i = \\rho_i s_i^\\top q,\\ q \\leftarrow q - a_i y_i;\\ r = H_0 q;\\ r \\leftarrow r + (a_i - \\rho_i y_i^\\top r) s_i;\\ d = r",
    "\\tau = \\min(1, 1/\\lVert g\\rVert_1)\\,\\eta\\ \\text{(first)},\\ \\eta\\ \\text{(later)};\\ g^\\top d > -\\text{tol}_c \\Rightarrow \\text{stop}",
    "\\text{strong Wolfe: } (f, g, \\tau) = \\text{search}(d),\\ \\theta \\leftarrow \\theta + \\tau d",
    "\\text{else: } \\theta \\leftarrow \\theta + \\tau d,\\ f, g = \\text{closure}()",
    "\\text{stop: maxIter, maxEval},\\ \\max|g| \\le \\text{tol}_g,\\ \\max|\\tau d| \\le \\text{tol}_c,\\ |f - f_{-}| < \\text{tol}_c",
  ],
  state: {
    lr: "learning rate η of the next call (a schedule may change it)",
    nIter: "iterations so far (over all calls)",
    funcEvals: "objective evaluations so far (over all calls)",
    tau: "τ, the last step length",
    hDiag: "H₀ = yᵀs / yᵀy, the initial inverse-Hessian scale",
    lossPrev: "f₋, the loss at the start of the last iteration",
    count: "number of (s, y) pairs kept",
    oldest: "ring-buffer slot of the oldest pair",
    d: "the last search direction",
    gPrev: "g₋, the gradient at the start of the last iteration",
    s: "the kept steps s (historySize × n, a ring buffer)",
    y: "the kept gradient differences y (historySize × n)",
    rho: "1/yᵀs of each kept pair",
  },
  hyperparameters: [
    num(
      "lr",
      "η",
      1,
      lrRange,
      "step length τ of every iteration but the first (and the line search's first trial)",
    ),
    num(
      "maxIter",
      "maxIter",
      20,
      { min: 1, integer: true, scale: "log", uiMin: 1, uiMax: 100 },
      "iterations per call (torch: max_iter)",
    ),
    num(
      "maxEval",
      "maxEval",
      25,
      { min: 1, integer: true, scale: "log", uiMin: 1, uiMax: 200 },
      "objective evaluations per call; default ⌊5·maxIter/4⌋ (torch: max_eval=None)",
    ),
    num(
      "toleranceGrad",
      "tol_g",
      1e-7,
      { min: 0, scale: "log", uiMin: 1e-12, uiMax: 1 },
      "stop when max|g| ≤ this",
    ),
    num(
      "toleranceChange",
      "tol_c",
      1e-9,
      { min: 0, scale: "log", uiMin: 1e-15, uiMax: 1e-2 },
      "stop when the step or the loss change is this small (the line search always uses 1e-9)",
    ),
    num(
      "historySize",
      "m",
      100,
      { min: 1, integer: true, scale: "log", uiMin: 1, uiMax: 100 },
      "number of (s, y) pairs kept",
    ),
    flag(
      "strongWolfe",
      "line_search_fn",
      false,
      "strong-Wolfe line search (torch: line_search_fn='strong_wolfe')",
    ),
  ],
  variantNote:
    "torch 2.13's LBFGS, one `.step(closure)` per trajectory step: a call runs up to maxIter iterations and evaluates " +
    "the objective several times (the trajectory records how many). Without line search the call's last iteration " +
    "does not re-evaluate. The line search is torch7/minFunc's (cubic interpolation, 10× extrapolation cap, at most " +
    "maxEval − evaluations so far trials) and ignores toleranceChange (fixed 1e-9). Curvature test yᵀs > 1e-10 is " +
    "absolute. Given only a gradient (`step`, no objective), a call is one iteration without line search — torch's " +
    "step with maxIter = 1. scipy's L-BFGS-B is a different code.",
  reference:
    "Nocedal 1980; Liu & Nocedal 1989, On the limited memory BFGS method for large scale optimization; " +
    "Nocedal & Wright, Numerical Optimization (2006), Alg. 7.4 and 3.5–3.6; torch/optim/lbfgs.py (torch 2.13).",
};

export interface LbfgsOptions {
  lr?: number;
  maxIter?: number;
  maxEval?: number;
  toleranceGrad?: number;
  toleranceChange?: number;
  historySize?: number;
  strongWolfe?: boolean;
}
export interface LbfgsState {
  [field: string]: number | FloatArray;
  lr: number;
  nIter: number;
  funcEvals: number;
  tau: number;
  hDiag: number;
  lossPrev: number;
  count: number;
  oldest: number;
  d: FloatArray;
  gPrev: FloatArray;
  s: FloatArray;
  y: FloatArray;
  rho: FloatArray;
}

/**
 * torch7's polyinterp for two points: the minimiser of the cubic through (x, f, g) pairs, clamped to [lo, hi]
 * (torch's `bounds`; without them, the interval between x1 and x2).
 */
function cubicInterpolate(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  lo: number = Math.min(x1, x2),
  hi: number = Math.max(x1, x2),
): number {
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos =
      x1 <= x2
        ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>, n: number, offsetA = 0, offsetB = 0): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[offsetA + i] * b[offsetB + i];
  return s;
}

function maxAbs(a: ArrayLike<number>, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function lbfgs(options: LbfgsOptions = {}): Optimizer<LbfgsState> {
  const given = { ...options };
  // torch: max_eval = None → max_iter * 5 // 4.
  if (given.maxEval === undefined && typeof given.maxIter === "number" && Number.isInteger(given.maxIter)) {
    given.maxEval = Math.floor((given.maxIter * 5) / 4);
  }
  const hp = resolveHyperparameters(lbfgsMeta, given);
  const maxIter = hp.maxIter as number;
  const maxEval = hp.maxEval as number;
  const toleranceGrad = hp.toleranceGrad as number;
  const toleranceChange = hp.toleranceChange as number;
  const historySize = hp.historySize as number;
  const strongWolfe = hp.strongWolfe as boolean;

  // Work arrays of one call, grown on first use (calls run one at a time): the current gradient, q, the start
  // of a line search, a trial point, and the gradients the line search keeps (new, previous, bracket ends).
  let n0 = -1;
  let g = new Float64Array(0);
  let q = new Float64Array(0);
  let x0 = new Float64Array(0);
  let trial = new Float64Array(0);
  let gNew = new Float64Array(0);
  let gOld = new Float64Array(0);
  let gLow = new Float64Array(0);
  let gHigh = new Float64Array(0);
  let al = new Float64Array(0);
  const ensure = (n: number) => {
    if (n === n0) return;
    n0 = n;
    g = new Float64Array(n);
    q = new Float64Array(n);
    x0 = new Float64Array(n);
    trial = new Float64Array(n);
    gNew = new Float64Array(n);
    gOld = new Float64Array(n);
    gLow = new Float64Array(n);
    gHigh = new Float64Array(n);
    al = new Float64Array(historySize);
  };

  /**
   * torch's `_strong_wolfe` (from torch7's lswolfe.lua) along d from x0 with f, g (= `g`), gtd; returns the step
   * and the number of evaluations, leaves the loss in `result.f` and the gradient at the accepted point in `g`.
   */
  const result = { f: 0, t: 0, evals: 0 };
  // φ(t) = f(x0 + t·d), its gradient into `out`; the search's objective and direction are set per search (no closure
  // is made per step).
  let searchEvaluate: ObjectiveEvaluation = () => Number.NaN;
  let searchDirection: FloatArray = new Float64Array(0);
  let searchLength = 0;
  const phi = (t: number, out: Float64Array): number => {
    for (let i = 0; i < searchLength; i++) trial[i] = x0[i] + t * searchDirection[i];
    return searchEvaluate(trial, out);
  };
  const lineSearch = (
    evaluate: ObjectiveEvaluation,
    n: number,
    d: FloatArray,
    t0: number,
    f: number,
    gtd: number,
    maxLs: number,
  ): void => {
    const c1 = 1e-4;
    const c2 = 0.9;
    const tolerance = 1e-9;
    const dNorm = maxAbs(d, n);
    searchEvaluate = evaluate;
    searchDirection = d;
    searchLength = n;
    let t = t0;
    let fNew = phi(t, gNew);
    let evals = 1;
    let gtdNew = dot(gNew, d, n);
    // (t_prev, f_prev, g_prev, gtd_prev) start at (0, f, g, gtd); gOld holds g_prev.
    let tPrev = 0;
    let fPrev = f;
    let gtdPrev = gtd;
    gOld.set(g.subarray(0, n));
    let done = false;
    let lsIter = 0;
    // Bracket: positions 0 and 1 as torch's lists; gradients in gLow/gHigh by position (swapped by reference).
    let b0 = 0;
    let b1 = 0;
    let bf0 = 0;
    let bf1 = 0;
    const bg0 = gLow;
    const bg1 = gHigh;
    let bgtd0 = 0;
    let bgtd1 = 0;
    let bracketSize = 0;
    while (lsIter < maxLs) {
      if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
        b0 = tPrev;
        b1 = t;
        bf0 = fPrev;
        bf1 = fNew;
        bg0.set(gOld.subarray(0, n));
        bg1.set(gNew.subarray(0, n));
        bgtd0 = gtdPrev;
        bgtd1 = gtdNew;
        bracketSize = 2;
        break;
      }
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        b0 = t;
        bf0 = fNew;
        bg0.set(gNew.subarray(0, n));
        bracketSize = 1;
        done = true;
        break;
      }
      if (gtdNew >= 0) {
        b0 = tPrev;
        b1 = t;
        bf0 = fPrev;
        bf1 = fNew;
        bg0.set(gOld.subarray(0, n));
        bg1.set(gNew.subarray(0, n));
        bgtd0 = gtdPrev;
        bgtd1 = gtdNew;
        bracketSize = 2;
        break;
      }
      const minStep = t + 0.01 * (t - tPrev);
      const maxStep = t * 10;
      const previous = t;
      t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, minStep, maxStep);
      tPrev = previous;
      fPrev = fNew;
      gOld.set(gNew.subarray(0, n));
      gtdPrev = gtdNew;
      fNew = phi(t, gNew);
      evals++;
      gtdNew = dot(gNew, d, n);
      lsIter++;
    }
    if (lsIter === maxLs) {
      // torch: bracket = [0, t] with (f, f_new) and (g, g_new); the bracket's gtd values are left as they were.
      b0 = 0;
      b1 = t;
      bf0 = f;
      bf1 = fNew;
      bg0.set(g.subarray(0, n));
      bg1.set(gNew.subarray(0, n));
      bracketSize = 2;
    }
    // Zoom phase.
    let insufficientProgress = false;
    let low = bf0 <= (bracketSize === 1 ? bf0 : bf1) ? 0 : 1;
    while (!done && lsIter < maxLs) {
      if (Math.abs(b1 - b0) * dNorm < tolerance) break;
      t = cubicInterpolate(b0, bf0, bgtd0, b1, bf1, bgtd1);
      const top = Math.max(b0, b1);
      const bottom = Math.min(b0, b1);
      const eps = 0.1 * (top - bottom);
      if (Math.min(top - t, t - bottom) < eps) {
        if (insufficientProgress || t >= top || t <= bottom) {
          t = Math.abs(t - top) < Math.abs(t - bottom) ? top - eps : bottom + eps;
          insufficientProgress = false;
        } else {
          insufficientProgress = true;
        }
      } else {
        insufficientProgress = false;
      }
      fNew = phi(t, gNew);
      evals++;
      gtdNew = dot(gNew, d, n);
      lsIter++;
      const high = 1 - low;
      const lowF = low === 0 ? bf0 : bf1;
      if (fNew > f + c1 * t * gtd || fNew >= lowF) {
        if (high === 0) {
          b0 = t;
          bf0 = fNew;
          bg0.set(gNew.subarray(0, n));
          bgtd0 = gtdNew;
        } else {
          b1 = t;
          bf1 = fNew;
          bg1.set(gNew.subarray(0, n));
          bgtd1 = gtdNew;
        }
        low = bf0 <= bf1 ? 0 : 1;
      } else {
        if (Math.abs(gtdNew) <= -c2 * gtd) {
          done = true;
        } else if (gtdNew * ((high === 0 ? b0 : b1) - (low === 0 ? b0 : b1)) >= 0) {
          // The old high end becomes the new low end's partner: copy low into high.
          if (high === 0) {
            b0 = b1;
            bf0 = bf1;
            bg0.set(bg1.subarray(0, n));
            bgtd0 = bgtd1;
          } else {
            b1 = b0;
            bf1 = bf0;
            bg1.set(bg0.subarray(0, n));
            bgtd1 = bgtd0;
          }
        }
        if (low === 0) {
          b0 = t;
          bf0 = fNew;
          bg0.set(gNew.subarray(0, n));
          bgtd0 = gtdNew;
        } else {
          b1 = t;
          bf1 = fNew;
          bg1.set(gNew.subarray(0, n));
          bgtd1 = gtdNew;
        }
      }
    }
    result.t = low === 0 ? b0 : b1;
    result.f = low === 0 ? bf0 : bf1;
    result.evals = evals;
    g.set((low === 0 ? bg0 : bg1).subarray(0, n));
  };

  /**
   * One torch `.step(closure)` call. `evaluate` null: the gradient-only form (one iteration at `grads`, no line
   * search, no re-evaluation). Returns the number of objective evaluations (1 for the gradient-only form).
   */
  const call = (
    params: FloatArray,
    state: LbfgsState,
    evaluate: ObjectiveEvaluation | null,
    grads: FloatArray | null,
  ): number => {
    const n = params.length;
    ensure(n);
    const callMaxIter = evaluate === null ? 1 : maxIter;
    const lr = state.lr;
    const { d, gPrev, s: S, y: Y, rho } = state;
    let loss = evaluate === null ? Number.NaN : evaluate(params, g);
    if (grads !== null) g.set(grads.subarray(0, n));
    let currentEvals = 1;
    state.funcEvals += 1;
    if (maxAbs(g, n) <= toleranceGrad) return currentEvals;
    let iteration = 0;
    while (iteration < callMaxIter) {
      iteration++;
      state.nIter++;
      if (state.nIter === 1) {
        for (let i = 0; i < n; i++) d[i] = -g[i];
        state.count = 0;
        state.oldest = 0;
        state.hDiag = 1;
      } else {
        // y = g − g₋, s = d·τ into the next ring slot (only kept if the curvature test passes).
        const tau = state.tau;
        const slot = (state.oldest + state.count) % historySize;
        const full = state.count === historySize;
        const target = full ? state.oldest : slot;
        // Compute y and s into scratch first (the slot may hold the oldest pair, which is only dropped if kept).
        let ys = 0;
        for (let i = 0; i < n; i++) {
          const yi = g[i] - gPrev[i];
          const si = d[i] * tau;
          trial[i] = yi;
          q[i] = si;
          ys += yi * si;
        }
        if (ys > 1e-10) {
          if (full) state.oldest = (state.oldest + 1) % historySize;
          else state.count++;
          const offset = target * n;
          for (let i = 0; i < n; i++) {
            Y[offset + i] = trial[i];
            S[offset + i] = q[i];
          }
          rho[target] = 1 / ys;
          state.hDiag = ys / dot(trial, trial, n);
        }
        // Two-loop recursion.
        const count = state.count;
        for (let i = 0; i < n; i++) q[i] = -g[i];
        for (let k = count - 1; k >= 0; k--) {
          const slotK = (state.oldest + k) % historySize;
          const a = dot(S, q, n, slotK * n) * rho[slotK];
          al[k] = a;
          const offset = slotK * n;
          for (let i = 0; i < n; i++) q[i] += -a * Y[offset + i];
        }
        const hDiag = state.hDiag;
        for (let i = 0; i < n; i++) d[i] = q[i] * hDiag;
        for (let k = 0; k < count; k++) {
          const slotK = (state.oldest + k) % historySize;
          const offset = slotK * n;
          const be = dot(Y, d, n, offset) * rho[slotK];
          const factor = al[k] - be;
          for (let i = 0; i < n; i++) d[i] += factor * S[offset + i];
        }
      }
      gPrev.set(g.subarray(0, n));
      const lossPrev = loss;
      state.lossPrev = loss;
      if (state.nIter === 1) {
        let l1 = 0;
        for (let i = 0; i < n; i++) l1 += Math.abs(g[i]);
        state.tau = Math.min(1, 1 / l1) * lr;
      } else {
        state.tau = lr;
      }
      const gtd = dot(g, d, n);
      if (gtd > -toleranceChange) break;
      let lsEvals = 0;
      let optimal = false;
      if (strongWolfe && evaluate !== null) {
        x0.set(params.subarray(0, n));
        lineSearch(evaluate, n, d, state.tau, loss, gtd, maxEval - currentEvals);
        loss = result.f;
        state.tau = result.t;
        lsEvals = result.evals;
        const tau = state.tau;
        for (let i = 0; i < n; i++) params[i] += tau * d[i];
        optimal = maxAbs(g, n) <= toleranceGrad;
      } else {
        const tau = state.tau;
        for (let i = 0; i < n; i++) params[i] += tau * d[i];
        if (iteration !== callMaxIter && evaluate !== null) {
          loss = evaluate(params, g);
          optimal = maxAbs(g, n) <= toleranceGrad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      state.funcEvals += lsEvals;
      if (iteration === callMaxIter) break;
      if (currentEvals >= maxEval) break;
      if (optimal) break;
      let stepMax = 0;
      for (let i = 0; i < n; i++) stepMax = Math.max(stepMax, Math.abs(d[i] * state.tau));
      if (stepMax <= toleranceChange) break;
      if (Math.abs(loss - lossPrev) < toleranceChange) break;
    }
    return currentEvals;
  };

  return {
    id: lbfgsMeta.id,
    hp,
    meta: lbfgsMeta,
    init: (n: number, dtype?: DType) => ({
      lr: hp.lr as number,
      nIter: 0,
      funcEvals: 0,
      tau: 0,
      hDiag: 1,
      lossPrev: 0,
      count: 0,
      oldest: 0,
      d: zeros(n, dtype),
      gPrev: zeros(n, dtype),
      s: zeros(historySize * n, dtype),
      y: zeros(historySize * n, dtype),
      rho: zeros(historySize, dtype),
    }),
    step(params: FloatArray, grads: FloatArray, state: LbfgsState) {
      call(params, state, null, grads);
    },
    stepWithObjective(params: FloatArray, evaluate: ObjectiveEvaluation, state: LbfgsState): number {
      return call(params, state, evaluate, null);
    },
  };
}
