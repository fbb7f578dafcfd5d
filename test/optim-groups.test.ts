import { describe, expect, it } from "vitest";
import { createNetworkEntry, createNetworkOptimizer, networkSlots } from "../src/lab/network-optimizer.js";
import { BOOK_NETWORK, type NetworkConfig, networkLayout } from "../src/nn/layout.js";
import {
  assignGroups,
  type GroupAssignment,
  groupsSpecText,
  parameterGroups,
  parseGroupsSpec,
} from "../src/optim/groups.js";
import {
  createOptimizer,
  createSchedule,
  type OptimizerState,
  restoreState,
  saveState,
} from "../src/optim/index.js";

// A network small enough for exact comparisons: 6-4-4-3 (W1 6×4, W2 4×4, W3 4×3) and biases.
const TINY: NetworkConfig = { ...BOOK_NETWORK, inputSize: 6, hiddenSizes: [4, 4], outputSize: 3 };
const tiny = networkLayout(TINY);

/** Deterministic numbers in (−1, 1) (a linear congruential sequence; no Math.random). */
function numbers(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x / 2 ** 31 - 1;
  }
  return out;
}

describe("groups spec", () => {
  it("reads unnamed entries as hidden, then rest", () => {
    const spec = parseGroupsSpec("muon:lr=0.02 | adamw:lr=1e-3");
    expect(spec.entries).toEqual([
      { roles: ["hidden"], optimizer: "muon:lr=0.02" },
      { roles: ["rest"], optimizer: "adamw:lr=1e-3" },
    ]);
    expect(groupsSpecText(spec)).toBe("hidden=muon:lr=0.02 | rest=adamw:lr=1e-3");
  });

  it("reads named roles, lists of roles and * for rest", () => {
    const spec = parseGroupsSpec("hidden,input=muon:lr=0.02,weightDecay=0 | bias=adamw | *=sgd:lr=0.1");
    expect(spec.entries).toEqual([
      { roles: ["hidden", "input"], optimizer: "muon:lr=0.02,weightDecay=0" },
      { roles: ["bias"], optimizer: "adamw" },
      { roles: ["rest"], optimizer: "sgd:lr=0.1" },
    ]);
  });

  it("gives each slot of the book's network its role: W1 input, W2–W4 hidden, W5 output, b biases", () => {
    const slots = networkSlots(networkLayout(BOOK_NETWORK));
    expect(slots.map((s) => `${s.name}:${s.role}`)).toEqual([
      "W1:input",
      "b1:bias",
      "W2:hidden",
      "b2:bias",
      "W3:hidden",
      "b3:bias",
      "W4:hidden",
      "b4:bias",
      "W5:output",
      "b5:bias",
    ]);
  });

  it("routes by role: named roles first, rest for the others, matrices for all three weight roles", () => {
    const slots = networkSlots(networkLayout(BOOK_NETWORK));
    // entries: 0 = hidden, 1 = rest  →  W2, W3, W4 get 0; W1, W5 and every b get 1.
    expect(assignGroups(parseGroupsSpec("muon | adamw"), slots)).toEqual([1, 1, 0, 1, 0, 1, 0, 1, 1, 1]);
    // entries: 0 = matrices (W1…W5), 1 = bias.
    expect(assignGroups(parseGroupsSpec("matrices=soap | bias=adamw"), slots)).toEqual([
      0, 1, 0, 1, 0, 1, 0, 1, 0, 1,
    ]);
    // hidden and input to 0, output to 1, bias to 2.
    expect(assignGroups(parseGroupsSpec("hidden,input=muon | output=adamw | bias=sgd"), slots)).toEqual([
      0, 2, 0, 2, 0, 2, 0, 2, 1, 2,
    ]);
  });

  it("refuses mistakes with one line naming the field, the rule and the value", () => {
    const slots = networkSlots(tiny);
    expect(() => parseGroupsSpec("hiden=muon | adamw")).toThrow(
      /^groups: unknown role "hiden"; did you mean "hidden"\?/,
    );
    expect(() => assignGroups(parseGroupsSpec("bias=adamw | bias=sgd"), slots)).toThrow(
      'groups: role "bias" is given twice (entries 1 and 2); give each role to one optimizer',
    );
    expect(() => assignGroups(parseGroupsSpec("muon"), slots)).toThrow(
      /^groups: no optimizer for input W1, bias b1, bias b2, output W3, bias b3; name their roles or end with rest=OPTIMIZER/,
    );
    expect(() => parseGroupsSpec("muon | adamw | sgd")).toThrow(
      /^groups: only the first two entries may leave out their roles \(hidden, then rest\), got "sgd"/,
    );
    expect(() => parseGroupsSpec("muon || adamw")).toThrow(/^groups: an entry between two \| is empty/);
    expect(() => parseGroupsSpec("")).toThrow(/^groups must be written as ROLES=OPTIMIZER/);
  });

  it("answers Muon on the biases with what to do instead", () => {
    expect(() => createNetworkOptimizer("groups(hidden=adamw | rest=muon)", tiny)).toThrow(
      'groups: muon cannot update bias b1 (shape [4]): it updates 2-D weight matrices only; give the biases to adamw, e.g. "hidden=muon:lr=0.02 | rest=adamw:lr=1e-3"',
    );
    expect(() => createNetworkOptimizer("groups(matrices=adamw | bias=optax-muon)", tiny)).toThrow(
      /^groups: optax-muon cannot update bias b1 .*give the biases to adamw/,
    );
  });

  it("refuses L-BFGS in a group: it evaluates the objective over the whole buffer", () => {
    expect(() => createNetworkOptimizer("groups(hidden=lbfgs | rest=adamw)", tiny)).toThrow(
      /^groups: lbfgs \(hidden W2\) evaluates the objective itself/,
    );
  });
});

