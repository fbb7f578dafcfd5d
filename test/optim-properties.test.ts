import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { quadratic } from "../src/landscapes/quadratic.js";
import {
  createOptimizer,
  type FloatArray,
  NamedParameters,
  type Optimizer,
  optimizerIds,
  optimizerMeta,
  restoreState,
  saveState,
} from "../src/optim/index.js";

fc.configureGlobal({ seed: 20261126, numRuns: 60 });

/** Optimizers whose update of a coordinate depends on that coordinate only (SWATS couples them by dot products). */
const elementWise = optimizerIds().filter((id) => optimizerMeta(id).couplesCoordinates !== true);

/** A modest lr for each, so random runs stay finite. */
function make(id: string): Optimizer {
  return createOptimizer({ id, hp: { lr: 0.01 } });
}

const coordinate = fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true });
const vectors = (n: number) => fc.array(coordinate, { minLength: n, maxLength: n });
const problem = fc
  .integer({ min: 1, max: 12 })
  .chain((n) =>
    fc.record({ start: vectors(n), gradients: fc.array(vectors(n), { minLength: 1, maxLength: 6 }) }),
  );

function run(optimizer: Optimizer, start: number[], gradients: number[][]): Float64Array {
  const p = Float64Array.from(start);
  const state = optimizer.init(p.length);
  for (const g of gradients) optimizer.step(p, Float64Array.from(g), state);
  return p;
}

