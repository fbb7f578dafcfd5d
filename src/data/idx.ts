import { InputRangeError, InputTypeError } from "../util/errors.js";
import type { ImageSet } from "./types.js";

/**
 * The IDX format (http://yann.lecun.com/exdb/mnist/): two zero bytes, a type code (0x08 = unsigned
 * byte, the only one MNIST and Fashion-MNIST use), the number of dimensions, then each dimension as a
 * big-endian 32-bit integer, then the data. Images are `idx3` (count × rows × cols), labels `idx1`.
 * Every check names the file and what is wrong; nothing partial is ever returned.
 */
export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

/** Parses one IDX file of unsigned bytes with `expectedDims` dimensions. */
export function parseIdx(bytes: Uint8Array, expectedDims: number, file: string): IdxArray {
  if (bytes.length < 4) {
    throw new InputRangeError(
      `${file}: truncated IDX file: ${bytes.length} bytes, shorter than the 4-byte magic number`,
    );
  }
  const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join("");
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new InputTypeError(`${file}: not an IDX file: magic number must start with 0000, got 0x${magic}`);
  }
  if (bytes[2] !== UNSIGNED_BYTE) {
    throw new InputTypeError(
      `${file}: IDX data type must be 0x08 (unsigned byte), got 0x${bytes[2].toString(16).padStart(2, "0")} (magic 0x${magic})`,
    );
  }
  if (bytes[3] !== expectedDims) {
    throw new InputTypeError(
      `${file}: expected an IDX file with ${expectedDims} dimension${expectedDims === 1 ? "" : "s"} (magic 0x0000080${expectedDims}), got ${bytes[3]} (magic 0x${magic})`,
    );
  }
  const headerLength = 4 + 4 * expectedDims;
  if (bytes.length < headerLength) {
    throw new InputRangeError(
      `${file}: truncated IDX header: expected ${headerLength} bytes, got ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let size = 1;
  for (let d = 0; d < expectedDims; d++) {
    const dim = view.getUint32(4 + 4 * d, false);
    if (dim === 0) throw new InputRangeError(`${file}: IDX dimension ${d + 1} must be at least 1, got 0`);
    dims.push(dim);
    size *= dim;
  }
  const available = bytes.length - headerLength;
  const announced = dims.length > 1 ? `${dims.join(" × ")} = ${size}` : `${size}`;
  if (available < size) {
    throw new InputRangeError(
      `${file}: truncated: header announces ${announced} bytes of data, found ${available}`,
    );
  }
  if (available > size) {
    throw new InputRangeError(
      `${file}: ${available - size} unexpected bytes after the ${announced} bytes the header announces`,
    );
  }
  return { dims, data: bytes.subarray(headerLength, headerLength + size) };
}

/** Parses a pair of image and label IDX files into one checked set. */
export function parseIdxImageSet(
  imageBytes: Uint8Array,
  labelBytes: Uint8Array,
  imageFile: string,
  labelFile: string,
  classes = 10,
): ImageSet {
  const images = parseIdx(imageBytes, 3, imageFile);
  const labels = parseIdx(labelBytes, 1, labelFile);
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw new InputRangeError(
      `${labelFile}: has ${labels.dims[0]} labels but ${imageFile} has ${count} images; they must match`,
    );
  }
  const data = labels.data;
  for (let i = 0; i < data.length; i++) {
    if (data[i] >= classes) {
      throw new InputRangeError(`${labelFile}: label ${i} must be in [0, ${classes - 1}], got ${data[i]}`);
    }
  }
  return { count, rows, cols, pixels: images.data, labels: data };
}

/** Writes an IDX file of unsigned bytes (used by tests and to export data). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const headerLength = 4 + 4 * dims.length;
  const out = new Uint8Array(headerLength + data.length);
  out[2] = UNSIGNED_BYTE;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((dim, d) => {
    view.setUint32(4 + 4 * d, dim, false);
  });
  out.set(data, headerLength);
  return out;
}
