import type { NetworkLayout } from "../nn/layout.js";
import {
  assignGroups,
  type GroupAssignment,
  type GroupSlot,
  groupsSpecText,
  parameterGroups,
  parseGroupsSpec,
} from "../optim/groups.js";
import { createOptimizer, optimizerLabel, parseOptimizerSpec } from "../optim/index.js";
import { createSchedule, type Schedule } from "../optim/schedules/index.js";
import type { Optimizer } from "../optim/types.js";
import { InputTypeError, show } from "../util/errors.js";
import type { TrainingEntry } from "./train.js";

/**
 * The optimizer of one network of a paired MNIST run, from the spec text that labels it:
 *
 * - `groups(hidden=muon:lr=0.02 | rest=adamw:lr=1e-3)`: parameter groups by role (`optim/groups.ts`);
 * - `muon:…` (and `optax-muon:…`) alone: the reference recipe — Muon on the hidden weight matrices only, AdamW
 *   (lr 1e-3) on the input matrix, the output matrix and the biases (KellerJordan/Muon README, `MuonWithAuxAdam`);
 * - an optimizer that treats matrices differently (SOAP, Adafactor, SM3): one instance per slot with its shape,
 *   `groups(rest=…)`, so W1 is a 784×100 matrix rather than a stretch of one long vector;
 * - any other optimizer: on the whole flat buffer, as before.
 */
export interface NetworkOptimizer {
  readonly optimizer: Optimizer;
  /** Which slot got which optimizer; null when one optimizer updates the whole buffer. */
  readonly groups: readonly GroupAssignment[] | null;
  /** One line saying which layers got what (`muon lr=0.02 on W2, W3, W4; adamw lr=0.001 on W1, b1, …`). */
  readonly description: string;
}

/** Muon's companion on the slots it is not for, in the default recipe. */
export const MUON_AUX_OPTIMIZER = "adamw:lr=1e-3";
const MUON_IDS = new Set(["muon", "optax-muon"]);
/** Optimizers whose update depends on the parameter's matrix shape: given per slot, with the slot's shape. */
const SHAPE_AWARE_IDS = new Set(["soap", "adafactor", "torch-adafactor", "sm3"]);

/**
 * The network's slots with their roles: W1 the input matrix, the last W the output matrix, the others hidden, every
 * `b…` a bias. A conv filter bank (filters × channels × size × size, the conv network's W1) is handed over as the
 * filters × (channels·size²) matrix it is in memory, the view Muon's and SOAP's references flatten it to.
 */
export function networkSlots(layout: NetworkLayout): GroupSlot[] {
  const last = layout.layers.length;
  return layout.slots.map((slot) => {
    const layer = Number(slot.name.slice(1));
    const bias = slot.name.startsWith("b");
    const role = bias ? "bias" : layer === 1 ? "input" : layer === last ? "output" : "hidden";
    const shape =
      !bias && slot.shape.length > 2
        ? [slot.shape[0], slot.shape.slice(1).reduce((a, b) => a * b, 1)]
        : slot.shape;
    return { ...slot, shape, role };
  });
}

const GROUPS_FORM = /^\s*groups\s*\((.*)\)\s*$/s;

