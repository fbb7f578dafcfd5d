import { InputRangeError, InputTypeError, show } from "../util/errors.js";
import type { DType, HpValue, Optimizer, OptimizerState } from "./types.js";

type JsonNumber = number | "NaN" | "Infinity" | "-Infinity";

/** An optimizer's state as JSON: which optimizer and settings, the size and precision, and every field. */
export interface SavedState {
  readonly optimizer: string;
  readonly hp: Readonly<Record<string, HpValue>>;
  readonly n: number;
  readonly dtype: DType;
  /** The parameter's matrix shape when `init` was given one (Muon, Adafactor, …); absent for a flat vector. */
  readonly shape?: readonly number[];
  readonly state: Readonly<Record<string, JsonNumber | JsonNumber[]>>;
}

// JSON has no NaN or ±Infinity; a diverged run's state must survive the round trip all the same.
function encode(value: number): JsonNumber {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
}

function decode(value: unknown, where: string): number {
  if (typeof value === "number") return value;
  if (value === "NaN") return Number.NaN;
  if (value === "Infinity") return Number.POSITIVE_INFINITY;
  if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
  throw new InputTypeError(`saved state: ${where} must be a number, got ${show(value)}`);
}

/** Turns live state into plain JSON-ready data (doubles written shortest-round-trip by JSON.stringify). */
export function saveState(
  optimizer: Optimizer,
  state: OptimizerState,
  n: number,
  dtype: DType = "float64",
  shape?: readonly number[],
): SavedState {
  const fields: Record<string, JsonNumber | JsonNumber[]> = {};
  for (const [name, value] of Object.entries(state)) {
    fields[name] = typeof value === "number" ? encode(value) : Array.from(value, encode);
  }
  const saved: SavedState = { optimizer: optimizer.id, hp: { ...optimizer.hp }, n, dtype, state: fields };
  return shape === undefined ? saved : { ...saved, shape: [...shape] };
}

/**
 * Rebuilds live state for `optimizer` from saved data: fields are matched by name, each checked against the
 * shape `init` gives, so a file from another optimizer or size is refused with the field named.
 */
export function restoreState(optimizer: Optimizer, saved: SavedState): OptimizerState {
  if (saved === null || typeof saved !== "object") {
    throw new InputTypeError(`saved state must be an object, got ${show(saved)}`);
  }
  if (saved.optimizer !== optimizer.id) {
    throw new InputRangeError(
      `saved state is for optimizer ${show(saved.optimizer)}, not ${show(optimizer.id)}`,
    );
  }
  if (!Number.isInteger(saved.n) || saved.n < 0) {
    throw new InputRangeError(`saved state: n must be a whole number >= 0, got ${show(saved.n)}`);
  }
  if (saved.dtype !== "float64" && saved.dtype !== "float32") {
    throw new InputRangeError(`saved state: dtype must be "float64" or "float32", got ${show(saved.dtype)}`);
  }
  if (
    saved.shape !== undefined &&
    !(Array.isArray(saved.shape) && saved.shape.every((d) => Number.isInteger(d) && d >= 0))
  ) {
    throw new InputRangeError(`saved state: shape must be a list of whole numbers, got ${show(saved.shape)}`);
  }
  const state = optimizer.init(saved.n, saved.dtype, saved.shape);
  const fields = saved.state ?? {};
  for (const name of Object.keys(fields)) {
    if (!(name in state))
      throw new InputRangeError(`saved state: unexpected field ${show(name)} for ${optimizer.id}`);
  }
  for (const [name, fresh] of Object.entries(state)) {
    const value = fields[name];
    if (value === undefined)
      throw new InputRangeError(`saved state: missing field ${show(name)} for ${optimizer.id}`);
    if (typeof fresh === "number") {
      state[name] = decode(value, name);
    } else {
      if (!Array.isArray(value) || value.length !== fresh.length) {
        throw new InputRangeError(
          `saved state: ${name} must be an array of ${fresh.length} numbers, got ${Array.isArray(value) ? `${value.length} numbers` : show(value)}`,
        );
      }
      for (let i = 0; i < fresh.length; i++) fresh[i] = decode(value[i], `${name}[${i}]`);
    }
  }
  return state;
}
