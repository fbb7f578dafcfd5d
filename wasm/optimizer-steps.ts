import { axpy } from "./dense";

// ---------------------------------------------------------------------------------------------------
// Optimizer steps on float32, one fused pass each, the lines following the formulas of src/optim.

// SGD: p ← p − lr·g
export function sgd_f32(p: usize, g: usize, n: i32, lr: f32): void {
  axpy(-lr, g, p, n);
}

// Momentum (book): v ← μ·v − lr·g; p ← p + v
export function momentum_f32(p: usize, g: usize, v: usize, n: i32, lr: f32, mu: f32): void {
  const lrv = f32x4.splat(lr);
  const muv = f32x4.splat(mu);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i * 4;
    const vv = f32x4.sub(f32x4.mul(muv, v128.load(v + o)), f32x4.mul(lrv, v128.load(g + o)));
    v128.store(v + o, vv);
    v128.store(p + o, f32x4.add(v128.load(p + o), vv));
  }
  for (; i < n; i++) {
    const o = <usize>i * 4;
    const vv = mu * load<f32>(v + o) - lr * load<f32>(g + o);
    store<f32>(v + o, vv);
    store<f32>(p + o, load<f32>(p + o) + vv);
  }
}

// Nesterov (book): v ← μ·v − lr·g; p ← p + μ²·v − (1 + μ)·lr·g
export function nesterov_f32(p: usize, g: usize, v: usize, n: i32, lr: f32, mu: f32): void {
  const lrv = f32x4.splat(lr);
  const muv = f32x4.splat(mu);
  const mu2 = f32x4.splat(mu * mu);
  const c = f32x4.splat((1 + mu) * lr);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i * 4;
    const gv = v128.load(g + o);
    const vv = f32x4.sub(f32x4.mul(muv, v128.load(v + o)), f32x4.mul(lrv, gv));
    v128.store(v + o, vv);
    v128.store(p + o, f32x4.sub(f32x4.add(v128.load(p + o), f32x4.mul(mu2, vv)), f32x4.mul(c, gv)));
  }
  for (; i < n; i++) {
    const o = <usize>i * 4;
    const gs = load<f32>(g + o);
    const vv = mu * load<f32>(v + o) - lr * gs;
    store<f32>(v + o, vv);
    store<f32>(p + o, load<f32>(p + o) + mu * mu * vv - (1 + mu) * lr * gs);
  }
}

// AdaGrad (book): h ← h + g²; p ← p − lr·g / (√h + eps)
export function adagrad_f32(p: usize, g: usize, h: usize, n: i32, lr: f32, eps: f32): void {
  const lrv = f32x4.splat(lr);
  const epsv = f32x4.splat(eps);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i * 4;
    const gv = v128.load(g + o);
    const hv = f32x4.add(v128.load(h + o), f32x4.mul(gv, gv));
    v128.store(h + o, hv);
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.div(f32x4.mul(lrv, gv), f32x4.add(f32x4.sqrt(hv), epsv))));
  }
  for (; i < n; i++) {
    const o = <usize>i * 4;
    const gs = load<f32>(g + o);
    const hs = load<f32>(h + o) + gs * gs;
    store<f32>(h + o, hs);
    store<f32>(p + o, load<f32>(p + o) - (lr * gs) / (sqrt<f32>(hs) + eps));
  }
}

// RMSprop (book): h ← ρ·h + (1 − ρ)·g²; p ← p − lr·g / (√h + eps)
export function rmsprop_f32(p: usize, g: usize, h: usize, n: i32, lr: f32, rho: f32, eps: f32): void {
  const lrv = f32x4.splat(lr);
  const rv = f32x4.splat(rho);
  const orv = f32x4.splat(1 - rho);
  const epsv = f32x4.splat(eps);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i * 4;
    const gv = v128.load(g + o);
    const hv = f32x4.add(f32x4.mul(rv, v128.load(h + o)), f32x4.mul(orv, f32x4.mul(gv, gv)));
    v128.store(h + o, hv);
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.div(f32x4.mul(lrv, gv), f32x4.add(f32x4.sqrt(hv), epsv))));
  }
  for (; i < n; i++) {
    const o = <usize>i * 4;
    const gs = load<f32>(g + o);
    const hs = rho * load<f32>(h + o) + (1 - rho) * gs * gs;
    store<f32>(h + o, hs);
    store<f32>(p + o, load<f32>(p + o) - (lr * gs) / (sqrt<f32>(hs) + eps));
  }
}

