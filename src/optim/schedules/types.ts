/**
 * Learning-rate schedules as data. A schedule is written as a plain, JSON-able spec `{ id, options }`; `createSchedule`
 * checks it and returns a runtime object whose state is plain data too (numbers, lists of numbers and child states), so
 * a run with a schedule saves and resumes like one without.
 *
 * Two kinds, because the reference libraries have two:
 * - optax-style schedules are pure functions of the 0-based count c: step k of an optimizer uses value(k − 1);
 * - torch-style schedulers are recursive: they keep a "param group" (the lr, and the momentum / β₁ that CyclicLR and
 *   OneCycleLR cycle), change it at construction (epoch 0) and after every optimizer step (`scheduler.step()`), and
 *   optimizer step k uses what the group holds just before it.
 * Both drive an optimizer the same way (`ScheduledState`): before each step the runner writes `state.lr` (and
 * `state.momentum` or `state.beta1`) of the optimizer state.
 */

/** A schedule as data: an optlab id (`warmup-cosine`, `step-lr`, …) and its options (optlab spellings or foreign). */
export interface ScheduleSpec {
  readonly id: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

/** What a schedule reads from the run it is attached to, for options that default to it. */
export interface ScheduleContext {
  /** The optimizer's own learning rate (torch: the base lr; optax: default of init/peak values). */
  readonly lr?: number;
  /** Number of optimizer steps of the run (default of decay lengths). */
  readonly steps?: number;
}

/** The param group a torch-style scheduler acts on (optax-style schedules keep only `lr` current). */
export interface ScheduleGroup {
  [field: string]: number;
  /** The lr the next optimizer step uses. */
  lr: number;
  /** torch's `initial_lr`: the base lr of the closed forms. */
  initialLr: number;
  /** The momentum (torch SGD) or β₁ (torch Adam, AdamW) the next step uses; NaN when the optimizer has neither. */
  momentum: number;
  /** 1 when `momentum` is the optimizer's β₁ (torch's `use_beta1`), 0 when it is SGD's momentum. */
  useBeta1: number;
}

/** A rule's own counters (`lastEpoch`, ReduceLROnPlateau's `best`, …) and its children's states. */
export interface RuleState {
  [field: string]: number | number[] | RuleState[];
}

/** Everything a running schedule remembers: plain data (see `saveScheduleState` for JSON). */
export interface ScheduleState {
  group: ScheduleGroup;
  rule: RuleState;
}

/**
 * The optimizer fields a schedule writes: `lr`, `momentum` or `beta1` when it cycles them, and `lrNext` (the value one
 * count ahead) for optimizers that read it — Schedule-Free's averaging weight, which optax evaluates at count k + 1.
 */
export type Driven = "lr" | "momentum" | "beta1" | "lrNext";
