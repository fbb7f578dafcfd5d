import { InputRangeError, show } from "../util/errors.js";
import { type DType, type FloatArray, type Optimizer, type OptimizerState, zeros } from "./types.js";

/**
 * Parameters kept in one flat buffer with named views (`W1`, `b1`, …), so one optimizer `step` updates them all,
 * plus the book's `update(params, grads)` over dictionaries of arrays.
 *
 * State is matched by name, never by position: the layout (name → offset) is fixed when the object is made,
 * and `update` reads every array by its name, whatever order the dictionary lists them in.
 */
export class NamedParameters {
  readonly names: readonly string[];
  readonly params: FloatArray;
  readonly grads: FloatArray;
  readonly views: Readonly<Record<string, FloatArray>>;
  readonly gradViews: Readonly<Record<string, FloatArray>>;
  private readonly offsets: ReadonlyMap<string, readonly [number, number]>;

  constructor(sizes: Readonly<Record<string, number>>, dtype: DType = "float64") {
    const offsets = new Map<string, readonly [number, number]>();
    let total = 0;
    for (const [name, size] of Object.entries(sizes)) {
      if (!Number.isInteger(size) || size < 0) {
        throw new InputRangeError(
          `parameter ${show(name)}: size must be a whole number >= 0, got ${show(size)}`,
        );
      }
      offsets.set(name, [total, total + size]);
      total += size;
    }
    this.names = [...offsets.keys()];
    this.offsets = offsets;
    this.params = zeros(total, dtype);
    this.grads = zeros(total, dtype);
    const views: Record<string, FloatArray> = {};
    const gradViews: Record<string, FloatArray> = {};
    for (const [name, [start, end]] of offsets) {
      views[name] = this.params.subarray(start, end);
      gradViews[name] = this.grads.subarray(start, end);
    }
    this.views = views;
    this.gradViews = gradViews;
  }

  /** The book's `optimizer.update(params, grads)`: copies in by name, steps the flat buffer, copies back. */
  update(
    optimizer: Optimizer,
    state: OptimizerState,
    params: Readonly<Record<string, FloatArray>>,
    grads: Readonly<Record<string, FloatArray>>,
  ): void {
    const direct = params === this.views && grads === this.gradViews;
    if (!direct) {
      for (const [name, [start, end]] of this.offsets) {
        const p = params[name];
        const g = grads[name];
        if (p === undefined || g === undefined || p.length !== end - start || g.length !== end - start) {
          throw new InputRangeError(
            `update: ${show(name)} must be given in params and grads with ${end - start} values each`,
          );
        }
        this.params.set(p, start);
        this.grads.set(g, start);
      }
    }
    optimizer.step(this.params, this.grads, state);
    if (!direct) {
      for (const [name, [start, end]] of this.offsets) {
        (params[name] as FloatArray).set(this.params.subarray(start, end));
      }
    }
  }
}
