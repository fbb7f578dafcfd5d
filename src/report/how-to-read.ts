/**
 * Two lines per figure of the report: what to look at, and what it means. Shown under every figure in
 * index.html and report.md, and stored in manifest.json (`howToRead`).
 */
export const HOW_TO_READ: Readonly<Record<string, string>> = {
  surface:
    "Height and colour are f(x, y) = x²/20 + y² over [−50, 50]².\n" +
    "Compare how fast the surface rises along x and along y; item 1's answer gives the measured curvatures.",
  "gradient-field":
    "Each arrow is −∇f at its base: the direction plain gradient descent steps in (lengths compressed as √|∇f|).\n" +
    "Compare each arrow's direction with the direction to the minimum (+); item 2 counts how many point at it.",
  trajectories:
    "One panel per optimizer: 30 steps from (−7, 2) over the contours of f, + at the minimum.\n" +
    "Look at each path's shape (back and forth across the valley, or along it) and where its last point lies.",
  "trajectories-6":
    "The homework's four plus Nesterov and RMSprop (item 7), same start, steps and contours.\n" +
    "Compare each path's shape and how close its last point is to the +.",
  "lr-0.01":
    "Every learning rate 0.01, 30 steps from (−7, 2).\n" +
    "Compare how far each path gets from the start with the tuned figure; item 4.5 states where each run ended.",
  "lr-11":
    "Every learning rate 11, 30 steps from (−7, 2); × marks a run that diverged, with its step.\n" +
    "A path that leaves the picture diverged; item 4.5 states how each run ended, by the same rule as the maps.",
  "lr-tuned":
    "The homework's tuned set: each optimizer at the learning rate the book chose for it.\n" +
    "One hand-picked learning rate each: item 4.3 sets it beside a learning-rate grid and MNIST.",
  "momentum-vs-nesterov":
    "Momentum and Nesterov with the same lr and μ on one panel (zoomed).\n" +
    "Follow where each path turns near the minimum; item 7 gives their final losses and settling steps.",
  "adagrad-vs-rmsprop":
    "AdaGrad and RMSprop on one panel (zoomed), AdaGrad at two learning rates.\n" +
    "Compare the step lengths along each path near its end; item 7 gives their final losses and settling steps.",
  "book-vs-torch":
    "The book's Nesterov and Adam against PyTorch's on one panel, and the distance between paired iterates below.\n" +
    "Where the two paths overlap, the lower panel's distance per step shows how far apart they really are.",
  losses:
    "Left: f(x_k) against the step on a log axis; right: the distance to the minimum.\n" +
    "A falling straight line on the log axis is linear convergence; × marks a divergence.",
  timing:
    "Time per optimizer step (bars: median, whiskers: interquartile range) and time to a first f ≤ 1e−3.\n" +
    "Per-step cost and time to a first hit are different quantities: item 4.4 names the cheapest and the quickest.",
  "mnist-loss":
    "The book's smoothed training-batch loss per optimizer, median over the paired seeds (y from 0 to 1, a marker every 100 updates).\n" +
    "Lower and earlier is faster training; the faint lines are the raw losses.",
  "mnist-accuracy":
    "Test accuracy during training per optimizer, median over the paired seeds; the axis spans the measured values.\n" +
    "Differences of a fraction of a point need item 8's paired intervals before they mean anything.",
  "remedies-curves":
    "Training loss of SGD+Momentum, Adam and the two remedies (median and band over seeds).\n" +
    "Item 6 states whether SWATS switched to SGD and compares test accuracy and the train–test gap over seeds.",
};

/** The reading guide of a figure, if it has one (figure ids with a study prefix map to their generic name). */
export function howToRead(id: string): string | undefined {
  return HOW_TO_READ[id] ?? HOW_TO_READ[id.replace(/^remedies(-quick)?-/, "remedies-")];
}
