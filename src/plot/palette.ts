import { canonicalOptimizerName, optimizerIds } from "../optim/index.js";

/**
 * Series styles: the Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008, "Color Universal
 * Design"), each colour paired with its own marker and dash pattern so series stay distinct in grey
 * print and for every kind of colour vision. Yellow comes last: it is hard to see on white.
 */
export const OKABE_ITO = [
  "#0072B2", // blue
  "#D55E00", // vermillion
  "#009E73", // bluish green
  "#CC79A7", // reddish purple
  "#E69F00", // orange
  "#56B4E9", // sky blue
  "#000000", // black
  "#F0E442", // yellow
] as const;

/** Plot's symbol names, most distinct first. */
export const MARKERS = ["circle", "square", "triangle", "diamond", "cross", "star", "wye", "times"] as const;

/** SVG stroke-dasharray values; "none" is a solid line. */
export const DASHES = ["none", "6 3", "2 2", "8 3 2 3", "4 4", "1 3", "10 4", "3 3 1 3"] as const;

export interface SeriesStyle {
  readonly color: string;
  readonly marker: (typeof MARKERS)[number];
  readonly dash: (typeof DASHES)[number];
}

/** The style of the i-th series (wraps around after eight). */
export function seriesStyle(index: number): SeriesStyle {
  const i = ((index % OKABE_ITO.length) + OKABE_ITO.length) % OKABE_ITO.length;
  return { color: OKABE_ITO[i], marker: MARKERS[i], dash: DASHES[i] };
}

/** Plot line options for a series: its colour, the given width and its dash pattern. */
export function lineStyle(
  style: SeriesStyle,
  strokeWidth = 1.5,
): { stroke: string; strokeWidth: number; strokeDasharray: string | undefined } {
  return {
    stroke: style.color,
    strokeWidth,
    strokeDasharray: style.dash === "none" ? undefined : style.dash,
  };
}

/** Colour of the divergence marker and its label. */
export const DIVERGENCE_COLOR = "#D55E00";
/** Colour of contour lines: neutral so the coloured paths stand out. */
export const CONTOUR_SCHEME = "greys";

/**
 * One look per optimizer: the style belongs to the optimizer's id, in every figure, the report and the
 * playground. The book's six (the homework's figures) take the first six colours and markers, solid; each
 * torch/optax counterpart keeps its original's colour and marker with a dashed line; every other optimizer gets
 * a fixed colour × marker pair from its name, never from its position in a figure.
 */
const BASE_STYLES: Readonly<Record<string, number>> = {
  sgd: 0,
  momentum: 1,
  nesterov: 2,
  adagrad: 3,
  rmsprop: 4,
  adam: 5,
};
/** Library counterparts that share their original's colour and marker (dashed). */
const COUNTERPARTS: Readonly<Record<string, string>> = {
  "torch-sgd": "sgd",
  "torch-adagrad": "adagrad",
  "torch-rmsprop": "rmsprop",
  "torch-adam": "adam",
  adamw: "adam",
};

/**
 * The fair tier's nine (issue 12) are drawn together in its profile and tunability figures: beside adamw and
 * torch-sgd (counterparts above) the other seven get fixed styles, five colours the counterparts leave free and
 * two repeats (soap with torch-sgd's blue, lion with muon's vermillion) told apart by marker and dash.
 */
const MODERN_STYLES: Readonly<Record<string, SeriesStyle>> = {
  nadam: { color: OKABE_ITO[3], marker: "times", dash: "4 4" },
  muon: { color: OKABE_ITO[1], marker: "wye", dash: "8 3 2 3" },
  "schedule-free-adamw": { color: OKABE_ITO[2], marker: "square", dash: "4 4" },
  prodigy: { color: OKABE_ITO[6], marker: "circle", dash: "8 3 2 3" },
  adopt: { color: OKABE_ITO[4], marker: "diamond", dash: "2 2" },
  soap: { color: OKABE_ITO[0], marker: "cross", dash: "1 3" },
  lion: { color: OKABE_ITO[1], marker: "triangle", dash: "10 4" },
};

function hashName(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

function hashedStyle(key: string, salt: number): SeriesStyle {
  const h = hashName(`${key}#${salt}`);
  // Seven strong colours (yellow is too faint on white), a marker and a dash, all from the name.
  return {
    color: OKABE_ITO[h % 7],
    marker: MARKERS[(h >>> 3) % MARKERS.length],
    dash: DASHES[1 + ((h >>> 6) % (DASHES.length - 1))],
  };
}

function fixedStyle(key: string): SeriesStyle | undefined {
  const base = BASE_STYLES[key];
  if (base !== undefined) return { color: OKABE_ITO[base], marker: MARKERS[base], dash: "none" };
  const modern = MODERN_STYLES[key];
  if (modern !== undefined) return modern;
  const original = COUNTERPARTS[key];
  if (original === undefined) return undefined;
  const i = BASE_STYLES[original];
  return { color: OKABE_ITO[i], marker: MARKERS[i], dash: key === "adamw" ? "2 2" : "6 3" };
}

let registered: Map<string, SeriesStyle> | undefined;

/**
 * Every registered optimizer's style, distinct from all others: the fixed ones first, then the rest in
 * alphabetical order (not registry order, so a new optimizer never moves an old one unless they collide), each
 * taking the first salted hash of its name that no earlier optimizer uses.
 */
function registeredStyles(): Map<string, SeriesStyle> {
  if (registered) return registered;
  const styles = new Map<string, SeriesStyle>();
  const used = new Set<string>();
  const ids = optimizerIds().map((id) => id.toLowerCase());
  for (const id of ids) {
    const style = fixedStyle(id);
    if (style) {
      styles.set(id, style);
      used.add(JSON.stringify(style));
    }
  }
  for (const id of [...ids].sort()) {
    if (styles.has(id)) continue;
    for (let salt = 0; ; salt++) {
      const style = hashedStyle(id, salt);
      const key = JSON.stringify(style);
      if (used.has(key) && salt < 1000) continue;
      styles.set(id, style);
      used.add(key);
      break;
    }
  }
  registered = styles;
  return styles;
}

/** The fixed style of an optimizer id (`adam`, `torch-adam`, `lion`, …); unknown names get one from their name. */
export function optimizerStyle(id: string): SeriesStyle {
  const key = id.trim().toLowerCase();
  return fixedStyle(key) ?? registeredStyles().get(key) ?? hashedStyle(key, 0);
}

/**
 * Styles for the series of one figure, by optimizer id: each id its fixed style; when the same optimizer appears
 * twice in one figure (two learning rates), the repeats keep colour and marker and take the next dash patterns.
 */
export function optimizerStyles(ids: readonly string[]): SeriesStyle[] {
  const seen = new Map<string, number>();
  return ids.map((id) => {
    const style = optimizerStyle(id);
    const count = seen.get(id) ?? 0;
    seen.set(id, count + 1);
    if (count === 0) return style;
    const dash = DASHES[(DASHES.indexOf(style.dash) + count) % DASHES.length];
    return { ...style, dash };
  });
}

/** The optimizer id of a series label or spec such as `adam:lr=0.3`, `adam lr=0.3` or `torch.optim.Adam`. */
export function optimizerIdOfLabel(label: string): string {
  return canonicalOptimizerName(label.trim().split(/[:\s]/)[0]);
}

/** Where an optimizer stands in every legend: the registry's order (the book's six first); unknown ids last. */
export function optimizerRank(id: string): number {
  const index = optimizerIds().indexOf(optimizerIdOfLabel(id));
  return index < 0 ? Number.MAX_SAFE_INTEGER : index;
}
