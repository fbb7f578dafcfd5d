// Shared by the kernels: the zero vector, the products' epilogues and the partial store of a row's column tail.

export const ZERO: v128 = f32x4.splat(0);

// Stores the first `count` (1–3) lanes of v: the column tail of a row whose width is not a multiple of 4.
// The kernels compute a full f32x4 there, reading up to 3 floats past the row (the next row, the next
// parameter, or the arena's slack: every region is followed by at least 16 readable bytes) and keep only
// the lanes that belong to the row.
@inline export function storePartial(ptr: usize, v: v128, count: i32): void {
  store<f32>(ptr, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(ptr, f32x4.extract_lane(v, 1), 4);
  if (count > 2) store<f32>(ptr, f32x4.extract_lane(v, 2), 8);
}

// The epilogue of a product, by `mode`: 0 = as is, 1 = ReLU, 2 = multiplied by (M > 0).
@inline export function epilogue(acc: v128, mode: i32, maskPtr: usize): v128 {
  if (mode == 1) return f32x4.max(acc, ZERO);
  if (mode == 2) return v128.and(acc, f32x4.gt(v128.load(maskPtr), ZERO));
  return acc;
}

@inline export function epilogueScalar(acc: f32, mode: i32, maskPtr: usize): f32 {
  if (mode == 1) return acc <= 0 ? 0 : acc; // ReLU as the book: x <= 0 → 0, NaN passes (as f32x4.max)
  if (mode == 2) return load<f32>(maskPtr) > 0 ? acc : 0;
  return acc;
}

// a·b + c per lane. Built with `--enable relaxed-simd` (build/wasm/kernels-relaxed.wasm) it is one fused
// multiply-add where the machine has one (f32x4.relaxed_madd: fused or not, the hardware's choice); the plain build
// (build/wasm/kernels.wasm) multiplies, rounds, then adds. Node 20 compiles the relaxed build only with
// --experimental-wasm-relaxed-simd, which src/run/engines.ts sets for the process when it loads that build.
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
