import { type GoldenCase, type GoldenDocument, matchReference, replayDocument } from "../lab/index.js";
import { InputRangeError, InputTypeError, show } from "../util/errors.js";
import { prepareOutputFile, READ_BUDGETS, readJsonFile, writeFileAtomic } from "../util/files.js";
import { parseCommandArgs } from "./args.js";
import type { Command } from "./command.js";

/**
 * Most numbers one replay may compute, Σ over cases of (steps + 1) · dim. The repository's golden documents
 * need 1.0–1.3 · 10⁵; 2 · 10⁶ numbers are about 16 MB as float64 and 40 MB of JSON output — 15× the largest
 * real document, and far from the 4 GB a 12 KB document with long cases once asked for.
 */
export const REPLAY_MAX_NUMBERS = 2_000_000;

/** Coordinates per iterate of a case, as far as the document tells (start, shape, the function's data). */
function caseDimension(testCase: GoldenCase, document: GoldenDocument): number {
  if (testCase.kind === "schedule") return 1;
  if (Array.isArray(testCase.start)) return Math.max(1, testCase.start.length);
  if (Array.isArray(testCase.shape)) return testCase.shape.reduce((a: number, b) => a * (Number(b) || 1), 1);
  const data = typeof testCase.function === "string" ? document.functions?.[testCase.function] : undefined;
  if (Array.isArray(data?.a)) return data.a.length;
  if (Array.isArray(data?.W0)) return (data.W0 as unknown[]).flat(3).length;
  return testCase.function === "quadratic50" ? 50 : 2;
}

/** Checks the document's shape and budget before any case runs (one line naming the case and the rule). */
function checkDocument(path: string, document: unknown): GoldenDocument {
  const doc = document as GoldenDocument;
  if (doc === null || typeof doc !== "object" || Array.isArray(doc) || !Array.isArray(doc.cases)) {
    throw new InputTypeError(`${path}: expected a golden-trajectory document with a "cases" array`);
  }
  let numbers = 0;
  doc.cases.forEach((testCase, i) => {
    if (testCase === null || typeof testCase !== "object") return; // reported per case by the replay
    const where = `${path}: cases[${i}]${typeof testCase.id === "string" ? ` (${show(testCase.id)})` : ""}`;
    if (testCase.start !== undefined) {
      if (!Array.isArray(testCase.start))
        throw new InputTypeError(
          `${where}: start must be a list of finite numbers, got ${show(testCase.start)}`,
        );
      testCase.start.forEach((v, k) => {
        if (typeof v !== "number" || !Number.isFinite(v))
          throw new InputRangeError(`${where}: start[${k}] must be a finite number, got ${show(v)}`);
      });
    }
    const steps = testCase.steps;
    if (typeof steps === "number" && Number.isFinite(steps) && steps > 0) {
      numbers += (steps + 1) * caseDimension(testCase, doc);
    }
    if (!(numbers <= REPLAY_MAX_NUMBERS)) {
      throw new InputRangeError(
        `${where}: the document asks for more than ${REPLAY_MAX_NUMBERS} numbers (Σ (steps+1)·dim over its cases), the replay budget; split it into smaller documents`,
      );
    }
  });
  return doc;
}

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
  if (values.out !== undefined) prepareOutputFile(values.out);
  const document = checkDocument(path, readJsonFile(path, "golden document", READ_BUDGETS.golden));
  const { document: computed, failed } = replayDocument(document);
  // Each replayed case says whether optlab matched the numbers it was given (the document's own tolerance).
  const tolerance = (document.tolerance ?? {}) as { rtol?: number; atol?: number };
  const rule = { rtol: tolerance.rtol ?? 1e-9, atol: tolerance.atol ?? 1e-12 };
  const differs: string[] = [];
  let compared = 0;
  let worst = 0;
  const cases = computed.cases.map((testCase, i) => {
    const match = matchReference(document.cases[i], testCase, rule);
    if (match === null) return testCase;
    compared++;
    worst = Math.max(worst, match.worst);
    if (!match.matched) differs.push(String(testCase.id));
    return { ...testCase, match: { matched: match.matched, worstOfTolerance: match.worst } };
  });
  const replayed = { ...computed, cases };
  const text = `${JSON.stringify(replayed)}\n`;
  if (values.out === undefined) io.stdout(text);
  else writeFileAtomic(values.out, text);
  const total = replayed.cases.length;
  io.stderr(
    `replayed ${total - failed} of ${total} cases${failed > 0 ? `; ${failed} could not run (see their "error" field)` : ""}\n`,
  );
  if (compared > 0)
    io.stderr(
      `matched the reference in ${compared - differs.length} of ${compared} cases within ${rule.rtol}·|ref| + ${rule.atol} (worst ${worst.toPrecision(2)} of the tolerance)${differs.length > 0 ? `; differ: ${differs.slice(0, 5).join(", ")}${differs.length > 5 ? ", …" : ""}` : ""}\n`,
    );
  return failed > 0 || differs.length > 0 ? 1 : 0;
};
