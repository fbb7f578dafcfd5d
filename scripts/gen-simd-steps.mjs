#!/usr/bin/env node
// Generates the float32 SIMD optimizer steps from one description per optimizer:
//   wasm/optimizer-steps.gen.ts          AssemblyScript: one f32x4 loop (+ scalar tail) per kernel and variant
//   src/nn/kernels/simd-steps.gen.ts     TypeScript: the kernels' signatures and one typed caller per kernel
// The element formula is written once, in the order of operations of the src/optim loop it mirrors; every
// operation is a float32 operation (the library computes in float64 and rounds on store). Option combinations
// are compile-time flags (`?flag` / `?!flag` before a statement): each combination becomes its own variant, so no
// kernel branches per element. Reductions over the elements: `sum name += expr` accumulates in float64, `max name = expr`
// keeps the float32 maximum (NaN wins, as in Math.max). `acc name += expr` adds each element's value into a float64
// array (`wide`): column sums of a matrix, accumulated one row per call, as the float64 library loops accumulate them.
//
//   node scripts/gen-simd-steps.mjs           write both files
//   node scripts/gen-simd-steps.mjs --check   exit 1 when the checked-in files differ from what this writes
//
// Statement syntax, one per line:  [?flag|?!flag]… NAME = EXPR   |   [?flag]… sum NAME += EXPR   |   max NAME = EXPR
//   |   acc NAME += EXPR
// NAME is an array (a store), or a local. EXPR: numbers, names, + - * / (usual precedence), unary -,
// sqrt abs max min sign(x) select(mask, a, b), masks gt lt ge le eq ne (a, b), or(m1, m2), and(m1, m2).
// Arrays: `p` (parameters), `g` (gradients) and state fields by name. Scalars: float32 arguments, per step.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The descriptions. `id` names the kernel; the bindings in src/nn/kernels/wasm-optimizers.ts say which optimizer uses it. */
export const KERNELS = [
  { id: "sgd", arrays: ["p", "g"], scalars: ["lr"], body: "p = p - lr*g" },
  {
    id: "momentum",
    arrays: ["p", "g", "v"],
    scalars: ["lr", "mu"],
    body: `v = mu*v - lr*g
           p = p + v`,
  },
  {
    id: "nesterov",
    arrays: ["p", "g", "v"],
    scalars: ["lr", "mu", "mu2", "gf"],
    body: `v = mu*v - lr*g
           p = p + mu2*v
           p = p - gf*g`,
  },
  {
    id: "adagrad",
    arrays: ["p", "g", "h"],
    scalars: ["lr", "eps"],
    body: `h = h + g*g
           p = p - lr*g/(sqrt(h) + eps)`,
  },
  {
    id: "rmsprop",
    arrays: ["p", "g", "h"],
    scalars: ["lr", "rho", "orho", "eps"],
    body: `h = h*rho
           h = h + orho*g*g
           p = p - lr*g/(sqrt(h) + eps)`,
  },
  {
    id: "adam",
    arrays: ["p", "g", "m", "v"],
    scalars: ["lrT", "b1c", "b2c", "eps"],
    body: `m = m + b1c*(g - m)
           v = v + b2c*(g*g - v)
           p = p - lrT*m/(sqrt(v) + eps)`,
  },
  {
    id: "torch_sgd",
    arrays: ["p", "g", "b"],
    flags: ["mom"],
    scalars: ["sgn", "coupled", "lr", "keep", "fresh", "gshare", "bshare"],
    body: `G = sgn*g + coupled*p
           ?!mom p = p - lr*G
           ?mom b = keep*b + fresh*G
           ?mom p = p - lr*(gshare*G + bshare*b)`,
  },
  {
    id: "torch_adagrad",
    arrays: ["p", "g", "s"],
    scalars: ["sgn", "coupled", "nclr", "eps"],
    body: `G = sgn*g + coupled*p
           s = s + G*G
           p = p + nclr*G/(sqrt(s) + eps)`,
  },
  {
    id: "torch_rmsprop",
    arrays: ["p", "g", "v", "gAvg", "b"],
    flags: ["cen", "mom"],
    scalars: ["sgn", "coupled", "rho", "orho", "mu", "nlr", "eps"],
    body: `G = sgn*g + coupled*p
           v = rho*v + orho*G*G
           ?cen gAvg = gAvg + orho*(G - gAvg)
           ?cen D = sqrt(v - gAvg*gAvg) + eps
           ?!cen D = sqrt(v) + eps
           ?!mom p = p + nlr*G/D
           ?mom b = mu*b + G/D
           ?mom p = p + nlr*b`,
  },
  {
    id: "torch_adam",
    arrays: ["p", "g", "m", "v", "vMax"],
    flags: ["ams"],
    scalars: ["sgn", "coupled", "shrink", "b1c", "beta2", "b2c", "negStep", "bc2Sqrt", "eps"],
    body: `P = p
           G = sgn*g + coupled*P
           m = m + b1c*(G - m)
           v = beta2*v + b2c*G*G
           ?ams vMax = max(vMax, v)
           ?ams p = P*shrink + negStep*m/(sqrt(vMax)/bc2Sqrt + eps)
           ?!ams p = P*shrink + negStep*m/(sqrt(v)/bc2Sqrt + eps)`,
  },
  {
    id: "nadam",
    arrays: ["p", "g", "m", "v"],
    scalars: ["sgn", "coupled", "shrink", "b1c", "beta2", "b2c", "bc2", "eps", "gf", "mf"],
    body: `P = p
           G = sgn*g + coupled*P
           m = m + b1c*(G - m)
           v = beta2*v + b2c*G*G
           D = sqrt(v/bc2) + eps
           p = P*shrink + gf*G/D + mf*m/D`,
  },
  {
    id: "radam",
    arrays: ["p", "g", "m", "v"],
    flags: ["rectify"],
    scalars: ["sgn", "coupled", "shrink", "b1c", "beta2", "b2c", "bc1", "bc2Sqrt", "eps", "lr", "rect"],
    body: `P = p
           G = sgn*g + coupled*P
           m = m + b1c*(G - m)
           v = beta2*v + b2c*G*G
           ?rectify A = bc2Sqrt/(sqrt(v) + eps)
           ?rectify p = P*shrink - m/bc1*lr*A*rect
           ?!rectify p = P*shrink - m/bc1*lr`,
  },
  {
    id: "adadelta",
    arrays: ["p", "g", "v", "u"],
    scalars: ["sgn", "coupled", "rho", "orho", "eps", "nlr"],
    body: `G = sgn*g + coupled*p
           v = rho*v + orho*G*G
           D = sqrt(u + eps)/sqrt(v + eps)*G
           u = rho*u + orho*D*D
           p = p + nlr*D`,
  },
  {
    id: "adamax",
    arrays: ["p", "g", "m", "u"],
    scalars: ["sgn", "coupled", "b1c", "beta2", "eps", "nclr"],
    body: `G = sgn*g + coupled*p
           m = m + b1c*(G - m)
           u = max(beta2*u, abs(G) + eps)
           p = p + nclr*m/u`,
  },
  {
    id: "lion",
    arrays: ["p", "g", "m"],
    scalars: ["ob1", "beta1", "ob2", "beta2", "nlr", "wd"],
    body: `D = sign(ob1*g + beta1*m)
           m = ob2*g + beta2*m
           p = p + nlr*(D + wd*p)`,
  },
  {
    id: "adabelief",
    arrays: ["p", "g", "m", "s"],
    scalars: [
      "ob1",
      "beta1",
      "ob2",
      "beta2",
      "epsRoot",
      "mshare",
      "gshare",
      "bcm",
      "bc1",
      "bc2",
      "eps",
      "nlr",
    ],
    body: `m = ob1*g + beta1*m
           E = g - m
           s = ob2*(E*E) + beta2*s + epsRoot
           H = mshare*(m/bcm) + gshare*(g/bc1)
           p = p + nlr*(H/(sqrt(s/bc2) + eps))`,
  },
  {
    id: "swats",
    arrays: ["p", "g", "m", "a", "v"],
    flags: ["sgd"],
    scalars: ["beta1", "ob1", "beta2", "ob2", "lrK", "eps", "sgdStep"],
    body: `?sgd v = beta1*v + g
           ?sgd p = p - sgdStep*v
           ?!sgd m = beta1*m + ob1*g
           ?!sgd a = beta2*a + ob2*g*g
           ?!sgd U = -(lrK*m)/(sqrt(a) + eps)
           ?!sgd p = p + U
           ?!sgd sum pp += U*U
           ?!sgd sum pg += U*g`,
  },
  {
    id: "adabound",
    arrays: ["p", "g", "m", "v", "vMax"],
    flags: ["ams"],
    scalars: ["wd", "beta1", "ob1", "beta2", "ob2", "stepSize", "eps", "lower", "upper"],
    body: `G = g + wd*p
           m = beta1*m + ob1*G
           v = beta2*v + ob2*G*G
           ?ams vMax = max(vMax, v)
           ?ams R = min(max(stepSize/(sqrt(vMax) + eps), lower), upper)
           ?!ams R = min(max(stepSize/(sqrt(v) + eps), lower), upper)
           p = p - R*m`,
  },
  {
    id: "optax_sgd",
    arrays: ["p", "g", "T"],
    flags: ["nest"],
    scalars: ["mu", "nlr"],
    body: `T = g + mu*T
           ?nest p = p + nlr*(g + mu*T)
           ?!nest p = p + nlr*T`,
  },
  {
    id: "optax_adam",
    arrays: ["p", "g", "m", "v"],
    flags: ["nest"],
    scalars: ["ob1", "beta1", "ob2", "beta2", "bc1", "bc1Next", "bc2", "epsRoot", "eps", "wd", "nlr"],
    body: `m = ob1*g + beta1*m
           v = ob2*(g*g) + beta2*v
           ?nest H = beta1*(m/bc1Next) + ob1*(g/bc1)
           ?!nest H = m/bc1
           U = H/(sqrt(v/bc2 + epsRoot) + eps) + wd*p
           p = p + nlr*U`,
  },
  {
    // Schedule-Free's averaging (schedule-free.ts averageStep) after the base update u of z.
    id: "schedule_free_sgd",
    arrays: ["p", "g", "z", "x", "u"],
    flags: ["hasBeta"],
    scalars: ["nlr", "wd", "beta", "omb", "ck", "omck"],
    body: `Y = p
           u = nlr*(g + wd*Y)
           ?hasBeta XP = (Y - omb*z)/beta
           ?!hasBeta XP = x
           Z = z + u
           X = omck*XP + ck*Z
           p = beta*X + omb*Z
           z = Z
           x = X`,
  },
  {
    id: "schedule_free_adamw",
    arrays: ["p", "g", "v", "z", "x", "u"],
    flags: ["hasBeta"],
    scalars: ["ob2", "beta2", "bc2", "eps", "nlr", "wd", "beta", "omb", "ck", "omck"],
    body: `Y = p
           v = ob2*(g*g) + beta2*v
           u = nlr*(g/(sqrt(v/bc2) + eps) + wd*Y)
           ?hasBeta XP = (Y - omb*z)/beta
           ?!hasBeta XP = x
           Z = z + u
           X = omck*XP + ck*Z
           p = beta*X + omb*Z
           z = Z
           x = X`,
  },
  {
    id: "prodigy_moments",
    arrays: ["p", "g", "m", "v", "s", "theta0"],
    scalars: ["d", "beta1", "ob1", "beta2", "ob2", "beta3", "sWeight", "d0"],
    body: `sum acc += g*(theta0 - p)
           DG = d*g
           m = beta1*m + ob1*DG
           v = beta2*v + ob2*DG*DG
           s = beta3*s + sWeight*DG/d0
           sum sAbs += abs(s)`,
  },
  {
    id: "prodigy_update",
    arrays: ["p", "m", "v"],
    scalars: ["decay", "dlr", "epsTerm"],
    body: "p = p + (decay*p - dlr*m/(sqrt(v) + epsTerm))",
  },
  {
    id: "dadapt_moments",
    arrays: ["p", "g", "m", "v", "s"],
    scalars: ["eps", "beta1", "ob1dlr", "beta2", "ob2", "sb2", "osb2dlr"],
    body: `sum acc += g*(s/(sqrt(v) + eps))
           m = beta1*m + ob1dlr*g
           v = beta2*v + ob2*g*g
           s = sb2*s + osb2dlr*g
           sum sAbs += abs(s)`,
  },
  {
    id: "dadapt_update",
    arrays: ["p", "m", "v"],
    scalars: ["eps", "decay"],
    body: "p = p + (-m/(sqrt(v) + eps) + decay*p)",
  },
  {
    id: "adopt",
    arrays: ["p", "g", "m", "v"],
    flags: ["clip", "nest"],
    scalars: ["eps", "bound", "ob2", "beta2", "ob1", "beta1", "nlr"],
    body: `Q = g/max(sqrt(v), eps)
           ?clip Q = min(max(Q, -bound), bound)
           v = ob2*(g*g) + beta2*v
           m = ob1*Q + beta1*m
           ?nest U = ob1*Q + beta1*m
           ?!nest U = m
           p = p + nlr*U`,
  },
  {
    id: "ademamix",
    arrays: ["p", "g", "m1", "m2", "v"],
    scalars: [
      "ob1",
      "beta1",
      "ob3",
      "beta3",
      "ob2",
      "beta2",
      "bc1",
      "alpha",
      "bc2",
      "epsRoot",
      "eps",
      "wd",
      "nlr",
    ],
    body: `m1 = ob1*g + beta1*m1
           m2 = ob3*g + beta3*m2
           v = ob2*(g*g) + beta2*v
           U = (m1/bc1 + alpha*m2)/(sqrt(v/bc2 + epsRoot) + eps) + wd*p
           p = p + nlr*U`,
  },
  {
    id: "simplified_ademamix",
    arrays: ["p", "g", "m", "v"],
    scalars: ["beta1", "ob2", "beta2", "alpha", "bc2", "epsRoot", "eps", "wd", "nlr"],
    body: `m = g + beta1*m
           v = ob2*(g*g) + beta2*v
           U = (m + alpha*g)/(sqrt(v/bc2 + epsRoot) + eps) + wd*p
           p = p + nlr*U`,
  },
  {
    id: "lamb_moments",
    arrays: ["p", "g", "m", "v", "r"],
    scalars: ["ob1", "beta1", "ob2", "beta2", "bc1", "bc2", "epsRoot", "eps", "wd"],
    body: `m = ob1*g + beta1*m
           v = ob2*(g*g) + beta2*v
           r = m/bc1/(sqrt(v/bc2 + epsRoot) + eps) + wd*p
           sum ps += p*p
           sum us += r*r`,
  },
  { id: "scaled_add", arrays: ["p", "r"], scalars: ["nlr", "ratio"], body: "p = p + nlr*(r*ratio)" },
  {
    id: "lars_update",
    arrays: ["p", "g", "u"],
    scalars: ["wd"],
    body: `u = g + wd*p
           sum ps += p*p
           sum us += u*u`,
  },
  {
    id: "lars_step",
    arrays: ["p", "u", "T"],
    flags: ["nest"],
    scalars: ["nlr", "ratio", "mu"],
    body: `S = nlr*(u*ratio)
           T = S + mu*T
           ?nest p = p + (S + mu*T)
           ?!nest p = p + T`,
  },
  {
    id: "yogi",
    arrays: ["p", "g", "m", "v"],
    scalars: ["ob1", "beta1", "ob2", "bc1", "bc2", "eps", "nlr"],
    body: `G2 = g*g
           m = ob1*g + beta1*m
           v = v - ob2*sign(v - G2)*G2
           p = p + nlr*(m/bc1/(sqrt(v/bc2) + eps))`,
  },
  {
    id: "adan",
    arrays: ["p", "g", "m", "v", "n", "gPrev"],
    flags: ["first"],
    scalars: [
      "ob1",
      "beta1",
      "ob2",
      "beta2",
      "ob3",
      "beta3",
      "bc1",
      "bc2",
      "bc3",
      "eps",
      "epsRoot",
      "wd",
      "nlr",
    ],
    body: `?first D = 0
           ?!first D = g - gPrev
           m = ob1*g + beta1*m
           v = ob2*D + beta2*v
           A = g + ob2*D
           n = ob3*(A*A) + beta3*n
           W = m/bc1 + ob2*(v/bc2)
           U = W/(eps + sqrt(epsRoot + n/bc3)) + wd*p
           p = p + nlr*U
           gPrev = g`,
  },
  { id: "sum_squares", arrays: ["g"], scalars: [], body: "sum sq += g*g" },
  {
    id: "novograd",
    arrays: ["p", "g", "m"],
    flags: ["first"],
    scalars: ["den", "wd", "mom", "nlr"],
    body: `N = g/den + wd*p
           ?first m = N
           ?!first m = N + mom*m
           p = p + nlr*m`,
  },
  {
    id: "norms",
    arrays: ["p", "g"],
    scalars: [],
    body: `sum ps += p*p
           sum gs += g*g`,
  },
  {
    id: "fromage",
    arrays: ["p", "g"],
    scalars: ["ratio", "negStep", "shrink"],
    body: "p = p + (g*ratio*negStep + shrink*p)",
  },
  {
    id: "amsgrad",
    arrays: ["p", "g", "m", "v", "vMax"],
    scalars: ["ob1", "beta1", "ob2", "beta2", "bc1", "bc2", "epsRoot", "eps", "nlr"],
    body: `m = ob1*g + beta1*m
           v = ob2*(g*g) + beta2*v
           VH = v/bc2
           vMax = select(or(gt(VH, vMax), ne(VH, VH)), VH, vMax)
           p = p + nlr*(m/bc1/(sqrt(vMax + epsRoot) + eps))`,
  },
  {
    id: "rprop",
    arrays: ["p", "g", "prev", "stepSize"],
    scalars: ["sgn", "etaPlus", "etaMinus", "stepMin", "stepMax"],
    body: `G = sgn*g
           S = sign(G*prev)
           F = select(gt(S, 0), etaPlus, select(lt(S, 0), etaMinus, 1))
           stepSize = min(max(stepSize*F, stepMin), stepMax)
           G = select(eq(F, etaMinus), 0, G)
           p = p - sign(G)*stepSize
           prev = G`,
  },
  {
    id: "asgd",
    arrays: ["p", "g", "ax"],
    flags: ["avg"],
    scalars: ["sgn", "wd", "shrink", "negEta", "mu"],
    body: `G = sgn*g + wd*p
           P = p*shrink
           p = P + negEta*G
           ?avg ax = ax + (p - ax)*mu
           ?!avg ax = p`,
  },
  // Muon (src/optim/muon.ts): the momentum buffer (torch lerp, both branches as flags), the Newton–Schulz
  // combinations around the kernels' GEMMs, and the final step. p is the array written, g the one read.
  {
    id: "muon_momentum",
    arrays: ["g", "b", "u"],
    flags: ["nesterov", "smallWeight", "smallMu"],
    scalars: ["weight", "omw", "mu", "omu"],
    body: `?smallWeight b = b + weight*(g - b)
           ?!smallWeight b = g - (g - b)*omw
           ?nesterov ?smallMu u = g + mu*(b - g)
           ?nesterov ?!smallMu u = b - (b - g)*omu
           ?!nesterov u = b`,
  },
  { id: "divide", arrays: ["p"], scalars: ["s"], body: "p = p/s" },
  { id: "ns_combine", arrays: ["p", "g"], scalars: ["b", "c"], body: "p = b*p + c*g" },
  { id: "ns_step", arrays: ["p", "g"], scalars: ["a"], body: "p = a*g + p" },
  { id: "muon_apply", arrays: ["p", "g"], scalars: ["shrink", "nadj"], body: "p = p*shrink + nadj*g" },
  // Cautious(base): before ← θ, the base's step, then keep the coordinates where the update agrees with g.
  { id: "copy", arrays: ["p", "before"], scalars: [], body: "before = p" },
  {
    id: "cautious_count",
    arrays: ["p", "g", "before"],
    scalars: [],
    body: "sum kept += select(lt((p - before)*g, 0), 1, 0)",
  },
  {
    id: "cautious_apply",
    arrays: ["p", "g", "before"],
    scalars: ["scale"],
    body: `U = p - before
           p = select(lt(U*g, 0), before + U*scale, before)`,
  },
  // The matrix methods (adafactor.ts, torch-adafactor.ts, sm3.ts). A matrix kernel (`matrix: true`) walks a rows ×
  // cols matrix row by row in one call: `cols` arrays are one row long (per column), `rowScalars` arrays give one
  // value per row (read as a scalar), `row sum` / `row max` store one total per row into a `rowOut` array (float64
  // for a sum), `wide` arrays are float64 per column. The small row/column statistics are updated in JavaScript.
  // factored_sums: each row's sum of g² + ε, the column sums (float64, as the library's loops), and Σθ².
  {
    id: "factored_sums",
    matrix: true,
    arrays: ["p", "g", "cs", "rs"],
    cols: ["cs"],
    wide: ["cs"],
    rowOut: ["rs"],
    scalars: ["eps"],
    body: `Q = g*g + eps
           acc cs += Q
           row sum rs += Q
           sum ps += p*p`,
  },
  // optax.adafactor, not factored: V ← β̂·V + (1 − β̂)·(g² + ε), u = g/√V; rms(u) and rms(θ) for the clip and the scale.
  {
    id: "adafactor_second",
    arrays: ["p", "g", "V", "u"],
    scalars: ["decay", "omd", "eps"],
    body: `V = decay*V + omd*(g*g + eps)
           u = g/sqrt(V)
           sum us += u*u
           sum ps += p*p`,
  },
  // optax.adafactor, factored: u = g·(x·qa)^(−½)·(w·qb)^(−½), x one value per row, w one per column (R and C, in
  // the order of the matrix's orientation, with 1/R̄ on R's side).
  {
    id: "adafactor_rows",
    matrix: true,
    arrays: ["g", "u", "x", "w"],
    rowScalars: ["x"],
    cols: ["w"],
    scalars: ["qa", "qb"],
    body: `u = g/sqrt(x*qa)/sqrt(w*qb)
           sum us += u*u`,
  },
  // optax.adafactor's tail: u ← u·f (clip and parameter scale), momentum, θ ← θ − (step + λθ).
  {
    id: "adafactor_apply",
    arrays: ["p", "u", "m"],
    flags: ["mom"],
    scalars: ["f", "sc", "omu", "mu", "wd"],
    body: `u = u*f
           S = u*sc
           ?mom S = omu*S + mu*m
           ?mom m = S
           p = p - (S + wd*p)`,
  },
  // torch Adafactor, a vector: v ← lerp(v, G², w) (torch's two branches of lerp as a flag), U = G/√max(v, ε₁²).
  {
    id: "torch_adafactor_vector",
    arrays: ["p", "g", "v"],
    flags: ["smallWeight"],
    scalars: ["sgn", "w", "omw", "floor"],
    body: `G = sgn*g
           ?smallWeight v = v + w*(G*G - v)
           ?!smallWeight v = G*G - (G*G - v)*omw
           U = G/sqrt(max(v, floor))
           sum us += U*U
           sum ps += p*p`,
  },
  {
    id: "torch_adafactor_vector_apply",
    arrays: ["p", "g", "v"],
    scalars: ["sgn", "floor", "shrink", "negStep"],
    body: "p = p*shrink + negStep*(sgn*g/sqrt(max(v, floor)))",
  },
  // torch Adafactor, factored: U = G/√max(r·c/r̄, ε₁²), first for rms(U) (apply = 0), then applied (apply = 1).
  {
    id: "torch_adafactor_rows",
    matrix: true,
    arrays: ["p", "g", "r", "c"],
    flags: ["apply"],
    rowScalars: ["r"],
    cols: ["c"],
    scalars: ["sgn", "irm", "floor", "shrink", "negStep"],
    body: `U = sgn*g/sqrt(max(r*c*irm, floor))
           ?!apply sum us += U*U
           ?apply p = p*shrink + negStep*U`,
  },
  // optax.sm3, a vector: AdaGrad with ε inside the root, then the EMA momentum.
  {
    id: "sm3_vector",
    arrays: ["p", "g", "a", "m"],
    scalars: ["ob1", "beta1", "nlr", "eps"],
    body: `A = g*g + a
           a = A
           N = select(gt(A, 0), g*(1/sqrt(A + eps)), 0)
           m = ob1*N + beta1*m
           p = p + nlr*m`,
  },
  // optax.sm3, a matrix: A = g² + min(rᵢ, cⱼ); each row's maximum into rNext, the columns' running maxima in cNext.
  {
    id: "sm3_rows",
    matrix: true,
    arrays: ["p", "g", "m", "r", "c", "cNext", "rNext"],
    rowScalars: ["r"],
    cols: ["c", "cNext"],
    rowOut: ["rNext"],
    scalars: ["ob1", "beta1", "nlr", "eps"],
    body: `A = g*g + min(r, c)
           row max rNext = A
           cNext = max(cNext, A)
           N = select(gt(A, 0), g*(1/sqrt(A + eps)), 0)
           m = ob1*N + beta1*m
           p = p + nlr*m`,
  },
];