// Adam (book; lrT = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) computed by the caller in float64):
// m ← m + (1 − β₁)(g − m); v ← v + (1 − β₂)(g² − v); p ← p − lrT·m / (√v + eps)
export function adam_book_f32(p: usize, g: usize, m: usize, v: usize, n: i32, lrT: f32, b1c: f32, b2c: f32, eps: f32): void {
  const lrv = f32x4.splat(lrT);
  const b1v = f32x4.splat(b1c);
  const b2v = f32x4.splat(b2c);
  const epsv = f32x4.splat(eps);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i * 4;
    const gv = v128.load(g + o);
    let mv = v128.load(m + o);
    let vv = v128.load(v + o);
    mv = f32x4.add(mv, f32x4.mul(b1v, f32x4.sub(gv, mv)));
    vv = f32x4.add(vv, f32x4.mul(b2v, f32x4.sub(f32x4.mul(gv, gv), vv)));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.div(f32x4.mul(lrv, mv), f32x4.add(f32x4.sqrt(vv), epsv))));
  }
  for (; i < n; i++) {
    const o = <usize>i * 4;
    const gs = load<f32>(g + o);
    const ms = load<f32>(m + o) + b1c * (gs - load<f32>(m + o));
    const vs = load<f32>(v + o) + b2c * (gs * gs - load<f32>(v + o));
    store<f32>(m + o, ms);
    store<f32>(v + o, vs);
    store<f32>(p + o, load<f32>(p + o) - (lrT * ms) / (sqrt<f32>(vs) + eps));
  }
}

// torch.optim.Adam / AdamW (no amsgrad), constants from src/optim/torch-adam.ts:
// g' = sign·g + coupled·p; m ← m + (1 − β₁)(g' − m); v ← β₂·v + (1 − β₂)·g'²;
// p ← p·shrink + negStep·m / (√v / bc2Sqrt + eps)
export function adam_torch_f32(
  p: usize, g: usize, m: usize, v: usize, n: i32,
  sign: f32, coupled: f32, shrink: f32, b1c: f32, beta2: f32, b2c: f32, negStep: f32, bc2Sqrt: f32, eps: f32,
): void {
  const sv = f32x4.splat(sign);
  const cv = f32x4.splat(coupled);
  const shv = f32x4.splat(shrink);
  const b1v = f32x4.splat(b1c);
  const beta2v = f32x4.splat(beta2);
  const b2v = f32x4.splat(b2c);
  const nsv = f32x4.splat(negStep);
  const bcv = f32x4.splat(bc2Sqrt);
  const epsv = f32x4.splat(eps);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i * 4;
    const pv = v128.load(p + o);
    const gv = f32x4.add(f32x4.mul(sv, v128.load(g + o)), f32x4.mul(cv, pv));
    let mv = v128.load(m + o);
    mv = f32x4.add(mv, f32x4.mul(b1v, f32x4.sub(gv, mv)));
    const vv = f32x4.add(f32x4.mul(beta2v, v128.load(v + o)), f32x4.mul(b2v, f32x4.mul(gv, gv)));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), bcv), epsv);
    v128.store(p + o, f32x4.add(f32x4.mul(pv, shv), f32x4.div(f32x4.mul(nsv, mv), denom)));
  }
  for (; i < n; i++) {
    const o = <usize>i * 4;
    const ps = load<f32>(p + o);
    const gs = sign * load<f32>(g + o) + coupled * ps;
    const ms = load<f32>(m + o) + b1c * (gs - load<f32>(m + o));
    const vs = beta2 * load<f32>(v + o) + b2c * gs * gs;
    store<f32>(m + o, ms);
    store<f32>(v + o, vs);
    store<f32>(p + o, ps * shrink + (negStep * ms) / (sqrt<f32>(vs) / bc2Sqrt + eps));
  }
}
