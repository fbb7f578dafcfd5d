/**
 * Turning rendered figures into deterministic SVG text: one place where numbers are formatted
 * (attribute numbers rounded to two decimals), generated ids renamed by order of appearance under a
 * figure-specific prefix, and a guard that no NaN or Infinity reaches a file.
 */

/**
 * Characters XML 1.0 forbids (C0 controls other than tab, newline and return; lone surrogates; U+FFFE/U+FFFF):
 * resvg refuses a whole SVG holding one, so user text (titles, labels) loses them at this boundary, replaced by
 * U+FFFD so that the change stays visible.
 */

function notXml(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0xfffe || code === 0xffff
  );
}

/** Text with the characters XML cannot hold (see above) replaced by U+FFFD; the text itself when it has none. */
export function xmlText(text: string): string {
  let out: string[] | null = null;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let bad = notXml(code);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out?.push(text[i], text[i + 1]);
        i++;
        continue;
      }
      bad = true;
    } else if (code >= 0xdc00 && code <= 0xdfff) bad = true;
    if (bad && out === null) out = [text.slice(0, i)];
    out?.push(bad ? "\ufffd" : text[i]);
  }
  return out === null ? text : out.join("");
}

/**
 * A bare `&` (one that starts no character reference) written as `&amp;`. linkedom, the DOM the figures are built
 * with in Node, leaves `&` unescaped in attribute values, which XML (and so resvg) refuses.
 */
export function escapeBareAmpersands(svg: string): string {
  return svg.replace(/&(?!(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)/g, "&amp;");
}

/** Escapes text for use inside SVG/HTML element content and attribute values (and drops what XML cannot hold). */
export function escapeXml(text: string): string {
  return xmlText(text).replace(
    /[<>&"']/g,
    (c) => `&${{ "<": "lt", ">": "gt", "&": "amp", '"': "quot", "'": "#39" }[c]};`,
  );
}

/** Formats a coordinate for SVG output: at most two decimals, no "-0", no exponent. */
export function svgNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`svg: non-finite coordinate ${value}`);
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) || rounded === 0 ? "0" : String(rounded);
}

const NUMBER_IN_ATTRIBUTE = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g;
const ATTRIBUTE = /(\s[A-Za-z_:][-A-Za-z0-9_:.]*)="([^"]*)"/g;
/** Attributes whose numbers are geometry (rounded); others (ids, classes, text) are left alone. */
const GEOMETRY_ATTRIBUTES = new Set([
  "d",
  "transform",
  "x",
  "y",
  "x1",
  "x2",
  "y1",
  "y2",
  "cx",
  "cy",
  "r",
  "width",
  "height",
  "points",
  "viewBox",
  "stroke-width",
  "font-size",
  "opacity",
  "fill-opacity",
  "stroke-opacity",
  "dx",
  "dy",
]);

/** Rounds every number inside geometry attributes; idempotent. */
export function roundAttributeNumbers(svg: string): string {
  return svg.replace(ATTRIBUTE, (whole, name: string, value: string) => {
    if (!GEOMETRY_ATTRIBUTES.has(name.trim())) return whole;
    if (/NaN|Infinity/.test(value)) throw new Error(`svg: non-finite value in ${name.trim()}="${value}"`);
    return `${name}="${value.replace(NUMBER_IN_ATTRIBUTE, (n) => svgNumber(Number(n)))}"`;
  });
}

/** Renames every id="…" (and its url(#…)/href="#…" references) to `${prefix}-${k}` by first appearance. */
export function renumberIds(svg: string, prefix: string): string {
  const names = new Map<string, string>();
  for (const match of svg.matchAll(/\sid="([^"]+)"/g)) {
    if (!names.has(match[1])) names.set(match[1], `${prefix}-${names.size + 1}`);
  }
  if (names.size === 0) return svg;
  return svg
    .replace(/\sid="([^"]+)"/g, (_, id: string) => ` id="${names.get(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (whole, id: string) => (names.has(id) ? `url(#${names.get(id)})` : whole))
    .replace(/href="#([^"]+)"/g, (whole, id: string) => (names.has(id) ? `href="#${names.get(id)}"` : whole));
}

