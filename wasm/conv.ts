import { ZERO } from "./simd";

// ---------------------------------------------------------------------------------------------------
// The book's SimpleConvNet (ch. 7) on the dense products of dense.ts: the convolution is im2col + gemm_nn
// (bias and ReLU fused), its weight gradient gemm_tn over the columns, and max-pooling runs here, vectorised
// over channels. Feature maps are kept "HWC" inside the engine (row = image·OH·OW + y·OW + x, one column per
// filter), which is what the GEMM produces; the pooled maps are written in the book's (channel, row, column)
// order, so W2 has the book's rows. src/nn/conv-network.ts is the reference.

// im2col: col[r, (c·K + ky)·K + kx] = x[n, c, y·S + ky − P, x·S + kx − P] (0 outside), r = n·OH·OW + y·OW + x,
// row stride ldcol ≥ C·K·K floats (the columns past C·K·K are never written: the caller keeps them zero, so
// gemm_tn may run over a multiple of 4). x is m × C × H × W.
export function im2col(
  x: usize, m: i32, C: i32, H: i32, W: i32, K: i32, S: i32, P: i32, OH: i32, OW: i32,
  col: usize, ldcol: i32,
): void {
  const inside = P == 0 && K >= 4;
  let r = 0;
  for (let n = 0; n < m; n++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        const out = col + <usize>(r * ldcol) * 4;
        r++;
        if (inside) {
          // Every window lies inside the image: each kernel row is K contiguous pixels, copied as f32x4
          // (the last group overlaps the previous one when K is not a multiple of 4).
          for (let c = 0; c < C; c++) {
            for (let ky = 0; ky < K; ky++) {
              const src = x + <usize>(((n * C + c) * H + oy * S + ky) * W + ox * S) * 4;
              const dst = out + <usize>((c * K + ky) * K) * 4;
              let kx = 0;
              for (; kx + 4 <= K; kx += 4) v128.store(dst + <usize>kx * 4, v128.load(src + <usize>kx * 4));
              if (kx < K) v128.store(dst + <usize>(K - 4) * 4, v128.load(src + <usize>(K - 4) * 4));
            }
          }
          continue;
        }
        for (let c = 0; c < C; c++) {
          for (let ky = 0; ky < K; ky++) {
            const iy = oy * S + ky - P;
            for (let kx = 0; kx < K; kx++) {
              const ix = ox * S + kx - P;
              const v: f32 = iy >= 0 && iy < H && ix >= 0 && ix < W
                ? load<f32>(x + <usize>(((n * C + c) * H + iy) * W + ix) * 4)
                : 0;
              store<f32>(out + <usize>((c * K + ky) * K + kx) * 4, v);
            }
          }
        }
      }
    }
  }
}

// Max-pooling of y (m images × H × W positions × F channels, HWC) into out (m × F × PH × PW, the book's
// order), window PK × PK with stride PS; argmax[o] is the position (row of y and of the im2col matrix) of the
// window's first maximum (row-major window order, numpy's argmax). Four channels at a time.
export function maxpool_forward(
  y: usize, m: i32, F: i32, H: i32, W: i32, PK: i32, PS: i32, PH: i32, PW: i32,
  out: usize, argmax: usize,
): void {
  const plane = PH * PW;
  for (let n = 0; n < m; n++) {
    for (let py = 0; py < PH; py++) {
      for (let px = 0; px < PW; px++) {
        for (let f = 0; f < F; f += 4) {
          let best = f32x4.splat(0);
          let where = i32x4.splat(0);
          for (let ky = 0; ky < PK; ky++) {
            for (let kx = 0; kx < PK; kx++) {
              const row = (n * H + py * PS + ky) * W + px * PS + kx;
              const v = v128.load(y + <usize>(row * F + f) * 4);
              const at = i32x4.splat(row);
              if (ky == 0 && kx == 0) {
                best = v;
                where = at;
              } else {
                const greater = f32x4.gt(v, best);
                best = v128.bitselect(v, best, greater);
                where = v128.bitselect(at, where, greater);
              }
            }
          }
          // Scalar stores: the output is channel-major; lanes past F are dropped.
          const o = n * F * plane + f * plane + py * PW + px;
          const count = F - f;
          store<f32>(out + <usize>o * 4, f32x4.extract_lane(best, 0));
          store<i32>(argmax + <usize>o * 4, i32x4.extract_lane(where, 0));
          if (count > 1) {
            store<f32>(out + <usize>(o + plane) * 4, f32x4.extract_lane(best, 1));
            store<i32>(argmax + <usize>(o + plane) * 4, i32x4.extract_lane(where, 1));
          }
          if (count > 2) {
            store<f32>(out + <usize>(o + 2 * plane) * 4, f32x4.extract_lane(best, 2));
            store<i32>(argmax + <usize>(o + 2 * plane) * 4, i32x4.extract_lane(where, 2));
          }
          if (count > 3) {
            store<f32>(out + <usize>(o + 3 * plane) * 4, f32x4.extract_lane(best, 3));
            store<i32>(argmax + <usize>(o + 3 * plane) * 4, i32x4.extract_lane(where, 3));
          }
        }
      }
    }
  }
}

