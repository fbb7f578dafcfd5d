import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { loadMnistSample } from "./src/data/mnist-sample.js";

/** Where the browser's MNIST sample is served from and emitted to (relative to the site root). */
const MNIST_ASSET = "mnist-sample.bin";
/** How many of the CLI's train / test digits the page trains and evaluates on (kept small: the file is 785 bytes per digit). */
const MNIST_BROWSER_SPLIT = { train: 2500, test: 500 } as const;

/**
 * The playground's MNIST sample: the first digits of the CLI's fixed split (src/data/mnist-sample.ts), as
 * bytes (the package's pixels are byte / 255 rounded to three decimals, so round(p · 255) is the original
 * byte). Layout: "OPTLABW1", train count, test count (uint32 LE), then per set its pixels and its labels.
 */
function mnistSampleBytes(): Uint8Array {
  const split = loadMnistSample();
  const sets = [
    { set: split.train, count: MNIST_BROWSER_SPLIT.train },
    { set: split.test, count: MNIST_BROWSER_SPLIT.test },
  ];
  const size = split.train.rows * split.train.cols;
  const total = 16 + sets.reduce((sum, s) => sum + s.count * (size + 1), 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode("OPTLABW1"), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, MNIST_BROWSER_SPLIT.train, true);
  view.setUint32(12, MNIST_BROWSER_SPLIT.test, true);
  let offset = 16;
  for (const { set, count } of sets) {
    for (let i = 0; i < count * size; i++)
      out[offset + i] = Math.round(set.pixels[i] * (set.pixels instanceof Uint8Array ? 1 : 255));
    offset += count * size;
    out.set(set.labels.subarray(0, count), offset);
    offset += count;
  }
  return out;
}

/** The SIMD kernels `npm run build:wasm` compiles (run by `npm ci` through `prepare`); the worker falls back without them. */
const KERNELS = fileURLToPath(new URL("./build/wasm/kernels.wasm", import.meta.url));
const KERNELS_ASSET = "kernels.wasm";

/**
 * Serves the MNIST sample and the wasm kernels in `npm run playground` and emits them beside the
 * bundle in `npm run build:web`.
 */
function mnistAssetsPlugin(): Plugin {
  let cached: Uint8Array | undefined;
  const bytes = () => (cached ??= mnistSampleBytes());
  return {
    name: "optlab-mnist-assets",
    configureServer(server) {
      server.middlewares.use(`/${MNIST_ASSET}`, (_request, response) => {
        response.setHeader("Content-Type", "application/octet-stream");
        response.end(Buffer.from(bytes()));
      });
      server.middlewares.use(`/${KERNELS_ASSET}`, (_request, response) => {
        if (!existsSync(KERNELS)) {
          response.statusCode = 404;
          response.end("no kernels: npm run build:wasm");
          return;
        }
        response.setHeader("Content-Type", "application/wasm");
        response.end(readFileSync(KERNELS));
      });
    },
    generateBundle() {
      this.emitFile({ type: "asset", fileName: MNIST_ASSET, source: bytes() });
      if (existsSync(KERNELS))
        this.emitFile({ type: "asset", fileName: KERNELS_ASSET, source: readFileSync(KERNELS) });
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL("./web", import.meta.url)),
  base: "./",
  publicDir: false,
  plugins: [mnistAssetsPlugin()],
  worker: { format: "es" },
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
