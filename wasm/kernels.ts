// optlab's float32 SIMD kernels (AssemblyScript 0.28, compiled with `--enable simd`; no relaxed SIMD, which
// Node 20 only runs behind a flag). Every pointer is a byte offset into the module's memory; the
// TypeScript side (src/nn/wasm-engine.ts) owns the layout and never lets this code allocate.
// Matrices are row-major. The plain TypeScript kernels in src/nn/reference-kernels.ts are the reference.

const ZERO: v128 = f32x4.splat(0);

// ---------------------------------------------------------------------------------------------------
// Dense products with fused epilogues.
//
// gemm_nn: C = A·B (+ bias) then, by `mode`: 0 = as is, 1 = ReLU, 2 = multiplied by (M > 0) (the ReLU
// derivative of the layer input, for dX). A is m×k (row stride lda), B is k×n (ldb), C is m×n (ldc),
// M is m×n (ldm). bias = 0 means no bias. Register block: 4 rows × 8 columns (8 f32x4 accumulators),
// A broadcast with load32_splat.

@inline function epilogue(acc: v128, mode: i32, maskPtr: usize): v128 {
  if (mode == 1) return f32x4.max(acc, ZERO);
  if (mode == 2) return v128.and(acc, f32x4.gt(v128.load(maskPtr), ZERO));
  return acc;
}

@inline function epilogueScalar(acc: f32, mode: i32, maskPtr: usize): f32 {
  if (mode == 1) return acc <= 0 ? 0 : acc; // ReLU as the book: x <= 0 → 0, NaN passes (as f32x4.max)
  if (mode == 2) return load<f32>(maskPtr) > 0 ? acc : 0;
  return acc;
}

// Stores the first `count` (1–3) lanes of v: the column tail of a row whose width is not a multiple of 4.
// The kernels compute a full f32x4 there, reading up to 3 floats past the row (the next row, the next
// parameter, or the arena's slack: every region is followed by at least 16 readable bytes) and keep only
// the lanes that belong to the row.
@inline function storePartial(ptr: usize, v: v128, count: i32): void {
  store<f32>(ptr, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(ptr, f32x4.extract_lane(v, 1), 4);
  if (count > 2) store<f32>(ptr, f32x4.extract_lane(v, 2), 8);
}

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
        c00 = f32x4.add(c00, f32x4.mul(x0, w0)); c01 = f32x4.add(c01, f32x4.mul(x0, w1));
        c10 = f32x4.add(c10, f32x4.mul(x1, w0)); c11 = f32x4.add(c11, f32x4.mul(x1, w1));
        c20 = f32x4.add(c20, f32x4.mul(x2, w0)); c21 = f32x4.add(c21, f32x4.mul(x2, w1));
        c30 = f32x4.add(c30, f32x4.mul(x3, w0)); c31 = f32x4.add(c31, f32x4.mul(x3, w1));
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
        c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a0 + off), w0));
        c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a1 + off), w0));
        c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a2 + off), w0));
        c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a3 + off), w0));
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
        c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a0 + off), w0));
        c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a1 + off), w0));
        c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a2 + off), w0));
        c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a3 + off), w0));
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
        c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a0 + <usize>p * 4), v128.load(bp)));
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
        c00 = f32x4.add(c00, f32x4.mul(x0, w0)); c01 = f32x4.add(c01, f32x4.mul(x0, w1));
        c10 = f32x4.add(c10, f32x4.mul(x1, w0)); c11 = f32x4.add(c11, f32x4.mul(x1, w1));
        c20 = f32x4.add(c20, f32x4.mul(x2, w0)); c21 = f32x4.add(c21, f32x4.mul(x2, w1));
        c30 = f32x4.add(c30, f32x4.mul(x3, w0)); c31 = f32x4.add(c31, f32x4.mul(x3, w1));
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
        c0 = f32x4.add(c0, f32x4.mul(v128.shuffle<f32>(av, av, 0, 0, 0, 0), w0));
        c1 = f32x4.add(c1, f32x4.mul(v128.shuffle<f32>(av, av, 1, 1, 1, 1), w0));
        c2 = f32x4.add(c2, f32x4.mul(v128.shuffle<f32>(av, av, 2, 2, 2, 2), w0));
        c3 = f32x4.add(c3, f32x4.mul(v128.shuffle<f32>(av, av, 3, 3, 3, 3), w0));
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
        c0 = f32x4.add(c0, f32x4.mul(v128.shuffle<f32>(av, av, 0, 0, 0, 0), w0));
        c1 = f32x4.add(c1, f32x4.mul(v128.shuffle<f32>(av, av, 1, 1, 1, 1), w0));
        c2 = f32x4.add(c2, f32x4.mul(v128.shuffle<f32>(av, av, 2, 2, 2, 2), w0));
        c3 = f32x4.add(c3, f32x4.mul(v128.shuffle<f32>(av, av, 3, 3, 3, 3), w0));
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
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(av, v128.load(x + o))));
  }
  for (; i < n; i++) store<f32>(y + <usize>i * 4, load<f32>(y + <usize>i * 4) + alpha * load<f32>(x + <usize>i * 4));
}

