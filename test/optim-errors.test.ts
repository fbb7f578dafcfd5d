import { describe, expect, it } from "vitest";
import { createOptimizer, optimizerIds, optimizerMeta, restoreState, saveState } from "../src/optim/index.js";
import { isUserError } from "../src/util/errors.js";

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(isUserError(error), String(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error("expected an error");
}

describe("hyperparameter checks", () => {
  it("names the optimizer, the field, the rule and the value", () => {
    expect(messageOf(() => createOptimizer("adam:beta1=1"))).toBe("adam: beta1 must be in [0, 1), got 1");
    expect(messageOf(() => createOptimizer("torch-adam:lr=-0.1"))).toBe(
      "torch-adam: lr must be >= 0, got -0.1",
    );
    expect(messageOf(() => createOptimizer("adabound:gamma=0"))).toBe("adabound: gamma must be > 0, got 0");
  });

  it("refuses NaN and infinities in every numeric field", () => {
    for (const id of optimizerIds()) {
      for (const spec of optimizerMeta(id).hyperparameters.filter((s) => s.kind === "number")) {
        expect(messageOf(() => createOptimizer({ id, hp: { [spec.name]: Number.NaN } }))).toMatch(
          new RegExp(`^${id}: ${spec.name} must be .*, got NaN$`),
        );
        expect(
          messageOf(() => createOptimizer({ id, hp: { [spec.name]: Number.POSITIVE_INFINITY } })),
        ).toMatch(/got Infinity$/);
      }
    }
  });

  it("refuses a number where a flag belongs, and a flag where a number belongs", () => {
    expect(messageOf(() => createOptimizer({ id: "torch-adam", hp: { amsgrad: 1 } }))).toBe(
      "torch-adam: amsgrad must be true or false, got 1",
    );
    expect(messageOf(() => createOptimizer({ id: "adam", hp: { lr: "0.1" } }))).toBe(
      'adam: lr must be >= 0, got "0.1"',
    );
  });

  it("suggests the nearest name for an unknown optimizer or hyperparameter", () => {
    expect(messageOf(() => createOptimizer("adma"))).toBe(
      `unknown optimizer "adma"; did you mean "adam"? (expected one of: ${optimizerIds().join(", ")})`,
    );
    expect(messageOf(() => createOptimizer("adam:beta=0.9"))).toBe(
      'adam: unknown hyperparameter "beta"; did you mean "beta1"? (expected one of: lr, beta1, beta2)',
    );
  });

  it("refuses Nesterov without momentum or with dampening, as torch does", () => {
    expect(messageOf(() => createOptimizer("torch-sgd:nesterov=true"))).toBe(
      "torch-sgd: nesterov requires momentum > 0 and dampening = 0, got momentum 0, dampening 0",
    );
  });

  it("refuses a hyperparameter given twice under two spellings", () => {
    expect(messageOf(() => createOptimizer({ id: "lion", hp: { lr: 0.1, learning_rate: 0.2 } }))).toBe(
      "lion: learning_rate and lr both set lr; give it once",
    );
    expect(messageOf(() => createOptimizer({ id: "torch-adam", hp: { betas: [0.9] } }))).toBe(
      "torch-adam: betas must be a pair [beta1, beta2], got [0.9]",
    );
  });

  it("accepts torch's, optax's and the book's spellings", () => {
    expect(createOptimizer("torch.optim.Adam:betas=[0.8,0.9],weight_decay=0.1").hp).toMatchObject({
      beta1: 0.8,
      beta2: 0.9,
      weightDecay: 0.1,
    });
    expect(createOptimizer("torch.RMSprop:alpha=0.9").hp.rho).toBe(0.9);
    expect(createOptimizer("optax.lion:learning_rate=0.03,b1=0.5").hp).toMatchObject({
      lr: 0.03,
      beta1: 0.5,
    });
    expect(createOptimizer("RMSprop:decay_rate=0.9").id).toBe("rmsprop");
    expect(createOptimizer("AdaGrad").id).toBe("adagrad");
  });

  it("explains malformed optimizer specs", () => {
    expect(messageOf(() => createOptimizer("adam:lr"))).toBe(
      'adam: hyperparameters are written key=value, got "lr"',
    );
    expect(messageOf(() => createOptimizer("adam:lr=fast"))).toBe(
      'adam: lr must be a number or true/false, got "fast"',
    );
    expect(messageOf(() => createOptimizer("  "))).toBe(
      'optimizer must be written as NAME or NAME:key=value,…, got "  "',
    );
    expect(messageOf(() => createOptimizer("torch-adam:foreach=true"))).toBe(
      "torch-adam: optlab accepts foreach only as false or null (its default), got true",
    );
  });
});

describe("saved state checks", () => {
  const adam = createOptimizer("adam");
  const saved = saveState(adam, adam.init(3), 3);

  it("refuses state saved by another optimizer", () => {
    expect(messageOf(() => restoreState(createOptimizer("sgd"), saved))).toBe(
      'saved state is for optimizer "adam", not "sgd"',
    );
  });

  it("names a field of the wrong size, a missing field and a field that does not belong", () => {
    expect(messageOf(() => restoreState(adam, { ...saved, state: { ...saved.state, m: [0, 0] } }))).toBe(
      "saved state: m must be an array of 3 numbers, got 2 numbers",
    );
    const { v: _v, ...withoutV } = saved.state;
    expect(messageOf(() => restoreState(adam, { ...saved, state: withoutV }))).toBe(
      'saved state: missing field "v" for adam',
    );
    expect(messageOf(() => restoreState(adam, { ...saved, state: { ...saved.state, h: [1] } }))).toBe(
      'saved state: unexpected field "h" for adam',
    );
    expect(
      messageOf(() =>
        restoreState(adam, { ...saved, state: { ...saved.state, t: "soon" as unknown as number } }),
      ),
    ).toBe('saved state: t must be a number, got "soon"');
  });

  it("keeps NaN and infinities of a diverged run through JSON", () => {
    const state = adam.init(2);
    (state.m as Float64Array).set([Number.NaN, Number.NEGATIVE_INFINITY]);
    const restored = restoreState(adam, JSON.parse(JSON.stringify(saveState(adam, state, 2))));
    expect(Array.from(restored.m as Float64Array)).toEqual([Number.NaN, Number.NEGATIVE_INFINITY]);
  });
});
