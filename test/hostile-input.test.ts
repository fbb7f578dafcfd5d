// Hostile input at every entry point (issue 15): each answer is one line naming the field, the rule and the
// value, exit 2, no stack trace, nothing left in --out, and work bounded by declared budgets.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { JSDOM } from "jsdom";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { encodeIdx } from "../src/data/idx.js";
import { landscapeFromFormula, parseFormula } from "../src/landscapes/formula.js";
import { escapeBareAmpersands, escapeXml, xmlText } from "../src/plot/svg.js";
import { checkTrainingMemory, TRAINING_MEMORY_BUDGET } from "../src/run/engines.js";
import { readIdxBytes } from "../src/run/idx-files.js";
import { MESSAGE_MAX_LENGTH, oneLine, SHOW_MAX_LENGTH, show } from "../src/util/errors.js";
import { csvWithEmptyNonFinite, READ_BUDGETS, writeFilesTogether } from "../src/util/files.js";
import { checkOptimizerSpecKeys } from "../src/util/spec-keys.js";
import { FORMULA_TEX_MAX_LENGTH, renderFormulaTex } from "../web/src/formula-tex.js";

const root = mkdtempSync(join(tmpdir(), "optlab-hostile-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const fresh = () => join(root, `case-${++folders}`);
const filesIn = (folder: string) => (existsSync(folder) ? readdirSync(folder) : []);

async function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const started = performance.now();
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr, seconds: (performance.now() - started) / 1000 };
}

/** One clean refusal: exit 2, one line, no stack frame, within the line budget. */
function expectRefusal(result: { code: number; stderr: string }, pattern: RegExp) {
  expect(result.code).toBe(2);
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(lines[0].length).toBeLessThanOrEqual(MESSAGE_MAX_LENGTH);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe("output paths: one filesystem boundary", () => {
  it("refuses --out that is a file, names it, and writes nothing", async () => {
    const file = join(fresh(), "f");
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, "x");
    expectRefusal(
      await run(["figure", "surface", "--out", file]),
      /--out ".*f": ".*f" is not a folder \(it is a file\)/,
    );
    expect(readFileSync(file, "utf8")).toBe("x");
  });

  it("refuses --out under a file", async () => {
    const file = join(fresh(), "f");
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, "x");
    expectRefusal(await run(["figure", "surface", "--out", join(file, "sub")]), /is not a folder/);
  });

  it('refuses --out "" instead of writing into the current folder', async () => {
    expectRefusal(
      await run(["figure", "surface", "--out", ""]),
      /^optlab figure: --out must be a folder name, got ""$/,
    );
    expectRefusal(
      await run(["mnist", "--out", "", "--iterations", "1"]),
      /--out must be a folder name, got ""/,
    );
    expectRefusal(await run(["all", "--out", ""]), /--out must be a folder name/);
  });

  it("refuses a dangling symbolic link as --out", async () => {
    const link = join(fresh(), "dangling");
    mkdirSync(join(link, ".."), { recursive: true });
    symlinkSync(join(root, "does-not-exist"), link);
    expectRefusal(await run(["figure", "surface", "--out", link]), /is a dangling symbolic link/);
  });

  it("refuses a name that is too long (ENAMETOOLONG) in one short line", async () => {
    const result = await run(["figure", "surface", "--out", join(fresh(), "a".repeat(300))]);
    expectRefusal(result, /name too long \(ENAMETOOLONG\)/);
  });

  it("answers --out under /proc at once instead of spinning in a recursive mkdir", async () => {
    const result = await run(["figure", "surface", "--out", "/proc/optlab-x/y"]);
    expectRefusal(result, /cannot create folder "\/proc\/optlab-x"/);
    expect(result.seconds).toBeLessThan(5);
  });

  it("probes that the folder is writable before any computation (/proc exists but takes no files)", async () => {
    expectRefusal(
      await run(["figure", "surface", "--out", "/proc"]),
      /--out "\/proc": cannot write in that folder/,
    );
  });

  it("refuses replay --out that is a folder before replaying", async () => {
    const folder = fresh();
    mkdirSync(folder, { recursive: true });
    const input = join(folder, "doc.json");
    writeFileSync(input, JSON.stringify({ cases: [] }));
    expectRefusal(await run(["replay", input, "--out", folder]), /--out ".*" is a folder; give a file name/);
  });

  it("writes a figure set all or nothing: a target that is a folder leaves no file and no temporary", async () => {
    const folder = fresh();
    mkdirSync(join(folder, "surface.png"), { recursive: true });
    expectRefusal(
      await run(["figure", "surface", "--out", folder]),
      /cannot write ".*surface\.png": it is a folder/,
    );
    expect(filesIn(folder)).toEqual(["surface.png"]);
  });

  it("keeps the earlier files when a later rename of the set fails", () => {
    const folder = fresh();
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "a.txt"), "old a");
    mkdirSync(join(folder, "b.txt"));
    expect(() =>
      writeFilesTogether(folder, [
        { name: "a.txt", data: "new a" },
        { name: "b.txt", data: "new b" },
      ]),
    ).toThrow(/it is a folder/);
    expect(readFileSync(join(folder, "a.txt"), "utf8")).toBe("old a");
    expect(filesIn(folder).sort()).toEqual(["a.txt", "b.txt"]);
  });
});

