import { existsSync } from "node:fs";
import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { projectPath } from "../util/project.js";

const FONT_RELATIVE = join("assets", "fonts", "DejaVuSans.ttf");

/**
 * The bundled font (DejaVu Sans, Bitstream Vera licence, assets/fonts/): resvg draws no text
 * without a font file, and a fresh machine may have no system fonts.
 */
export function bundledFontPath(): string {
  const path = projectPath(FONT_RELATIVE);
  if (!existsSync(path)) throw new Error(`optlab: bundled font ${path} not found`);
  return path;
}

export interface PngOptions {
  /** Output width in pixels; the height follows the SVG's aspect ratio. Default: 2× the SVG width. */
  readonly width?: number;
}

/** Rasterizes an SVG document to PNG bytes with resvg, using only the bundled font. */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  const resvg = new Resvg(svg, {
    background: "white",
    fitTo: options.width === undefined ? { mode: "zoom", value: 2 } : { mode: "width", value: options.width },
    font: {
      fontFiles: [bundledFontPath()],
      loadSystemFonts: false,
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    },
  });
  return resvg.render().asPng();
}
