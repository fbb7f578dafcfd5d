import { describe, expect, it } from "vitest";
import { mnistSamplePermutation } from "../src/data/index.js";
import { gatherBatch } from "../src/data/types.js";
import { loadMnistSample, loadMnistSampleImages } from "../src/run/datasets.js";

describe("the bundled MNIST sample", () => {
  it("holds 10,000 digits in [0, 1], split 8,000 / 2,000 with every digit in both parts", () => {
    const split = loadMnistSample();
    expect([split.train.count, split.test.count]).toEqual([8000, 2000]);
    for (const set of [split.train, split.test]) {
      const counts = new Array(10).fill(0);
      for (const label of set.labels) counts[label]++;
      expect(Math.min(...counts)).toBeGreaterThan(set.count / 20);
      expect(set.pixels.every((p) => p >= 0 && p <= 1)).toBe(true);
    }
  });

  it("reads the same pixels from the binary cache as from the package's JSON", () => {
    const fromJson = loadMnistSampleImages(false);
    const cached = loadMnistSampleImages(true);
    const again = loadMnistSampleImages(true);
    expect(cached.count).toBe(10000);
    expect(Buffer.from(cached.pixels.buffer).equals(Buffer.from(fromJson.pixels.buffer))).toBe(true);
    expect(Buffer.from(again.pixels.buffer).equals(Buffer.from(fromJson.pixels.buffer))).toBe(true);
    expect(Array.from(again.labels)).toEqual(Array.from(fromJson.labels));
  });

  it("splits with a fixed permutation that is a permutation", () => {
    const order = mnistSamplePermutation(10000);
    expect(new Set(order).size).toBe(10000);
    expect(Array.from(mnistSamplePermutation(10000).subarray(0, 5))).toEqual(
      Array.from(order.subarray(0, 5)),
    );
  });

  it("gathers a batch as the book's x_train[batch_mask]", () => {
    const split = loadMnistSample();
    const x = new Float32Array(2 * 784);
    const labels = new Int32Array(2);
    gatherBatch(split.train, [5, 2], x, labels);
    expect(Array.from(x.subarray(0, 784))).toEqual(Array.from(split.train.pixels.subarray(5 * 784, 6 * 784)));
    expect(Array.from(labels)).toEqual([split.train.labels[5], split.train.labels[2]]);
  });
});
