import { describe } from "vitest";
import { chromiumPath } from "../src/run/index.js";

/**
 * The browser tests need Debian's `chromium` (driven by playwright-core). Where it is missing they are skipped with
 * a one-line hint — unless OPTLAB_REQUIRE_CHROMIUM=1 (set by .ci/run, which installs it), where a missing browser
 * fails the suite instead of skipping it.
 */
export const CHROMIUM = chromiumPath();

export function describeWithChromium(name: string, body: () => void): void {
  if (CHROMIUM === null && process.env.OPTLAB_REQUIRE_CHROMIUM === "1")
    throw new Error("OPTLAB_REQUIRE_CHROMIUM=1 but /usr/bin/chromium is missing: apt-get install chromium");
  if (CHROMIUM === null) {
    console.warn(`${name}: skipped — no Chromium here (apt-get install chromium to run the browser tests)`);
    describe.skip(name, body);
    return;
  }
  describe(name, body);
}
