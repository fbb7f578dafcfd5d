// Fuzzing every entry point (issue 15): random argv for every command, random experiment / run-spec / golden
// documents, random formulas from a grammar, random URL states. Properties: the answer comes within its time
// budget, the exit code is 0 or 2 (replay: 1 when a case cannot run), at most 3 lines on stderr, no stack frame,
// and nothing left in --out on failure. Fixed seeds, bounded runs: the file takes well under a minute.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { landscapeFromFormula } from "../src/landscapes/formula.js";
import { isUserError, MESSAGE_MAX_LENGTH } from "../src/util/errors.js";
import { decodeState } from "../web/src/state.js";

const root = mkdtempSync(join(tmpdir(), "optlab-fuzz-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let cases = 0;
const SEED = 20261201;

/** Values people (and attackers) type. */
const HOSTILE = [
  "",
  " ",
  "0",
  "1",
  "3",
  "-1",
  "-3",
  "1e999",
  "-1e999",
  "NaN",
  "Infinity",
  "0x10",
  "1.5",
  "1,2",
  "-7,2",
  "1,2,3,4",
  "4,3,2,1",
  "a".repeat(300),
  "x".repeat(5000),
  "\u0000",
  "\ufeffsgd",
  "\u202e",
  "../../../etc/passwd",
  "/dev/zero",
  "/proc/x",
  "/",
  "sgd",
  "adam:lr=0.3",
  "sgd:lr=0.1,lr=0.2",
  "sgd:constructor=1",
  "sgd:__proto__=1",
  "nesterov:lr=-1",
  "adam:beta1=1",
  "x^2+y^2",
  "sin(sin(sin(sin(sin(sin(sin(sin(sin(x)))))))))",
  "x^x^x^x^x^x",
  "1/0",
  "sqrt(-1-x^2)",
  "rosenbrock",
  "quadratic50",
  "relu",
  "sigmoid",
  "book",
  "fair",
  "reference",
  "wasm",
  "a=sgd;adam",
  "=",
  "a=",
  "$(rm -rf /)",
  "<script>",
  "%00",
  "--help",
  "-h",
];

const value = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 12 }));

/** Flags per command; a value is drawn for string flags, none for booleans. */
const COMMANDS: Record<string, { flags: Record<string, "string" | "boolean">; base: string[] }> = {
  figure: {
    flags: {
      function: "string",
      start: "string",
      steps: "string",
      optimizer: "string",
      variant: "string",
      layout: "string",
      window: "string",
      "mask-above": "string",
      id: "string",
      title: "string",
      bogus: "string",
    },
    base: [],
  },
  experiment: { flags: { bogus: "string" }, base: [] },
  replay: { flags: { bogus: "string" }, base: [] },
  // Small settings: a valid draw trains one tiny network for a few updates.
  mnist: {
    flags: {
      optimizers: "string",
      "batch-size": "string",
      seed: "string",
      seeds: "string",
      "eval-every": "string",
      data: "string",
      activation: "string",
      "weight-decay": "string",
      engine: "string",
      workers: "string",
      resume: "boolean",
      bogus: "string",
    },
    base: [
      "--iterations",
      "2",
      "--hidden",
      "4",
      "--batch-size",
      "4",
      "--optimizers",
      "sgd",
      "--workers",
      "1",
    ],
  },
  // --plan: the study is checked and planned, never trained.
  compare: {
    flags: {
      tier: "string",
      data: "string",
      seeds: "string",
      iterations: "string",
      engine: "string",
      quick: "boolean",
    },
    base: ["--plan"],
  },
  "run-spec": { flags: { workers: "string", engine: "string", bogus: "string" }, base: [] },
  // Invalid --seeds keeps `all` from running its whole report.
  all: { flags: { quick: "boolean", quiet: "boolean", bogus: "string" }, base: ["--seeds", "0"] },
  // A site folder without index.html: refused before listening.
  serve: { flags: { port: "string", bogus: "string" }, base: ["--dir", root] },
};