// ---- parsing ----

function tokenize(text) {
  const tokens = [];
  const re = /\s*(?:(\d+(?:\.\d*)?(?:e[+-]?\d+)?)|([A-Za-z_]\w*)|(.))/gy;
  let match;
  while (re.lastIndex < text.length && (match = re.exec(text)) !== null) {
    if (match[1] !== undefined) tokens.push({ kind: "num", value: match[1] });
    else if (match[2] !== undefined) tokens.push({ kind: "name", value: match[2] });
    else if (match[3] !== undefined && match[3].trim() !== "") tokens.push({ kind: "op", value: match[3] });
  }
  return tokens;
}

function parseExpression(text) {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const take = (value) => {
    const token = tokens[at++];
    if (value !== undefined && token?.value !== value) throw new Error(`expected ${value} in ${text}`);
    return token;
  };
  const primary = () => {
    const token = take();
    if (token === undefined) throw new Error(`unexpected end of ${text}`);
    if (token.kind === "num") return { kind: "num", value: token.value };
    if (token.value === "(") {
      const inner = sum();
      take(")");
      return inner;
    }
    if (token.value === "-") return { kind: "neg", arg: primary() };
    if (token.kind === "name") {
      if (peek()?.value === "(") {
        take("(");
        const args = [sum()];
        while (peek()?.value === ",") {
          take(",");
          args.push(sum());
        }
        take(")");
        return { kind: "call", name: token.value, args };
      }
      return { kind: "name", name: token.value };
    }
    throw new Error(`unexpected ${token.value} in ${text}`);
  };
  const product = () => {
    let left = primary();
    while (peek()?.value === "*" || peek()?.value === "/")
      left = { kind: "bin", op: take().value, left, right: primary() };
    return left;
  };
  const sum = () => {
    let left = product();
    while (peek()?.value === "+" || peek()?.value === "-")
      left = { kind: "bin", op: take().value, left, right: product() };
    return left;
  };
  const tree = sum();
  if (at !== tokens.length) throw new Error(`trailing tokens in ${text}`);
  return tree;
}

