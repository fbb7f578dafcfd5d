/**
 * `npm run bench`: each optimizer's step on 10⁶ parameters, float32 and float64, against the memory-bandwidth
 * bound for that optimizer's traffic, measured in the same run.
 *
 * Traffic per parameter = element size × (read θ, write θ, read g, read and write every state array).
 * Adam in float32 moves 4 × (2 + 1 + 2·2) = 28 bytes. The bound is that traffic at the copy bandwidth this
 * machine reaches right now (TypedArray.set over 128 MiB, which reads and writes every byte).
 */
import { readFileSync } from "node:fs";
import { compileKernels } from "../src/nn/kernels/wasm-kernels.js";
import { createOptimizer, type DType, optimizerIds } from "../src/optim/index.js";
import { kernelWasmPath } from "../src/run/engines.js";
import { timeSimdAdam } from "./mnist-adam.js";
import { markdownTable, median, timeRepeated } from "./stats.js";

const n = 1_000_000;
const repetitions = Number(process.env.BENCH_REPETITIONS ?? 15);

function copyBandwidthBytesPerMs(): number {
  const size = 16 * 1024 * 1024; // float64 elements: 128 MiB per array
  const source = new Float64Array(size).fill(1);
  const target = new Float64Array(size);
  const ms = median(timeRepeated(() => target.set(source), 7, 2));
  return (2 * size * 8) / ms;
}

function main(): void {
  const bandwidth = copyBandwidthBytesPerMs();
  console.log(`copy bandwidth: ${(bandwidth / 1e6).toFixed(1)} GB/s (TypedArray.set, 128 MiB)`);
  console.log(
    `optimizer step on ${n.toLocaleString("en")} parameters, median of ${repetitions} after warm-up\n`,
  );
  const rows: string[][] = [];
  for (const dtype of ["float32", "float64"] as DType[]) {
    const bytes = dtype === "float32" ? 4 : 8;
    for (const id of optimizerIds()) {
      const optimizer = createOptimizer({ id, hp: { lr: 1e-3 } });
      const params = dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
      const grads = dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) {
        params[i] = Math.sin(i);
        grads[i] = Math.cos(i) * 1e-2;
      }
      const state = optimizer.init(n, dtype);
      const stateArrays = Object.values(state).filter((v) => typeof v !== "number" && v.length === n).length;
      const traffic = bytes * (3 + 2 * stateArrays);
      const ms = median(timeRepeated(() => optimizer.step(params, grads, state), repetitions));
      const boundMs = (traffic * n) / bandwidth;
      rows.push([
        id,
        dtype,
        `${traffic}`,
        ms.toFixed(2),
        ((ms * 1e6) / n).toFixed(2),
        boundMs.toFixed(2),
        (ms / boundMs).toFixed(1),
      ]);
    }
  }
  console.log(
    markdownTable(["optimizer", "dtype", "bytes/param", "ms/step", "ns/param", "bound ms", "× bound"], rows),
  );

  // The float32 Adam steps the MNIST engine uses: one f32x4 loop in WebAssembly (wasm/kernels.ts), state in the
  // kernels' memory, against the plain loop above, in the same process. Target: ≤ 2.1 ms per step on 10⁶.
  const simd = timeSimdAdam(compileKernels(readFileSync(kernelWasmPath())));
  const boundMs = (28 * n) / bandwidth;
  console.log(`\nSIMD float32 steps on ${n.toLocaleString("en")} parameters (median of 50 after warm-up)\n`);
  console.log(
    markdownTable(
      ["optimizer", "SIMD ms/step", "plain JS ms/step", "speed-up", "× DRAM bound (28 B/param)"],
      simd.map((t) => [
        t.spec,
        t.simdMs.toFixed(2),
        t.plainMs.toFixed(2),
        (t.plainMs / t.simdMs).toFixed(1),
        (t.simdMs / boundMs).toFixed(2),
      ]),
    ),
  );
}

main();
