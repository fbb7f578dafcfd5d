import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, parse, resolve, sep } from "node:path";
import { InputRangeError, InputTypeError, show } from "./errors.js";

/**
 * The one filesystem boundary for paths a user names (`--out`, input files): every failure becomes one
 * InputRangeError line naming the path and the reason (`--out results/f: "results/f" is not a folder`), never an
 * ErrnoException with a stack. Output folders are created one level at a time after checking the parent chain
 * (Node 20's recursive `mkdirSync` spins forever on pseudo-filesystems such as `/proc`), and probed for
 * writability before any computation starts.
 */

/** Plain words for the errno codes a user path can meet. */
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: "no such file or folder",
  ENOTDIR: "a part of the path is not a folder",
  EISDIR: "it is a folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENAMETOOLONG: "name too long",
  ELOOP: "too many levels of symbolic links",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EEXIST: "already exists",
  EBUSY: "busy",
  EMFILE: "too many open files",
  EINVAL: "invalid argument",
  EXDEV: "on another device",
  EIO: "input/output error",
};

/** The plain reason of a filesystem error (`permission denied (EACCES)`). */
export function errnoReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (typeof code === "string") return REASONS[code] ? `${REASONS[code]} (${code})` : code;
  return error instanceof Error ? error.message.split("\n")[0] : String(error);
}

/** Whether `error` is a Node filesystem error (has an errno code). */
export function isErrnoError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException)?.code;
  return error instanceof Error && typeof code === "string" && /^E[A-Z0-9]+$/.test(code);
}

/** One user line for a failed operation on a user path: `cannot write "out/a.svg": permission denied (EACCES)`. */
export function pathError(action: string, path: string, error: unknown): InputRangeError {
  return new InputRangeError(`cannot ${action} ${show(path)}: ${errnoReason(error)}`);
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "a folder";
  if (stats.isFile()) return "a file";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isFIFO()) return "a pipe";
  if (stats.isSocket()) return "a socket";
  if (stats.isSymbolicLink()) return "a symbolic link";
  return "not a regular file";
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    throw error;
  }
}

/**
 * Makes sure `folder` exists as a folder, creating missing levels one at a time (never `recursive: true`).
 * `label` starts each message (`--out results/f`). Throws one InputRangeError per failure.
 */
export function ensureFolder(folder: string, label = show(folder)): void {
  if (folder === "") throw new InputRangeError(`${label}: must be a folder name, got ""`);
  const absolute = resolve(folder);
  const { root } = parse(absolute);
  const parts = absolute
    .slice(root.length)
    .split(sep)
    .filter((part) => part !== "");
  let current = root;
  try {
    for (const part of parts) {
      current = join(current, part);
      const stats = statOrNull(current);
      if (stats?.isDirectory()) continue;
      if (stats)
        throw new InputRangeError(`${label}: ${show(current)} is not a folder (it is ${kindOf(stats)})`);
      let link: Stats | null = null;
      try {
        link = lstatSync(current);
      } catch {
        link = null;
      }
      if (link?.isSymbolicLink())
        throw new InputRangeError(`${label}: ${show(current)} is a dangling symbolic link`);
      try {
        mkdirSync(current);
      } catch (error) {
        // A concurrent run may have made it in between.
        if ((error as NodeJS.ErrnoException).code === "EEXIST" && statOrNull(current)?.isDirectory())
          continue;
        throw error;
      }
    }
  } catch (error) {
    if (error instanceof InputRangeError) throw error;
    throw new InputRangeError(`${label}: cannot create folder ${show(current)}: ${errnoReason(error)}`);
  }
}

/**
 * Prepares an output folder before any computation: refuses "", creates it (checking the parent chain) and
 * probes that a file can be written and renamed in it. Returns the folder as given.
 */
export function prepareOutputFolder(folder: string, flag = "--out"): string {
  if (folder === "") throw new InputRangeError(`${flag} must be a folder name, got ""`);
  const label = `${flag} ${show(folder)}`;
  ensureFolder(folder, label);
  const probe = temporaryBeside(join(folder, "probe"));
  try {
    writeFileSync(probe, "");
    renameSync(probe, `${probe}.renamed`);
    rmSync(`${probe}.renamed`, { force: true });
  } catch (error) {
    rmSync(probe, { force: true });
    throw new InputRangeError(`${label}: cannot write in that folder: ${errnoReason(error)}`);
  } finally {
    rmSync(probe, { force: true });
  }
  return folder;
}

