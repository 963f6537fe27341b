// MathJax typesets a page's formulas a few at a time, with a pause between groups, instead of all in one
// task: on a phone a page with thirty formulas would otherwise not answer a tap for a third of a second.
// Loaded (deferred) before MathJax's startup.js on pages with formulas (_ext/offline_assets.py); it only
// replaces MathJax's pageReady, so MathJax.startup.promise still resolves once every formula is typeset.
(() => {
  const GROUP = 4; // formulas per task
  const pause = () => new Promise((resolve) => setTimeout(resolve, 0));
  window.MathJax = window.MathJax || {};
  MathJax.startup = {
    ...(MathJax.startup || {}),
    pageReady: async () => {
      const formulas = [...document.querySelectorAll(".math")];
      for (let start = 0; start < formulas.length; start += GROUP) {
        await MathJax.typesetPromise(formulas.slice(start, start + GROUP));
        await pause();
      }
    },
  };
})();
