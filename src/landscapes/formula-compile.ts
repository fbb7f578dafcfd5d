import type { MathNode } from "mathjs/number";

/** A compiled expression: reads the variables from the array it was compiled against. */
export type CompiledExpression = () => number;

/** Variable slots: x is `variables[0]`, y is `variables[1]`. */
const SLOTS: Readonly<Record<string, number>> = { x: 0, y: 1 };
const CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, e: Math.E };

/**
 * One-argument functions computed as `mathjs/number` computes them (sec = 1/cos, …; a result outside
 * the reals is NaN). Includes the functions mathjs's `derivative` introduces for the whitelist (sec, csc,
 * cot, sech).
 */
const UNARY: Readonly<Record<string, (v: number) => number>> = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  asinh: Math.asinh,
  exp: Math.exp,
  log: Math.log,
  log10: Math.log10,
  sqrt: Math.sqrt,
  abs: Math.abs,
  sec: (v) => 1 / Math.cos(v),
  csc: (v) => 1 / Math.sin(v),
  cot: (v) => 1 / Math.tan(v),
  // mathjs's sech (derivative of tanh), as it computes it.
  sech: (v) => 2 / (Math.exp(v) + Math.exp(-v)),
};

/** mathjs's powNumber: x^±∞ is 0 where the limit is 0, otherwise Math.pow. */
function pow(x: number, y: number): number {
  if ((x * x < 1 && y === Number.POSITIVE_INFINITY) || (x * x > 1 && y === Number.NEGATIVE_INFINITY))
    return 0;
  return x ** y;
}

function binary(fn: string, a: CompiledExpression, b: CompiledExpression): CompiledExpression {
  switch (fn) {
    case "add":
      return () => a() + b();
    case "subtract":
      return () => a() - b();
    case "multiply":
      return () => a() * b();
    case "divide":
      return () => a() / b();
    case "pow":
      return () => pow(a(), b());
    default:
      throw new Error(`formula compiler: unsupported operator ${fn}`);
  }
}

/**
 * Compiles a checked mathjs expression tree (numbers, x, y, pi, e, + − × ÷ ^, the functions above)
 * into nested closures over `variables`: no `eval`, no `Function`, no allocation per evaluation. It
 * computes exactly what mathjs's own `compile().evaluate()` computes for numbers (same operations in the
 * same order; a test checks bit equality), 3–5× faster as measured. Throws a plain Error for
 * any other node: callers check user input first (`parseFormula`).
 */
export function compileExpression(node: MathNode, variables: Float64Array): CompiledExpression {
  const n = node as unknown as {
    type: string;
    value?: unknown;
    name?: string;
    fn?: string | { name?: string };
    args?: MathNode[];
    content?: MathNode;
  };
  switch (n.type) {
    case "ConstantNode": {
      const value = Number(n.value);
      return () => value;
    }
    case "SymbolNode": {
      const name = n.name ?? "";
      if (Object.hasOwn(SLOTS, name)) {
        const slot = SLOTS[name];
        return () => variables[slot];
      }
      if (Object.hasOwn(CONSTANTS, name)) {
        const value = CONSTANTS[name];
        return () => value;
      }
      throw new Error(`formula compiler: unknown symbol ${name}`);
    }
    case "ParenthesisNode":
      return compileExpression(n.content as MathNode, variables);
    case "OperatorNode": {
      const fn = n.fn as string;
      const args = (n.args ?? []).map((arg) => compileExpression(arg, variables));
      if (fn === "unaryMinus" && args.length === 1) {
        const a = args[0];
        return () => -a();
      }
      if (fn === "unaryPlus" && args.length === 1) return args[0];
      if (args.length < 2) throw new Error(`formula compiler: operator ${fn} needs two operands`);
      // mathjs evaluates n-ary sums and products left to right.
      let compiled = binary(fn, args[0], args[1]);
      for (let i = 2; i < args.length; i++) compiled = binary(fn, compiled, args[i]);
      return compiled;
    }
    case "FunctionNode": {
      const name = (n.fn as { name?: string }).name ?? "";
      const args = (n.args ?? []).map((arg) => compileExpression(arg, variables));
      if (name === "pow" && args.length === 2) return binary("pow", args[0], args[1]);
      if (Object.hasOwn(UNARY, name) && args.length === 1) {
        const f = UNARY[name];
        const a = args[0];
        return () => f(a());
      }
      throw new Error(`formula compiler: unsupported function ${name}/${args.length}`);
    }
    default:
      throw new Error(`formula compiler: unsupported node ${n.type}`);
  }
}
