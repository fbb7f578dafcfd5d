import { describe, expect, it } from "vitest";
import type { ImageSet } from "../src/data/index.js";
import {
  computeLandscapeSlice,
  filterNormalizedDirection,
  planeSliceBasis,
  projectOnto,
  randomSliceBasis,
  snapshotUpdates,
} from "../src/lab/index.js";
import { createReferenceEngine, type NetworkConfig, networkLayout, SeededRandom } from "../src/nn/index.js";
import { createOptimizer } from "../src/optim/index.js";
import { mnistLandscapeFigure } from "../src/plot/index.js";
import { createDocument } from "../src/report/dom.js";

/** A small network on 4×4 "images": fast enough to train and slice in a unit test. */
const TINY: NetworkConfig = {
  inputSize: 16,
  hiddenSizes: [6],
  outputSize: 3,
  activation: "relu",
  weightDecayLambda: 0,
};

function images(count: number, seed: number): ImageSet {
  const random = new SeededRandom(seed, 0);
  const pixels = new Float32Array(count * 16);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    labels[n] = random.integer(3);
    for (let p = 0; p < 16; p++)
      pixels[n * 16 + p] = (p % 3 === labels[n] ? 0.8 : 0) + 0.2 * random.uniform();
  }
  return { count, rows: 4, cols: 4, pixels, labels };
}

describe("the loss-landscape slice (Li et al. 2018)", () => {
  const layout = networkLayout(TINY);
  const center = Float32Array.from({ length: layout.size }, (_, i) => Math.sin(i + 1));

  it("filter-normalises: each neuron's block has the centre's norm, biases are 0", () => {
    const d = filterNormalizedDirection(layout, center, new SeededRandom(3, 7));
    for (const layer of layout.layers) {
      const { offset } = layer.weights;
      for (let j = 0; j < layer.fanOut; j++) {
        let nd = 0;
        let nc = 0;
        for (let i = 0; i < layer.fanIn; i++) {
          nd += d[offset + i * layer.fanOut + j] ** 2;
          nc += center[offset + i * layer.fanOut + j] ** 2;
        }
        expect(Math.sqrt(nd)).toBeCloseTo(Math.sqrt(nc), 5);
      }
      for (let i = 0; i < layer.bias.length; i++) expect(d[layer.bias.offset + i]).toBe(0);
    }
  });

  it("projects θ* + 2·d₁ − d₂ to (2, −1), and the plane puts the start at (1, 0)", () => {
    const basis = randomSliceBasis(layout, center, 5);
    const theta = center.map((c, i) => c + 2 * basis.d1[i] - basis.d2[i]);
    const [a, b] = projectOnto(basis, theta);
    expect(a).toBeCloseTo(2, 4);
    expect(b).toBeCloseTo(-1, 4);
    const start = center.map((c, i) => c + Math.cos(i));
    const other = center.map((c, i) => c + Math.cos(2 * i));
    const plane = planeSliceBasis(center, start, other);
    const [sa, sb] = projectOnto(plane, start);
    expect(sa).toBeCloseTo(1, 4);
    expect(sb).toBeCloseTo(0, 4);
    expect(projectOnto(plane, other)[1]).toBeCloseTo(1, 4);
  });

  it("trains, slices and draws every run's path on one plane", () => {
    expect(snapshotUpdates(100, 4)).toEqual([0, 25, 50, 75, 100]);
    const optimizers = ["sgd:lr=0.1", "adam:lr=0.01"].map((spec) => createOptimizer(spec));
    for (const mode of ["random", "plane"] as const) {
      const slice = computeLandscapeSlice({
        engine: createReferenceEngine(TINY, 2, 64),
        data: { train: images(200, 1), test: images(50, 2) },
        plan: {
          seed: 1,
          iterations: 40,
          batchSize: 16,
          evalEvery: 0,
          optimizers: optimizers.map((optimizer, i) => ({ label: `${i + 1}. ${optimizer.id}`, optimizer })),
        },
        mode,
        snapshots: 4,
        grid: 9,
        evaluationImages: 100,
      });
      expect(slice.values).toHaveLength(81);
      expect(slice.values.every(Number.isFinite)).toBe(true);
      expect(slice.paths.map((p) => p.points.length)).toEqual([5, 5]);
      // Both runs start at the same weights: the same point; the reference ends at the centre.
      expect(slice.paths[0].points[0]).toEqual(slice.paths[1].points[0]);
      const end = slice.paths[0].points.at(-1) as readonly number[];
      expect(Math.hypot(end[0], end[1])).toBeLessThan(1e-4);
      const svg = mnistLandscapeFigure(createDocument(), slice, "16-6-3 relu, batch 16, 40 updates, seed 1");
      expect(svg).toMatch(/^<svg/);
      // Filled contours of the loss under the paths.
      expect(svg).toMatch(/aria-label="contour"[\s\S]*<path[^>]*d="M/);
      expect(svg).toMatch(/1\. sgd/);
      expect(svg).toMatch(/2\. adam/);
    }
  });
});
