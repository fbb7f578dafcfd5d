import { type ParseArgsConfig, parseArgs } from "node:util";
import { clip, InputRangeError, InputTypeError, show } from "../util/errors.js";

export type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses a command's flags with Node's own `util.parseArgs` (strict), turning its errors into
 * one-line user errors that name the command.
 */
type ParsedArgs<T extends OptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
>;

export function parseCommandArgs<T extends OptionsConfig>(
  command: string,
  argv: string[],
  options: T,
): ParsedArgs<T> {
  const valued = Object.entries(options)
    .filter(([, option]) => option.type === "string")
    .flatMap(([name, option]) => [`--${name}`, ...(option.short ? [`-${option.short}`] : [])]);
  try {
    return parseArgs({
      args: joinNegativeValues(argv, valued),
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // Node's text is "Unknown option '--x'. To specify a positional argument …": keep the first sentence.
    const message = error instanceof Error ? error.message.split("\n")[0].split(". ")[0] : String(error);
    throw new InputTypeError(`${clip(message, 200)} (see optlab ${command} --help)`);
  }
}

/** Reads a number flag: absent → the fallback; empty or not a number → one line naming the flag and the rule. */
function readNumber(flag: string, raw: string | undefined, rule: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = raw.trim() === "" ? Number.NaN : Number(raw);
  if (Number.isNaN(value)) throw new InputRangeError(`--${flag} must be ${rule}, got ${show(raw)}`);
  return value;
}

/** Reads a whole number flag in [min, max]. */
export function intFlag(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const rule = `a whole number in [${min}, ${max}]`;
  const value = readNumber(flag, raw, rule);
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || !(value >= min && value <= max))
    throw new InputRangeError(`--${flag} must be ${rule}, got ${show(raw)}`);
  return value;
}

/** Reads a finite number flag in [min, max]. */
export function numberFlag(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const rule = `a number in [${min}, ${max}]`;
  const value = readNumber(flag, raw, rule);
  if (value === undefined) return fallback;
  if (!(value >= min && value <= max))
    throw new InputRangeError(`--${flag} must be ${rule}, got ${show(raw)}`);
  return value;
}

/** Reads "a,b" or "a,b,c,d" as finite numbers. */
export function numberList(flag: string, raw: string, count: number, shape: string): number[] {
  const parts = raw.split(",").map((part) => part.trim());
  const values = parts.map(Number);
  if (parts.length !== count || parts.some((p) => p === "") || !values.every(Number.isFinite)) {
    throw new InputRangeError(`--${flag} must be ${count} numbers ${shape}, got ${show(raw)}`);
  }
  return values;
}

/**
 * Lets `--start -7,2` mean `--start=-7,2` and `--steps -3` mean `--steps=-3` (Node's parser calls a value that
 * starts with a dash "ambiguous"; a negative number after a flag that takes a value is meant as its value, and
 * then refused by the flag's own rule when out of range).
 */
export function joinNegativeValues(argv: string[], flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (flags.includes(argv[i]) && i + 1 < argv.length && /^-(?:[\d.]|inf)/i.test(argv[i + 1])) {
      out.push(`${argv[i]}=${argv[i + 1]}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

/** Refuses positional arguments for a command that takes none. */
export function noPositionals(positionals: readonly string[]): void {
  if (positionals.length > 0)
    throw new InputRangeError(`expected no positional arguments, got ${show(positionals)}`);
}