// The convolution fused with ReLU and a 2×2 / stride-2 max-pool, never writing the feature maps: for each pooled
// position the four window rows of col (row-major window order) times W (K × F, row stride ldw ≥ F rounded up
// to 8, zero-padded) plus bias (ldw floats), ReLU, then the maximum of the four with the first maximum's
// position kept in argmax (as maxpool_forward). Register block: the 4 window rows × 8 filters. Each image's
// maxima are stored position-major (whole vectors) in tmp / tmpArg (plane × ldw each), then transposed to the
// channel-major output; the transpose writes ldw channel rows, so pooled and argmax need (ldw − F)·plane
// floats of slack after the m-th image (earlier images' extra rows are overwritten by the next image's).
export function conv_relu_pool2(
  col: usize, ldcol: i32, m: i32, OH: i32, OW: i32, w: usize, ldw: i32, K: i32, F: i32, bias: usize,
  PH: i32, PW: i32, pooled: usize, argmax: usize, tmp: usize, tmpArg: usize,
): void {
  const plane = PH * PW;
  const rowBytes = <usize>ldcol * 4;
  for (let n = 0; n < m; n++) {
    const base = col + <usize>(n * OH * OW) * rowBytes;
    pool2Image(base, rowBytes, <usize>OW * rowBytes, 0, false, n, OH, OW, w, ldw, K, F, bias, PH, PW, tmp, tmpArg);
    transpose4(tmp, plane, ldw, pooled + <usize>(n * F * plane) * 4);
    transpose4(tmpArg, plane, ldw, argmax + <usize>(n * F * plane) * 4);
  }
}

// The same by direct convolution, without im2col: the window rows are read from the images x (m × C × H × W,
// no padding) through offsets[p] = (c·H + ky)·W + kx, p = (c·K + ky)·K + kx (K·K·C i32). argmax holds the same
// positions as conv_relu_pool2, so the backward pass (conv_pool_weight_grad, on im2col rows) is shared.
export function conv_relu_pool2_direct(
  x: usize, C: i32, H: i32, W: i32, S: i32, offsets: usize, m: i32, OH: i32, OW: i32, w: usize, ldw: i32,
  K: i32, F: i32, bias: usize, PH: i32, PW: i32, pooled: usize, argmax: usize, tmp: usize, tmpArg: usize,
): void {
  const plane = PH * PW;
  for (let n = 0; n < m; n++) {
    const base = x + <usize>(n * C * H * W) * 4;
    pool2Image(base, <usize>S * 4, <usize>(S * W) * 4, offsets, true, n, OH, OW, w, ldw, K, F, bias, PH, PW, tmp, tmpArg);
    transpose4(tmp, plane, ldw, pooled + <usize>(n * F * plane) * 4);
    transpose4(tmpArg, plane, ldw, argmax + <usize>(n * F * plane) * 4);
  }
}

