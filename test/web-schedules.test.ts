/**
 * Issue 10's checks in a real headless browser: every optimizer of the registry and every schedule of the library in
 * the cards' menus; a warmup-cosine schedule picked on a card changes its trajectory and draws the lr it used; the
 * URL carries it to a fresh page; a bad option value is the library's one-line message beside its field and
 * changes nothing else; Muon's card says it sees (x, y) as a 1×2 matrix; axe-core at a phone's and a desktop's
 * size. OPTLAB_SCREENSHOTS=/dir keeps the screenshots (390×844 and 1280×800).
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { optimizerIds, scheduleIds } from "../src/optim/index.js";
import {
  axeViolations,
  type Harness,
  NO_CHROMIUM,
  screenshotsFolder,
  startPlayground,
} from "./web-harness.js";

interface Summary {
  state: {
    steps: number;
    optimizers: { id: string; hp: Record<string, unknown>; label: string; schedule?: unknown }[];
  };
  url: string;
  runs: { label: string; color: string; error: string | null; end: [number, number] | null }[];
}

let h: Harness;

function summary(p: Page = h.page): Promise<Summary> {
  return p.evaluate(() => (window as unknown as { __optlab: { summary(): Summary } }).__optlab.summary());
}

/** Pixels of a canvas within a small distance of `hex`. */
function colourCount(p: Page, selector: string, hex: string): Promise<number> {
  return p.evaluate(
    ({ selector, hex }) => {
      const canvas = document.querySelector(selector) as HTMLCanvasElement;
      const data = (canvas.getContext("2d") as CanvasRenderingContext2D).getImageData(
        0,
        0,
        canvas.width,
        canvas.height,
      ).data;
      const t = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
      let n = 0;
      for (let q = 0; q < data.length; q += 4)
        if (Math.abs(data[q] - t[0]) + Math.abs(data[q + 1] - t[1]) + Math.abs(data[q + 2] - t[2]) < 30) n++;
      return n;
    },
    { selector, hex },
  );
}

const ADAM = '.card[data-optimizer="adam"]';
const WARMUP = `${ADAM} [data-schedule-option="warmupSteps"]`;

beforeAll(async () => {
  if (NO_CHROMIUM) return;
  h = await startPlayground({ width: 1280, height: 800 });
}, 180_000);

afterAll(async () => {
  await h?.close();
});