// ---------------------------------------------------------------------------------------------------
// Sparse layer 1: ≈81 % of MNIST pixels are zero. Once per batch the nonzeros of x (m×k) are indexed
// by row (CSR, for the forward product) and by column (CSC, for the weight gradient).

// Returns the number of nonzeros. rowStart: m+1 i32; cols: i32; vals: f32 (capacity m·k each).
export function build_csr(x: usize, m: i32, k: i32, rowStart: usize, cols: usize, vals: usize): i32 {
  let nnz = 0;
  for (let i = 0; i < m; i++) {
    store<i32>(rowStart + <usize>i * 4, nnz);
    const row = x + <usize>(i * k) * 4;
    const k4 = k & ~3;
    let p = 0;
    for (; p < k4; p += 4) {
      // Most groups of four pixels are all zero: one SIMD test skips them.
      if (!v128.any_true(f32x4.ne(v128.load(row + <usize>p * 4), ZERO))) continue;
      for (let q = p; q < p + 4; q++) {
        const v = load<f32>(row + <usize>q * 4);
        if (v != 0) {
          store<i32>(cols + <usize>nnz * 4, q);
          store<f32>(vals + <usize>nnz * 4, v);
          nnz++;
        }
      }
    }
    for (; p < k; p++) {
      const v = load<f32>(row + <usize>p * 4);
      if (v != 0) {
        store<i32>(cols + <usize>nnz * 4, p);
        store<f32>(vals + <usize>nnz * 4, v);
        nnz++;
      }
    }
  }
  store<i32>(rowStart + <usize>m * 4, nnz);
  return nnz;
}

// The same nonzeros by column (entries of a column in increasing row order). colStart: k+1 i32.
export function build_csc(
  m: i32, k: i32, rowStart: usize, cols: usize, vals: usize, colStart: usize, rows: usize, cvals: usize,
): void {
  memory.fill(colStart, 0, <usize>(k + 1) * 4);
  const nnz = load<i32>(rowStart + <usize>m * 4);
  for (let e = 0; e < nnz; e++) {
    const p = load<i32>(cols + <usize>e * 4);
    const at = colStart + <usize>(p + 1) * 4;
    store<i32>(at, load<i32>(at) + 1);
  }
  for (let p = 0; p < k; p++) {
    const at = colStart + <usize>(p + 1) * 4;
    store<i32>(at, load<i32>(at) + load<i32>(at - 4));
  }
  // Fill using colStart[p] as a cursor, then shift the cursors back.
  for (let i = 0; i < m; i++) {
    const end = load<i32>(rowStart + <usize>(i + 1) * 4);
    for (let e = load<i32>(rowStart + <usize>i * 4); e < end; e++) {
      const p = load<i32>(cols + <usize>e * 4);
      const at = colStart + <usize>p * 4;
      const slot = load<i32>(at);
      store<i32>(rows + <usize>slot * 4, i);
      store<f32>(cvals + <usize>slot * 4, load<f32>(vals + <usize>e * 4));
      store<i32>(at, slot + 1);
    }
  }
  for (let p = k; p > 0; p--) store<i32>(colStart + <usize>p * 4, load<i32>(colStart + <usize>(p - 1) * 4));
  store<i32>(colStart, 0);
}