function parseBody(kernel) {
  return kernel.body
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => {
      let rest = line;
      const when = [];
      for (let flag = /^\?(!?)(\w+)\s+/.exec(rest); flag; flag = /^\?(!?)(\w+)\s+/.exec(rest)) {
        when.push({ negate: flag[1] === "!", flag: flag[2] });
        if (!(kernel.flags ?? []).includes(flag[2])) throw new Error(`${kernel.id}: unknown flag ${flag[2]}`);
        rest = rest.slice(flag[0].length);
      }
      const rowReduction = /^row\s+(sum|max)\s+(\w+)\s*(?:\+=|=)\s*(.+)$/.exec(rest);
      if (rowReduction) {
        if (!(kernel.rowOut ?? []).includes(rowReduction[2])) {
          throw new Error(`${kernel.id}: row ${rowReduction[1]} into ${rowReduction[2]}, not a rowOut array`);
        }
        return {
          when,
          kind: `row${rowReduction[1]}`,
          target: rowReduction[2],
          expr: parseExpression(rowReduction[3]),
        };
      }
      const reduction = /^sum\s+(\w+)\s*\+=\s*(.+)$/.exec(rest);
      if (reduction) return { when, kind: "sum", target: reduction[1], expr: parseExpression(reduction[2]) };
      const most = /^max\s+(\w+)\s*=\s*(.+)$/.exec(rest);
      if (most) return { when, kind: "max", target: most[1], expr: parseExpression(most[2]) };
      const accumulate = /^acc\s+(\w+)\s*\+=\s*(.+)$/.exec(rest);
      if (accumulate) {
        if (!(kernel.wide ?? []).includes(accumulate[1]))
          throw new Error(`${kernel.id}: acc into ${accumulate[1]}, not a wide array`);
        return { when, kind: "acc", target: accumulate[1], expr: parseExpression(accumulate[2]) };
      }
      const assign = /^(\w+)\s*=\s*(.+)$/.exec(rest);
      if (!assign) throw new Error(`${kernel.id}: cannot read ${line}`);
      return { when, kind: "set", target: assign[1], expr: parseExpression(assign[2]) };
    });
}

