/**
 * The compiled SIMD kernels (`wasm/kernels.ts`, built to `build/wasm/kernels.wasm` by `npm run build:wasm`)
 * as a typed object. Loading is the caller's business (Node reads the file, a browser fetches it), so
 * this module only turns compiled bytes or a `WebAssembly.Module` into kernels over a fresh memory.
 */
import type { StepKernelExports } from "./simd-steps.gen.js";

type Ptr = number;

/** The kernel module's exports: products, the sparse first layer and (generated) the optimizer steps. */
export interface KernelExports extends StepKernelExports {
  readonly memory: WebAssembly.Memory;
  gemm_nn(
    a: Ptr,
    lda: number,
    b: Ptr,
    ldb: number,
    c: Ptr,
    ldc: number,
    m: number,
    k: number,
    n: number,
    bias: Ptr,
    mode: number,
    mask: Ptr,
    ldm: number,
  ): void;
  gemm_tn(
    a: Ptr,
    lda: number,
    b: Ptr,
    ldb: number,
    c: Ptr,
    ldc: number,
    m: number,
    k: number,
    n: number,
  ): void;
  col_sum(a: Ptr, lda: number, m: number, n: number, out: Ptr): void;
  transpose(src: Ptr, rows: number, cols: number, dst: Ptr): void;
  axpy(alpha: number, x: Ptr, y: Ptr, n: number): void;
  build_csr(x: Ptr, m: number, k: number, rowStart: Ptr, cols: Ptr, vals: Ptr): number;
  build_csc(
    m: number,
    k: number,
    rowStart: Ptr,
    cols: Ptr,
    vals: Ptr,
    colStart: Ptr,
    rows: Ptr,
    cvals: Ptr,
  ): void;
  sparse_forward(
    rowStart: Ptr,
    cols: Ptr,
    vals: Ptr,
    m: number,
    w: Ptr,
    ldw: number,
    bias: Ptr,
    y: Ptr,
    ldy: number,
    n: number,
    relu: number,
  ): void;
  sparse_weight_grad(
    colStart: Ptr,
    rows: Ptr,
    cvals: Ptr,
    k: number,
    dz: Ptr,
    lddz: number,
    dw: Ptr,
    ldw: number,
    n: number,
  ): void;
}

/** Compiles kernel bytes once; `instantiateKernels` then makes independent instances synchronously. */
export function compileKernels(bytes: BufferSource): WebAssembly.Module {
  return new WebAssembly.Module(bytes);
}

/**
 * The same, asynchronously: browsers refuse synchronous compilation of modules over 4 KB on the main
 * thread, so a page does `compileKernelsAsync(await (await fetch(url)).arrayBuffer())` and hands the
 * module to a Web Worker (modules are structured-cloneable), where `instantiateKernels` is allowed.
 */
export function compileKernelsAsync(bytes: BufferSource): Promise<WebAssembly.Module> {
  return WebAssembly.compile(bytes);
}

/** A fresh instance with its own memory. */
export function instantiateKernels(module: WebAssembly.Module): KernelExports {
  return new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
}

/**
 * Hands out 16-byte-aligned float32 / int32 regions of a kernel instance's memory. All regions are
 * reserved first, then `commit()` grows the memory once and the views are made (growing detaches
 * earlier views, so nothing grows afterwards).
 */
export class KernelArena {
  private next: number;
  private committed = false;
  private readonly pending: {
    offset: number;
    length: number;
    kind: "f32" | "i32";
    resolve: (view: Float32Array | Int32Array) => void;
  }[] = [];

  constructor(readonly kernels: KernelExports) {
    this.next = align(kernels.memory.buffer.byteLength + 1024, 64);
  }

  /** Reserves `length` floats; the view is available after `commit()` through the returned getter. */
  floats(length: number): () => Float32Array {
    return this.reserve(length, "f32") as () => Float32Array;
  }

  ints(length: number): () => Int32Array {
    return this.reserve(length, "i32") as () => Int32Array;
  }

  private reserve(length: number, kind: "f32" | "i32"): () => Float32Array | Int32Array {
    if (this.committed) throw new Error("KernelArena: reserve before commit");
    const offset = this.next;
    // At least 16 bytes after every region: kernels may read (never write) one f32x4 past a row's end.
    this.next = align(offset + 4 * length + 16, 64);
    let view: Float32Array | Int32Array | undefined;
    this.pending.push({ offset, length, kind, resolve: (v) => (view = v) });
    return () => {
      if (!view) throw new Error("KernelArena: commit before use");
      return view;
    };
  }

  commit(): void {
    const memory = this.kernels.memory;
    const needed = this.next - memory.buffer.byteLength;
    if (needed > 0) memory.grow(Math.ceil(needed / 65536));
    const buffer = memory.buffer;
    for (const region of this.pending) {
      region.resolve(
        region.kind === "f32"
          ? new Float32Array(buffer, region.offset, region.length)
          : new Int32Array(buffer, region.offset, region.length),
      );
    }
    this.committed = true;
  }
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
