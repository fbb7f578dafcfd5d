/**
 * The browser tests' harness (the pattern of test/web.test.ts): the site built once into a temporary folder,
 * served by `optlab serve`'s own static server, Debian's chromium driven by playwright-core.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { build } from "vite";
import { startStaticServer } from "../src/cli/serve.js";
import { CHROMIUM, CHROMIUM_ARGS } from "./browser-env.js";

export { CHROMIUM, CHROMIUM_ARGS, NO_CHROMIUM } from "./browser-env.js";

export interface Harness {
  readonly folder: string;
  readonly baseUrl: string;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly problems: string[];
  open(query?: string, p?: Page): Promise<void>;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export function watch(p: Page, problems: string[]): void {
  p.on("console", (message) => {
    // Chromium's software GL reports "GPU stall due to ReadPixels" when a test reads the WebGL canvas back.
    const fromReadback = /GL Driver Message .*ReadPixels/.test(message.text());
    if ((message.type() === "error" || message.type() === "warning") && !fromReadback)
      problems.push(`${message.type()}: ${message.text()}`);
  });
  p.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
}

export async function startPlayground(viewport = { width: 1400, height: 1000 }): Promise<Harness> {
  const folder = mkdtempSync(join(tmpdir(), "optlab-web-"));
  const site = join(folder, "site");
  await build({
    configFile: resolve("vite.config.ts"),
    logLevel: "error",
    build: { outDir: site, emptyOutDir: true },
  });
  const { server, url: baseUrl } = (await startStaticServer(site)) as { server: Server; url: string };
  const context = await chromium.launchPersistentContext(join(folder, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    acceptDownloads: true,
  });
  const problems: string[] = [];
  const page = await context.newPage();
  watch(page, problems);
  const open = async (query = "", p: Page = page) => {
    await p.goto(`${baseUrl}${query}`);
    await p.waitForFunction(
      () => (window as unknown as { __optlab?: { ready: boolean } }).__optlab?.ready === true,
    );
  };
  return {
    folder,
    baseUrl,
    context,
    page,
    problems,
    open,
    newPage: async () => {
      const p = await context.newPage();
      watch(p, problems);
      return p;
    },
    close: async () => {
      await context.close();
      await new Promise((done) => server.close(done));
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** axe-core's script, injected into a page to run its rules there. */
export function axeSource(): string {
  return (createRequire(import.meta.url)("axe-core") as { source: string }).source;
}

/** The critical and serious violations axe-core finds on the page as it is. */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy (no inline scripts) allows.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource());
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: Document,
            options: object,
          ): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "critical" || v.impact === "serious")
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
      }));
  });
}

export function screenshotsFolder(): string | undefined {
  const folder = process.env.OPTLAB_SCREENSHOTS;
  if (folder) mkdirSync(folder, { recursive: true });
  return folder;
}
