import { madd, epilogue, epilogueScalar, storePartial, ZERO } from "./simd";

// ---------------------------------------------------------------------------------------------------
// Dense products with fused epilogues.
//
// gemm_nn: C = A·B (+ bias) then, by `mode`: 0 = as is, 1 = ReLU, 2 = multiplied by (M > 0) (the ReLU
// derivative of the layer input, for dX). A is m×k (row stride lda), B is k×n (ldb), C is m×n (ldc),
// M is m×n (ldm). bias = 0 means no bias. Register block: 4 rows × 8 columns (8 f32x4 accumulators),
// A broadcast with load32_splat.

export function gemm_nn(
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  m: i32, k: i32, n: i32, bias: usize, mode: i32, mask: usize, ldm: i32,
): void {
  const n8 = n & ~7;
  const n4 = n & ~3;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = a + <usize>(i * lda) * 4;
    const a1 = a0 + <usize>lda * 4;
    const a2 = a1 + <usize>lda * 4;
    const a3 = a2 + <usize>lda * 4;
    let j = 0;
    for (; j < n8; j += 8) {
      let c00 = ZERO, c01 = ZERO, c10 = ZERO, c11 = ZERO, c20 = ZERO, c21 = ZERO, c30 = ZERO, c31 = ZERO;
      if (bias != 0) {
        const b0 = v128.load(bias + <usize>j * 4);
        const b1 = v128.load(bias + <usize>j * 4 + 16);
        c00 = b0; c10 = b0; c20 = b0; c30 = b0;
        c01 = b1; c11 = b1; c21 = b1; c31 = b1;
      }
      let bp = b + <usize>j * 4;
      for (let p = 0; p < k; p++) {
        const w0 = v128.load(bp);
        const w1 = v128.load(bp, 16);
        const off = <usize>p * 4;
        const x0 = v128.load32_splat(a0 + off);
        const x1 = v128.load32_splat(a1 + off);
        const x2 = v128.load32_splat(a2 + off);
        const x3 = v128.load32_splat(a3 + off);
        c00 = madd(x0, w0, c00); c01 = madd(x0, w1, c01);
        c10 = madd(x1, w0, c10); c11 = madd(x1, w1, c11);
        c20 = madd(x2, w0, c20); c21 = madd(x2, w1, c21);
        c30 = madd(x3, w0, c30); c31 = madd(x3, w1, c31);
        bp += <usize>ldb * 4;
      }
      const cp = c + <usize>(i * ldc + j) * 4;
      const mp = mask + <usize>(i * ldm + j) * 4;
      const cs = <usize>ldc * 4;
      const ms = <usize>ldm * 4;
      v128.store(cp, epilogue(c00, mode, mp)); v128.store(cp + 16, epilogue(c01, mode, mp + 16));
      v128.store(cp + cs, epilogue(c10, mode, mp + ms)); v128.store(cp + cs + 16, epilogue(c11, mode, mp + ms + 16));
      v128.store(cp + 2 * cs, epilogue(c20, mode, mp + 2 * ms));
      v128.store(cp + 2 * cs + 16, epilogue(c21, mode, mp + 2 * ms + 16));
      v128.store(cp + 3 * cs, epilogue(c30, mode, mp + 3 * ms));
      v128.store(cp + 3 * cs + 16, epilogue(c31, mode, mp + 3 * ms + 16));
    }
    for (; j < n4; j += 4) {
      let c0 = ZERO, c1 = ZERO, c2 = ZERO, c3 = ZERO;
      if (bias != 0) {
        const b0 = v128.load(bias + <usize>j * 4);
        c0 = b0; c1 = b0; c2 = b0; c3 = b0;
      }
      let bp = b + <usize>j * 4;
      for (let p = 0; p < k; p++) {
        const w0 = v128.load(bp);
        const off = <usize>p * 4;
        c0 = madd(v128.load32_splat(a0 + off), w0, c0);
        c1 = madd(v128.load32_splat(a1 + off), w0, c1);
        c2 = madd(v128.load32_splat(a2 + off), w0, c2);
        c3 = madd(v128.load32_splat(a3 + off), w0, c3);
        bp += <usize>ldb * 4;
      }
      const cp = c + <usize>(i * ldc + j) * 4;
      const mp = mask + <usize>(i * ldm + j) * 4;
      const cs = <usize>ldc * 4;
      const ms = <usize>ldm * 4;
      v128.store(cp, epilogue(c0, mode, mp));
      v128.store(cp + cs, epilogue(c1, mode, mp + ms));
      v128.store(cp + 2 * cs, epilogue(c2, mode, mp + 2 * ms));
      v128.store(cp + 3 * cs, epilogue(c3, mode, mp + 3 * ms));
    }
    if (j < n) {
      // 1–3 columns left: one partial f32x4 per row.
      const count = n - j;
      let c0 = ZERO, c1 = ZERO, c2 = ZERO, c3 = ZERO;
      if (bias != 0) {
        const b0 = v128.load(bias + <usize>j * 4);
        c0 = b0; c1 = b0; c2 = b0; c3 = b0;
      }
      let bp = b + <usize>j * 4;
      for (let p = 0; p < k; p++) {
        const w0 = v128.load(bp);
        const off = <usize>p * 4;
        c0 = madd(v128.load32_splat(a0 + off), w0, c0);
        c1 = madd(v128.load32_splat(a1 + off), w0, c1);
        c2 = madd(v128.load32_splat(a2 + off), w0, c2);
        c3 = madd(v128.load32_splat(a3 + off), w0, c3);
        bp += <usize>ldb * 4;
      }
      const cp = c + <usize>(i * ldc + j) * 4;
      const mp = mask + <usize>(i * ldm + j) * 4;
      const cs = <usize>ldc * 4;
      const ms = <usize>ldm * 4;
      storePartial(cp, epilogue(c0, mode, mp), count);
      storePartial(cp + cs, epilogue(c1, mode, mp + ms), count);
      storePartial(cp + 2 * cs, epilogue(c2, mode, mp + 2 * ms), count);
      storePartial(cp + 3 * cs, epilogue(c3, mode, mp + 3 * ms), count);
    }
  }
  for (; i < m; i++) {
    const a0 = a + <usize>(i * lda) * 4;
    let j = 0;
    for (; j < n4; j += 4) {
      let c0 = bias != 0 ? v128.load(bias + <usize>j * 4) : ZERO;
      let bp = b + <usize>j * 4;
      for (let p = 0; p < k; p++) {
        c0 = madd(v128.load32_splat(a0 + <usize>p * 4), v128.load(bp), c0);
        bp += <usize>ldb * 4;
      }
      v128.store(c + <usize>(i * ldc + j) * 4, epilogue(c0, mode, mask + <usize>(i * ldm + j) * 4));
    }
    for (; j < n; j++) gemmScalar(a, lda, b, ldb, c, ldc, i, j, k, bias, mode, mask, ldm);
  }
}