function argvFor(command: string) {
  const { flags } = COMMANDS[command];
  const flag = fc
    .constantFrom(...Object.keys(flags))
    .chain(
      (name): fc.Arbitrary<string[]> =>
        flags[name] === "boolean" ? fc.constant([`--${name}`]) : value.map((v): string[] => [`--${name}`, v]),
    );
  return fc
    .tuple(fc.array(flag, { maxLength: 5 }), fc.array(value, { maxLength: 2 }))
    .map(([pairs, positionals]): string[] => [...pairs.flat(), ...positionals]);
}

interface Outcome {
  code: number;
  stderr: string;
  seconds: number;
  out: string;
}

async function runCli(argv: string[]): Promise<Outcome> {
  const out = join(root, `out-${++cases}`);
  let stderr = "";
  const started = performance.now();
  let code: number;
  try {
    code = await main([...argv, "--out", out], { stdout: () => {}, stderr: (t) => void (stderr += t) });
  } catch (error) {
    // A non-user error escaping main is a stack trace for the user: the property fails with it.
    throw new Error(`main threw for ${JSON.stringify(argv).slice(0, 300)}: ${(error as Error).stack}`);
  }
  return { code, stderr, seconds: (performance.now() - started) / 1000, out };
}

function checkOutcome(argv: string[], outcome: Outcome, command: string, budgetSeconds: number): void {
  const where = JSON.stringify(argv).slice(0, 300);
  const allowed = command === "replay" ? [0, 1, 2] : [0, 2];
  expect(allowed, where).toContain(outcome.code);
  const lines = outcome.stderr.split("\n").filter((line) => line !== "");
  if (outcome.code === 2) {
    expect(lines.length, `${where}: ${outcome.stderr}`).toBeLessThanOrEqual(3);
    for (const line of lines) expect(line.length, where).toBeLessThanOrEqual(MESSAGE_MAX_LENGTH);
    const left = existsSync(outcome.out) ? readdirSync(outcome.out) : [];
    expect(left, where).toEqual([]);
  }
  expect(outcome.stderr, where).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(outcome.seconds, where).toBeLessThan(budgetSeconds);
}

describe("fuzzing the command line", () => {
  it.each(Object.keys(COMMANDS))("random argv for %s answer cleanly", async (command) => {
    const runs = command === "figure" ? 150 : command === "mnist" ? 60 : 100;
    await fc.assert(
      fc.asyncProperty(argvFor(command), async (args) => {
        const argv = [command, ...COMMANDS[command].base, ...args];
        checkOutcome(argv, await runCli(argv), command, 20);
      }),
      { seed: SEED, numRuns: runs },
    );
  });
});

// ---- documents ----

const number = fc.oneof(
  fc.double({ noNaN: false }),
  fc.integer({ min: -5, max: 200 }),
  fc.constantFrom(0, 1, -1, 1e308, Number.POSITIVE_INFINITY, -0),
);
const json = fc.letrec((tie) => ({
  leaf: fc.oneof(
    number,
    fc.string({ maxLength: 8 }),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(...HOSTILE),
  ),
  node: fc.oneof(
    { depthSize: "small" },
    tie("leaf"),
    fc.array(tie("node"), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie("node"), { maxKeys: 4 }),
  ),
})).node;

function field<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: arbitrary as fc.Arbitrary<unknown> },
    { weight: 1, arbitrary: json as fc.Arbitrary<unknown> },
  );
}

