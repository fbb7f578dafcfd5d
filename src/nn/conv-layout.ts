import { InputRangeError } from "../util/errors.js";
import type { Layer, NetworkConfig, ParameterSlot } from "./layout.js";

/**
 * The book's `SimpleConvNet` (Deep Learning from Scratch ch. 7, `ch07/simple_convnet.py`):
 *
 *   conv (filters × channels × size × size, stride, pad) → ReLU → max-pool (poolSize, poolStride)
 *   → affine (filters·pooledH·pooledW → hiddenSize) → ReLU → affine (hiddenSize → outputSize) → softmax cross-entropy
 *
 * He init (√(2/fan_in), fan_in = channels·size² for the filters), zero biases. The pooled maps are flattened in
 * the book's (channel, row, column) order, so W2's row r = c·pooledH·pooledW + y·pooledW + x.
 */
export interface ConvNetConfig {
  readonly kind: "conv";
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly filters: number;
  readonly filterSize: number;
  readonly stride: number;
  readonly pad: number;
  readonly poolSize: number;
  readonly poolStride: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  /** λ of the book's L2 weight decay over every weight array (W1 filters, W2, W3), as MultiLayerNet. */
  readonly weightDecayLambda: number;
}

/** The book's network on 28×28 one-channel images: 30 filters 5×5, pool 2×2/2, 4320 → 100 → 10. */
export const BOOK_CONV_NETWORK: ConvNetConfig = {
  kind: "conv",
  channels: 1,
  height: 28,
  width: 28,
  filters: 30,
  filterSize: 5,
  stride: 1,
  pad: 0,
  poolSize: 2,
  poolStride: 2,
  hiddenSize: 100,
  outputSize: 10,
  weightDecayLambda: 0,
};

/** What a parameter array is for, so optimizer groups (hidden matrices vs biases …) can be chosen by role. */
export type ParameterRole = "conv-filters" | "dense-weights" | "bias";

export interface RoledSlot extends ParameterSlot {
  readonly role: ParameterRole;
}

/** One layer with parameters. `fanIn`/`fanOut` are the GEMM view: a conv layer is (channels·size²) → filters. */
export interface ConvNetLayer extends Layer {
  readonly kind: "conv" | "dense";
  readonly weights: RoledSlot;
  readonly bias: RoledSlot;
}

/** The derived sizes of every stage, and where W1 (filters), b1, W2, b2, W3, b3 live in the flat buffer. */
export interface ConvNetLayout {
  readonly layers: readonly ConvNetLayer[];
  readonly slots: readonly RoledSlot[];
  readonly size: number;
  readonly inputSize: number;
  /** Convolution output side: (H + 2·pad − size) / stride + 1. */
  readonly convHeight: number;
  readonly convWidth: number;
  readonly pooledHeight: number;
  readonly pooledWidth: number;
  /** filters · pooledHeight · pooledWidth: W2's fan-in (4320 for the book's network). */
  readonly flatSize: number;
}

function whole(name: string, value: number, min: number): void {
  if (!(Number.isInteger(value) && value >= min && value <= 100_000)) {
    throw new InputRangeError(
      `conv network: ${name} must be a whole number in [${min}, 100000], got ${value}`,
    );
  }
}

