import { InputRangeError, show } from "./errors.js";

/**
 * A guard at the input boundary for optimizer specs (`sgd:lr=0.1,momentum=0.9`, `{ "id": "sgd", "hp": {…} }`),
 * checked before `createOptimizer` reads them: a hyperparameter named twice (`lr=0.1,lr=0.2`) is refused instead
 * of the last silently winning, and names that are properties every object inherits (`constructor`, `toString`,
 * `__proto__`, …) are refused by name instead of being looked up in a table where they seem to exist.
 */
const INHERITED = new Set([...Object.getOwnPropertyNames(Object.prototype), "prototype"]);

/** The `key` parts of `key=value,…` at the top level (commas inside parentheses or brackets belong to values). */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if ((c === "," && depth === 0) || i === text.length) {
      const entry = text.slice(start, i);
      const equals = entry.indexOf("=");
      if (equals > 0) keys.push(entry.slice(0, equals).trim());
      start = i + 1;
    }
  }
  return keys;
}

function checkKeys(keys: readonly string[], where: string): void {
  const seen = new Set<string>();
  for (const key of keys) {
    if (INHERITED.has(key))
      throw new InputRangeError(`${where}: ${show(key)} is not a hyperparameter name (it is reserved)`);
    if (seen.has(key))
      throw new InputRangeError(`${where}: hyperparameter ${show(key)} is given twice; give each once`);
    seen.add(key);
  }
}

/** Checks one optimizer spec (text or `{ id, hp }`); `where` starts the message (`--optimizer`). */
export function checkOptimizerSpecKeys(spec: unknown, where: string): void {
  if (typeof spec === "string") {
    // `cautious(adam:lr=0.1):…`: the base's own keys and the wrapper's are checked separately.
    const inner = /^\s*\w+\s*\((.*)\)\s*(?::(.*))?$/s.exec(spec);
    if (inner) {
      checkOptimizerSpecKeys(inner[1], where);
      checkKeys(topLevelKeys(inner[2] ?? ""), where);
      return;
    }
    const colon = spec.indexOf(":");
    if (colon >= 0) checkKeys(topLevelKeys(spec.slice(colon + 1)), where);
    return;
  }
  if (spec !== null && typeof spec === "object" && !Array.isArray(spec)) {
    const hp = (spec as { hp?: unknown }).hp;
    if (hp !== null && typeof hp === "object" && !Array.isArray(hp))
      checkKeys(Object.keys(hp), `${where}.hp`);
  }
}

/** Checks the optimizers of an experiment document (`optimizers` and every `variants[i].optimizers`). */
export function checkExperimentSpecKeys(document: unknown, source: string): void {
  if (document === null || typeof document !== "object") return;
  const doc = document as { optimizers?: unknown; variants?: unknown };
  const prefix = source === "" ? "" : `${source}: `;
  const list = (value: unknown, where: string) => {
    if (!Array.isArray(value)) return;
    value.forEach((spec, i) => {
      checkOptimizerSpecKeys(spec, `${prefix}${where}[${i}]`);
    });
  };
  list(doc.optimizers, "optimizers");
  if (Array.isArray(doc.variants)) {
    doc.variants.forEach((variant, i) => {
      list((variant as { optimizers?: unknown })?.optimizers, `variants[${i}].optimizers`);
    });
  }
}
