import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Resvg } from "@resvg/resvg-js";

const FONT_RELATIVE = join("assets", "fonts", "DejaVuSans.ttf");

/**
 * The bundled font (DejaVu Sans, Bitstream Vera licence, assets/fonts/): resvg draws no text
 * without a font file, and a fresh machine may have no system fonts. Found by walking up from this
 * module, which works both from `src/` (tests) and from `build/src/` (the installed command).
 */
export function bundledFontPath(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 8; depth++) {
    const candidate = join(folder, FONT_RELATIVE);
    if (existsSync(candidate)) return candidate;
    folder = dirname(folder);
  }
  throw new Error(`optlab: bundled font ${FONT_RELATIVE} not found above ${import.meta.url}`);
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
