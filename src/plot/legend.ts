import {
  type SymbolType,
  symbol,
  symbolCircle,
  symbolCross,
  symbolDiamond,
  symbolSquare,
  symbolStar,
  symbolTimes,
  symbolTriangle,
  symbolWye,
} from "d3";
import { optimizerRank, type SeriesStyle } from "./palette.js";
import { escapeXml, type Panel, wrapText } from "./svg.js";

const SYMBOLS: Record<SeriesStyle["marker"], SymbolType> = {
  circle: symbolCircle,
  square: symbolSquare,
  triangle: symbolTriangle,
  diamond: symbolDiamond,
  cross: symbolCross,
  star: symbolStar,
  wye: symbolWye,
  times: symbolTimes,
};

/** The same d3 symbol Plot draws for `symbol: marker, r` (Plot's symbol size is π·r²). */
function markerPath(marker: SeriesStyle["marker"], x: number, y: number, r: number): string {
  const d = symbol(SYMBOLS[marker], Math.PI * r * r)() ?? "";
  return `<path transform="translate(${x},${y})" d="${d}"/>`;
}

/**
 * A legend as its own panel: line sample with the series' dash and marker, then the label.
 * Hand-written because Plot's legends are HTML for colour and symbol scales, not line styles;
 * the markers are the d3 symbols Plot's dots use.
 */
export function legendPanel(
  entries: readonly { label: string; style: SeriesStyle; id?: string }[],
  width: number,
): Panel {
  const rowHeight = 17;
  const parts: string[] = [];
  let y = 8;
  // Entries that name their optimizer are listed in the one legend order of every figure (the registry's).
  const ordered = entries.every((e) => e.id !== undefined)
    ? [...entries].sort((a, b) => optimizerRank(a.id as string) - optimizerRank(b.id as string))
    : entries;
  for (const { label, style } of ordered) {
    const lines = wrapText(label, width - 60, 11);
    const cy = y + rowHeight / 2;
    const dash = style.dash === "none" ? "" : ` stroke-dasharray="${style.dash}"`;
    parts.push(
      `<path d="M8,${cy}L40,${cy}" stroke="${style.color}" stroke-width="2"${dash}/>`,
      `<g fill="${style.color}" stroke="${style.color}">${markerPath(style.marker, 24, cy, 3.5)}</g>`,
    );
    lines.forEach((line, i) => {
      parts.push(`<text x="48" y="${cy + 4 + i * 13}" font-size="11">${escapeXml(line)}</text>`);
    });
    y += rowHeight + (lines.length - 1) * 13;
  }
  const height = y + 8;
  return {
    svg: `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join("")}</svg>`,
    width,
    height,
  };
}
