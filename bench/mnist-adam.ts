import { median } from "../src/lab/stats.js";
import { instantiateKernels, KernelArena } from "../src/nn/kernels/wasm-kernels.js";
import { simdStep } from "../src/nn/kernels/wasm-optimizers.js";
import { createOptimizer } from "../src/optim/index.js";

export interface AdamTiming {
  readonly spec: string;
  /** Median milliseconds per step on 10⁶ float32 parameters. */
  readonly simdMs: number;
  readonly plainMs: number;
}

/**
 * The float32 Adam step on 10⁶ parameters: the SIMD kernel (`adam_book_f32`, `adam_torch_f32` in
 * wasm/kernels.ts, state in kernel memory) against the plain loop of src/optim on Float32Arrays.
 * Median of `steps` steps after 5 warm-up steps. For `npm run bench:mnist` and `npm run bench`.
 */
export function timeSimdAdam(
  module: WebAssembly.Module,
  specs = ["adam", "torch-adam"],
  steps = 50,
): AdamTiming[] {
  const n = 1_000_000;
  const kernels = instantiateKernels(module);
  const arena = new KernelArena(kernels);
  const p = arena.floats(n);
  const g = arena.floats(n);
  const m = arena.floats(n);
  const v = arena.floats(n);
  arena.commit();
  const time = (step: () => void) => {
    for (let i = 0; i < 5; i++) step();
    const samples: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      step();
      samples.push(performance.now() - t0);
    }
    return median(samples);
  };
  return specs.map((spec) => {
    for (let i = 0; i < n; i++) {
      p()[i] = Math.sin(i);
      g()[i] = Math.cos(i) * 1e-2;
    }
    m().fill(0);
    v().fill(0);
    const optimizer = createOptimizer(spec);
    const state = { ...optimizer.init(n, "float32"), m: m(), v: v() };
    const fast = simdStep(kernels, optimizer);
    if (fast === null) throw new Error(`bench: no SIMD step for ${spec}`);
    const plainState = optimizer.init(n, "float32");
    const plainParams = new Float32Array(p());
    const plainGrads = new Float32Array(g());
    return {
      spec,
      simdMs: time(() => fast(p(), g(), state)),
      plainMs: time(() => optimizer.step(plainParams, plainGrads, plainState)),
    };
  });
}
