import { InputRangeError, InputTypeError, unknownNameMessage } from "../util/errors.js";
import { ackley } from "./ackley.js";
import { banana } from "./banana.js";
import { beale } from "./beale.js";
import { booth } from "./booth.js";
import { type FormulaOptions, landscapeFromFormula } from "./formula.js";
import { goldsteinPrice } from "./goldstein-price.js";
import { himmelblau } from "./himmelblau.js";
import { nndl } from "./nndl.js";
import { plateau } from "./plateau.js";
import { quadratic } from "./quadratic.js";
import { createQuadratic50, quadratic50 } from "./quadratic50.js";
import { rastrigin } from "./rastrigin.js";
import { rosenbrock } from "./rosenbrock.js";
import { createRotatedQuadratic, rotatedQuadratic } from "./rotated-quadratic.js";
import { saddle } from "./saddle.js";
import { sixHumpCamel } from "./six-hump-camel.js";
import { styblinskiTang } from "./styblinski-tang.js";
import { twoWell } from "./two-well.js";
import type { Landscape } from "./types.js";

export type { CriticalKind, MinimumSearchOptions, PolishedPoint } from "./critical.js";
export { classifyHessian2, polishCriticalPoint, searchMinima2 } from "./critical.js";
export type { FormulaOptions, ParsedFormula } from "./formula.js";
export {
  FORMULA_CONSTANTS,
  FORMULA_DEFAULT_DOMAIN,
  FORMULA_FUNCTIONS,
  FORMULA_MAX_LENGTH,
  FORMULA_VARIABLES,
  landscapeFromFormula,
  parseFormula,
} from "./formula.js";
export { QUADRATIC50_DIM, quadratic50DefaultCoefficients } from "./quadratic50.js";
export type { RotatedQuadraticOptions } from "./rotated-quadratic.js";
export { STYBLINSKI_TANG_ROOTS } from "./styblinski-tang.js";
export type { CriticalPoint, Domain, Landscape } from "./types.js";
export { createQuadratic50, createRotatedQuadratic };

/** Where a landscape comes from: the golden reference file, or optlab's extra collection. */
export type LandscapeGroup = "reference" | "classic";

interface LandscapeEntry {
  readonly landscape: Landscape;
  readonly group: LandscapeGroup;
}

/**
 * The one table of landscapes, in display order. `reference` ones are the six objective functions of
 * `golden-trajectories.json`, token for token. Landscape objects are immutable and stateless, so the
 * table holds instances; parameterised ones also have factories (`createQuadratic50`, `createRotatedQuadratic`).
 */
const LANDSCAPES: readonly LandscapeEntry[] = [
  { landscape: quadratic, group: "reference" },
  { landscape: rosenbrock, group: "reference" },
  { landscape: beale, group: "reference" },
  { landscape: himmelblau, group: "reference" },
  { landscape: saddle, group: "reference" },
  { landscape: quadratic50, group: "reference" },
  { landscape: rastrigin, group: "classic" },
  { landscape: ackley, group: "classic" },
  { landscape: sixHumpCamel, group: "classic" },
  { landscape: booth, group: "classic" },
  { landscape: goldsteinPrice, group: "classic" },
  { landscape: styblinskiTang, group: "classic" },
  { landscape: twoWell, group: "classic" },
  { landscape: banana, group: "classic" },
  { landscape: rotatedQuadratic, group: "classic" },
  { landscape: plateau, group: "classic" },
  { landscape: nndl, group: "classic" },
];

const BY_ID = new Map(LANDSCAPES.map((entry) => [entry.landscape.id, entry]));

/** All landscape ids, in display order. */
export function landscapeIds(group?: LandscapeGroup): string[] {
  return LANDSCAPES.filter((entry) => group === undefined || entry.group === group).map(
    (e) => e.landscape.id,
  );
}

/** Whether `id` names a landscape of the table. */
export function isLandscapeId(id: string): boolean {
  return BY_ID.has(id);
}

/** Which group a landscape id belongs to. */
export function landscapeGroup(id: string): LandscapeGroup {
  return entryFor(id).group;
}

function entryFor(id: string): LandscapeEntry {
  const entry = BY_ID.get(id);
  if (entry === undefined) throw new InputRangeError(unknownNameMessage("landscape", id, landscapeIds()));
  return entry;
}

/** A word that is not a formula: letters, digits and dashes, longer than a single variable. */
const LOOKS_LIKE_AN_ID = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * A landscape by id (`"rosenbrock"`), or from a formula in x and y (`"x^2/20 + y^2"`). A string that
 * is not an id is read as a formula when it contains x or y and is not a bare word; otherwise it is
 * answered with `unknown landscape "rosenbrok"; did you mean "rosenbrock"? (expected one of: …)`.
 * Bare words such as "xy" or "styblinsky" are names, not formulas, so a typo gets a did-you-mean.
 */
export function getLandscape(idOrFormula: unknown, formulaOptions?: FormulaOptions): Landscape {
  if (typeof idOrFormula !== "string") {
    throw new InputTypeError(
      `landscape: must be an id or a formula string, got ${idOrFormula === null ? "null" : typeof idOrFormula}`,
    );
  }
  const text = idOrFormula.trim();
  const entry = BY_ID.get(text.toLowerCase());
  if (entry !== undefined) return entry.landscape;
  const isBareWord = LOOKS_LIKE_AN_ID.test(text) && text !== "x" && text !== "y";
  if (!isBareWord && /[xy]/.test(text)) return landscapeFromFormula(text, formulaOptions);
  throw new InputRangeError(
    `${unknownNameMessage("landscape", text, landscapeIds())}; or give a formula in x and y such as "x^2 + y^2"`,
  );
}
