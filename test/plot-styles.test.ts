import { describe, expect, it } from "vitest";
import {
  type CollectedRun,
  parseExperiment,
  type RunHeader,
  runExperiment,
  smoothCurve,
} from "../src/lab/index.js";
import { SEARCH_SPACES } from "../src/lab/search-spaces.js";
import { optimizerIds } from "../src/optim/index.js";
import {
  mnistLossFigure,
  OKABE_ITO,
  optimizerRank,
  optimizerStyle,
  optimizerStyles,
  renderFigure,
} from "../src/plot/index.js";
import { createDocument } from "../src/report/index.js";

/** Legend entries of a figure: label → stroke colour and dash of its line sample. */
function legendStyles(svg: string): Map<string, string> {
  const entries = new Map<string, string>();
  const pattern =
    /<path d="M8,[\d.]+L40,[\d.]+" stroke="(#[0-9A-Fa-f]{6})" stroke-width="2"(?: stroke-dasharray="([^"]+)")?\/><g[^>]*>.*?<\/g><text[^>]*>([^<]+)<\/text>/g;
  for (const match of svg.matchAll(pattern)) entries.set(match[3], `${match[1]} ${match[2] ?? "none"}`);
  return entries;
}

function legendOrder(svg: string): string[] {
  return [...legendStyles(svg).keys()];
}

function trajectoriesFigure(optimizers: string[], layout: "overlay" | "panels" = "overlay"): string {
  const experiment = parseExperiment({
    figure: "trajectories",
    function: "quadratic",
    steps: 5,
    optimizers,
    layout,
    contour: { step: 0.5 },
  });
  return renderFigure(runExperiment(experiment), createDocument()).svg;
}

function lossesFigure(optimizers: string[]): string {
  const experiment = parseExperiment({ figure: "losses", function: "quadratic", steps: 5, optimizers });
  return renderFigure(runExperiment(experiment), createDocument()).svg;
}

function mnistFigure(labels: string[]): string {
  const header: RunHeader = {
    type: "run",
    version: 1,
    optimizers: labels,
    iterations: 20,
    batchSize: 8,
    seeds: [1],
    evalEvery: 0,
    data: "mnist",
    engine: "reference",
    network: { hiddenSizes: [4], activation: "relu", weightDecayLambda: 0 },
  };
  const runs: CollectedRun[] = labels.map((label, k) => {
    const losses = Float64Array.from({ length: 20 }, (_, i) => 0.9 - i * 0.01 * (k + 1));
    return { label, seed: 1, losses, smoothed: smoothCurve(losses), evaluations: [] };
  });
  return mnistLossFigure(createDocument(), runs, header, "made up");
}

describe("one look per optimizer", () => {
  it("gives every registered optimizer its own style, the book's six the first six colours", () => {
    const ids = optimizerIds();
    const styles = ids.map((id) => JSON.stringify(optimizerStyle(id)));
    expect(new Set(styles).size).toBe(ids.length);
    ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"].forEach((id, i) => {
      expect(optimizerStyle(id).color).toBe(OKABE_ITO[i]);
      expect(optimizerStyle(id).dash).toBe("none");
    });
    // A library counterpart keeps its original's colour and marker, dashed.
    expect(optimizerStyle("torch-adam").color).toBe(optimizerStyle("adam").color);
    expect(optimizerStyle("torch-adam").dash).not.toBe("none");
  });

  it("keeps an optimizer's style whatever its position or company in a figure", () => {
    expect(optimizerStyles(["adam", "sgd"])[0]).toEqual(optimizerStyles(["sgd", "momentum", "adam"])[2]);
    // The same optimizer twice in one figure: same colour and marker, another dash.
    const [first, second] = optimizerStyles(["sgd", "sgd"]);
    expect(second.color).toBe(first.color);
    expect(second.marker).toBe(first.marker);
    expect(second.dash).not.toBe(first.dash);
  });

  it("draws the same optimizer identically in two different figures (trajectories, losses, MNIST loss)", () => {
    const a = legendStyles(
      trajectoriesFigure(["sgd:lr=0.95", "momentum:lr=0.1", "adagrad:lr=1.5", "adam:lr=0.3"]),
    );
    const b = legendStyles(lossesFigure(["adam:lr=0.3", "sgd:lr=0.95"]));
    const c = legendStyles(mnistFigure(["adam", "rmsprop", "sgd"]));
    const byId = (map: Map<string, string>, id: string) =>
      [...map.entries()].find(([label]) => label.toLowerCase().startsWith(id))?.[1];
    for (const id of ["sgd", "adam"]) {
      expect(byId(a, id), id).toBeDefined();
      expect(byId(b, id)).toBe(byId(a, id));
      expect(byId(c, id)).toBe(byId(a, id));
    }
    expect(byId(c, "rmsprop")).toBe(`${optimizerStyle("rmsprop").color} none`);
  });

  it("lists optimizers in one legend order everywhere (the registry's), whatever the order given", () => {
    const order = legendOrder(lossesFigure(["adam:lr=0.3", "momentum:lr=0.1", "sgd:lr=0.95"]));
    expect(order.map((label) => label.split(/[\s:]/)[0].toLowerCase())).toEqual(["sgd", "momentum", "adam"]);
    expect(legendOrder(mnistFigure(["adam", "sgd"]))).toEqual(["sgd", "adam"]);
    expect(optimizerRank("sgd")).toBeLessThan(optimizerRank("adam"));
  });

  it("tells the fair tier's nine apart in one figure: no colour and marker twice, no colour more than twice", () => {
    const ids = SEARCH_SPACES.map((space) => space.id);
    expect(ids).toHaveLength(9);
    const styles = ids.map(optimizerStyle);
    expect(new Set(styles.map((s) => `${s.color} ${s.marker}`)).size).toBe(9);
    expect(new Set(styles.map((s) => `${s.color} ${s.dash}`)).size).toBe(9);
    const perColour = new Map<string, number>();
    for (const s of styles) perColour.set(s.color, (perColour.get(s.color) ?? 0) + 1);
    expect(Math.max(...perColour.values())).toBeLessThanOrEqual(2);
    expect(perColour.size).toBe(7);
  });
});
