import katex from "katex";

/**
 * The playground's one KaTeX call for a landscape's formula, bounded. The formula itself is bounded upstream
 * (src/landscapes/formula.ts: 500 characters, 40 levels, 8 nested calls, LaTeX built in one pass), so a shared
 * `?f=` link can no longer hand KaTeX thousands of nested groups; this is the second fence: LaTeX longer than
 * FORMULA_TEX_MAX_LENGTH is shown as plain text, and KaTeX's own macro-expansion and size limits are set.
 */
/** The longest LaTeX of an accepted formula is about 10× its 500 characters; more is not a formula we made. */
export const FORMULA_TEX_MAX_LENGTH = 6000;

export function renderFormulaTex(latex: string, element: HTMLElement): void {
  if (latex.length > FORMULA_TEX_MAX_LENGTH) {
    element.textContent = latex.slice(0, 200);
    return;
  }
  katex.render(latex, element, { throwOnError: false, maxExpand: 100, maxSize: 20, strict: "ignore" });
}