// y = act(x·W + b) from the CSR index of x. W is k×n (ldw), y is m×n (ldy). relu: 1 = ReLU.
export function sparse_forward(
  rowStart: usize, cols: usize, vals: usize, m: i32, w: usize, ldw: i32, bias: usize, y: usize, ldy: i32, n: i32, relu: i32,
): void {
  const n4 = n & ~3;
  // 32-column blocks; when exactly one f32x4 would be left over, the last block takes 36 columns
  // (9 accumulators) instead of walking the nonzeros once more for 4 columns.
  const wide = n4 >= 36 && n4 % 32 == 4;
  const n32 = wide ? n4 - 36 : n - (n % 32);
  const mode = relu != 0 ? 1 : 0;
  for (let i = 0; i < m; i++) {
    const start = load<i32>(rowStart + <usize>i * 4);
    const end = load<i32>(rowStart + <usize>(i + 1) * 4);
    const yp = y + <usize>(i * ldy) * 4;
    let j = 0;
    if (wide) {
      const j0 = n32;
      const bp = bias + <usize>j0 * 4;
      let c0 = v128.load(bp), c1 = v128.load(bp, 16), c2 = v128.load(bp, 32), c3 = v128.load(bp, 48);
      let c4 = v128.load(bp, 64), c5 = v128.load(bp, 80), c6 = v128.load(bp, 96), c7 = v128.load(bp, 112);
      let c8 = v128.load(bp, 128);
      for (let e = start; e < end; e++) {
        const x = v128.load32_splat(vals + <usize>e * 4);
        const wp = w + <usize>(load<i32>(cols + <usize>e * 4) * ldw + j0) * 4;
        c0 = f32x4.add(c0, f32x4.mul(x, v128.load(wp)));
        c1 = f32x4.add(c1, f32x4.mul(x, v128.load(wp, 16)));
        c2 = f32x4.add(c2, f32x4.mul(x, v128.load(wp, 32)));
        c3 = f32x4.add(c3, f32x4.mul(x, v128.load(wp, 48)));
        c4 = f32x4.add(c4, f32x4.mul(x, v128.load(wp, 64)));
        c5 = f32x4.add(c5, f32x4.mul(x, v128.load(wp, 80)));
        c6 = f32x4.add(c6, f32x4.mul(x, v128.load(wp, 96)));
        c7 = f32x4.add(c7, f32x4.mul(x, v128.load(wp, 112)));
        c8 = f32x4.add(c8, f32x4.mul(x, v128.load(wp, 128)));
      }
      const o = yp + <usize>j0 * 4;
      v128.store(o, epilogue(c0, mode, 0)); v128.store(o, epilogue(c1, mode, 0), 16);
      v128.store(o, epilogue(c2, mode, 0), 32); v128.store(o, epilogue(c3, mode, 0), 48);
      v128.store(o, epilogue(c4, mode, 0), 64); v128.store(o, epilogue(c5, mode, 0), 80);
      v128.store(o, epilogue(c6, mode, 0), 96); v128.store(o, epilogue(c7, mode, 0), 112);
      v128.store(o, epilogue(c8, mode, 0), 128);
    }
    for (; j < n32; j += 32) {
      const bp = bias + <usize>j * 4;
      let c0 = v128.load(bp), c1 = v128.load(bp, 16), c2 = v128.load(bp, 32), c3 = v128.load(bp, 48);
      let c4 = v128.load(bp, 64), c5 = v128.load(bp, 80), c6 = v128.load(bp, 96), c7 = v128.load(bp, 112);
      for (let e = start; e < end; e++) {
        const x = v128.load32_splat(vals + <usize>e * 4);
        const wp = w + <usize>(load<i32>(cols + <usize>e * 4) * ldw + j) * 4;
        c0 = f32x4.add(c0, f32x4.mul(x, v128.load(wp)));
        c1 = f32x4.add(c1, f32x4.mul(x, v128.load(wp, 16)));
        c2 = f32x4.add(c2, f32x4.mul(x, v128.load(wp, 32)));
        c3 = f32x4.add(c3, f32x4.mul(x, v128.load(wp, 48)));
        c4 = f32x4.add(c4, f32x4.mul(x, v128.load(wp, 64)));
        c5 = f32x4.add(c5, f32x4.mul(x, v128.load(wp, 80)));
        c6 = f32x4.add(c6, f32x4.mul(x, v128.load(wp, 96)));
        c7 = f32x4.add(c7, f32x4.mul(x, v128.load(wp, 112)));
      }
      const o = yp + <usize>j * 4;
      v128.store(o, epilogue(c0, mode, 0)); v128.store(o, epilogue(c1, mode, 0), 16);
      v128.store(o, epilogue(c2, mode, 0), 32); v128.store(o, epilogue(c3, mode, 0), 48);
      v128.store(o, epilogue(c4, mode, 0), 64); v128.store(o, epilogue(c5, mode, 0), 80);
      v128.store(o, epilogue(c6, mode, 0), 96); v128.store(o, epilogue(c7, mode, 0), 112);
    }
    if (wide) j = n4;
    for (; j < n4; j += 4) {
      let c0 = v128.load(bias + <usize>j * 4);
      for (let e = start; e < end; e++) {
        const x = v128.load32_splat(vals + <usize>e * 4);
        c0 = f32x4.add(c0, f32x4.mul(x, v128.load(w + <usize>(load<i32>(cols + <usize>e * 4) * ldw + j) * 4)));
      }
      v128.store(yp + <usize>j * 4, epilogue(c0, mode, 0));
    }
    for (; j < n; j++) {
      let acc = load<f32>(bias + <usize>j * 4);
      for (let e = start; e < end; e++) {
        acc += load<f32>(vals + <usize>e * 4) * load<f32>(w + <usize>(load<i32>(cols + <usize>e * 4) * ldw + j) * 4);
      }
      store<f32>(yp + <usize>j * 4, epilogueScalar(acc, mode, 0));
    }
  }
}

