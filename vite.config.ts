import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { encodeBrowserSample } from "./src/data/index.js";
import { loadMnistSample } from "./src/run/datasets.js";

/** Where the browser's MNIST sample is served from and emitted to (relative to the site root). */
const MNIST_ASSET = "mnist-sample.bin";
/** How many of the CLI's train / test digits the page trains and evaluates on: the whole 8,000 / 2,000 sample (785 bytes per digit, 7.9 MB). */
const MNIST_BROWSER_SPLIT = { train: 8000, test: 2000 } as const;

/** The playground's MNIST sample: the first digits of the CLI's fixed split, in the browser's byte form. */
function mnistSampleBytes(): Uint8Array {
  return encodeBrowserSample(loadMnistSample(), MNIST_BROWSER_SPLIT);
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
