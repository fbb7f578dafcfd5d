import { readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseExperiment } from "../lab/experiment.js";
import { InputRangeError, InputTypeError, show } from "../util/errors.js";
import { parseCommandArgs } from "./args.js";
import { buildFigure, writeFigureFiles } from "./figure.js";
import type { CliIO } from "./io.js";

/** Reads and validates an experiment file; every failure is one user-facing line naming the file. */
export function readExperimentFile(path: string) {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new InputRangeError(`cannot read experiment file ${show(path)} (${code})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputTypeError(
      `experiment file ${show(path)} is not valid JSON: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  return parseExperiment(json, basename(path));
}

/** `optlab experiment FILE.json [--out DIR]`: the figure an experiment file describes. */
export async function experiment(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs("experiment", argv, { out: { type: "string" } });
  if (positionals.length !== 1) {
    throw new InputRangeError(
      `expected one experiment file, got ${show(positionals)} (usage: optlab experiment FILE.json [--out DIR])`,
    );
  }
  const out = values.out ?? "out";
  const rendered = buildFigure(readExperimentFile(positionals[0]));
  const names = writeFigureFiles(rendered, out);
  io.stdout(`wrote ${names.map((name) => join(resolve(out), name)).join(", ")}\n`);
  return 0;
}