// dW = xᵀ·dz from the CSC index of x: row p of dW sums v·dz[i, :] over the nonzeros (i, v) of column p.
export function sparse_weight_grad(
  colStart: usize, rows: usize, cvals: usize, k: i32, dz: usize, lddz: i32, dw: usize, ldw: i32, n: i32,
): void {
  const n4 = n & ~3;
  const wide = n4 >= 36 && n4 % 32 == 4; // as in sparse_forward
  const n32 = wide ? n4 - 36 : n - (n % 32);
  for (let p = 0; p < k; p++) {
    const start = load<i32>(colStart + <usize>p * 4);
    const end = load<i32>(colStart + <usize>(p + 1) * 4);
    const wp = dw + <usize>(p * ldw) * 4;
    if (start == end) {
      memory.fill(wp, 0, <usize>n * 4);
      continue;
    }
    let j = 0;
    if (wide) {
      const j0 = n32;
      let c0 = ZERO, c1 = ZERO, c2 = ZERO, c3 = ZERO, c4 = ZERO, c5 = ZERO, c6 = ZERO, c7 = ZERO, c8 = ZERO;
      for (let e = start; e < end; e++) {
        const x = v128.load32_splat(cvals + <usize>e * 4);
        const dp = dz + <usize>(load<i32>(rows + <usize>e * 4) * lddz + j0) * 4;
        c0 = f32x4.add(c0, f32x4.mul(x, v128.load(dp)));
        c1 = f32x4.add(c1, f32x4.mul(x, v128.load(dp, 16)));
        c2 = f32x4.add(c2, f32x4.mul(x, v128.load(dp, 32)));
        c3 = f32x4.add(c3, f32x4.mul(x, v128.load(dp, 48)));
        c4 = f32x4.add(c4, f32x4.mul(x, v128.load(dp, 64)));
        c5 = f32x4.add(c5, f32x4.mul(x, v128.load(dp, 80)));
        c6 = f32x4.add(c6, f32x4.mul(x, v128.load(dp, 96)));
        c7 = f32x4.add(c7, f32x4.mul(x, v128.load(dp, 112)));
        c8 = f32x4.add(c8, f32x4.mul(x, v128.load(dp, 128)));
      }
      const o = wp + <usize>j0 * 4;
      v128.store(o, c0); v128.store(o, c1, 16); v128.store(o, c2, 32); v128.store(o, c3, 48);
      v128.store(o, c4, 64); v128.store(o, c5, 80); v128.store(o, c6, 96); v128.store(o, c7, 112);
      v128.store(o, c8, 128);
    }
    for (; j < n32; j += 32) {
      let c0 = ZERO, c1 = ZERO, c2 = ZERO, c3 = ZERO, c4 = ZERO, c5 = ZERO, c6 = ZERO, c7 = ZERO;
      for (let e = start; e < end; e++) {
        const x = v128.load32_splat(cvals + <usize>e * 4);
        const dp = dz + <usize>(load<i32>(rows + <usize>e * 4) * lddz + j) * 4;
        c0 = f32x4.add(c0, f32x4.mul(x, v128.load(dp)));
        c1 = f32x4.add(c1, f32x4.mul(x, v128.load(dp, 16)));
        c2 = f32x4.add(c2, f32x4.mul(x, v128.load(dp, 32)));
        c3 = f32x4.add(c3, f32x4.mul(x, v128.load(dp, 48)));
        c4 = f32x4.add(c4, f32x4.mul(x, v128.load(dp, 64)));
        c5 = f32x4.add(c5, f32x4.mul(x, v128.load(dp, 80)));
        c6 = f32x4.add(c6, f32x4.mul(x, v128.load(dp, 96)));
        c7 = f32x4.add(c7, f32x4.mul(x, v128.load(dp, 112)));
      }
      const o = wp + <usize>j * 4;
      v128.store(o, c0); v128.store(o, c1, 16); v128.store(o, c2, 32); v128.store(o, c3, 48);
      v128.store(o, c4, 64); v128.store(o, c5, 80); v128.store(o, c6, 96); v128.store(o, c7, 112);
    }
    if (wide) j = n4;
    for (; j < n4; j += 4) {
      let c0 = ZERO;
      for (let e = start; e < end; e++) {
        const x = v128.load32_splat(cvals + <usize>e * 4);
        c0 = f32x4.add(c0, f32x4.mul(x, v128.load(dz + <usize>(load<i32>(rows + <usize>e * 4) * lddz + j) * 4)));
      }
      v128.store(wp + <usize>j * 4, c0);
    }
    for (; j < n; j++) {
      let acc: f32 = 0;
      for (let e = start; e < end; e++) {
        acc += load<f32>(cvals + <usize>e * 4) * load<f32>(dz + <usize>(load<i32>(rows + <usize>e * 4) * lddz + j) * 4);
      }
      store<f32>(wp + <usize>j * 4, acc);
    }
  }
}

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
