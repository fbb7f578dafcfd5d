import type { CliIO } from "./io.js";

/**
 * Progress of a training run. On a terminal: one line redrawn in place (bar, iterations, ETA, current
 * losses). Otherwise: the seed's own printout every 100 iterations,
 *   ===========iteration:0===========
 *   sgd:2.2903…
 */
export class TrainingProgress {
  private lastDraw = 0;
  private readonly started = Date.now();
  private startUpdate = 0;

  constructor(
    private readonly io: CliIO,
    private readonly terminal: boolean,
    private readonly labels: readonly string[],
    private readonly total: number,
    private readonly prefix: string,
  ) {}

  resumeFrom(update: number): void {
    this.startUpdate = update;
  }

  update(update: number, losses: Float64Array): void {
    // The seed prints after updates i = 0, 100, 200, … (0-based), i.e. after update numbers 1, 101, …
    if (!this.terminal) {
      if ((update - 1) % 100 === 0) {
        const lines = [
          `===========iteration:${update - 1}===========${this.prefix ? ` (${this.prefix})` : ""}`,
        ];
        this.labels.forEach((label, k) => {
          lines.push(`${label}:${losses[k]}`);
        });
        this.io.stdout(`${lines.join("\n")}\n`);
      }
      return;
    }
    const now = Date.now();
    if (now - this.lastDraw < 100 && update !== this.total) return;
    this.lastDraw = now;
    const done = update - this.startUpdate;
    const rate = done / Math.max(1e-3, (now - this.started) / 1000);
    const eta = rate > 0 ? (this.total - update) / rate : 0;
    const width = 24;
    const filled = Math.round((width * update) / this.total);
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
    const current = this.labels.map((label, k) => `${label} ${losses[k].toFixed(3)}`).join("  ");
    const line = `${this.prefix ? `${this.prefix} ` : ""}${bar} ${update}/${this.total} ETA ${formatSeconds(eta)}  ${current}`;
    this.io.stdout(`\r\x1b[2K${line}${update === this.total ? "\n" : ""}`);
  }
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
}
