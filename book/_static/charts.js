// Draws the book's Altair charts (alexandra.plots.book_chart_bundle writes one call per chart):
// * each chart fits the width of its column, from a 360-px phone to a desktop: panels side by side
//   are stacked when they do not fit, then the plots narrow (text keeps its size) and titles wrap;
// * a chart is redrawn when the width it may use changes — the window's width, or the light/dark
//   switch (the dark card has padding: html[data-theme] changes) —, keeping the values of its controls;
// * moving a control is announced to screen readers (a polite live region after each chart);
// * usermeta.alexandra.textWidth names a parameter that receives the width text may use (px), so
//   that a chart's lines of text wrap: the width of the chart less where the mark named by
//   usermeta.alexandra.textMark starts;
// * usermeta.alexandra.selects {control: [other control, value]}: moving the first control sets the
//   other, e.g. a custom-prior slider selects "custom" in the prior drop-down.
// Speed on a phone: this file is loaded with `defer`; Vega, Vega-Lite and vega-embed (830 KB) are
// loaded by it only when the first chart comes near the screen, and each chart is compiled only when
// it comes within LAZY_MARGIN of the screen, one chart at a time, yielding to the browser between
// attempts at fitting. alexandraCharts.drawAll() draws every chart now (it returns a promise): the page
// calls it before printing, and the PDF build and the browser tests call it.
(function () {
  "use strict";

  const MIN_PLOT_WIDTH = 140; // px: narrower plots lose their axis labels
  const TITLE_CHAR_WIDTH = 0.62; // average width of a bold title character, in em
  const ATTEMPTS = 6;
  const LAZY_MARGIN = "1200px 0px"; // start drawing a chart when it is this close to the screen
  // In load order; this file's own address locates them (it is _static/charts.js).
  const VEGA_FILES = ["vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-embed.min.js"];
  const HERE = document.currentScript ? document.currentScript.src : document.baseURI;

  let vegaLoaded = null;
  // Fetched side by side, run in order (async = false); resolves once vega-embed has run.
  function loadVega() {
    if (window.vegaEmbed) return Promise.resolve();
    if (!vegaLoaded) {
      vegaLoaded = Promise.all(
        VEGA_FILES.map(
          (file) =>
            new Promise((resolve, reject) => {
              const script = document.createElement("script");
              script.src = new URL(file, HERE).href;
              script.async = false;
              script.onload = resolve;
              script.onerror = () => reject(new Error(`charts.js could not load ${script.src}`));
              document.head.appendChild(script);
            }),
        ),
      );
    }
    return vegaLoaded;
  }

  // One macrotask: lets the browser paint and answer the reader between two long pieces of work.
  const breathe = () => new Promise((resolve) => setTimeout(resolve, 0));

  function visit(node, action) {
    if (Array.isArray(node)) {
      node.forEach((child) => visit(child, action));
    } else if (node !== null && typeof node === "object") {
      action(node);
      for (const [key, child] of Object.entries(node)) {
        if (key !== "data" && key !== "datasets") visit(child, action);
      }
    }
  }

  function wrapLines(text, chars) {
    const lines = [];
    for (const word of text.split(/\s+/)) {
      const last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= chars) lines[last] += " " + word;
      else lines.push(word);
    }
    return lines;
  }

  function variant(spec, layout) {
    const { datasets, ...rest } = spec; // the data are shared, never changed
    const copy = JSON.parse(JSON.stringify(rest));
    if (datasets) copy.datasets = datasets;
    visit(copy, (node) => {
      if (layout.stack && Array.isArray(node.hconcat)) {
        node.vconcat = node.hconcat;
        delete node.hconcat;
      }
      if (typeof node.width === "number" && ("mark" in node || "layer" in node)) {
        node.width = Math.min(node.width, Math.max(MIN_PLOT_WIDTH, Math.round(node.width * layout.factor)));
      }
      const title = typeof node.title === "string" ? { text: node.title } : node.title;
      if (title && typeof title.text === "string" && ("mark" in node || "layer" in node || "vconcat" in node || "hconcat" in node)) {
        const size = title.fontSize || 13;
        node.title = { ...title, text: wrapLines(title.text, Math.floor(layout.width / (size * TITLE_CHAR_WIDTH))) };
      }
    });
    const meta = (spec.usermeta && spec.usermeta.alexandra) || {};
    for (const param of copy.params || []) {
      if (param.name in layout.values) param.value = layout.values[param.name];
      if (param.name === meta.textWidth) param.value = Math.floor(layout.width - layout.textOffset);
    }
    return copy;
  }

  // The width inside the chart's card: its column, less the card's own padding and border (the card
  // has padding in dark mode, whether chosen with the theme's switch or from the system's preference).
  function available(element) {
    const style = getComputedStyle(element);
    const parent = getComputedStyle(element.parentElement);
    const column = element.parentElement.clientWidth - parseFloat(parent.paddingLeft) - parseFloat(parent.paddingRight);
    const own = ["paddingLeft", "paddingRight", "borderLeftWidth", "borderRightWidth"];
    const inside = own.reduce((sum, side) => sum + parseFloat(style[side]), 0);
    return Math.max(MIN_PLOT_WIDTH, Math.floor(column - inside));
  }

  // A polite live region after the chart says the new value of a control the reader moved.
  function announceControls(element) {
    const status = document.createElement("p");
    status.className = "alexandra-vega-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    element.after(status);
    let timer = null;
    const announce = (event) => {
      const input = event.target;
      if (!input.closest || !input.closest(".vega-bind")) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        const bind = input.closest(".vega-bind");
        const name = bind.querySelector(".vega-bind-name");
        const label = (name ? name.textContent : input.name || "value").trim();
        const value = input.tagName === "SELECT" ? input.options[input.selectedIndex].text : input.value;
        status.textContent = `${label}: ${value}`;
      }, 250);
    };
    element.addEventListener("input", announce);
    element.addEventListener("change", announce);
  }

  function boundValues(spec, view) {
    const values = {};
    for (const param of spec.params || []) {
      if (param.bind && view) values[param.name] = view.signal(param.name);
    }
    return values;
  }

  function wireSelects(spec, view) {
    const selects = (spec.usermeta && spec.usermeta.alexandra && spec.usermeta.alexandra.selects) || {};
    for (const [control, [other, value]] of Object.entries(selects)) {
      view.addSignalListener(control, () => {
        if (view.signal(other) !== value) view.signal(other, value).runAsync();
      });
    }
  }

  async function draw(element, spec, previous) {
    const width = available(element);
    const values = boundValues(spec, previous && previous.view);
    const layout = { factor: 1, stack: false, width, values, textOffset: 0 };
    const meta = (spec.usermeta && spec.usermeta.alexandra) || {};
    // A redraw is drawn out of sight, then put in place of the previous drawing, so the reader
    // never sees the fitting (the first drawing is in place: a page printed early still shows it).
    const holder = document.createElement("div");
    if (previous) holder.style.cssText = "position: absolute; left: 0; top: 0; visibility: hidden";
    element.style.position = "relative";
    element.appendChild(holder);
    let result = null;
    let tried = [];
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (result) result.finalize();
      if (attempt > 0) await breathe();
      result = await vegaEmbed(holder, variant(spec, layout), { actions: false });
      const frame = holder.querySelector("svg, canvas").getBoundingClientRect();
      const text = meta.textMark && holder.querySelector(`.${meta.textMark}`);
      const textOffset = text ? text.getBoundingClientRect().left - frame.left : 0;
      if (Math.abs(textOffset - layout.textOffset) > 1) {
        layout.textOffset = textOffset; // text starts to the right of the chart's edge: wrap sooner
        continue;
      }
      if (frame.width <= width + 0.5) break;
      const drawn = frame.width;
      if (!layout.stack && JSON.stringify(spec).includes('"hconcat"')) {
        layout.stack = true; // side by side does not fit: one panel under the other
        tried = [];
        continue;
      }
      // The drawn width is about fixed + factor * plots: solve for the factor that fits.
      tried.push([layout.factor, drawn]);
      let factor = layout.factor * (width / drawn);
      if (tried.length > 1) {
        const [[f1, w1], [f2, w2]] = tried.slice(-2);
        if (f1 !== f2 && w1 !== w2) factor = f2 + ((width - w2) * (f1 - f2)) / (w1 - w2);
      }
      layout.factor = Math.max(0.05, Math.min(layout.factor * 0.98, factor));
    }
    if (previous) previous.finalize();
    for (const child of [...element.children]) if (child !== holder) child.remove();
    holder.style.cssText = "";
    wireSelects(spec, result.view);
    element.dataset.drawnWidth = String(width);
    return result;
  }

  // Charts are drawn one at a time, in the order they come near the screen.
  let queue = Promise.resolve();
  let everything = false; // set by drawAll(): charts registered later are drawn at once too
  const started = new Map(); // chart element -> its first drawing (a promise)
  const waiting = new Map(); // chart element -> starts its first drawing
  const observer =
    "IntersectionObserver" in window
      ? new IntersectionObserver(
          (entries) => {
            for (const entry of entries) if (entry.isIntersecting) start(entry.target);
          },
          { rootMargin: LAZY_MARGIN },
        )
      : null;

  function start(element) {
    const begin = waiting.get(element);
    if (!begin) return started.get(element);
    waiting.delete(element);
    if (observer) observer.unobserve(element);
    started.set(element, begin());
    return started.get(element);
  }

  function drawAll() {
    everything = true;
    [...waiting.keys()].forEach(start);
    return Promise.all(started.values()).then(() => undefined);
  }

  window.alexandraCharts = { drawAll };
  window.addEventListener("beforeprint", drawAll);

  window.alexandraChart = function (element, spec) {
    let current = null;
    let pending = Promise.resolve();
    const redraw = () => {
      pending = pending.then(async () => {
        current = await draw(element, spec, current);
      });
      return pending;
    };
    let timer = null;
    const refit = (delay, slack) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (!current) {
          // Not drawn yet (it is drawn at the width of the moment), or being drawn: check once it is.
          if (started.has(element)) drawn.then(() => refit(delay, slack));
          return;
        }
        if (Math.abs(available(element) - Number(element.dataset.drawnWidth)) > slack) redraw();
      }, delay);
    };
    window.addEventListener("resize", () => refit(200, 8));
    // The light/dark switch changes the card's padding: fit again at once, not at the next resize.
    new MutationObserver(() => refit(0, 1)).observe(document.documentElement, {
      attributes: true,
      attributeFilter: ["data-theme"],
    });
    announceControls(element);
    let settle = null;
    const drawn = new Promise((resolve, reject) => (settle = { resolve, reject }));
    waiting.set(element, () => {
      const job = queue.then(loadVega).then(breathe).then(redraw);
      queue = job.catch(() => {}); // one chart that fails does not stop the others
      job.then(settle.resolve, settle.reject);
      return drawn;
    });
    if (everything || !observer) start(element);
    else observer.observe(element);
    return drawn;
  };
})();
