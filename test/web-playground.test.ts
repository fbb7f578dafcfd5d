/**
 * Issue 13's checks in a real headless browser: the open view is the first and largest thing at a phone's, a
 * projector's and a desktop's size, with no sideways scroll; the book's formula keeps the book's start; undo;
 * the 2 × 2 grid; exported pictures with a legend; axe-core on every view; the MNIST tab's table, URL and the
 * network's loss-landscape slice. OPTLAB_SCREENSHOTS=/dir keeps a screenshot per size and view.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { snapshotUpdates } from "../src/lab/index.js";
import {
  axeViolations,
  type Harness,
  NO_CHROMIUM,
  screenshotsFolder,
  startPlayground,
} from "./web-harness.js";

interface Summary {
  state: Record<string, unknown> & {
    view: string;
    mnist: { specs: string[]; iterations: number; slice: string };
  };
  url: string;
  landscape: string;
  start: [number, number];
  window: { x: [number, number]; y: [number, number] };
  canUndo: boolean;
  gridPanels: number;
  runs: { label: string; color: string; end: [number, number] | null; stepsRun: number }[];
}

let h: Harness;
const SIZES = [
  { width: 390, height: 844, phone: true },
  { width: 1024, height: 768, phone: false },
  { width: 1920, height: 1080, phone: false },
] as const;
const VIEWS = ["map", "grid", "surface", "stability", "mnist"] as const;

function summary(p: Page = h.page): Promise<Summary> {
  return p.evaluate(() => (window as unknown as { __optlab: { summary(): Summary } }).__optlab.summary());
}

/** Pixels of a canvas (2D) within a small distance of each colour. */
function colourCounts(selector: string, colours: readonly string[], p: Page = h.page): Promise<number[]> {
  return p.evaluate(
    ({ selector, list }) => {
      const canvas = document.querySelector(selector) as HTMLCanvasElement;
      const data = (canvas.getContext("2d") as CanvasRenderingContext2D).getImageData(
        0,
        0,
        canvas.width,
        canvas.height,
      ).data;
      const targets = list.map((hex) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)));
      const counts = targets.map(() => 0);
      for (let q = 0; q < data.length; q += 4)
        targets.forEach((t, i) => {
          if (Math.abs(data[q] - t[0]) + Math.abs(data[q + 1] - t[1]) + Math.abs(data[q + 2] - t[2]) < 30)
            counts[i]++;
        });
      return counts;
    },
    { selector, list: colours },
  );
}

/** The open view's drawing area (the union of its `.drawing` boxes) and the page's widths. */
function measure(p: Page = h.page) {
  return p.evaluate(() => {
    const view = [...document.querySelectorAll<HTMLElement>(".view")].find((v) => !v.hidden);
    const boxes = [...(view?.querySelectorAll(".drawing") ?? [])].map((d) => d.getBoundingClientRect());
    const left = Math.min(...boxes.map((b) => b.left));
    const right = Math.max(...boxes.map((b) => b.right));
    const top = Math.min(...boxes.map((b) => b.top));
    return {
      view: view?.id,
      drawingWidth: right - left,
      drawingTop: top,
      innerWidth,
      scrollWidth: document.documentElement.scrollWidth,
    };
  });
}

function pngOf(path: string): PNG {
  return PNG.sync.read(readFileSync(path));
}

/** Pixels of the PNG's rows [from, to) within a small distance of `hex`. */
function pngCount(image: PNG, hex: string, from: number, to: number): number {
  const t = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let y = Math.max(0, from); y < Math.min(image.height, to); y++)
    for (let x = 0; x < image.width; x++) {
      const o = 4 * (y * image.width + x);
      if (
        Math.abs(image.data[o] - t[0]) +
          Math.abs(image.data[o + 1] - t[1]) +
          Math.abs(image.data[o + 2] - t[2]) <
        30
      )
        n++;
    }
  return n;
}

async function grab(button: string, p: Page = h.page): Promise<string> {
  const [download] = await Promise.all([p.waitForEvent("download"), p.click(button)]);
  const path = join(h.folder, download.suggestedFilename());
  await download.saveAs(path);
  return path;
}

beforeAll(async () => {
  if (NO_CHROMIUM) return;
  h = await startPlayground();
}, 180_000);

afterAll(async () => {
  await h?.close();
});

