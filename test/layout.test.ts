import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// The house's floors, read from the imports themselves: a test fails when someone breaks the layout.
//   util → optim, landscapes → nn → data → lab → plot → run, report → cli
// (report may call run; run never calls report; nothing below cli imports cli.)

const ROOT = resolve(import.meta.dirname, "..");

/** Floor of each folder of src/: a module may import its own folder or a lower floor. */
const FLOORS: Record<string, number> = {
  util: 0,
  optim: 1,
  landscapes: 1,
  nn: 2,
  data: 3,
  lab: 4,
  plot: 5,
  run: 6,
  report: 7,
  cli: 8,
};
/** Floors that run unchanged in Node, the browser and a worker. */
const PORTABLE = ["optim", "landscapes", "nn", "data", "lab", "plot"];
/** Packages that need Node or a DOM implementation (never imported by a portable floor). */
const NODE_OR_DOM_PACKAGES = ["jsdom", "linkedom", "@resvg/resvg-js", "mnist", "playwright-core"];

interface SourceFile {
  readonly path: string; // relative to the project root, with extension
  readonly imports: { specifier: string; target: string | null }[];
  readonly text: string;
}

function walk(folder: string, out: string[] = []): string[] {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.ts$/.test(name) && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

const IMPORT =
  /(?:^|[^.\w])(?:import|export)\s*(?:type\s+)?(?:[^"'`;]*?\sfrom\s*)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function readSource(path: string): SourceFile {
  const text = readFileSync(path, "utf8");
  const imports: SourceFile["imports"] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2];
    if (specifier === undefined) continue;
    const target = specifier.startsWith(".")
      ? relative(ROOT, resolve(dirname(path), specifier)).replace(/\.js$/, ".ts")
      : null;
    imports.push({ specifier, target });
  }
  return { path: relative(ROOT, path), imports, text };
}

const files = ["src", "web/src", "bench"].flatMap((folder) => walk(join(ROOT, folder))).map(readSource);
const byPath = new Map(files.map((f) => [f.path, f]));

function floorOf(path: string): string | null {
  const match = /^src\/([^/]+)\//.exec(path);
  return match ? match[1] : null;
}

describe("the layout", () => {
  it("reads the imports of every source file", () => {
    expect(files.length).toBeGreaterThan(100);
    for (const file of files)
      for (const { specifier, target } of file.imports)
        if (target?.endsWith(".ts"))
          expect(byPath.has(target), `${file.path} imports ${specifier}`).toBe(true);
  });

  it("has no import cycle anywhere", () => {
    const state = new Map<string, "open" | "done">();
    const cycles: string[] = [];
    const visit = (path: string, stack: string[]) => {
      if (state.get(path) === "done") return;
      if (state.get(path) === "open") {
        cycles.push([...stack.slice(stack.indexOf(path)), path].join(" → "));
        return;
      }
      state.set(path, "open");
      for (const { target } of byPath.get(path)?.imports ?? [])
        if (target !== null && byPath.has(target)) visit(target, [...stack, path]);
      state.set(path, "done");
    };
    for (const file of files) visit(file.path, []);
    expect(cycles).toEqual([]);
  });

  it("keeps every floor of src/ importing only its own folder or the floors below it", () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = floorOf(file.path);
      if (from === null || !(from in FLOORS)) continue;
      for (const { specifier, target } of file.imports) {
        const to = target === null ? null : floorOf(target);
        if (to === null || to === from) continue;
        const siblings = FLOORS[to] === FLOORS[from] && to !== from;
        if (!(to in FLOORS) || FLOORS[to] > FLOORS[from] || siblings)
          wrong.push(`${file.path} → ${specifier}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("keeps every src/ folder on a known floor", () => {
    const folders = readdirSync(join(ROOT, "src")).filter((name) =>
      statSync(join(ROOT, "src", name)).isDirectory(),
    );
    expect(folders.filter((name) => !(name in FLOORS))).toEqual([]);
  });

  it("keeps optim, landscapes, nn, data, lab and plot free of node: modules and the DOM", () => {
    const wrong: string[] = [];
    for (const file of files) {
      const floor = floorOf(file.path);
      if (floor === null || !PORTABLE.includes(floor)) continue;
      for (const { specifier, target } of file.imports) {
        if (target !== null) continue;
        if (specifier.startsWith("node:") || NODE_OR_DOM_PACKAGES.includes(specifier))
          wrong.push(`${file.path} imports ${specifier}`);
      }
      // Node's globals and the browser's, used without an import.
      const code = file.text.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, "");
      for (const global of [
        "process.",
        "Buffer.",
        "__dirname",
        "require(",
        "globalThis.window",
        "globalThis.document",
      ])
        if (code.includes(global)) wrong.push(`${file.path} uses ${global}`);
    }
    expect(wrong).toEqual([]);
  });

  it("lets nothing below cli/ import cli/, and report/ never builds a command line", () => {
    const wrong: string[] = [];
    for (const file of files) {
      if (file.path.startsWith("src/cli/")) continue;
      for (const { specifier, target } of file.imports)
        if (target?.startsWith("src/cli/")) wrong.push(`${file.path} → ${specifier}`);
      if (file.path.startsWith("src/report/") && /\[\s*["']--[a-z]/.test(file.text))
        wrong.push(`${file.path} builds argv`);
    }
    expect(wrong).toEqual([]);
  });

  it("lets web/ import src/ only through the index files", () => {
    const wrong: string[] = [];
    for (const file of files.filter((f) => f.path.startsWith("web/")))
      for (const { specifier, target } of file.imports)
        if (target?.startsWith("src/") && !/^src\/[^/]+\/index\.ts$/.test(target))
          wrong.push(`${file.path} → ${specifier}`);
    expect(wrong).toEqual([]);
  });

  it("lets bench/ use run/ and the floors below it, never cli/", () => {
    const wrong: string[] = [];
    for (const file of files.filter((f) => f.path.startsWith("bench/")))
      for (const { specifier, target } of file.imports) {
        const floor = target === null ? null : floorOf(target);
        if (floor !== null && (floor === "cli" || floor === "report"))
          wrong.push(`${file.path} → ${specifier}`);
      }
    expect(wrong).toEqual([]);
  });
});
