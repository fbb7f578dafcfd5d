/**
 * A labelled set of images, row-major, one image after another. Pixels are either bytes (IDX files;
 * the value is byte / 255 as the book's `normalize=True`) or floats already in [0, 1] (the bundled sample).
 */
export interface ImageSet {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  readonly pixels: Uint8Array | Float32Array;
  readonly labels: Uint8Array;
}

/** A data set split into the part trained on and the held-out part evaluated on. */
export interface DataSplit {
  /** `mnist`, `fashion-mnist`, or the folder the IDX files came from. */
  readonly name: string;
  /** One line saying where the data came from and how it was split. */
  readonly description: string;
  readonly classes: number;
  readonly train: ImageSet;
  readonly test: ImageSet;
}

/** Pixels per image. */
export function imageSize(set: ImageSet): number {
  return set.rows * set.cols;
}

const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, b) => b / 255);

/**
 * Copies the images at `indices` into `x` (one image per row, float32 in [0, 1]) and their labels
 * into `labels`. This is the book's `x_train[batch_mask]`, `t_train[batch_mask]`.
 */
export function gatherBatch(
  set: ImageSet,
  indices: ArrayLike<number>,
  x: Float32Array,
  labels: Int32Array | Uint8Array,
): void {
  const size = imageSize(set);
  const pixels = set.pixels;
  for (let row = 0; row < indices.length; row++) {
    const index = indices[row];
    const from = index * size;
    const to = row * size;
    if (pixels instanceof Uint8Array) {
      for (let j = 0; j < size; j++) x[to + j] = BYTE_TO_UNIT[pixels[from + j]];
    } else {
      x.set(pixels.subarray(from, from + size), to);
    }
    labels[row] = set.labels[index];
  }
}

/** Takes the images at `indices` as a new set (used to split the bundled sample). */
export function selectImages(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = imageSize(set);
  const pixels =
    set.pixels instanceof Uint8Array
      ? new Uint8Array(indices.length * size)
      : new Float32Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i] * size;
    pixels.set(set.pixels.subarray(from, from + size) as never, i * size);
    labels[i] = set.labels[indices[i]];
  }
  return { count: indices.length, rows: set.rows, cols: set.cols, pixels, labels };
}
