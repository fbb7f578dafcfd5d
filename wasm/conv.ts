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
// order), window PK × PK with stride PS; argmax[o] is the index into y of the window's first maximum
// (row-major window order, numpy's argmax). Four channels at a time.
export function maxpool_forward(
  y: usize, m: i32, F: i32, H: i32, W: i32, PK: i32, PS: i32, PH: i32, PW: i32,
  out: usize, argmax: usize,
): void {
  const plane = PH * PW;
  const lanes = i32x4(0, 1, 2, 3);
  for (let n = 0; n < m; n++) {
    for (let py = 0; py < PH; py++) {
      for (let px = 0; px < PW; px++) {
        for (let f = 0; f < F; f += 4) {
          let best = f32x4.splat(0);
          let where = i32x4.splat(0);
          for (let ky = 0; ky < PK; ky++) {
            for (let kx = 0; kx < PK; kx++) {
              const index = ((n * H + py * PS + ky) * W + px * PS + kx) * F + f;
              const v = v128.load(y + <usize>index * 4);
              const at = i32x4.add(i32x4.splat(index), lanes);
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

// The pooling backward: dy (dyCount floats) = 0, then dy[argmax[o]] += dout[o] for o < count.
export function maxpool_backward(dout: usize, argmax: usize, count: i32, dy: usize, dyCount: i32): void {
  memory.fill(dy, 0, <usize>dyCount * 4);
  for (let o = 0; o < count; o++) {
    const at = dy + <usize>load<i32>(argmax + <usize>o * 4) * 4;
    store<f32>(at, load<f32>(at) + load<f32>(dout + <usize>o * 4));
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
