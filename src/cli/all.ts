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
  let items: Awaited<ReturnType<typeof writeReport>>;
  try {
    removeStalePartials(out, (text) => io.stderr(`optlab all: ${text}\n`));
    items = await writeReport(out, values.quiet ? undefined : log, reportPieces(settings), { pdf: true });
  } finally {
    release();
  }
  const files = items.reduce((n, item) => n + item.files.length, 2);
  io.stdout(
    `optlab all: wrote ${items.length} figures and tables (${files} files) in ${((performance.now() - started) / 1000).toFixed(1)} s\n` +
      `  open ${join(resolve(out), "index.html")}\n  manifest ${join(resolve(out), "manifest.json")}\n`,
  );
  return 0;
}
