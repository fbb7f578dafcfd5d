import { derivative, type MathNode, parse } from "mathjs/number";
import { InputRangeError, InputTypeError, show } from "../util/errors.js";
import { searchMinima2 } from "./critical.js";
import { compileExpression } from "./formula-compile.js";
import { formulaToTex } from "./formula-tex.js";
import type { Domain, Landscape } from "./types.js";

/** Longest formula accepted, in characters. */
export const FORMULA_MAX_LENGTH = 500;

/**
 * Deepest parse tree accepted (operators, calls and parentheses on one path from the root). The deepest
 * built-in landscape formula has depth 9; KaTeX nests a few spans per level and a tab crashed near 150 levels of
 * `x^x^…^x`; 40 leaves room for any formula a person types while keeping every tree walk far from the stack limit.
 */
export const FORMULA_MAX_DEPTH = 40;

/**
 * Most function calls nested inside one another (`sin(cos(exp(x)))` is 3). Each nested call multiplies the size of
 * the derivative (chain rule: the inner expression is copied once per level); 8 keeps ∂f/∂x within a few thousand
 * nodes for any 500-character formula, and no formula of the book or the playground's presets nests more than 3.
 */
export const FORMULA_MAX_CALL_DEPTH = 8;

/**
 * Most nodes of ∂f/∂x or ∂f/∂y. A derivative is compiled into closures that run for every point of a contour grid
 * (up to 10⁶ per figure); 20 000 nodes still evaluate in about 0.1 ms per point and compile in milliseconds.
 */
export const FORMULA_MAX_DERIVATIVE_NODES = 20_000;

/** Children of a node, for the budget walks (no recursion: the walk must not be the thing that overflows). */
function childrenOf(node: MathNode): MathNode[] {
  const n = node as unknown as { args?: MathNode[]; content?: MathNode };
  if (n.content !== undefined) return [n.content];
  return Array.isArray(n.args) ? n.args : [];
}

/** Depth of the tree, depth of nested calls, and node count, by one iterative walk. */
function measure(root: MathNode): { depth: number; calls: number; nodes: number } {
  const stack: [MathNode, number, number][] = [[root, 1, root.type === "FunctionNode" ? 1 : 0]];
  let depth = 0;
  let calls = 0;
  let nodes = 0;
  while (stack.length > 0) {
    const [node, d, c] = stack.pop() as [MathNode, number, number];
    nodes++;
    if (d > depth) depth = d;
    if (c > calls) calls = c;
    for (const child of childrenOf(node))
      stack.push([child, d + 1, c + (child.type === "FunctionNode" ? 1 : 0)]);
  }
  return { depth, calls, nodes };
}

/** The functions a formula may call, with their number of arguments (`log` is the natural logarithm). */
export const FORMULA_FUNCTIONS: Readonly<Record<string, number>> = {
  sin: 1,
  cos: 1,
  tan: 1,
  asin: 1,
  acos: 1,
  atan: 1,
  sinh: 1,
  cosh: 1,
  tanh: 1,
  asinh: 1,
  exp: 1,
  log: 1,
  log10: 1,
  sqrt: 1,
  abs: 1,
  sec: 1,
  csc: 1,
  cot: 1,
  pow: 2,
};

/** The constants a formula may use. */
export const FORMULA_CONSTANTS: readonly string[] = ["pi", "e"];

/** The variables of a formula. */
export const FORMULA_VARIABLES: readonly string[] = ["x", "y"];

/** The default plotting window of a formula. */
export const FORMULA_DEFAULT_DOMAIN: Domain = { x: [-5, 5], y: [-5, 5] };

const ALLOWED_OPERATORS = new Set([
  "add",
  "subtract",
  "multiply",
  "divide",
  "pow",
  "unaryMinus",
  "unaryPlus",
]);

