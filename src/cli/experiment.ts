import { join, resolve } from "node:path";
import { writeFigureFiles } from "../report/index.js";
import { readExperimentFile } from "../run/index.js";
import { InputRangeError, show } from "../util/errors.js";
import { prepareOutputFolder } from "../util/files.js";
import { parseCommandArgs } from "./args.js";
import { buildFigure } from "./figure.js";
import type { CliIO } from "./io.js";

/** `optlab experiment FILE.json [--out DIR]`: the figure an experiment file describes. */
export async function experiment(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs("experiment", argv, { out: { type: "string" } });
  if (positionals.length !== 1) {
    throw new InputRangeError(
      `expected one experiment file, got ${show(positionals)} (usage: optlab experiment FILE.json [--out DIR])`,
    );
  }
  const experimentSettings = readExperimentFile(positionals[0]);
  const out = prepareOutputFolder(values.out ?? "out");
  const rendered = buildFigure(experimentSettings);
  const names = writeFigureFiles(rendered, out);
  io.stdout(`wrote ${names.map((name) => join(resolve(out), name)).join(", ")}\n`);
  return 0;
}
