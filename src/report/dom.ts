import { JSDOM } from "jsdom";

/**
 * A DOM document for rendering Observable Plot figures in Node (Plot builds SVG through the DOM
 * API). In the browser, pass the page's own `document` to the figure functions instead.
 */
export function createDocument(): Document {
  return new JSDOM("<!DOCTYPE html><html><body></body></html>").window.document;
}
