import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { InputRangeError, InputTypeError } from "./errors.js";

/** A temporary name beside `path`, unique to this process and call. */
function temporaryBeside(path: string): string {
  return join(dirname(path), `.${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2)}.partial`);
}

/**
 * Writes a file atomically: to a temporary name beside it, then renamed into place, so that an
 * interrupted or failed run never leaves a partial file pretending to be complete.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = temporaryBeside(path);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** One file of a set written together. */
export interface FileEntry {
  readonly name: string;
  readonly data: string | Uint8Array;
}

/**
 * Writes several files into `folder` all or nothing: every file goes to a temporary name first, and only when
 * all of them are written are they renamed into place (a failure removes the temporaries and leaves the
 * folder as it was). Returns the names written, in order.
 */
export function writeFilesTogether(folder: string, entries: readonly FileEntry[]): string[] {
  mkdirSync(folder, { recursive: true });
  const written: { temporary: string; path: string }[] = [];
  try {
    for (const entry of entries) {
      const path = join(folder, entry.name);
      const temporary = temporaryBeside(path);
      written.push({ temporary, path });
      writeFileSync(temporary, entry.data);
    }
  } catch (error) {
    for (const { temporary } of written) rmSync(temporary, { force: true });
    throw error;
  }
  for (const { temporary, path } of written) renameSync(temporary, path);
  return entries.map((entry) => entry.name);
}

/** Reads a UTF-8 text file, turning a failure into one user-facing line that names the file (`what`). */
export function readTextFile(path: string, what = "file"): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (code ?? String(error));
    throw new InputRangeError(`cannot read ${what} ${JSON.stringify(path)}: ${reason}`);
  }
}

/** Reads a JSON file, naming it in the error when it is missing or malformed. */
export function readJsonFile(path: string, what = "file"): unknown {
  const text = readTextFile(path, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputTypeError(
      `${what} ${JSON.stringify(path)} is not valid JSON: ${(error as Error).message.split("\n")[0]}`,
    );
  }
}