/** The groups spec a network spec stands for, or null when one optimizer updates the whole buffer. */
export function groupsOfSpec(spec: string): string | null {
  const wrapped = GROUPS_FORM.exec(spec);
  if (wrapped !== null) return wrapped[1];
  if (/^\s*cautious\s*\(/i.test(spec)) return null;
  const { id } = parseOptimizerSpec(spec);
  if (MUON_IDS.has(id)) return `hidden=${spec.trim()} | rest=${MUON_AUX_OPTIMIZER}`;
  if (SHAPE_AWARE_IDS.has(id)) return `rest=${spec.trim()}`;
  return null;
}

export function createNetworkOptimizer(spec: string, layout: NetworkLayout): NetworkOptimizer {
  const groupsText = groupsOfSpec(spec);
  if (groupsText === null) {
    const optimizer = createOptimizer(spec);
    return {
      optimizer,
      groups: null,
      description: `${optimizerLabel(optimizer)} on the whole network (${layout.size} parameters)`,
    };
  }
  const parsed = parseGroupsSpec(groupsText);
  const slots = networkSlots(layout);
  const owner = assignGroups(parsed, slots);
  // One instance per slot: an optimizer may keep scratch space sized by its last init.
  const groups = slots.map((slot, s) => {
    const optimizer = createOptimizer(parsed.entries[owner[s]].optimizer);
    return { slot, label: optimizerLabel(optimizer), optimizer };
  });
  return { optimizer: parameterGroups(groups, layout.size), groups, description: describeGroups(groups) };
}

/** `muon lr=0.02 on hidden W2, W3, W4 (100×100); adamw lr=0.001 on input W1 (784×100), output W5 (100×10), bias b1…b5`. */
export function describeGroups(groups: readonly GroupAssignment[]): string {
  const byLabel = new Map<string, GroupAssignment[]>();
  for (const g of groups) byLabel.set(g.label, [...(byLabel.get(g.label) ?? []), g]);
  return [...byLabel.entries()]
    .map(([label, members]) => {
      const roles = new Map<string, string[]>();
      for (const { slot } of members) {
        const shape = slot.shape.length === 2 ? ` (${slot.shape.join("×")})` : "";
        roles.set(slot.role, [...(roles.get(slot.role) ?? []), `${slot.name}${shape}`]);
      }
      const where = [...roles.entries()].map(([role, names]) => `${role} ${names.join(", ")}`).join("; ");
      return `${label} on ${where}`;
    })
    .join(" — ");
}

export { groupsSpecText };

/**
 * A network spec may end with its schedule after `@`: `adamw:lr=1e-3 @ warmup-cosine:warmup=100`,
 * `groups(muon:lr=0.02 | adamw:lr=1e-3) @ wsd:decay=0.2`. Splits at the last `@` outside brackets.
 */
export function splitScheduleSuffix(spec: string): { optimizer: string; schedule: string | null } {
  let depth = 0;
  let at = -1;
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i];
    if (c === "[" || c === "(" || c === "{") depth++;
    else if (c === "]" || c === ")" || c === "}") depth--;
    else if (c === "@" && depth === 0) at = i;
  }
  if (at < 0) return { optimizer: spec.trim(), schedule: null };
  const optimizer = spec.slice(0, at).trim();
  const schedule = spec.slice(at + 1).trim();
  if (optimizer === "" || schedule === "") {
    throw new InputTypeError(
      `write OPTIMIZER @ SCHEDULE (e.g. "adamw @ warmup-cosine:warmup=100"), got ${show(spec)}`,
    );
  }
  return { optimizer, schedule };
}

/** The optimizer specs inside a network spec (one, or one per group entry), for key checks at the boundary. */
export function optimizerSpecsOf(spec: string): string[] {
  const { optimizer } = splitScheduleSuffix(spec);
  const groups = GROUPS_FORM.exec(optimizer);
  return groups === null ? [optimizer] : parseGroupsSpec(groups[1]).entries.map((entry) => entry.optimizer);
}

/** `spec` with `schedule` attached (unless it names its own). */
export function withSchedule(spec: string, schedule: string | undefined): string {
  if (schedule === undefined || splitScheduleSuffix(spec).schedule !== null) return spec;
  return `${spec} @ ${schedule}`;
}

/**
 * One network of a paired run from its spec (`createNetworkOptimizer` plus the `@ schedule` suffix): the schedule's
 * run-dependent options default to `steps` and to the optimizer's lr — for parameter groups to the factor 1.
 */
export function createNetworkEntry(
  spec: string,
  layout: NetworkLayout,
  steps: number,
): TrainingEntry & { readonly description: string; readonly groups: NetworkOptimizer["groups"] } {
  const parts = splitScheduleSuffix(spec);
  const made = createNetworkOptimizer(parts.optimizer, layout);
  let schedule: Schedule | null = null;
  let description = made.description;
  if (parts.schedule !== null) {
    const lr = made.groups !== null ? 1 : (made.optimizer.hp.lr as number | undefined);
    schedule = createSchedule(parts.schedule, { lr, steps });
    description +=
      made.groups !== null
        ? `; schedule ${parts.schedule} as a factor on every group's lr`
        : `; schedule ${parts.schedule}`;
  }
  return { label: spec, optimizer: made.optimizer, schedule, description, groups: made.groups };
}
