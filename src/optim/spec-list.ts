import { InputRangeError } from "../util/errors.js";

/** Splits `text` at the commas that are not inside brackets (`betas=[0.9,0.99]` stays one piece). */
export function splitTopLevel(text: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === "[" || c === "(") depth++;
    else if (c === "]" || c === ")") depth--;
    if (i === text.length || (c === "," && depth === 0)) {
      pieces.push(text.slice(start, i));
      start = i + 1;
    }
  }
  return pieces;
}

/**
 * Splits a list of optimizer specs, `adam:lr=0.001,beta1=0.9,sgd`, into `adam:lr=0.001,beta1=0.9` and `sgd`: a
 * comma starts a new optimizer unless the next piece is a `key=value` (or we are inside brackets).
 */
export function splitOptimizerList(text: string, field = "--optimizers"): string[] {
  const specs: string[] = [];
  for (const raw of splitTopLevel(text)) {
    const piece = raw.trim();
    if (piece === "") continue;
    const colon = piece.indexOf(":");
    const equals = piece.indexOf("=");
    const isHyperparameter = equals >= 0 && (colon < 0 || colon > equals);
    if (isHyperparameter && specs.length > 0) specs[specs.length - 1] += `,${piece}`;
    else specs.push(piece);
  }
  if (specs.length === 0)
    throw new InputRangeError(`${field} must name at least one optimizer, got ${JSON.stringify(text)}`);
  return specs;
}
