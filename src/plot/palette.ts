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
