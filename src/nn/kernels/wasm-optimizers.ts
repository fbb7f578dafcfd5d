import { BOOK_EPS } from "../../optim/adagrad.js";
import { decayConstants, shrinkFor } from "../../optim/decay.js";
import { nextD } from "../../optim/prodigy.js";
import { averagingWeight, warmupLr } from "../../optim/schedule-free.js";
import { SM3_EPS } from "../../optim/sm3.js";
import { lerp } from "../../optim/torch-adafactor.js";
import type { FloatArray, Optimizer, OptimizerState } from "../../optim/types.js";
import * as K from "./simd-steps.gen.js";
import type { KernelExports } from "./wasm-kernels.js";

type FastStep = (params: Float32Array, grads: Float32Array, state: OptimizerState) => void;
type S = OptimizerState;

/**
 * Optimizers without a float32 SIMD step, and why. Every other id of the registry has one (the SIMD test
 * iterates the registry, so a new optimizer fails it until it is given a step here or listed here).
 */
export const NO_SIMD_STEP: Readonly<Record<string, string>> = {
  lbfgs: "closure-based: a step evaluates the objective several times (line search); no elementwise update",
  muon:
    "matrix method: Newton–Schulz orthogonalisation of the momentum matrix (GEMMs); its float32 step on the " +
    "kernels' GEMMs is muonSimdStep (wasm-muon.ts), which needs scratch memory and a matrix, not the engine's flat " +
    "buffer: the engines step it on each matrix slot of parameter groups (kernels/accelerate.ts)",
  "optax-muon":
    "matrix method: Newton–Schulz orthogonalisation of the momentum matrix (GEMMs); its float32 step with the products " +
    "on the kernels' GEMMs is optaxMuonSimdStep (wasm-muon.ts), which needs scratch memory and a matrix: the engines " +
    "step it on each matrix slot of parameter groups (kernels/accelerate.ts)",
  soap:
    "matrix method: eigenbases of per-matrix preconditioners (QR every f steps); its float32 step with the products " +
    "on the kernels' GEMMs is soapSimdStep (wasm-soap.ts), which needs scratch memory and a matrix: the engines step " +
    "it on each matrix slot where SOAP gets one instance per matrix (sides up to 512 rotated)",
};

/** Float64 sums the kernels leave behind (reductions), as a view that survives memory growth. */
function reductions(kernels: KernelExports): () => Float64Array {
  let view: Float64Array | null = null;
  return () => {
    if (view === null || view.buffer !== kernels.memory.buffer) {
      view = new Float64Array(kernels.memory.buffer, kernels.reduction_ptr(), 4);
    }
    return view;
  };
}

/**
 * A float64 view of `floats` float64 values in `scratch` (8-byte aligned), zeroed; null without room. Made at each
 * step, so it follows memory growth.
 */
function wideScratch(
  kernels: KernelExports,
  scratch: Float32Array | undefined,
  floats: number,
): Float64Array | null {
  if (scratch === undefined || scratch.buffer !== kernels.memory.buffer) return null;
  const start = Math.ceil(scratch.byteOffset / 8) * 8;
  if (start + 8 * floats > scratch.byteOffset + scratch.byteLength) return null;
  const view = new Float64Array(kernels.memory.buffer, start, floats);
  view.fill(0);
  return view;
}

/**
 * Row sums of g² + ε of the rows × cols matrix `g` into `rowSums` and its column sums into `colSums`, both float64
 * in kernel memory (one kernel call walks the rows); returns Σθ² of `p`.
 */
function factoredSums(
  k: KernelExports,
  red: () => Float64Array,
  p: Float32Array,
  g: Float32Array,
  rows: number,
  cols: number,
  eps: number,
  rowSums: Float64Array,
  colSums: Float64Array,
): number {
  K.factoredSumsKernel(k, { p, g, cs: colSums, rs: rowSums }, rows, cols, eps);
  return red()[0];
}

/**
 * The SIMD float32 step of `optimizer` with its hyperparameters, or `null` when it has none (NO_SIMD_STEP).
 * Each computes the formula of its src/optim file in float32 arithmetic, with the per-step scalars (bias
 * corrections, schedules) computed here in float64 exactly as the library step computes them; the element
 * formulas are generated from one description each (scripts/gen-simd-steps.mjs). The learning rate, and
 * momentum / β₁ where a schedule drives them, are read from the state at every step. Every array must live in
 * the kernels' memory.
 */