/** Prepares an output file path: not "", not a folder, its folder ready and writable. */
export function prepareOutputFile(path: string, flag = "--out"): string {
  if (path === "") throw new InputRangeError(`${flag} must be a file name, got ""`);
  const stats = (() => {
    try {
      return statOrNull(path);
    } catch (error) {
      throw new InputRangeError(`${flag} ${show(path)}: ${errnoReason(error)}`);
    }
  })();
  if (stats?.isDirectory() || path.endsWith("/"))
    throw new InputRangeError(`${flag} ${show(path)} is a folder; give a file name`);
  if (stats && !stats.isFile())
    throw new InputRangeError(`${flag} ${show(path)} is ${kindOf(stats)}, not a regular file`);
  prepareOutputFolder(dirname(path), flag === "--out" ? "--out's folder" : `${flag}'s folder`);
  return path;
}

/**
 * CSV as optlab writes it: a cell holding a non-finite number (`NaN`, `Infinity`, `-Infinity`, as `String(x)`
 * writes them) is left empty, the way the JSON beside it writes `null` — so the two files say the same thing and a
 * spreadsheet reads "no value" instead of the text "NaN". Quoted cells are left as they are.
 */
export function csvWithEmptyNonFinite(text: string): string {
  let out = "";
  let cell = "";
  let quoted = false;
  let inQuotes = false;
  const flush = () => {
    out += !quoted && (cell === "NaN" || cell === "Infinity" || cell === "-Infinity") ? "" : cell;
    cell = "";
    quoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      cell += c;
      if (c === '"') inQuotes = false;
    } else if (c === '"') {
      cell += c;
      quoted = true;
      inQuotes = true;
    } else if (c === "," || c === "\n") {
      flush();
      out += c;
    } else cell += c;
  }
  flush();
  return out;
}

function forDisk(path: string, data: string | Uint8Array): string | Uint8Array {
  return typeof data === "string" && path.endsWith(".csv") ? csvWithEmptyNonFinite(data) : data;
}

/** A temporary name beside `path`, unique to this process and call. */
function temporaryBeside(path: string): string {
  return join(dirname(path), `.${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2)}.partial`);
}

/**
 * Writes a file atomically: to a temporary name beside it, then renamed into place, so that an
 * interrupted or failed run never leaves a partial file pretending to be complete. A filesystem failure is one
 * user line naming the file.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  ensureFolder(dirname(path));
  const temporary = temporaryBeside(path);
  try {
    writeFileSync(temporary, forDisk(path, data));
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw pathError("write", path, error);
  }
}

/** One file of a set written together. */
export interface FileEntry {
  readonly name: string;
  readonly data: string | Uint8Array;
}

/**
 * Writes several files into `folder` all or nothing: every file goes to a temporary name first, and only when
 * all of them are written are they renamed into place (a failed rename puts back the files already renamed, so
 * the folder is left as it was). Returns the names written, in order.
 */
export function writeFilesTogether(folder: string, entries: readonly FileEntry[]): string[] {
  ensureFolder(folder);
  const written: { temporary: string; path: string }[] = [];
  try {
    for (const entry of entries) {
      const path = join(folder, entry.name);
      const temporary = temporaryBeside(path);
      written.push({ temporary, path });
      writeFileSync(temporary, forDisk(path, entry.data));
    }
  } catch (error) {
    for (const { temporary } of written) rmSync(temporary, { force: true });
    throw pathError("write", written.at(-1)?.path ?? folder, error);
  }
  // A target that is a folder would be moved aside or refused half-way: refuse it before anything is renamed.
  for (const { path } of written) {
    if (statOrNull(path)?.isDirectory()) {
      for (const { temporary } of written) rmSync(temporary, { force: true });
      throw new InputRangeError(`cannot write ${show(path)}: it is a folder`);
    }
  }
  // Files being replaced are kept aside until every rename succeeded.
  const renamed: { path: string; previous: string | null }[] = [];
  try {
    for (const { temporary, path } of written) {
      let previous: string | null = null;
      if (statOrNull(path)) {
        previous = `${temporary}.previous`;
        renameSync(path, previous);
      }
      renamed.push({ path, previous });
      renameSync(temporary, path);
    }
  } catch (error) {
    for (const { path, previous } of renamed.reverse()) {
      rmSync(path, { force: true, recursive: false });
      if (previous !== null) renameSync(previous, path);
    }
    for (const { temporary } of written) rmSync(temporary, { force: true });
    throw pathError("write", renamed.at(-1)?.path ?? folder, error);
  }
  for (const { previous } of renamed) if (previous !== null) rmSync(previous, { force: true });
  return entries.map((entry) => entry.name);
}