// One image: the window rows of position (y, x) start at base + y·yStep + x·xStep; the p-th patch value is at
// offset p·4 (im2col rows) or offsets[p]·4 (direct).
@inline function pool2Image(
  base: usize, xStep: usize, yStep: usize, offsets: usize, direct: bool, n: i32, OH: i32, OW: i32,
  w: usize, ldw: i32, K: i32, F: i32, bias: usize, PH: i32, PW: i32, tmp: usize, tmpArg: usize,
): void {
  {
    for (let py = 0; py < PH; py++) {
      for (let px = 0; px < PW; px++) {
        const r0 = (n * OH + 2 * py) * OW + 2 * px;
        const r1 = r0 + 1;
        const r2 = r0 + OW;
        const r3 = r2 + 1;
        const a0 = base + <usize>(2 * py) * yStep + <usize>(2 * px) * xStep;
        const a1 = a0 + xStep;
        const a2 = a0 + yStep;
        const a3 = a2 + xStep;
        const o = <usize>((py * PW + px) * ldw) * 4;
        for (let j = 0; j < F; j += 8) {
          const b0 = v128.load(bias + <usize>j * 4);
          const b1 = v128.load(bias + <usize>j * 4 + 16);
          let c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1;
          let bp = w + <usize>j * 4;
          for (let p = 0; p < K; p++) {
            const w0 = v128.load(bp);
            const w1 = v128.load(bp, 16);
            const off = direct ? <usize>load<i32>(offsets + <usize>p * 4) * 4 : <usize>p * 4;
            const x0 = v128.load32_splat(a0 + off);
            const x1 = v128.load32_splat(a1 + off);
            const x2 = v128.load32_splat(a2 + off);
            const x3 = v128.load32_splat(a3 + off);
            c00 = f32x4.add(c00, f32x4.mul(x0, w0)); c01 = f32x4.add(c01, f32x4.mul(x0, w1));
            c10 = f32x4.add(c10, f32x4.mul(x1, w0)); c11 = f32x4.add(c11, f32x4.mul(x1, w1));
            c20 = f32x4.add(c20, f32x4.mul(x2, w0)); c21 = f32x4.add(c21, f32x4.mul(x2, w1));
            c30 = f32x4.add(c30, f32x4.mul(x3, w0)); c31 = f32x4.add(c31, f32x4.mul(x3, w1));
            bp += <usize>ldw * 4;
          }
          // ReLU, then the first maximum of the window (strict >, as the reference).
          let best0 = f32x4.max(c00, ZERO);
          let best1 = f32x4.max(c01, ZERO);
          let where0 = i32x4.splat(r0);
          let where1 = where0;
          let v0 = f32x4.max(c10, ZERO);
          let v1 = f32x4.max(c11, ZERO);
          let at = i32x4.splat(r1);
          let g0 = f32x4.gt(v0, best0);
          let g1 = f32x4.gt(v1, best1);
          best0 = v128.bitselect(v0, best0, g0); where0 = v128.bitselect(at, where0, g0);
          best1 = v128.bitselect(v1, best1, g1); where1 = v128.bitselect(at, where1, g1);
          v0 = f32x4.max(c20, ZERO); v1 = f32x4.max(c21, ZERO); at = i32x4.splat(r2);
          g0 = f32x4.gt(v0, best0); g1 = f32x4.gt(v1, best1);
          best0 = v128.bitselect(v0, best0, g0); where0 = v128.bitselect(at, where0, g0);
          best1 = v128.bitselect(v1, best1, g1); where1 = v128.bitselect(at, where1, g1);
          v0 = f32x4.max(c30, ZERO); v1 = f32x4.max(c31, ZERO); at = i32x4.splat(r3);
          g0 = f32x4.gt(v0, best0); g1 = f32x4.gt(v1, best1);
          best0 = v128.bitselect(v0, best0, g0); where0 = v128.bitselect(at, where0, g0);
          best1 = v128.bitselect(v1, best1, g1); where1 = v128.bitselect(at, where1, g1);
          const t = o + <usize>j * 4;
          v128.store(tmp + t, best0);
          v128.store(tmp + t, best1, 16);
          v128.store(tmpArg + t, where0);
          v128.store(tmpArg + t, where1, 16);
        }
      }
    }
  }
}

