/**
 * The exports room: the export buttons act on the view that is open (SVG through the library's figures,
 * PNG and GIF with title, settings and legend), the experiment file (save / load), and "copy link" with
 * feedback. The exporters themselves (and gifenc) load on first use.
 */
import { OUTCOME_RULE } from "../../src/lab/index.js";
import type { PathRun } from "./compute.js";
import { byId, download } from "./dom.js";
import type { LegendRow } from "./exports.js";
import { OUTCOME_COLORS, stabilityCells } from "./stability.js";
import { encodeState, experimentOf } from "./state.js";
import type { Store } from "./store.js";
import { runSummary, type Views } from "./views.js";

export interface ExportsHost {
  readonly store: Store;
  readonly views: Views;
  runs(): readonly PathRun[];
  loadExperiment(value: unknown, source: string): void;
}

const exporters = () => import("./exports.js");

function guard(action: () => Promise<void>): () => void {
  return () => {
    action().catch((error: unknown) => {
      byId("file-error").textContent = error instanceof Error ? error.message : String(error);
    });
  };
}

export function wireExports(host: ExportsHost): void {
  const { store, views } = host;
  const experiment = (figure: "trajectories" | "surface" = "trajectories") =>
    experimentOf(store.state, store.landscape, figure);

  const legendRows = (cursor: number): LegendRow[] =>
    host
      .runs()
      .map((run) => ({ label: run.label, color: run.color, dash: run.dash, note: runSummary(run, cursor) }));

  type Exporters = Awaited<ReturnType<typeof exporters>>;

  /** The open view at step `cursor` as one picture with its title, settings and legend (synchronous). */
  const picture = (module: Exporters, cursor: number): { canvas: HTMLCanvasElement; name: string } => {
    const { composePicture } = module;
    const view = store.state.view;
    const ratio = Math.min(2, window.devicePixelRatio || 1);
    const settings = views.settingsLine();
    if (view === "grid") {
      views.drawGrid(cursor);
      const panels = views.grid.snapshots();
      return {
        name: "optlab-grid.png",
        canvas: composePicture({
          title: `${panels.length} optimizers, one panel each (shared axes), step ${cursor}`,
          settings,
          pictures: panels.map((p) => ({ canvas: p.canvas, title: p.title, color: p.color })),
          columns: Math.ceil(Math.sqrt(panels.length)),
          legend: legendRows(cursor),
          ratio,
        }),
      };
    }
    if (view === "stability") {
      const map = views.stabilityMap;
      const run = host.runs()[store.state.stabilityOf];
      return {
        name: "optlab-stability.png",
        canvas: composePicture({
          title: `Stability map of ${run?.label ?? "—"}: ${map?.xSpec.name ?? "lr"} × ${map?.ySpec?.name ?? "—"}`,
          settings: `${settings}. Tolerance 1e-3; ${OUTCOME_RULE}.`,
          pictures: [{ canvas: byId<HTMLCanvasElement>("stability") }],
          legend: (["converged", "slow", "diverged"] as const).map((outcome) => ({
            label: outcome,
            color: OUTCOME_COLORS[outcome],
            dash: [],
            note: `${map?.outcomes.filter((o) => o === outcome).length ?? 0} cells`,
          })),
          ratio,
        }),
      };
    }
    const surface = view === "surface" && views.surface !== null;
    let canvas: HTMLCanvasElement;
    if (surface && views.surface) {
      // WebGL keeps no drawing buffer between frames (faster on software GL): draw, then read in the same task.
      views.surface.render();
      canvas = byId<HTMLCanvasElement>("surface");
    } else {
      views.drawMap(cursor);
      canvas = views.map.snapshot();
    }
    return {
      name: surface ? "optlab-surface.png" : "optlab-map.png",
      canvas: composePicture({
        title: `${host.runs().length} optimizers on ${store.landscape.name}${surface ? " (3D surface)" : ""}, step ${cursor}`,
        settings,
        pictures: [{ canvas }],
        legend: legendRows(cursor),
        ratio: surface ? canvas.width / Math.max(1, canvas.clientWidth) : ratio,
      }),
    };
  };

  byId("export-png").addEventListener(
    "click",
    guard(async () => {
      const module = await exporters();
      const { canvas, name } = picture(module, store.state.cursor);
      module.exportPng(canvas, name);
    }),
  );

  byId("export-gif").addEventListener(
    "click",
    guard(async () => {
      const module = await exporters();
      // The animation is of the map or the grid (the other views have no timeline).
      if (store.state.view !== "map" && store.state.view !== "grid") store.set({ view: "map" });
      const bytes = module.encodeGif(store.state.steps, (k) => picture(module, k).canvas);
      views.draw();
      download("optlab-playground.gif", new Blob([bytes as BlobPart], { type: "image/gif" }));
    }),
  );

  byId("export-svg").addEventListener(
    "click",
    guard(async () => {
      const view = store.state.view;
      const module = await exporters();
      if (view === "stability") {
        const map = views.stabilityMap;
        if (!map) return;
        download(
          "optlab-stability.svg",
          module.stabilitySvg(
            stabilityCells(map),
            map,
            views.settingsLine(),
            host.runs()[store.state.stabilityOf]?.label ?? "",
          ),
          "image/svg+xml",
        );
        return;
      }
      if (view === "surface") return module.exportSvg(experiment("surface"));
      // The map is the overlay figure; the grid is the library's one-panel-per-optimizer figure.
      module.exportSvg({ ...experiment(), layout: view === "grid" ? "panels" : "overlay" });
    }),
  );
  byId("export-csv").addEventListener(
    "click",
    guard(async () => (await exporters()).exportCsv(experiment())),
  );
  byId("export-data").addEventListener(
    "click",
    guard(async () =>
      download(
        "optlab-trajectories.json",
        (await exporters()).trajectoriesJson(host.runs()),
        "application/json",
      ),
    ),
  );

  byId("save-json").addEventListener("click", () => {
    download("playground.json", `${JSON.stringify(experiment(), null, 2)}\n`, "application/json");
  });
  const load = byId<HTMLInputElement>("load-json");
  load.addEventListener("change", async () => {
    const file = load.files?.[0];
    load.value = "";
    if (!file) return;
    if (file.size > 1_000_000) {
      byId("file-error").textContent =
        `${file.name}: an experiment file is at most 1 MB, got ${file.size} bytes`;
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(await file.text());
    } catch (error) {
      byId("file-error").textContent =
        `${file.name}: not JSON (${error instanceof Error ? error.message : String(error)})`;
      return;
    }
    host.loadExperiment(value, `experiment ${file.name}`);
  });

  const status = byId("copy-status");
  byId("copy-link").addEventListener("click", async () => {
    const url = new URL(encodeState(store.state), location.href);
    history.replaceState(null, "", url.search);
    try {
      await navigator.clipboard.writeText(url.href);
      status.textContent = "link copied";
    } catch {
      // No clipboard permission (e.g. a plain-http page): show the link to copy by hand.
      status.textContent = "copy this link from the address bar";
    }
    setTimeout(() => {
      status.textContent = "";
    }, 4000);
  });
}
