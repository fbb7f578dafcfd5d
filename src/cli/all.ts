import { readdirSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { type ReportSettings, reportPieces, writeReport } from "../report/index.js";
import { prepareOutputFolder } from "../util/files.js";
import { lockFolder } from "../util/lock.js";
import { intFlag, noPositionals, parseCommandArgs } from "./args.js";
import type { CliIO } from "./io.js";

/** Whether a process with this pid is running. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The report is built in `.OUT.partial-PID` beside OUT and moved in at the end; a run killed on the way leaves that
 * folder behind. The next run (holding OUT's lock) removes those of dead processes, with a note.
 */
function removeStalePartials(out: string, note: (text: string) => void): void {
  const target = resolve(out);
  const prefix = `.${basename(target)}.partial-`;
  let names: string[];
  try {
    names = readdirSync(dirname(target));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (!Number.isInteger(pid) || pid === process.pid || alive(pid)) continue;
    rmSync(join(dirname(target), name), { recursive: true, force: true });
    note(`removed ${join(dirname(target), name)}, left by an interrupted run (process ${pid})`);
  }
}

/** `optlab all [--out DIR]`: what `npm start` runs. */
export async function all(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs("all", argv, {
    out: { type: "string" },
    quiet: { type: "boolean" },
    quick: { type: "boolean" },
    seeds: { type: "string" },
  });
  noPositionals(positionals);
  const started = performance.now();
  const quick = values.quick === true;
  const seeds = intFlag("seeds", values.seeds, quick ? 2 : 3, 1, 100);
  const out = prepareOutputFolder(values.out ?? "out");
  io.stdout(`optlab all: the homework's experiments and the report, into ${resolve(out)}\n`);
  const log = (line: string) => io.stdout(`${line}\n`);
  const settings: ReportSettings = { quick, mnistSeeds: seeds, remedySeeds: 3, log };
  const release = lockFolder(out, ["optlab", "all", ...argv].join(" "), (text) =>
    io.stderr(`optlab all: ${text}\n`),
  );
  // writeReport logs one line per stage (see buildPieces); they are kept for the summary at the end.
  const stages: Stage[] = [];
  const stageLog = (line: string) => {
    const stage = parseStageLine(line);
    if (stage) stages.push(stage);
    if (!values.quiet) log(line);
  };
  let items: Awaited<ReturnType<typeof writeReport>>;
  try {
    removeStalePartials(out, (text) => io.stderr(`optlab all: ${text}\n`));
    items = await writeReport(out, stageLog, reportPieces(settings), { pdf: true });
  } finally {
    release();
  }
  const files = items.reduce((n, item) => n + item.files.length, 2);
  io.stdout(`${whereTheTimeWent(stages, (performance.now() - started) / 1000)}\n`);
  io.stdout(
    `optlab all: wrote ${items.length} figures and tables (${files} files) in ${((performance.now() - started) / 1000).toFixed(1)} s\n` +
      `  open ${join(resolve(out), "index.html")}\n  manifest ${join(resolve(out), "manifest.json")}\n`,
  );
  return 0;
}

/** One stage of the report: the main thread's seconds on it, and for work on worker threads its span and wait. */
export interface Stage {
  readonly id: string;
  readonly seconds: number;
  readonly background?: { readonly seconds: number; readonly waited: number };
}

/** Reads a stage line of `buildPieces` (`  trajectories  1.20 s`, `  mnist  1.30 s for its files, after …`). */
export function parseStageLine(line: string): Stage | null {
  const number = "(\\d+(?:\\.\\d+)?)";
  const plain = new RegExp(`^ {2}(\\S+)\\s+${number} s$`).exec(line);
  if (plain) return { id: plain[1], seconds: Number(plain[2]) };
  const started = new RegExp(
    `^ {2}(\\S+)\\s+${number} s for its files, after ${number} s on worker threads \\(${number} s waited for\\)$`,
  ).exec(line);
  if (!started) return null;
  return {
    id: started[1],
    seconds: Number(started[2]),
    background: { seconds: Number(started[3]), waited: Number(started[4]) },
  };
}

/**
 * `optlab all: where the 58.1 s went: on worker threads, side by side and beside the main thread: mnist 50.2 s, …;
 * on the main thread: waiting for them 40.1 s (69 %), …`: the work on worker threads by its span, then the main
 * thread's time by stage (the largest six named), which adds up to the total.
 */
export function whereTheTimeWent(stages: readonly Stage[], total: number): string {
  const part = (label: string, seconds: number) =>
    `${label} ${seconds.toFixed(1)} s (${((100 * seconds) / total).toFixed(0)} %)`;
  const sum = (list: readonly { seconds: number }[]) => list.reduce((s, stage) => s + stage.seconds, 0);
  const background = stages.filter((stage) => stage.background !== undefined);
  const main = stages.map((stage) =>
    stage.background ? { id: `${stage.id} files`, seconds: stage.seconds } : stage,
  );
  const waited = background.reduce((s, stage) => s + (stage.background?.waited ?? 0), 0);
  if (background.length > 0) main.push({ id: "waiting for them", seconds: waited });
  const ranked = main.sort((a, b) => b.seconds - a.seconds);
  const parts = ranked.slice(0, 6).map((stage) => part(stage.id, stage.seconds));
  if (ranked.length > 6) parts.push(part(`${ranked.length - 6} other stages`, sum(ranked.slice(6))));
  parts.push(part("setup and moving files", Math.max(0, total - sum(ranked))));
  const threads =
    background.length === 0
      ? ""
      : `on worker threads, side by side and beside the main thread: ${background
          .map((stage) => `${stage.id} ${stage.background?.seconds.toFixed(1)} s`)
          .join(", ")}; on the main thread: `;
  return `optlab all: where the ${total.toFixed(1)} s went: ${threads}${parts.join(", ")}`;
}
