import { basename } from "node:path";
import { type Experiment, parseExperiment } from "../lab/index.js";
import { readJsonFile } from "../util/files.js";
import { projectPath } from "../util/project.js";

/** The repository's `experiments/` folder (the seed's figures as experiment files). */
export function experimentsFolder(): string {
  return projectPath("experiments");
}

/** Reads and validates an experiment file; every failure is one user-facing line naming the file. */
export function readExperimentFile(path: string): Experiment {
  return parseExperiment(readJsonFile(path, "experiment file"), basename(path));
}
