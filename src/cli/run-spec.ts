import { readFileSync } from "node:fs";
import { checkRunSpec, type RunSpec } from "../lab/index.js";
import { parseEngineName } from "../nn/index.js";
import { runPool } from "../run/index.js";
import { InputRangeError, InputTypeError } from "../util/errors.js";
import { parseJsonLines } from "../util/json-lines.js";
import { intFlag, parseCommandArgs } from "./args.js";
import type { Command } from "./command.js";

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
  const engine = parseEngineName(values.engine);
  const workers = values.workers === undefined ? undefined : intFlag("workers", values.workers, 2, 0, 64);
  const specs: RunSpec[] = parseJsonLines(readInput(source), source === "-" ? "stdin" : source).values.map(
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
  const results: string[] = new Array(specs.length);
  const order = new Map(specs.map((spec, i) => [spec.id, i]));
  let written = 0;
  await runPool(specs, {
    workers,
    engine,
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
