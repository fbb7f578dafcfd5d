import { createRequire } from "node:module";
import type { JSDOM as JsdomClass } from "jsdom";

/** jsdom, loaded on the first figure: it takes ≈0.7 s to load, which a run that draws nothing should not pay. */
let jsdom: typeof JsdomClass | undefined;

/**
 * A DOM document for rendering Observable Plot figures in Node (Plot builds SVG through the DOM
 * API). In the browser, pass the page's own `document` to the figure functions instead.
 */
export function createDocument(): Document {
  jsdom ??= (createRequire(import.meta.url)("jsdom") as { JSDOM: typeof JsdomClass }).JSDOM;
  return new jsdom("<!DOCTYPE html><html><body></body></html>").window.document;
}
