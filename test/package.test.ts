import { execFileSync } from "node:child_process";
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
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The npm package as a user gets it: `npm pack`, the tarball unpacked into a fresh project's node_modules (what
// `npm install optlab-0.1.0.tgz` does, without the network: the package's declared dependencies are linked from
// this checkout's node_modules, so an undeclared import fails here as it would for a user), a strict TypeScript
// consumer type-checked against the shipped declarations and run, and the installed `optlab --help`.

const ROOT = resolve(import.meta.dirname, "..");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
};

let work: string;
let app: string;
let files: string[] = [];

const CONSUMER = `import { createOptimizer, getLandscape, parseExperiment, runExperiment, runTrajectory } from "optlab";
import type { Optimizer, Trajectory } from "optlab";
import { createNetworkEntry, groupsOfSpec } from "optlab/lab";
import { networkLayout } from "optlab/nn";
import { type GroupsSpec, isParameterGroups, type ParameterGroupsOptimizer, parseGroupsSpec } from "optlab/optim";
import { renderFigure } from "optlab/plot";
import { createDocument, svgToPng } from "optlab/report";

const optimizer: Optimizer = createOptimizer("adam:lr=0.3");
const landscape = getLandscape("quadratic");
const trajectory: Trajectory = runTrajectory({ optimizer, landscape, start: [-7, 2], steps: 30 });
const run = runExperiment(
  parseExperiment({ figure: "trajectories", function: "quadratic", optimizers: ["sgd:lr=0.95", "adam:lr=0.3"] }, "consumer"),
);
const figure = renderFigure(run, createDocument());
const png: Uint8Array = svgToPng(figure.svg);
const last = trajectory.loss[trajectory.stepsRun];
const spec: GroupsSpec = parseGroupsSpec("hidden=muon:lr=0.02 | rest=adamw:lr=1e-3");
const layout = networkLayout({ inputSize: 784, hiddenSizes: [100, 100], outputSize: 10, activation: "relu", weightDecayLambda: 0 });
const entry = createNetworkEntry("muon @ warmup-cosine:warmup=2", layout, 10);
const grouped: ParameterGroupsOptimizer | null = isParameterGroups(entry.optimizer) ? entry.optimizer : null;
const groups = {
  roles: spec.entries.map((e) => e.roles.join(",")),
  recipe: groupsOfSpec("muon"),
  parts: grouped?.parts.map((p) => \`\${p.slot.name}=\${p.optimizer.id}\`),
  schedule: entry.schedule !== null,
};
console.log(JSON.stringify({ steps: trajectory.stepsRun, last, svg: figure.svg.startsWith("<svg"), png: png.length, groups }));
`;

