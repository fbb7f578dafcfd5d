import { InputRangeError, InputTypeError, show, unknownNameMessage } from "../util/errors.js";
import type { DType, FloatArray, Optimizer, OptimizerMeta, OptimizerState } from "./types.js";

/**
 * Parameter groups: one optimizer instance per parameter slot of a flat buffer, chosen by the slot's role — torch's
 * `param_groups`, optax's `multi_transform`, Keller Jordan's `MuonWithAuxAdam`. Muon is meant for the hidden weight
 * matrices only (KellerJordan/Muon README: embeddings, the classifier head, gains and biases go to AdamW), so a
 * network trained with Muon is a composite: Muon on some slots, AdamW on the others.
 *
 * Written as text, entries separated by `|`:
 *
 *     hidden=muon:lr=0.02 | rest=adamw:lr=1e-3          roles named
 *     muon:lr=0.02 | adamw:lr=1e-3                       the same: unnamed entries are hidden, then rest
 *     hidden,input=muon:lr=0.02 | bias=adamw | output=adamw:lr=3e-4
 *
 * Roles: `hidden`, `input`, `output` (weight matrices), `bias` (vectors), `matrices` (= hidden, input, output) and
 * `rest` (every role no other entry names). Every slot must end up with exactly one optimizer.
 *
 * The composite is itself an `Optimizer` over the whole buffer: `step` runs each slot's optimizer on views of the
 * parameters and gradients (the same arithmetic as that optimizer on its own array, bit for bit), its state is one
 * plain record whose fields are the slots' fields prefixed by the slot name (`W2.m`, `b1.t`), and it keeps `lr`
 * (and `lrNext` when a slot's optimizer reads it) as a **factor**, 1 unless a schedule writes it: each slot's
 * optimizer uses its own lr × the factor, which is torch's LambdaLR over several param groups (lr_g = base_g · λ(k)).
 */

/** A parameter slot of the flat buffer with the role the groups choose by. */
export interface GroupSlot {
  readonly name: string;
  readonly offset: number;
  readonly length: number;
  readonly shape: readonly number[];
  readonly role: string;
}

/** One entry of a groups spec: the roles it claims and the optimizer spec text it gives them. */
export interface GroupEntry {
  readonly roles: readonly string[];
  readonly optimizer: string;
}

export interface GroupsSpec {
  readonly entries: readonly GroupEntry[];
}

/** The roles a network's slots have (see `networkSlots` in `lab/network-optimizer.ts`). */
export const SLOT_ROLES = ["hidden", "input", "output", "bias"] as const;
/** Role words a spec may use: the slot roles plus `matrices` and `rest`. */
export const GROUP_ROLE_WORDS = [...SLOT_ROLES, "matrices", "rest"] as const;
/** Unnamed entries take these roles in order. */
const POSITIONAL_ROLES = ["hidden", "rest"] as const;

/** Which slot got which optimizer, for the console and the report. */
export interface GroupAssignment {
  readonly slot: GroupSlot;
  readonly label: string;
  readonly optimizer: Optimizer;
}

export const groupsMeta: OptimizerMeta = {
  id: "groups",
  name: "Parameter groups (one optimizer per slot, chosen by role)",
  family: "torch",
  formula: [
    "for each slot s of the buffer (W1, b1, …), with role r(s) ∈ {hidden, input, output, bias}:",
    "  θ_s ← step_{opt(r(s))}(θ_s, g_s; lr = η_{opt(r(s))} · λ)",
  ],
  latex: [
    "\\text{for each slot } s:\\ \\theta_s \\leftarrow \\mathrm{step}_{\\mathrm{opt}(r(s))}(\\theta_s, g_s;\\ \\eta = \\eta_{\\mathrm{opt}(r(s))}\\,\\lambda)",
  ],
  state: {
    lr: "λ, the schedule's factor on every slot's own lr (1 without a schedule)",
    "NAME.field": "the state field `field` of slot NAME's optimizer",
  },
  hyperparameters: [],
  variantNote:
    "A schedule drives one factor λ that multiplies every group's own lr (torch LambdaLR over several param groups); " +
    "schedule options that are values (peak, end, eta_min) are therefore factors. Optimizers whose scalars are shared " +
    "over the whole buffer (Prodigy's d, LAMB's trust ratio) get one instance per slot here, as torch gives one per tensor.",
  reference:
    "torch.optim param_groups; optax.multi_transform; KellerJordan/Muon@857d1ad README (MuonWithAuxAdam: Muon for hidden weight matrices only)",
  couplesCoordinates: true,
};

