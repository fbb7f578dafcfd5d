import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { TrainingProgress } from "../src/cli/progress.js";
import { encodeIdx } from "../src/data/idx.js";
import { splitOptimizerList } from "../src/optim/index.js";

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "optlab-mnist-"));
  folders.push(folder);
  return folder;
}

function capture(interruptAt?: string) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: (text: string) => {
        if (interruptAt !== undefined && text.includes(interruptAt)) throw new Error("interrupted");
        out.push(text);
      },
      stderr: (text: string) => err.push(text),
    },
  };
}

const SMALL_RUN = [
  "--optimizers",
  "sgd,adam:lr=0.002",
  "--iterations",
  "1200",
  "--batch-size",
  "32",
  "--hidden",
  "24",
];

describe("optlab mnist", () => {
  it("splits an optimizer list whose specs carry hyperparameters", () => {
    expect(splitOptimizerList("sgd,momentum,adagrad,adam")).toEqual(["sgd", "momentum", "adagrad", "adam"]);
    expect(splitOptimizerList("adam:lr=0.001,beta1=0.8,sgd")).toEqual(["adam:lr=0.001,beta1=0.8", "sgd"]);
    expect(splitOptimizerList("torch-adam:betas=[0.9,0.99],sgd:lr=0.1")).toEqual([
      "torch-adam:betas=[0.9,0.99]",
      "sgd:lr=0.1",
    ]);
  });

  it("draws a progress bar with iterations, ETA and losses on a terminal, the seed's lines otherwise", () => {
    const terminal = capture();
    const bar = new TrainingProgress(terminal.io, true, ["sgd", "adam"], 200, "");
    bar.update(200, Float64Array.of(0.5, 0.25));
    const text = terminal.out.join("");
    expect(text.startsWith("\r\u001b[2K")).toBe(true);
    expect(text.slice(5)).toMatch(/^█{24} 200\/200 ETA \d+s {2}sgd 0\.500 {2}adam 0\.250\n$/);
    const plain = capture();
    const lines = new TrainingProgress(plain.io, false, ["sgd", "adam"], 200, "");
    for (let update = 1; update <= 200; update++) lines.update(update, Float64Array.of(update, 2 * update));
    expect(plain.out.join("")).toBe(
      "===========iteration:0===========\nsgd:1\nadam:2\n===========iteration:100===========\nsgd:101\nadam:202\n",
    );
  });

  it("prints the seed's loss lines, writes results, curves and summary", async () => {
    const out = tempFolder();
    const { io, out: lines } = capture();
    const code = await main(["mnist", ...SMALL_RUN, "--eval-every", "400", "--out", out], io);
    expect(code).toBe(0);
    const text = lines.join("");
    expect(text).toContain("===========iteration:0===========\nsgd:");
    expect(text).toContain("===========iteration:1100===========");
    expect(text).toMatch(/adam:lr=0\.002 +\d\.\d{4} +\d\.\d{4} +\d\.\d{4} +\d+\.\d{2}/);
    const results = readFileSync(join(out, "mnist-results.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(results[0].type).toBe("run");
    expect(
      results
        .filter((r) => r.type === "eval")
        .map((r) => r.iteration)
        .sort((a, b) => a - b),
    ).toEqual([0, 0, 400, 400, 800, 800, 1200, 1200]);
    const summary = JSON.parse(readFileSync(join(out, "mnist-summary.json"), "utf8"));
    expect(summary.summary[1].testAccuracy.median).toBeGreaterThan(0.8);
    const csv = readFileSync(join(out, "mnist-curves.csv"), "utf8").trim().split("\n");
    expect(csv.length).toBe(1201);
    expect(existsSync(join(out, "mnist-checkpoint.bin"))).toBe(false);
    for (const name of ["mnist-loss", "mnist-accuracy"]) {
      const svg = readFileSync(join(out, `${name}.svg`), "utf8");
      expect(svg).toContain("784-24-10 relu, batch 32 drawn at random, 1200 iterations, seed 1");
      const png = readFileSync(join(out, `${name}.png`));
      expect(Array.from(png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
      expect(png.readUInt32BE(16)).toBeGreaterThan(600);
    }
  });

  it("gives the same numbers with one worker thread and with two", async () => {
    const one = tempFolder();
    const two = tempFolder();
    const args = [
      "--optimizers",
      "sgd,momentum,adam",
      "--iterations",
      "120",
      "--batch-size",
      "16",
      "--hidden",
      "12",
      "--eval-every",
      "60",
    ];
    expect(await main(["mnist", ...args, "--workers", "1", "--out", one], capture().io)).toBe(0);
    const { io, out: lines } = capture();
    expect(await main(["mnist", ...args, "--workers", "2", "--out", two], io)).toBe(0);
    expect(lines.join("")).toContain("× 2 workers");
    const read = (dir: string) =>
      readFileSync(join(dir, "mnist-results.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line))
        .filter((line) => line.type !== "seed-done")
        .map((line) => JSON.stringify(line))
        .sort();
    expect(read(two)).toEqual(read(one));
  });

  it("resumes an interrupted run and ends with the same numbers as an uninterrupted one", async () => {
    const whole = tempFolder();
    expect(await main(["mnist", ...SMALL_RUN, "--eval-every", "300", "--out", whole], capture().io)).toBe(0);
    const broken = tempFolder();
    // The run dies while printing iteration 700: the checkpoint after update 500 survives.
    await expect(
      main(["mnist", ...SMALL_RUN, "--eval-every", "300", "--out", broken], capture("iteration:700").io),
    ).rejects.toThrow("interrupted");
    expect(existsSync(join(broken, "mnist-checkpoint.bin"))).toBe(true);
    const resumed = capture();
    expect(
      await main(["mnist", ...SMALL_RUN, "--eval-every", "300", "--out", broken, "--resume"], resumed.io),
    ).toBe(0);
    expect(resumed.out.join("")).toContain("resuming seed 1 after update 500");
    const strip = (path: string) =>
      readFileSync(path, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line))
        .filter((line) => line.type !== "seed-done");
    const sortKey = (l: { type: string; optimizer?: string; iteration?: number; from?: number }) =>
      `${l.type}/${l.optimizer}/${String(l.iteration ?? l.from).padStart(6, "0")}`;
    const a = strip(join(whole, "mnist-results.jsonl")).sort((x, y) => sortKey(x).localeCompare(sortKey(y)));
    const b = strip(join(broken, "mnist-results.jsonl")).sort((x, y) => sortKey(x).localeCompare(sortKey(y)));
    expect(b).toEqual(a);
  });

  it("runs several seeds and reports median and range", async () => {
    const out = tempFolder();
    const { io, out: lines } = capture();
    const args = [
      "--optimizers",
      "sgd",
      "--iterations",
      "50",
      "--batch-size",
      "16",
      "--hidden",
      "16",
      "--eval-every",
      "50",
    ];
    expect(await main(["mnist", ...args, "--seeds", "3", "--seed", "4", "--out", out], io)).toBe(0);
    expect(lines.join("")).toContain("(median [min, max] over seeds)");
    const summary = JSON.parse(readFileSync(join(out, "mnist-summary.json"), "utf8"));
    expect(summary.settings.seeds).toEqual([4, 5, 6]);
    expect(summary.summary[0].seeds).toBe(3);
  });

  it("refuses bad flags with one line and exit code 2", async () => {
    const cases: [string[], string][] = [
      [["--optimizers", "adma"], 'optlab mnist: unknown optimizer "adma"; did you mean "adam"?'],
      [["--iterations", "0"], 'optlab mnist: --iterations must be a whole number in [1, 10000000], got "0"'],
      [["--activation", "tanh"], 'optlab mnist: --activation must be relu or sigmoid, got "tanh"'],
      [["--engine", "gpu"], 'optlab mnist: --engine must be auto, wasm or reference, got "gpu"'],
      [
        ["--data", "/nonexistent/x"],
        'optlab mnist: --data must be a folder of IDX files or one of mnist, fashion-mnist, got "/nonexistent/x"',
      ],
      [["--optimizers", "sgd,sgd"], "optlab mnist: --optimizers must not list the same optimizer twice"],
      [
        ["--hidden", "100,x"],
        'optlab mnist: --hidden must be comma-separated whole numbers in [1, 100000], got "100,x"',
      ],
    ];
    for (const [args, message] of cases) {
      const { io, err } = capture();
      expect(await main(["mnist", ...args, "--out", tempFolder()], io)).toBe(2);
      expect(err.join("")).toContain(message);
      expect(err.join("").trim().split("\n").length).toBe(1);
    }
  });

  it("trains on a folder of IDX files, and refuses a damaged one before training", async () => {
    const data = tempFolder();
    // 3×3 images: class c lights pixel c (of the first 3), so the task is learnable.
    const write = (prefix: string, count: number) => {
      const images = new Uint8Array(count * 9);
      const labels = Uint8Array.from({ length: count }, (_, i) => i % 3);
      labels.forEach((label, i) => {
        images[i * 9 + label] = 255;
        images[i * 9 + 8] = (i * 37) % 256;
      });
      writeFileSync(join(data, `${prefix}-images-idx3-ubyte`), encodeIdx([count, 3, 3], images));
      writeFileSync(join(data, `${prefix}-labels-idx1-ubyte`), encodeIdx([count], labels));
    };
    write("train", 60);
    write("t10k", 12);
    const out = tempFolder();
    const run = capture();
    const args = [
      "--optimizers",
      "adam:lr=0.05",
      "--iterations",
      "100",
      "--batch-size",
      "8",
      "--hidden",
      "8",
      "--eval-every",
      "50",
    ];
    expect(await main(["mnist", ...args, "--data", data, "--out", out], run.io)).toBe(0);
    expect(run.out.join("")).toContain("60 training and 12 test images");
    const summary = JSON.parse(readFileSync(join(out, "mnist-summary.json"), "utf8"));
    expect(summary.summary[0].testAccuracy.median).toBe(1);
    // Cut the test labels short: refused, naming the file, and nothing is written.
    const labels = join(data, "t10k-labels-idx1-ubyte");
    writeFileSync(labels, readFileSync(labels).subarray(0, 15));
    const broken = capture();
    const out2 = tempFolder();
    expect(await main(["mnist", ...args, "--data", data, "--out", out2], broken.io)).toBe(2);
    expect(broken.err.join("")).toBe(
      `optlab mnist: ${labels}: truncated: header announces 12 bytes of data, found 7\n`,
    );
    expect(existsSync(join(out2, "mnist-results.jsonl"))).toBe(false);
  });

  it("refuses to resume a run made with other settings", async () => {
    const out = tempFolder();
    const args = [
      "--optimizers",
      "sgd",
      "--iterations",
      "20",
      "--batch-size",
      "8",
      "--hidden",
      "8",
      "--eval-every",
      "0",
    ];
    expect(await main(["mnist", ...args, "--out", out], capture().io)).toBe(0);
    const { io, err } = capture();
    expect(await main(["mnist", ...args, "--iterations", "30", "--out", out, "--resume"], io)).toBe(2);
    expect(err.join("")).toContain("--resume: ");
    expect(err.join("")).toContain("was made with other settings (iterations 20 there, 30 now)");
  });
});