/** One rendered panel: an SVG fragment of known size (a whole <svg> element from Plot or hand-made). */
export interface Panel {
  readonly svg: string;
  readonly width: number;
  readonly height: number;
}

export interface FigureLayout {
  /** Prefix for ids; use the figure id so figures embedded in one page never clash. */
  readonly id: string;
  readonly title: string;
  /** Lines under the title stating the settings actually used. */
  readonly subtitle?: readonly string[];
  readonly panels: readonly Panel[];
  /** Panels per row (default: all in one row). */
  readonly columns?: number;
  /** Lines at the bottom (legend-like notes, e.g. how arrows are scaled). */
  readonly footer?: readonly string[];
}

const TITLE_SIZE = 15;
const TEXT_SIZE = 11;
const MARGIN = 10;
/** DejaVu Sans averages about 0.5 em per character (0.55 leaves a margin); used to wrap long lines. */
const CHAR_WIDTH_EM = 0.55;

/** Breaks text into lines that fit `width` pixels at `fontSize`, at spaces. */
export function wrapText(text: string, width: number, fontSize: number): string[] {
  const limit = Math.max(10, Math.floor(width / (fontSize * CHAR_WIDTH_EM)));
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line === "") line = word;
    else if (line.length + 1 + word.length <= limit) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

/** Lays panels out in a grid under a title block and returns the finished, deterministic SVG file text. */
export function composeFigure(layout: FigureLayout): string {
  const columns = Math.max(1, Math.min(layout.columns ?? layout.panels.length, layout.panels.length));
  const rows: Panel[][] = [];
  layout.panels.forEach((panel, i) => {
    const row = Math.floor(i / columns);
    rows[row] ??= [];
    rows[row].push(panel);
  });
  const columnWidths = Array.from({ length: columns }, (_, c) =>
    Math.max(0, ...rows.map((row) => row[c]?.width ?? 0)),
  );
  const panelsWidth = columnWidths.reduce((a, b) => a + b, 0);
  const width = Math.max(panelsWidth + 2 * MARGIN, 320);
  const textWidth = width - 2 * MARGIN;

  const parts: string[] = [];
  let y = MARGIN;
  for (const line of wrapText(layout.title, textWidth, TITLE_SIZE)) {
    y += TITLE_SIZE * 1.25;
    parts.push(
      `<text x="${MARGIN}" y="${y}" font-size="${TITLE_SIZE}" font-weight="bold">${escapeXml(line)}</text>`,
    );
  }
  for (const paragraph of layout.subtitle ?? []) {
    for (const line of wrapText(paragraph, textWidth, TEXT_SIZE)) {
      y += TEXT_SIZE * 1.35;
      parts.push(
        `<text x="${MARGIN}" y="${y}" font-size="${TEXT_SIZE}" fill="#333">${escapeXml(line)}</text>`,
      );
    }
  }
  y += MARGIN / 2;
  for (const row of rows) {
    let x = MARGIN;
    const rowHeight = Math.max(...row.map((panel) => panel.height));
    row.forEach((panel, c) => {
      parts.push(`<g transform="translate(${x},${y})">${panel.svg}</g>`);
      x += columnWidths[c];
    });
    y += rowHeight;
  }
  for (const paragraph of layout.footer ?? []) {
    for (const line of wrapText(paragraph, textWidth, TEXT_SIZE)) {
      y += TEXT_SIZE * 1.35;
      parts.push(
        `<text x="${MARGIN}" y="${y}" font-size="${TEXT_SIZE}" fill="#333">${escapeXml(line)}</text>`,
      );
    }
  }
  const height = Math.ceil(y + MARGIN);
  const body = parts.join("\n");
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="DejaVu Sans, system-ui, sans-serif" font-size="${TEXT_SIZE}">\n` +
    `<rect width="${width}" height="${height}" fill="white"/>\n${body}\n</svg>\n`;
  // Panels come from Plot (the DOM serialises text as given): the whole file loses what XML cannot hold.
  return renumberIds(roundAttributeNumbers(xmlText(escapeBareAmpersands(svg))), layout.id);
}
