import { escapeXml } from "../plot/index.js";
import type { ReportEntry } from "./answers.js";
import { howToRead } from "./how-to-read.js";

/** One entry of the manifest: a figure or table and the files that hold it. */
export interface ReportItem {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly files: readonly string[];
  /** HTML shown under the caption in index.html (tables); figures show their PNG. */
  readonly html?: string;
}

/** Flattens an entry's numbers into path → value rows (the table under each answer). */
function numberRows(numbers: unknown, prefix = ""): [string, string][] {
  if (numbers === null || typeof numbers !== "object") {
    const value =
      typeof numbers === "number"
        ? Number.isFinite(numbers)
          ? String(Number(numbers.toPrecision(6)))
          : "—"
        : numbers === null || numbers === undefined
          ? "—"
          : String(numbers);
    return [[prefix, value]];
  }
  if (Array.isArray(numbers)) {
    if (numbers.every((v) => typeof v !== "object" || v === null))
      return [
        [
          prefix,
          numbers
            .map((v) => (typeof v === "number" ? String(Number(v.toPrecision(6))) : String(v)))
            .join(", "),
        ],
      ];
  }
  return Object.entries(numbers as Record<string, unknown>).flatMap(([key, value]) =>
    numberRows(value, prefix === "" ? key : `${prefix}.${key}`),
  );
}

/** Figures are numbered in the order they first appear; later mentions refer back to that number. */
class FigureNumbers {
  private readonly numbers = new Map<string, number>();
  first(id: string): number | null {
    if (this.numbers.has(id)) return null;
    this.numbers.set(id, this.numbers.size + 1);
    return this.numbers.size;
  }
  of(id: string): number | undefined {
    return this.numbers.get(id);
  }
  has(id: string): boolean {
    return this.numbers.has(id);
  }
}

function figureHtml(id: string, n: number, item: ReportItem | undefined): string {
  const guide = howToRead(id);
  const title = item?.title ?? id;
  return `<figure id="fig-${escapeXml(id)}">
<a href="${escapeXml(id)}.png" title="open at full size"><img src="${escapeXml(id)}.png" alt="Figure ${n}: ${escapeXml(title)}"></a>
<figcaption><b>Figure ${n}.</b> ${escapeXml(title)}${guide ? `<br><span class="read"><b>How to read this:</b> ${escapeXml(guide).replace("\n", " ")}</span>` : ""}</figcaption>
</figure>`;
}

const STYLE = `body { font-family: system-ui, sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
figure { margin: 1.5em 0; }
figure img { width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: 0.92em; color: #333; margin-top: 0.4em; }
.answer p { max-width: 62em; }
.settings { color: #444; }
.definitions { font-size: 0.9em; color: #444; }
table { border-collapse: collapse; font-size: 0.85em; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
details { margin: 0.8em 0; }
.files { font-size: 0.85em; color: #555; }
.read { color: #234; }
section { margin-bottom: 3em; }
.toc { list-style: none; padding-left: 0; }
@media print { figure { break-inside: avoid; } details { display: none; } a { color: inherit; text-decoration: none; } }`;

/**
 * index.html: the homework's items 1–8 in its order, each with its figures at full width (click for the full-size
 * PNG), the answer, its budgets and definitions and the numbers behind it; a figure appears once and is referred
 * to by number afterwards; every other figure and table of the run follows once.
 */
export function indexHtml(
  title: string,
  settingsLines: readonly string[],
  entries: readonly ReportEntry[],
  items: readonly ReportItem[],
  closing: string,
): string {
  const byFigure = new Map<string, ReportItem>();
  for (const item of items)
    for (const f of item.files) if (f.endsWith(".png")) byFigure.set(f.replace(/\.png$/, ""), item);
  const numbers = new FigureNumbers();
  const sections = entries.map((entry) => {
    const figures = entry.figures
      .map((id) => {
        const n = numbers.first(id);
        return n === null
          ? `<p class="files">See <a href="#fig-${escapeXml(id)}">Figure ${numbers.of(id)}</a> above (${escapeXml(id)}).</p>`
          : figureHtml(id, n, byFigure.get(id));
      })
      .join("\n");
    const paragraphs = entry.answer
      .split("\n")
      .map((p) => `<p>${escapeXml(p)}</p>`)
      .join("\n");
    const definitions =
      entry.definitions.length > 0
        ? `<ul class="definitions">${entry.definitions.map((d) => `<li>${escapeXml(d)}</li>`).join("")}</ul>`
        : "";
    const rows = numberRows(entry.numbers);
    const table =
      rows.length > 0
        ? `<details><summary>The numbers behind this answer (${rows.length})</summary><table><tr><th>quantity</th><th>value</th></tr>${rows.map(([k, v]) => `<tr><td>${escapeXml(k)}</td><td>${escapeXml(v)}</td></tr>`).join("")}</table></details>`
        : "";
    return `<section class="answer" id="item-${escapeXml(entry.id)}">
<h2>${escapeXml(entry.id)}. ${escapeXml(entry.question)}</h2>
${figures}
${paragraphs}
${definitions}
${table}
</section>`;
  });
  const further = items
    .filter((item) => item.id !== "report")
    .map((item) => {
      const pngs = item.files.filter((f) => f.endsWith(".png")).map((f) => f.replace(/\.png$/, ""));
      const shown = pngs
        .map((id) => {
          const n = numbers.first(id);
          return n === null
            ? `<p class="files">Shown above as <a href="#fig-${escapeXml(id)}">Figure ${numbers.of(id)}</a>.</p>`
            : figureHtml(id, n, item);
        })
        .join("\n");
      const links = item.files.map((f) => `<a href="${escapeXml(f)}">${escapeXml(f)}</a>`).join(" · ");
      return `<section id="${escapeXml(item.id)}">
<h3>${escapeXml(item.title)}</h3>
${shown}
<p>${escapeXml(item.caption)}</p>
${item.html ?? ""}
<p class="files">${links}</p>
</section>`;
    });
  const toc = entries
    .map(
      (e) => `<li><a href="#item-${escapeXml(e.id)}">${escapeXml(e.id)}. ${escapeXml(e.question)}</a></li>`,
    )
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>
${STYLE}
</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
<ul class="settings">
${settingsLines.map((l) => `<li>${escapeXml(l)}</li>`).join("\n")}
</ul>
<nav><ul class="toc">
${toc}
<li><a href="#further">Every other figure and table of this run</a></li>
</ul></nav>
${sections.join("\n")}
<h2 id="further">Every other figure and table of this run</h2>
${further.join("\n")}
<p>${escapeXml(closing)}</p>
</body>
</html>
`;
}

/** report.md: the same sections as index.html, figures linked by file. */
export function reportMarkdown(
  title: string,
  settingsLines: readonly string[],
  entries: readonly ReportEntry[],
  closing: string,
): string {
  const seen = new Set<string>();
  return [
    `# ${title}`,
    "",
    ...settingsLines.map((l) => `${l}  `),
    "",
    ...entries.flatMap((a) => [
      `## ${a.id}. ${a.question}`,
      "",
      ...a.figures.flatMap((f) => {
        if (seen.has(f)) return [`(See ${f}.png above.)`, ""];
        seen.add(f);
        return [
          `![${f}](${f}.png)`,
          "",
          `*How to read this:* ${(howToRead(f) ?? "").replace("\n", " ")}`,
          "",
        ];
      }),
      a.answer.split("\n").join("\n\n"),
      "",
      ...(a.definitions.length > 0 ? [...a.definitions.map((d) => `- ${d}`), ""] : []),
    ]),
    "---",
    "",
    closing,
    "",
  ].join("\n");
}
