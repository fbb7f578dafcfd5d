import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { encodeIdx, parseIdx } from "../src/data/idx.js";
import { FASHION_MNIST_DIR, loadDataset } from "../src/run/datasets.js";
import { readIdxFolder } from "../src/run/idx-files.js";

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "optlab-idx-"));
  folders.push(folder);
  return folder;
}

/** Writes a tiny IDX data set: `count` 2×3 images whose pixel j of image i is 10·i + j, labels i mod 10. */
function writeSet(folder: string, prefix: "train" | "t10k", count: number, gzip = false): void {
  const images = Uint8Array.from({ length: count * 6 }, (_, k) => 10 * Math.floor(k / 6) + (k % 6));
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  const write = (name: string, bytes: Uint8Array) =>
    writeFileSync(join(folder, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  write(`${prefix}-images-idx3-ubyte`, encodeIdx([count, 2, 3], images));
  write(`${prefix}-labels-idx1-ubyte`, encodeIdx([count], labels));
}

describe("IDX reader", () => {
  it("reads the four standard files, plain or gzip-compressed", () => {
    for (const gzip of [false, true]) {
      const folder = tempFolder();
      writeSet(folder, "train", 12, gzip);
      writeSet(folder, "t10k", 4, gzip);
      const split = readIdxFolder(folder);
      expect(split.train.count).toBe(12);
      expect(split.test.count).toBe(4);
      expect([split.train.rows, split.train.cols]).toEqual([2, 3]);
      expect(Array.from(split.train.pixels.subarray(6 * 11, 6 * 12))).toEqual([110, 111, 112, 113, 114, 115]);
      expect(Array.from(split.train.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
      expect(loadDataset(folder).train.count).toBe(12);
    }
  });

  it("refuses a wrong magic number, naming the file", () => {
    const bytes = encodeIdx([3], new Uint8Array([1, 2, 3]));
    bytes[2] = 0x0d;
    expect(() => parseIdx(bytes, 1, "labels.idx")).toThrow(
      "labels.idx: IDX data type must be 0x08 (unsigned byte), got 0x0d (magic 0x00000d01)",
    );
    expect(() => parseIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0]), 1, "x")).toThrow(
      "x: not an IDX file: magic number must start with 0000, got 0x01000801",
    );
    expect(() => parseIdx(encodeIdx([1, 1, 1], new Uint8Array(1)), 1, "labels")).toThrow(
      "labels: expected an IDX file with 1 dimension (magic 0x00000801), got 3 (magic 0x00000803)",
    );
  });

  it("refuses truncated files and files with trailing bytes", () => {
    const full = encodeIdx([4, 2, 3], new Uint8Array(24));
    expect(() => parseIdx(full.subarray(0, full.length - 1), 3, "images")).toThrow(
      "images: truncated: header announces 4 × 2 × 3 = 24 bytes of data, found 23",
    );
    expect(() => parseIdx(full.subarray(0, 10), 3, "images")).toThrow(
      "images: truncated IDX header: expected 16 bytes, got 10",
    );
    expect(() => parseIdx(full.subarray(0, 2), 3, "images")).toThrow("images: truncated IDX file: 2 bytes");
    const long = new Uint8Array(full.length + 5);
    long.set(full);
    expect(() => parseIdx(long, 3, "images")).toThrow(
      "images: 5 unexpected bytes after the 4 × 2 × 3 = 24 bytes the header announces",
    );
  });

  it("refuses a truncated gzip stream, naming the file", () => {
    const folder = tempFolder();
    writeSet(folder, "train", 12, true);
    writeSet(folder, "t10k", 4, true);
    const path = join(folder, "t10k-images-idx3-ubyte.gz");
    const gz = gzipSync(encodeIdx([4, 2, 3], new Uint8Array(24)));
    writeFileSync(path, gz.subarray(0, gz.length - 12));
    expect(() => readIdxFolder(folder)).toThrow(`${path}: damaged gzip data`);
  });

  it("refuses a label outside 0–9 and mismatched image and label counts", () => {
    const folder = tempFolder();
    writeSet(folder, "train", 12);
    writeSet(folder, "t10k", 4);
    const labelPath = join(folder, "t10k-labels-idx1-ubyte");
    writeFileSync(labelPath, encodeIdx([4], new Uint8Array([1, 2, 12, 3])));
    expect(() => readIdxFolder(folder)).toThrow(`${labelPath}: label 2 must be in [0, 9], got 12`);
    writeFileSync(labelPath, encodeIdx([3], new Uint8Array([1, 2, 3])));
    expect(() => readIdxFolder(folder)).toThrow(
      `${labelPath}: has 3 labels but ${join(folder, "t10k-images-idx3-ubyte")} has 4 images; they must match`,
    );
  });

  it("names the missing file and the unknown data set", () => {
    const folder = tempFolder();
    writeSet(folder, "train", 12);
    expect(() => readIdxFolder(folder)).toThrow(
      `--data ${folder}: missing t10k-images-idx3-ubyte (or t10k-images-idx3-ubyte.gz) in that folder`,
    );
    expect(() => loadDataset("fashon-mnist")).toThrow(
      '--data must be a folder of IDX files or one of mnist, fashion-mnist, got "fashon-mnist"',
    );
  });

  // The full-size test of the IDX reader runs where Debian's dataset-fashion-mnist is installed (.ci/run installs it
  // and sets OPTLAB_REQUIRE_FASHION_MNIST=1, so there a missing package fails). Elsewhere the same test checks that
  // asking for the data set names the package to install: never a silent skip.
  it("reads Debian's full Fashion-MNIST: 60,000 + 10,000 images of 28×28 (or says how to install it)", () => {
    const required = process.env.OPTLAB_REQUIRE_FASHION_MNIST === "1";
    if (!existsSync(FASHION_MNIST_DIR) && !required) {
      expect(() => loadDataset("fashion-mnist")).toThrow(
        `--data fashion-mnist: ${FASHION_MNIST_DIR} not found; install it with: apt-get install dataset-fashion-mnist`,
      );
      return;
    }
    const split = loadDataset("fashion-mnist");
    expect([split.train.count, split.test.count]).toEqual([60000, 10000]);
    expect([split.train.rows, split.train.cols]).toEqual([28, 28]);
    const counts = new Array(10).fill(0);
    for (const label of split.train.labels) counts[label]++;
    expect(counts).toEqual(new Array(10).fill(6000));
  });
});
