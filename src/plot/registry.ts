import {
  curvesPanel,
  optimizerLegend,
  outcomeMapPanel,
  profilePanel,
  sensitivityPanel,
  stepsToTargetPanel,
} from "./compare-figures.js";
import { renderFigure } from "./figures.js";
import { legendPanel } from "./legend.js";
import { mnistAccuracyFigure, mnistLossFigure } from "./mnist-figures.js";
import { mnistLandscapeFigure } from "./mnist-landscape.js";
import { planarPanel } from "./planar.js";
import { seriesPanel } from "./series.js";
import { surfacePanel } from "./surface.js";
import { timingFigure } from "./timing.js";

/**
 * Every figure and panel function of optlab, registered once (Observable Plot's `test/plots/index` habit): the
 * snapshot suite iterates this table, so a new figure without a snapshot fails. `renderFigure` draws every
 * experiment kind (`FIGURE_KINDS`); the suite snapshots each kind.
 */
export const FIGURE_FUNCTIONS = {
  renderFigure,
  timingFigure,
  mnistLossFigure,
  mnistAccuracyFigure,
  mnistLandscapeFigure,
  curvesPanel,
  sensitivityPanel,
  stepsToTargetPanel,
  profilePanel,
  outcomeMapPanel,
  optimizerLegend,
  legendPanel,
  planarPanel,
  seriesPanel,
  surfacePanel,
} as const;

export type FigureFunctionName = keyof typeof FIGURE_FUNCTIONS;
