/**
 * `npm run bench`: every optimizer's step on 10⁶ parameters — the plain TypeScript loop (float32 and float64) and
 * the float32 SIMD step in WebAssembly (state in the kernels' memory, as the MNIST engine keeps it) — against the
 * memory-bandwidth bound for that optimizer's traffic, measured in the same run; then Muon's step on 100×100 and
 * 1024×1024 in GFLOP/s against the float32 GEMM peak of the kernels, measured here too.
 *
 *   node build/bench/optimizers.js [--json] [--only id,id] [--repetitions 15] [--threads 1] [--muon-large] [--matrix]
 *
 * Element-wise optimizers are also timed on two threads (bench/step-threads.ts; --threads 1 leaves that out).
 *
 * --muon-large adds Muon on 1024×1024 (one step, ≈1–2 minutes: the Newton–Schulz products are plain float64 loops);
 * --matrix times the plain steps of Muon, optax Muon and SOAP on 1000×1000 too.
 *
 * `--json` prints one object per line instead of the tables:
 *   {"workload":"W2","optimizer","dtype","engine","threads","n","ms":{"median","min","max"}}
 *   {"workload":"muon-step","optimizer":"muon","dtype","engine","threads","n","shape","ms":{…},"gflops","gemm_peak_gflops"}
 *
 * Traffic per parameter = element size × (read θ, write θ, read g, read and write every state array).
 * Adam in float32 moves 4 × (2 + 1 + 2·2) = 28 bytes. The bound is that traffic at the copy bandwidth this
 * machine reaches right now (TypedArray.set over 128 MiB, which reads and writes every byte).
 */
import { parseArgs } from "node:util";
import { instantiateKernels, KernelArena } from "../src/nn/kernels/wasm-kernels.js";
import { simdStep } from "../src/nn/kernels/wasm-optimizers.js";
import {
  createOptimizer,
  type DType,
  type FloatArray,
  type Optimizer,
  optimizerIds,
  optimizerMeta,
} from "../src/optim/index.js";
import { loadedKernelBuild, loadKernelModule } from "../src/run/engines.js";
import { markdownTable, median, timeRepeated } from "./stats.js";
import { timeTwoThreadStep } from "./step-threads.js";

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    only: { type: "string" },
    repetitions: { type: "string", default: process.env.BENCH_REPETITIONS ?? "15" },
    "muon-large": { type: "boolean", default: false },
    matrix: { type: "boolean", default: false },
    threads: { type: "string", default: "1,2" },
  },
});
const json = values.json === true;
const repetitions = Number(values.repetitions);
const n = 1_000_000;
/** Matrix methods get their 10⁶ parameters as one 1000×1000 matrix. */
const MATRIX_SHAPE = [1000, 1000];

export interface StepRecord {
  readonly workload: string;
  readonly optimizer: string;
  readonly dtype: DType;
  readonly engine: "js" | "wasm-simd" | "wasm-relaxed-simd";
  readonly threads: number;
  readonly n: number;
  readonly ms: { readonly median: number; readonly min: number; readonly max: number };
}

function spread(times: readonly number[]) {
  return { median: median(times), min: Math.min(...times), max: Math.max(...times) };
}

function emit(record: object): void {
  if (json) console.log(JSON.stringify(record));
}

function say(text: string): void {
  if (!json) console.log(text);
}

function copyBandwidthBytesPerMs(): number {
  const size = 16 * 1024 * 1024; // float64 elements: 128 MiB per array
  const source = new Float64Array(size).fill(1);
  const target = new Float64Array(size);
  const ms = median(timeRepeated(() => target.set(source), 7, 2));
  return (2 * size * 8) / ms;
}

function fill(params: FloatArray, grads: FloatArray): void {
  for (let i = 0; i < params.length; i++) {
    params[i] = Math.sin(i);
    grads[i] = Math.cos(i) * 1e-2;
  }
}

function shapeFor(id: string): number[] | undefined {
  return optimizerMeta(id).couplesCoordinates ? MATRIX_SHAPE : undefined;
}

