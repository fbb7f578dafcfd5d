/**
 * The controls room: the side panel's settings (preset, landscape, formula, start, steps), the optimizer cards
 * and "add optimizer", the header's undo / redo / presentation buttons and the keyboard shortcuts. Every change
 * goes through the store; `sync` writes the state back into the controls.
 */
import "katex/dist/katex.min.css";
import { getLandscape, type Landscape, landscapeIds } from "../../src/landscapes/index.js";
import { optimizerIds, optimizerMeta } from "../../src/optim/index.js";
import type { PathRun } from "./compute.js";
import { byId, el } from "./dom.js";
import { renderFormulaTex } from "./formula-tex.js";
import { OptimizerCard } from "./optimizer-card.js";
import { PRESETS } from "./presets.js";
import {
  landscapeOf,
  MAX_COORDINATE,
  MAX_OPTIMIZERS,
  MAX_STEPS,
  type OptimizerEntry,
  stateFromExperiment,
} from "./state.js";
import type { Store } from "./store.js";

export interface ControlsHost {
  readonly store: Store;
  showMessages(messages: readonly string[]): void;
  /** Space / ← / → in presentation mode and on the page. */
  togglePlay(): void;
  step(delta: number): void;
  /** Called after the cards were rebuilt (the stability menu follows them). */
  cardsRebuilt(): void;
}

/** The names a card's controls are announced by: "SGD", or "SGD #2" for a second SGD. */
export function cardNames(entries: readonly OptimizerEntry[]): string[] {
  const seen = new Map<string, number>();
  return entries.map((entry) => {
    const n = (seen.get(entry.id) ?? 0) + 1;
    seen.set(entry.id, n);
    const name = optimizerMeta(entry.id).name;
    const total = entries.filter((e) => e.id === entry.id).length;
    return total > 1 ? `${name} #${n}` : name;
  });
}

export class Controls {
  private cards: OptimizerCard[] = [];
  private cardKey = "";
  private renderedLatex = "";

  constructor(private readonly host: ControlsHost) {
    this.wireSettings();
    this.wireCards();
    this.wireHistory();
    this.wireShortcuts();
  }

  private get store(): Store {
    return this.host.store;
  }

  // ---- settings ------------------------------------------------------------------------------

  private wireSettings(): void {
    const preset = byId<HTMLSelectElement>("preset");
    for (const p of PRESETS) preset.append(el("option", { value: p.id }, [p.name]));
    preset.addEventListener("change", () => {
      const chosen = PRESETS.find((p) => p.id === preset.value);
      if (chosen) this.loadExperiment(chosen.experiment, `preset ${chosen.id}`, chosen.id);
      else this.store.markPreset(null);
    });
    const menu = byId<HTMLSelectElement>("landscape-id");
    for (const id of landscapeIds()) {
      const landscape = getLandscape(id);
      if (landscape.dim === 2) menu.append(el("option", { value: id }, [landscape.name]));
    }
    menu.append(el("option", { value: "" }, ["formula…"]));
    // Choosing a named landscape asks for its own start and window.
    menu.addEventListener("change", () => {
      if (menu.value !== "") this.setLandscape(menu.value, false);
      else byId<HTMLInputElement>("formula").focus();
    });
    const formula = byId<HTMLInputElement>("formula");
    // Editing the formula keeps the start and the window (the homework's numbers keep matching the book's).
    formula.addEventListener("change", () => this.setLandscape(formula.value, true));
    formula.addEventListener("keydown", (event) => {
      if (event.key === "Enter") this.setLandscape(formula.value, true);
    });
    const steps = byId<HTMLInputElement>("steps");
    steps.addEventListener("change", () => {
      const value = Math.round(Number(steps.value));
      const clamped = Number.isFinite(value)
        ? Math.min(MAX_STEPS, Math.max(1, value))
        : this.store.state.steps;
      this.store.set({ steps: clamped, cursor: clamped });
    });
    for (const [axis, id] of [
      [0, "start-x"],
      [1, "start-y"],
    ] as const) {
      const box = byId<HTMLInputElement>(id);
      box.addEventListener("change", () => {
        const value = box.value.trim() === "" ? Number.NaN : Number(box.value);
        if (!Number.isFinite(value)) return this.sync([]);
        const start: [number, number] = [this.store.start[0], this.store.start[1]];
        start[axis] = Math.min(MAX_COORDINATE, Math.max(-MAX_COORDINATE, value));
        this.store.set({ start, cursor: this.store.state.steps });
      });
    }
    byId("start-default").addEventListener("click", () =>
      this.store.set({ start: null, cursor: this.store.state.steps }),
    );
  }