const experimentDocument = fc.record(
  {
    figure: field(fc.constantFrom("surface", "gradient-field", "trajectories", "losses", "variants", "nope")),
    function: field(
      fc.constantFrom("quadratic", "rosenbrock", "x^2 + y^2", "sin(x)*y", "1/0", "", "quadratic50"),
    ),
    start: field(fc.tuple(number, number)),
    steps: field(fc.integer({ min: -2, max: 60 })),
    optimizers: field(
      fc.array(fc.constantFrom("sgd:lr=0.1", "adam:lr=0.3", "momentum", "sgd:lr=1e9", "bogus"), {
        maxLength: 3,
      }),
    ),
    variants: field(
      fc.array(fc.record({ label: fc.string({ maxLength: 6 }), optimizers: fc.constant(["sgd"]) }), {
        maxLength: 3,
      }),
    ),
    layout: field(fc.constantFrom("panels", "overlay", "grid")),
    window: field(fc.record({ x: fc.tuple(number, number), y: fc.tuple(number, number) })),
    contour: field(fc.record({ step: number, maskAbove: number }, { requiredKeys: [] })),
    surface: field(
      fc.record({ n: fc.integer({ min: 0, max: 60 }), trajectories: fc.boolean() }, { requiredKeys: [] }),
    ),
    arrows: field(fc.integer({ min: 0, max: 30 })),
    title: field(fc.string({ maxLength: 20 })),
    extra: json,
  },
  { requiredKeys: [] },
);

const runSpecDocument = fc.record(
  {
    kind: field(fc.constant("mnist")),
    id: field(fc.string({ minLength: 1, maxLength: 8 })),
    data: field(fc.constantFrom("mnist", "/dev/zero", "nowhere")),
    validation: field(fc.integer({ min: -1, max: 100 })),
    hidden: field(fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 2 })),
    optimizer: field(fc.record({ id: fc.constantFrom("sgd", "adam", "bogus"), hp: fc.constant({}) })),
    seed: field(fc.integer({ min: -1, max: 5 })),
    iterations: field(fc.integer({ min: 0, max: 3 })),
    batchSize: field(fc.integer({ min: 0, max: 4 })),
    evalEvery: field(fc.integer({ min: 0, max: 3 })),
    test: field(fc.boolean()),
    trainEval: field(fc.integer({ min: 0, max: 4 })),
    target: field(fc.double({ min: -1, max: 2 })),
    extra: json,
  },
  { requiredKeys: [] },
);

