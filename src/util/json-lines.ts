import { appendFileSync, existsSync, readFileSync, truncateSync } from "node:fs";
import { InputRangeError, InputTypeError } from "./errors.js";

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

/** Reads a JSON-lines file (naming it when it cannot be read); a missing file reads as empty when `optional`. */
export function readJsonLinesFile(path: string, mode: JsonLinesMode = "strict", optional = false): JsonLines {
  if (optional && !existsSync(path)) return { values: [], droppedBytes: 0, skippedLines: [] };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputRangeError(
      `cannot read ${path}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (code ?? String(error))}`,
    );
  }
  return parseJsonLines(text, path, mode);
}

/**
 * Makes a journal safe to append to: cuts it after its last complete line, so the next line never glues onto
 * a fragment. Returns the number of bytes removed.
 */
export function repairJournal(path: string): number {
  if (!existsSync(path)) return 0;
  const text = readFileSync(path, "utf8");
  if (text.length === 0 || text.endsWith("\n")) return 0;
  const keep = Buffer.byteLength(text.slice(0, text.lastIndexOf("\n") + 1));
  const dropped = Buffer.byteLength(text) - keep;
  truncateSync(path, keep);
  return dropped;
}

/** One value as one line (JSON.stringify writes NaN and ±∞ as null). */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/** Appends one value as one complete line. */
export function appendJsonLine(path: string, value: unknown): void {
  appendFileSync(path, jsonLine(value));
}

/** Many values as JSON-lines text. */
export function jsonLinesText(values: readonly unknown[]): string {
  return values.map(jsonLine).join("");
}
