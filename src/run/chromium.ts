import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";

/** Where Debian's `chromium` installs the browser (OPTLAB_CHROMIUM overrides it). */
export function chromiumPath(): string | null {
  const path = process.env.OPTLAB_CHROMIUM ?? "/usr/bin/chromium";
  return existsSync(path) ? path : null;
}

/** Flags for a headless run on a machine with no network and no GPU (no background connections, no sandbox as root). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Prints an HTML page to PDF with the real Chromium (driven by playwright-core): `report.pdf`. Returns null when
 * it was made, else why not (Chromium or playwright-core missing, or the print failed), in one line.
 */
export async function printToPdf(htmlPath: string, pdfPath: string): Promise<string | null> {
  const executablePath = chromiumPath();
  if (executablePath === null) return "Chromium is not installed (apt-get install chromium)";
  let playwright: typeof import("playwright-core");
  try {
    playwright = await import("playwright-core");
  } catch {
    return "playwright-core is not installed (npm ci installs it)";
  }
  const browser = await playwright.chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: "load" });
    await page.pdf({
      path: pdfPath,
      format: "A4",
      printBackground: true,
      margin: { top: "15mm", bottom: "15mm", left: "12mm", right: "12mm" },
    });
    return null;
  } catch (error) {
    return `Chromium could not print the page: ${(error as Error).message.split("\n")[0]}`;
  } finally {
    await browser.close();
  }
}
