/**
 * Two lines per figure of the report: what to look at, and what it means. Shown under every figure in
 * index.html and report.md, and stored in manifest.json (`howToRead`).
 */
export const HOW_TO_READ: Readonly<Record<string, string>> = {
  surface:
    "Height and colour are f(x, y) = x²/20 + y² over [−50, 50]²: one minimum at the centre.\n" +
    "The bowl is long along x and steep along y — the shape that makes plain gradient descent zig-zag.",
  "gradient-field":
    "Each arrow is −∇f at its base: the direction plain gradient descent steps in (lengths compressed as √|∇f|).\n" +
    "Away from the x axis the arrows point almost straight up or down, not at the minimum (+): the y component dominates.",
  trajectories:
    "One panel per optimizer: 30 steps from (−7, 2) over the contours of f, + at the minimum.\n" +
    "Zig-zag across the valley means the step is too large for the steep direction; a smooth arc means the directions are balanced.",
  "trajectories-6":
    "The seed's four plus Nesterov and RMSprop (§7), same start, steps and contours.\n" +
    "Compare each path's shape (oscillation, overshoot) and how close its last point is to the +.",
  "lr-0.01":
    "Every learning rate 0.01: all paths are short — nobody reaches the minimum in 30 steps.\n" +
    "Differences here are differences in how each method scales a small step, not in speed at a good setting.",
  "lr-11":
    "Every learning rate 11: SGD and Momentum leave the picture (× marks where they diverged, with the step).\n" +
    "AdaGrad and Adam stay bounded because they normalise the gradient: their steps are about lr long.",
  "lr-tuned":
    "The seed's tuned set: each optimizer at the learning rate the book chose for it.\n" +
    "This is the figure the seed's §4.3 question is about; one hand-picked lr each, so compare with care.",
  "momentum-vs-nesterov":
    "Momentum and Nesterov with the same lr and μ on one panel (zoomed).\n" +
    "Nesterov's look-ahead damps the overshoot past the minimum: its path turns earlier.",
  "adagrad-vs-rmsprop":
    "AdaGrad and RMSprop on one panel (zoomed), AdaGrad at two learning rates.\n" +
    "AdaGrad's steps shrink as its sum of squares grows; RMSprop's moving average keeps them from dying out.",
  "book-vs-torch":
    "The book's Nesterov and Adam against PyTorch's on one panel, and their distance per step below.\n" +
    "Adam differs only by where ε sits (≈1e−5); Nesterov differs in the formula itself (≈0.1 and more).",
  losses:
    "Left: f(x_k) against the step on a log axis; right: the distance to the minimum.\n" +
    "A straight falling line is linear convergence; a flat or rising one means no progress or divergence (×).",
  timing:
    "Time per optimizer step (bars: median, whiskers: interquartile range) and time to reach f ≤ 1e−3.\n" +
    "Per-step cost differs by arithmetic; what matters for a solution is steps × time per step.",
  "mnist-loss":
    "The book's smoothed training-batch loss per optimizer (y from 0 to 1, a marker every 100 updates).\n" +
    "Lower and earlier is faster training; the faint lines are the raw losses, the spread of one seed.",
  "mnist-accuracy":
    "Test accuracy during training, per optimizer, on the held-out split.\n" +
    "Training loss can keep falling while accuracy flattens: the gap is what the training curve cannot show.",
  "remedies-curves":
    "Training loss of SGD+Momentum, Adam and the two remedies that bridge them (median and band over seeds).\n" +
    "SWATS follows Adam until it switches to SGD; AdaBound drifts from Adam-like to SGD-like steps.",
};

/** The reading guide of a figure, if it has one (figure ids with a study prefix map to their generic name). */
export function howToRead(id: string): string | undefined {
  return HOW_TO_READ[id] ?? HOW_TO_READ[id.replace(/^remedies(-quick)?-/, "remedies-")];
}
