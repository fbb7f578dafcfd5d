import { appendFileSync, existsSync, truncateSync } from "node:fs";
import { InputTypeError } from "./errors.js";
import { pathError, READ_BUDGETS, readBytesFile } from "./files.js";

/**
 * The one JSON-lines reader and writer. A journal (`mnist-results.jsonl`, `results.jsonl`) is appended one
 * complete line at a time, so an interruption can leave at most one cut line at the end: it is always dropped
 * (and counted). A bad line in the middle is an error in `strict` mode (a file the user hands us) and skipped,
 * with its line number reported, in `journal` mode (our own journal being resumed).
 */
export interface JsonLines {
  readonly values: unknown[];
  /** Bytes of a cut last line (no final newline) that were dropped. */
  readonly droppedBytes: number;
  /** Line numbers (1-based) of unparsable middle lines that were skipped (`journal` mode only). */
  readonly skippedLines: number[];
}

export type JsonLinesMode = "strict" | "journal";

/** Parses JSON lines; blank lines are ignored. `source` names the file in messages. */
export function parseJsonLines(text: string, source: string, mode: JsonLinesMode = "strict"): JsonLines {
  const cut = text.length > 0 && !text.endsWith("\n") ? text.length - (text.lastIndexOf("\n") + 1) : 0;
  const complete = text.slice(0, text.length - cut);
  const values: unknown[] = [];
  const skippedLines: number[] = [];
  const lines = complete.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (line.trim() === "") continue;
    try {
      values.push(JSON.parse(line));
    } catch (error) {
      if (mode === "journal") skippedLines.push(index + 1);
      else throw new InputTypeError(`${source}:${index + 1} is not valid JSON: ${(error as Error).message}`);
    }
  }
  // A whole last line without its newline (a file written by hand, or `echo -n`) is still a line in strict mode.
  if (cut > 0 && mode === "strict") {
    const last = text.slice(text.length - cut);
    if (last.trim() !== "") {
      try {
        values.push(JSON.parse(last));
        return { values, droppedBytes: 0, skippedLines };
      } catch {
        // a cut line: dropped below
      }
    }
  }
  return { values, droppedBytes: cut, skippedLines };
}

/**
 * Reads a JSON-lines file (naming it when it cannot be read: regular files only, at most `maxBytes`); a missing
 * file reads as empty when `optional`.
 */
export function readJsonLinesFile(
  path: string,
  mode: JsonLinesMode = "strict",
  optional = false,
  maxBytes: number = READ_BUDGETS.results,
): JsonLines {
  if (optional && !existsSync(path)) return { values: [], droppedBytes: 0, skippedLines: [] };
  let text = readBytesFile(path, "JSON-lines file", maxBytes).toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return parseJsonLines(text, path === "-" ? "stdin" : path, mode);
}

/**
 * Makes a journal safe to append to: cuts it after its last complete line, so the next line never glues onto
 * a fragment. Returns the number of bytes removed.
 */
export function repairJournal(path: string): number {
  if (!existsSync(path)) return 0;
  const bytes = readBytesFile(path, "journal", READ_BUDGETS.results);
  if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) return 0;
  const keep = bytes.lastIndexOf(0x0a) + 1;
  try {
    truncateSync(path, keep);
  } catch (error) {
    throw pathError("repair", path, error);
  }
  return bytes.length - keep;
}

/** One value as one line (JSON.stringify writes NaN and ±∞ as null). */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/** Appends one value as one complete line. */
export function appendJsonLine(path: string, value: unknown): void {
  const line = jsonLine(value);
  const cut = journalFault(path, line);
  try {
    appendFileSync(path, cut ?? line);
  } catch (error) {
    throw pathError("append to", path, error);
  }
  if (cut !== null) process.kill(process.pid, "SIGKILL");
}

/**
 * Test hook for the fault-injection suite (test/faults.test.ts): `OPTLAB_FAULT_JOURNAL=N` makes the N-th journal
 * append of this process write only half its line and then kill the process, as a power cut inside a write
 * would. Read once; inert when unset.
 */
const faultAt = Number(process.env.OPTLAB_FAULT_JOURNAL ?? "0");
let appends = 0;
function journalFault(_path: string, line: string): string | null {
  if (!(faultAt > 0)) return null;
  appends++;
  return appends === faultAt ? line.slice(0, Math.max(1, Math.floor(line.length / 2))) : null;
}

/** Many values as JSON-lines text. */
export function jsonLinesText(values: readonly unknown[]): string {
  return values.map(jsonLine).join("");
}
