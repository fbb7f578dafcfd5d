import { type ParseArgsConfig, parseArgs } from "node:util";
import { InputRangeError, InputTypeError } from "../util/errors.js";

export type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses a command's flags with Node's own `util.parseArgs` (strict), turning its errors into
 * one-line user errors that name the command.
 */
export function parseCommandArgs<T extends OptionsConfig>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's text is "Unknown option '--x'. To specify a positional argument …": keep the first sentence.
    const message = error instanceof Error ? error.message.split("\n")[0].split(". ")[0] : String(error);
    throw new InputTypeError(`${message} (see optlab ${command} --help)`);
  }
}

/** Reads a whole number flag in [min, max]. */
export function intFlag(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || !(value >= min && value <= max)) {
    throw new InputRangeError(
      `--${flag} must be a whole number in [${min}, ${max}], got ${JSON.stringify(raw)}`,
    );
  }
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
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === "" || !(value >= min && value <= max)) {
    throw new InputRangeError(`--${flag} must be a number in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  }
  return value;
}
