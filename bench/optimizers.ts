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
 * Muon is timed in float32 on the kernels (100×100 and 1024×1024) and in plain float64 (100×100; --muon-large adds
 * 1024×1024, one step of ≈1–2 minutes: the Newton–Schulz products are plain loops);
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
import { instantiateKernels, KernelArena } from "../src/nn/kernels/wasm-kernels.js";
import { muonScratchFloats, muonSimdStep } from "../src/nn/kernels/wasm-muon.js";
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
import { benchArgs } from "./args.js";
import { markdownTable, median, timeRepeated } from "./stats.js";
import { timeTwoThreadStep } from "./step-threads.js";

const { values } = benchArgs("bench", {
  json: { type: "boolean", default: false },
  only: { type: "string" },
  repetitions: { type: "string", default: process.env.BENCH_REPETITIONS ?? "15" },
  "muon-large": { type: "boolean", default: false },
  matrix: { type: "boolean", default: false },
  threads: { type: "string", default: "1,2" },
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

/** Times (ms) of the simplest four-array float32 loop over 10⁶ elements: what any plain step costs at least here. */
function scalarLoopFloorTimes(): number[] {
  const [p, g, m, v] = Array.from({ length: 4 }, (_, k) => new Float32Array(n).fill(k));
  const times = timeRepeated(
    () => {
      for (let i = 0; i < n; i++) p[i] = g[i] + m[i] + v[i];
    },
    15,
    5,
  );
  return times;
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
  const ids = values.only ? String(values.only).split(",") : optimizerIds();
  const bandwidth = copyBandwidthBytesPerMs();
  say(`copy bandwidth: ${(bandwidth / 1e6).toFixed(1)} GB/s (TypedArray.set, 128 MiB)`);
  say(`optimizer step on ${n.toLocaleString("en")} parameters, median of ${repetitions} after warm-up\n`);

  const module = loadKernelModule();
  const simdEngine = loadedKernelBuild() === "relaxed-simd" ? "wasm-relaxed-simd" : "wasm-simd";
  const kernels = module ? instantiateKernels(module) : null;
  let arena: { p: Float32Array; g: Float32Array; pool: Float32Array; scratch: Float32Array } | null = null;
  if (kernels) {
    const a = new KernelArena(kernels);
    const p = a.floats(n);
    const g = a.floats(n);
    const pool = a.floats(6 * n);
    // The matrix methods' float64 row and column sums of the 1000×1000 matrix.
    const scratch = a.floats(2 * (MATRIX_SHAPE[0] + MATRIX_SHAPE[1]) + 2);
    a.commit();
    arena = { p: p(), g: g(), pool: pool(), scratch: scratch() };
  }
  const floorTimes = scalarLoopFloorTimes();
  const floor = median(floorTimes);
  say(
    `plain-loop floor: ${floor.toFixed(2)} ms for p[i] = g[i] + m[i] + v[i] over 10⁶ float32 (V8's scalar loop, no arithmetic to speak of)`,
  );
  emit({
    workload: "plain-loop-floor",
    dtype: "float32",
    engine: "js",
    threads: 1,
    n,
    ms: { median: floor },
  });

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
      const fast = simdStep(kernels, optimizer, arena.scratch);
      if (fast === null) continue;
      fill(arena.p, arena.g);
      // The same matrix shape as the plain step (Adafactor factors it, SM3 keeps row and column accumulators).
      const state = optimizer.init(n, "float32", shape);
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

/** The kernels' float32 GEMM rate (gemm_nn, 1 thread): the best of 128³, 256³ and 1024³, the peak Muon is compared with. */
function gemmPeak(kernels: ReturnType<typeof instantiateKernels>): number {
  let best = 0;
  for (const size of [128, 256, 1024]) {
    const a = new KernelArena(kernels);
    const x = a.floats(size * size);
    const y = a.floats(size * size);
    const z = a.floats(size * size);
    a.commit();
    for (let i = 0; i < size * size; i++) {
      x()[i] = Math.sin(i);
      y()[i] = Math.cos(i);
    }
    const product = () =>
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
      );
    const times = timeRepeated(product, size > 500 ? 3 : 20, 2);
    best = Math.max(best, (2 * size ** 3) / (Math.min(...times) * 1e6));
  }
  return best;
}

/** Muon: Newton–Schulz on the k×w orientation, per iteration A = X·Xᵀ (2k²w), A·A (2k³), (bA + cA²)·X (2k²w). */
function muonSteps(kernels: ReturnType<typeof instantiateKernels>): void {
  if (!optimizerIds().includes("muon")) return;
  const peak = gemmPeak(kernels);
  say(
    `\nfloat32 GEMM peak of the kernels (gemm_nn, best of 128³/256³/1024³, 1 thread): ${peak.toFixed(1)} GFLOP/s`,
  );
  const rows: string[][] = [];
  const record = (engine: string, dtype: DType, size: number, times: number[], flops: number) => {
    const ms = spread(times);
    const gflops = flops / (ms.median * 1e6);
    emit({
      workload: "muon-step",
      optimizer: "muon",
      dtype,
      engine,
      threads: 1,
      n: size * size,
      shape: [size, size],
      ms,
      gflops,
      gemm_peak_gflops: peak,
    });
    rows.push([
      `${size}×${size}`,
      `${engine} ${dtype}`,
      ms.median.toFixed(1),
      gflops.toFixed(2),
      `${((100 * gflops) / peak).toFixed(1)} %`,
    ]);
  };
  for (const size of [100, 1024]) {
    const muon = createOptimizer("muon");
    const flops = (muon.hp.nsSteps as number) * 6 * size ** 3;
    const count = size * size;
    const large = size > 500;
    // float32 on the kernels (src/nn/kernels/wasm-muon.ts): Newton–Schulz on gemm_nn.
    const arena = new KernelArena(kernels);
    const p32 = arena.floats(count);
    const g32 = arena.floats(count);
    const b32 = arena.floats(count);
    const scratch = arena.floats(muonScratchFloats(size, size));
    arena.commit();
    fill(p32(), g32());
    const state32 = { ...muon.init(count, "float32", [size, size]), b: b32() };
    const fast = muonSimdStep(kernels, muon, scratch());
    if (fast !== null) {
      const times = timeRepeated(() => fast(p32(), g32(), state32), large ? 3 : 20, large ? 1 : 3);
      record("wasm-simd", "float32", size, times, flops);
    }
    // The plain float64 loops of src/optim/muon.ts (1024×1024: ≈1–2 minutes a step, with --muon-large only).
    if (large && !values["muon-large"]) continue;
    const params = new Float64Array(count);
    const grads = new Float64Array(count);
    fill(params, grads);
    const state = muon.init(count, "float64", [size, size]);
    record(
      "js",
      "float64",
      size,
      timeRepeated(() => muon.step(params, grads, state), large ? 1 : 10, large ? 0 : 2),
      flops,
    );
  }
  say(markdownTable(["Muon step", "engine", "ms", "GFLOP/s", "share of the kernels' GEMM peak"], rows));
}

await main();
