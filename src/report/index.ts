/**
 * Results turned into facts, sentences, tables and pages: the seed report (`optlab all`), the comparison report
 * (`optlab compare`), the MNIST files, and the one writer of a figure's files (SVG, PNG through resvg, data).
 * Calls `src/run/` with typed plans, never a command.
 */
export * from "./answers.js";
export * from "./compare-report.js";
export * from "./compare-tables.js";
export { createDocument } from "./dom.js";
export * from "./facts.js";
export { writeFigureFiles } from "./figure-files.js";
export { howToRead } from "./how-to-read.js";
export { writeMnistFiles } from "./mnist-files.js";
export * from "./page.js";
export { bundledFontPath, svgToPng } from "./png.js";
export * from "./rules.js";
export * from "./seed-pieces.js";
export * from "./seed-report.js";
