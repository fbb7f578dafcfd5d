import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { constants, gunzipSync } from "node:zlib";
import { type DataSplit, type ImageSet, parseIdxImageSet } from "../data/index.js";
import { InputRangeError } from "../util/errors.js";
import { READ_BUDGETS, readBytesFile } from "../util/files.js";

/** The standard MNIST file stems; each may be plain or gzip-compressed (`.gz`). */
export const IDX_FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

/** The size an IDX header announces (header + data bytes), or null when the bytes do not start with one. */
function announcedSize(header: Uint8Array): number | null {
  if (header.length < 4 || header[0] !== 0 || header[1] !== 0) return null;
  const dims = header[3];
  if (header.length < 4 + 4 * dims) return null;
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  let size = 1;
  for (let d = 0; d < dims; d++) size *= view.getUint32(4 + 4 * d, false);
  return 4 + 4 * dims + size;
}

/**
 * Reads one IDX file, plain or `.gz`, within READ_BUDGETS.idx: a regular file only (stat first), and a gzip stream
 * is decompressed with `maxOutputLength` set from the IDX header it starts with, so a small .gz that inflates to
 * gigabytes is refused after reading its first bytes. A damaged gzip stream is refused naming the file.
 */
export function readIdxBytes(path: string): Uint8Array {
  const raw = readBytesFile(path, "IDX file", READ_BUDGETS.idx);
  const gzipped = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
  if (!gzipped) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  let expected: number | null;
  try {
    // The first 4 KiB of the stream always hold the header (at most 4 + 4·255 bytes); a sync flush gives them.
    const head = gunzipSync(raw.subarray(0, 4096), { finishFlush: constants.Z_SYNC_FLUSH });
    expected = announcedSize(new Uint8Array(head.buffer, head.byteOffset, Math.min(head.byteLength, 1024)));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputRangeError(`${path}: damaged gzip data (${reason})`);
  }
  // Not an IDX header: inflate the start only; the parser names what is wrong with it.
  const limit = expected === null ? 1024 : expected;
  if (limit > READ_BUDGETS.idx) {
    throw new InputRangeError(
      `${path}: its IDX header announces ${limit} bytes, more than the ${READ_BUDGETS.idx}-byte budget for an IDX file`,
    );
  }
  try {
    const plain = gunzipSync(raw, { maxOutputLength: Math.max(1, limit) });
    return new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      if (expected === null) {
        const head = gunzipSync(raw.subarray(0, 4096), { finishFlush: constants.Z_SYNC_FLUSH });
        return new Uint8Array(head.buffer, head.byteOffset, Math.min(head.byteLength, 1024));
      }
      throw new InputRangeError(
        `${path}: the gzip data inflates to more than the ${expected} bytes its IDX header announces`,
      );
    }
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
  if (!statSync(dir).isDirectory()) throw new InputRangeError(`--data ${dir}: not a folder`);
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