// The convolution's weight and bias gradients straight from the pooled gradient, which is nonzero only at each
// window's maximum: dW[f, q] = Σ d · col[argmax, q] and db[f] = Σ d over the pooled entries o of filter f with
// d = dpooled[o] ≠ 0 (already multiplied by the ReLU mask, pooled > 0). dw is F × ldcol (only the first C·K·K
// columns mean anything), db F floats; both are overwritten. dpooled and argmax are m × F × plane.
export function conv_pool_weight_grad(
  col: usize, ldcol: i32, m: i32, F: i32, plane: i32, dpooled: usize, argmax: usize, dw: usize, db: usize,
): void {
  const vectors = ldcol >> 2;
  memory.fill(dw, 0, <usize>(F * ldcol) * 4);
  memory.fill(db, 0, <usize>F * 4);
  const rowBytes = <usize>ldcol * 4;
  for (let n = 0; n < m; n++) {
    for (let f = 0; f < F; f++) {
      const base = <usize>((n * F + f) * plane) * 4;
      const out = dw + <usize>f * rowBytes;
      let bias: f32 = 0;
      if (vectors == 7) {
        // The book's 5×5 filters (25 values, rows of 28): seven accumulators in registers, no branch on d
        // (about half the pooled gradients are zero, at random: a branch would mispredict).
        let s0 = v128.load(out), s1 = v128.load(out, 16), s2 = v128.load(out, 32), s3 = v128.load(out, 48);
        let s4 = v128.load(out, 64), s5 = v128.load(out, 80), s6 = v128.load(out, 96);
        for (let p = 0; p < plane; p++) {
          const d = load<f32>(dpooled + base + <usize>p * 4);
          bias += d;
          const src = col + <usize>load<i32>(argmax + base + <usize>p * 4) * rowBytes;
          const dv = f32x4.splat(d);
          s0 = f32x4.add(s0, f32x4.mul(dv, v128.load(src)));
          s1 = f32x4.add(s1, f32x4.mul(dv, v128.load(src, 16)));
          s2 = f32x4.add(s2, f32x4.mul(dv, v128.load(src, 32)));
          s3 = f32x4.add(s3, f32x4.mul(dv, v128.load(src, 48)));
          s4 = f32x4.add(s4, f32x4.mul(dv, v128.load(src, 64)));
          s5 = f32x4.add(s5, f32x4.mul(dv, v128.load(src, 80)));
          s6 = f32x4.add(s6, f32x4.mul(dv, v128.load(src, 96)));
        }
        v128.store(out, s0); v128.store(out, s1, 16); v128.store(out, s2, 32); v128.store(out, s3, 48);
        v128.store(out, s4, 64); v128.store(out, s5, 80); v128.store(out, s6, 96);
      } else {
        for (let p = 0; p < plane; p++) {
          const d = load<f32>(dpooled + base + <usize>p * 4);
          if (d == 0) continue;
          bias += d;
          const src = col + <usize>load<i32>(argmax + base + <usize>p * 4) * rowBytes;
          const dv = f32x4.splat(d);
          for (let v = 0; v < vectors; v++) {
            const at = <usize>v * 16;
            v128.store(out + at, f32x4.add(v128.load(out + at), f32x4.mul(dv, v128.load(src + at))));
          }
        }
      }
      store<f32>(db + <usize>f * 4, load<f32>(db + <usize>f * 4) + bias);
    }
  }
}

// dst (cols × rows) = srcᵀ (src rows × cols), 4×4 blocks transposed in registers, scalar edges.
export function transpose4(src: usize, rows: i32, cols: i32, dst: usize): void {
  const r4 = rows & ~3;
  const c4 = cols & ~3;
  for (let r = 0; r < r4; r += 4) {
    for (let c = 0; c < c4; c += 4) {
      const s = src + <usize>(r * cols + c) * 4;
      const cs = <usize>cols * 4;
      const a = v128.load(s);
      const b = v128.load(s + cs);
      const e = v128.load(s + 2 * cs);
      const d = v128.load(s + 3 * cs);
      const ab0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
      const ab1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
      const ed0 = v128.shuffle<f32>(e, d, 0, 4, 1, 5);
      const ed1 = v128.shuffle<f32>(e, d, 2, 6, 3, 7);
      const t = dst + <usize>(c * rows + r) * 4;
      const rs = <usize>rows * 4;
      v128.store(t, v128.shuffle<f32>(ab0, ed0, 0, 1, 4, 5));
      v128.store(t + rs, v128.shuffle<f32>(ab0, ed0, 2, 3, 6, 7));
      v128.store(t + 2 * rs, v128.shuffle<f32>(ab1, ed1, 0, 1, 4, 5));
      v128.store(t + 3 * rs, v128.shuffle<f32>(ab1, ed1, 2, 3, 6, 7));
    }
    for (let c = c4; c < cols; c++) {
      for (let q = r; q < r + 4; q++) {
        store<f32>(dst + <usize>(c * rows + q) * 4, load<f32>(src + <usize>(q * cols + c) * 4));
      }
    }
  }
  for (let r = r4; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f32>(dst + <usize>(c * rows + r) * 4, load<f32>(src + <usize>(r * cols + c) * 4));
    }
  }
}