describe("optimizer properties (fast-check, fixed seed)", () => {
  it("a zero gradient leaves SGD where it is", () => {
    fc.assert(
      fc.property(vectors(5), (start) => {
        for (const id of ["sgd", "torch-sgd"]) {
          expect(Array.from(run(make(id), start, [[0, 0, 0, 0, 0]]))).toEqual(start);
        }
      }),
    );
  });

  it("permuting the coordinates permutes the result, bit for bit, for every element-wise optimizer", () => {
    fc.assert(
      fc.property(problem, fc.integer({ min: 0, max: 1000 }), ({ start, gradients }, shift) => {
        const n = start.length;
        const permutation = Array.from({ length: n }, (_, i) => (i * 7 + shift) % n);
        // Multiplying by 7 is a bijection modulo n only when gcd(7, n) = 1; fall back to a rotation otherwise.
        const order =
          new Set(permutation).size === n ? permutation : permutation.map((_, i) => (i + shift) % n);
        const permute = (v: ArrayLike<number>) => order.map((j) => v[j]);
        for (const id of elementWise) {
          const direct = permute(run(make(id), start, gradients));
          const permuted = Array.from(run(make(id), permute(start), gradients.map(permute)));
          expect(permuted, id).toEqual(direct);
        }
      }),
    );
  });

  it("momentum 0 is plain SGD, in the book's form and in torch's", () => {
    fc.assert(
      fc.property(problem, ({ start, gradients }) => {
        const sgd = Array.from(run(createOptimizer("sgd:lr=0.1"), start, gradients));
        expect(Array.from(run(createOptimizer("momentum:lr=0.1,momentum=0"), start, gradients))).toEqual(sgd);
        expect(Array.from(run(createOptimizer("torch-sgd:lr=0.1"), start, gradients))).toEqual(sgd);
      }),
    );
  });

  it("AdamW with weight decay 0 is torch Adam, and Adam with decoupled decay is AdamW", () => {
    fc.assert(
      fc.property(problem, ({ start, gradients }) => {
        expect(Array.from(run(createOptimizer("adamw:lr=0.01,weightDecay=0"), start, gradients))).toEqual(
          Array.from(run(createOptimizer("torch-adam:lr=0.01"), start, gradients)),
        );
        expect(Array.from(run(createOptimizer("adamw:lr=0.01,weightDecay=0.1"), start, gradients))).toEqual(
          Array.from(
            run(
              createOptimizer("torch-adam:lr=0.01,weightDecay=0.1,decoupledWeightDecay=true"),
              start,
              gradients,
            ),
          ),
        );
      }),
    );
  });

  it("torch SGD with momentum equals the book's Momentum for a constant lr (up to rounding)", () => {
    fc.assert(
      fc.property(problem, ({ start, gradients }) => {
        const book = run(createOptimizer("momentum:lr=0.1,momentum=0.9"), start, gradients);
        const torch = run(createOptimizer("torch-sgd:lr=0.1,momentum=0.9"), start, gradients);
        for (let i = 0; i < book.length; i++)
          expect(Math.abs(book[i] - torch[i])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(book[i])));
      }),
    );
  });

  it("saving state to JSON and restoring it continues exactly like an uninterrupted run", () => {
    fc.assert(
      fc.property(problem, problem, ({ start, gradients }, later) => {
        const tail = later.gradients.map((g) => start.map((_, i) => g[i % g.length]));
        for (const id of optimizerIds()) {
          const optimizer = make(id);
          const uninterrupted = run(optimizer, start, [...gradients, ...tail]);
          const p = Float64Array.from(start);
          const state = optimizer.init(p.length);
          for (const g of gradients) optimizer.step(p, Float64Array.from(g), state);
          const json = JSON.stringify(saveState(optimizer, state, p.length));
          const restored = restoreState(optimizer, JSON.parse(json));
          for (const g of tail) optimizer.step(p, Float64Array.from(g), restored);
          expect(Array.from(p), id).toEqual(Array.from(uninterrupted));
        }
      }),
    );
  });

  it("the book's update(params, grads) over named arrays equals one flat step, bit for bit, whatever the key order", () => {
    fc.assert(
      fc.property(vectors(7), vectors(7), (start, gradient) => {
        for (const id of optimizerIds()) {
          const optimizer = make(id);
          const flat = Float64Array.from(start);
          const flatState = optimizer.init(7);
          const store = new NamedParameters({ W1: 4, b1: 2, W2: 1 });
          const storeState = optimizer.init(7);
          const params = {
            b1: Float64Array.from(start.slice(4, 6)),
            W2: Float64Array.from(start.slice(6)),
            W1: Float64Array.from(start.slice(0, 4)),
          };
          const grads = {
            W2: Float64Array.from(gradient.slice(6)),
            W1: Float64Array.from(gradient.slice(0, 4)),
            b1: Float64Array.from(gradient.slice(4, 6)),
          };
          for (let k = 0; k < 3; k++) {
            optimizer.step(flat, Float64Array.from(gradient), flatState);
            store.update(optimizer, storeState, params, grads);
          }
          expect([...params.W1, ...params.b1, ...params.W2], id).toEqual(Array.from(flat));
        }
      }),
    );
  });
});

describe("precision", () => {
  function seedRun(id: string, lr: number, dtype: "float64" | "float32"): FloatArray {
    const optimizer = createOptimizer({ id, hp: { lr } });
    const p = dtype === "float32" ? Float32Array.from([-7, 2]) : Float64Array.from([-7, 2]);
    const g = dtype === "float32" ? new Float32Array(2) : new Float64Array(2);
    const state = optimizer.init(2, dtype);
    for (let k = 0; k < 30; k++) {
      quadratic.grad(p, g);
      optimizer.step(p, g, state);
    }
    return p;
  }

  it.each([
    ["sgd", 0.95],
    ["momentum", 0.1],
    ["nesterov", 0.1],
    ["adagrad", 1.5],
    ["rmsprop", 0.1],
    ["adam", 0.3],
  ])("float32 %s on the seed quadratic tracks float64 within 1e-5 relative to the path's scale", (id, lr) => {
    const wide = seedRun(id, lr, "float64");
    const narrow = seedRun(id, lr, "float32");
    expect(narrow).toBeInstanceOf(Float32Array);
    // Scale: the start's size (|(−7, 2)| ≈ 7.3); iterates near 0 make a pure relative test meaningless.
    for (let i = 0; i < 2; i++) expect(Math.abs(narrow[i] - wide[i])).toBeLessThanOrEqual(1e-5 * 7.3);
  });
});
