/**
 * optlab as a library: the optimizers, the landscapes and the lab (trajectories, metrics, experiments, training,
 * studies). The other floors have their own entry points: `optlab/plot` (figures as SVG), `optlab/nn` (the MNIST
 * network and its engines), `optlab/data` (data sets as arrays), `optlab/run` (Node runners: data from disk, worker
 * pools, paired training), `optlab/report` (reports, PNG rendering, figure files).
 *
 * @packageDocumentation
 */
export * from "./lab/index.js";
export * from "./landscapes/index.js";
export * from "./optim/index.js";
