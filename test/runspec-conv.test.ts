import { describe, expect, it } from "vitest";
import { createNetworkOptimizer, networkSlots } from "../src/lab/network-optimizer.js";
import { checkRunSpec, executeRunSpec, type RunSpec } from "../src/lab/runspec.js";
import { evaluateOnSet } from "../src/lab/train.js";
import { createConvReferenceEngine } from "../src/nn/conv-engine.js";
import { BOOK_CONV_NETWORK, convNetLayout } from "../src/nn/conv-layout.js";
import { createReferenceEngine } from "../src/nn/reference-engine.js";
import { loadMnistSample } from "../src/run/datasets.js";

/** A conv run small enough for the plain TypeScript engine: 6 updates of 4 images, the conv net's affine 8 wide. */
const conv: RunSpec = {
  kind: "mnist",
  id: "c/adamw/1",
  data: "mnist",
  validation: 40,
  network: "conv",
  hidden: [8],
  optimizer: { id: "adamw", hp: { lr: 0.002 } },
  seed: 5,
  iterations: 6,
  batchSize: 4,
  evalEvery: 3,
  test: false,
  trainEval: 0,
  target: 0,
  schedule: "warmup-cosine:warmupSteps=2",
  curveLoss: "pre-update",
};

describe("run specs of the conv network", () => {
  it("checks the network field and the conv net's one affine width, one line each", () => {
    expect(checkRunSpec(conv).network).toBe("conv");
    expect(() => checkRunSpec({ ...conv, network: "cnn" })).toThrow(
      /^run spec: network must be "mlp" or "conv", got "cnn"$/,
    );
    expect(() => checkRunSpec({ ...conv, hidden: [8, 8] })).toThrow(
      /^run spec: hidden must hold one width \(the conv network's affine layer\) when network is "conv", got \[8,8\]$/,
    );
    expect(() => checkRunSpec({ ...conv, curveLoss: "after" })).toThrow(
      /^run spec: curveLoss must be "post-update" or "pre-update", got "after"$/,
    );
  });

  it("gives the conv net's matrices their roles: W1 (as 30×25 filters) input, W2 hidden, W3 output", () => {
    const slots = networkSlots(convNetLayout(BOOK_CONV_NETWORK));
    expect(slots.map((s) => `${s.name}:${s.role}:${s.shape.join("×")}`)).toEqual([
      "W1:input:30×25",
      "b1:bias:30",
      "W2:hidden:4320×100",
      "b2:bias:100",
      "W3:output:100×10",
      "b3:bias:10",
    ]);
    // Muon's reference recipe on the conv net: Muon on the hidden matrix only.
    const made = createNetworkOptimizer("muon", convNetLayout(BOOK_CONV_NETWORK));
    expect(made.description).toBe(
      "adamw on input W1 (30×25); bias b1, b2, b3; output W3 (100×10) — muon on hidden W2 (4320×100)",
    );
  });

  it("trains the conv net from its own init, under the schedule, and refuses a host without a conv engine", () => {
    const data = loadMnistSample();
    let made: ReturnType<typeof createConvReferenceEngine> | undefined;
    const environment = {
      loadData: () => data,
      engineFactory: createReferenceEngine,
      convEngineFactory: ((net, networks, batch) => {
        made = createConvReferenceEngine(net, networks, batch);
        return made;
      }) as typeof createConvReferenceEngine,
      now: () => 0,
    };
    const result = executeRunSpec(conv, environment);
    expect(result.status).toBe("ok");
    expect(result.evaluations.map((e) => e.iteration)).toEqual([0, 3, 6]);
    expect(result.lr?.slice(0, 3)).toEqual([0, 0.001, 0.002]);
    expect(result.curve).toHaveLength(1);
    // Update 0's evaluation is the conv network's He init (not the MLP's) on the 40 held-out images.
    const engine = createConvReferenceEngine({ ...BOOK_CONV_NETWORK, hiddenSize: 8 }, 1, 256);
    engine.params(0).set(engine.initialParameters(5));
    const heldOut = {
      ...data.train,
      count: 40,
      pixels: data.train.pixels.subarray((data.train.count - 40) * 784),
      labels: data.train.labels.subarray(data.train.count - 40),
    };
    expect(result.evaluations[0].loss).toBe(evaluateOnSet(engine, 0, heldOut).loss);
    expect(made?.net.hiddenSize).toBe(8);
    expect(() => executeRunSpec(conv, { ...environment, convEngineFactory: undefined })).toThrow(
      'run spec c/adamw/1: network "conv" needs a host with the conv engine',
    );
  });
});