describe.skipIf(NO_CHROMIUM)("the playground's schedule picker", () => {
  test("the menus offer every optimizer of the registry and every schedule of the library, ReduceLROnPlateau included", async () => {
    await h.open();
    const values = (selector: string) =>
      h.page.$$eval(`${selector} option`, (options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(await values("#add-id")).toEqual(optimizerIds());
    expect(await values(`${ADAM} select.optimizer-id`)).toEqual(optimizerIds());
    expect(await values(`${ADAM} select.schedule-id`)).toEqual(scheduleIds());
    expect(await h.page.$$eval(`${ADAM} select.schedule-id option:disabled`, (o) => o.length)).toBe(0);
    // Every card starts at a constant lr, with no lr line.
    expect(
      await h.page.$$eval(".card select.schedule-id", (s) => s.map((x) => (x as HTMLSelectElement).value)),
    ).toEqual(["constant", "constant", "constant", "constant"]);
    expect(await h.page.isVisible(`${ADAM} canvas.lr-line`)).toBe(false);
    // Cautious wraps AdamW: its card offers the base's learning rate too.
    await h.page.selectOption("#add-id", "cautious");
    await h.page.click("#add");
    expect(await h.page.isVisible('.card[data-optimizer="cautious"] input[type="range"][data-hp="lr"]')).toBe(
      true,
    );
  });

  test("warmup-cosine on Adam's card changes its path, draws the lr it used, survives a reload from the URL, and a bad value is one line beside its field", async () => {
    await h.open("?steps=30");
    const before = await summary();
    await h.page.selectOption(`${ADAM} select.schedule-id`, "warmup-cosine");
    // warmupSteps has no default: the library says so beside the field, and nothing else changes yet.
    const warmupError = `#${await h.page.getAttribute(WARMUP, "aria-describedby")}`;
    await expect.poll(() => h.page.textContent(warmupError)).toBe("warmup-cosine: warmupSteps is required");
    expect((await summary()).state.optimizers[3].schedule).toBeUndefined();
    expect(await h.page.getAttribute(`${ADAM} [data-schedule-option="decaySteps"]`, "placeholder")).toBe(
      "steps (30)",
    );
    expect(await h.page.getAttribute(`${ADAM} [data-schedule-option="peakValue"]`, "placeholder")).toBe(
      "lr (0.3)",
    );
    await h.page.fill(WARMUP, "10");
    await h.page.press(WARMUP, "Enter");
    const after = await summary();
    expect(after.state.optimizers[3].schedule).toEqual({ id: "warmup-cosine", options: { warmupSteps: 10 } });
    expect(after.runs[3].error).toBeNull();
    expect(after.runs[3].end).not.toEqual(before.runs[3].end);
    // The other cards' paths are untouched.
    expect(after.runs.slice(0, 3).map((r) => r.end)).toEqual(before.runs.slice(0, 3).map((r) => r.end));
    expect(await h.page.getAttribute(WARMUP, "aria-invalid")).toBeNull();
    // The lr line: drawn in Adam's colour, and its words.
    expect(await h.page.isVisible(`${ADAM} canvas.lr-line`)).toBe(true);
    expect(await colourCount(h.page, `${ADAM} canvas.lr-line`, after.runs[3].color)).toBeGreaterThan(20);
    // optax's warmup-cosine, W = 10, 30 steps: step k uses count c = k − 1; c = 10 is the peak 0.3; the last step,
    // c = 29, is 0.3 · ½(1 + cos(π · 19/20)) = 0.15 · (1 − 0.987688) = 0.0018467.
    expect(await h.page.textContent(`${ADAM} .lr-caption`)).toBe(
      "lr per step: 0 at step 1, highest 0.3 at step 11, 0.001847 at step 30",
    );
    // The URL carries it; a fresh page shows the same schedule in the same fields.
    await h.page.waitForFunction(() => location.search.includes("sch="));
    const url = await h.page.evaluate(() => location.href);
    const other = await h.newPage();
    await h.open(url.slice(url.indexOf("?")), other);
    const reloaded = await summary(other);
    expect(reloaded.state.optimizers).toEqual(after.state.optimizers);
    expect(reloaded.runs[3].end).toEqual(after.runs[3].end);
    expect(await other.inputValue(`${ADAM} select.schedule-id`)).toBe("warmup-cosine");
    expect(await other.inputValue(WARMUP)).toBe("10");
    expect(await other.isVisible(`${ADAM} canvas.lr-line`)).toBe(true);
    await other.close();
    // A bad value: the library's one line beside the field, the field marked, the run and the other settings kept.
    const sgdLr = await h.page.inputValue('.card[data-optimizer="sgd"] [data-hp-box="lr"]');
    for (const [typed, message] of [
      ["-3", "warmup-cosine: warmupSteps must be a whole number >= 0, got -3"],
      ["ten", `warmup-cosine: warmupSteps must be a whole number >= 0, got "ten"`],
      ["40", "warmup-cosine: decaySteps must be > warmupSteps, got 30 <= 40"],
    ] as const) {
      await h.page.fill(WARMUP, typed);
      await h.page.press(WARMUP, "Enter");
      const errorId = await h.page.getAttribute(WARMUP, "aria-describedby");
      const shown = (await h.page.textContent(`#${errorId}`)) ?? "";
      expect(shown.split("\n")).toHaveLength(1);
      expect(shown).toBe(message);
      expect(await h.page.getAttribute(WARMUP, "aria-invalid")).toBe("true");
      const s = await summary();
      expect(s.state.optimizers).toEqual(after.state.optimizers);
      expect(s.runs[3].end).toEqual(after.runs[3].end);
      expect(await h.page.inputValue(WARMUP)).toBe(typed);
    }
    expect(await h.page.inputValue('.card[data-optimizer="sgd"] [data-hp-box="lr"]')).toBe(sgdLr);
    // Back to "constant": the path of the plain run again.
    await h.page.selectOption(`${ADAM} select.schedule-id`, "constant");
    const plain = await summary();
    expect(plain.state.optimizers[3].schedule).toBeUndefined();
    expect(plain.runs[3].end).toEqual(before.runs[3].end);
    expect(h.problems).toEqual([]);
  }, 120_000);

  test("Muon's card says it sees (x, y) as a 1×2 matrix; the others say nothing of it", async () => {
    await h.open("?o=muon:lr=0.05&o=optax-muon&o=sgd");
    const notes = await h.page.$$eval(".card .matrix-note", (ps) =>
      ps.map((p) => ((p as HTMLElement).hidden ? "" : (p.textContent ?? ""))),
    );
    expect(notes).toEqual(["updates (x, y) as a 1×2 matrix", "updates (x, y) as a 1×2 matrix", ""]);
  });

  test("at 390×844 and 1280×800 the picker fits its card, without sideways scroll, and axe-core finds nothing critical or serious", async () => {
    const shots = screenshotsFolder();
    for (const size of [
      { width: 390, height: 844 },
      { width: 1280, height: 800 },
    ]) {
      const page = await h.newPage();
      await page.setViewportSize(size);
      await h.open(
        "?o=sgd:lr=0.95&o=adam:lr=0.3&o=muon:lr=0.05&sch=&sch=onecycle-lr:maxLr=0.5,totalSteps=30,cycleMomentum=false&sch=warmup-cosine:warmupSteps=5",
        page,
      );
      await page.fill(`${ADAM} [data-schedule-option="pctStart"]`, "2");
      await page.press(`${ADAM} [data-schedule-option="pctStart"]`, "Enter");
      expect(
        await page.textContent(`${ADAM} .schedule-option:has([data-schedule-option="pctStart"]) .error`),
      ).toBe("onecycle-lr: pctStart must be a number in [0, 1], got 2");
      expect(await page.textContent("#messages")).toBe("");
      const fit = await page.evaluate((card) => {
        const box = (document.querySelector(card) as HTMLElement).getBoundingClientRect();
        const parts = [...document.querySelectorAll(`${card} .schedule *`)]
          .map((e) => e.getBoundingClientRect())
          .filter((r) => r.width > 0);
        return {
          card: [box.left, box.right],
          widest: [Math.min(...parts.map((p) => p.left)), Math.max(...parts.map((p) => p.right))],
          scrollWidth: document.documentElement.scrollWidth,
        };
      }, ADAM);
      expect(fit.scrollWidth).toBeLessThanOrEqual(size.width);
      expect(fit.widest[0]).toBeGreaterThanOrEqual(fit.card[0]);
      expect(fit.widest[1]).toBeLessThanOrEqual(fit.card[1]);
      expect(await axeViolations(page), `${size.width}×${size.height}`).toEqual([]);
      if (shots) {
        await page.locator(ADAM).scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(shots, `schedule-${size.width}x${size.height}.png`) });
        await page
          .locator(ADAM)
          .screenshot({ path: join(shots, `schedule-card-${size.width}x${size.height}.png`) });
      }
      await page.close();
    }
    expect(h.problems).toEqual([]);
  }, 120_000);
});