function reductionsOf(kernel) {
  return reductionKinds(kernel).map((r) => r.name);
}

/** The kernel's reductions over all its elements in order of first appearance, each `sum` or `max`. */
function reductionKinds(kernel) {
  return kindsOf(kernel, ["sum", "max"]);
}

/** A matrix kernel's per-row reductions (`row sum`, `row max`), each stored into its rowOut array at the row's end. */
function rowReductionKinds(kernel) {
  return kindsOf(kernel, ["rowsum", "rowmax"]).map((r) => ({ ...r, kind: r.kind.slice(3) }));
}

function kindsOf(kernel, kinds) {
  const out = [];
  for (const s of parseBody(kernel)) {
    if (kinds.includes(s.kind) && !out.some((r) => r.name === s.target))
      out.push({ name: s.target, kind: s.kind });
  }
  return out;
}

/**
 * Where array `name` of `kernel` is read and written at element offset `o` (bytes of a float32): a matrix kernel
 * walks rows × cols row by row (`rb` = the row's byte offset), its `cols` arrays are one row long and its `wide`
 * arrays hold float64 per column; everything else is indexed like the parameters.
 */
function addressOf(kernel, name) {
  const wide = (kernel.wide ?? []).includes(name);
  if (kernel.matrix && !(kernel.cols ?? []).includes(name) && !wide) return `a_${name} + rb + o`;
  return wide ? `a_${name} + (o << 1)` : `a_${name} + o`;
}

