import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  BENCHMARK_PRESETS,
  type BenchmarkPreset,
  benchmarkPreset,
  bookStudy,
  checkStudyConfig,
  fairStudy,
  remediesStudy,
} from "../lab/index.js";
import {
  type BenchmarkConfig,
  benchmarkRuns,
  benchmarkUpdates,
  benchmarkWork,
  checkBenchmarkConfig,
  runWork,
} from "../lab/protocol.js";
import { parseEngineName } from "../nn/index.js";
import { type CompareSettings, writeCompareReport } from "../report/index.js";
import { writeLeaderboard } from "../report/leaderboard.js";
import { emitClusterJob } from "../run/cluster.js";
import {
  checkDatasetName,
  FASHION_MNIST_DIR,
  plannedRuns,
  readResults,
  runPlannedWork,
  runStudies,
} from "../run/index.js";
import { InputRangeError, InputTypeError } from "../util/errors.js";
import { prepareOutputFolder, writeFileAtomic } from "../util/files.js";
import { jsonLinesText } from "../util/json-lines.js";
import { lockFolder } from "../util/lock.js";
import { intFlag, parseCommandArgs } from "./args.js";
import type { Command } from "./command.js";

export const COMPARE_USAGE = `usage: optlab compare [--tier book|fair] [options]
  --tier book|fair   book: the homework's settings with paired seeds (default); fair: same lr-tuning budget for
                     everyone, validation split, reporting seeds, plus the 2D maps and the homework's item-6 remedies
  --out DIR          where results.jsonl, the report and the figures go (default out/compare-TIER)
  --data NAME        mnist (bundled, default), fashion-mnist, or a folder of IDX files
  --seeds N          reporting seeds (book 3, fair 5)
  --iterations N     updates per full-length run (default 2000)
  --workers N        worker threads (default: one per core; 0 = this thread)
  --engine E         auto, wasm or reference
  --quick            a tiny version of the same protocol (small network, few updates)
  --plan [FILES…]    print the runs that can start now as JSON lines (given the result files so far); run them
                     anywhere with 'optlab run-spec', then plan again until nothing is left
  --merge FILES…     read result files (JSON lines from run-spec) and write the report into --out
  --preset P         fair tier as a benchmark (issue 12): quick (≤ 5 min, CI), laptop (≤ 30 min on 2 cores) or full
                     (a cluster): every hyperparameter tuned by Halton trials, steps to target, leaderboard.md/json
  --emit slurm|k8s   with --preset: write the runs that can start now (specs.jsonl) and a Slurm job-array script or
                     a Kubernetes Indexed Job manifest that runs them with run-spec, into --out (docs/cluster.md)`;

function settingsFrom(values: Record<string, string | boolean | undefined>): CompareSettings {
  const tier = (values.tier as string | undefined) ?? "book";
  if (tier !== "book" && tier !== "fair")
    throw new InputRangeError(`--tier must be book or fair, got ${JSON.stringify(tier)}`);
  const quick = values.quick === true;
  const seeds = values.seeds === undefined ? undefined : intFlag("seeds", values.seeds as string, 3, 1, 100);
  const iterations =
    values.iterations === undefined
      ? undefined
      : intFlag("iterations", values.iterations as string, 2000, 1, 1e7);
  const data = (values.data as string | undefined) ?? "mnist";
  const options = { data, seeds, iterations, quick };
  if (tier === "book") return { tier, quick, studies: [bookStudy(options)] };
  const remediesData = quick ? data : existsSync(FASHION_MNIST_DIR) ? "fashion-mnist" : data;
  return {
    tier,
    quick,
    studies: [
      fairStudy(options),
      remediesStudy({ ...options, data: remediesData, iterations: quick ? iterations : undefined }),
    ],
  };
}

