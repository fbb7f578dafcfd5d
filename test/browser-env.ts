import { CHROMIUM_ARGS, chromiumPath } from "../src/run/index.js";

/**
 * The browser tests need Debian's `chromium` (driven by playwright-core). Where it is missing they are skipped with
 * a one-line install hint — unless OPTLAB_REQUIRE_CHROMIUM=1 (set by .ci/run, which installs it), where a missing
 * browser fails the suite instead.
 */
const found = chromiumPath();
if (found === null && process.env.OPTLAB_REQUIRE_CHROMIUM === "1")
  throw new Error("OPTLAB_REQUIRE_CHROMIUM=1 but /usr/bin/chromium is missing: apt-get install chromium");
if (found === null)
  console.warn("browser tests skipped: no Chromium here (apt-get install chromium to run them)");

/** True where the browser tests cannot run (use with `describe.skipIf` and an early return in hooks). */
export const NO_CHROMIUM = found === null;
export const CHROMIUM = found ?? "/usr/bin/chromium";
export { CHROMIUM_ARGS };