// ---- AssemblyScript emission ----

const VECTOR = {
  "+": "f32x4.add",
  "-": "f32x4.sub",
  "*": "f32x4.mul",
  "/": "f32x4.div",
};

function literal(value) {
  return value.includes(".") || value.includes("e") ? value : `${value}.0`;
}

/** Emits one loop body (vector or scalar) for one variant; returns lines. */
function emitBody(kernel, statements, vector) {
  const lines = [];
  const arrays = new Set(kernel.arrays);
  const scalars = new Set(kernel.scalars);
  const current = new Map(); // name → AS expression holding its value in this iteration
  let temp = 0;
  const fresh = () => `t${temp++}`;
  const wide = new Set(kernel.wide ?? []);
  const rowScalars = new Set(kernel.rowScalars ?? []);
  const read = (name) => {
    if (current.has(name)) return current.get(name);
    if (wide.has(name)) throw new Error(`${kernel.id}: the wide array ${name} is only accumulated into`);
    if (rowScalars.has(name)) return vector ? `v_${name}` : `s_${name}`;
    if (arrays.has(name)) {
      const local = `l_${name}`;
      const at = addressOf(kernel, name);
      lines.push(vector ? `const ${local} = v128.load(${at});` : `const ${local} = load<f32>(${at});`);
      current.set(name, local);
      return local;
    }
    if (scalars.has(name)) return vector ? `v_${name}` : name;
    throw new Error(`${kernel.id}: ${name} is read before it is set`);
  };
  const constants = new Map();
  const expr = (node) => {
    switch (node.kind) {
      case "num":
        if (!vector) return `<f32>${literal(node.value)}`;
        if (!constants.has(node.value)) constants.set(node.value, `c${constants.size}`);
        return `k_${constants.get(node.value)}`;
      case "name":
        return read(node.name);
      case "neg":
        return vector ? `f32x4.neg(${expr(node.arg)})` : `(-${expr(node.arg)})`;
      case "bin":
        return vector
          ? `${VECTOR[node.op]}(${expr(node.left)}, ${expr(node.right)})`
          : `(${expr(node.left)} ${node.op} ${expr(node.right)})`;
      case "call": {
        const a = node.args.map(expr);
        const fn = node.name;
        if (vector) {
          if (["sqrt", "abs"].includes(fn)) return `f32x4.${fn}(${a[0]})`;
          if (["max", "min"].includes(fn)) return `f32x4.${fn}(${a[0]}, ${a[1]})`;
          if (["gt", "lt", "ge", "le", "eq", "ne"].includes(fn)) return `f32x4.${fn}(${a[0]}, ${a[1]})`;
          if (fn === "or") return `v128.or(${a[0]}, ${a[1]})`;
          if (fn === "and") return `v128.and(${a[0]}, ${a[1]})`;
          if (fn === "select") return `v128.bitselect(${a[1]}, ${a[2]}, ${a[0]})`;
          if (fn === "sign") return `signv(${a[0]})`;
        } else {
          if (["sqrt", "abs", "max", "min"].includes(fn)) return `${fn}<f32>(${a.join(", ")})`;
          const cmp = { gt: ">", lt: "<", ge: ">=", le: "<=", eq: "==", ne: "!=" }[fn];
          if (cmp) return `(${a[0]} ${cmp} ${a[1]})`;
          if (fn === "or") return `(${a[0]} || ${a[1]})`;
          if (fn === "and") return `(${a[0]} && ${a[1]})`;
          if (fn === "select") return `select<f32>(${a[1]}, ${a[2]}, ${a[0]})`;
          if (fn === "sign") return `signs(${a[0]})`;
        }
        throw new Error(`${kernel.id}: unknown function ${fn}`);
      }
    }
    throw new Error(`${kernel.id}: bad node`);
  };
  const reductions = reductionsOf(kernel);
  const rowReductions = rowReductionKinds(kernel).map((r) => r.name);
  for (const s of statements) {
    const value = expr(s.expr);
    if (s.kind === "rowsum" || s.kind === "rowmax") {
      const q = rowReductions.indexOf(s.target);
      if (s.kind === "rowmax") {
        lines.push(vector ? `q${q}m = f32x4.max(q${q}m, ${value});` : `q${q}t = max<f32>(q${q}t, ${value});`);
      } else if (vector) {
        const t = fresh();
        lines.push(`const ${t} = ${value};`);
        lines.push(`q${q}a = f64x2.add(q${q}a, f64x2.promote_low_f32x4(${t}));`);
        lines.push(
          `q${q}b = f64x2.add(q${q}b, f64x2.promote_low_f32x4(i32x4.shuffle(${t}, ${t}, 2, 3, 0, 1)));`,
        );
      } else {
        lines.push(`q${q}s += <f64>${value};`);
      }
      continue;
    }
    if (s.kind === "sum") {
      const r = reductions.indexOf(s.target);
      if (vector) {
        const t = fresh();
        lines.push(`const ${t} = ${value};`);
        lines.push(`r${r}a = f64x2.add(r${r}a, f64x2.promote_low_f32x4(${t}));`);
        lines.push(
          `r${r}b = f64x2.add(r${r}b, f64x2.promote_low_f32x4(i32x4.shuffle(${t}, ${t}, 2, 3, 0, 1)));`,
        );
      } else {
        lines.push(`r${r}s += <f64>${value};`);
      }
      continue;
    }
    if (s.kind === "max") {
      const r = reductions.indexOf(s.target);
      if (vector) lines.push(`r${r}m = f32x4.max(r${r}m, ${value});`);
      else lines.push(`r${r}t = max<f32>(r${r}t, ${value});`);
      continue;
    }
    if (s.kind === "acc") {
      // float64 lanes: element i at byte 8·i = 2·o.
      const at = addressOf(kernel, s.target);
      if (vector) {
        const t = fresh();
        lines.push(`const ${t} = ${value};`);
        lines.push(`v128.store(${at}, f64x2.add(v128.load(${at}), f64x2.promote_low_f32x4(${t})));`);
        lines.push(
          `v128.store(${at} + 16, f64x2.add(v128.load(${at} + 16), f64x2.promote_low_f32x4(i32x4.shuffle(${t}, ${t}, 2, 3, 0, 1))));`,
        );
      } else {
        lines.push(`store<f64>(${at}, load<f64>(${at}) + <f64>${value});`);
      }
      continue;
    }
    const t = fresh();
    lines.push(`const ${t} = ${value};`);
    current.set(s.target, t);
    if (arrays.has(s.target)) {
      const at = addressOf(kernel, s.target);
      lines.push(vector ? `v128.store(${at}, ${t});` : `store<f32>(${at}, ${t});`);
    }
  }
  return { lines, constants };
}