/** Typographic characters people paste, replaced by what the parser understands (with their positions kept). */
const REPLACEMENTS: Readonly<Record<string, string>> = {
  "\u2212": "-", // minus sign
  "\u00d7": "*", // multiplication sign
  "\u00b7": "*", // middle dot
  "\u22c5": "*", // dot operator
  "\u00b2": "^2",
  "\u00b3": "^3",
  "\u03c0": "pi",
};

const PLAIN_CHARACTER = /[0-9A-Za-z_ \t.+\-*/^(),]/;
/** Characters that are shown by code point only in messages, so that no markup is ever echoed. */
const UNSAFE_TO_ECHO = /[<>&"'`\\]/;

const NODE_KINDS: Readonly<Record<string, string>> = {
  AccessorNode: "property access",
  ArrayNode: "an array",
  AssignmentNode: "an assignment",
  BlockNode: "a block of expressions",
  ConditionalNode: "a conditional expression",
  FunctionAssignmentNode: "a function definition",
  IndexNode: "indexing",
  ObjectNode: "an object",
  RangeNode: "a range",
  RelationalNode: "a comparison",
};

const HINT = "use x, y, numbers, + - * / ^, parentheses, pi, e and functions such as sin(x)";

/** The text after typographic replacements, and for each of its characters the 0-based index in the original. */
interface NormalisedText {
  readonly text: string;
  readonly origin: number[];
}

function normalise(source: string): NormalisedText {
  let text = "";
  const origin: number[] = [];
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    const replacement = REPLACEMENTS[ch];
    if (replacement === undefined && !PLAIN_CHARACTER.test(ch) && !/\s/.test(ch)) {
      const code = `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
      const printable = ch >= " " && ch <= "~" && !UNSAFE_TO_ECHO.test(ch);
      throw new InputRangeError(
        `formula: character ${printable ? `${show(ch)} (${code})` : code} at position ${i + 1} is not allowed (${HINT})`,
      );
    }
    const piece = replacement ?? (/\s/.test(ch) ? " " : ch);
    text += piece;
    for (let k = 0; k < piece.length; k++) origin.push(i);
  }
  return { text, origin };
}

/** 1-based position in the original text of the first use of identifier `name`, or 0 if not found. */
function positionOf(name: string, normalised: NormalisedText): number {
  const identifier = /[A-Za-z_][A-Za-z0-9_]*/g;
  for (
    let match = identifier.exec(normalised.text);
    match !== null;
    match = identifier.exec(normalised.text)
  ) {
    if (match[0] === name) return normalised.origin[match.index] + 1;
  }
  return 0;
}

function at(position: number): string {
  return position > 0 ? ` at position ${position}` : "";
}

function checkNode(node: MathNode, normalised: NormalisedText): void {
  switch (node.type) {
    case "ConstantNode": {
      const value = (node as unknown as { value: unknown }).value;
      if (typeof value !== "number")
        throw new InputRangeError(`formula: ${show(String(value))} is not a number`);
      if (!Number.isFinite(value)) {
        throw new InputRangeError(`formula: numbers must be finite, got ${show(value)}`);
      }
      return;
    }
    case "SymbolNode": {
      const name = (node as unknown as { name: string }).name;
      if (FORMULA_VARIABLES.includes(name) || FORMULA_CONSTANTS.includes(name)) return;
      const position = positionOf(name, normalised);
      if (Object.hasOwn(FORMULA_FUNCTIONS, name)) {
        throw new InputRangeError(
          `formula: function ${show(name)}${at(position)} needs its argument in parentheses, e.g. ${name}(x)`,
        );
      }
      const product = /^[xy]+$/.test(name) ? `; write ${name.split("").join("*")} for a product` : "";
      throw new InputRangeError(
        `formula: unknown variable ${show(name)}${at(position)} (use x and y${product})`,
      );
    }
    case "OperatorNode": {
      const op = node as unknown as { fn: string; op: string; args: MathNode[] };
      if (!ALLOWED_OPERATORS.has(op.fn)) {
        throw new InputRangeError(`formula: operator ${show(op.op)} is not allowed (use + - * / ^)`);
      }
      for (const arg of op.args) checkNode(arg, normalised);
      return;
    }
    case "ParenthesisNode":
      checkNode((node as unknown as { content: MathNode }).content, normalised);
      return;
    case "FunctionNode": {
      const call = node as unknown as { fn: MathNode; args: MathNode[] };
      const name = call.fn.type === "SymbolNode" ? (call.fn as unknown as { name: string }).name : "";
      const arity = FORMULA_FUNCTIONS[name];
      if (!Object.hasOwn(FORMULA_FUNCTIONS, name)) {
        const position = name === "" ? 0 : positionOf(name, normalised);
        const known = Object.keys(FORMULA_FUNCTIONS).join(", ");
        throw new InputRangeError(
          `formula: unknown function ${show(name || call.fn.toString())}${at(position)} (known: ${known})`,
        );
      }
      if (call.args.length !== arity) {
        throw new InputRangeError(
          `formula: ${name} takes ${arity} argument${arity === 1 ? "" : "s"}, got ${call.args.length}`,
        );
      }
      for (const arg of call.args) checkNode(arg, normalised);
      return;
    }
    default:
      throw new InputRangeError(`formula: ${NODE_KINDS[node.type] ?? node.type} is not allowed (${HINT})`);
  }
}

/** A checked formula: its syntax tree and exact partial derivatives (mathjs symbolic differentiation). */
export interface ParsedFormula {
  /** The formula as typed, trimmed. */
  readonly text: string;
  readonly node: MathNode;
  readonly dx: MathNode;
  readonly dy: MathNode;
}

/**
 * Parses and checks a formula in x and y: length ≤ FORMULA_MAX_LENGTH, plain characters only, only
 * the variables x and y, the constants pi and e, the operators + - * / ^ and the functions of
 * FORMULA_FUNCTIONS. Every failure is an InputRangeError/InputTypeError naming the position (1-based)
 * or the offending name; the formula itself is never echoed.
 */
export function parseFormula(source: unknown): ParsedFormula {
  if (typeof source !== "string") {
    throw new InputTypeError(`formula: must be a string, got ${source === null ? "null" : typeof source}`);
  }
  const text = source.trim();
  if (text.length === 0) throw new InputRangeError(`formula: must not be empty (${HINT})`);
  if (text.length > FORMULA_MAX_LENGTH) {
    throw new InputRangeError(
      `formula: must be at most ${FORMULA_MAX_LENGTH} characters, got ${text.length}`,
    );
  }
  const normalised = normalise(text);
  let node: MathNode;
  try {
    node = parse(normalised.text);
  } catch (error) {
    const char = (error as { char?: unknown }).char;
    const reason = String((error as Error).message ?? error)
      .replace(/\s*\(char \d+\)\s*$/, "")
      .replace(/^Syntax error in part "[^"]*"/, "Syntax error");
    const where =
      typeof char === "number" && char >= 1
        ? char > normalised.text.length
          ? " at the end"
          : ` at position ${normalised.origin[char - 1] + 1}`
        : "";
    throw new InputRangeError(
      `formula: syntax error${where}: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`,
    );
  }
  const size = measure(node);
  if (size.depth > FORMULA_MAX_DEPTH) {
    throw new InputRangeError(
      `formula: must nest at most ${FORMULA_MAX_DEPTH} levels deep (operators, calls and parentheses), got ${size.depth}`,
    );
  }
  if (size.calls > FORMULA_MAX_CALL_DEPTH) {
    throw new InputRangeError(
      `formula: must nest at most ${FORMULA_MAX_CALL_DEPTH} function calls inside one another, got ${size.calls}`,
    );
  }
  checkNode(node, normalised);
  let dx: MathNode;
  let dy: MathNode;
  try {
    // Unsimplified: mathjs's simplify costs 0.1–0.5 s per formula and does not make evaluation faster.
    dx = derivative(node, "x", { simplify: false });
    dy = derivative(node, "y", { simplify: false });
  } catch (error) {
    throw new InputRangeError(`formula: cannot differentiate: ${(error as Error).message}`);
  }
  for (const [name, tree] of [
    ["∂f/∂x", dx],
    ["∂f/∂y", dy],
  ] as const) {
    const nodes = measure(tree).nodes;
    if (nodes > FORMULA_MAX_DERIVATIVE_NODES) {
      throw new InputRangeError(
        `formula: its derivative ${name} has ${nodes} terms, more than the ${FORMULA_MAX_DERIVATIVE_NODES} budget; simplify the formula`,
      );
    }
  }
  return { text, node, dx, dy };
}

/** Options of `landscapeFromFormula`. */
export interface FormulaOptions {
  /** Plotting window; default [-5, 5]². */
  readonly domain?: Domain;
  /** Canonical start; default 10 % in from the top-left corner of the window, (−4, 4) for [-5, 5]². */
  readonly start?: readonly number[];
  /**
   * Look for minima numerically (41 × 41 grid over the window, then Newton polish; results marked
   * `approximate`). Default true; costs about 2 000 evaluations.
   */
  readonly findMinima?: boolean;
}

function checkDomain(domain: unknown): Domain {
  const d = domain as Domain;
  for (const axis of ["x", "y"] as const) {
    const range = d?.[axis];
    if (
      !Array.isArray(range) ||
      range.length !== 2 ||
      !Number.isFinite(range[0]) ||
      !Number.isFinite(range[1]) ||
      !(range[0] < range[1])
    ) {
      throw new InputRangeError(
        `formula: domain.${axis} must be [low, high] with finite low < high, got ${show(range)}`,
      );
    }
  }
  return { x: [d.x[0], d.x[1]], y: [d.y[0], d.y[1]] };
}

/**
 * A Landscape from a user formula in x and y, e.g. `landscapeFromFormula("x^2/20 + y^2")`.
 * The gradient is exact: mathjs parses and differentiates the formula symbolically; f, ∂f/∂x and ∂f/∂y
 * are compiled once into closures over one reused variable array (`compileExpression`: the numbers of
 * mathjs's own `compile().evaluate()`, bit for bit, 3–5× faster as measured, no eval/Function, no allocation
 * per call). Values outside the real numbers (sqrt of a negative number, log of a negative number, …)
 * are NaN, which a trajectory reports as divergence.
 */
export function landscapeFromFormula(source: unknown, options: FormulaOptions = {}): Landscape {
  const parsed = parseFormula(source);
  const domain = checkDomain(options.domain ?? FORMULA_DEFAULT_DOMAIN);
  const start = options.start ?? [
    domain.x[0] + 0.1 * (domain.x[1] - domain.x[0]),
    domain.y[0] + 0.9 * (domain.y[1] - domain.y[0]),
  ];
  if (!Array.isArray(start) || start.length !== 2 || !start.every((v) => Number.isFinite(v))) {
    throw new InputRangeError(`formula: start must be two finite numbers [x, y], got ${show(start)}`);
  }
  const variables = new Float64Array(2);
  const value = compileExpression(parsed.node, variables);
  const dx = compileExpression(parsed.dx, variables);
  const dy = compileExpression(parsed.dy, variables);
  const f = (p: ArrayLike<number>): number => {
    variables[0] = p[0];
    variables[1] = p[1];
    return value();
  };
  const grad = (p: ArrayLike<number>, out: Float64Array | Float32Array): void => {
    variables[0] = p[0];
    variables[1] = p[1];
    out[0] = dx();
    out[1] = dy();
  };
  const minima = options.findMinima === false ? [] : searchMinima2({ f, grad }, domain);
  return {
    id: "formula",
    name: `f(x, y) = ${parsed.text}`,
    formula: parsed.text,
    latex: `f(x, y) = ${formulaToTex(parsed.node)}`,
    dim: 2,
    f,
    grad,
    domain,
    start: [start[0], start[1]],
    minima,
    note:
      minima.length > 0
        ? "User formula. Minima are approximate: found by a grid search over the window and Newton polish."
        : "User formula. No minimum was found inside the window by the grid search.",
  };
}
