import { isUserError, oneLine, show, unknownNameMessage } from "../util/errors.js";
import { errnoReason, isErrnoError } from "../util/files.js";
import type { Command } from "./command.js";
import { type CliIO, processIO } from "./io.js";

interface CommandEntry {
  summary: string;
  /** The full usage text for `optlab NAME --help` (default: the summary). */
  usage?: () => Promise<string>;
  load: () => Promise<Command>;
}

/** The one table of commands (loaded lazily so `optlab replay` does not load the plotting stack). */
const commands: Record<string, CommandEntry> = {
  replay: {
    summary: "recompute a golden-trajectory document with optlab: optlab replay FILE [--out OUT]",
    load: async () => (await import("./replay.js")).replay,
  },
  figure: {
    summary: "one figure: optlab figure KIND --function F --optimizer SPEC … --out DIR (--help for more)",
    usage: async () => (await import("./figure.js")).FIGURE_HELP,
    load: async () => (await import("./figure.js")).figure,
  },
  experiment: {
    summary: "the figure an experiment file describes: optlab experiment FILE.json [--out DIR]",
    load: async () => (await import("./experiment.js")).experiment,
  },
  all: {
    summary:
      "the homework's experiments (2D, MNIST, item 6) and the report answering its questions: optlab all [--out DIR] [--quick] [--seeds N]",
    load: async () => (await import("./all.js")).all,
  },
  serve: {
    summary:
      "serve the built playground (npm run build:web) on localhost: optlab serve [--port N] [--dir DIR]",
    load: async () => (await import("./serve.js")).serve,
  },
  mnist: {
    summary:
      "train the book's MNIST network with several optimizers, paired and seeded (optlab mnist --help)",
    usage: async () => (await import("./mnist.js")).MNIST_USAGE,
    load: async () => (await import("./mnist.js")).mnist,
  },
  compare: {
    summary:
      "compare optimizers on MNIST: --tier book (the homework's settings) or fair (tuned, seeds, maps) (--help)",
    usage: async () => (await import("./compare.js")).COMPARE_USAGE,
    load: async () => (await import("./compare.js")).compare,
  },
  "run-spec": {
    summary: "run self-contained run specs (JSON lines, e.g. from compare --plan): optlab run-spec [FILE|-]",
    load: async () => (await import("./run-spec.js")).runSpecCommand,
  },
};

/** The command names, in the order `optlab --help` lists them. */
export function commandNames(): string[] {
  return Object.keys(commands);
}

function usage(): string {
  const lines = Object.entries(commands).map(([name, entry]) => `  ${name.padEnd(12)} ${entry.summary}`);
  return `optlab — compare gradient-descent optimizers\n\nusage: optlab COMMAND [options]\n\ncommands:\n${lines.join("\n")}\n`;
}

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = commands[name];
  if (!entry) {
    io.stderr(`${oneLine(`optlab: ${unknownNameMessage("command", name, Object.keys(commands))}`)}\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(`${entry.usage ? await entry.usage() : `optlab ${name}: ${entry.summary}`}\n`);
    return 0;
  }
  try {
    const command = await entry.load();
    return await command(rest, io);
  } catch (error) {
    if (isUserError(error)) {
      io.stderr(`${oneLine(`optlab ${name}: ${error.message}`)}\n`);
      return 2;
    }
    // The filesystem boundary (util/files.ts) names user paths itself; a filesystem error that still gets here
    // is about a path too, and is answered the same way rather than with a stack.
    if (isErrnoError(error)) {
      const path = (error as NodeJS.ErrnoException).path;
      io.stderr(`${oneLine(`optlab ${name}: ${path ? `${show(path)}: ` : ""}${errnoReason(error)}`)}\n`);
      return 2;
    }
    throw error;
  }
}