  /** A landscape id or formula; `keep` keeps the current start and window. Errors are shown, never thrown. */
  setLandscape(text: string, keep: boolean): void {
    const error = byId("formula-error");
    try {
      landscapeOf(text);
    } catch (caught) {
      error.textContent = caught instanceof Error ? caught.message : String(caught);
      // Point at the character the message names ("… at position 7 …"), when the text is in the box.
      const position = /at position (\d+)/.exec(error.textContent);
      const box = byId<HTMLInputElement>("formula");
      if (position && box.value === text) {
        const at = Number(position[1]) - 1;
        box.focus();
        box.setSelectionRange(at, at + 1);
      }
      return;
    }
    error.textContent = "";
    const trimmed = text.trim();
    if (trimmed === this.store.state.landscape) return;
    const start = this.store.start;
    const window = this.store.window;
    this.store.set({
      landscape: trimmed,
      start: keep ? [start[0], start[1]] : null,
      window: keep ? { x: [window.x[0], window.x[1]], y: [window.y[0], window.y[1]] } : null,
      cursor: this.store.state.steps,
    });
  }

  /** Loads an experiment document (a preset or a user's file). Errors are one line; the page stays as it was. */
  loadExperiment(value: unknown, source: string, presetId: string | null = null): void {
    const fileError = byId("file-error");
    try {
      const { state, warnings } = stateFromExperiment(value, source, this.store.state);
      landscapeOf(state.landscape);
      fileError.textContent = "";
      byId("formula-error").textContent = "";
      this.host.showMessages(warnings);
      this.store.set(state);
      this.store.markPreset(presetId);
    } catch (error) {
      fileError.textContent = error instanceof Error ? error.message : String(error);
    }
  }

  // ---- cards ---------------------------------------------------------------------------------

  private wireCards(): void {
    const add = byId<HTMLSelectElement>("add-id");
    for (const id of optimizerIds())
      add.append(el("option", { value: id }, [`${id} — ${optimizerMeta(id).name}`]));
    add.value = "adam";
    byId("add").addEventListener("click", () => {
      const optimizers = this.store.state.optimizers;
      if (optimizers.length >= MAX_OPTIMIZERS) return;
      this.store.set({ optimizers: [...optimizers, { id: add.value, hp: {}, label: "" }] });
    });
  }

  private rebuildCards(): void {
    const entries = this.store.state.optimizers;
    const names = cardNames(entries);
    this.cards = entries.map(
      (entry, index) =>
        new OptimizerCard(
          entry,
          {
            onChange: (changed) =>
              this.store.set({
                optimizers: this.store.state.optimizers.map((old, i) => (i === index ? changed : old)),
              }),
            onRemove: () =>
              this.store.set({ optimizers: this.store.state.optimizers.filter((_, i) => i !== index) }),
            onDuplicate: () => {
              const list = this.store.state.optimizers;
              if (list.length >= MAX_OPTIMIZERS) return;
              const copy = { ...list[index], label: "" };
              this.store.set({ optimizers: [...list.slice(0, index + 1), copy, ...list.slice(index + 1)] });
            },
          },
          names[index],
          { schedules: true },
        ),
    );
    byId("cards").replaceChildren(...this.cards.map((card) => card.element));
    this.host.cardsRebuilt();
  }

