/**
 * The playground in a real headless browser (Debian's chromium driven by playwright-core): the site is
 * built once into a temporary folder, served by `optlab serve`'s own static server, and every test
 * drives the page the way a person would. Set OPTLAB_SCREENSHOTS=/some/dir to keep a screenshot of each view.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { PNG } from "pngjs";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startStaticServer } from "../src/cli/serve.js";
import { parseExperiment } from "../src/lab/experiment.js";
import { CHROMIUM, CHROMIUM_ARGS, NO_CHROMIUM } from "./browser-env.js";

const SCREENSHOTS = process.env.OPTLAB_SCREENSHOTS;

interface RunSummary {
  label: string;
  error: string | null;
  stepsRun: number;
  end: [number, number] | null;
  diverged: number | null;
}
interface Summary {
  state: Record<string, unknown>;
  url: string;
  landscape: string;
  contourLines: number;
  runs: RunSummary[];
}

let folder: string;
let server: Server;
let baseUrl: string;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

function watch(p: Page): void {
  p.on("console", (message) => {
    // Chromium's software GL reports "GPU stall due to ReadPixels" when a test reads the WebGL canvas back.
    const fromReadback = /GL Driver Message .*ReadPixels/.test(message.text());
    if ((message.type() === "error" || message.type() === "warning") && !fromReadback) {
      problems.push(`${message.type()}: ${message.text()}`);
    }
  });
  p.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
}

async function open(query = ""): Promise<void> {
  await page.goto(`${baseUrl}${query}`);
  await page.waitForFunction(
    () => (window as unknown as { __optlab?: { ready: boolean } }).__optlab?.ready === true,
  );
}

function summary(p: Page = page): Promise<Summary> {
  return p.evaluate(() => (window as unknown as { __optlab: { summary(): Summary } }).__optlab.summary());
}

/** How many pixels of the map are within a small distance of each colour. */
function colourCounts(colours: readonly string[]): Promise<number[]> {
  return page.evaluate((list) => {
    const canvas = document.getElementById("map") as HTMLCanvasElement;
    const data = (canvas.getContext("2d") as CanvasRenderingContext2D).getImageData(
      0,
      0,
      canvas.width,
      canvas.height,
    ).data;
    const targets = list.map((hex) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)));
    const counts = targets.map(() => 0);
    for (let p = 0; p < data.length; p += 4) {
      targets.forEach((t, i) => {
        if (Math.abs(data[p] - t[0]) + Math.abs(data[p + 1] - t[1]) + Math.abs(data[p + 2] - t[2]) < 30)
          counts[i]++;
      });
    }
    return counts;
  }, colours);
}

/** The map's two layers (landscape underneath, paths on top) as data URLs. */
function mapPixels(): Promise<string[]> {
  return page.evaluate(() =>
    ["map-background", "map"].map((id) => (document.getElementById(id) as HTMLCanvasElement).toDataURL()),
  );
}

