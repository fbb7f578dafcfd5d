/**
 * A card's learning-rate schedule: a menu of every schedule the library has (`scheduleIds`, `scheduleMeta`), one
 * field per option of the chosen one (placeholders: its default, or the run's lr and steps it defaults to, as on
 * the CLI), checked by the library's parser on every change. A value the library refuses stays in its field with
 * the library's one-line message beside it and is not applied, so the card keeps running its last good schedule.
 * Under the fields, the lr the run actually used at each step, in the optimizer's colour and dash.
 */
import {
  type Optimizer,
  parseScheduleSpec,
  type Schedule,
  type ScheduleMeta,
  scheduleIds,
  scheduleMeta,
} from "../../src/optim/index.js";
import { el, fitCanvas, shortNumber } from "./dom.js";
import { checkedSchedule, type ScheduleEntry } from "./state.js";

type OptionSpec = ScheduleMeta["options"][number];

/** Options whose values are lists: "30, 60" is read as [30, 60]. */
const LIST_KINDS = new Set(["counts", "pairs", "numbers"]);
/** Options whose values are schedules or objects: typed as JSON. */
const JSON_KINDS = new Set(["schedules", "objects"]);

/** What the picker shows of the run the card drives. */
export interface ScheduleRun {
  readonly optimizer: Optimizer | null;
  readonly steps: number;
  readonly schedule: Schedule | null;
  /** lr[k − 1]: the lr step k used (null without a schedule). */
  readonly lr: ArrayLike<number> | null;
  readonly color: string;
  readonly dash: readonly number[];
}

let counter = 0;