describe.skipIf(NO_CHROMIUM)("the playground for a lecture hall and a phone", () => {
  test("at 390×844, 1024×768 and 1920×1080 every view draws across ≥ 85 % (phone) / ≥ 50 % of the width, without sideways scroll, and axe-core finds nothing critical or serious", async () => {
    const shots = screenshotsFolder();
    const report: string[] = [];
    for (const size of SIZES) {
      const page = await h.newPage();
      await page.setViewportSize({ width: size.width, height: size.height });
      for (const view of VIEWS) {
        await h.open(view === "map" ? "" : `?view=${view}`, page);
        if (view === "surface")
          await page.waitForFunction(
            () => (document.getElementById("surface") as HTMLCanvasElement).width > 100,
          );
        const m = await measure(page);
        report.push(
          `${size.width}×${size.height} ${view}: ${((100 * m.drawingWidth) / m.innerWidth).toFixed(1)} %`,
        );
        expect(m.view).toBe(`view-${view}`);
        expect(m.drawingWidth / m.innerWidth).toBeGreaterThanOrEqual(size.phone ? 0.85 : 0.5);
        expect(m.scrollWidth).toBeLessThanOrEqual(m.innerWidth);
        // The drawing starts on the first screen.
        expect(m.drawingTop).toBeLessThan(size.height * 0.4);
        const violations = await axeViolations(page);
        expect(violations, `${view} at ${size.width}×${size.height}`).toEqual([]);
        if (shots) await page.screenshot({ path: join(shots, `${view}-${size.width}x${size.height}.png`) });
      }
      await page.close();
    }
    console.log(`drawing area / viewport width: ${report.join("; ")}`);
    expect(h.problems).toEqual([]);
  }, 300_000);

  test("the view tabs are reachable in at most 5 tab stops, and every control has a distinct accessible name", async () => {
    await h.open();
    let stops = 0;
    for (; stops < 10; stops++) {
      await h.page.keyboard.press("Tab");
      if (await h.page.evaluate(() => document.activeElement?.getAttribute("role") === "tab")) break;
    }
    expect(stops + 1).toBeLessThanOrEqual(5);
    const names = await h.page.evaluate(() =>
      [
        ...document.querySelectorAll<HTMLInputElement>("#side input[type=range], #side input[type=number]"),
      ].map((i) => i.getAttribute("aria-label") ?? ""),
    );
    expect(names).toContain("SGD (book) learning rate");
    expect(names).toContain("Adam (book) beta 1 value");
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    // "copy link" says what it did.
    await h.page.click("#copy-link");
    await expect.poll(() => h.page.textContent("#copy-status"), { timeout: 5000 }).toMatch(/link/);
    // Presentation mode: big type; Space plays and pauses, → steps.
    await h.page.click("#present");
    expect(await h.page.evaluate(() => document.body.classList.contains("present"))).toBe(true);
    await h.page.locator("body").click({ position: { x: 2, y: 2 } });
    await h.page.keyboard.press("ArrowLeft");
    expect((await summary()).state.cursor).toBe(29);
    await h.page.keyboard.press("Space");
    await expect.poll(async () => (await summary()).state.cursor, { timeout: 10_000 }).toBe(30);
    await h.page.click("#present");
  });

  test("typing the book's formula x^2/20 + y^2 keeps the start (−7, 2) and the window", async () => {
    await h.open();
    const before = await summary();
    expect(before.start).toEqual([-7, 2]);
    await h.page.fill("#formula", "x^2/20 + y^2");
    await h.page.press("#formula", "Enter");
    const after = await summary();
    expect(after.landscape).toBe("formula");
    expect(after.start).toEqual([-7, 2]);
    expect(after.window).toEqual(before.window);
    // The same function from the same start: the same ends as the book's landscape.
    expect(after.runs.map((r) => r.end)).toEqual(before.runs.map((r) => r.end));
    expect(await h.page.inputValue("#start-x")).toBe("-7");
  });

  test("the start is typed, nudged with the keyboard, set only deliberately, and undo restores the previous state", async () => {
    await h.open();
    const first = await summary();
    // A stray click on the map does not move the start.
    const box = await h.page.locator("#map").boundingBox();
    if (!box) throw new Error("no map");
    await h.page.mouse.click(box.x + box.width * 0.8, box.y + box.height * 0.2);
    expect((await summary()).start).toEqual([-7, 2]);
    // "set start", then a click: it moves.
    await h.page.click("#set-start");
    await h.page.mouse.click(box.x + box.width * 0.8, box.y + box.height * 0.2);
    const moved = await summary();
    expect(moved.start).not.toEqual([-7, 2]);
    await h.page.click("#undo");
    expect((await summary()).start).toEqual([-7, 2]);
    // Typed start.
    await h.page.fill("#start-x", "-5");
    await h.page.press("#start-x", "Enter");
    await h.page.fill("#start-y", "1.5");
    await h.page.press("#start-y", "Enter");
    expect((await summary()).start).toEqual([-5, 1.5]);
    // Arrow keys on the focused map nudge the start by 1 % of the window.
    await h.page.focus("#map");
    await h.page.keyboard.press("ArrowRight");
    const nudged = await summary();
    expect(nudged.start[0]).toBeCloseTo(-4.8, 9);
    // A slider change, then undo (button and Ctrl+Z) walks back through every step.
    const slider = h.page.locator('.card[data-optimizer="sgd"] input[type="range"][data-hp="lr"]');
    await slider.focus();
    await h.page.keyboard.press("ArrowLeft");
    expect((await summary()).runs[0].label).not.toBe(first.runs[0].label);
    await h.page.click("#undo");
    expect((await summary()).runs[0].label).toBe(first.runs[0].label);
    await h.page.click("#undo");
    expect((await summary()).start).toEqual([-5, 1.5]);
    await h.page.locator("body").click({ position: { x: 2, y: 2 } });
    await h.page.keyboard.press("Control+z");
    await h.page.keyboard.press("Control+z");
    expect((await summary()).start).toEqual([-7, 2]);
    await h.page.click("#redo");
    expect((await summary()).start).toEqual([-5, 2]);
  });

  test("the 2 × 2 grid draws four panels with the book's four paths, one optimizer each; its PNG has a legend", async () => {
    await h.open("?view=grid");
    await h.page.selectOption("#preset", "seed");
    const s = await summary();
    expect(s.gridPanels).toBe(4);
    expect(s.runs).toHaveLength(4);
    const colours = s.runs.map((r) => r.color);
    // Each panel holds its own optimizer's colour, and not the others'.
    for (let i = 0; i < 4; i++) {
      const counts = await colourCounts(`#grid-panels figure:nth-child(${i + 1}) canvas[role=img]`, colours);
      expect(counts[i], `panel ${i + 1}`).toBeGreaterThan(30);
      for (let j = 0; j < 4; j++)
        if (j !== i) expect(counts[j], `panel ${i + 1} colour ${j + 1}`).toBeLessThan(counts[i] / 4);
    }
    expect(await h.page.textContent("#preset-status")).toBe("");
    const image = pngOf(await grab("#export-png"));
    // The legend area: the last rows of the picture hold every run's colour.
    const legendTop = image.height - 4 * 20 * 2 - 40;
    for (const colour of colours)
      expect(pngCount(image, colour, legendTop, image.height)).toBeGreaterThan(20);
    const svg = readFileSync(await grab("#export-svg"), "utf8");
    expect(svg).toMatch(/^<svg/);
    // A change shows the preset as modified.
    await h.page.locator('.card[data-optimizer="sgd"] input[type="range"][data-hp="lr"]').focus();
    await h.page.keyboard.press("ArrowLeft");
    expect(await h.page.textContent("#preset-status")).toBe("modified");
  });

  test("the map's PNG and the stability map's PNG decode with a title and a legend area", async () => {
    await h.open();
    const map = pngOf(await grab("#export-png"));
    const canvasHeight = await h.page.evaluate(
      () => (document.getElementById("map") as HTMLCanvasElement).height,
    );
    expect(map.height).toBeGreaterThan(canvasHeight + 100);
    const s = await summary();
    for (const run of s.runs) expect(pngCount(map, run.color, canvasHeight, map.height)).toBeGreaterThan(20);
    await h.page.click('.tabs button[data-view="stability"]');
    await expect.poll(() => h.page.textContent("#stability-caption"), { timeout: 10_000 }).toMatch(/runs in/);
    expect(await h.page.textContent("#stability-caption")).toMatch(/final loss above the start/);
    const stability = pngOf(await grab("#export-png"));
    expect(stability.height).toBeGreaterThan(200);
    // The CLI maps' colours (OUTCOME_STYLE): converged blue.
    expect(pngCount(stability, "#0072B2", 0, stability.height)).toBeGreaterThan(100);
    expect(readFileSync(await grab("#export-svg"), "utf8")).toMatch(/^<svg[\s\S]*Stability map/);
  });

  test("the MNIST tab reads its settings from the URL, trains in the workers, fills its table, exports it and slices the loss landscape with every path", async () => {
    await h.open("?view=mnist&mo=sgd:lr=0.1&mo=adam:lr=0.001&mi=150&ml=plane");
    const s = await summary();
    expect(s.state.mnist).toEqual({
      specs: ["sgd:lr=0.1", "adam:lr=0.001"],
      iterations: 150,
      slice: "plane",
    });
    expect(await h.page.locator("#mnist-cards .card").count()).toBe(2);
    expect(await h.page.inputValue("#mnist-iterations")).toBe("150");
    await h.page.click("#mnist-start");
    const state = () =>
      h.page.evaluate(() => {
        const m = (
          window as unknown as {
            __optlab: {
              mnist?: {
                progress: number;
                sliceState: string;
                timing: { doneAt: number; trainMs: number; sliceMs: number };
                slice: { paths: unknown[][] } | null;
              };
            };
          }
        ).__optlab.mnist;
        return m
          ? {
              progress: m.progress,
              done: m.timing.doneAt > 0,
              slice: m.sliceState,
              paths: m.slice?.paths.map((p) => p.length) ?? [],
              sliceMs: m.timing.sliceMs,
              trainMs: m.timing.trainMs,
            }
          : null;
      });
    await expect.poll(async () => (await state())?.done, { timeout: 120_000, interval: 1000 }).toBe(true);
    const rows = await h.page.$$eval("#mnist-table tbody tr", (trs) =>
      trs.map((tr) => [...tr.children].map((td) => td.textContent?.trim() ?? "")),
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(Number(row[1])).toBeGreaterThan(0);
      expect(row[2]).toMatch(/^\d+\.\d\d %$/);
      expect(Number(row[3])).toBeGreaterThan(0);
    }
    const csv = readFileSync(await grab("#mnist-csv"), "utf8");
    expect(csv.split("\n")[0]).toBe("optimizer,spec,updates,final_loss,test_accuracy,ms_per_update");
    expect(csv.trim().split("\n")).toHaveLength(3);
    const json = JSON.parse(readFileSync(await grab("#mnist-json"), "utf8"));
    expect(json.results).toHaveLength(2);
    // The slice runs by itself after training, in the workers, with a progress bar.
    await expect.poll(async () => (await state())?.slice, { timeout: 120_000, interval: 1000 }).toBe("done");
    const done = await state();
    // Every run: the shared start and its snapshots (every ⌈150 / 20⌉ = 8 updates, and the last).
    const points = snapshotUpdates(150, 20).length;
    expect(done?.paths).toEqual([points, points]);
    expect(
      await h.page.evaluate(() => (document.getElementById("slice-progress") as HTMLProgressElement).value),
    ).toBe(1);
    const colours = (
      await h.page.$$eval("#mnist-legend .swatch", (s) => s.map((x) => getComputedStyle(x).backgroundColor))
    ).map(
      (rgb) =>
        `#${(rgb.match(/\d+/g) ?? [])
          .slice(0, 3)
          .map((v) => Number(v).toString(16).padStart(2, "0"))
          .join("")}`,
    );
    // One read of the canvas: every path's colour, and viridis's dark (lowest) and yellow (highest) ends.
    const counts = await colourCounts("#slice", [...colours, "#440154", "#fde725"]);
    for (const count of counts.slice(0, colours.length)) expect(count).toBeGreaterThan(20);
    expect(counts[colours.length]).toBeGreaterThan(0);
    expect(counts[colours.length + 1]).toBeGreaterThan(0);
    expect(await h.page.textContent("#slice-caption")).toMatch(/plane through the shared start/);
    console.log(
      `MNIST tab, 2 optimizers × 150 updates: training ${Math.round(done?.trainMs ?? 0)} ms, slice ${Math.round(done?.sliceMs ?? 0)} ms`,
    );
    // The URL round-trips the tab's settings.
    await h.page.waitForFunction(() => location.search.includes("mo="));
    const url = await h.page.evaluate(() => location.href);
    const other = await h.newPage();
    await other.goto(url);
    await other.waitForFunction(
      () => (window as unknown as { __optlab?: { ready: boolean } }).__optlab?.ready === true,
    );
    expect((await summary(other)).state.mnist).toEqual(s.state.mnist);
    expect((await summary(other)).state.view).toBe("mnist");
    await other.close();
    expect(h.problems).toEqual([]);
  }, 300_000);

  test.runIf(process.env.OPTLAB_MNIST_TIMING === "1")(
    "timing: the MNIST tab trains 4 optimizers × 2000 updates on the 8,000-digit sample",
    async () => {
      await h.open(
        "?view=mnist&mo=sgd:lr=0.01&mo=momentum:lr=0.01&mo=adagrad:lr=0.01&mo=adam:lr=0.001&mi=2000",
      );
      await h.page.uncheck("#slice-auto");
      await h.page.click("#mnist-start");
      const timing = () =>
        h.page.evaluate(
          () =>
            (window as unknown as { __optlab: { mnist: { timing: Record<string, number> } } }).__optlab.mnist
              .timing,
        );
      await expect
        .poll(async () => (await timing()).doneAt > 0, { timeout: 900_000, interval: 2000 })
        .toBe(true);
      const t = await timing();
      await h.page.click("#slice-start");
      await expect
        .poll(async () => (await timing()).sliceMs > 0, { timeout: 600_000, interval: 2000 })
        .toBe(true);
      const after = await timing();
      console.log(
        `MNIST tab timing: 4 × 2000 updates, wall ${((t.doneAt - t.startedAt) / 1000).toFixed(1)} s, training ${(t.trainMs / 1000).toFixed(1)} s; slice ${(after.sliceMs / 1000).toFixed(1)} s; cores ${await h.page.evaluate(() => navigator.hardwareConcurrency)}`,
      );
    },
    1_800_000,
  );
});
