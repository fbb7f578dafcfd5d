/**
 * Presets: the seed's experiments, read from the same experiment files the CLI draws
 * (`experiments/*.json`), so a preset in the page and `optlab experiment FILE` show the same runs.
 */
import adagradVsRmsprop from "../../experiments/adagrad-vs-rmsprop.json" with { type: "json" };
import bookVsTorch from "../../experiments/book-vs-torch.json" with { type: "json" };
import gradientField from "../../experiments/gradient-field.json" with { type: "json" };
import lr001 from "../../experiments/lr-0.01.json" with { type: "json" };
import lr11 from "../../experiments/lr-11.json" with { type: "json" };
import lrTuned from "../../experiments/lr-tuned.json" with { type: "json" };
import momentumVsNesterov from "../../experiments/momentum-vs-nesterov.json" with { type: "json" };
import surface from "../../experiments/surface.json" with { type: "json" };
import trajectories from "../../experiments/trajectories.json" with { type: "json" };
import trajectories6 from "../../experiments/trajectories-6.json" with { type: "json" };

export interface Preset {
  readonly id: string;
  readonly name: string;
  readonly experiment: unknown;
}

/** The one table of presets, in menu order. */
export const PRESETS: readonly Preset[] = [
  { id: "seed", name: "The seed's 2 × 2 figure (tuned learning rates)", experiment: trajectories },
  { id: "lr-0.01", name: "Every learning rate 0.01", experiment: lr001 },
  { id: "lr-tuned", name: "The tuned learning rates", experiment: lrTuned },
  { id: "lr-11", name: "Every learning rate 11 (divergence)", experiment: lr11 },
  { id: "momentum-vs-nesterov", name: "Momentum vs Nesterov", experiment: momentumVsNesterov },
  { id: "adagrad-vs-rmsprop", name: "AdaGrad vs RMSprop", experiment: adagradVsRmsprop },
  { id: "six", name: "Six optimizers (seed's four + Nesterov, RMSprop)", experiment: trajectories6 },
  { id: "book-vs-torch", name: "Book vs PyTorch (Nesterov, Adam)", experiment: bookVsTorch },
  { id: "gradient-field", name: "The gradient field", experiment: gradientField },
  { id: "surface", name: "Figure 6-1: the loss surface", experiment: surface },
];