describe("the groups composite", () => {
  /** Runs the composite for `steps` steps and, beside it, each slot's optimizer alone on a copy of its slice. */
  function sideBySide(spec: string, steps: number, lrFactor: (k: number) => number = () => 1) {
    const made = createNetworkOptimizer(spec, tiny);
    const groups = made.groups as readonly GroupAssignment[];
    const params = numbers(tiny.size, 1);
    const state = made.optimizer.init(tiny.size, "float32");
    const alone = groups.map(({ slot, optimizer }) => {
      const p = params.slice(slot.offset, slot.offset + slot.length);
      const s = optimizer.init(slot.length, "float32", slot.shape.length === 2 ? slot.shape : undefined);
      return { slot, optimizer, p, s, lr0: s.lr as number };
    });
    for (let k = 1; k <= steps; k++) {
      const grads = numbers(tiny.size, 100 + k);
      state.lr = lrFactor(k);
      made.optimizer.step(params, grads, state);
      for (const a of alone) {
        a.s.lr = a.lr0 * lrFactor(k);
        a.optimizer.step(a.p, grads.subarray(a.slot.offset, a.slot.offset + a.slot.length), a.s);
      }
    }
    return { made, params, state, alone };
  }

  it("steps every slot exactly as that slot's optimizer steps it alone, bit for bit", () => {
    const { params, alone } = sideBySide("groups(hidden=muon:lr=0.02 | bias=adopt | rest=adamw:lr=1e-3)", 7);
    for (const a of alone) {
      expect(Array.from(params.subarray(a.slot.offset, a.slot.offset + a.slot.length))).toEqual(
        Array.from(a.p),
      );
    }
    expect(alone.map((a) => `${a.slot.name}:${a.optimizer.id}`)).toEqual([
      "W1:adamw",
      "b1:adopt",
      "W2:muon",
      "b2:adopt",
      "W3:adamw",
      "b3:adopt",
    ]);
  });

  it("multiplies every slot's own lr by the factor in state.lr (torch LambdaLR over param groups)", () => {
    const factor = (k: number) => 0.25 * k;
    const { params, alone } = sideBySide("groups(hidden=soap | rest=adamw:lr=1e-3)", 5, factor);
    for (const a of alone) {
      expect(Array.from(params.subarray(a.slot.offset, a.slot.offset + a.slot.length))).toEqual(
        Array.from(a.p),
      );
    }
  });

  it("keeps its state as plain data: slot fields prefixed by the slot name, and the factor lr = 1", () => {
    const made = createNetworkOptimizer("groups(hidden=muon | rest=adamw)", tiny);
    const state = made.optimizer.init(tiny.size, "float64");
    expect(state.lr).toBe(1);
    expect(Object.keys(state)).toContain("W2.b");
    expect(Object.keys(state)).toContain("b1.m");
    expect(Object.keys(state).some((key) => key.endsWith(".lr"))).toBe(false);
    expect((state["W1.m"] as Float64Array).length).toBe(24);
  });

  it("saves → JSON → resumes exactly where an uninterrupted run is", () => {
    const spec = "groups(hidden=muon:lr=0.02 | bias=schedule-free-adamw | rest=adamw:lr=1e-3)";
    const run = (split: number | null) => {
      let { optimizer } = createNetworkOptimizer(spec, tiny);
      const params = numbers(tiny.size, 3);
      let state: OptimizerState = optimizer.init(tiny.size, "float64");
      const schedule = createSchedule("warmup-cosine:warmup=3", { lr: 1, steps: 10 });
      const scheduleState = schedule.init(state);
      const p64 = Float64Array.from(params);
      for (let k = 1; k <= 10; k++) {
        if (k === split) {
          const text = JSON.stringify(saveState(optimizer, state, tiny.size, "float64"));
          optimizer = createNetworkOptimizer(spec, tiny).optimizer; // a fresh process
          state = restoreState(optimizer, JSON.parse(text));
        }
        schedule.apply(scheduleState, state);
        optimizer.step(p64, Float64Array.from(numbers(tiny.size, 50 + k)), state);
        schedule.advance(scheduleState);
      }
      return Array.from(p64);
    };
    expect(run(4)).toEqual(run(null));
  });

  it("evaluates Schedule-Free slots at x and the others at their iterate", () => {
    const { optimizer, groups } = createNetworkOptimizer(
      "groups(hidden=schedule-free-adamw | rest=sgd)",
      tiny,
    );
    const params = Float64Array.from(numbers(tiny.size, 9));
    const state = optimizer.init(tiny.size);
    for (let k = 1; k <= 4; k++) optimizer.step(params, Float64Array.from(numbers(tiny.size, 20 + k)), state);
    const out = new Float64Array(tiny.size);
    optimizer.evaluationPoint?.(params, state, out);
    const hidden = (groups as readonly GroupAssignment[]).find((g) => g.slot.role === "hidden")!;
    const { slot } = hidden;
    const alone = new Float64Array(slot.length);
    const sub: OptimizerState = { lr: hidden.optimizer.hp.lr as number, lrNext: Number.NaN };
    for (const [key, value] of Object.entries(state))
      if (key.startsWith(`${slot.name}.`)) sub[key.slice(slot.name.length + 1)] = value;
    hidden.optimizer.evaluationPoint?.(params.subarray(slot.offset, slot.offset + slot.length), sub, alone);
    expect(Array.from(out.subarray(slot.offset, slot.offset + slot.length))).toEqual(Array.from(alone));
    const w1 = networkSlots(tiny)[0];
    expect(Array.from(out.subarray(w1.offset, w1.offset + w1.length))).toEqual(
      Array.from(params.subarray(w1.offset, w1.offset + w1.length)),
    );
    expect(Array.from(out.subarray(slot.offset, slot.offset + slot.length))).not.toEqual(
      Array.from(params.subarray(slot.offset, slot.offset + slot.length)),
    );
  });

  it("refuses a buffer of another size and overlapping slots", () => {
    const { optimizer } = createNetworkOptimizer("groups(hidden=muon | rest=adamw)", tiny);
    expect(() => optimizer.init(tiny.size + 1)).toThrow(
      `groups: made for a buffer of ${tiny.size} numbers, asked for ${tiny.size + 1}`,
    );
    const slot = { name: "a", offset: 0, length: 4, shape: [4], role: "bias" };
    expect(() =>
      parameterGroups(
        [
          { slot, label: "sgd", optimizer: createOptimizer("sgd") },
          { slot: { ...slot, name: "b", offset: 2 }, label: "sgd", optimizer: createOptimizer("sgd") },
        ],
        8,
      ),
    ).toThrow("groups: slot b [2, 6) overlaps another or leaves the buffer of 8");
  });
});

