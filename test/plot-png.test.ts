import { existsSync } from "node:fs";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { composeFigure } from "../src/plot/svg.js";
import { bundledFontPath, svgToPng } from "../src/report/png.js";

/** Decodes a PNG and counts pixels darker than `level` (all channels) inside a rectangle. */
function darkPixels(png: PNG, x0: number, y0: number, x1: number, y1: number, level = 100): number {
  let count = 0;
  for (let y = y0; y < Math.min(y1, png.height); y++) {
    for (let x = x0; x < Math.min(x1, png.width); x++) {
      const i = 4 * (y * png.width + x);
      if (png.data[i] < level && png.data[i + 1] < level && png.data[i + 2] < level) count++;
    }
  }
  return count;
}

const panel = {
  svg: '<svg width="200" height="100"><rect x="10" y="10" width="180" height="80" fill="#0072B2"/></svg>',
  width: 200,
  height: 100,
};

describe("PNG rendering", () => {
  it("ships its own font so text renders on a machine without fonts", () => {
    expect(existsSync(bundledFontPath())).toBe(true);
  });

  it("renders at twice the SVG size by default, not blank, with title text drawn", () => {
    const svg = composeFigure({ id: "png", title: "Title text HHHH", panels: [panel] });
    const png = PNG.sync.read(Buffer.from(svgToPng(svg)));
    const width = Number(/width="(\d+)"/.exec(svg)?.[1]);
    const height = Number(/height="(\d+)"/.exec(svg)?.[1]);
    expect(png.width).toBe(2 * width);
    expect(png.height).toBe(2 * height);
    // The blue panel fills part of the image …
    let blue = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i] < 40 && png.data[i + 2] > 150) blue++;
    expect(blue).toBeGreaterThan(1000);
    // … and the title's glyphs put dark pixels in the title band (y 10–30 in SVG units).
    expect(darkPixels(png, 0, 20, png.width, 60)).toBeGreaterThan(200);
  });

  it("leaves the title band white when there is no text, so the text check means something", () => {
    const svg = composeFigure({ id: "png", title: "", panels: [panel] });
    const png = PNG.sync.read(Buffer.from(svgToPng(svg)));
    expect(darkPixels(png, 0, 0, png.width, 20)).toBe(0);
  });

  it("renders to a requested width", () => {
    const svg = composeFigure({ id: "png", title: "T", panels: [panel] });
    expect(PNG.sync.read(Buffer.from(svgToPng(svg, { width: 300 }))).width).toBe(300);
  });
});
