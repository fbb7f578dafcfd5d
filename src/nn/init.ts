import type { NetworkConfig } from "./layout.js";
import { networkLayout } from "./layout.js";
import { RandomStream, SeededRandom } from "./random.js";

/**
 * The book's initial parameters, in float64: W_l = scale · randn(fanIn, fanOut) with
 * scale = √(2 / fanIn) for ReLU (He) or √(1 / fanIn) for sigmoid (Xavier), biases zero. The normals
 * come from `SeededRandom(seed, weights stream)`, W1 first, row by row; every optimizer of a paired run
 * starts from a copy of this array (rounded to float32 for training).
 */
export function initialParameters(config: NetworkConfig, seed: number): Float64Array {
  const layout = networkLayout(config);
  const params = new Float64Array(layout.size);
  const random = new SeededRandom(seed, RandomStream.weights);
  for (const layer of layout.layers) {
    const scale = Math.sqrt((config.activation === "relu" ? 2 : 1) / layer.fanIn);
    const { offset, length } = layer.weights;
    for (let i = 0; i < length; i++) params[offset + i] = scale * random.normal();
  }
  return params;
}