describe("network specs", () => {
  it("gives Muon alone the reference recipe: Muon on the hidden matrices, AdamW on W1, the head and the biases", () => {
    const made = createNetworkOptimizer("muon:lr=0.05", networkLayout(BOOK_NETWORK));
    expect(made.groups?.map((g) => `${g.slot.name}:${g.label}`)).toEqual([
      "W1:adamw",
      "b1:adamw",
      "W2:muon lr=0.05",
      "b2:adamw",
      "W3:muon lr=0.05",
      "b3:adamw",
      "W4:muon lr=0.05",
      "b4:adamw",
      "W5:adamw",
      "b5:adamw",
    ]);
    expect(made.description).toBe(
      "adamw on input W1 (784×100); bias b1, b2, b3, b4, b5; output W5 (100×10) — muon lr=0.05 on hidden W2 (100×100), W3 (100×100), W4 (100×100)",
    );
  });

  it("gives SOAP one instance per slot with its shape, and other optimizers the whole buffer", () => {
    const soap = createNetworkOptimizer("soap:maxPrecondDim=100", tiny);
    expect(soap.groups?.length).toBe(6);
    const adam = createNetworkOptimizer("adam", tiny);
    expect(adam.groups).toBeNull();
    expect(adam.optimizer.id).toBe("adam");
  });

  it("reads a schedule after @ with run defaults: the lr for one optimizer, the factor 1 for groups", () => {
    const plain = createNetworkEntry("adamw:lr=0.004 @ warmup-cosine:warmup=10", tiny, 100);
    expect(plain.schedule?.spec.options.peakValue).toBe(0.004);
    const grouped = createNetworkEntry("muon @ warmup-cosine:warmup=10", tiny, 100);
    expect(grouped.schedule?.spec.options.peakValue).toBe(1);
    expect(grouped.description).toMatch(
      /; schedule warmup-cosine:warmup=10 as a factor on every group's lr$/,
    );
    expect(() => createNetworkEntry("adamw @ ", tiny, 100)).toThrow(/^write OPTIMIZER @ SCHEDULE/);
  });
});