/** The text a field shows for a value the entry holds. */
function fieldText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** One option's value from its field's text, read by the library's spec parser (JSON for nested schedules). */
function readOption(id: string, spec: OptionSpec, text: string): unknown {
  if (typeof spec.kind === "string" && JSON_KINDS.has(spec.kind)) {
    const parsed = parseScheduleSpec(`{"id": ${JSON.stringify(id)}, "options": {"${spec.name}": ${text}}}`);
    return parsed.options?.[spec.name];
  }
  const value =
    typeof spec.kind === "string" && LIST_KINDS.has(spec.kind) && !/^[[(]/.test(text) ? `[${text}]` : text;
  return parseScheduleSpec(`${id}:${spec.name}=${value}`).options?.[spec.name];
}

interface Field {
  readonly spec: OptionSpec;
  readonly input: HTMLInputElement | HTMLSelectElement;
  readonly error: HTMLElement;
}

export class SchedulePicker {
  readonly element: HTMLElement;
  private readonly menu: HTMLSelectElement;
  private readonly fields: HTMLElement;
  private readonly note: HTMLElement;
  private readonly error: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private readonly uid = ++counter;
  private current: Field[] = [];
  /** The schedule the fields were last filled from (the entry's), and the id the fields are for. */
  private filledFrom: ScheduleEntry | undefined | null = null;
  private fieldsId = "";
  private run: ScheduleRun | null = null;
  private drawn: { lr: number[]; width: number; color: string } = { lr: [], width: 0, color: "" };

  /** `apply` receives a checked schedule (undefined: a constant lr). */
  constructor(
    private readonly name: string,
    private readonly apply: (schedule: ScheduleEntry | undefined) => void,
  ) {
    this.menu = el(
      "select",
      { class: "schedule-id", "aria-label": `${name}: lr schedule` },
      scheduleIds().map((id) => {
        const meta = scheduleMeta(id);
        return el("option", { value: id }, [
          id === "constant" ? `constant lr (${meta.name})` : `${id} — ${meta.name}`,
        ]);
      }),
    );
    this.menu.addEventListener("change", () => {
      this.build(this.menu.value, {});
      this.commit();
    });
    this.fields = el("div", { class: "schedule-options" });
    this.note = el("p", { class: "schedule-note muted" });
    this.error = el("div", { class: "error", role: "alert" });
    this.canvas = el("canvas", { class: "lr-line", role: "img", "aria-label": `${name}: lr per step` });
    this.caption = el("p", { class: "lr-caption muted" });
    this.element = el("div", { class: "schedule" }, [
      el("label", { class: "schedule-head" }, [el("span", {}, ["lr schedule"]), this.menu]),
      this.fields,
      this.note,
      this.error,
      this.canvas,
      this.caption,
    ]);
    new ResizeObserver(() => this.drawLine()).observe(this.canvas);
  }

  /** Fills the fields from `schedule` when it is not what they show (undo, a loaded URL), then draws the lr line. */
  update(schedule: ScheduleEntry | undefined, run: ScheduleRun): void {
    this.run = run;
    if (schedule !== this.filledFrom) {
      this.filledFrom = schedule;
      this.build(schedule?.id ?? "constant", schedule?.options ?? {});
      this.error.textContent = "";
      this.showFields();
    }
    const lr = run.optimizer?.hp.lr;
    for (const field of this.current) {
      const placeholder = this.placeholder(field.spec, typeof lr === "number" ? lr : null, run.steps);
      if (field.input instanceof HTMLInputElement && field.input.placeholder !== placeholder)
        field.input.placeholder = placeholder;
    }
    const meta = scheduleMeta(this.fieldsId);
    const notes = [meta.formula];
    // ReduceLROnPlateau on a 2-D run: the trajectory runner's metric, as the CLI's experiments use it.
    if (run.schedule?.needsMetric)
      notes.push(
        `metric: f at the iterate each step starts from${run.schedule.mode === "max" ? " (mode max: −f)" : ""}`,
      );
    const text = notes.join(" · ");
    if (this.note.textContent !== text) this.note.textContent = text;
    this.drawLine();
  }

  /**
   * "constant" without options is the optimizer's own lr: its field (value, which defaults to that lr) and rule are
   * folded away to keep every card short; they show once a value is typed or comes from the URL.
   */
  private showFields(): void {
    const plain =
      this.fieldsId === "constant" && this.current.every((field) => field.input.value.trim() === "");
    this.fields.hidden = plain;
    this.note.hidden = plain;
  }

  private placeholder(spec: OptionSpec, lr: number | null, steps: number): string {
    if (spec.context === "lr") return lr === null ? "the lr" : `lr (${shortNumber(lr)})`;
    if (spec.context === "steps") return `steps (${steps})`;
    if (spec.default === undefined) return "required";
    return fieldText(spec.default);
  }

  /** The fields of schedule `id`, filled with `options` (the others empty: their placeholder applies). */
  private build(id: string, options: Readonly<Record<string, unknown>>): void {
    this.fieldsId = id;
    this.menu.value = id;
    const lr = this.run?.optimizer?.hp.lr;
    this.current = scheduleMeta(id).options.map((spec) => {
      const fieldId = `schedule-${this.uid}-${spec.name}`;
      const error = el("div", { class: "error", id: `${fieldId}-error` });
      const common = {
        id: fieldId,
        class: "schedule-field",
        "data-schedule-option": spec.name,
        "aria-label": `${this.name} schedule ${spec.name}`,
        "aria-describedby": `${fieldId}-error`,
      };
      let input: HTMLInputElement | HTMLSelectElement;
      if (typeof spec.kind === "object" || spec.kind === "flag") {
        const choices = typeof spec.kind === "object" ? spec.kind.choice : ["true", "false"];
        const first = spec.default === undefined ? "choose…" : `default (${fieldText(spec.default)})`;
        input = el("select", common, [
          el("option", { value: "" }, [first]),
          ...choices.map((c) => el("option", { value: c }, [c])),
        ]);
      } else {
        input = el("input", {
          ...common,
          type: "text",
          inputmode:
            typeof spec.kind === "string" && !JSON_KINDS.has(spec.kind) && !LIST_KINDS.has(spec.kind)
              ? "decimal"
              : "text",
          autocomplete: "off",
          spellcheck: "false",
          placeholder: this.placeholder(spec, typeof lr === "number" ? lr : null, this.run?.steps ?? 0),
        });
      }
      input.value = options[spec.name] === undefined ? "" : fieldText(options[spec.name]);
      const field: Field = { spec, input, error };
      input.addEventListener("change", () => this.commit(field));
      return field;
    });
    this.fields.replaceChildren(
      ...this.current.map((field) =>
        el("div", { class: "schedule-option" }, [
          el("label", { for: field.input.id, class: "schedule-option-name", title: field.spec.doc }, [
            field.spec.name,
          ]),
          field.input,
          field.error,
        ]),
      ),
    );
  }

  /**
   * Reads every field with the library's parser and checks the whole schedule; applies it only when it passes.
   * `edited`: the field just changed, where a message that names it (a rule between two options) is shown.
   */
  private commit(edited?: Field): void {
    const id = this.fieldsId;
    for (const field of this.current) this.mark(field, "");
    this.error.textContent = "";
    this.showFields();
    const options: Record<string, unknown> = {};
    for (const field of this.current) {
      const text = field.input.value.trim();
      if (text === "") continue;
      try {
        options[field.spec.name] = readOption(id, field.spec, text);
      } catch (caught) {
        this.mark(field, caught instanceof Error ? caught.message : String(caught));
        return;
      }
    }
    const run = this.run;
    if (run?.optimizer == null) {
      this.error.textContent = "schedule: fix the optimizer's settings first";
      return;
    }
    let schedule: ScheduleEntry | null;
    try {
      schedule = checkedSchedule({ id, options }, run.optimizer, run.steps);
    } catch (caught) {
      const message = caught instanceof Error ? caught.message : String(caught);
      // Beside the field just edited when the message names it ("decaySteps must be > warmupSteps"), else beside
      // the option it names first ("warmup-cosine: warmupSteps is required").
      const names = (field: Field) => new RegExp(`\\b${field.spec.name}\\b`).test(message);
      const named =
        edited !== undefined && names(edited)
          ? edited
          : this.current.find((field) => message.startsWith(`${id}: ${field.spec.name} `));
      if (named) this.mark(named, message);
      else this.error.textContent = message;
      return;
    }
    this.filledFrom = schedule ?? undefined;
    this.apply(schedule ?? undefined);
  }

  private mark(field: Field, message: string): void {
    field.error.textContent = message;
    if (message === "") field.input.removeAttribute("aria-invalid");
    else field.input.setAttribute("aria-invalid", "true");
  }

  /** The lr of every step, on a linear axis from 0 (or the lowest lr) to the highest; redrawn only when it changed. */
  private drawLine(): void {
    const run = this.run;
    const lr = run?.lr ?? null;
    const hidden = lr === null || lr.length === 0;
    this.canvas.hidden = hidden;
    this.caption.hidden = hidden;
    if (hidden || run === null) return;
    const values = Array.from(lr);
    const width = this.canvas.clientWidth;
    const same =
      width === this.drawn.width &&
      run.color === this.drawn.color &&
      values.length === this.drawn.lr.length &&
      values.every((v, i) => Object.is(v, this.drawn.lr[i]));
    if (same) return;
    this.drawn = { lr: values, width, color: run.color };
    const { width: w, height: h, ratio } = fitCanvas(this.canvas);
    const ctx = this.canvas.getContext("2d") as CanvasRenderingContext2D;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const finite = values.filter(Number.isFinite);
    const hi = Math.max(0, ...finite);
    const lo = Math.min(0, ...finite);
    const span = hi - lo || 1;
    const x = (k: number) => 1 + ((w - 2) * (k - 1)) / Math.max(1, run.steps - 1);
    const y = (v: number) => h - 2 - ((h - 4) * (v - lo)) / span;
    ctx.strokeStyle = "#c9ced6";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(0, y(0));
    ctx.lineTo(w, y(0));
    ctx.stroke();
    ctx.strokeStyle = run.color;
    ctx.lineWidth = 1.6;
    ctx.setLineDash(run.dash as number[]);
    ctx.beginPath();
    let first = true;
    values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      if (first) ctx.moveTo(x(i + 1), y(v));
      else ctx.lineTo(x(i + 1), y(v));
      first = false;
    });
    ctx.stroke();
    ctx.setLineDash([]);
    const peak = values.indexOf(hi) + 1;
    const text = `lr per step: ${shortNumber(values[0])} at step 1, highest ${shortNumber(hi)} at step ${peak}, ${shortNumber(values[values.length - 1])} at step ${values.length}`;
    this.caption.textContent = text;
    this.canvas.setAttribute("aria-label", `${this.name}: ${text}`);
  }
}
