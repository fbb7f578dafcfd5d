import type { RenderedFigure } from "../plot/index.js";
import { writeFilesTogether } from "../util/files.js";
import { svgToPng } from "./png.js";

/**
 * The one way a figure reaches the disk: `ID.svg`, `ID.png` (rendered by resvg), `ID.json` (the data behind it,
 * when the figure has any) and its extra files (`ID.csv`, …), all written together or none of them.
 * Returns the file names, in that order.
 */
export function writeFigureFiles(figure: RenderedFigure, folder: string): string[] {
  const entries = [
    { name: `${figure.id}.svg`, data: figure.svg },
    { name: `${figure.id}.png`, data: svgToPng(figure.svg) },
    ...(figure.data === undefined
      ? []
      : [{ name: `${figure.id}.json`, data: `${JSON.stringify(figure.data, null, 1)}\n` }]),
    ...figure.files.map((file) => ({ name: `${figure.id}${file.suffix}`, data: file.text })),
  ];
  return writeFilesTogether(folder, entries);
}