function gemmScalar(
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  i: i32, j: i32, k: i32, bias: usize, mode: i32, mask: usize, ldm: i32,
): void {
  let acc: f32 = bias != 0 ? load<f32>(bias + <usize>j * 4) : 0;
  for (let p = 0; p < k; p++) {
    acc += load<f32>(a + <usize>(i * lda + p) * 4) * load<f32>(b + <usize>(p * ldb + j) * 4);
  }
  store<f32>(c + <usize>(i * ldc + j) * 4, epilogueScalar(acc, mode, mask + <usize>(i * ldm + j) * 4));
}

// gemm_tn: C = Aᵀ·B, the weight gradient dW = xᵀ·dz. A is m×k (lda), B is m×n (ldb), C is k×n (ldc).
// Block: 4 rows of C (4 contiguous values of an A row, broadcast lane by lane) × 8 columns.
export function gemm_tn(a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, m: i32, k: i32, n: i32): void {
  const n8 = n & ~7;
  const n4 = n & ~3;
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    let j = 0;
    for (; j < n8; j += 8) {
      let c00 = ZERO, c01 = ZERO, c10 = ZERO, c11 = ZERO, c20 = ZERO, c21 = ZERO, c30 = ZERO, c31 = ZERO;
      let ap = a + <usize>p * 4;
      let bp = b + <usize>j * 4;
      for (let i = 0; i < m; i++) {
        const av = v128.load(ap);
        const w0 = v128.load(bp);
        const w1 = v128.load(bp, 16);
        const x0 = v128.shuffle<f32>(av, av, 0, 0, 0, 0);
        const x1 = v128.shuffle<f32>(av, av, 1, 1, 1, 1);
        const x2 = v128.shuffle<f32>(av, av, 2, 2, 2, 2);
        const x3 = v128.shuffle<f32>(av, av, 3, 3, 3, 3);
        c00 = madd(x0, w0, c00); c01 = madd(x0, w1, c01);
        c10 = madd(x1, w0, c10); c11 = madd(x1, w1, c11);
        c20 = madd(x2, w0, c20); c21 = madd(x2, w1, c21);
        c30 = madd(x3, w0, c30); c31 = madd(x3, w1, c31);
        ap += <usize>lda * 4;
        bp += <usize>ldb * 4;
      }
      const cp = c + <usize>(p * ldc + j) * 4;
      const cs = <usize>ldc * 4;
      v128.store(cp, c00); v128.store(cp + 16, c01);
      v128.store(cp + cs, c10); v128.store(cp + cs + 16, c11);
      v128.store(cp + 2 * cs, c20); v128.store(cp + 2 * cs + 16, c21);
      v128.store(cp + 3 * cs, c30); v128.store(cp + 3 * cs + 16, c31);
    }
    for (; j < n4; j += 4) {
      let c0 = ZERO, c1 = ZERO, c2 = ZERO, c3 = ZERO;
      let ap = a + <usize>p * 4;
      let bp = b + <usize>j * 4;
      for (let i = 0; i < m; i++) {
        const av = v128.load(ap);
        const w0 = v128.load(bp);
        c0 = madd(v128.shuffle<f32>(av, av, 0, 0, 0, 0), w0, c0);
        c1 = madd(v128.shuffle<f32>(av, av, 1, 1, 1, 1), w0, c1);
        c2 = madd(v128.shuffle<f32>(av, av, 2, 2, 2, 2), w0, c2);
        c3 = madd(v128.shuffle<f32>(av, av, 3, 3, 3, 3), w0, c3);
        ap += <usize>lda * 4;
        bp += <usize>ldb * 4;
      }
      const cp = c + <usize>(p * ldc + j) * 4;
      const cs = <usize>ldc * 4;
      v128.store(cp, c0);
      v128.store(cp + cs, c1);
      v128.store(cp + 2 * cs, c2);
      v128.store(cp + 3 * cs, c3);
    }
    if (j < n) {
      // 1–3 columns left: one partial f32x4 per row of C.
      const count = n - j;
      let c0 = ZERO, c1 = ZERO, c2 = ZERO, c3 = ZERO;
      let ap = a + <usize>p * 4;
      let bp = b + <usize>j * 4;
      for (let i = 0; i < m; i++) {
        const av = v128.load(ap);
        const w0 = v128.load(bp);
        c0 = madd(v128.shuffle<f32>(av, av, 0, 0, 0, 0), w0, c0);
        c1 = madd(v128.shuffle<f32>(av, av, 1, 1, 1, 1), w0, c1);
        c2 = madd(v128.shuffle<f32>(av, av, 2, 2, 2, 2), w0, c2);
        c3 = madd(v128.shuffle<f32>(av, av, 3, 3, 3, 3), w0, c3);
        ap += <usize>lda * 4;
        bp += <usize>ldb * 4;
      }
      const cp = c + <usize>(p * ldc + j) * 4;
      const cs = <usize>ldc * 4;
      storePartial(cp, c0, count);
      storePartial(cp + cs, c1, count);
      storePartial(cp + 2 * cs, c2, count);
      storePartial(cp + 3 * cs, c3, count);
    }
  }
  for (; p < k; p++) {
    for (let j = 0; j < n; j++) gemmTnScalar(a, lda, b, ldb, c, ldc, m, p, j);
  }
}

