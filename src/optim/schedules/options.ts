import { InputRangeError, InputTypeError, show, unknownNameMessage } from "../../util/errors.js";
import type { ScheduleContext } from "./types.js";

/** How an option is checked; each kind's rule is written once, here, in the words of its error message. */
export type OptionKind =
  | "number"
  | "positive"
  | "nonnegative"
  | "count"
  | "positiveCount"
  | "fraction"
  | "openFraction"
  | "flag"
  | "numberOrNull"
  | "counts"
  | "pairs"
  | "numbers"
  | "schedules"
  | "objects"
  | { readonly choice: readonly string[] };

export interface OptionSpec {
  readonly name: string;
  readonly kind: OptionKind;
  /** The default; `undefined` with no `context` means required. */
  readonly default?: unknown;
  /** Defaults to the run's lr or length when not given. */
  readonly context?: keyof ScheduleContext;
  readonly doc: string;
}

export const REQUIRED = undefined;

function rule(kind: OptionKind): string {
  if (typeof kind === "object") return `one of ${kind.choice.map((c) => show(c)).join(", ")}`;
  switch (kind) {
    case "number":
      return "a finite number";
    case "positive":
      return "a number > 0";
    case "nonnegative":
      return "a number >= 0";
    case "count":
      return "a whole number >= 0";
    case "positiveCount":
      return "a whole number >= 1";
    case "fraction":
      return "a number in [0, 1]";
    case "openFraction":
      return "a number in (0, 1)";
    case "flag":
      return "true or false";
    case "numberOrNull":
      return "a finite number or null";
    case "counts":
      return "a list of whole numbers >= 0";
    case "pairs":
      return "a list of [boundary, scale] pairs (whole number >= 0, number >= 0)";
    case "numbers":
      return "a list of finite numbers";
    case "schedules":
      return "a list of schedules";
    case "objects":
      return "a list of option objects";
  }
}

function finite(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

function valid(kind: OptionKind, value: unknown): boolean {
  if (typeof kind === "object") return typeof value === "string" && kind.choice.includes(value);
  switch (kind) {
    case "number":
      return finite(value);
    case "positive":
      return finite(value) && value > 0;
    case "nonnegative":
      return finite(value) && value >= 0;
    case "count":
      return Number.isInteger(value) && (value as number) >= 0;
    case "positiveCount":
      return Number.isInteger(value) && (value as number) >= 1;
    case "fraction":
      return finite(value) && value >= 0 && value <= 1;
    case "openFraction":
      return finite(value) && value > 0 && value < 1;
    case "flag":
      return typeof value === "boolean";
    case "numberOrNull":
      return value === null || finite(value);
    case "counts":
      return Array.isArray(value) && value.every((x) => Number.isInteger(x) && x >= 0);
    case "pairs":
      return (
        Array.isArray(value) &&
        value.every(
          (p) =>
            Array.isArray(p) &&
            p.length === 2 &&
            Number.isInteger(p[0]) &&
            p[0] >= 0 &&
            finite(p[1]) &&
            p[1] >= 0,
        )
      );
    case "numbers":
      return Array.isArray(value) && value.every(finite);
    case "schedules":
      return (
        Array.isArray(value) && value.length > 0 && value.every((s) => s !== null && typeof s === "object")
      );
    case "objects":
      return (
        Array.isArray(value) &&
        value.length > 0 &&
        value.every((s) => s !== null && typeof s === "object" && !Array.isArray(s))
      );
  }
}

/**
 * Checks a schedule's options against its table and fills in defaults (from the table, or from the run's context):
 * unknown names get a did-you-mean, missing required ones and bad values a one-line rule.
 */
export function resolveOptions(
  id: string,
  specs: readonly OptionSpec[],
  given: Readonly<Record<string, unknown>>,
  context: ScheduleContext,
): Record<string, unknown> {
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (const name of Object.keys(given)) {
    if (!byName.has(name)) {
      throw new InputTypeError(`${id}: ${unknownNameMessage("option", name, [...byName.keys()])}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    let value = given[spec.name];
    if (value === undefined && spec.context !== undefined) value = context[spec.context];
    if (value === undefined) value = spec.default;
    if (value === undefined) {
      const from =
        spec.context === "lr"
          ? " (or attach it to an optimizer)"
          : spec.context === "steps"
            ? " (or attach it to a run of known length)"
            : "";
      throw new InputTypeError(`${id}: ${spec.name} is required${from}`);
    }
    if (!valid(spec.kind, value)) {
      throw new InputRangeError(`${id}: ${spec.name} must be ${rule(spec.kind)}, got ${show(value)}`);
    }
    out[spec.name] = value;
  }
  return out;
}

/** A rule between two options (`stepSizeUp >= 1`, `min <= max`), refused with both values. */
export function refuseOption(id: string, message: string): never {
  throw new InputRangeError(`${id}: ${message}`);
}
