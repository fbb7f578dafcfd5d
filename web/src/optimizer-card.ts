/**
 * One optimizer instance in the side panel: its menu, legend label, a slider and a number box per
 * hyperparameter (log-scale where the library says so), its lr schedule (schedule-picker.ts) with the lr of every
 * step, its update rule in KaTeX and the live values.
 */
import katex from "katex";
import {
  createOptimizer,
  type HpSpec,
  type HpValue,
  type Optimizer,
  optimizerIds,
  optimizerMeta,
} from "../../src/optim/index.js";
import { el, shortNumber } from "./dom.js";
import { SchedulePicker, type ScheduleRun } from "./schedule-picker.js";
import { cleanLabel, type OptimizerEntry } from "./state.js";

/** Positions of a slider: 0 … SLIDER_STEPS. */
const SLIDER_STEPS = 1000;

export interface CardCallbacks {
  onChange(entry: OptimizerEntry): void;
  onRemove(): void;
  onDuplicate(): void;
}

/** What a card with a schedule picker shows of its run: the picker's part and how the run was made. */
export interface CardRun extends Omit<ScheduleRun, "optimizer" | "color"> {
  /** E.g. Muon's "(x, y) as a 1×2 matrix" (the CLI's settings line), or null. */
  readonly note: string | null;
}

function sliderRange(spec: HpSpec): { lo: number; hi: number; log: boolean } {
  const log = spec.scale === "log";
  const lo = spec.uiMin ?? spec.min ?? (log ? 1e-4 : 0);
  const hi = spec.uiMax ?? spec.max ?? (log ? 10 : 1);
  return { lo: log ? Math.max(lo, 1e-12) : lo, hi, log };
}

/** Slider position → value, rounded to 3 significant digits (short URLs, readable labels). */
export function sliderValue(spec: HpSpec, position: number): number {
  const { lo, hi, log } = sliderRange(spec);
  const t = position / SLIDER_STEPS;
  const raw = log ? lo * (hi / lo) ** t : lo + (hi - lo) * t;
  const value = Number(raw.toPrecision(3));
  return spec.integer ? Math.round(value) : value;
}

export function sliderPosition(spec: HpSpec, value: number): number {
  const { lo, hi, log } = sliderRange(spec);
  const t = log ? Math.log(Math.max(value, lo) / lo) / Math.log(hi / lo) : (value - lo) / (hi - lo);
  return Math.round(Math.min(1, Math.max(0, t)) * SLIDER_STEPS);
}

/** How a hyperparameter is announced: "learning rate" for lr, else its own name. */
const SPOKEN: Readonly<Record<string, string>> = {
  lr: "learning rate",
  eps: "epsilon",
  weightDecay: "weight decay",
  beta1: "beta 1",
  beta2: "beta 2",
};

interface HpControl {
  readonly spec: HpSpec;
  readonly slider: HTMLInputElement | null;
  readonly box: HTMLInputElement;
}

/**
 * The hyperparameters a card offers: the optimizer's own, and for a wrapper (Cautious) also its base's that the
 * wrapper forwards (`createOptimizer` sends every name the wrapper does not own to the base; a name both have stays
 * the wrapper's).
 */
export function cardHyperparameters(id: string): HpSpec[] {
  const own = optimizerMeta(id).hyperparameters;
  const base = (createOptimizer(id) as { readonly base?: Optimizer }).base;
  const forwarded = (base?.meta.hyperparameters ?? []).filter(
    (spec) => !own.some((mine) => mine.name === spec.name),
  );
  return [...own, ...forwarded];
}

export class OptimizerCard {
  readonly element: HTMLElement;
  private entry: OptimizerEntry;
  private shown: { entry: OptimizerEntry | null; error: string | null; color: string } = {
    entry: null,
    error: null,
    color: "",
  };
  private readonly controls: HpControl[] = [];
  private readonly values: HTMLElement;
  private readonly error: HTMLElement;
  private readonly swatch: HTMLElement;
  private readonly body: HTMLElement;
  private readonly schedule: SchedulePicker | null;
  private readonly note: HTMLElement;

