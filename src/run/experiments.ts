import { basename } from "node:path";
import { type Experiment, parseExperiment } from "../lab/index.js";
import { READ_BUDGETS, readJsonFile } from "../util/files.js";
import { projectPath } from "../util/project.js";
import { checkExperimentSpecKeys } from "../util/spec-keys.js";

/** The repository's `experiments/` folder (the seed's figures as experiment files). */
export function experimentsFolder(): string {
  return projectPath("experiments");
}

/** Reads and validates an experiment file; every failure is one user-facing line naming the file. */
export function readExperimentFile(path: string): Experiment {
  const document = readJsonFile(path, "experiment file", READ_BUDGETS.experiment);
  checkExperimentSpecKeys(document, basename(path));
  return parseExperiment(document, basename(path));
}
