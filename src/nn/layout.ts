import { InputRangeError } from "../util/errors.js";

export type Activation = "relu" | "sigmoid";

/** The book's MultiLayerNet settings (`common/multi_layer_net.py`). */
export interface NetworkConfig {
  readonly inputSize: number;
  readonly hiddenSizes: readonly number[];
  readonly outputSize: number;
  /** Hidden-layer activation; ReLU uses He init √(2/fan_in), sigmoid uses √(1/fan_in) as the book. */
  readonly activation: Activation;
  /** λ of the book's L2 weight decay: loss += ½·λ·ΣW², dW += λ·W (biases are not decayed). */
  readonly weightDecayLambda: number;
}

/** The seed's network: 784-100-100-100-100-10, ReLU, no weight decay. */
export const BOOK_NETWORK: NetworkConfig = {
  inputSize: 784,
  hiddenSizes: [100, 100, 100, 100],
  outputSize: 10,
  activation: "relu",
  weightDecayLambda: 0,
};

/** One named parameter inside the flat buffer: `W1` (fanIn × fanOut, row-major) or `b1` (fanOut). */
export interface ParameterSlot {
  readonly name: string;
  readonly offset: number;
  readonly length: number;
  readonly shape: readonly number[];
}

export interface Layer {
  readonly index: number;
  readonly fanIn: number;
  readonly fanOut: number;
  readonly weights: ParameterSlot;
  readonly bias: ParameterSlot;
}

export interface NetworkLayout {
  readonly layers: readonly Layer[];
  /** In the book's dict order: W1, b1, W2, b2, … */
  readonly slots: readonly ParameterSlot[];
  readonly size: number;
}

/** Checks a network config once, at the boundary. */
export function checkNetworkConfig(config: NetworkConfig): void {
  const sizes = [config.inputSize, ...config.hiddenSizes, config.outputSize];
  for (const size of sizes) {
    if (!(Number.isInteger(size) && size >= 1 && size <= 1_000_000)) {
      throw new InputRangeError(`network: layer sizes must be whole numbers in [1, 1000000], got ${size}`);
    }
  }
  if (config.activation !== "relu" && config.activation !== "sigmoid") {
    throw new InputRangeError(
      `network: activation must be relu or sigmoid, got ${JSON.stringify(config.activation)}`,
    );
  }
  if (!(config.weightDecayLambda >= 0 && Number.isFinite(config.weightDecayLambda))) {
    throw new InputRangeError(
      `network: weight decay λ must be a finite number ≥ 0, got ${config.weightDecayLambda}`,
    );
  }
}

/** Where each W and b lives in the one flat parameter buffer. */
export function networkLayout(config: NetworkConfig): NetworkLayout {
  const sizes = [config.inputSize, ...config.hiddenSizes, config.outputSize];
  const layers: Layer[] = [];
  const slots: ParameterSlot[] = [];
  let offset = 0;
  for (let l = 1; l < sizes.length; l++) {
    const fanIn = sizes[l - 1];
    const fanOut = sizes[l];
    const weights = { name: `W${l}`, offset, length: fanIn * fanOut, shape: [fanIn, fanOut] };
    offset += weights.length;
    const bias = { name: `b${l}`, offset, length: fanOut, shape: [fanOut] };
    offset += bias.length;
    layers.push({ index: l, fanIn, fanOut, weights, bias });
    slots.push(weights, bias);
  }
  return { layers, slots, size: offset };
}
