import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { nextRuns, type RunResult, type RunSpec, type StudyConfig } from "../lab/index.js";
import type { EngineName } from "../nn/index.js";
import { InputRangeError, InputTypeError } from "../util/errors.js";
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

/**
 * Reads run results (JSON lines from `optlab run-spec`, or a study's own `results.jsonl`), later lines winning.
 * A cut last line is dropped (that run is redone); anything else malformed is refused naming file and line.
 */
export function readResults(paths: readonly string[]): Map<string, RunResult> {
  const results = new Map<string, RunResult>();
  for (const path of paths) {
    const { values } = readJsonLinesFile(path, "strict");
    values.forEach((value, i) => {
      const result = value as RunResult;
      if (typeof result?.id !== "string" || typeof result?.spec !== "object" || result.spec === null) {
        throw new InputTypeError(`${path}: line ${i + 1} must be a run result with "id" and "spec"`);
      }
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
  onStage?(stage: number, runs: number): void;
  onResult?(stage: number, result: RunResult, done: number, total: number): void;
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
  const resultsPath = join(options.folder, "results.jsonl");
  const studyPath = join(options.folder, "study.json");
  const studyText = `${JSON.stringify(studies, null, 1)}\n`;
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
    for (const value of journal.values) {
      const result = value as RunResult;
      if (typeof result?.id === "string" && typeof result?.spec === "object") results.set(result.id, result);
    }
  }
  if (results.size > 0) options.onNote?.(`resuming with ${results.size} finished runs from ${resultsPath}`);
  for (let stage = 1; ; stage++) {
    const runs = plannedRuns(studies, results);
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