/** Byte budgets of the files a user hands in (each reason beside it). */
export const READ_BUDGETS = {
  /** An experiment is one figure's settings: the repository's largest is under 2 KB; 1 MiB is 500× that. */
  experiment: 1 << 20,
  /**
   * A golden document: the repository's is about 60 KB; 16 MiB leaves room for long cases while the work they
   * ask for is capped separately (REPLAY_MAX_NUMBERS in cli/replay.ts).
   */
  golden: 16 << 20,
  /** Run specs: a fair study plans a few thousand lines of under 1 KB each; 64 MiB is 10× the largest plan. */
  runSpecs: 64 << 20,
  /** Result files: a run result carries its curves (≤ 100 KB); 512 MiB holds 5 000 of them. */
  results: 512 << 20,
  /**
   * One IDX file, after decompression: the largest IDX set in common use (EMNIST ByClass, 698 k images of
   * 28 × 28 = 547 MB) fits; more than 1 GiB would not fit beside the training buffers anyway.
   */
  idx: 1 << 30,
} as const;

/** Why a file a user named cannot be read ("no such file" rather than the output folders' "no such file or folder"). */
function readReason(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code === "ENOENT" ? "no such file" : errnoReason(error);
}

/** Checks that `path` is a regular file of at most `maxBytes` (stat first: `/dev/zero` is refused at once). */
export function checkReadableFile(path: string, what: string, maxBytes: number): Stats {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw new InputRangeError(`cannot read ${what} ${show(path)}: ${readReason(error)}`);
  }
  if (stats.isDirectory()) throw new InputRangeError(`cannot read ${what} ${show(path)}: it is a folder`);
  if (!stats.isFile())
    throw new InputRangeError(
      `cannot read ${what} ${show(path)}: it is ${kindOf(stats)}, not a regular file`,
    );
  if (stats.size > maxBytes) {
    throw new InputRangeError(
      `${what} ${show(path)} is ${stats.size} bytes, more than the ${maxBytes}-byte budget for it`,
    );
  }
  return stats;
}

/** Reads at most `maxBytes` from an open descriptor; more is refused (the descriptor may be a pipe). */
function readBounded(fd: number, maxBytes: number, what: string, path: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EAGAIN") {
        // A non-blocking pipe with nothing yet: wait 10 ms instead of spinning.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if ((error as NodeJS.ErrnoException).code === "EOF") break;
      throw error;
    }
    if (n === 0) break;
    total += n;
    chunks.push(chunk.subarray(0, n));
    if (total > maxBytes)
      throw new InputRangeError(`${what} ${show(path)} is more than the ${maxBytes}-byte budget for it`);
  }
  return Buffer.concat(chunks, total);
}

/** Reads a user's file (or `-` = standard input) as bytes: regular files only, at most `maxBytes`. */
export function readBytesFile(path: string, what: string, maxBytes: number): Buffer {
  if (path === "-") return readBounded(0, maxBytes, what, "stdin");
  checkReadableFile(path, what, maxBytes);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new InputRangeError(`cannot read ${what} ${show(path)}: ${readReason(error)}`);
  }
  try {
    if (!fstatSync(fd).isFile())
      throw new InputRangeError(`cannot read ${what} ${show(path)}: not a regular file`);
    return readBounded(fd, maxBytes, what, path);
  } catch (error) {
    if (error instanceof InputRangeError) throw error;
    throw new InputRangeError(`cannot read ${what} ${show(path)}: ${errnoReason(error)}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a UTF-8 text file (or `-` = standard input), turning a failure into one user-facing line that names the
 * file (`what`); a leading UTF-8 byte-order mark is accepted and dropped (editors on Windows write one).
 */
export function readTextFile(
  path: string,
  what = "file",
  maxBytes: number = READ_BUDGETS.experiment,
): string {
  const text = readBytesFile(path, what, maxBytes).toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads a JSON file, naming it in the error when it is missing or malformed. */
export function readJsonFile(
  path: string,
  what = "file",
  maxBytes: number = READ_BUDGETS.experiment,
): unknown {
  const text = readTextFile(path, what, maxBytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputTypeError(
      `${what} ${show(path)} is not valid JSON: ${(error as Error).message.split("\n")[0]}`,
    );
  }
}
