import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compileKernels } from "../src/nn/kernels/wasm-kernels.js";

let compiled: WebAssembly.Module | undefined;

/** The plain SIMD kernels (build/wasm/kernels.wasm) for a test, built first when missing; compiled once per file. */
export function testKernelModule(): WebAssembly.Module {
  if (compiled) return compiled;
  const root = join(import.meta.dirname, "..");
  const path = join(root, "build", "wasm", "kernels.wasm");
  if (!existsSync(path)) execFileSync("npm", ["run", "build:wasm"], { cwd: root, stdio: "ignore" });
  compiled = compileKernels(readFileSync(path));
  return compiled;
}