describe("the npm package", () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "optlab-package-"));
    // The build is what `npm test` made a moment ago (and `npm ci` through `prepare`); pack it as it is.
    if (!existsSync(join(ROOT, "build", "src", "index.d.ts")))
      execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT });
    const packed = JSON.parse(
      execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], {
        cwd: ROOT,
        encoding: "utf8",
      }),
    ) as { filename: string; files: { path: string }[] }[];
    files = packed[0].files.map((f) => f.path);
    app = join(work, "app");
    const target = join(app, "node_modules", manifest.name);
    mkdirSync(target, { recursive: true });
    execFileSync("tar", ["-xzf", join(work, packed[0].filename), "-C", target, "--strip-components=1"]);
    for (const dependency of [...Object.keys(manifest.dependencies), "@types/node"]) {
      const link = join(app, "node_modules", dependency);
      mkdirSync(resolve(link, ".."), { recursive: true });
      symlinkSync(join(ROOT, "node_modules", dependency), link, "dir");
    }
    writeFileSync(
      join(app, "package.json"),
      `${JSON.stringify({ name: "consumer", private: true, type: "module" })}\n`,
    );
    writeFileSync(
      join(app, "tsconfig.json"),
      `${JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2022", "DOM"],
          types: ["node"],
          strict: true,
          skipLibCheck: false,
          outDir: "out",
        },
        files: ["consumer.ts"],
      })}\n`,
    );
    writeFileSync(join(app, "consumer.ts"), CONSUMER);
  }, 120_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("ships what a user runs and no tests, sources, web or fixtures", () => {
    for (const needed of [
      "package.json",
      "README.md",
      "LICENSE",
      "bin/optlab.js",
      "build/src/index.js",
      "build/src/index.d.ts",
      "build/src/optim/index.d.ts",
      "build/src/plot/index.d.ts",
      "build/src/report/index.d.ts",
      "build/src/run/mnist-worker.js",
      "build/wasm/kernels.wasm",
      "experiments/trajectories.json",
    ])
      expect(files, needed).toContain(needed);
    expect(files.some((f) => f.startsWith("assets/fonts/"))).toBe(true);
    const stray = files.filter(
      (f) =>
        /^(test|web|src|wasm|scripts|bench|build\/bench)\//.test(f) ||
        (f.endsWith(".ts") && !f.endsWith(".d.ts")),
    );
    expect(stray).toEqual([]);
  });

  it("type-checks a strict consumer against the shipped declarations and runs it", () => {
    execFileSync(process.execPath, [TSC, "-p", app], { cwd: app, encoding: "utf8" });
    const output = execFileSync(process.execPath, [join(app, "out", "consumer.js")], {
      cwd: app,
      encoding: "utf8",
    });
    const result = JSON.parse(output) as {
      steps: number;
      last: number;
      svg: boolean;
      png: number;
      groups: { roles: string[]; recipe: string; parts: string[]; schedule: boolean };
    };
    // Parameter groups through the index files: the spec parser and composite (optlab/optim), the network's
    // entry and Muon's default recipe (optlab/lab).
    expect(result.groups).toEqual({
      roles: ["hidden", "rest"],
      recipe: "hidden=muon | rest=adamw:lr=1e-3",
      parts: ["W1=adamw", "b1=adamw", "W2=muon", "b2=adamw", "W3=adamw", "b3=adamw"],
      schedule: true,
    });
    expect(result.steps).toBe(30);
    expect(result.last).toBeLessThan(1);
    expect(result.svg).toBe(true);
    expect(result.png).toBeGreaterThan(1000);
  }, 60_000);

  it("refuses a consumer that misuses the typed API", () => {
    writeFileSync(join(app, "wrong.ts"), `import { createOptimizer } from "optlab";\ncreateOptimizer(42);\n`);
    let message = "";
    try {
      execFileSync(
        process.execPath,
        [
          TSC,
          "--noEmit",
          "--strict",
          "--module",
          "NodeNext",
          "--moduleResolution",
          "NodeNext",
          "--skipLibCheck",
          "--types",
          "node",
          "--lib",
          "ES2022,DOM",
          join(app, "wrong.ts"),
        ],
        { cwd: app, encoding: "utf8" },
      );
    } catch (error) {
      message = String((error as { stdout?: string }).stdout);
    }
    expect(message).toMatch(/TS2345/);
  }, 60_000);

  it("installs a working optlab command", () => {
    const help = execFileSync(
      process.execPath,
      [join(app, "node_modules", manifest.name, "bin", "optlab.js"), "--help"],
      {
        cwd: app,
        encoding: "utf8",
      },
    );
    expect(help).toMatch(/^optlab — compare gradient-descent optimizers/);
    expect(help).toMatch(/\breplay\b/);
  });

  it("builds the API documentation from the doc comments (TypeDoc, npm run docs)", () => {
    const out = join(work, "docs");
    execFileSync(join(ROOT, "node_modules", ".bin", "typedoc"), ["--out", out, "--logLevel", "Error"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    const index = readFileSync(join(out, "index.html"), "utf8");
    expect(index).toContain("optlab");
    expect(existsSync(join(out, "functions"))).toBe(true);
    const page = readdirSync(join(out, "functions")).find((name) => name.endsWith("createOptimizer.html"));
    expect(page).toBeDefined();
    const optimizer = readFileSync(join(out, "functions", page as string), "utf8");
    expect(optimizer).toContain("torch.optim.Adam");
  }, 120_000);
});
