import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { checkClaims, writeReport } from "../src/report/index.js";
import { chromiumPath } from "../src/run/index.js";

const root = mkdtempSync(join(tmpdir(), "optlab-all-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const EXPECTED_IDS = [
  "surface",
  "gradient-field",
  "trajectories",
  "trajectories-6",
  "lr-0.01",
  "lr-11",
  "lr-tuned",
  "momentum-vs-nesterov",
  "adagrad-vs-rmsprop",
  "book-vs-torch",
  "losses",
  "timing",
  "metrics",
  "mnist",
  "remedies",
  "report",
];

describe("optlab all (npm start), end to end", () => {
  const out = join(root, "out");
  let stdout = "";
  let code = -1;
  beforeAll(async () => {
    code = await main(["all", "--quick", "--out", out], {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stdout += t),
    });
  }, 120_000);

  it("exits 0 and prints where the output went", () => {
    expect(code).toBe(0);
    expect(stdout).toContain(join(out, "index.html"));
  });

  it("lists every figure of the issue in manifest.json, each with files that exist", () => {
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.figures.map((f: { id: string }) => f.id)).toEqual(EXPECTED_IDS);
    for (const figure of manifest.figures) {
      expect(figure.title.length).toBeGreaterThan(10);
      expect(figure.files.length).toBeGreaterThan(0);
      for (const file of figure.files) expect(existsSync(join(out, file)), file).toBe(true);
    }
  });

  it("writes SVG and PNG for every figure, PNGs that decode, are not blank and match the SVG's size", () => {
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    for (const { id, files } of manifest.figures) {
      if (id === "metrics" || id === "report") continue;
      const svgName = files.find((f: string) => f.endsWith(".svg")) as string;
      expect(svgName, id).toBeDefined();
      const svg = readFileSync(join(out, svgName), "utf8");
      expect(svg, id).not.toMatch(/NaN|Infinity|\de[+-]\d{3}/);
      const png = PNG.sync.read(readFileSync(join(out, svgName.replace(/\.svg$/, ".png"))));
      expect(png.width).toBe(2 * Number(/width="(\d+)"/.exec(svg)?.[1]));
      let ink = 0;
      for (let i = 0; i < png.data.length; i += 4)
        if (png.data[i] < 200 || png.data[i + 1] < 200 || png.data[i + 2] < 200) ink++;
      expect(ink / (png.width * png.height), id).toBeGreaterThan(0.01);
    }
  });

  it("states the settings in the titles and marks the divergence of learning rate 11", () => {
    const svg = readFileSync(join(out, "lr-11.svg"), "utf8");
    expect(svg).toContain("30 steps from (−7, 2)");
    expect(svg).toContain("sgd: lr=11");
    expect(svg).toMatch(/diverged at step \d+/);
  });

  it("writes the timing table with one row per optimizer and the metrics of every trajectory", () => {
    const timing = readFileSync(join(out, "timing.csv"), "utf8").trim().split("\n");
    expect(timing).toHaveLength(1 + 6);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    // 4 tuned + Nesterov + RMSprop + 4 at lr 0.01 + 4 at lr 11 + the comparisons' extra runs.
    expect(metrics.length).toBeGreaterThanOrEqual(14);
    const sgd = metrics.find((m: { settings: string }) => m.settings === "sgd: lr=0.95");
    expect(sgd.figures).toEqual(
      expect.arrayContaining(["trajectories", "trajectories-6", "lr-tuned", "losses"]),
    );
  });

  it("gives every figure a two-line 'how to read this' guide, in the manifest and on the page", () => {
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    const html = readFileSync(join(out, "index.html"), "utf8");
    for (const { id, files, howToRead } of manifest.figures) {
      const pngs = files.filter((f: string) => f.endsWith(".png"));
      expect(howToRead, id).toHaveLength(pngs.length);
      for (const text of howToRead) expect(text.split("\n"), id).toHaveLength(2);
    }
    expect(html.match(/How to read this:/g)?.length).toBeGreaterThanOrEqual(15);
  });

  it("answers every item of the homework, in its order, in report.md, report.json and index.html", () => {
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.entries.map((e: { id: string }) => e.id)).toEqual([
      "1",
      "2",
      "3",
      "4.1",
      "4.2",
      "4.3",
      "4.4",
      "4.5",
      "5",
      "6",
      "7",
      "8",
    ]);
    for (const entry of report.entries) {
      expect(Object.keys(entry)).toEqual([
        "id",
        "question",
        "answer",
        "definitions",
        "figures",
        "numbers",
        "claims",
      ]);
      expect(entry.answer.length, entry.id).toBeGreaterThan(100);
    }
    const markdown = readFileSync(join(out, "report.md"), "utf8");
    expect(markdown).toContain("## 8. MNIST");
    expect(markdown).toContain("Reproduce: `npm start");
    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html).toContain('id="item-4.3"');
  });

  it("makes no claim that a number of the same report contradicts (report.json, read back from disk)", () => {
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    const claims = report.entries.flatMap((e: { claims: unknown[] }) => e.claims);
    expect(claims.length).toBeGreaterThan(30);
    expect(checkClaims(report.entries)).toEqual([]);
    // Tamper with one number behind a claim: the check must notice.
    const entry = report.entries.find((e: { id: string }) => e.id === "4.2");
    entry.numbers.runs.momentum.finalLoss = entry.numbers.runs.sgd.finalLoss / 2;
    expect(checkClaims(report.entries).join("\n")).toMatch(/4\.2: .* says higher, its numbers say lower/);
  });

  it("shows each figure once, full width, and refers back to it by number", () => {
    const html = readFileSync(join(out, "index.html"), "utf8");
    for (const id of ["trajectories", "surface", "mnist-loss", "timing"]) {
      expect(html.split(`<img src="${id}.png"`).length - 1, id).toBe(1);
    }
    expect(html).toMatch(/See <a href="#fig-trajectories">Figure 3<\/a> above/);
    expect(html).toContain("figure img { width: 100%;");
  });

  it("prints report.pdf through Chromium, or says in the page why not", () => {
    const html = readFileSync(join(out, "index.html"), "utf8");
    if (chromiumPath() === null) {
      expect(html).toContain("No report.pdf: Chromium is not installed");
      return;
    }
    const pdf = readFileSync(join(out, "report.pdf"));
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.length).toBeGreaterThan(50_000);
    expect(html).toContain("A printable copy of this page: report.pdf");
  });

  it("prints one line per stage and only paths that exist at the end", () => {
    expect(stdout).not.toMatch(/partial/);
    expect(stdout).not.toMatch(/===========iteration/);
    for (const path of stdout.matchAll(/^ {2}(?:open|manifest) (\S+)$/gm))
      expect(existsSync(path[1])).toBe(true);
    expect(stdout).toMatch(/mnist: seed 1 done \(1\/2\)/);
  });

  it("writes an index.html that shows every figure", () => {
    const html = readFileSync(join(out, "index.html"), "utf8");
    for (const id of EXPECTED_IDS.filter((id) => !["metrics", "report", "mnist", "remedies"].includes(id))) {
      expect(html).toContain(`src="${id}.png"`);
    }
    expect(html).toContain(`src="mnist-loss.png"`);
    expect(html).toContain("<table>");
  });
});

describe("optlab all on failure", () => {
  it("leaves the output folder as it was and no partial folder behind", async () => {
    const out = join(root, "kept");
    mkdirSync(out);
    writeFileSync(join(out, "mine.txt"), "keep me");
    const failing = [
      { id: "one", build: () => ({ id: "one", title: "one", caption: "", files: [] }) },
      {
        id: "two",
        build: () => {
          throw new Error("boom");
        },
      },
    ];
    await expect(writeReport(out, undefined, failing)).rejects.toThrow("boom");
    expect(readdirSync(out)).toEqual(["mine.txt"]);
    expect(readdirSync(root).filter((name) => name.includes("partial"))).toEqual([]);
  });

  it("answers a positional argument with one line and exit 2", async () => {
    let stderr = "";
    const code = await main(["all", "extra"], { stdout: () => {}, stderr: (t) => void (stderr += t) });
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('optlab all: expected no positional arguments, got ["extra"]');
  });
});