export function simdStep(
  kernels: KernelExports,
  optimizer: Optimizer,
  scratch?: Float32Array,
): FastStep | null {
  const hp = optimizer.hp;
  const num = (name: string) => hp[name] as number;
  const red = reductions(kernels);
  const k = kernels;
  switch (optimizer.id) {
    case "sgd":
      return (p, g, s) => K.sgdKernel(k, p, g, s.lr as number);
    case "momentum":
      return (p, g, s) => K.momentumKernel(k, p, g, s, s.lr as number, num("momentum"));
    case "nesterov": {
      const mu = num("momentum");
      return (p, g, s) => {
        const lr = s.lr as number;
        K.nesterovKernel(k, p, g, s, lr, mu, mu * mu, (1 + mu) * lr);
      };
    }
    case "adagrad":
      return (p, g, s) => K.adagradKernel(k, p, g, s, s.lr as number, BOOK_EPS);
    case "rmsprop": {
      const rho = num("rho");
      return (p, g, s) => K.rmspropKernel(k, p, g, s, s.lr as number, rho, 1 - rho, BOOK_EPS);
    }
    case "adam": {
      const beta1 = num("beta1");
      const beta2 = num("beta2");
      return (p, g, s) => {
        const t = ((s.t as number) += 1);
        const lrT = ((s.lr as number) * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
        K.adamKernel(k, p, g, s, lrT, 1 - beta1, 1 - beta2, BOOK_EPS);
      };
    }
    case "torch-sgd": {
      const dampening = num("dampening");
      const nesterov = hp.nesterov as boolean;
      const { sign, coupled } = decayConstants(hp);
      return (p, g, s) => {
        (s.t as number)++;
        const lr = s.lr as number;
        const momentum = s.momentum as number;
        if (momentum === 0) {
          K.torchSgdKernel(k, false, p, g, s, sign, coupled, lr, 0, 0, 0, 0);
          return;
        }
        const first = (s.tb as number) === 0;
        s.tb = (s.tb as number) + 1;
        K.torchSgdKernel(
          k,
          true,
          p,
          g,
          s,
          sign,
          coupled,
          lr,
          first ? 0 : momentum,
          first ? 1 : 1 - dampening,
          nesterov ? 1 : 0,
          nesterov ? momentum : 1,
        );
      };
    }
    case "torch-adagrad": {
      const lrDecay = num("lrDecay");
      const eps = num("eps");
      const { sign, coupled } = decayConstants(hp);
      return (p, g, s) => {
        const t = ((s.t as number) += 1);
        const negativeClr = -((s.lr as number) / (1 + (t - 1) * lrDecay));
        K.torchAdagradKernel(k, p, g, s, sign, coupled, negativeClr, eps);
      };
    }
    case "torch-rmsprop": {
      const rho = num("rho");
      const mu = num("momentum");
      const centered = hp.centered as boolean;
      const eps = num("eps");
      const { sign, coupled } = decayConstants(hp);
      return (p, g, s) =>
        K.torchRmspropKernel(
          k,
          centered,
          mu > 0,
          p,
          g,
          s,
          sign,
          coupled,
          rho,
          1 - rho,
          mu,
          -(s.lr as number),
          eps,
        );
    }
    case "torch-adam":
    case "adamw": {
      const beta2 = num("beta2");
      const eps = num("eps");
      const amsgrad = hp.amsgrad === true;
      const decay = decayConstants(hp, optimizer.id === "adamw");
      const { sign, coupled } = decay;
      return (p, g, s) => {
        const lr = s.lr as number;
        const beta1 = s.beta1 as number;
        const shrink = shrinkFor(decay, lr);
        const t = ((s.t as number) += 1);
        const negativeStepSize = -(lr / (1 - beta1 ** t));
        const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
        K.torchAdamKernel(
          k,
          amsgrad,
          p,
          g,
          s,
          sign,
          coupled,
          shrink,
          1 - beta1,
          beta2,
          1 - beta2,
          negativeStepSize,
          bc2Sqrt,
          eps,
        );
      };
    }
    case "nadam": {
      const beta1 = num("beta1");
      const beta2 = num("beta2");
      const eps = num("eps");
      const psi = num("momentumDecay");
      const decay = decayConstants(hp);
      const { sign, coupled } = decay;
      return (p, g, s) => {
        const lr = s.lr as number;
        const shrink = shrinkFor(decay, lr);
        const t = ((s.t as number) += 1);
        const bc2 = 1 - beta2 ** t;
        const mu = beta1 * (1 - 0.5 * 0.96 ** (t * psi));
        const muNext = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi));
        const muProduct = ((s.muProduct as number) *= mu);
        const gradientFactor = (-lr * (1 - mu)) / (1 - muProduct);
        const momentFactor = (-lr * muNext) / (1 - muProduct * muNext);
        K.nadamKernel(
          k,
          p,
          g,
          s,
          sign,
          coupled,
          shrink,
          1 - beta1,
          beta2,
          1 - beta2,
          bc2,
          eps,
          gradientFactor,
          momentFactor,
        );
      };
    }
    case "radam": {
      const beta1 = num("beta1");
      const beta2 = num("beta2");
      const eps = num("eps");
      const rhoInfinity = 2 / (1 - beta2) - 1;
      const decay = decayConstants(hp);
      const { sign, coupled } = decay;
      return (p, g, s) => {
        const lr = s.lr as number;
        const shrink = shrinkFor(decay, lr);
        const t = ((s.t as number) += 1);
        const bc1 = 1 - beta1 ** t;
        const bc2 = 1 - beta2 ** t;
        const rhoT = rhoInfinity - (2 * t * beta2 ** t) / bc2;
        const rectify = rhoT > 5;
        const rect = rectify
          ? Math.sqrt(
              ((rhoT - 4) * (rhoT - 2) * rhoInfinity) / ((rhoInfinity - 4) * (rhoInfinity - 2) * rhoT),
            )
          : 0;
        K.radamKernel(
          k,
          rectify,
          p,
          g,
          s,
          sign,
          coupled,
          shrink,
          1 - beta1,
          beta2,
          1 - beta2,
          bc1,
          Math.sqrt(bc2),
          eps,
          lr,
          rect,
        );
      };
    }
    case "adadelta": {
      const rho = num("rho");
      const eps = num("eps");
      const { sign, coupled } = decayConstants(hp);
      return (p, g, s) => K.adadeltaKernel(k, p, g, s, sign, coupled, rho, 1 - rho, eps, -(s.lr as number));
    }
    case "adamax": {
      const beta1 = num("beta1");
      const beta2 = num("beta2");
      const eps = num("eps");
      const { sign, coupled } = decayConstants(hp);
      return (p, g, s) => {
        const t = ((s.t as number) += 1);
        const negativeClr = -((s.lr as number) / (1 - beta1 ** t));
        K.adamaxKernel(k, p, g, s, sign, coupled, 1 - beta1, beta2, eps, negativeClr);
      };
    }
    case "lion": {
      const beta1 = num("beta1");
      const beta2 = num("beta2");
      const wd = num("weightDecay");
      return (p, g, s) => K.lionKernel(k, p, g, s, 1 - beta1, beta1, 1 - beta2, beta2, -(s.lr as number), wd);
    }
    case "adabelief": {
      const beta1 = num("beta1");
      const beta2 = num("beta2");
      const eps = num("eps");
      const epsRoot = num("epsRoot");
      const nesterov = hp.nesterov as boolean;
      return (p, g, s) => {
        const negativeLr = -(s.lr as number);
        const t = ((s.t as number) += 1);
        const bc1 = 1 - beta1 ** t;
        const bc2 = 1 - beta2 ** t;
        const momentShare = nesterov ? beta1 : 1;
        const gradientShare = nesterov ? 1 - beta1 : 0;
        const bcMoment = nesterov ? 1 - beta1 ** (t + 1) : bc1;
        K.adabeliefKernel(
          k,
          p,
          g,
          s,
          1 - beta1,
          beta1,
          1 - beta2,
          beta2,
          epsRoot,
          momentShare,
          gradientShare,
          bcMoment,
          bc1,
          bc2,
          eps,
          negativeLr,
        );
      };
    }
    case "swats": {
      const beta1 = num("beta1");
      const beta2 = num("beta2");
      const eps = num("eps");
      return (p, g, s) => {
        const t = ((s.t as number) += 1);
        if (s.phase === 1) {
          const sgdStep = (1 - beta1) * (s.switchLr as number);
          K.swatsKernel(k, true, p, g, s, beta1, 1 - beta1, beta2, 1 - beta2, 0, eps, sgdStep);
          return;
        }
        const lrK = ((s.lr as number) * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
        K.swatsKernel(k, false, p, g, s, beta1, 1 - beta1, beta2, 1 - beta2, lrK, eps, 0);
        const sums = red();
        const pp = sums[0];
        const pg = sums[1];
        if (pg !== 0) {
          const gammaK = pp / -pg;
          s.lambda = beta2 * (s.lambda as number) + (1 - beta2) * gammaK;
          const corrected = (s.lambda as number) / (1 - beta2 ** t);
          if (t > 1 && Math.abs(corrected - gammaK) < eps) {
            s.phase = 1;
            s.switchLr = corrected;
            s.switchStep = t;
          }
        }
      };
    }
    case "adabound": {
      const beta1 = num("beta1");
      const beta2 = num("beta2");
      const finalLr = num("finalLr");
      const gamma = num("gamma");
      const eps = num("eps");
      const wd = num("weightDecay");
      const amsbound = hp.amsbound as boolean;
      return (p, g, s) => {
        const t = ((s.t as number) += 1);
        const stepSize = ((s.lr as number) * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
        const lower = finalLr * (1 - 1 / (gamma * t + 1));
        const upper = finalLr * (1 + 1 / (gamma * t));
        K.adaboundKernel(
          k,
          amsbound,
          p,
          g,
          s,
          wd,
          beta1,
          1 - beta1,
          beta2,
          1 - beta2,
          stepSize,
          eps,
          lower,
          upper,
        );
      };
    }
    case "optax-sgd": {
      const mu = num("momentum");
      const nesterov = hp.nesterov as boolean;
      return (p, g, s) => K.optaxSgdKernel(k, nesterov, p, g, s, mu, -(s.lr as number));
    }
    case "optax-adam":
    case "optax-adamw": {
      const beta1 = num("beta1");
      const beta2 = num("beta2");
      const eps = num("eps");
      const epsRoot = num("epsRoot");
      const wd = (hp.weightDecay as number | undefined) ?? 0;
      const nesterov = hp.nesterov as boolean;
      return (p, g, s) => {
        const t = ((s.t as number) += 1);
        const bc1 = 1 - beta1 ** t;
        const bc1Next = 1 - beta1 ** (t + 1);
        const bc2 = 1 - beta2 ** t;
        K.optaxAdamKernel(
          k,
          nesterov,
          p,
          g,
          s,
          1 - beta1,
          beta1,
          1 - beta2,
          beta2,
          bc1,
          bc1Next,
          bc2,
          epsRoot,
          eps,
          wd,
          -(s.lr as number),
        );
      };
    }
    case "schedule-free-sgd":
    case "schedule-free-adamw": {
      const adamw = optimizer.id === "schedule-free-adamw";
      const beta = num("beta1");
      const beta2 = adamw ? num("beta2") : 0;
      const eps = adamw ? num("eps") : 0;
      const warmupSteps = num("warmupSteps");
      const wd = num("weightDecay");
      const power = num("weightLrPower");
      return (p, g, s) => {
        if (s.k === 0) {
          (s.z as Float32Array).set(p);
          (s.x as Float32Array).set(p);
        }
        const fields = s as unknown as Parameters<typeof averagingWeight>[0];
        const ck = averagingWeight(fields, warmupSteps, power);
        const negativeLr = -warmupLr(s.lr as number, warmupSteps, s.k as number);
        if (adamw) {
          const bc2 = 1 - beta2 ** ((s.k as number) + 1);
          K.scheduleFreeAdamwKernel(
            k,
            beta > 0,
            p,
            g,
            s,
            1 - beta2,
            beta2,
            bc2,
            eps,
            negativeLr,
            wd,
            beta,
            1 - beta,
            ck,
            1 - ck,
          );
        } else {
          K.scheduleFreeSgdKernel(k, beta > 0, p, g, s, negativeLr, wd, beta, 1 - beta, ck, 1 - ck);
        }
        s.k = (s.k as number) + 1;
      };
    }
    case "prodigy": {
      const beta1 = num("beta1");
      const beta2 = num("beta2");
      const beta3 = num("beta3") === 0 ? Math.sqrt(beta2) : num("beta3");
      const eps = num("eps");
      const d0 = num("estimLr0");
      const coef = num("estimLrCoef");
      const wd = num("weightDecay");
      const safeguard = hp.safeguardWarmup as boolean;
      return (p, g, s) => {
        if (s.t === 0) (s.theta0 as Float32Array).set(p);
        const t = ((s.t as number) += 1);
        const d = s.d as number;
        const bc = (1 - beta2 ** t) ** 0.5 / (1 - beta1 ** t);
        const dlr = d * (s.lr as number) * bc;
        K.prodigyMomentsKernel(
          k,
          p,
          g,
          s,
          d,
          beta1,
          1 - beta1,
          beta2,
          1 - beta2,
          beta3,
          safeguard ? d : dlr,
          d0,
        );
        const sums = red();
        const acc = sums[0];
        const sAbs = sums[1];
        s.N = beta3 * (s.N as number) + (d / d0) * dlr * acc;
        const dNext = nextD(d, coef * (s.N as number), sAbs);
        s.d = dNext;
        K.prodigyUpdateKernel(k, p, s, -wd * dlr, dlr, dNext * eps);
      };
    }
    case "dadapt-adamw": {
      const beta1 = num("beta1");
      const beta2 = num("beta2");
      const sb2 = beta2 ** 0.5;
      const eps = num("eps");
      const wd = num("weightDecay");
      return (p, g, s) => {
        const t = ((s.t as number) += 1);
        const bc = (1 - beta2 ** t) ** 0.5 / (1 - beta1 ** t);
        const dlr = (s.d as number) * (s.lr as number) * bc;
        K.dadaptMomentsKernel(
          k,
          p,
          g,
          s,
          eps,
          beta1,
          (1 - beta1) * dlr,
          beta2,
          1 - beta2,
          sb2,
          (1 - sb2) * dlr,
        );
        const sums = red();
        s.N = sb2 * (s.N as number) + (1 - sb2) * dlr * sums[0];
        s.d = nextD(s.d as number, s.N as number, (1 - sb2) * sums[1]);
        K.dadaptUpdateKernel(k, p, s, eps, -(wd * dlr));
      };
    }
    case "adopt": {
      const eps = num("eps");
      const nesterov = hp.nesterov as boolean;
      const clip = hp.useClipping as boolean;
      return (p, g, s) => {
        const c = s.c as number;
        const beta1 = c > 0 ? num("beta1") : 1;
        const beta2 = c > 0 ? num("beta2") : 0;
        const bound = clip ? c ** 0.25 : Number.POSITIVE_INFINITY;
        K.adoptKernel(
          k,
          clip,
          nesterov,
          p,
          g,
          s,
          eps,
          bound,
          1 - beta2,
          beta2,
          1 - beta1,
          beta1,
          -(s.lr as number),
        );
        s.c = c + 1;
      };
    }
    case "ademamix": {
      const beta1 = num("beta1");
      const beta2 = num("beta2");
      const beta3 = num("beta3");
      const alpha = num("alpha");
      const eps = num("eps");
      const epsRoot = num("epsRoot");
      const wd = num("weightDecay");
      return (p, g, s) => {
        const t = ((s.t as number) += 1);
        const bc1 = 1 - beta1 ** t;
        const bc2 = 1 - beta2 ** t;
        K.ademamixKernel(
          k,
          p,
          g,
          s,
          1 - beta1,
          beta1,
          1 - beta3,
          beta3,
          1 - beta2,
          beta2,
          bc1,
          alpha,
          bc2,
          epsRoot,
          eps,
          wd,
          -(s.lr as number),
        );
      };
    }
    case "simplified-ademamix": {
      const beta1 = num("beta1");
      const beta2 = num("beta2");
      const alpha = num("alpha");
      const eps = num("eps");
      const epsRoot = num("epsRoot");
      const wd = num("weightDecay");
      return (p, g, s) => {
        const t = ((s.t as number) += 1);
        const bc2 = 1 - beta2 ** t;
        K.simplifiedAdemamixKernel(
          k,
          p,
          g,
          s,
          beta1,
          1 - beta2,
          beta2,
          alpha,
          bc2,
          epsRoot,
          eps,
          wd,
          -(s.lr as number),
        );
      };
    }
    case "lamb": {
      const beta1 = num("beta1");
      const beta2 = num("beta2");
      const eps = num("eps");
      const epsRoot = num("epsRoot");
      const wd = num("weightDecay");
      return (p, g, s) => {
        const t = ((s.t as number) += 1);
        const bc1 = 1 - beta1 ** t;
        const bc2 = 1 - beta2 ** t;
        K.lambMomentsKernel(k, p, g, s, 1 - beta1, beta1, 1 - beta2, beta2, bc1, bc2, epsRoot, eps, wd);
        const sums = red();
        const paramNorm = Math.sqrt(sums[0]);
        const updateNorm = Math.sqrt(sums[1]);
        const ratio = paramNorm === 0 || updateNorm === 0 ? 1 : paramNorm / updateNorm;
        K.scaledAddKernel(k, p, s, -(s.lr as number), ratio);
      };
    }
    case "lars": {
      const wd = num("weightDecay");
      const trust = num("trustCoefficient");
      const eps = num("eps");
      const mu = num("momentum");
      const nesterov = hp.nesterov as boolean;
      return (p, g, s) => {
        K.larsUpdateKernel(k, p, g, s, wd);
        const sums = red();
        const paramNorm = Math.sqrt(sums[0]);
        const updateNorm = Math.sqrt(sums[1]);
        const ratio = paramNorm === 0 || updateNorm === 0 ? 1 : (trust * paramNorm) / (updateNorm + eps);
        K.larsStepKernel(k, nesterov, p, s, -(s.lr as number), ratio, mu);
      };
    }
    case "yogi": {
      const beta1 = num("beta1");
      const beta2 = num("beta2");
      const eps = num("eps");
      return (p, g, s) => {
        const t = ((s.t as number) += 1);
        K.yogiKernel(
          k,
          p,
          g,
          s,
          1 - beta1,
          beta1,
          1 - beta2,
          1 - beta1 ** t,
          1 - beta2 ** t,
          eps,
          -(s.lr as number),
        );
      };
    }
    case "adan": {
      const beta1 = num("beta1");
      const beta2 = num("beta2");
      const beta3 = num("beta3");
      const eps = num("eps");
      const epsRoot = num("epsRoot");
      const wd = num("weightDecay");
      return (p, g, s) => {
        const first = s.t === 0;
        const t = ((s.t as number) += 1);
        K.adanKernel(
          k,
          first,
          p,
          g,
          s,
          1 - beta1,
          beta1,
          1 - beta2,
          beta2,
          1 - beta3,
          beta3,
          1 - beta1 ** t,
          1 - beta2 ** t,
          1 - beta3 ** t,
          eps,
          epsRoot,
          wd,
          -(s.lr as number),
        );
      };
    }
    case "novograd": {
      const beta1 = num("beta1");
      const beta2 = num("beta2");
      const eps = num("eps");
      const epsRoot = num("epsRoot");
      const wd = num("weightDecay");
      return (p, g, s) => {
        const first = s.t === 0;
        s.t = (s.t as number) + 1;
        K.sumSquaresKernel(k, g);
        const norm = Math.sqrt(red()[0]);
        const normSquared = norm * norm;
        s.nu = first ? normSquared : (1 - beta2) * normSquared + beta2 * (s.nu as number);
        const denominator = Math.sqrt((s.nu as number) + epsRoot) + eps;
        K.novogradKernel(k, first, p, g, s, denominator, wd, first ? 0 : beta1, -(s.lr as number));
      };
    }
    case "fromage": {
      const minNorm = num("minNorm");
      return (p, g, s) => {
        const lr = s.lr as number;
        const mult = 1 / Math.sqrt(1 + lr ** 2);
        K.normsKernel(k, p, g);
        const sums = red();
        const paramNorm = Math.max(Math.sqrt(sums[0]), minNorm);
        const gradNorm = Math.max(Math.sqrt(sums[1]), minNorm);
        K.fromageKernel(k, p, g, paramNorm / gradNorm, -(lr * mult), mult - 1);
      };
    }
    case "amsgrad": {
      const beta1 = num("beta1");
      const beta2 = num("beta2");
      const eps = num("eps");
      const epsRoot = num("epsRoot");
      const correctMu = hp.biasCorrectionMu as boolean;
      const correctNu = hp.biasCorrectionNu as boolean;
      return (p, g, s) => {
        const t = ((s.t as number) += 1);
        const bc1 = correctMu ? 1 - beta1 ** t : 1;
        const bc2 = correctNu ? 1 - beta2 ** t : 1;
        K.amsgradKernel(
          k,
          p,
          g,
          s,
          1 - beta1,
          beta1,
          1 - beta2,
          beta2,
          bc1,
          bc2,
          epsRoot,
          eps,
          -(s.lr as number),
        );
      };
    }
    case "rprop": {
      const sign = hp.maximize === true ? -1 : 1;
      return (p, g, s) => {
        if ((s.t as number) === 0) (s.stepSize as Float32Array).fill(s.lr as number);
        s.t = (s.t as number) + 1;
        K.rpropKernel(
          k,
          p,
          g,
          s,
          sign,
          num("etaPlus"),
          num("etaMinus"),
          num("stepSizeMin"),
          num("stepSizeMax"),
        );
      };
    }
    case "asgd": {
      const lambda = num("lambda");
      const alpha = num("alpha");
      const t0 = num("t0");
      const wd = num("weightDecay");
      const sign = hp.maximize === true ? -1 : 1;
      return (p, g, s) => {
        if (s.t === 0) s.eta = s.lr as number;
        const t = ((s.t as number) += 1);
        const eta = s.eta as number;
        const mu = s.mu as number;
        K.asgdKernel(k, mu !== 1, p, g, s, sign, wd, 1 - lambda * eta, -eta, mu);
        const lr = s.lr as number;
        s.eta = lr / (1 + lambda * lr * t) ** alpha;
        s.mu = 1 / Math.max(1, t - t0);
      };
    }
    case "cautious": {
      const base = (optimizer as Optimizer & { base?: Optimizer }).base;
      const inner = base === undefined ? null : simdStep(kernels, base);
      if (inner === null) return null;
      const eps = num("eps");
      return (p, g, s) => {
        K.copyKernel(k, p, s);
        inner(p, g, s);
        K.cautiousCountKernel(k, p, g, s);
        const n = p.length;
        const kept = red()[0];
        const scale = n / (kept + eps);
        if (kept === n && scale === 1) return;
        K.cautiousApplyKernel(k, p, g, s, scale);
      };
    }
    case "adafactor":
      return adafactorStep(kernels, optimizer, red, scratch);
    case "torch-adafactor":
      return torchAdafactorStep(kernels, optimizer, red, scratch);
    case "sm3": {
      const beta1 = num("momentum");
      return (p, g, s) => {
        const nlr = -(s.lr as number);
        const rows = s.rows as number;
        const cols = s.cols as number;
        if (rows === 0) {
          K.sm3VectorKernel(k, p, g, s, 1 - beta1, beta1, nlr, SM3_EPS);
          return;
        }
        // A uses the old r and c; the new maxima land in rNext and cNext and replace them after the pass.
        const r = s.r as Float32Array;
        const c = s.c as Float32Array;
        const rNext = s.rNext as Float32Array;
        const cNext = s.cNext as Float32Array;
        cNext.fill(Number.NEGATIVE_INFINITY);
        K.sm3RowsKernel(
          k,
          { p, g, m: s.m as Float32Array, r, c, cNext, rNext },
          rows,
          cols,
          1 - beta1,
          beta1,
          nlr,
          SM3_EPS,
        );
        r.set(rNext);
        c.set(cNext);
      };
    }
    default:
      return null;
  }
}

/**
 * optax.adafactor (src/optim/adafactor.ts) in float32: the second moment element-wise or, factored, one row per
 * kernel call with the column sums in float64 scratch; then the clip, the parameter scale and the momentum in one
 * pass. A factored matrix without scratch room steps through the library loop.
 */
function adafactorStep(
  k: KernelExports,
  optimizer: Optimizer,
  red: () => Float64Array,
  scratch: Float32Array | undefined,
): FastStep {
  const hp = optimizer.hp;
  const decayExponent = hp.decayExponent as number;
  const decayOffset = hp.decayOffset as number;
  const parameterScale = hp.multiplyByParameterScale as boolean;
  const clipping = hp.clipping as boolean;
  const threshold = hp.clippingThreshold as number;
  const mu = hp.momentum as number;
  const wd = hp.weightDecayRate as number;
  const eps = hp.eps as number;
  return (p, g, s) => {
    const n = p.length;
    const count = s.c as number;
    const decay = 1 - (count - decayOffset + 1) ** -decayExponent;
    let updateSquares: number;
    let paramSquares: number;
    if (s.factored === 1) {
      const rows = s.rows as number;
      const cols = s.cols as number;
      const wide = wideScratch(k, scratch, cols + rows);
      if (wide === null) {
        optimizer.step(p, g, s);
        return;
      }
      const colSums = wide.subarray(0, cols);
      const rowSums = wide.subarray(cols);
      paramSquares = factoredSums(k, red, p, g, rows, cols, eps, rowSums, colSums);
      // R is indexed by the second-largest dimension and averages over the largest; C the other way round.
      const largestIsRows = rows > cols;
      const R = s.R as Float32Array;
      const C = s.C as Float32Array;
      const [rMeans, cMeans, rOver, cOver] = largestIsRows
        ? [colSums, rowSums, rows, cols]
        : [rowSums, colSums, cols, rows];
      let rSum = 0;
      for (let a = 0; a < R.length; a++) {
        R[a] = decay * R[a] + (1 - decay) * (rMeans[a] / rOver);
        rSum += R[a];
      }
      for (let b = 0; b < C.length; b++) C[b] = decay * C[b] + (1 - decay) * (cMeans[b] / cOver);
      const rMean = rSum / R.length;
      // u = g·(R/R̄)^(−½)·C^(−½): R one value per row and C per column, or (rows the largest dimension) the reverse.
      const u = s.u as Float32Array;
      if (largestIsRows) K.adafactorRowsKernel(k, { g, u, x: C, w: R }, rows, cols, 1, 1 / rMean);
      else K.adafactorRowsKernel(k, { g, u, x: R, w: C }, rows, cols, 1 / rMean, 1);
      updateSquares = red()[0];
    } else {
      K.adafactorSecondKernel(k, p, g, s, decay, 1 - decay, eps);
      const sums = red();
      updateSquares = sums[0];
      paramSquares = sums[1];
    }
    s.c = count + 1;
    let factor = 1;
    let scale = s.lr as number;
    if (clipping) factor = 1 / Math.max(1, Math.sqrt(updateSquares / n) / threshold);
    if (parameterScale) {
      factor *= scale * Math.max(Math.sqrt(paramSquares / n), 1e-3);
      scale = 1;
    }
    K.adafactorApplyKernel(k, mu > 0, p, s, factor, scale, 1 - mu, mu, wd);
  };
}

/**
 * torch.optim.Adafactor (src/optim/torch-adafactor.ts) in float32: the row and column means of a matrix one row per
 * kernel call (column sums in float64 scratch), the update's rms from one pass and the step from a second that
 * recomputes the update rather than storing it. A matrix without scratch room steps through the library loop.
 */
function torchAdafactorStep(
  k: KernelExports,
  optimizer: Optimizer,
  red: () => Float64Array,
  scratch: Float32Array | undefined,
): FastStep {
  const hp = optimizer.hp;
  const beta2Decay = hp.beta2Decay as number;
  const eps2 = hp.eps2 as number;
  const d = hp.d as number;
  const weightDecay = hp.weightDecay as number;
  const sign = hp.maximize === true ? -1 : 1;
  return (p, g, s) => {
    const n = p.length;
    const rows = s.rows as number;
    const cols = s.cols as number;
    const wide = rows > 0 ? wideScratch(k, scratch, cols + rows) : null;
    if (rows > 0 && wide === null) {
      optimizer.step(p, g, s);
      return;
    }
    const t = ((s.t as number) += 1);
    const lr = s.lr as number;
    const eps1 = s.eps1 as number;
    const w = t ** beta2Decay;
    const rho = Math.min(lr, 1 / t ** 0.5);
    const shrink = weightDecay !== 0 ? 1 - lr * weightDecay : 1;
    const floor = eps1 * eps1;
    const alphaOf = (paramSquares: number) => Math.max(eps2, Math.sqrt(paramSquares) / n ** 0.5) * rho;
    const stepOf = (updateSquares: number, alpha: number) =>
      -alpha / Math.max(1, Math.sqrt(updateSquares) / (n ** 0.5 * d));
    if (wide === null) {
      K.torchAdafactorVectorKernel(k, w < 0.5, p, g, s, sign, w, 1 - w, floor);
      const sums = red();
      const negativeStep = stepOf(sums[0], alphaOf(sums[1]));
      K.torchAdafactorVectorApplyKernel(k, p, g, s, sign, floor, shrink, negativeStep);
      return;
    }
    const colSums = wide.subarray(0, cols);
    const rowSums = wide.subarray(cols);
    const alpha = alphaOf(factoredSums(k, red, p, g, rows, cols, 0, rowSums, colSums));
    const r = s.r as Float32Array;
    const c = s.c as Float32Array;
    // Row and column means of g² as torch computes them: the norm, squared, over the length.
    let rSum = 0;
    for (let i = 0; i < rows; i++) {
      const norm = Math.sqrt(rowSums[i]);
      r[i] = lerp(r[i], (norm * norm) / cols, w);
      rSum += r[i];
    }
    for (let j = 0; j < cols; j++) {
      const norm = Math.sqrt(colSums[j]);
      c[j] = lerp(c[j], (norm * norm) / rows, w);
    }
    const irm = 1 / Math.max(rSum / rows, eps1);
    K.torchAdafactorRowsKernel(k, false, { p, g, r, c }, rows, cols, sign, irm, floor, 1, 0);
    const negativeStep = stepOf(red()[0], alpha);
    K.torchAdafactorRowsKernel(k, true, { p, g, r, c }, rows, cols, sign, irm, floor, shrink, negativeStep);
  };
}

/** True when every array of `state` is a float32 view of the kernels' memory (what the SIMD steps need). */
export function stateInMemory(kernels: KernelExports, state: OptimizerState): boolean {
  for (const value of Object.values(state)) {
    if (typeof value !== "number" && !inMemory(kernels, value)) return false;
  }
  return true;
}

function inMemory(kernels: KernelExports, array: FloatArray): boolean {
  return array instanceof Float32Array && array.buffer === kernels.memory.buffer;
}

export type { S as StepState };
