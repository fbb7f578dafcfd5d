import { type GoldenDocument, replayDocument } from "../lab/index.js";
import { InputTypeError } from "../util/errors.js";
import { readJsonFile, writeFileAtomic } from "../util/files.js";
import { parseCommandArgs } from "./args.js";
import type { Command } from "./command.js";

/**
 * `optlab replay FILE [--out OUT]`: recomputes every case of a golden-trajectory document with optlab and writes
 * the same document with optlab's own `params` and `loss`. Exit 1 when some case could not run.
 */
export const replay: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs("replay", argv, { out: { type: "string" } });
  if (positionals.length !== 1) {
    throw new InputTypeError(
      `expected exactly one input FILE, got ${positionals.length} (usage: optlab replay FILE [--out OUT])`,
    );
  }
  const path = positionals[0];
  const document = readJsonFile(path, "golden document") as GoldenDocument;
  if (document === null || typeof document !== "object" || !Array.isArray(document.cases)) {
    throw new InputTypeError(`${path}: expected a golden-trajectory document with a "cases" array`);
  }
  const { document: replayed, failed } = replayDocument(document);
  const text = `${JSON.stringify(replayed)}\n`;
  if (values.out === undefined) io.stdout(text);
  else writeFileAtomic(values.out, text);
  const total = replayed.cases.length;
  io.stderr(
    `replayed ${total - failed} of ${total} cases${failed > 0 ? `; ${failed} could not run (see their "error" field)` : ""}\n`,
  );
  return failed > 0 ? 1 : 0;
};
