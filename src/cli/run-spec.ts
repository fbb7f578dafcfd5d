import { checkRunSpec, RUN_SPEC_FIELDS, type RunSpec } from "../lab/index.js";
import { parseEngineName } from "../nn/index.js";
import { checkDatasetName, checkTrainingMemory, runPool } from "../run/index.js";
import { InputRangeError, InputTypeError, show, unknownNameMessage } from "../util/errors.js";
import { READ_BUDGETS, readTextFile } from "../util/files.js";
import { parseJsonLines } from "../util/json-lines.js";
import { checkOptimizerSpecKeys } from "../util/spec-keys.js";
import { intFlag, parseCommandArgs } from "./args.js";
import type { Command } from "./command.js";

/** Checks one run spec completely in this thread (fields, data set, memory), so no worker meets a user error. */
function checkSpec(value: unknown, engine: string): RunSpec {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const key of Object.keys(value))
      if (!(RUN_SPEC_FIELDS as readonly string[]).includes(key))
        throw new InputRangeError(`run spec: ${unknownNameMessage("field", key, RUN_SPEC_FIELDS)}`);
  }
  checkOptimizerSpecKeys((value as { optimizer?: unknown } | null)?.optimizer, "run spec: optimizer");
  const spec = checkRunSpec(value);
  checkDatasetName(spec.data, "data");
  // 28 × 28 inputs: the standard sets' images (a folder's own size is checked when it is read). The conv network's
  // buffers are bounded by its fixed layers and `hidden` ≤ 4096 (at most ≈ 18 M weights).
  if (spec.network === "conv") return spec;
  checkTrainingMemory(
    {
      inputSize: 784,
      hiddenSizes: [...spec.hidden],
      outputSize: 10,
      activation: "relu",
      weightDecayLambda: 0,
    },
    1,
    spec.batchSize,
    engine === "reference" ? "reference" : "wasm",
    "hidden",
  );
  return spec;
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
  const name = source === "-" ? "stdin" : source;
  const engine = parseEngineName(values.engine);
  const workers = values.workers === undefined ? undefined : intFlag("workers", values.workers, 2, 0, 64);
  const text = readTextFile(source, "run-spec file", READ_BUDGETS.runSpecs);
  const specs: RunSpec[] = parseJsonLines(text, name).values.map((value, i) => {
    try {
      return checkSpec(value, engine);
    } catch (error) {
      throw new InputRangeError(`${name}:${i + 1}: ${(error as Error).message}`);
    }
  });
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.id))
      throw new InputRangeError(`run spec ids must be unique, got ${show(spec.id)} twice`);
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