/** Matrix methods whose plain step on a 1000×1000 matrix takes a minute or more (GEMMs, eigendecompositions). */
const SLOW_MATRIX = new Set(["muon", "optax-muon", "soap"]);

/** What is not timed on 10⁶ parameters, and why. */
function untimed(optimizer: Optimizer): string | null {
  if (optimizer.stepWithObjective !== undefined) {
    return "closure-based (evaluates the objective itself): not a gradient step";
  }
  if (SLOW_MATRIX.has(optimizer.id) && !values.matrix) {
    return "matrix method, ≈1–2 min per plain step on 1000×1000 (--matrix times it; Muon: see below)";
  }
  return null;
}

function stateArrays(state: Record<string, unknown>): number {
  return Object.values(state).filter((v) => typeof v !== "number" && (v as FloatArray).length === n).length;
}

async function main(): Promise<void> {
  const ids = values.only ? values.only.split(",") : optimizerIds();
  const bandwidth = copyBandwidthBytesPerMs();
  say(`copy bandwidth: ${(bandwidth / 1e6).toFixed(1)} GB/s (TypedArray.set, 128 MiB)`);
  say(`optimizer step on ${n.toLocaleString("en")} parameters, median of ${repetitions} after warm-up\n`);

  const module = loadKernelModule();
  const simdEngine = loadedKernelBuild() === "relaxed-simd" ? "wasm-relaxed-simd" : "wasm-simd";
  const kernels = module ? instantiateKernels(module) : null;
  let arena: { p: Float32Array; g: Float32Array; pool: Float32Array } | null = null;
  if (kernels) {
    const a = new KernelArena(kernels);
    const p = a.floats(n);
    const g = a.floats(n);
    const pool = a.floats(6 * n);
    a.commit();
    arena = { p: p(), g: g(), pool: pool() };
  }

  const rows: string[][] = [];
  const skipped: string[] = [];
  for (const id of ids) {
    const optimizer = createOptimizer({
      id,
      hp: optimizerMeta(id).hyperparameters.some((s) => s.name === "lr") ? { lr: 1e-3 } : {},
    });
    const why = untimed(optimizer);
    if (why !== null) {
      skipped.push(`${id}: ${why}`);
      continue;
    }
    const shape = shapeFor(id);
    const cells = (
      dtype: DType,
      engine: StepRecord["engine"],
      times: number[],
      arrays: number,
      threads = 1,
    ) => {
      const bytes = dtype === "float32" ? 4 : 8;
      const traffic = bytes * (3 + 2 * arrays);
      const record: StepRecord = {
        workload: "W2",
        optimizer: id,
        dtype,
        engine,
        threads,
        n,
        ms: spread(times),
      };
      emit(record);
      const boundMs = (traffic * n) / bandwidth;
      rows.push([
        id,
        dtype,
        threads === 1 ? engine : `${engine}, ${threads} threads`,
        `${traffic}`,
        record.ms.median.toFixed(2),
        record.ms.min.toFixed(2),
        ((record.ms.median * 1e6) / n).toFixed(2),
        (record.ms.median / boundMs).toFixed(1),
      ]);
    };
    for (const dtype of ["float32", "float64"] as DType[]) {
      // float32 first: every closure of one factory shares V8's type feedback, so the float64 run after it times a
      // loop that has seen both element types (as a process that ran both does); the float32 one has seen one.
      const fresh = createOptimizer({ id, hp: optimizer.hp as Record<string, number | boolean> });
      const params = dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
      const grads = dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
      fill(params, grads);
      const state = fresh.init(n, dtype, shape);
      const times = timeRepeated(
        () => fresh.step(params, grads, state),
        shape ? Math.min(3, repetitions) : repetitions,
        shape ? 1 : 5,
      );
      cells(dtype, "js", times, stateArrays(state));
    }
    if (kernels && arena) {
      const fast = simdStep(kernels, optimizer);
      if (fast === null) continue;
      fill(arena.p, arena.g);
      const state = optimizer.init(n, "float32");
      let used = 0;
      for (const [key, value] of Object.entries(state)) {
        if (typeof value === "number") continue;
        const view = arena.pool.subarray(used, used + value.length);
        view.set(value);
        state[key] = view;
        used += value.length;
      }
      const { p, g } = arena;
      cells(
        "float32",
        simdEngine,
        timeRepeated(() => fast(p, g, state), repetitions, 5),
        stateArrays(state),
      );
      // Two threads on one shared memory, each stepping half: element-wise optimizers only.
      if (!optimizerMeta(id).couplesCoordinates && id !== "cautious" && values.threads !== "1") {
        const timed = await timeTwoThreadStep(id, n, Math.max(repetitions, 20));
        if (timed !== null) cells("float32", "wasm-simd", timed.times, stateArrays(state), 2);
      }
    }
  }
  say(
    markdownTable(
      ["optimizer", "dtype", "engine", "bytes/param", "ms/step (median)", "min", "ns/param", "× bound"],
      rows,
    ),
  );
  for (const line of skipped) say(`not timed — ${line}`);
  if (kernels) muonSteps(kernels);
}