function variants(kernel) {
  const flags = kernel.flags ?? [];
  return Array.from({ length: 2 ** flags.length }, (_, bits) => {
    const on = new Set(flags.filter((_, i) => bits & (1 << i)));
    return { bits, on };
  });
}

/** Declarations of reduction registers (`r` over all elements, `q` per row) at `indent`. */
function reductionInit(kinds, prefix, indent) {
  const out = [];
  kinds.forEach(({ kind }, r) => {
    if (kind === "sum") {
      out.push(`${indent}let ${prefix}${r}a = f64x2.splat(0), ${prefix}${r}b = f64x2.splat(0);`);
      out.push(`${indent}let ${prefix}${r}s: f64 = 0;`);
    } else {
      out.push(`${indent}let ${prefix}${r}m = f32x4.splat(-Infinity);`);
      out.push(`${indent}let ${prefix}${r}t: f32 = -Infinity;`);
    }
  });
  return out;
}

/** The total of register `prefix``r` of `kind`: float64 for a sum, float32 for a max. */
function reductionTotal(kind, prefix, r) {
  const x = `${prefix}${r}`;
  return kind === "sum"
    ? `f64x2.extract_lane(${x}a, 0) + f64x2.extract_lane(${x}a, 1) + f64x2.extract_lane(${x}b, 0) + f64x2.extract_lane(${x}b, 1) + ${x}s`
    : `max<f32>(max<f32>(max<f32>(f32x4.extract_lane(${x}m, 0), f32x4.extract_lane(${x}m, 1)), max<f32>(f32x4.extract_lane(${x}m, 2), f32x4.extract_lane(${x}m, 3))), ${x}t)`;
}

