/**
 * optlab as a library: the optimizers, the landscapes and the lab (trajectories, metrics, experiments, training,
 * studies, the report). Plotting and the network are imported from their modules (`optlab/plot/figures.js`, `optlab/nn/network.js`, …).
 */
export * from "./lab/index.js";
export * from "./landscapes/index.js";
export * from "./optim/index.js";