/** float32 GEMM of the kernels (gemm_nn, 1 thread) on 1024³: the peak the Muon figures are compared with. */
function gemmPeak(kernels: ReturnType<typeof instantiateKernels>): number {
  const size = 1024;
  const a = new KernelArena(kernels);
  const x = a.floats(size * size);
  const y = a.floats(size * size);
  const z = a.floats(size * size);
  a.commit();
  for (let i = 0; i < size * size; i++) {
    x()[i] = Math.sin(i);
    y()[i] = Math.cos(i);
  }
  const times = timeRepeated(
    () =>
      kernels.gemm_nn(
        x().byteOffset,
        size,
        y().byteOffset,
        size,
        z().byteOffset,
        size,
        size,
        size,
        size,
        0,
        0,
        0,
        0,
      ),
    3,
    1,
  );
  return (2 * size ** 3) / (median(times) * 1e6);
}

/** Muon: Newton–Schulz on the k×w orientation, per iteration A = X·Xᵀ (2k²w), A·A (2k³), (bA + cA²)·X (2k²w). */
function muonSteps(kernels: ReturnType<typeof instantiateKernels>): void {
  if (!optimizerIds().includes("muon")) return;
  const peak = gemmPeak(kernels);
  say(`\nfloat32 GEMM peak of the kernels (gemm_nn 1024³, 1 thread): ${peak.toFixed(1)} GFLOP/s`);
  const rows: string[][] = [];
  const sizes = values["muon-large"] ? [100, 1024] : [100];
  for (const size of sizes) {
    const muon = createOptimizer("muon");
    const steps = muon.hp.nsSteps as number;
    const flops = steps * (4 * size ** 3 + 2 * size ** 3);
    const count = size * size;
    const params = new Float64Array(count);
    const grads = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      params[i] = Math.sin(i);
      grads[i] = Math.cos(i) * 1e-2;
    }
    const state = muon.init(count, "float64", [size, size]);
    const times = timeRepeated(
      () => muon.step(params, grads, state),
      size > 500 ? 1 : 10,
      size > 500 ? 0 : 2,
    );
    const ms = spread(times);
    const gflops = flops / (ms.median * 1e6);
    emit({
      workload: "muon-step",
      optimizer: "muon",
      dtype: "float64",
      engine: "js",
      threads: 1,
      n: count,
      shape: [size, size],
      ms,
      gflops,
      gemm_peak_gflops: peak,
    });
    rows.push([
      `${size}×${size}`,
      ms.median.toFixed(1),
      gflops.toFixed(2),
      `${((100 * gflops) / peak).toFixed(1)} %`,
    ]);
  }
  say(
    markdownTable(["Muon step (float64, plain TypeScript)", "ms", "GFLOP/s", "share of the GEMM peak"], rows),
  );
}

await main();