export const compare: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs("compare", argv, {
    tier: { type: "string" },
    out: { type: "string" },
    data: { type: "string" },
    seeds: { type: "string" },
    iterations: { type: "string" },
    workers: { type: "string" },
    engine: { type: "string" },
    quick: { type: "boolean" },
    plan: { type: "boolean" },
    merge: { type: "boolean" },
    preset: { type: "string" },
    emit: { type: "string" },
  });
  if (values.preset !== undefined || values.emit !== undefined)
    return benchmark(values, positionals, argv, io);
  const settings = settingsFrom(values);
  for (const study of settings.studies) checkStudyConfig(study);
  for (const study of settings.studies) checkDatasetName(study.data);
  const workers = values.workers === undefined ? undefined : intFlag("workers", values.workers, 2, 0, 64);
  const engine = parseEngineName(values.engine);
  const out = values.out ?? join("out", `compare-${settings.tier}${settings.quick ? "-quick" : ""}`);
  const log = (line: string) => io.stderr(`${line}\n`);
  if (values.plan && values.merge)
    throw new InputTypeError("--plan and --merge exclude each other: choose one");

  if (values.plan) {
    const runs = plannedRuns(settings.studies, readResults(positionals));
    for (const run of runs) io.stdout(`${JSON.stringify(run)}\n`);
    log(
      runs.length === 0
        ? "compare --plan: nothing left to run; merge the results with --merge"
        : `compare --plan: ${runs.length} runs can start now`,
    );
    return 0;
  }
  if (values.merge) {
    if (positionals.length === 0)
      throw new InputTypeError("--merge needs result files (JSON lines from optlab run-spec)");
    const results = readResults(positionals);
    prepareOutputFolder(out);
    const release = lockFolder(out, ["optlab", "compare", ...argv].join(" "), log);
    try {
      writeFileAtomic(join(out, "results.jsonl"), jsonLinesText([...results.values()]));
      writeCompareReport(out, settings, results, log, engine);
    } finally {
      release();
    }
    const remaining = plannedRuns(settings.studies, results).length;
    log(
      remaining === 0
        ? `compare: report in ${join(out, "compare.md")}`
        : `compare: ${remaining} runs still to do; plan again with --plan and the result files`,
    );
    return 0;
  }
  if (positionals.length > 0)
    throw new InputTypeError(
      `unexpected argument ${JSON.stringify(positionals[0])} (see optlab compare --help)`,
    );

  const terminal = process.stderr.isTTY === true;
  const started = Date.now();
  prepareOutputFolder(out);
  const release = lockFolder(out, ["optlab", "compare", ...argv].join(" "), (text) =>
    log(`compare: ${text}`),
  );
  try {
    return await runAndReport();
  } finally {
    release();
  }

  async function runAndReport(): Promise<number> {
    const results = await runStudies(settings.studies, {
      folder: out,
      workers,
      engine,
      onNote: (text) => log(`compare: ${text}`),
      onStage: (stage, runs) => log(`compare: stage ${stage}: ${runs} runs`),
      onResult(stage, result, done, total) {
        const elapsed = (Date.now() - started) / 1000;
        const line = `compare: stage ${stage} ${done}/${total} ${result.id} ${result.status} (${elapsed.toFixed(0)} s)`;
        io.stderr(terminal ? `\r\x1b[2K${line}${done === total ? "\n" : ""}` : `${line}\n`);
      },
    });
    writeCompareReport(out, settings, results, log, engine);
    io.stdout(`compare: report in ${join(out, "compare.md")} (${results.size} runs)\n`);
    return 0;
  }
};