describe("bounded reads", () => {
  it("refuses /dev/zero as an experiment file at once (stat first, regular files only)", async () => {
    const result = await run(["experiment", "/dev/zero", "--out", fresh()]);
    expectRefusal(
      result,
      /cannot read experiment file "\/dev\/zero": it is a character device, not a regular file/,
    );
    expect(result.seconds).toBeLessThan(2);
  });

  it("refuses an experiment file over its byte budget, naming the budget", async () => {
    const file = join(root, "big.json");
    writeFileSync(
      file,
      `{"figure":"surface","function":"quadratic","title":"${"x".repeat(READ_BUDGETS.experiment)}"}`,
    );
    expectRefusal(
      await run(["experiment", file, "--out", fresh()]),
      /bytes, more than the 1048576-byte budget/,
    );
  });

  it("refuses a folder as an experiment file", async () => {
    expectRefusal(await run(["experiment", root, "--out", fresh()]), /it is a folder/);
  });

  it("accepts a UTF-8 byte-order mark at the start of an experiment file", async () => {
    const file = join(root, "bom.json");
    writeFileSync(
      file,
      `\ufeff${JSON.stringify({ figure: "gradient-field", function: "quadratic", arrows: 5 })}`,
    );
    const result = await run(["experiment", file, "--out", fresh()]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("shows an invisible character in a message by its code point", () => {
    expect(show("\ufeffadam")).toBe('"\\u{feff}adam"');
    expect(oneLine("a\u0007b\nc")).toBe("a\\u{7}b c");
  });

  it("refuses /dev/zero as a run-spec file and as data", async () => {
    expectRefusal(await run(["run-spec", "/dev/zero"]), /not a regular file/);
    expectRefusal(
      await run(["mnist", "--data", "/dev/zero", "--iterations", "1", "--out", fresh()]),
      /--data/,
    );
  });

  it("inflates gzip IDX data no further than its header announces (a gzip bomb is refused)", () => {
    const folder = fresh();
    mkdirSync(folder, { recursive: true });
    const header = encodeIdx([10, 28, 28], new Uint8Array(0)).subarray(0, 16);
    const bomb = gzipSync(Buffer.concat([header, Buffer.alloc(50 * 1024 * 1024)]));
    expect(bomb.length).toBeLessThan(100_000);
    writeFileSync(join(folder, "bomb.gz"), bomb);
    expect(() => readIdxBytes(join(folder, "bomb.gz"))).toThrow(
      /inflates to more than the 7856 bytes its IDX header announces/,
    );
    const huge = encodeIdx([70000, 1000, 1000], new Uint8Array(0)).subarray(0, 16);
    writeFileSync(join(folder, "huge.gz"), gzipSync(huge));
    expect(() => readIdxBytes(join(folder, "huge.gz"))).toThrow(
      /announces 70000000016 bytes, more than the 1073741824-byte budget/,
    );
    const good = encodeIdx([2, 2, 2], new Uint8Array(8).fill(3));
    writeFileSync(join(folder, "good.gz"), gzipSync(good));
    expect(Array.from(readIdxBytes(join(folder, "good.gz")))).toEqual(Array.from(good));
  });

  it("answers an IDX name that is a folder in one line", async () => {
    const folder = fresh();
    mkdirSync(join(folder, "train-images-idx3-ubyte"), { recursive: true });
    writeFileSync(join(folder, "train-labels-idx1-ubyte"), encodeIdx([1], new Uint8Array(1)));
    const result = await run(["mnist", "--data", folder, "--iterations", "1", "--out", fresh()]);
    expectRefusal(result, /cannot read IDX file ".*train-images-idx3-ubyte": it is a folder/);
  });
});

describe("formula budgets", () => {
  it("refuses 22 nested calls at once, naming the budget (toTex once took 9.8 s)", () => {
    const nested = `${"sin(".repeat(22)}x${")".repeat(22)}`;
    const started = performance.now();
    expect(() => parseFormula(nested)).toThrow(
      "formula: must nest at most 8 function calls inside one another, got 22",
    );
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("refuses a 150-level power tower (the playground tab crashed in KaTeX)", () => {
    expect(() => parseFormula(Array(150).fill("x").join("^"))).toThrow(
      "formula: must nest at most 40 levels deep (operators, calls and parentheses), got 150",
    );
  });

  it("builds LaTeX in linear time for the deepest formula allowed", () => {
    const nested = `${"cos(".repeat(8)}x${")".repeat(8)} + ${"(".repeat(20)}y${")".repeat(20)}`;
    const started = performance.now();
    const landscape = landscapeFromFormula(nested, { findMinima: false });
    expect(performance.now() - started).toBeLessThan(500);
    expect(landscape.latex.length).toBeLessThan(600);
    expect(landscape.latex).toContain("\\cos\\left(");
  });

  it("keeps mathjs's notation for plain formulas", () => {
    expect(landscapeFromFormula("x^2/20 + y^2", { findMinima: false }).latex).toBe(
      "f(x, y) = \\frac{{ x}^{2}}{20}+{ y}^{2}",
    );
    expect(landscapeFromFormula("sqrt(abs(x)) - pi*exp(-y)", { findMinima: false }).latex).toBe(
      "f(x, y) = \\sqrt{\\left| x\\right|}-\\pi\\cdot\\exp\\left(- y\\right)",
    );
  });

  it("renders the playground's formula with KaTeX, and over-long LaTeX as plain text", () => {
    const { document } = new JSDOM("<div id=f></div>").window;
    const element = document.getElementById("f") as unknown as HTMLElement;
    // KaTeX builds its nodes with the global document, as in the page.
    const global = globalThis as { document?: unknown };
    global.document = document;
    try {
      renderFormulaTex(landscapeFromFormula("sin(x)^2 + y", { findMinima: false }).latex, element);
      expect(element.querySelector(".katex")).not.toBeNull();
      const started = performance.now();
      renderFormulaTex(`{x}^{`.repeat(FORMULA_TEX_MAX_LENGTH), element);
      expect(performance.now() - started).toBeLessThan(100);
      expect(element.querySelector(".katex")).toBeNull();
      expect(element.textContent?.length).toBe(200);
    } finally {
      delete global.document;
    }
  });

  it("refuses the same formulas through the CLI in one line", async () => {
    expectRefusal(
      await run([
        "figure",
        "surface",
        "--function",
        `${"exp(".repeat(30)}x${")".repeat(30)}`,
        "--out",
        fresh(),
      ]),
      /must nest at most 8 function calls/,
    );
  });
});

describe("error lines are bounded", () => {
  it("formats a 100 000-deep array without overflowing the stack", () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(show(deep)).toBe("[[[[[…]]]]]");
  });

  it("cuts a 7 MB value to SHOW_MAX_LENGTH characters", () => {
    const text = show("x".repeat(7_000_000));
    expect(text.length).toBeLessThanOrEqual(SHOW_MAX_LENGTH);
    expect(text.endsWith('…"') || text.endsWith("…")).toBe(true);
  });

  it("answers a deeply nested experiment document in one line", async () => {
    const file = join(root, "deep.json");
    writeFileSync(file, `${"[".repeat(50_000)}${"]".repeat(50_000)}`);
    expectRefusal(await run(["experiment", file, "--out", fresh()]), /must be a JSON object/);
  });

  it("keeps a command line echo of a huge value short", async () => {
    const result = await run(["figure", "surface", "--steps", "9".repeat(100_000), "--out", fresh()]);
    expectRefusal(result, /--steps must be a whole number/);
  });
});

describe("optimizer specs at the boundary", () => {
  it.each([
    ["sgd:lr=0.1,lr=0.2", /hyperparameter "lr" is given twice/],
    ["sgd:constructor=1", /"constructor" is not a hyperparameter name/],
    ["sgd:toString=1", /"toString" is not a hyperparameter name/],
    ["sgd:__proto__=1", /"__proto__" is not a hyperparameter name/],
  ])("refuses %s in one line", async (spec, pattern) => {
    expectRefusal(await run(["figure", "trajectories", "--optimizer", spec, "--out", fresh()]), pattern);
    expectRefusal(await run(["mnist", "--optimizers", spec, "--out", fresh()]), pattern);
  });

  it("refuses __proto__ as a key of an experiment file's hp object", async () => {
    const file = join(root, "proto.json");
    writeFileSync(
      file,
      '{"figure":"trajectories","function":"quadratic","optimizers":[{"id":"sgd","hp":{"__proto__":1}}]}',
    );
    expectRefusal(
      await run(["experiment", file, "--out", fresh()]),
      /optimizers\[0\]\.hp: "__proto__" is not a hyperparameter name/,
    );
  });

  it("checks the base and the wrapper of cautious(…) separately", () => {
    expect(() => checkOptimizerSpecKeys("cautious(adam:lr=0.1):lr=0.2", "x")).not.toThrow();
    expect(() => checkOptimizerSpecKeys("cautious(adam:lr=0.1,lr=0.2)", "x")).toThrow(/given twice/);
  });
});

describe("numbers after flags", () => {
  it("reads a negative number after a numeric flag as its value and refuses it by the flag's rule", async () => {
    expectRefusal(
      await run(["figure", "surface", "--steps", "-3", "--out", fresh()]),
      /--steps must be a whole number ≥ 1, got "-3"/,
    );
    expectRefusal(
      await run(["mnist", "--iterations", "-5", "--out", fresh()]),
      /--iterations must be a whole number in \[1, 10000000\], got "-5"/,
    );
    expectRefusal(await run(["compare", "--seeds", "-1", "--plan"]), /--seeds must be a whole number/);
  });

  it("refuses positional arguments to mnist and --plan with --merge", async () => {
    expectRefusal(await run(["mnist", "extra"]), /expected no positional arguments, got \["extra"\]/);
    expectRefusal(await run(["compare", "--plan", "--merge", "x"]), /--plan and --merge exclude each other/);
  });
});

describe("replay budgets and values", () => {
  it("refuses an Infinity start (1e999 in JSON) naming the case", async () => {
    const file = join(root, "inf.json");
    writeFileSync(
      file,
      '{"cases":[{"id":"a","family":"optax","optimizer":"sgd","options":{},"function":"quadratic","start":[1e999,0],"steps":3}]}',
    );
    expectRefusal(
      await run(["replay", file]),
      /cases\[0\] \("a"\): start\[0\] must be a finite number, got Infinity/,
    );
  });

  it("refuses a small document that asks for more than the replay budget, before replaying", async () => {
    const file = join(root, "long.json");
    const cases = Array.from({ length: 3 }, (_, i) => ({
      id: `c${i}`,
      family: "optax",
      optimizer: "sgd",
      options: {},
      function: "quadratic50",
      steps: 30_000,
    }));
    writeFileSync(file, JSON.stringify({ cases }));
    const result = await run(["replay", file]);
    expectRefusal(
      result,
      /more than 2000000 numbers \(Σ \(steps\+1\)·dim over its cases\), the replay budget/,
    );
    expect(result.seconds).toBeLessThan(2);
  });
});

describe("figure budgets", () => {
  it("refuses many variants × long runs before computing (it once took 5 GB)", async () => {
    const variants = Array.from({ length: 10 }, (_, i) => ["--variant", `v${i}=sgd;adam;momentum`]).flat();
    const result = await run(["figure", "variants", ...variants, "--steps", "100000", "--out", fresh()]);
    expectRefusal(
      result,
      /runs must stay within the figure budget of 1000000 iterates \(30 runs × 100001 iterates\)/,
    );
    expect(result.seconds).toBeLessThan(2);
  });

  it("refuses more than 24 variant rows", async () => {
    const variants = Array.from({ length: 25 }, (_, i) => ["--variant", `v${i}=sgd`]).flat();
    expectRefusal(
      await run(["figure", "variants", ...variants, "--out", fresh()]),
      /variants must hold at most 24 rows, got 25/,
    );
  });

  it("refuses a surface whose window holds no finite value", async () => {
    expectRefusal(
      await run(["figure", "surface", "--function", "sqrt(-1 - x^2)", "--out", fresh()]),
      /surface: f is NaN or infinite at every point of the window/,
    );
  });

  it("draws a title with control characters (resvg refused the SVG)", async () => {
    const out = fresh();
    const result = await run(["figure", "gradient-field", "--title", "a\u0001b\u001bc", "--out", out]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(readFileSync(join(out, "gradient-field.svg"), "utf8")).toContain("a\ufffdb\ufffdc");
  });

  it("escapes what XML cannot hold and keeps astral characters", () => {
    expect(xmlText("a\u0000b\ud800c😀")).toBe("a\ufffdb\ufffdc😀");
    // linkedom leaves & bare in attribute values; character references stay as they are.
    expect(escapeBareAmpersands('<g aria-label="a&b &amp; &#38; &#x26; &lt;">x &amp; y</g>')).toBe(
      '<g aria-label="a&amp;b &amp; &#38; &#x26; &lt;">x &amp; y</g>',
    );
    expect(escapeXml("<\u0002>")).toBe("&lt;\ufffd&gt;");
  });

  it("writes an empty CSV cell where the JSON writes null", async () => {
    expect(csvWithEmptyNonFinite('a,NaN,"NaN",Infinity\n-Infinity,1e-3,x\n')).toBe('a,,"NaN",\n,1e-3,x\n');
    const out = fresh();
    const result = await run([
      "figure",
      "trajectories",
      "--function",
      "x^2 + y^2 + 1",
      "--window",
      "1,2,1,2",
      "--optimizer",
      "sgd:lr=0.1",
      "--steps",
      "3",
      "--out",
      out,
    ]);
    expect(result.code).toBe(0);
    const csv = readFileSync(join(out, "trajectories.csv"), "utf8");
    expect(csv).not.toMatch(/(^|,)NaN(,|$)/m);
  });
});

describe("training memory", () => {
  it("refuses --hidden 1e5,1e5 against the engine's memory, before training", async () => {
    const result = await run(["mnist", "--hidden", "1e5,1e5", "--iterations", "1", "--out", fresh()]);
    expectRefusal(
      result,
      /--hidden: 6 networks of 784-100000-100000-10 .* more than the 2\.0 GiB training-memory budget/,
    );
  });

  it("accepts the book's network with room to spare", () => {
    const config = {
      inputSize: 784,
      hiddenSizes: [100, 100, 100, 100],
      outputSize: 10,
      activation: "relu" as const,
      weightDecayLambda: 0,
    };
    expect(() => checkTrainingMemory(config, 6, 128, "wasm")).not.toThrow();
    expect(TRAINING_MEMORY_BUDGET).toBe(2 * 1024 ** 3);
  });
});

describe("run specs", () => {
  const spec = {
    kind: "mnist",
    id: "r1",
    data: "mnist",
    validation: 0,
    hidden: [8],
    optimizer: { id: "sgd", hp: { lr: 0.1 } },
    seed: 1,
    iterations: 2,
    batchSize: 4,
    evalEvery: 0,
    test: false,
    trainEval: 0,
    target: 0,
  };

  it("refuses unknown fields as experiment files do", async () => {
    const file = join(root, "unknown.jsonl");
    writeFileSync(file, `${JSON.stringify({ ...spec, iteratons: 5 })}\n`);
    expectRefusal(
      await run(["run-spec", file, "--workers", "0"]),
      /:1: run spec: unknown field "iteratons"; did you mean "iterations"\?/,
    );
  });

  it("checks the data set in the main thread before any worker starts", async () => {
    const file = join(root, "nodata.jsonl");
    writeFileSync(file, `${JSON.stringify({ ...spec, data: join(root, "no-such-folder") })}\n`);
    expectRefusal(
      await run(["run-spec", file, "--workers", "1"]),
      /:1: data must be a folder of IDX files or one of mnist, fashion-mnist/,
    );
  });

  it("refuses a network too large for the training memory", async () => {
    const file = join(root, "huge.jsonl");
    writeFileSync(file, `${JSON.stringify({ ...spec, hidden: Array(16).fill(4096) })}\n`);
    expectRefusal(await run(["run-spec", file, "--workers", "0"]), /training-memory budget/);
  });
});