/** Checks a conv network config once, at the boundary. */
export function checkConvNetConfig(config: ConvNetConfig): void {
  if (config.kind !== "conv")
    throw new InputRangeError(`conv network: kind must be "conv", got ${JSON.stringify(config.kind)}`);
  for (const key of [
    "channels",
    "height",
    "width",
    "filters",
    "filterSize",
    "stride",
    "poolSize",
    "poolStride",
    "hiddenSize",
    "outputSize",
  ] as const) {
    whole(key, config[key], 1);
  }
  whole("pad", config.pad, 0);
  const { height, width, pad, filterSize, stride } = config;
  if ((height + 2 * pad - filterSize) % stride !== 0 || (width + 2 * pad - filterSize) % stride !== 0) {
    throw new InputRangeError(
      `conv network: (side + 2·pad − filterSize) must be a multiple of the stride, got (${height}×${width} + 2·${pad} − ${filterSize}) / ${stride}`,
    );
  }
  if (height + 2 * pad < filterSize || width + 2 * pad < filterSize) {
    throw new InputRangeError(
      `conv network: filterSize must fit the padded image, got ${filterSize} for ${height}×${width} + 2·${pad}`,
    );
  }
  const convHeight = (height + 2 * pad - filterSize) / stride + 1;
  const convWidth = (width + 2 * pad - filterSize) / stride + 1;
  if (convHeight < config.poolSize || convWidth < config.poolSize) {
    throw new InputRangeError(
      `conv network: poolSize must fit the ${convHeight}×${convWidth} feature map, got ${config.poolSize}`,
    );
  }
  if (!(config.weightDecayLambda >= 0 && Number.isFinite(config.weightDecayLambda))) {
    throw new InputRangeError(
      `conv network: weight decay λ must be a finite number ≥ 0, got ${config.weightDecayLambda}`,
    );
  }
}

/** Where each parameter lives; the book's dict order W1, b1, W2, b2, W3, b3. */
export function convNetLayout(config: ConvNetConfig): ConvNetLayout {
  checkConvNetConfig(config);
  const { channels, height, width, filters, filterSize, stride, pad, poolSize, poolStride } = config;
  const convHeight = (height + 2 * pad - filterSize) / stride + 1;
  const convWidth = (width + 2 * pad - filterSize) / stride + 1;
  // The book's Pooling layer: out = 1 + (H − pool_h) / stride (floored), no padding.
  const pooledHeight = Math.floor((convHeight - poolSize) / poolStride) + 1;
  const pooledWidth = Math.floor((convWidth - poolSize) / poolStride) + 1;
  const flatSize = filters * pooledHeight * pooledWidth;
  const shapes: { kind: "conv" | "dense"; fanIn: number; fanOut: number; shape: number[] }[] = [
    {
      kind: "conv",
      fanIn: channels * filterSize * filterSize,
      fanOut: filters,
      shape: [filters, channels, filterSize, filterSize],
    },
    { kind: "dense", fanIn: flatSize, fanOut: config.hiddenSize, shape: [flatSize, config.hiddenSize] },
    {
      kind: "dense",
      fanIn: config.hiddenSize,
      fanOut: config.outputSize,
      shape: [config.hiddenSize, config.outputSize],
    },
  ];
  const layers: ConvNetLayer[] = [];
  const slots: RoledSlot[] = [];
  let offset = 0;
  shapes.forEach(({ kind, fanIn, fanOut, shape }, i) => {
    const index = i + 1;
    const weights: RoledSlot = {
      name: `W${index}`,
      offset,
      length: fanIn * fanOut,
      shape,
      role: kind === "conv" ? "conv-filters" : "dense-weights",
    };
    offset += weights.length;
    const bias: RoledSlot = { name: `b${index}`, offset, length: fanOut, shape: [fanOut], role: "bias" };
    offset += bias.length;
    layers.push({ index, kind, fanIn, fanOut, weights, bias });
    slots.push(weights, bias);
  });
  return {
    layers,
    slots,
    size: offset,
    inputSize: channels * height * width,
    convHeight,
    convWidth,
    pooledHeight,
    pooledWidth,
    flatSize,
  };
}

/**
 * The MLP-shaped summary `BatchEngine.config` carries for a conv engine: the width after each stage
 * (input pixels → flattened pooled maps → hidden → classes), ReLU, the same λ. It is a description for
 * checks (`inputSize` against the images, `weightDecayLambda`), not a network to build: its dense layout is
 * far larger than the conv layout, so `initialParameters(summary)` does not fit the conv buffer and
 * `params.set` refuses it loudly; conv networks start from `convInitialParameters`.
 */
export function convStageSummary(config: ConvNetConfig): NetworkConfig & { readonly conv: ConvNetConfig } {
  const layout = convNetLayout(config);
  return {
    inputSize: layout.inputSize,
    hiddenSizes: [layout.flatSize, config.hiddenSize],
    outputSize: config.outputSize,
    activation: "relu",
    weightDecayLambda: config.weightDecayLambda,
    conv: config,
  };
}
