import { readFileSync } from "node:fs";
import { checkRunSpec, type RunSpec } from "../lab/runspec.js";
import { InputRangeError, InputTypeError } from "../util/errors.js";
import { parseCommandArgs } from "./args.js";
import type { Command } from "./main.js";
import { runPool } from "./pool.js";

/** Reads JSON lines, naming the file and line of anything malformed. Blank lines are skipped. */
export function readJsonLines(text: string, source: string): unknown[] {
  const values: unknown[] = [];
  text.split("\n").forEach((line, index) => {
    if (line.trim() === "") return;
    try {
      values.push(JSON.parse(line));
    } catch (error) {
      throw new InputTypeError(`${source}:${index + 1} is not valid JSON: ${(error as Error).message}`);
    }
  });
  return values;
}

function readInput(path: string): string {
  try {
    return readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputRangeError(
      `cannot read ${path}: ${code === "ENOENT" ? "no such file" : (code ?? String(error))}`,
    );
  }
}

/**
 * `optlab run-spec [FILE|-] [--workers N]`: runs self-contained run specs (JSON lines, e.g. from
 * `optlab compare --plan`) and prints one JSON result line per run, in input order — any scheduler can run
 * a slice of a study this way and `optlab compare --merge` puts the slices back together.
 */
export const runSpecCommand: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs("run-spec", argv, {
    workers: { type: "string" },
    engine: { type: "string" },
  });
  if (positionals.length > 1)
    throw new InputTypeError(`expected at most one input FILE, got ${positionals.length}`);
  const source = positionals[0] ?? "-";
  const specs: RunSpec[] = readJsonLines(readInput(source), source === "-" ? "stdin" : source).map(
    (value, i) => {
      try {
        return checkRunSpec(value);
      } catch (error) {
        throw new InputRangeError(
          `${source === "-" ? "stdin" : source}:${i + 1}: ${(error as Error).message}`,
        );
      }
    },
  );
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.id))
      throw new InputRangeError(`run spec ids must be unique, got ${JSON.stringify(spec.id)} twice`);
    seen.add(spec.id);
  }
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0 && workers <= 64)) {
    throw new InputRangeError(
      `--workers must be a whole number in [0, 64], got ${JSON.stringify(values.workers)}`,
    );
  }
  const results: string[] = new Array(specs.length);
  const order = new Map(specs.map((spec, i) => [spec.id, i]));
  let written = 0;
  await runPool(specs, {
    workers,
    engine: (values.engine as "auto" | "wasm" | "reference" | undefined) ?? "auto",
    onResult(result, done, total) {
      results[order.get(result.id) as number] = JSON.stringify(result);
      // Print in input order as soon as the prefix is complete.
      while (written < results.length && results[written] !== undefined) io.stdout(`${results[written++]}\n`);
      io.stderr(
        `run-spec: ${done}/${total} ${result.id} (${result.status}, ${result.seconds.toFixed(1)} s)\n`,
      );
    },
  });
  return 0;
};
