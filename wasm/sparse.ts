import { madd, epilogue, epilogueScalar, storePartial, ZERO } from "./simd";

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
        c0 = madd(x, v128.load(wp), c0);
        c1 = madd(x, v128.load(wp, 16), c1);
        c2 = madd(x, v128.load(wp, 32), c2);
        c3 = madd(x, v128.load(wp, 48), c3);
        c4 = madd(x, v128.load(wp, 64), c4);
        c5 = madd(x, v128.load(wp, 80), c5);
        c6 = madd(x, v128.load(wp, 96), c6);
        c7 = madd(x, v128.load(wp, 112), c7);
        c8 = madd(x, v128.load(wp, 128), c8);
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
        c0 = madd(x, v128.load(wp), c0);
        c1 = madd(x, v128.load(wp, 16), c1);
        c2 = madd(x, v128.load(wp, 32), c2);
        c3 = madd(x, v128.load(wp, 48), c3);
        c4 = madd(x, v128.load(wp, 64), c4);
        c5 = madd(x, v128.load(wp, 80), c5);
        c6 = madd(x, v128.load(wp, 96), c6);
        c7 = madd(x, v128.load(wp, 112), c7);
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
        c0 = madd(x, v128.load(w + <usize>(load<i32>(cols + <usize>e * 4) * ldw + j) * 4), c0);
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
        c0 = madd(x, v128.load(dp), c0);
        c1 = madd(x, v128.load(dp, 16), c1);
        c2 = madd(x, v128.load(dp, 32), c2);
        c3 = madd(x, v128.load(dp, 48), c3);
        c4 = madd(x, v128.load(dp, 64), c4);
        c5 = madd(x, v128.load(dp, 80), c5);
        c6 = madd(x, v128.load(dp, 96), c6);
        c7 = madd(x, v128.load(dp, 112), c7);
        c8 = madd(x, v128.load(dp, 128), c8);
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
        c0 = madd(x, v128.load(dp), c0);
        c1 = madd(x, v128.load(dp, 16), c1);
        c2 = madd(x, v128.load(dp, 32), c2);
        c3 = madd(x, v128.load(dp, 48), c3);
        c4 = madd(x, v128.load(dp, 64), c4);
        c5 = madd(x, v128.load(dp, 80), c5);
        c6 = madd(x, v128.load(dp, 96), c6);
        c7 = madd(x, v128.load(dp, 112), c7);
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
        c0 = madd(x, v128.load(dz + <usize>(load<i32>(rows + <usize>e * 4) * lddz + j) * 4), c0);
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