const goldenDocument = fc.record(
  {
    format: field(fc.constant("golden-trajectories")),
    cases: field(
      fc.array(
        fc.record(
          {
            id: field(fc.string({ maxLength: 6 })),
            family: field(fc.constantFrom("optax", "torch", "book", "nope")),
            optimizer: field(fc.constantFrom("sgd", "adam", "rmsprop", null)),
            options: field(
              fc.dictionary(fc.constantFrom("learning_rate", "lr", "b1", "momentum"), number, { maxKeys: 2 }),
            ),
            function: field(fc.constantFrom("quadratic", "rosenbrock", "beale", "quadratic50", "nope", null)),
            start: field(fc.array(number, { maxLength: 3 })),
            steps: field(fc.integer({ min: -1, max: 400 })),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 4 },
      ),
    ),
  },
  { requiredKeys: [] },
);

describe("fuzzing documents", () => {
  const write = (name: string, text: string) => {
    const path = join(root, `${name}-${++cases}`);
    writeFileSync(path, text);
    return path;
  };

  it("random experiment files answer cleanly", async () => {
    await fc.assert(
      fc.asyncProperty(experimentDocument, async (document) => {
        const argv = ["experiment", write("experiment.json", JSON.stringify(document))];
        checkOutcome(argv, await runCli(argv), "experiment", 20);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it("random run-spec files answer cleanly", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(runSpecDocument, { minLength: 1, maxLength: 2 }), async (specs) => {
        const text = specs.map((spec) => JSON.stringify(spec)).join("\n");
        const argv = ["run-spec", write("specs.jsonl", text), "--workers", "0"];
        const outcome = await runCli(argv.concat([]));
        checkOutcome(argv, outcome, "run-spec", 20);
      }),
      { seed: SEED, numRuns: 80 },
    );
  });

  it("random golden documents answer cleanly", async () => {
    await fc.assert(
      fc.asyncProperty(goldenDocument, async (document) => {
        const argv = ["replay", write("golden.json", JSON.stringify(document))];
        checkOutcome(argv, await runCli(argv), "replay", 20);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it("random bytes as a document answer cleanly", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom("experiment", "replay", "run-spec"),
        async (bytes, command) => {
          const argv = [command, write("bytes", Buffer.from(bytes).toString("latin1"))];
          checkOutcome(argv, await runCli(argv), command, 10);
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });
});

// ---- formulas and URL states ----

const formula: fc.Arbitrary<string> = fc.letrec((tie) => ({
  atom: fc.oneof(
    fc.constantFrom("x", "y", "pi", "e", "0", "1", "2.5", "1e308", "z", "xy"),
    fc.integer({ min: 0, max: 99 }).map(String),
  ),
  expr: fc.oneof(
    { depthSize: "medium", maxDepth: 12 },
    tie("atom"),
    fc
      .tuple(tie("expr"), fc.constantFrom("+", "-", "*", "/", "^", "%", "==", ""), tie("expr"))
      .map(([a, op, b]) => `${a}${op}${b}`),
    fc
      .tuple(
        fc.constantFrom("sin", "cos", "exp", "log", "sqrt", "abs", "tanh", "pow", "eval", "import"),
        tie("expr"),
      )
      .map(([f, a]) => `${f}(${a})`),
    tie("expr").map((a) => `(${a})`),
    tie("expr").map((a) => `-${a}`),
  ),
})).expr as fc.Arbitrary<string>;

describe("fuzzing formulas and URL states", () => {
  it("a random formula is a landscape or one user error, within 1 s, with short LaTeX", () => {
    fc.assert(
      fc.property(formula, (text) => {
        const started = performance.now();
        try {
          const landscape = landscapeFromFormula(text, { findMinima: false });
          expect(landscape.latex.length).toBeLessThan(20 * text.length + 100);
        } catch (error) {
          expect(isUserError(error), `${text}: ${(error as Error).stack}`).toBe(true);
          expect((error as Error).message.length).toBeLessThanOrEqual(MESSAGE_MAX_LENGTH);
        }
        expect(performance.now() - started, text).toBeLessThan(1000);
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  const urlValue = fc.oneof(value, formula);
  const search = fc
    .array(
      fc.tuple(
        fc.constantFrom(
          "f",
          "start",
          "steps",
          "o",
          "sch",
          "w",
          "view",
          "cursor",
          "arrows",
          "internals",
          "x",
          "",
        ),
        urlValue,
      ),
      {
        maxLength: 6,
      },
    )
    .map((pairs) => new URLSearchParams(pairs).toString());

  it("a random URL state decodes without throwing, within 1 s, with short warnings", () => {
    fc.assert(
      fc.property(search, (query) => {
        const started = performance.now();
        const { state, warnings } = decodeState(query);
        expect(typeof state.landscape).toBe("string");
        for (const warning of warnings) expect(warning.length).toBeLessThanOrEqual(2 * MESSAGE_MAX_LENGTH);
        expect(performance.now() - started, query).toBeLessThan(1000);
      }),
      { seed: SEED, numRuns: 600 },
    );
  });

  it("a shared ?f= link with a deep formula decodes fast and falls back with a warning", () => {
    const started = performance.now();
    const { state, warnings } = decodeState(
      `?f=${encodeURIComponent(`${"sin(".repeat(60)}x${")".repeat(60)}`)}`,
    );
    expect(performance.now() - started).toBeLessThan(500);
    expect(state.landscape).toBe("quadratic");
    expect(warnings.join(" ")).toMatch(/formula: must nest at most/);
  });
});

// Nothing of the fuzz run may be left where it does not belong.
afterAll(() => {
  mkdirSync(root, { recursive: true });
});
