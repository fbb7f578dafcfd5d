/** Small timing helpers shared by the benchmarks: medians over repetitions after a warm-up. */

export { median } from "../src/lab/stats.js";

/** Runs `work` `warmup` times untimed, then `repetitions` times timed; returns the times in ms. */
export function timeRepeated(work: () => void, repetitions: number, warmup = 3): number[] {
  for (let i = 0; i < warmup; i++) work();
  const times: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  return times;
}

/** Formats a table of rows as GitHub Markdown. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