  /** `name` prefixes every control's accessible name ("SGD learning rate"); distinct per card. */
  /** `schedules`: offer the lr schedule picker (the 2-D playground; the MNIST tab's specs have none). */
  constructor(
    entry: OptimizerEntry,
    private readonly callbacks: CardCallbacks,
    private readonly name: string = optimizerMeta(entry.id).name,
    options: { readonly schedules?: boolean } = {},
  ) {
    this.entry = entry;
    this.element = el("section", { class: "card", "data-optimizer": entry.id });
    this.swatch = el("span", { class: "swatch" });
    const menu = el(
      "select",
      { class: "optimizer-id", "aria-label": `${this.name}: optimizer` },
      optimizerIds().map((id) => el("option", { value: id }, [`${id} — ${optimizerMeta(id).name}`])),
    );
    menu.value = entry.id;
    // A new optimizer keeps the label and the schedule, not the old one's hyperparameters.
    menu.addEventListener("change", () => {
      const { schedule } = this.entry;
      this.callbacks.onChange({
        id: menu.value,
        hp: {},
        label: this.entry.label,
        ...(schedule === undefined ? {} : { schedule }),
      });
    });
    const label = el("input", {
      class: "label",
      type: "text",
      placeholder: "label",
      maxlength: "60",
      "aria-label": `${this.name} legend label`,
    });
    label.value = entry.label;
    label.addEventListener("change", () =>
      this.callbacks.onChange({ ...this.entry, label: cleanLabel(label.value) }),
    );
    const duplicate = el(
      "button",
      {
        type: "button",
        class: "small",
        title: "add a copy of this optimizer",
        "aria-label": `copy ${this.name}`,
      },
      ["copy"],
    );
    duplicate.addEventListener("click", () => this.callbacks.onDuplicate());
    const remove = el(
      "button",
      {
        type: "button",
        class: "small remove",
        title: "remove this optimizer",
        "aria-label": `remove ${this.name}`,
      },
      ["✕"],
    );
    remove.addEventListener("click", () => this.callbacks.onRemove());
    this.body = el("div", { class: "hps" });
    this.values = el("div", { class: "live-values" });
    this.error = el("div", { class: "error", role: "alert" });
    this.note = el("p", { class: "matrix-note" });
    this.note.hidden = true;
    this.schedule = options.schedules
      ? new SchedulePicker(this.name, (schedule) => {
          const { schedule: _old, ...rest } = this.entry;
          this.callbacks.onChange(schedule === undefined ? rest : { ...rest, schedule });
        })
      : null;
    const meta = optimizerMeta(entry.id);
    const formula = el("div", { class: "formula", title: meta.formula.join("\n") });
    for (const line of meta.latex) {
      const row = el("div");
      katex.render(line, row, { throwOnError: false, displayMode: false });
      formula.append(row);
    }
    const details = el("details", { class: "about" }, [
      el("summary", {}, [`about ${this.name}`]),
      el("p", {}, [meta.variantNote]),
      el("p", { class: "reference" }, [meta.reference]),
    ]);
    this.element.append(
      el("div", { class: "card-head" }, [this.swatch, menu, label, duplicate, remove]),
      this.note,
      this.body,
      ...(this.schedule ? [this.schedule.element] : []),
      formula,
      this.values,
      this.error,
      details,
    );
    for (const spec of cardHyperparameters(entry.id)) this.body.append(this.control(spec));
  }

  private control(spec: HpSpec): HTMLElement {
    const name = el("span", { class: "hp-name", title: spec.doc }, [`${spec.symbol} ${spec.name}`]);
    const spoken = `${this.name} ${SPOKEN[spec.name] ?? spec.name}`;
    if (spec.kind === "boolean") {
      const box = el("input", { type: "checkbox", "data-hp": spec.name, "aria-label": spoken });
      box.addEventListener("change", () => this.set(spec.name, box.checked));
      this.controls.push({ spec, slider: null, box });
      return el("label", { class: "hp" }, [name, box]);
    }
    const slider = el("input", {
      type: "range",
      min: "0",
      max: String(SLIDER_STEPS),
      step: "1",
      "data-hp": spec.name,
      "aria-label": spoken,
    });
    const box = el("input", {
      type: "number",
      step: "any",
      "data-hp-box": spec.name,
      "aria-label": `${spoken} value`,
    });
    slider.addEventListener("input", () => this.set(spec.name, sliderValue(spec, Number(slider.value))));
    box.addEventListener("change", () => {
      const value = box.value.trim() === "" ? Number.NaN : Number(box.value);
      this.set(spec.name, value);
    });
    this.controls.push({ spec, slider, box });
    return el("div", { class: `hp${spec.scale === "log" ? " log" : ""}` }, [name, slider, box]);
  }

  private set(name: string, value: HpValue): void {
    this.callbacks.onChange({ ...this.entry, hp: { ...this.entry.hp, [name]: value } });
  }

  /** Shows the entry's current values (without stealing focus from a box being typed in). */
  update(
    entry: OptimizerEntry,
    optimizer: Optimizer | null,
    error: string | null,
    color: string,
    run?: CardRun,
  ): void {
    if (run !== undefined) {
      const note = run.note === null ? "" : `updates ${run.note}`;
      if (this.note.textContent !== note) this.note.textContent = note;
      this.note.hidden = note === "";
      this.schedule?.update(entry.schedule, { ...run, optimizer, color });
    }
    // Unchanged since the last update (another optimizer's slider moved): nothing to write.
    if (entry === this.shown.entry && error === this.shown.error && color === this.shown.color) return;
    this.shown = { entry, error, color };
    this.entry = entry;
    this.swatch.style.background = color;
    this.element.style.borderLeftColor = color;
    const hp = optimizer?.hp ?? {};
    for (const { spec, slider, box } of this.controls) {
      const value = entry.hp[spec.name] ?? hp[spec.name] ?? spec.default;
      if (spec.kind === "boolean") {
        box.checked = value === true;
        continue;
      }
      if (typeof value === "number") {
        if (slider && document.activeElement !== slider) slider.value = String(sliderPosition(spec, value));
        if (document.activeElement !== box) box.value = String(value);
      }
    }
    this.values.textContent = optimizer
      ? this.controls
          .map(({ spec }) => spec)
          .map(
            (spec) =>
              `${spec.symbol} = ${typeof hp[spec.name] === "number" ? shortNumber(hp[spec.name] as number) : String(hp[spec.name])}`,
          )
          .join("   ")
      : "";
    this.error.textContent = error ?? "";
  }
}