function gemmTnScalar(a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, m: i32, p: i32, j: i32): void {
  let acc: f32 = 0;
  for (let i = 0; i < m; i++) {
    acc += load<f32>(a + <usize>(i * lda + p) * 4) * load<f32>(b + <usize>(i * ldb + j) * 4);
  }
  store<f32>(c + <usize>(p * ldc + j) * 4, acc);
}

// Column sums: out[j] = Σ_i a[i, j] (the bias gradient). a is m×n with row stride lda.
export function col_sum(a: usize, lda: i32, m: i32, n: i32, out: usize): void {
  const n4 = n & ~3;
  let j = 0;
  for (; j < n4; j += 4) {
    let acc = ZERO;
    let ap = a + <usize>j * 4;
    for (let i = 0; i < m; i++) {
      acc = f32x4.add(acc, v128.load(ap));
      ap += <usize>lda * 4;
    }
    v128.store(out + <usize>j * 4, acc);
  }
  for (; j < n; j++) {
    let acc: f32 = 0;
    for (let i = 0; i < m; i++) acc += load<f32>(a + <usize>(i * lda + j) * 4);
    store<f32>(out + <usize>j * 4, acc);
  }
}

// dst (cols×rows) = srcᵀ, src rows×cols.
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f32>(dst + <usize>(c * rows + r) * 4, load<f32>(src + <usize>(r * cols + c) * 4));
    }
  }
}

// y += alpha·x over n values (weight decay: dW += λ·W).
export function axpy(alpha: f32, x: usize, y: usize, n: i32): void {
  const n4 = n & ~3;
  const av = f32x4.splat(alpha);
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i * 4;
    v128.store(y + o, madd(av, v128.load(x + o), v128.load(y + o)));
  }
  for (; i < n; i++) store<f32>(y + <usize>i * 4, load<f32>(y + <usize>i * 4) + alpha * load<f32>(x + <usize>i * 4));
}
