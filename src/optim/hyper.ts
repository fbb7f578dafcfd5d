import { InputRangeError, InputTypeError, show, unknownNameMessage } from "../util/errors.js";
import type { HpSpec, HpValue, OptimizerMeta } from "./types.js";

/** Shorthand constructors for hyperparameter specs, so each optimizer file lists its table compactly. */
export function num(
  name: string,
  symbol: string,
  defaultValue: number,
  range: Pick<HpSpec, "min" | "max" | "minOpen" | "maxOpen" | "integer" | "scale" | "uiMin" | "uiMax">,
  doc: string,
): HpSpec {
  return { name, kind: "number", default: defaultValue, symbol, doc, ...range };
}

export function flag(name: string, symbol: string, defaultValue: boolean, doc: string): HpSpec {
  return { name, kind: "boolean", default: defaultValue, symbol, doc };
}

/** The usual ranges, named once. */
export const lrRange = { min: 0, scale: "log", uiMin: 1e-4, uiMax: 20 } as const;
export const momentumRange = { min: 0, scale: "linear", uiMin: 0, uiMax: 0.999 } as const;
export const unitClosedRange = { min: 0, max: 1, scale: "linear", uiMin: 0, uiMax: 1 } as const;
export const unitOpenRange = {
  min: 0,
  max: 1,
  maxOpen: true,
  scale: "linear",
  uiMin: 0,
  uiMax: 0.999,
} as const;
export const epsRange = { min: 0, scale: "log", uiMin: 1e-16, uiMax: 1e-2 } as const;
export const decayRange = { min: 0, scale: "linear", uiMin: 0, uiMax: 0.1 } as const;

/** `[0, 1)`, `(0, ∞)`, `≥ 0`: the rule of a spec as the error message states it. */
export function describeRange(spec: HpSpec): string {
  const { min, max } = spec;
  if (min !== undefined && max !== undefined) {
    return `in ${spec.minOpen ? "(" : "["}${min}, ${max}${spec.maxOpen ? ")" : "]"}`;
  }
  if (min !== undefined) return spec.minOpen ? `> ${min}` : `>= ${min}`;
  if (max !== undefined) return spec.maxOpen ? `< ${max}` : `<= ${max}`;
  return "finite";
}

function inRange(spec: HpSpec, value: number): boolean {
  // Written so that NaN fails every comparison.
  if (!Number.isFinite(value)) return false;
  if (spec.integer && !Number.isInteger(value)) return false;
  if (spec.min !== undefined && !(spec.minOpen ? value > spec.min : value >= spec.min)) return false;
  if (spec.max !== undefined && !(spec.maxOpen ? value < spec.max : value <= spec.max)) return false;
  return true;
}

/**
 * Checks user-supplied hyperparameters against an optimizer's table and fills in the defaults.
 * Unknown names get a did-you-mean; values outside their range are refused with the rule and the value.
 */
export function resolveHyperparameters(
  meta: OptimizerMeta,
  given: Readonly<Record<string, unknown>> = {},
): Record<string, HpValue> {
  const specs = new Map(meta.hyperparameters.map((spec) => [spec.name, spec]));
  for (const name of Object.keys(given)) {
    if (!specs.has(name)) {
      throw new InputTypeError(
        `${meta.id}: ${unknownNameMessage("hyperparameter", name, [...specs.keys()])}`,
      );
    }
  }
  const resolved: Record<string, HpValue> = {};
  for (const spec of meta.hyperparameters) {
    const value = given[spec.name] === undefined ? spec.default : given[spec.name];
    if (spec.kind === "boolean") {
      if (typeof value !== "boolean") {
        throw new InputTypeError(`${meta.id}: ${spec.name} must be true or false, got ${show(value)}`);
      }
    } else if (typeof value !== "number" || !inRange(spec, value)) {
      const rule = spec.integer ? `a whole number ${describeRange(spec)}` : describeRange(spec);
      throw new InputRangeError(`${meta.id}: ${spec.name} must be ${rule}, got ${show(value)}`);
    }
    resolved[spec.name] = value as HpValue;
  }
  return resolved;
}

/** Refuses a combination of options that the reference library refuses too. */
export function refuse(meta: OptimizerMeta, message: string): never {
  throw new InputRangeError(`${meta.id}: ${message}`);
}
