import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkRunSpec, nextRuns, type RunResult, type RunSpec, type StudyConfig } from "../lab/index.js";
import type { EngineName } from "../nn/index.js";
import { InputRangeError, InputTypeError, show } from "../util/errors.js";
import { writeFileAtomic } from "../util/files.js";
import { appendJsonLine, readJsonLinesFile, repairJournal } from "../util/json-lines.js";
import { runPool } from "./pool.js";

/** The runs of several studies that can start now, given the results so far (tuning is adaptive). */
export function plannedRuns(
  studies: readonly StudyConfig[],
  results: ReadonlyMap<string, RunResult>,
): RunSpec[] {
  return studies.flatMap((study) => nextRuns(study, results));
}

const FINAL_NUMBERS = ["trainBatchLoss", "heldOutLoss", "heldOutAccuracy"] as const;
const FINAL_OPTIONAL = ["testLoss", "testAccuracy", "trainLoss", "trainAccuracy"] as const;

const numberOrNull = (v: unknown): v is number | null => v === null || typeof v === "number";
/** JSON writes NaN and ±∞ as null: a field that is a number in memory reads back as NaN. */
const toNumber = (v: number | null): number => (v === null ? Number.NaN : v);

/**
 * Checks one result line (from run-spec, or a study's own journal) and restores the NaN that JSON wrote as null,
 * so the report sees exactly what the run produced; a missing or mistyped field is one line naming it.
 */
export function checkRunResult(value: unknown, where: string): RunResult {
  const result = value as Record<string, unknown>;
  if (result === null || typeof result !== "object" || Array.isArray(result))
    throw new InputTypeError(`${where} must be a run result object, got ${show(value)}`);
  if (typeof result.id !== "string" || typeof result.spec !== "object" || result.spec === null)
    throw new InputTypeError(`${where} must be a run result with "id" and "spec"`);
  let spec: RunSpec;
  try {
    spec = checkRunSpec(result.spec);
  } catch (error) {
    throw new InputRangeError(`${where}: spec: ${(error as Error).message}`);
  }
  const bad = (field: string, rule: string, got: unknown): never => {
    throw new InputRangeError(`${where}: ${field} must be ${rule}, got ${show(got)}`);
  };
  if (result.status !== "ok" && result.status !== "diverged")
    bad("status", '"ok" or "diverged"', result.status);
  if (!numberOrNull(result.divergedAt)) bad("divergedAt", "a number or null", result.divergedAt);
  if (typeof result.curveEvery !== "number") bad("curveEvery", "a number", result.curveEvery);
  if (!Array.isArray(result.curve) || !result.curve.every(numberOrNull))
    bad("curve", "a list of numbers", result.curve);
  if (!Array.isArray(result.evaluations)) bad("evaluations", "a list", result.evaluations);
  const evaluations = (result.evaluations as unknown[]).map((entry, i) => {
    const e = entry as Record<string, unknown>;
    if (
      e === null ||
      typeof e !== "object" ||
      typeof e.iteration !== "number" ||
      !numberOrNull(e.loss) ||
      !numberOrNull(e.accuracy)
    )
      bad(`evaluations[${i}]`, "{ iteration, loss, accuracy } numbers", entry);
    return {
      iteration: e.iteration as number,
      loss: toNumber(e.loss as number | null),
      accuracy: toNumber(e.accuracy as number | null),
    };
  });
  const final = result.final as Record<string, unknown>;
  if (final === null || typeof final !== "object" || Array.isArray(final))
    bad("final", "an object of final losses and accuracies", final);
  for (const key of [...FINAL_NUMBERS, ...FINAL_OPTIONAL])
    if (!numberOrNull(final[key])) bad(`final.${key}`, "a number or null", final[key]);
  if (!numberOrNull(result.stepsToTarget)) bad("stepsToTarget", "a number or null", result.stepsToTarget);
  for (const key of ["msPerStep", "seconds"] as const)
    if (!numberOrNull(result[key])) bad(key, "a number", result[key]);
  const finalState = result.finalState ?? {};
  if (typeof finalState !== "object" || finalState === null || Array.isArray(finalState))
    bad("finalState", "an object", finalState);
  return {
    ...(result as unknown as RunResult),
    spec,
    curve: (result.curve as (number | null)[]).map(toNumber),
    evaluations,
    final: {
      ...(final as unknown as RunResult["final"]),
      trainBatchLoss: toNumber(final.trainBatchLoss as number | null),
      heldOutLoss: toNumber(final.heldOutLoss as number | null),
      heldOutAccuracy: toNumber(final.heldOutAccuracy as number | null),
    },
    msPerStep: toNumber(result.msPerStep as number | null),
    seconds: toNumber(result.seconds as number | null),
    finalState: finalState as Record<string, number>,
  };
}

