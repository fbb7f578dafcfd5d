import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where optlab's own files are (Node only): the nearest folder above this module whose package.json is
 * optlab's. The same answer from the TypeScript sources (tests) and from `build/` (the installed command), so
 * every file the project ships — experiments, the font, the built site, the WebAssembly kernels, the compiled
 * worker scripts — is found from here.
 */
let root: string | undefined;

export function projectRoot(): string {
  if (root !== undefined) return root;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate) && JSON.parse(readFileSync(candidate, "utf8")).name === "optlab") {
      root = dir;
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`optlab: cannot find the project root above ${start}`);
  }
}

/** A path inside the project: `projectPath("experiments")`, `projectPath("build", "wasm", "kernels.wasm")`. */
export function projectPath(...parts: string[]): string {
  return join(projectRoot(), ...parts);
}

/** optlab's version, from its package.json. */
export function optlabVersion(): string {
  return JSON.parse(readFileSync(projectPath("package.json"), "utf8")).version;
}

/** A compiled module of `src/run/` (worker scripts run built JavaScript, also when the caller runs from sources). */
export function builtRunScript(name: string): string {
  return projectPath("build", "src", "run", name);
}