  /** Rebuilds the cards when the optimizer ids changed (layout writes come before the canvases read sizes). */
  syncCards(): void {
    const key = this.store.state.optimizers.map((entry) => entry.id).join(",");
    if (key !== this.cardKey) {
      this.cardKey = key;
      this.rebuildCards();
    }
  }

  // ---- history, presentation, shortcuts ------------------------------------------------------

  private wireHistory(): void {
    byId("undo").addEventListener("click", () => this.store.undo());
    byId("redo").addEventListener("click", () => this.store.redo());
    const present = byId("present");
    present.addEventListener("click", () => {
      const on = !document.body.classList.contains("present");
      document.body.classList.toggle("present", on);
      present.setAttribute("aria-pressed", String(on));
      window.dispatchEvent(new Event("resize"));
    });
  }

  private wireShortcuts(): void {
    document.addEventListener("keydown", (event) => {
      const target = event.target as HTMLElement;
      const typing =
        target instanceof HTMLInputElement ||
        target instanceof HTMLTextAreaElement ||
        target instanceof HTMLSelectElement;
      const mod = event.ctrlKey || event.metaKey;
      if (mod && !typing && event.key.toLowerCase() === "z") {
        event.preventDefault();
        if (event.shiftKey) this.store.redo();
        else this.store.undo();
        return;
      }
      if (mod && !typing && event.key.toLowerCase() === "y") {
        event.preventDefault();
        this.store.redo();
        return;
      }
      if (typing || mod || target instanceof HTMLButtonElement || target instanceof HTMLCanvasElement) return;
      if (event.key === " ") {
        event.preventDefault();
        this.host.togglePlay();
      } else if (event.key === "ArrowRight") this.host.step(1);
      else if (event.key === "ArrowLeft") this.host.step(-1);
    });
  }

  // ---- state → controls ----------------------------------------------------------------------

  /** Writes the state into the controls (never into a box being typed in) and the runs into the cards. */
  sync(runs: readonly PathRun[]): void {
    const store = this.store;
    const state = store.state;
    const landscape: Landscape = store.landscape;
    const menu = byId<HTMLSelectElement>("landscape-id");
    const isId = landscapeIds().includes(state.landscape);
    menu.value = isId ? state.landscape : "";
    const formula = byId<HTMLInputElement>("formula");
    if (document.activeElement !== formula) formula.value = isId ? landscape.formula : state.landscape;
    if (this.renderedLatex !== landscape.latex) {
      this.renderedLatex = landscape.latex;
      renderFormulaTex(landscape.latex, byId("landscape-formula"));
    }
    const steps = byId<HTMLInputElement>("steps");
    if (document.activeElement !== steps) steps.value = String(state.steps);
    const [x, y] = store.start;
    const width = store.window.x[1] - store.window.x[0];
    const height = store.window.y[1] - store.window.y[0];
    for (const [id, value, span] of [
      ["start-x", x, width],
      ["start-y", y, height],
    ] as const) {
      const box = byId<HTMLInputElement>(id);
      // Arrow keys in the box nudge by 1 % of the window.
      box.step = String(Number((span / 100).toPrecision(2)));
      if (document.activeElement !== box) box.value = String(Number(value.toPrecision(6)));
    }
    const status = store.presetStatus();
    const preset = byId<HTMLSelectElement>("preset");
    preset.value = status?.id ?? "";
    byId("preset-status").textContent = status?.modified ? "modified" : "";
    byId<HTMLButtonElement>("undo").disabled = !store.canUndo;
    byId<HTMLButtonElement>("redo").disabled = !store.canRedo;
    for (const [i, run] of runs.entries())
      this.cards[i]?.update(run.entry, run.optimizer, run.error, run.color, {
        steps: state.steps,
        schedule: run.schedule,
        lr: run.trajectory?.lr ?? null,
        dash: run.dash,
        note: run.note,
      });
  }
}
