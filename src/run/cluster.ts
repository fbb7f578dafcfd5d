import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchmarkConfig } from "../lab/protocol.js";
import type { RunSpec } from "../lab/runspec.js";
import { writeFileAtomic } from "../util/files.js";
import { jsonLinesText } from "../util/json-lines.js";
import { projectPath } from "../util/project.js";

/**
 * One stage of a benchmark as a cluster job: `specs.jsonl` (the runs that can start now) and a Slurm job-array
 * script or a Kubernetes Indexed Job manifest from the templates in `templates/`, each task running one line with
 * `optlab run-spec`. Results come back as one JSON-lines file per task, merged by `compare --merge`.
 */
export const CLUSTER_TEMPLATES = { slurm: "slurm-array.sh", k8s: "k8s-indexed-job.yaml" } as const;

/** Fills `{{NAME}}` placeholders; a placeholder without a value is an error, never left in a script. */
export function fillTemplate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{([A-Z]+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new RangeError(`cluster template: no value for {{${key}}}`);
    return value;
  });
}

/** Writes specs.jsonl and the job file into `out`; returns the paths written. */
export function emitClusterJob(
  out: string,
  kind: keyof typeof CLUSTER_TEMPLATES,
  config: BenchmarkConfig,
  runs: readonly RunSpec[],
  finished: number,
): string[] {
  const specs = join(out, "specs.jsonl");
  writeFileAtomic(specs, jsonLinesText(runs));
  if (runs.length === 0) return [specs];
  const longest = Math.max(...runs.map((r) => r.iterations));
  // A generous wall-time: 20 ms per update on one core plus start-up, at least 10 minutes.
  const minutes = Math.max(10, Math.ceil((longest * 0.02 + 60) / 60));
  const values = {
    PRESET: config.preset,
    NAME: `${config.name}-r${finished}`,
    COUNT: String(runs.length),
    LAST: String(runs.length - 1),
    SPECS: "specs.jsonl",
    TIME: `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}:00`,
    PARALLELISM: String(Math.min(runs.length, 64)),
    IMAGE: "optlab:latest",
  };
  const template = readFileSync(projectPath("templates", CLUSTER_TEMPLATES[kind]), "utf8");
  const target = join(out, kind === "slurm" ? "slurm.sh" : "k8s-job.yaml");
  writeFileAtomic(target, fillTemplate(template, values));
  return [specs, target];
}