function emitKernel(kernel) {
  const body = parseBody(kernel);
  const reductions = reductionKinds(kernel);
  const rowReductions = rowReductionKinds(kernel);
  const matrix = kernel.matrix === true;
  const out = [];
  out.push(
    `// ${kernel.id}${kernel.flags ? ` (flags: ${kernel.flags.join(", ")}; variant bit i = flag i)` : ""}${matrix ? " — rows × cols, row by row" : ""}`,
  );
  for (const line of kernel.body.split("\n")) out.push(`//   ${line.trim()}`);
  for (const { bits, on } of variants(kernel)) {
    const statements = body.filter((s) => s.when.every((w) => on.has(w.flag) !== w.negate));
    const params = [
      ...kernel.arrays.map((a) => `a_${a}: usize`),
      ...(matrix ? ["rows: i32", "cols: i32"] : ["n: i32"]),
      ...kernel.scalars.map((s) => `${s}: f32`),
    ];
    out.push(`export function opt_${kernel.id}_${bits}(${params.join(", ")}): void {`);
    const vector = emitBody(kernel, statements, true);
    for (const s of kernel.scalars) out.push(`  const v_${s} = f32x4.splat(${s});`);
    for (const [value, name] of vector.constants)
      out.push(`  const k_${name} = f32x4.splat(<f32>${literal(value)});`);
    out.push(...reductionInit(reductions, "r", "  "));
    // A matrix kernel runs the element loop once per row; a vector kernel once.
    const indent = matrix ? "    " : "  ";
    const length = matrix ? "cols" : "n";
    if (matrix) {
      out.push("  const n4 = cols & ~3;");
      out.push("  for (let row = 0; row < rows; row++) {");
      out.push("    const rb = (<usize>row * <usize>cols) << 2;");
      for (const name of kernel.rowScalars ?? []) {
        out.push(`    const s_${name} = load<f32>(a_${name} + (<usize>row << 2));`);
        out.push(`    const v_${name} = f32x4.splat(s_${name});`);
      }
      out.push(...reductionInit(rowReductions, "q", indent));
    } else {
      out.push("  const n4 = n & ~3;");
    }
    out.push(`${indent}let i = 0;`);
    out.push(`${indent}for (; i < n4; i += 4) {`);
    out.push(`${indent}  const o = <usize>i << 2;`);
    for (const line of vector.lines) out.push(`${indent}  ${line}`);
    out.push(`${indent}}`);
    out.push(`${indent}for (; i < ${length}; i++) {`);
    out.push(`${indent}  const o = <usize>i << 2;`);
    for (const line of emitBody(kernel, statements, false).lines) out.push(`${indent}  ${line}`);
    out.push(`${indent}}`);
    if (matrix) {
      rowReductions.forEach(({ name, kind }, q) => {
        out.push(
          kind === "sum"
            ? `    store<f64>(a_${name} + (<usize>row << 3), ${reductionTotal(kind, "q", q)});`
            : `    store<f32>(a_${name} + (<usize>row << 2), ${reductionTotal(kind, "q", q)});`,
        );
      });
      out.push("  }");
    }
    reductions.forEach(({ kind }, r) => {
      const total = reductionTotal(kind, "r", r);
      out.push(`  store<f64>(REDUCTIONS + ${8 * r}, ${kind === "sum" ? total : `<f64>${total}`});`);
    });
    out.push("}");
  }
  return out.join("\n");
}

function emitAssemblyScript() {
  const most = Math.max(...KERNELS.map((k) => reductionsOf(k).length));
  return [
    "// GENERATED by scripts/gen-simd-steps.mjs from one description per optimizer step: do not edit by hand.",
    "// Every pointer is a byte offset into the module's memory; every array is float32; arithmetic is float32;",
    "// reductions are float64 and land in REDUCTIONS (reduction_ptr()).",
    "",
    `const REDUCTIONS: usize = memory.data(${8 * Math.max(1, most)}, 16);`,
    "",
    "export function reduction_ptr(): usize {",
    "  return REDUCTIONS;",
    "}",
    "",
    "// Math.sign: ±1, and the argument itself for ±0 and NaN.",
    "@inline function signv(x: v128): v128 {",
    "  const one = f32x4.splat(1);",
    "  return v128.bitselect(one, v128.bitselect(f32x4.neg(one), x, f32x4.lt(x, f32x4.splat(0))), f32x4.gt(x, f32x4.splat(0)));",
    "}",
    "@inline function signs(x: f32): f32 {",
    "  return x > 0 ? <f32>1 : x < 0 ? <f32>-1 : x;",
    "}",
    "",
    ...KERNELS.map(emitKernel),
    "",
  ].join("\n");
}

// ---- TypeScript emission ----

