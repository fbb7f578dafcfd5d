// optlab's float32 SIMD kernels (AssemblyScript 0.28, compiled with `--enable simd`; no relaxed SIMD, which
// Node 20 only runs behind a flag). Every pointer is a byte offset into the module's memory; the
// TypeScript side (src/nn/wasm-engine.ts) owns the layout and never lets this code allocate.
// Matrices are row-major. The plain TypeScript kernels in src/nn/reference-kernels.ts are the reference.
//
// The module's entry: dense products (dense.ts), the sparse first layer (sparse.ts) and the optimizer steps
// (optimizer-steps.ts), each in its own file; simd.ts holds what they share.

export * from "./dense";
export * from "./sparse";
export * from "./optimizer-steps";
export * from "./conv";
