/**
 * The playground's one state and its history: every change goes through `set`, which records an undo step
 * (changes of the same kind within HISTORY_MERGE_MS, such as a slider drag, are one step; the timeline's cursor
 * and the open view are not history), mirrors the state in the URL and tells the listeners.
 */
import type { Landscape } from "../../src/landscapes/index.js";
import { encodeState, landscapeOf, type PlaygroundState, type Window2 } from "./state.js";

/** Events of a continuous gesture (a slider drag, a pointer drag, the wheel): their changes merge into one step. */
const CONTINUOUS = new Set(["input", "pointermove", "wheel"]);

/** Continuous changes of the same fields closer together than this are one undo step. */
export const HISTORY_MERGE_MS = 600;
const HISTORY_LIMIT = 200;

/** Fields that are not worth an undo step on their own. */
const TRANSIENT: readonly (keyof PlaygroundState)[] = ["cursor", "view"];

export type Listener = (before: PlaygroundState, after: PlaygroundState) => void;

export class Store {
  private current: PlaygroundState;
  private currentLandscape: Landscape;
  private readonly past: PlaygroundState[] = [];
  private readonly future: PlaygroundState[] = [];
  private lastChange = { at: 0, kind: "" };
  private readonly listeners: Listener[] = [];
  private urlTimer = 0;
  /** The preset last loaded and the state it gave, for "modified". */
  private preset: { id: string; state: PlaygroundState } | null = null;

  constructor(initial: PlaygroundState) {
    this.current = initial;
    this.currentLandscape = landscapeOf(initial.landscape);
  }

  get state(): PlaygroundState {
    return this.current;
  }

  get landscape(): Landscape {
    return this.currentLandscape;
  }

  /** The start in force: the state's, or the landscape's own. */
  get start(): readonly [number, number] {
    return this.current.start ?? [this.currentLandscape.start[0], this.currentLandscape.start[1]];
  }

  get window(): Window2 {
    return this.current.window ?? this.currentLandscape.domain;
  }

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  /**
   * Applies a change (a new landscape text is parsed here and throws the library's message if it is not a
   * function the page can draw; the state is then left as it was).
   */
  set(patch: Partial<PlaygroundState>, options: { history?: boolean } = {}): void {
    const before = this.current;
    let next: PlaygroundState = { ...before, ...patch };
    if (next.cursor > next.steps) next = { ...next, cursor: next.steps };
    if (next.stabilityOf >= next.optimizers.length) next = { ...next, stabilityOf: 0 };
    if (next.landscape !== before.landscape) this.currentLandscape = landscapeOf(next.landscape);
    const kinds = (Object.keys(patch) as (keyof PlaygroundState)[]).filter(
      (key) => !TRANSIENT.includes(key) && patch[key] !== before[key],
    );
    if (options.history !== false && kinds.length > 0) {
      const kind = kinds.sort().join(",");
      const now = performance.now();
      // The event being handled, if any (a typed value or a click is always its own step).
      const event = (globalThis as { event?: Event }).event;
      const continuous = event !== undefined && CONTINUOUS.has(event.type);
      if (!continuous || kind !== this.lastChange.kind || now - this.lastChange.at > HISTORY_MERGE_MS) {
        this.past.push(before);
        if (this.past.length > HISTORY_LIMIT) this.past.shift();
      }
      this.future.length = 0;
      this.lastChange = { at: now, kind };
    }
    this.commit(before, next);
  }

  private commit(before: PlaygroundState, next: PlaygroundState): void {
    this.current = next;
    if (next.landscape !== before.landscape) this.currentLandscape = landscapeOf(next.landscape);
    for (const listener of this.listeners) listener(before, next);
    this.scheduleUrl();
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  /** Back one step (the view and the cursor stay where they are). */
  undo(): boolean {
    const previous = this.past.pop();
    if (!previous) return false;
    this.future.push(this.current);
    this.lastChange = { at: 0, kind: "" };
    this.commit(this.current, { ...previous, view: this.current.view, cursor: previous.steps });
    return true;
  }

  redo(): boolean {
    const next = this.future.pop();
    if (!next) return false;
    this.past.push(this.current);
    this.lastChange = { at: 0, kind: "" };
    this.commit(this.current, { ...next, view: this.current.view, cursor: next.steps });
    return true;
  }

  /** Remembers that `id` was just loaded: the preset's name shows "modified" once the state differs. */
  markPreset(id: string | null): void {
    this.preset = id === null ? null : { id, state: this.current };
  }

  /** The loaded preset and whether anything but the view and the cursor differs from it. */
  presetStatus(): { id: string; modified: boolean } | null {
    if (this.preset === null) return null;
    const comparable = (s: PlaygroundState) => encodeState({ ...s, view: "map", cursor: s.steps });
    return { id: this.preset.id, modified: comparable(this.preset.state) !== comparable(this.current) };
  }

  scheduleUrl(): void {
    clearTimeout(this.urlTimer);
    this.urlTimer = window.setTimeout(() => history.replaceState(null, "", encodeState(this.current)), 150);
  }
}
