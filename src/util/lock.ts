import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { InputRangeError, show } from "./errors.js";
import { errnoReason } from "./files.js";

/** The lock file a run keeps in its output folder while it writes there. */
export const LOCK_FILE = ".optlab.lock";

/** What the lock file holds: who writes the folder. */
export interface LockInfo {
  readonly pid: number;
  readonly command: string;
  readonly started: string;
}

/** Locks held by this process (a second run inside the same process is refused like one from another). */
const held = new Set<string>();

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readLock(path: string): LockInfo | null {
  try {
    const value = JSON.parse(readFileSync(path, "utf8")) as LockInfo;
    return typeof value?.pid === "number" ? value : null;
  } catch {
    return null;
  }
}

/**
 * Locks `folder` for one run (`command` is what the lock file records, e.g. `optlab mnist --out out`): the lock
 * file is created exclusively with the pid and the command; a lock held by a live process is refused in one line
 * naming it; a stale lock (its pid is dead, or the file is unreadable) is taken over with a note. Returns the
 * release function (also run when the process exits normally).
 */
export function lockFolder(
  folder: string,
  command: string,
  note: (text: string) => void = () => {},
): () => void {
  const path = join(folder, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, command, started: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 2)
        throw new InputRangeError(`cannot lock ${show(folder)}: ${errnoReason(error)}`);
      const other = readLock(path);
      const ours = held.has(path);
      if (other && (ours || (other.pid !== process.pid && alive(other.pid)))) {
        throw new InputRangeError(
          `${show(folder)} is in use by process ${other.pid} (${show(other.command)}, since ${other.started}); wait for it to finish or choose another --out`,
        );
      }
      note(
        other
          ? `${join(folder, LOCK_FILE)}: took over the stale lock of process ${other.pid} (${show(other.command)}), which is no longer running`
          : `${join(folder, LOCK_FILE)}: took over an unreadable lock file`,
      );
      rmSync(path, { force: true });
      continue;
    }
    try {
      writeSync(fd, `${JSON.stringify(info)}\n`);
    } finally {
      closeSync(fd);
    }
    break;
  }
  held.add(path);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    held.delete(path);
    process.off("exit", release);
    if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
  };
  process.on("exit", release);
  return release;
}