function emitTypeScript() {
  const lines = [
    "// GENERATED by scripts/gen-simd-steps.mjs from one description per optimizer step: do not edit by hand.",
    "// The typed face of wasm/optimizer-steps.gen.ts: each kernel's exports and one caller that passes the arrays",
    "// by name (p = parameters, g = gradients, the rest = state fields) and picks the variant of the flags.",
    "",
    "type Ptr = number;",
    "type StateArrays = Readonly<Record<string, number | Float32Array | Float64Array>>;",
    "",
    "/** The generated exports of the kernel module. */",
    "export interface StepKernelExports {",
    "  reduction_ptr(): Ptr;",
  ];
  for (const kernel of KERNELS) {
    const params = [
      ...kernel.arrays.map((a) => `a_${a}: Ptr`),
      ...(kernel.matrix ? ["rows: number", "cols: number"] : ["n: number"]),
      ...kernel.scalars.map((s) => `${s}: number`),
    ];
    for (const { bits } of variants(kernel))
      lines.push(`  opt_${kernel.id}_${bits}(${params.join(", ")}): void;`);
  }
  lines.push("}", "");
  lines.push(
    "/** Every kernel's description: arrays, per-step float32 scalars, flags (variant bit i = flag i) and reductions. */",
  );
  lines.push("export const STEP_KERNELS = {");
  for (const kernel of KERNELS) {
    lines.push(
      `  ${kernel.id}: { arrays: ${JSON.stringify(kernel.arrays)}, scalars: ${JSON.stringify(kernel.scalars)}, flags: ${JSON.stringify(kernel.flags ?? [])}, reductions: ${JSON.stringify(reductionsOf(kernel))}${kernel.wide ? `, wide: ${JSON.stringify(kernel.wide)}` : ""} },`,
    );
  }
  lines.push("} as const;", "");
  lines.push("const at = (s: StateArrays, name: string): Ptr => (s[name] as Float32Array).byteOffset;", "");
  for (const kernel of KERNELS.filter((k) => k.matrix)) lines.push(...matrixCaller(kernel));
  for (const kernel of KERNELS.filter((k) => !k.matrix)) {
    const flags = kernel.flags ?? [];
    const state = kernel.arrays.filter((a) => a !== "p" && a !== "g");
    const args = [
      "k: StepKernelExports",
      ...flags.map((f) => `${f}: boolean`),
      ...(kernel.arrays.includes("p") ? ["p: Float32Array"] : []),
      ...(kernel.arrays.includes("g") ? ["g: Float32Array"] : []),
      ...(state.length > 0 ? ["s: StateArrays"] : []),
      ...(kernel.arrays.includes("p") || kernel.arrays.includes("g") ? [] : ["n: number"]),
      ...kernel.scalars.map((s) => `${s}: number`),
    ];
    const length = kernel.arrays.includes("p") ? "p.length" : kernel.arrays.includes("g") ? "g.length" : "n";
    const pointers = kernel.arrays.map((a) =>
      a === "p" ? "p.byteOffset" : a === "g" ? "g.byteOffset" : `at(s, ${JSON.stringify(a)})`,
    );
    const call = `(${[...pointers, length, ...kernel.scalars].join(", ")})`;
    lines.push(
      `/** ${kernel.body
        .split("\n")
        .map((l) => l.trim())
        .join("; ")} */`,
    );
    lines.push(`export function ${camel(kernel.id)}(${args.join(", ")}): void {`);
    if (flags.length === 0) {
      lines.push(`  k.opt_${kernel.id}_0${call};`);
    } else {
      lines.push(`  const variant = ${flags.map((f, i) => `(${f} ? ${1 << i} : 0)`).join(" | ")};`);
      for (const { bits } of variants(kernel)) {
        lines.push(
          `  ${bits === 0 ? "" : "else "}if (variant === ${bits}) k.opt_${kernel.id}_${bits}${call};`,
        );
      }
    }
    lines.push("}", "");
  }
  return lines.join("\n");
}

/** The caller of a matrix kernel: every array by name (float64 for `wide` and float64 row sums), rows and cols. */
function matrixCaller(kernel) {
  const flags = kernel.flags ?? [];
  const args = [
    "k: StepKernelExports",
    ...flags.map((f) => `${f}: boolean`),
    `a: Readonly<{ ${kernel.arrays.map((name) => `${name}: ${arrayType(kernel, name)}`).join("; ")} }>`,
    "rows: number",
    "cols: number",
    ...kernel.scalars.map((s) => `${s}: number`),
  ];
  const call = `(${[...kernel.arrays.map((name) => `a.${name}.byteOffset`), "rows", "cols", ...kernel.scalars].join(", ")})`;
  const lines = [
    `/** rows × cols, row by row: ${kernel.body
      .split("\n")
      .map((l) => l.trim())
      .join("; ")} */`,
    `export function ${camel(kernel.id)}(${args.join(", ")}): void {`,
  ];
  if (flags.length === 0) {
    lines.push(`  k.opt_${kernel.id}_0${call};`);
  } else {
    lines.push(`  const variant = ${flags.map((f, i) => `(${f} ? ${1 << i} : 0)`).join(" | ")};`);
    for (const { bits } of variants(kernel)) {
      lines.push(`  ${bits === 0 ? "" : "else "}if (variant === ${bits}) k.opt_${kernel.id}_${bits}${call};`);
    }
  }
  lines.push("}", "");
  return lines;
}

function arrayType(kernel, name) {
  const wide =
    (kernel.wide ?? []).includes(name) ||
    rowReductionKinds(kernel).some((r) => r.name === name && r.kind === "sum");
  return wide ? "Float64Array" : "Float32Array";
}

function camel(id) {
  return `${id.replace(/_(\w)/g, (_, c) => c.toUpperCase())}Kernel`;
}

const outputs = [
  [join(ROOT, "wasm", "optimizer-steps.gen.ts"), emitAssemblyScript()],
  [join(ROOT, "src", "nn", "kernels", "simd-steps.gen.ts"), emitTypeScript()],
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--check")) {
    // The TypeScript file is formatted by biome after generation, so only the AssemblyScript is compared byte for byte.
    const [path, text] = outputs[0];
    if (readFileSync(path, "utf8") !== text) {
      console.error(`${path} is out of date: run node scripts/gen-simd-steps.mjs`);
      process.exit(1);
    }
  } else {
    for (const [path, text] of outputs) writeFileSync(path, text);
  }
}