async function shoot(name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

beforeAll(async () => {
  if (NO_CHROMIUM) return;
  folder = mkdtempSync(join(tmpdir(), "optlab-web-"));
  const site = join(folder, "site");
  await build({
    configFile: resolve("vite.config.ts"),
    logLevel: "error",
    build: { outDir: site, emptyOutDir: true },
  });
  ({ server, url: baseUrl } = await startStaticServer(site));
  context = await chromium.launchPersistentContext(join(folder, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
    acceptDownloads: true,
  });
  page = await context.newPage();
  watch(page);
  await open();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe.skipIf(NO_CHROMIUM)("the playground in a headless browser", () => {
  test("the page loads with no console errors and draws the seed's four optimizers", async () => {
    const s = await summary();
    expect(s.landscape).toBe("quadratic");
    expect(s.runs.map((run) => run.label)).toEqual([
      "sgd lr=0.95",
      "momentum lr=0.1",
      "adagrad lr=1.5",
      "adam lr=0.3",
    ]);
    expect(problems).toEqual([]);
    await shoot("map");
  });

  test("the seed preset draws four paths, each in its own colour on the map", async () => {
    await page.selectOption("#landscape-id", "rosenbrock");
    await page.selectOption("#preset", "seed");
    const s = await summary();
    expect(s.runs).toHaveLength(4);
    for (const run of s.runs) expect(run).toMatchObject({ error: null, stepsRun: 30, diverged: null });
    // Each optimizer's own colour (`optimizerStyle` in src/plot/palette.ts): sgd, momentum, adagrad, adam.
    const counts = await colourCounts(["#0072B2", "#D55E00", "#CC79A7", "#56B4E9"]);
    for (const count of counts) expect(count).toBeGreaterThan(30);
  });

  test("a slider change moves a path and the page re-runs at once", async () => {
    const before = await summary();
    const pixels = await mapPixels();
    const slider = page.locator('.card[data-optimizer="sgd"] input[type="range"][data-hp="lr"]');
    await slider.focus();
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    const after = await summary();
    expect(after.runs[0].end).not.toEqual(before.runs[0].end);
    expect(after.runs.slice(1)).toEqual(before.runs.slice(1));
    // The paths layer changed; the landscape layer was left alone.
    const [background, paths] = await mapPixels();
    expect(paths).not.toEqual(pixels[1]);
    expect(background).toEqual(pixels[0]);
    const box = await page.locator('.card[data-optimizer="sgd"] input[data-hp-box="lr"]').inputValue();
    expect(Number(box)).toBeLessThan(0.95);
  });

  test("a typed formula draws its contours", async () => {
    const pixels = await mapPixels();
    await page.fill("#formula", "sin(x) + y^2/4");
    await page.press("#formula", "Enter");
    const s = await summary();
    expect(s.landscape).toBe("formula");
    expect(s.contourLines).toBeGreaterThan(5);
    expect(await page.textContent("#formula-error")).toBe("");
    const [background, paths] = await mapPixels();
    expect(background).not.toEqual(pixels[0]);
    expect(paths).not.toEqual(pixels[1]);
    await shoot("formula");
  });

  test("a bad formula shows an error with its position and keeps the page alive", async () => {
    await page.fill("#formula", "x^2 + (y");
    await page.press("#formula", "Enter");
    const error = await page.textContent("#formula-error");
    expect(error).toMatch(/formula/);
    expect(error).toMatch(/position|character|parenthes/i);
    expect((await summary()).landscape).toBe("formula");
    // Still answering: a slider still re-runs.
    const before = await summary();
    await page.locator('.card input[type="range"][data-hp="lr"]').first().focus();
    await page.keyboard.press("ArrowRight");
    expect((await summary()).runs[0].end).not.toEqual(before.runs[0].end);
    // An unknown function: the message names its position and the box selects that character.
    await page.fill("#formula", "x^2 + foo(y)");
    await page.press("#formula", "Enter");
    expect(await page.textContent("#formula-error")).toMatch(/unknown function "foo" at position 7/);
    expect(await page.$eval("#formula", (box) => (box as HTMLInputElement).selectionStart)).toBe(6);
    await page.fill("#formula", "x^2/20 + y^2");
    await page.press("#formula", "Enter");
    expect(await page.textContent("#formula-error")).toBe("");
  });

  test("the URL round-trips the state to the same numbers", async () => {
    await open(
      "?f=rosenbrock&start=-1.5,2&steps=200&o=adam:lr=0.05@mine&o=momentum:lr=0.001,momentum=0.95&k=120",
    );
    const first = await summary();
    expect(first.state).toMatchObject({ landscape: "rosenbrock", steps: 200, cursor: 120 });
    // The page writes its own encoding of the state into the address bar; that link must reproduce it.
    await page.waitForFunction(
      () =>
        location.search ===
        (window as unknown as { __optlab: { summary(): Summary } }).__optlab.summary().url,
    );
    const url = await page.evaluate(() => location.href);
    const other = await context.newPage();
    watch(other);
    await other.goto(url);
    await other.waitForFunction(
      () => (window as unknown as { __optlab?: { ready: boolean } }).__optlab?.ready === true,
    );
    const second = await summary(other);
    expect(second.state).toEqual(first.state);
    expect(second.runs).toEqual(first.runs);
    expect(second.runs[0].label).toBe("mine");
    await other.close();
  });

  test("a malicious URL (markup in a label and a formula) renders as text and injects nothing", async () => {
    const label = '<img src=x onerror="window.__pwned=1">';
    const formula = "x<script>window.__pwned=2</script>+y";
    await open(
      `?f=${encodeURIComponent(formula)}&o=${encodeURIComponent(`sgd:lr=0.1@${label}`)}&o=${encodeURIComponent("adam:lr=<b>1</b>")}`,
    );
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.locator("script:not([src])").count()).toBe(0);
    expect(await page.locator("#legend li .label").first().textContent()).toBe(label);
    const messages = await page.textContent("#messages");
    expect(messages).toMatch(/f ignored/);
    expect(messages).toMatch(/optimizer dropped/);
    expect((await summary()).landscape).toBe("quadratic");
  });

  test("a diverging optimizer ends with a marker and 'diverged at step k'", async () => {
    await open();
    await page.selectOption("#preset", "lr-11");
    const s = await summary();
    expect(s.runs[0].diverged).toBeGreaterThan(0);
    expect(await page.textContent("#legend")).toMatch(/diverged at step \d+/);
  });

  test("the experiment JSON downloads in the CLI's schema and loads back", async () => {
    await open("?f=himmelblau&start=0.5,-3&steps=50&o=nesterov:lr=0.01&o=rmsprop:lr=0.05");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save-json")]);
    const path = join(folder, "playground.json");
    await download.saveAs(path);
    const experiment = parseExperiment(JSON.parse(readFileSync(path, "utf8")));
    expect(experiment).toMatchObject({
      function: "himmelblau",
      start: [0.5, -3],
      steps: 50,
      optimizers: ["nesterov:lr=0.01", "rmsprop:lr=0.05"],
    });
    const before = await summary();
    await open();
    await page.setInputFiles("#load-json", path);
    await page.waitForFunction(
      () =>
        (window as unknown as { __optlab: { summary(): Summary } }).__optlab.summary().landscape ===
        "himmelblau",
    );
    expect((await summary()).runs).toEqual(before.runs);
    // A broken file is one line of error, and the page keeps its state.
    const broken = join(folder, "broken.json");
    writeFileSync(
      broken,
      JSON.stringify({ figure: "trajectories", function: "quadratic", steps: 0, optimizers: ["sgd"] }),
    );
    await page.setInputFiles("#load-json", broken);
    await expect
      .poll(() => page.textContent("#file-error"), { timeout: 10_000 })
      .toMatch(/steps must be a whole number/);
    expect((await summary()).landscape).toBe("himmelblau");
  });

  test("the exports produce an SVG figure, a GIF and CSV", async () => {
    await open();
    const grab = async (button: string) => {
      const [download] = await Promise.all([page.waitForEvent("download"), page.click(button)]);
      const path = join(folder, download.suggestedFilename());
      await download.saveAs(path);
      return readFileSync(path);
    };
    expect((await grab("#export-svg")).toString("utf8")).toMatch(/^<svg[\s\S]*Adam/);
    expect((await grab("#export-gif")).subarray(0, 6).toString("latin1")).toBe("GIF89a");
    expect((await grab("#export-csv")).toString("utf8").split("\n").length).toBeGreaterThan(4 * 31);
  });

  test("the 3D view draws the surface with WebGL", async () => {
    await page.click('.tabs button[data-view="surface"]');
    await page.waitForFunction(() => (document.getElementById("surface") as HTMLCanvasElement).width > 100);
    // The PNG export of the 3D view holds the drawn surface: decoded, most of it is not background.
    const [png] = await Promise.all([page.waitForEvent("download"), page.click("#export-png")]);
    const pngPath = join(folder, "surface.png");
    await png.saveAs(pngPath);
    const image = PNG.sync.read(readFileSync(pngPath));
    let ink = 0;
    for (let i = 0; i < image.data.length; i += 4) if (image.data[i + 3] > 0 && image.data[i] < 240) ink++;
    expect(ink / (image.width * image.height)).toBeGreaterThan(0.1);
    await shoot("surface");
    // The timeline drives the 3D view too: playing moves the heads along the paths without errors.
    await page.click("#play");
    await expect.poll(async () => (await summary()).state.cursor, { timeout: 10_000 }).toBeGreaterThan(2);
    await page.click("#play");
    expect(problems).toEqual([]);
    // From the 3D view, SVG export is the library's surface figure.
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-svg")]);
    const path = join(folder, "surface.svg");
    await download.saveAs(path);
    expect(readFileSync(path, "utf8")).toMatch(/^<svg[\s\S]*surface/i);
  });

  test("the stability map colours a grid and a click loads its setting", async () => {
    await page.click('.tabs button[data-view="stability"]');
    await page.selectOption("#stability-of", "1");
    await expect.poll(() => page.textContent("#stability-caption"), { timeout: 10_000 }).toMatch(/runs in/);
    await shoot("stability");
    const box = await page.locator("#stability").boundingBox();
    if (!box) throw new Error("no stability canvas");
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.5);
    const s = await summary();
    expect(s.state.view).toBe("map");
    expect(s.runs[1].label).not.toBe("momentum lr=0.1");
  });

  test("MNIST trains in the worker while the page still answers clicks", async () => {
    await open("?view=mnist&mo=sgd:lr=0.1&mo=adam:lr=0.001&mi=400");
    await page.click("#mnist-start");
    const progress = () =>
      page.evaluate(
        () =>
          (window as unknown as { __optlab: { mnist?: { progress: number } } }).__optlab.mnist?.progress ?? 0,
      );
    await expect.poll(progress, { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
    // The main thread is free: a click on another tab is handled while training goes on.
    await page.click('.tabs button[data-view="map"]');
    expect(await page.isVisible("#view-map")).toBe(true);
    const seen = await progress();
    await expect.poll(progress, { timeout: 60_000 }).toBeGreaterThan(seen);
    await page.click('.tabs button[data-view="mnist"]');
    await shoot("mnist");
    await page.click("#mnist-stop");
    await expect
      .poll(() => page.textContent("#mnist-status"), { timeout: 10_000 })
      .toMatch(/stopped after update/);
  }, 180_000);

  test("performance: six optimizers × 300 steps re-run after a slider change, a landscape switch, playback", async () => {
    await open(
      "?f=quadratic&start=-7,2&steps=300&o=sgd:lr=0.95&o=momentum:lr=0.1&o=adagrad:lr=1.5&o=adam:lr=0.3&o=nesterov:lr=0.1&o=rmsprop:lr=0.1",
    );
    const result = await page.evaluate(async () => {
      const optlab = (
        window as unknown as {
          __optlab: {
            timings: { lastUpdateMs: number; lastLandscapeMs: number };
            measurePlayback(ms: number): Promise<unknown>;
          };
        }
      ).__optlab;
      const slider = document.querySelector('.card input[type="range"][data-hp="lr"]') as HTMLInputElement;
      const updates: number[] = [];
      for (let i = 0; i < 40; i++) {
        slider.value = String(500 + (i % 20) * 10);
        const began = performance.now();
        slider.dispatchEvent(new Event("input", { bubbles: true }));
        updates.push(performance.now() - began);
        await new Promise((done) => requestAnimationFrame(done));
      }
      // A drag: one slider change per animation frame; the frame intervals include layout and paint.
      const intervals: number[] = [];
      await new Promise<void>((done) => {
        let last = performance.now();
        let i = 0;
        const frame = (now: number) => {
          intervals.push(now - last);
          last = now;
          slider.value = String(400 + ((i * 37) % 300));
          slider.dispatchEvent(new Event("input", { bubbles: true }));
          if (++i < 90) requestAnimationFrame(frame);
          else done();
        };
        requestAnimationFrame(frame);
      });
      intervals.shift();
      intervals.sort((a, b) => a - b);
      const drag = {
        frameMedianMs: intervals[44],
        frameP90Ms: intervals[80],
        framesOver20ms: intervals.filter((t) => t > 20).length,
      };
      const menu = document.getElementById("landscape-id") as HTMLSelectElement;
      const switches: number[] = [];
      for (const id of ["rosenbrock", "himmelblau", "beale", "rastrigin", "quadratic"]) {
        menu.value = id;
        const began = performance.now();
        menu.dispatchEvent(new Event("change", { bubbles: true }));
        switches.push(performance.now() - began);
        await new Promise((done) => requestAnimationFrame(done));
      }
      const playback = await optlab.measurePlayback(2000);
      const sorted = [...updates].sort((a, b) => a - b);
      return { updateMedianMs: sorted[20], updateWorstMs: sorted[39], drag, switchesMs: switches, playback };
    });
    console.log(`playground timings (headless chromium, software rendering): ${JSON.stringify(result)}`);
    expect(Number.isFinite(result.updateMedianMs)).toBe(true);
    expect((await summary()).runs).toHaveLength(6);
    await shoot("six-optimizers");
    expect(problems).toEqual([]);
  });
});
