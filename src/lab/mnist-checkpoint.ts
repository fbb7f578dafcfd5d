import type { FloatArray, OptimizerState } from "../optim/types.js";
import type { TrainingCheckpoint } from "./train.js";

/**
 * A checkpoint as bytes: "OPTLABC1", the JSON header's length (uint32 LE), the JSON header (typed
 * arrays replaced by `{ "$array": i, "dtype": … }`), zero padding to 8 bytes, then the arrays' raw
 * little-endian bytes in order. Floats round-trip bit for bit.
 */
const MAGIC = "OPTLABC1";

export function encodeCheckpoint(checkpoint: TrainingCheckpoint): Uint8Array {
  const arrays: FloatArray[] = [];
  const ref = (array: FloatArray) => {
    arrays.push(array);
    return {
      $array: arrays.length - 1,
      dtype: array instanceof Float32Array ? "float32" : "float64",
      length: array.length,
    };
  };
  const header = {
    seed: checkpoint.seed,
    iteration: checkpoint.iteration,
    batchRandom: checkpoint.batchRandom.map((value) => (Number.isNaN(value) ? null : value)),
    networks: checkpoint.networks.map((network) => ({
      label: network.label,
      params: ref(network.params),
      state: Object.fromEntries(
        Object.entries(network.state).map(([key, value]) => [
          key,
          typeof value === "number" ? value : ref(value),
        ]),
      ),
    })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  let offset = align8(12 + json.length);
  const starts = arrays.map((array) => {
    const start = offset;
    offset = align8(offset + array.byteLength);
    return start;
  });
  const out = new Uint8Array(offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  arrays.forEach((array, i) => {
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), starts[i]);
  });
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array, file: string): TrainingCheckpoint {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new RangeError(`${file}: not an optlab checkpoint`);
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)));
  let offset = align8(12 + length);
  const read = (ref: { dtype: string; length: number }): FloatArray => {
    const size = ref.dtype === "float32" ? 4 : 8;
    const copy = bytes.slice(offset, offset + ref.length * size);
    if (copy.length !== ref.length * size) throw new RangeError(`${file}: truncated checkpoint`);
    offset = align8(offset + ref.length * size);
    return ref.dtype === "float32" ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
  };
  // Arrays were written in header order (params first, then state fields), so read them in that order.
  const networks = (
    header.networks as { label: string; params: never; state: Record<string, unknown> }[]
  ).map((network) => {
    const params = read(network.params) as Float32Array;
    const state: OptimizerState = {};
    for (const [key, value] of Object.entries(network.state)) {
      state[key] = typeof value === "number" ? value : read(value as { dtype: string; length: number });
    }
    return { label: network.label, params, state };
  });
  return {
    seed: header.seed,
    iteration: header.iteration,
    batchRandom: (header.batchRandom as (number | null)[]).map((value) =>
      value === null ? Number.NaN : value,
    ),
    networks,
  };
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