const ROLE_PREFIX = /^\s*([a-zA-Z*][a-zA-Z*\s,+]*)=(.*)$/s;

/** Parses `hidden=muon:lr=0.02 | rest=adamw` (see the module comment). */
export function parseGroupsSpec(text: string): GroupsSpec {
  if (typeof text !== "string" || text.trim() === "") {
    throw new InputTypeError(
      `groups must be written as ROLES=OPTIMIZER | …, e.g. "muon:lr=0.02 | adamw:lr=1e-3", got ${show(text)}`,
    );
  }
  const pieces = splitBars(text);
  const entries: GroupEntry[] = [];
  let positional = 0;
  for (const piece of pieces) {
    const trimmed = piece.trim();
    if (trimmed === "") throw new InputTypeError(`groups: an entry between two | is empty in ${show(text)}`);
    const match = ROLE_PREFIX.exec(trimmed);
    // `muon:lr=0.02` has a colon before its first `=`: an optimizer, not a role list.
    const head = match === null ? "" : match[1];
    if (match !== null && !trimmed.slice(0, head.length).includes(":")) {
      const roles = head
        .split(/[,+]/)
        .map((word) => word.trim())
        .filter((word) => word !== "");
      for (const role of roles) checkRoleWord(role);
      if (match[2].trim() === "") throw new InputTypeError(`groups: ${head.trim()}= names no optimizer`);
      entries.push({ roles: roles.map((r) => (r === "*" ? "rest" : r)), optimizer: match[2].trim() });
    } else {
      if (positional >= POSITIONAL_ROLES.length) {
        throw new InputRangeError(
          `groups: only the first two entries may leave out their roles (hidden, then rest), got ${show(trimmed)}; write ROLES=${trimmed}`,
        );
      }
      entries.push({ roles: [POSITIONAL_ROLES[positional++]], optimizer: trimmed });
    }
  }
  return { entries };
}

/** Splits at `|` outside brackets and parentheses. */
function splitBars(text: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === "[" || c === "(" || c === "{") depth++;
    else if (c === "]" || c === ")" || c === "}") depth--;
    if (i === text.length || (c === "|" && depth === 0)) {
      pieces.push(text.slice(start, i));
      start = i + 1;
    }
  }
  return pieces;
}

function checkRoleWord(role: string): void {
  if (role === "*" || (GROUP_ROLE_WORDS as readonly string[]).includes(role)) return;
  throw new InputTypeError(`groups: ${unknownNameMessage("role", role, GROUP_ROLE_WORDS)}`);
}

/** The spec back as text, roles always named: `hidden=muon:lr=0.02 | rest=adamw:lr=0.001`. */
export function groupsSpecText(spec: GroupsSpec): string {
  return spec.entries.map((entry) => `${entry.roles.join(",")}=${entry.optimizer}`).join(" | ");
}

/**
 * Decides which entry each slot belongs to: named roles first, `rest` for what is left. One line per mistake:
 * a role given twice, a slot without an optimizer.
 */
export function assignGroups(spec: GroupsSpec, slots: readonly GroupSlot[]): number[] {
  const owner = new Map<string, number>();
  let rest = -1;
  spec.entries.forEach((entry, e) => {
    for (const word of entry.roles) {
      const roles = word === "matrices" ? ["hidden", "input", "output"] : [word];
      if (word === "rest") {
        if (rest >= 0) throw twice("rest", rest, e);
        rest = e;
        continue;
      }
      for (const role of roles) {
        const previous = owner.get(role);
        if (previous !== undefined) throw twice(role, previous, e);
        owner.set(role, e);
      }
    }
  });
  const missing: string[] = [];
  const assignment = slots.map((slot) => {
    const e = owner.get(slot.role) ?? rest;
    if (e < 0) missing.push(`${slot.role} ${slot.name}`);
    return e;
  });
  if (missing.length > 0) {
    throw new InputRangeError(
      `groups: no optimizer for ${missing.join(", ")}; name their roles or end with rest=OPTIMIZER (e.g. "| rest=adamw:lr=1e-3")`,
    );
  }
  return assignment;
}

