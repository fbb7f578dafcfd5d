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

/**
 * Longest echo of a value in an error message, in characters. A message names the field, the rule and the value;
 * 120 characters show any number, name or short list whole, and keep the line (with its field and rule) under
 * the few hundred characters a terminal line and a log reader can take (a 6.9 MB value once made one line).
 */
export const SHOW_MAX_LENGTH = 120;
/** Deepest nesting echoed; deeper arrays/objects print as `[…]`/`{…}` (a 10⁵-deep document once overflowed the stack). */
export const SHOW_MAX_DEPTH = 4;
/** Longest error line the CLI prints, in characters (the rest is cut with "…"). */
export const MESSAGE_MAX_LENGTH = 400;

/** Makes invisible characters (C0, DEL, C1 controls; BOM, zero-width and bidi marks) visible as `\u{feff}`, so a message never hides (or is broken by) what it echoes. */
export function visible(text: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const invisible =
      c < 0x20 ||
      (c >= 0x7f && c <= 0x9f) ||
      c === 0xad ||
      (c >= 0x200b && c <= 0x200f) ||
      (c >= 0x2028 && c <= 0x202e) ||
      (c >= 0x2060 && c <= 0x2064) ||
      c === 0xfeff;
    if (!invisible) continue;
    out += `${text.slice(from, i)}\\u{${c.toString(16)}}`;
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/** Cuts text to at most `max` characters, ending with "…" (never splitting a surrogate pair). */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

function render(value: unknown, depth: number, budget: { left: number }): string {
  if (budget.left <= 0) return "…";
  let text: string;
  if (typeof value === "string")
    text = JSON.stringify(value.length > SHOW_MAX_LENGTH ? clip(value, SHOW_MAX_LENGTH) : value);
  else if (typeof value === "number") text = Number.isNaN(value) ? "NaN" : String(value);
  else if (value === null || typeof value === "boolean") text = String(value);
  else if (value === undefined) text = "nothing";
  else if (typeof value === "bigint") text = `${value}n`;
  else if (Array.isArray(value)) {
    if (depth >= SHOW_MAX_DEPTH) text = value.length === 0 ? "[]" : "[…]";
    else {
      const parts: string[] = [];
      for (let i = 0; i < value.length && budget.left > 0; i++) {
        const part = render(value[i], depth + 1, budget);
        budget.left -= part.length + 1;
        parts.push(part);
      }
      if (parts.length < value.length) parts.push("…");
      text = `[${parts.join(",")}]`;
    }
  } else if (typeof value === "object") {
    const keys = Object.keys(value as object);
    if (depth >= SHOW_MAX_DEPTH) text = keys.length === 0 ? "{}" : "{…}";
    else {
      const parts: string[] = [];
      for (let i = 0; i < keys.length && budget.left > 0; i++) {
        const part = `${JSON.stringify(clip(keys[i], 40))}:${render((value as Record<string, unknown>)[keys[i]], depth + 1, budget)}`;
        budget.left -= part.length + 1;
        parts.push(part);
      }
      if (parts.length < keys.length) parts.push("…");
      text = `{${parts.join(",")}}`;
    }
  } else text = typeof value;
  return text;
}

/**
 * Formats a value for an error message: strings quoted, arrays and objects as JSON — bounded: at most
 * SHOW_MAX_LENGTH characters and SHOW_MAX_DEPTH levels (linear in what is shown, never in the value's size),
 * invisible characters shown by code point.
 */
export function show(value: unknown): string {
  return visible(clip(render(value, 0, { left: SHOW_MAX_LENGTH }), SHOW_MAX_LENGTH));
}

/** One line for the terminal: no line breaks, invisible characters visible, at most MESSAGE_MAX_LENGTH. */
export function oneLine(message: string): string {
  return clip(visible(message.replace(/\r?\n/g, " ")), MESSAGE_MAX_LENGTH);
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
