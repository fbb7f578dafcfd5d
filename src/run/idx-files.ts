import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { type DataSplit, type ImageSet, parseIdxImageSet } from "../data/index.js";
import { InputRangeError } from "../util/errors.js";

/** The standard MNIST file stems; each may be plain or gzip-compressed (`.gz`). */
export const IDX_FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

/** Reads one IDX file, plain or `.gz`; a damaged gzip stream is refused naming the file. */
export function readIdxBytes(path: string): Uint8Array {
  const raw = readFileSync(path);
  const gzipped = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
  if (!gzipped) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  try {
    const plain = gunzipSync(raw);
    return new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputRangeError(`${path}: damaged gzip data (${reason})`);
  }
}

function findIdxFile(dir: string, stem: string): string {
  for (const name of [stem, `${stem}.gz`]) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  throw new InputRangeError(`--data ${dir}: missing ${stem} (or ${stem}.gz) in that folder`);
}

function readPair(dir: string, imagesStem: string, labelsStem: string): ImageSet {
  const imageFile = findIdxFile(dir, imagesStem);
  const labelFile = findIdxFile(dir, labelsStem);
  return parseIdxImageSet(readIdxBytes(imageFile), readIdxBytes(labelFile), imageFile, labelFile);
}

/**
 * Reads the four standard IDX files from a folder: the `train-*` files are trained on, the `t10k-*`
 * files are the held-out test set. Every file is checked before anything is returned.
 */
export function readIdxFolder(dir: string, name = dir): DataSplit {
  if (!existsSync(dir)) throw new InputRangeError(`--data ${dir}: no such folder`);
  const train = readPair(dir, IDX_FILES.trainImages, IDX_FILES.trainLabels);
  const test = readPair(dir, IDX_FILES.testImages, IDX_FILES.testLabels);
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new InputRangeError(
      `--data ${dir}: training images are ${train.rows}×${train.cols} but test images are ${test.rows}×${test.cols}; they must match`,
    );
  }
  return {
    name,
    description: `${name}: IDX files in ${dir}, ${train.count} training and ${test.count} test images (train-* / t10k-*)`,
    classes: 10,
    train,
    test,
  };
}
