import { interpolateTurbo, color as parseColor, ticks } from "d3";
import { optimizerIdOfLabel, optimizerStyles, type SeriesStyle } from "./palette.js";
import { escapeXml, type Panel, svgNumber } from "./svg.js";

/**
 * A 3D surface as a projected mesh. Observable Plot has no 3D marks and d3 has no 3D renderer, so
 * this one is drawn by hand: an orthographic projection at matplotlib's default view (azimuth −60°,
 * elevation 30°), quads sorted back to front (painter's algorithm — exact for a height field seen
 * from above at a fixed view, since quads never interpenetrate), coloured by height with d3's Turbo
 * map (a rainbow-like map like matplotlib's "rainbow"), inside the three far panes of an axes box.
 */

/** Heights on a node grid: z[j * xs.length + i] = f(xs[i], ys[j]). */
export interface SurfaceData {
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  readonly z: Float64Array;
}

/** A path drawn on the surface: points (x, y, f(x, y)). */
export interface SurfacePath {
  readonly label: string;
  readonly points: readonly (readonly [number, number, number])[];
  /** The path's style (default: the fixed style of the optimizer its label names). */
  readonly style?: SeriesStyle;
}

export interface SurfacePanelOptions {
  readonly width?: number;
  readonly height?: number;
  readonly azimuth?: number;
  readonly elevation?: number;
  readonly paths?: readonly SurfacePath[];
}

/** Samples f on the nodes of an n × n grid over x × y (np.linspace semantics: both ends included). */
export function sampleSurface(
  f: (x: number, y: number) => number,
  x: readonly [number, number],
  y: readonly [number, number],
  n: number,
): SurfaceData {
  const line = (a: readonly [number, number]) =>
    Array.from({ length: n }, (_, i) => a[0] + ((a[1] - a[0]) * i) / (n - 1));
  const xs = line(x);
  const ys = line(y);
  const z = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) z[j * n + i] = f(xs[i], ys[j]);
  return { xs, ys, z };
}

type Projector = (x: number, y: number, z: number) => [number, number, number];

function projector(
  data: SurfaceData,
  zRange: [number, number],
  width: number,
  height: number,
  azimuthDeg: number,
  elevationDeg: number,
): Projector {
  const [x0, x1] = [data.xs[0], data.xs[data.xs.length - 1]];
  const [y0, y1] = [data.ys[0], data.ys[data.ys.length - 1]];
  const az = (azimuthDeg * Math.PI) / 180;
  const el = (elevationDeg * Math.PI) / 180;
  // Camera direction d, screen right r and screen up u (orthonormal).
  const d = [Math.cos(el) * Math.cos(az), Math.cos(el) * Math.sin(az), Math.sin(el)];
  const r = [-Math.sin(az), Math.cos(az), 0];
  const u = [-Math.sin(el) * Math.cos(az), -Math.sin(el) * Math.sin(az), Math.cos(el)];
  const scale = Math.min(width, height) * 0.62;
  const cx = width / 2;
  const cy = height / 2 + height * 0.03;
  const zSpan = zRange[1] - zRange[0] || 1;
  return (x, y, z) => {
    // Normalized box: x, y in [−0.5, 0.5], z in [−0.35, 0.35].
    const X = (x - x0) / (x1 - x0) - 0.5;
    const Y = (y - y0) / (y1 - y0) - 0.5;
    const Z = ((z - zRange[0]) / zSpan - 0.5) * 0.7;
    const sx = X * r[0] + Y * r[1];
    const sy = X * u[0] + Y * u[1] + Z * u[2];
    const depth = X * d[0] + Y * d[1] + Z * d[2];
    return [cx + sx * scale, cy - sy * scale, depth];
  };
}

/** One decimal is a tenth of a pixel: enough for a mesh of 10 000 quads, and a much smaller file. */
function meshNumber(value: number): string {
  return svgNumber(Math.round(value * 10) / 10);
}

function polygon(points: readonly (readonly [number, number, number])[]): string {
  return `M${points.map((p) => `${meshNumber(p[0])},${meshNumber(p[1])}`).join("L")}Z`;
}