/**
 * Reads run results (JSON lines from `optlab run-spec`, or a study's own `results.jsonl`), later lines winning.
 * A cut last line is dropped (that run is redone); anything else malformed is refused naming file and line.
 */
export function readResults(paths: readonly string[]): Map<string, RunResult> {
  const results = new Map<string, RunResult>();
  for (const path of paths) {
    const { values } = readJsonLinesFile(path, "strict");
    values.forEach((value, i) => {
      const result = checkRunResult(value, `${path}: line ${i + 1}`);
      results.set(result.id, result);
    });
  }
  return results;
}

export interface StudyRunOptions {
  /** Where `study.json` (the studies, to refuse a different study) and `results.jsonl` (the journal) go. */
  readonly folder: string;
  readonly workers?: number;
  readonly engine?: EngineName;
  onNote?(text: string): void;
  /** The results read back from the journal before the first stage (for progress that counts them). */
  onResume?(results: ReadonlyMap<string, RunResult>): void;
  onStage?(stage: number, runs: number): void;
  onResult?(stage: number, result: RunResult, done: number, total: number): void;
}

/** Work a folder can run to the end: a description (kept in study.json, to refuse a different one) and its planner. */
export interface PlannedWork {
  readonly description: unknown;
  /** The runs that can start now, given the results so far (empty when the work is done). */
  plan(results: ReadonlyMap<string, RunResult>): RunSpec[];
}

/**
 * Runs studies to the end, stage by stage (each stage is the runs `nextRuns` allows given the results so far),
 * appending every result to `results.jsonl` as it arrives; a folder that already holds results of the same
 * studies is resumed without redoing finished runs. Returns every result.
 */
export async function runStudies(
  studies: readonly StudyConfig[],
  options: StudyRunOptions,
): Promise<Map<string, RunResult>> {
  return runPlannedWork({ description: studies, plan: (results) => plannedRuns(studies, results) }, options);
}

/** `runStudies` for any planner (the fair tier's benchmark protocol plans its own stages). */
export async function runPlannedWork(
  work: PlannedWork,
  options: StudyRunOptions,
): Promise<Map<string, RunResult>> {
  const resultsPath = join(options.folder, "results.jsonl");
  const studyPath = join(options.folder, "study.json");
  const studyText = `${JSON.stringify(work.description, null, 1)}\n`;
  if (existsSync(studyPath) && readFileSync(studyPath, "utf8") !== studyText) {
    throw new InputRangeError(
      `${options.folder} holds results of a different study (study.json differs); choose another --out or remove it`,
    );
  }
  writeFileAtomic(studyPath, studyText);
  const dropped = repairJournal(resultsPath);
  if (dropped > 0)
    options.onNote?.(`${resultsPath}: dropped a cut last line (${dropped} bytes); that run is redone`);
  const results = new Map<string, RunResult>();
  if (existsSync(resultsPath)) {
    const journal = readJsonLinesFile(resultsPath, "journal");
    if (journal.skippedLines.length > 0)
      options.onNote?.(`${resultsPath}: skipped unreadable lines ${journal.skippedLines.join(", ")}`);
    journal.values.forEach((value, i) => {
      try {
        const result = checkRunResult(value, `${resultsPath}: line ${i + 1}`);
        results.set(result.id, result);
      } catch (error) {
        options.onNote?.(`${(error as Error).message}; that run is redone`);
      }
    });
  }
  options.onResume?.(results);
  if (results.size > 0) options.onNote?.(`resuming with ${results.size} finished runs from ${resultsPath}`);
  for (let stage = 1; ; stage++) {
    const runs = work.plan(results);
    if (runs.length === 0) break;
    options.onStage?.(stage, runs.length);
    await runPool(runs, {
      workers: options.workers,
      engine: options.engine,
      onResult(result, done, total) {
        appendJsonLine(resultsPath, result);
        results.set(result.id, result);
        options.onResult?.(stage, result, done, total);
      },
    });
  }
  return results;
}