// C = A·B (+ bias) with ReLU when relu = 1, over K in chunks of kc so that a chunk of B (kc × n) stays in L2
// across every 4-row block (the affine layer 4320 → 100: B is 1.7 MB, a chunk of 256 rows is 100 KB). The first
// chunk starts from the bias (or 0), later chunks add to C, the last applies ReLU. Needs m and n multiples of 4
// (the engine calls gemm_nn otherwise). Register block 4 × 8, as gemm_nn.
export function gemm_nn_kblocked(
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  m: i32, k: i32, n: i32, bias: usize, relu: i32, kc: i32,
): void {
  const n8 = n & ~7;
  for (let k0 = 0; k0 < k; k0 += kc) {
    const k1 = min(k, k0 + kc);
    const first = k0 == 0;
    const last = k1 == k;
    for (let i = 0; i < m; i += 4) {
      const a0 = a + <usize>(i * lda + k0) * 4;
      const a1 = a0 + <usize>lda * 4;
      const a2 = a1 + <usize>lda * 4;
      const a3 = a2 + <usize>lda * 4;
      const cs = <usize>ldc * 4;
      let j = 0;
      for (; j < n8; j += 8) {
        const cp = c + <usize>(i * ldc + j) * 4;
        let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
        if (first) {
          const b0 = bias != 0 ? v128.load(bias + <usize>j * 4) : ZERO;
          const b1 = bias != 0 ? v128.load(bias + <usize>j * 4 + 16) : ZERO;
          c00 = b0; c10 = b0; c20 = b0; c30 = b0;
          c01 = b1; c11 = b1; c21 = b1; c31 = b1;
        } else {
          c00 = v128.load(cp); c01 = v128.load(cp, 16);
          c10 = v128.load(cp + cs); c11 = v128.load(cp + cs, 16);
          c20 = v128.load(cp + 2 * cs); c21 = v128.load(cp + 2 * cs, 16);
          c30 = v128.load(cp + 3 * cs); c31 = v128.load(cp + 3 * cs, 16);
        }
        let bp = b + <usize>(k0 * ldb + j) * 4;
        for (let p = 0; p < k1 - k0; p++) {
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
        if (last && relu != 0) {
          c00 = f32x4.max(c00, ZERO); c01 = f32x4.max(c01, ZERO); c10 = f32x4.max(c10, ZERO);
          c11 = f32x4.max(c11, ZERO); c20 = f32x4.max(c20, ZERO); c21 = f32x4.max(c21, ZERO);
          c30 = f32x4.max(c30, ZERO); c31 = f32x4.max(c31, ZERO);
        }
        v128.store(cp, c00); v128.store(cp, c01, 16);
        v128.store(cp + cs, c10); v128.store(cp + cs, c11, 16);
        v128.store(cp + 2 * cs, c20); v128.store(cp + 2 * cs, c21, 16);
        v128.store(cp + 3 * cs, c30); v128.store(cp + 3 * cs, c31, 16);
      }
      for (; j < n; j += 4) {
        const cp = c + <usize>(i * ldc + j) * 4;
        let c0: v128, c1: v128, c2: v128, c3: v128;
        if (first) {
          const b0 = bias != 0 ? v128.load(bias + <usize>j * 4) : ZERO;
          c0 = b0; c1 = b0; c2 = b0; c3 = b0;
        } else {
          c0 = v128.load(cp); c1 = v128.load(cp + cs); c2 = v128.load(cp + 2 * cs); c3 = v128.load(cp + 3 * cs);
        }
        let bp = b + <usize>(k0 * ldb + j) * 4;
        for (let p = 0; p < k1 - k0; p++) {
          const w0 = v128.load(bp);
          const off = <usize>p * 4;
          c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a0 + off), w0));
          c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a1 + off), w0));
          c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a2 + off), w0));
          c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a3 + off), w0));
          bp += <usize>ldb * 4;
        }
        if (last && relu != 0) {
          c0 = f32x4.max(c0, ZERO); c1 = f32x4.max(c1, ZERO); c2 = f32x4.max(c2, ZERO); c3 = f32x4.max(c3, ZERO);
        }
        v128.store(cp, c0); v128.store(cp + cs, c1); v128.store(cp + 2 * cs, c2); v128.store(cp + 3 * cs, c3);
      }
    }
  }
}