/** Renders the surface panel (no title; compose it with `composeFigure`). */
export function surfacePanel(data: SurfaceData, options: SurfacePanelOptions = {}): Panel {
  const width = options.width ?? 620;
  const height = options.height ?? 500;
  const nx = data.xs.length;
  const ny = data.ys.length;
  let zMin = Number.POSITIVE_INFINITY;
  let zMax = Number.NEGATIVE_INFINITY;
  for (const v of data.z) {
    if (Number.isFinite(v)) {
      zMin = Math.min(zMin, v);
      zMax = Math.max(zMax, v);
    }
  }
  if (!(zMin <= zMax)) throw new Error("surface: no finite value to draw");
  const plotWidth = width - 90; // room for the colour bar
  const project = projector(
    data,
    [zMin, zMax],
    plotWidth,
    height,
    options.azimuth ?? -60,
    options.elevation ?? 30,
  );
  // 256 colour steps as hex: short attributes, and the same colour text for the same height band.
  const palette = Array.from(
    { length: 256 },
    (_, k) => parseColor(interpolateTurbo(k / 255))?.formatHex() ?? "#000",
  );
  const colour = (z: number) => palette[Math.round((255 * (z - zMin)) / (zMax - zMin || 1))];
  const [x0, x1] = [data.xs[0], data.xs[nx - 1]];
  const [y0, y1] = [data.ys[0], data.ys[ny - 1]];
  const parts: string[] = [];

  // The three far panes of the box (the floor and the two walls facing the camera).
  const corner = (x: number, y: number, z: number) => project(x, y, z);
  const farX = corner(x0, 0.5 * (y0 + y1), zMin)[2] < corner(x1, 0.5 * (y0 + y1), zMin)[2] ? x0 : x1;
  const farY = corner(0.5 * (x0 + x1), y0, zMin)[2] < corner(0.5 * (x0 + x1), y1, zMin)[2] ? y0 : y1;
  const nearX = farX === x0 ? x1 : x0;
  const nearY = farY === y0 ? y1 : y0;
  const pane = (points: [number, number, number][]) =>
    parts.push(`<path d="${polygon(points.map((p) => corner(...p)))}" fill="#f0f0f0" stroke="#c8c8c8"/>`);
  pane([
    [x0, y0, zMin],
    [x1, y0, zMin],
    [x1, y1, zMin],
    [x0, y1, zMin],
  ]);
  pane([
    [farX, y0, zMin],
    [farX, y1, zMin],
    [farX, y1, zMax],
    [farX, y0, zMax],
  ]);
  pane([
    [x0, farY, zMin],
    [x1, farY, zMin],
    [x1, farY, zMax],
    [x0, farY, zMax],
  ]);

  // Grid lines on the panes at the tick positions.
  const xTicks = ticks(x0, x1, 5);
  const yTicks = ticks(y0, y1, 5);
  const zTicks = ticks(zMin, zMax, 5);
  const line = (a: [number, number, number], b: [number, number, number], attrs: string) => {
    const p = corner(...a);
    const q = corner(...b);
    parts.push(
      `<path d="M${svgNumber(p[0])},${svgNumber(p[1])}L${svgNumber(q[0])},${svgNumber(q[1])}" ${attrs}/>`,
    );
  };
  const gridAttrs = 'stroke="#dcdcdc" stroke-width="0.6"';
  for (const t of xTicks) {
    line([t, y0, zMin], [t, y1, zMin], gridAttrs);
    line([t, farY, zMin], [t, farY, zMax], gridAttrs);
  }
  for (const t of yTicks) {
    line([x0, t, zMin], [x1, t, zMin], gridAttrs);
    line([farX, t, zMin], [farX, t, zMax], gridAttrs);
  }
  for (const t of zTicks) {
    line([farX, y0, t], [farX, y1, t], gridAttrs);
    line([x0, farY, t], [x1, farY, t], gridAttrs);
  }

  // The mesh, back to front.
  const quads: { depth: number; d: string; fill: string }[] = [];
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const z00 = data.z[j * nx + i];
      const z10 = data.z[j * nx + i + 1];
      const z11 = data.z[(j + 1) * nx + i + 1];
      const z01 = data.z[(j + 1) * nx + i];
      if (![z00, z10, z11, z01].every(Number.isFinite)) continue;
      const corners = [
        project(data.xs[i], data.ys[j], z00),
        project(data.xs[i + 1], data.ys[j], z10),
        project(data.xs[i + 1], data.ys[j + 1], z11),
        project(data.xs[i], data.ys[j + 1], z01),
      ];
      const depth = (corners[0][2] + corners[1][2] + corners[2][2] + corners[3][2]) / 4;
      quads.push({ depth, d: polygon(corners), fill: colour((z00 + z10 + z11 + z01) / 4) });
    }
  }
  quads.sort((a, b) => a.depth - b.depth);
  parts.push('<g stroke-width="0.4" stroke-linejoin="round">');
  for (const quad of quads) parts.push(`<path d="${quad.d}" fill="${quad.fill}" stroke="${quad.fill}"/>`);
  parts.push("</g>");

  // Paths on the surface (drawn on top).
  (options.paths ?? []).forEach((path, index) => {
    const style: SeriesStyle =
      path.style ?? optimizerStyles(options.paths?.map((p) => optimizerIdOfLabel(p.label)) ?? [])[index];
    const visible = path.points.filter(
      ([x, y, z]) => x >= x0 && x <= x1 && y >= y0 && y <= y1 && Number.isFinite(z) && z >= zMin && z <= zMax,
    );
    if (visible.length === 0) return;
    const projected = visible.map(([x, y, z]) => project(x, y, z));
    const dash = style.dash === "none" ? "" : ` stroke-dasharray="${style.dash}"`;
    parts.push(
      `<path d="M${projected.map((p) => `${svgNumber(p[0])},${svgNumber(p[1])}`).join("L")}" fill="none" stroke="white" stroke-width="3.5"/>`,
      `<path d="M${projected.map((p) => `${svgNumber(p[0])},${svgNumber(p[1])}`).join("L")}" fill="none" stroke="${style.color}" stroke-width="1.8"${dash}/>`,
    );
    for (const p of projected) {
      parts.push(`<circle cx="${svgNumber(p[0])}" cy="${svgNumber(p[1])}" r="2" fill="${style.color}"/>`);
    }
  });

  // Tick labels on the near floor edges and on a vertical edge.
  const label = (x: number, y: number, z: number, text: string, dx: number, dy: number, anchor: string) => {
    const p = corner(x, y, z);
    parts.push(
      `<text x="${svgNumber(p[0] + dx)}" y="${svgNumber(p[1] + dy)}" text-anchor="${anchor}" font-size="10" fill="#333">${escapeXml(text)}</text>`,
    );
  };
  const fmt = (t: number) => String(t).replace("-", "−");
  for (const t of xTicks) label(t, nearY, zMin, fmt(t), 0, 16, "middle");
  for (const t of yTicks) label(nearX, t, zMin, fmt(t), 8, 14, "start");
  for (const t of zTicks) label(farX, nearY, t, fmt(t), -8, 4, "end");
  label(0.5 * (x0 + x1), nearY, zMin, "x", 0, 34, "middle");
  label(nearX, 0.5 * (y0 + y1), zMin, "y", 26, 30, "start");
  label(farX, nearY, zMax, "f(x, y)", -8, -14, "end");

  // Colour bar.
  const barX = plotWidth + 30;
  const barTop = height * 0.18;
  const barHeight = height * 0.6;
  const stops = Array.from({ length: 11 }, (_, k) => k / 10)
    .map((s) => `<stop offset="${s}" stop-color="${interpolateTurbo(1 - s)}"/>`)
    .join("");
  parts.push(
    `<defs><linearGradient id="surface-colour-bar" x1="0" y1="0" x2="0" y2="1">${stops}</linearGradient></defs>`,
    `<rect x="${barX}" y="${svgNumber(barTop)}" width="14" height="${svgNumber(barHeight)}" fill="url(#surface-colour-bar)" stroke="#999"/>`,
  );
  for (const t of zTicks) {
    const y = barTop + barHeight * (1 - (t - zMin) / (zMax - zMin || 1));
    parts.push(
      `<path d="M${barX + 14},${svgNumber(y)}h4" stroke="#333"/>`,
      `<text x="${barX + 21}" y="${svgNumber(y + 3.5)}" font-size="10" fill="#333">${escapeXml(fmt(t))}</text>`,
    );
  }

  const svg = `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join("\n")}</svg>`;
  return { svg, width, height };
}
