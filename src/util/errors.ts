/**
 * Errors caused by what a user typed or supplied (flags, files, formulas, URL state).
 * The CLI prints their message as one line and exits 2; anything else is a bug and keeps its stack.
 * RangeError for values, TypeError for kinds (house style).
 */
export class InputRangeError extends RangeError {
  readonly userError = true;
  override name = "InputRangeError";
}

export class InputTypeError extends TypeError {
  readonly userError = true;
  override name = "InputTypeError";
}

export function isUserError(error: unknown): error is Error {
  return error instanceof Error && (error as { userError?: boolean }).userError === true;
}

/** Formats a value for an error message: strings quoted, arrays and objects as JSON. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  if (value === undefined) return "nothing";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** `unknown optimizer "adma"; did you mean "adam"? (expected one of: sgd, momentum, …)` */
export function unknownNameMessage(kind: string, name: string, known: readonly string[]): string {
  const lower = name.toLowerCase();
  let best = "";
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const hint =
    bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? `; did you mean ${show(best)}?` : "";
  return `unknown ${kind} ${show(name)}${hint} (expected one of: ${known.join(", ")})`;
}
