/**
 * One optimizer step on 10⁶ float32 parameters split over two threads: the main thread and one worker run the same
 * SIMD step (src/nn/kernels/wasm-optimizers.ts) on one half each, over one shared WebAssembly memory
 * (build/wasm/kernels-shared.wasm: the kernels built with shared, imported memory). The hand-off is two Atomics
 * counters in that memory. Only for element-wise optimizers (no norm or dot product over the whole vector).
 * Used by `npm run bench` (bench/optimizers.ts); a bench, never the engine (the engine splits by network).
 */
import { existsSync, readFileSync } from "node:fs";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { KernelArena, type KernelExports } from "../src/nn/kernels/wasm-kernels.js";
import { simdStep } from "../src/nn/kernels/wasm-optimizers.js";
import { createOptimizer, type OptimizerState } from "../src/optim/index.js";
import { projectPath } from "../src/util/project.js";

export function sharedKernelPath(): string {
  return projectPath("build", "wasm", "kernels-shared.wasm");
}

interface Layout {
  readonly spec: string;
  readonly n: number;
  /** Byte offsets of the second half's parameters, gradients and state pool, and of the control counters. */
  readonly p: number;
  readonly g: number;
  readonly pool: number;
  readonly control: number;
}

interface Task {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly layout: Layout;
}

function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
}

/** The optimizer's float32 state for `n` parameters, its arrays moved into `pool` (a view of kernel memory). */
function stateIn(spec: string, n: number, pool: Float32Array): OptimizerState {
  const state = createOptimizer(spec).init(n, "float32");
  let used = 0;
  for (const [key, value] of Object.entries(state)) {
    if (typeof value === "number") continue;
    const view = pool.subarray(used, used + value.length);
    view.set(value);
    state[key] = view;
    used += value.length;
  }
  return state;
}

/**
 * Times `steps` two-thread steps of `spec` on `n` parameters (after `warmup`): ms per step and the parameters after
 * the last step (for a check against one thread: element-wise steps give the same bits), or null without the build.
 */
export async function timeTwoThreadStep(
  spec: string,
  n: number,
  steps: number,
  warmup = 5,
): Promise<{ times: number[]; params: Float32Array } | null> {
  if (!existsSync(sharedKernelPath())) return null;
  const module = new WebAssembly.Module(readFileSync(sharedKernelPath()));
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 16384, shared: true });
  const kernels = instantiate(module, memory);
  const half = Math.ceil(n / 2 / 4) * 4;
  const rest = n - half;
  const arena = new KernelArena(kernels);
  const p = arena.floats(n);
  const g = arena.floats(n);
  const pools = [arena.floats(6 * half), arena.floats(6 * rest)];
  const control = arena.ints(4);
  arena.commit();
  for (let i = 0; i < n; i++) {
    p()[i] = Math.sin(i);
    g()[i] = Math.cos(i) * 1e-2;
  }
  const optimizer = createOptimizer(spec);
  const fast = simdStep(kernels, optimizer);
  if (fast === null) return null;
  const mine = stateIn(spec, half, pools[0]());
  const layout: Layout = {
    spec,
    n: rest,
    p: p().byteOffset + 4 * half,
    g: g().byteOffset + 4 * half,
    pool: pools[1]().byteOffset,
    control: control().byteOffset,
  };
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { module, memory, layout } satisfies Task,
  });
  await new Promise<void>((resolve, reject) => {
    worker.once("message", () => resolve());
    worker.once("error", reject);
  });
  const ctl = control();
  const pHalf = p().subarray(0, half);
  const gHalf = g().subarray(0, half);
  let generation = 0;
  const step = () => {
    generation++;
    Atomics.store(ctl, 0, generation);
    Atomics.notify(ctl, 0);
    fast(pHalf, gHalf, mine);
    while (Atomics.load(ctl, 1) !== generation) Atomics.wait(ctl, 1, generation - 1, 1);
  };
  for (let i = 0; i < warmup; i++) step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const started = performance.now();
    step();
    times.push(performance.now() - started);
  }
  Atomics.store(ctl, 0, -1);
  Atomics.notify(ctl, 0);
  await worker.terminate();
  return { times, params: p().slice() };
}

if (!isMainThread && workerData?.layout) {
  const { module, memory, layout } = workerData as Task;
  const kernels = instantiate(module, memory);
  const buffer = memory.buffer;
  const p = new Float32Array(buffer, layout.p, layout.n);
  const g = new Float32Array(buffer, layout.g, layout.n);
  const state = stateIn(layout.spec, layout.n, new Float32Array(buffer, layout.pool, 6 * layout.n));
  const fast = simdStep(kernels, createOptimizer(layout.spec));
  const ctl = new Int32Array(buffer, layout.control, 4);
  parentPort?.postMessage("ready");
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, 0, seen);
    const generation = Atomics.load(ctl, 0);
    if (generation < 0) break;
    if (generation === seen) continue;
    seen = generation;
    fast?.(p, g, state);
    Atomics.store(ctl, 1, generation);
    Atomics.notify(ctl, 1);
  }
}