function twice(role: string, first: number, second: number): InputRangeError {
  return new InputRangeError(
    `groups: role ${show(role)} is given twice (entries ${first + 1} and ${second + 1}); give each role to one optimizer`,
  );
}

/** Optimizers defined for 2-D parameters only (given a vector they would treat it as a 1×n matrix). */
const MATRIX_ONLY = new Set(["muon", "optax-muon"]);

/**
 * The composite `parameterGroups` returns: an `Optimizer` over the whole buffer that also shows its parts, so an
 * engine can step each slot through a faster step of the same optimizer (`nn/kernels/accelerate.ts`) by building the
 * same composite from wrapped parts: same fields, same arithmetic per slot.
 */
export interface ParameterGroupsOptimizer extends Optimizer {
  readonly id: "groups";
  readonly parts: readonly GroupAssignment[];
}

/** True for the composite of `parameterGroups`. */
export function isParameterGroups(optimizer: Optimizer): optimizer is ParameterGroupsOptimizer {
  return optimizer.id === groupsMeta.id && Array.isArray((optimizer as { parts?: unknown }).parts);
}

/** A composite optimizer from slots and one optimizer per slot (made by the caller: see `network-optimizer.ts`). */
export function parameterGroups(parts: readonly GroupAssignment[], n: number): ParameterGroupsOptimizer {
  checkSlots(parts, n);
  for (const { slot, optimizer } of parts) {
    if (MATRIX_ONLY.has(optimizer.id) && slot.shape.length !== 2) {
      throw new InputRangeError(
        `groups: ${optimizer.id} cannot update ${slot.role} ${slot.name} (shape ${show(slot.shape)}): it updates 2-D weight matrices only; ` +
          `give ${slot.role === "bias" ? "the biases" : slot.name} to adamw, e.g. "hidden=muon:lr=0.02 | rest=adamw:lr=1e-3"`,
      );
    }
    if (optimizer.stepWithObjective !== undefined) {
      throw new InputRangeError(
        `groups: ${optimizer.id} (${slot.role} ${slot.name}) evaluates the objective itself over the whole buffer; use it without groups`,
      );
    }
  }
  const prefixes = parts.map(({ slot }) => `${slot.name}.`);
  /** Live per-slot state records and views, made once per composite state (WeakMap: no allocation per step). */
  interface Live {
    subs: OptimizerState[];
    keys: string[][];
    numeric: boolean[][];
    params: FloatArray | null;
    grads: FloatArray | null;
    out: FloatArray | null;
    paramViews: FloatArray[];
    gradViews: FloatArray[];
    outViews: FloatArray[];
  }
  const live = new WeakMap<OptimizerState, Live>();
  const evaluates = parts.some((p) => p.optimizer.evaluationPoint !== undefined);
  // What each slot's fresh state holds, learnt in `init` (every state this composite steps came from its init).
  const baseLr = parts.map(({ optimizer }) => (typeof optimizer.hp.lr === "number" ? optimizer.hp.lr : 1));
  const hasLr = parts.map(() => false);
  const hasLrNext = parts.map(() => false);

  function liveFor(state: OptimizerState): Live {
    let entry = live.get(state);
    if (entry !== undefined) return entry;
    const keys: string[][] = [];
    const numeric: boolean[][] = [];
    const subs = parts.map((_, s) => {
      const sub: OptimizerState = {};
      const k: string[] = [];
      const num: boolean[] = [];
      for (const [key, value] of Object.entries(state)) {
        if (!key.startsWith(prefixes[s])) continue;
        const field = key.slice(prefixes[s].length);
        sub[field] = value;
        k.push(field);
        num.push(typeof value === "number");
      }
      if (hasLr[s]) sub.lr = baseLr[s];
      if (hasLrNext[s]) sub.lrNext = Number.NaN;
      keys.push(k);
      numeric.push(num);
      return sub;
    });
    entry = {
      subs,
      keys,
      numeric,
      params: null,
      grads: null,
      out: null,
      paramViews: [],
      gradViews: [],
      outViews: [],
    };
    live.set(state, entry);
    return entry;
  }

  const views = (array: FloatArray): FloatArray[] =>
    parts.map(({ slot }) => array.subarray(slot.offset, slot.offset + slot.length));

  /** Copies the composite's fields into the slot's record (arrays by reference) and the lr factor onto its own lr. */
  function load(entry: Live, state: OptimizerState, s: number): OptimizerState {
    const sub = entry.subs[s];
    const keys = entry.keys[s];
    const prefix = prefixes[s];
    for (let i = 0; i < keys.length; i++) sub[keys[i]] = state[prefix + keys[i]];
    if (hasLr[s]) sub.lr = baseLr[s] * (state.lr as number);
    if (hasLrNext[s]) sub.lrNext = baseLr[s] * (state.lrNext as number);
    return sub;
  }

  const composite: ParameterGroupsOptimizer = {
    id: "groups",
    hp: {},
    meta: groupsMeta,
    parts: [...parts],
    init(size: number, dtype?: DType) {
      if (size !== n) {
        throw new InputRangeError(`groups: made for a buffer of ${n} numbers, asked for ${size}`);
      }
      const state: OptimizerState = { lr: 1 };
      parts.forEach(({ slot, optimizer }, s) => {
        const sub = optimizer.init(slot.length, dtype, slot.shape.length === 2 ? slot.shape : undefined);
        for (const [key, value] of Object.entries(sub)) {
          // lr and lrNext are derived: the slot's own lr × the composite's factor.
          if (key === "lr" && typeof value === "number") {
            hasLr[s] = true;
            baseLr[s] = value;
          } else if (key === "lrNext") {
            hasLrNext[s] = true;
            state.lrNext = Number.NaN;
          } else state[prefixes[s] + key] = value;
        }
      });
      return state;
    },
    step(params: FloatArray, grads: FloatArray, state: OptimizerState) {
      const entry = liveFor(state);
      if (entry.params !== params) {
        entry.params = params;
        entry.paramViews = views(params);
      }
      if (entry.grads !== grads) {
        entry.grads = grads;
        entry.gradViews = views(grads);
      }
      for (let s = 0; s < parts.length; s++) {
        const sub = load(entry, state, s);
        parts[s].optimizer.step(entry.paramViews[s], entry.gradViews[s], sub);
        const keys = entry.keys[s];
        const numeric = entry.numeric[s];
        const prefix = prefixes[s];
        for (let i = 0; i < keys.length; i++) if (numeric[i]) state[prefix + keys[i]] = sub[keys[i]];
      }
    },
  };
  if (evaluates) {
    composite.evaluationPoint = (params: FloatArray, state: OptimizerState, out: FloatArray) => {
      const entry = liveFor(state);
      if (entry.out !== out) {
        entry.out = out;
        entry.outViews = views(out);
      }
      if (entry.params !== params) {
        entry.params = params;
        entry.paramViews = views(params);
      }
      out.set(params);
      for (let s = 0; s < parts.length; s++) {
        const point = parts[s].optimizer.evaluationPoint;
        if (point === undefined) continue;
        point.call(parts[s].optimizer, entry.paramViews[s], load(entry, state, s), entry.outViews[s]);
      }
    };
  }
  return composite;
}

function checkSlots(parts: readonly GroupAssignment[], n: number): void {
  const sorted = [...parts].sort((a, b) => a.slot.offset - b.slot.offset);
  let end = 0;
  for (const { slot } of sorted) {
    if (!(Number.isInteger(slot.offset) && slot.offset >= end && slot.offset + slot.length <= n)) {
      throw new InputRangeError(
        `groups: slot ${slot.name} [${slot.offset}, ${slot.offset + slot.length}) overlaps another or leaves the buffer of ${n}`,
      );
    }
    end = slot.offset + slot.length;
  }
  const names = new Set(parts.map((p) => p.slot.name));
  if (names.size !== parts.length) throw new InputRangeError("groups: slot names must be distinct");
}