/** The fair tier as a benchmark (`--preset`): plan, emit, merge, or run in this process with progress and ETA. */
async function benchmark(
  values: Record<string, string | boolean | undefined>,
  positionals: string[],
  argv: readonly string[],
  io: Parameters<Command>[1],
): Promise<number> {
  const preset = values.preset as string | undefined;
  if (preset === undefined) throw new InputTypeError("--emit needs --preset quick|laptop|full");
  if (!(BENCHMARK_PRESETS as readonly string[]).includes(preset))
    throw new InputRangeError(
      `--preset must be one of ${BENCHMARK_PRESETS.join(", ")}, got ${JSON.stringify(preset)}`,
    );
  if ((values.tier ?? "fair") !== "fair")
    throw new InputRangeError(`--preset belongs to the fair tier, got --tier ${JSON.stringify(values.tier)}`);
  const emit = values.emit as string | undefined;
  if (emit !== undefined && emit !== "slurm" && emit !== "k8s")
    throw new InputRangeError(`--emit must be slurm or k8s, got ${JSON.stringify(emit)}`);
  if ([values.plan, values.merge, emit].filter(Boolean).length > 1)
    throw new InputTypeError("--plan, --merge and --emit exclude each other: choose one");
  const config: BenchmarkConfig = benchmarkPreset(preset as BenchmarkPreset, {
    fashionMnist: existsSync(FASHION_MNIST_DIR),
  });
  checkBenchmarkConfig(config);
  const out = (values.out as string | undefined) ?? join("out", `compare-fair-${preset}`);
  const log = (line: string) => io.stderr(`${line}\n`);
  const workers =
    values.workers === undefined ? undefined : intFlag("workers", values.workers as string, 2, 0, 64);
  const engine = parseEngineName(values.engine as string | undefined);

  if (values.plan || emit) {
    const results = readResults(positionals);
    const runs = benchmarkRuns(config, results);
    if (values.plan) {
      for (const run of runs) io.stdout(`${JSON.stringify(run)}\n`);
    } else {
      prepareOutputFolder(out);
      const written = emitClusterJob(out, emit as "slurm" | "k8s", config, runs, results.size);
      log(`compare --emit ${emit}: ${written.join(", ")}`);
    }
    log(
      runs.length === 0
        ? "compare: nothing left to run; merge the results with --merge"
        : `compare: ${runs.length} runs can start now`,
    );
    return 0;
  }
  if (values.merge) {
    if (positionals.length === 0)
      throw new InputTypeError("--merge needs result files (JSON lines from optlab run-spec)");
    const results = readResults(positionals);
    prepareOutputFolder(out);
    const release = lockFolder(out, ["optlab", "compare", ...argv].join(" "), log);
    try {
      writeFileAtomic(join(out, "results.jsonl"), jsonLinesText([...results.values()]));
      writeLeaderboard(out, config, results);
    } finally {
      release();
    }
    const remaining = benchmarkRuns(config, results).length;
    log(
      remaining === 0
        ? `compare: leaderboard in ${join(out, "leaderboard.md")}`
        : `compare: ${remaining} runs still to do; plan again with --plan and the result files`,
    );
    return 0;
  }
  if (positionals.length > 0)
    throw new InputTypeError(
      `unexpected argument ${JSON.stringify(positionals[0])} (see optlab compare --help)`,
    );
  prepareOutputFolder(out);
  const release = lockFolder(out, ["optlab", "compare", ...argv].join(" "), (text) =>
    log(`compare: ${text}`),
  );
  const total = benchmarkWork(config);
  const updates = benchmarkUpdates(config);
  const started = Date.now();
  let sessionUpdates = 0;
  let doneUpdates = 0;
  const terminal = process.stderr.isTTY === true;
  try {
    const results = await runPlannedWork(
      { description: config, plan: (r) => benchmarkRuns(config, r) },
      {
        folder: out,
        workers,
        engine,
        onNote: (text) => log(`compare: ${text}`),
        onStage: (stage, runs) => log(`compare: stage ${stage}: ${runs} runs`),
        onResult(stage, result, done, count) {
          sessionUpdates += runWork(result.spec);
          doneUpdates += runWork(result.spec);
          const elapsed = (Date.now() - started) / 1000;
          const eta = ((total - doneUpdates) * elapsed) / Math.max(1, sessionUpdates);
          const line = `compare: stage ${stage} ${done}/${count} · ${((100 * doneUpdates) / total).toFixed(1)} % of the work (${updates} updates, conv ones weighed by their cost) · ${elapsed.toFixed(0)} s, ETA ${eta.toFixed(0)} s · ${result.id} ${result.status}`;
          io.stderr(terminal ? `\r\x1b[2K${line}${done === count ? "\n" : ""}` : `${line}\n`);
        },
        onResume(results) {
          for (const r of results.values()) doneUpdates += runWork(r.spec);
        },
      },
    );
    writeLeaderboard(out, config, results);
    io.stdout(
      `compare: leaderboard in ${join(out, "leaderboard.md")} (${results.size} runs, ${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
    );
    return 0;
  } finally {
    release();
  }
}
