/**
 * Every figure of optlab as SVG text, from plain data (Observable Plot marks composed into one figure).
 * The figure functions take a `document` (a browser's, or linkedom's in Node: `src/report/dom.ts`); PNG rendering
 * and writing files happen at the edge (`src/report/figure-files.ts`).
 */
export * from "./clip.js";
export * from "./compare-figures.js";
export * from "./figures.js";
export * from "./grid.js";
export * from "./legend.js";
export * from "./mnist-figures.js";
export * from "./mnist-landscape.js";
export * from "./palette.js";
export * from "./planar.js";
export * from "./registry.js";
export * from "./series.js";
export * from "./surface.js";
export * from "./svg.js";
export * from "./timing.js";
export * from "./types.js";
