import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";

const root = mkdtempSync(join(tmpdir(), "optlab-figure-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

let folders = 0;
const freshFolder = () => join(root, `out-${++folders}`);
const filesIn = (folder: string) => (existsSync(folder) ? readdirSync(folder) : []);

describe("optlab figure", () => {
  it("writes SVG, PNG, JSON and CSV for a trajectories figure from flags", async () => {
    const out = freshFolder();
    const { code, stdout } = await run([
      "figure",
      "trajectories",
      "--function",
      "quadratic",
      "--start",
      "-7,2",
      "--steps",
      "10",
      "--optimizer",
      "sgd:lr=0.95",
      "--optimizer",
      "torch.optim.Adam:lr=0.3",
      "--mask-above",
      "7",
      "--out",
      out,
    ]);
    expect(code).toBe(0);
    expect(filesIn(out).sort()).toEqual([
      "trajectories.csv",
      "trajectories.json",
      "trajectories.png",
      "trajectories.svg",
    ]);
    expect(stdout).toContain(join(out, "trajectories.svg"));
    const svg = readFileSync(join(out, "trajectories.svg"), "utf8");
    expect(svg).toContain("10 steps from (−7, 2)");
    expect(svg).toContain("sgd: lr=0.95");
    expect(svg).toContain("torch-adam: lr=0.3");
    const data = JSON.parse(readFileSync(join(out, "trajectories.json"), "utf8"));
    expect(data.runs.map((r: { optimizer: string }) => r.optimizer)).toEqual(["sgd", "torch-adam"]);
    expect(data.runs[0].points).toHaveLength(11);
    const csv = readFileSync(join(out, "trajectories.csv"), "utf8").trim().split("\n");
    expect(csv).toHaveLength(1 + 2 * 11);
    const png = PNG.sync.read(readFileSync(join(out, "trajectories.png")));
    expect(png.width).toBeGreaterThan(500);
  });

  it("draws a formula's gradient field and a surface", async () => {
    const out = freshFolder();
    expect((await run(["figure", "gradient-field", "--function", "x^2 + 3*y^2", "--out", out])).code).toBe(0);
    expect((await run(["figure", "surface", "--function", "rosenbrock", "--out", out])).code).toBe(0);
    expect(filesIn(out).sort()).toEqual([
      "gradient-field.csv",
      "gradient-field.json",
      "gradient-field.png",
      "gradient-field.svg",
      "surface.json",
      "surface.png",
      "surface.svg",
    ]);
  });

  it("draws hyperparameter variants side by side", async () => {
    const out = freshFolder();
    const { code } = await run([
      "figure",
      "variants",
      "--variant",
      "lr 0.01=sgd:lr=0.01;adam:lr=0.01",
      "--variant",
      "tuned=sgd:lr=0.95;adam:lr=0.3",
      "--steps",
      "5",
      "--id",
      "lr-variants",
      "--out",
      out,
    ]);
    expect(code).toBe(0);
    const svg = readFileSync(join(out, "lr-variants.svg"), "utf8");
    expect(svg).toContain("lr 0.01: SGD (book) lr=0.01");
    expect(svg).toContain("tuned: Adam (book) lr=0.3");
  });

  const bad: [string, string[], RegExp][] = [
    [
      "an unknown figure",
      ["figure", "trajectory"],
      /^optlab figure: unknown figure "trajectory"; did you mean "trajectories"\?/,
    ],
    [
      "an unknown function",
      ["figure", "losses", "--function", "rosenbrok", "--optimizer", "sgd"],
      /^optlab figure: unknown landscape "rosenbrok"; did you mean "rosenbrock"\?/,
    ],
    [
      "an unknown optimizer",
      ["figure", "losses", "--optimizer", "adma:lr=0.3"],
      /^optlab figure: unknown optimizer "adma"; did you mean "adam"\?/,
    ],
    [
      "a malformed start",
      ["figure", "losses", "--optimizer", "sgd", "--start", "1;2"],
      /^optlab figure: --start must be 2 numbers x,y, got "1;2"$/,
    ],
    [
      "zero steps",
      ["figure", "losses", "--optimizer", "sgd", "--steps", "0"],
      /^optlab figure: --steps must be a whole number ≥ 1, got "0"$/,
    ],
    [
      "negative steps",
      ["figure", "losses", "--optimizer", "sgd", "--steps=-3"],
      /^optlab figure: --steps must be a whole number ≥ 1, got "-3"$/,
    ],
    [
      "a bad hyperparameter",
      ["figure", "losses", "--optimizer", "adam:beta1=1"],
      /^optlab figure: adam: beta1 must be in \[0, 1\)/,
    ],
    [
      "no optimizer",
      ["figure", "losses"],
      /^optlab figure: the losses figure needs at least one --optimizer, e\.g\. --optimizer sgd:lr=0\.95$/,
    ],
    [
      "a malformed window",
      ["figure", "surface", "--window", "1,2,3"],
      /^optlab figure: --window must be 4 numbers x0,x1,y0,y1, got "1,2,3"$/,
    ],
    [
      "an empty window",
      ["figure", "surface", "--window", "2,1,0,1"],
      /^optlab figure: window\.x must be \[low, high\] with low < high, got \[2,1\]$/,
    ],
    [
      "an unknown flag",
      ["figure", "losses", "--optimiser", "sgd"],
      /^optlab figure: Unknown option '--optimiser'/,
    ],
  ];
  for (const [what, argv, message] of bad) {
    it(`answers ${what} with one line and exit 2, writing nothing`, async () => {
      const out = freshFolder();
      const { code, stderr } = await run([...argv, "--out", out]);
      expect(code).toBe(2);
      expect(stderr.trim()).toMatch(message);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(filesIn(out)).toEqual([]);
    });
  }
});

describe("optlab experiment", () => {
  it("draws the figure an experiment file describes", async () => {
    const out = freshFolder();
    const file = join(root, "sgd.json");
    writeFileSync(
      file,
      JSON.stringify({
        figure: "losses",
        id: "sgd-losses",
        function: "quadratic",
        steps: 12,
        optimizers: ["sgd:lr=0.95"],
      }),
    );
    const { code } = await run(["experiment", file, "--out", out]);
    expect(code).toBe(0);
    expect(filesIn(out).sort()).toEqual([
      "sgd-losses.csv",
      "sgd-losses.json",
      "sgd-losses.png",
      "sgd-losses.svg",
    ]);
  });

  it("draws optimizer paths on the 3D surface when asked", async () => {
    const out = freshFolder();
    const file = join(root, "surface.json");
    const document = {
      figure: "surface",
      function: "quadratic",
      steps: 10,
      optimizers: ["sgd:lr=0.95", "adam:lr=0.3"],
      surface: { n: 30, trajectories: true },
    };
    writeFileSync(file, JSON.stringify(document));
    expect((await run(["experiment", file, "--out", out])).code).toBe(0);
    const svg = readFileSync(join(out, "surface.svg"), "utf8");
    expect(svg).toContain("30 × 30 grid");
    expect(svg).toContain("Adam (book) lr=0.3");
    expect(JSON.parse(readFileSync(join(out, "surface.json"), "utf8")).runs).toHaveLength(2);
  });

  const badFiles: [string, string | null, RegExp][] = [
    [
      "a missing file",
      null,
      /^optlab experiment: cannot read experiment file ".*missing\.json": no such file$/,
    ],
    [
      "a file that is not JSON",
      "{ figure: trajectories",
      /^optlab experiment: experiment file ".*" is not valid JSON: /,
    ],
    [
      "an invalid experiment",
      JSON.stringify({ figure: "losses", function: "quadratic", optimizers: ["sgd"], steps: -1 }),
      /^optlab experiment: bad-\d+\.json: steps must be a whole number in \[1, 100000\], got -1$/,
    ],
  ];
  let n = 0;
  for (const [what, content, message] of badFiles) {
    it(`answers ${what} with one line and exit 2, writing nothing`, async () => {
      const out = freshFolder();
      const file = join(root, content === null ? "missing.json" : `bad-${++n}.json`);
      if (content !== null) writeFileSync(file, content);
      const { code, stderr } = await run(["experiment", file, "--out", out]);
      expect(code).toBe(2);
      expect(stderr.trim()).toMatch(message);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(filesIn(out)).toEqual([]);
    });
  }
});
