// Search results read formulas as text: "α = 0.05", "z_(1−α/2)", "√(4/D)", not "\(\alpha = 0.05\)".
// Sphinx's search builds each result's excerpt from the text of the page it finds (fetched over http,
// or handed over by search-pages.js in the offline zip), and a page's formulas are TeX there until
// MathJax typesets them. The search page is loaded before searchtools.js (offline_assets.py); it
// rewrites every formula of a fetched page as plain text before the excerpt is cut, so that no excerpt
// shows TeX or half a formula, and titles of results that contain TeX the same way.
(() => {
  const SYMBOLS = {
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", zeta: "ζ", eta: "η",
    theta: "θ", vartheta: "ϑ", iota: "ι", kappa: "κ", lambda: "λ", mu: "μ", nu: "ν", xi: "ξ", pi: "π",
    rho: "ρ", sigma: "σ", tau: "τ", upsilon: "υ", phi: "φ", varphi: "φ", chi: "χ", psi: "ψ", omega: "ω",
    Gamma: "Γ", Delta: "Δ", Theta: "Θ", Lambda: "Λ", Xi: "Ξ", Pi: "Π", Sigma: "Σ", Phi: "Φ", Psi: "Ψ",
    Omega: "Ω", times: "×", cdot: "·", pm: "±", mp: "∓", le: "≤", leq: "≤", ge: "≥", geq: "≥", ne: "≠",
    neq: "≠", approx: "≈", sim: "∼", equiv: "≡", propto: "∝", infty: "∞", sum: "∑", prod: "∏", int: "∫",
    to: "→", rightarrow: "→", leftarrow: "←", Rightarrow: "⇒", mid: "|", vert: "|", lvert: "|", rvert: "|",
    ldots: "…", dots: "…", cdots: "⋯", partial: "∂", nabla: "∇", in: "∈", notin: "∉", cup: "∪", cap: "∩",
    lbrace: "{", rbrace: "}", "{": "{", "}": "}", "%": "%", "&": "&", "#": "#", _: "_", $: "$",
    ell: "ℓ", ",": " ", ";": " ", ":": " ", " ": " ", "\\": " ", quad: " ", qquad: " ", "!": "",
  };
  // Commands that only size or space what follows.
  const DROPPED = /^(left|right|[bB]igg?[lr]?|displaystyle|textstyle|limits|nolimits|nonumber|notag)$/;
  // Commands dropped with their argument (an environment's name).
  const DROPPED_WITH_ARGUMENT = /^(begin|end|label|tag)$/;
  // Commands whose argument is shown as it is.
  const PLAIN = /^(text|textrm|textit|textbf|mathrm|mathit|mathbf|mathsf|mathtt|mathcal|operatorname|boldsymbol|mbox)$/;
  const ACCENTS = { hat: "\u0302", widehat: "\u0302", bar: "\u0304", overline: "\u0304", tilde: "\u0303", widetilde: "\u0303", dot: "\u0307" };
  const SUP = { 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹", "+": "⁺", "-": "⁻", "−": "⁻", "=": "⁼", "(": "⁽", ")": "⁾", n: "ⁿ", i: "ⁱ", k: "ᵏ" };
  const SUB = { 0: "₀", 1: "₁", 2: "₂", 3: "₃", 4: "₄", 5: "₅", 6: "₆", 7: "₇", 8: "₈", 9: "₉", "+": "₊", "-": "₋", "−": "₋", "=": "₌", "(": "₍", ")": "₎", a: "ₐ", e: "ₑ", h: "ₕ", i: "ᵢ", j: "ⱼ", k: "ₖ", l: "ₗ", m: "ₘ", n: "ₙ", o: "ₒ", p: "ₚ", r: "ᵣ", s: "ₛ", t: "ₜ", u: "ᵤ", v: "ᵥ", x: "ₓ" };

  // The TeX source as a list of tokens: a command ("\\alpha"), a group ({...} as an array) or a character.
  const tokenize = (tex) => {
    const stack = [[]];
    for (let i = 0; i < tex.length; i += 1) {
      const c = tex[i];
      if (c === "\\") {
        const name = /^[a-zA-Z]+/.exec(tex.slice(i + 1));
        const command = name ? name[0] : tex[i + 1] || "";
        stack[stack.length - 1].push("\\" + command);
        i += command.length;
      } else if (c === "{") {
        stack.push([]);
      } else if (c === "}" && stack.length > 1) {
        const group = stack.pop();
        stack[stack.length - 1].push(group);
      } else {
        stack[stack.length - 1].push(c);
      }
    }
    while (stack.length > 1) stack[stack.length - 2].push(...stack.pop()); // an unclosed group
    return stack[0];
  };

  const isGroup = (token) => Array.isArray(token);
  const next = (tokens) => {
    while (tokens.length && tokens[0] === " ") tokens.shift();
    return tokens.shift();
  };
  const argument = (tokens) => {
    const token = next(tokens);
    return token === undefined ? "" : render(isGroup(token) ? token : [token]);
  };
  // "(a + b)" for a composite argument, "a" for one symbol.
  const wrapped = (text) => (/^[\p{L}\p{M}\p{N}.]+$/u.test(text) || /^\(.*\)$/.test(text) ? text : `(${text})`);
  const script = (text, table, mark) =>
    [...text].every((c) => c in table) ? [...text].map((c) => table[c]).join("") : mark + wrapped(text);

  const render = (input) => {
    const tokens = [...input];
    let out = "";
    while (tokens.length) {
      const token = tokens.shift();
      if (isGroup(token)) {
        out += render(token);
      } else if (token === "^") {
        out += script(argument(tokens), SUP, "^");
      } else if (token === "_") {
        out += script(argument(tokens), SUB, "_");
      } else if (token === "~") {
        out += " ";
      } else if (token === "&") {
        continue; // an alignment point
      } else if (token === "-") {
        out += "−";
      } else if (token.startsWith("\\")) {
        const name = token.slice(1);
        if (name in SYMBOLS) out += SYMBOLS[name];
        else if (DROPPED.test(name)) continue;
        else if (DROPPED_WITH_ARGUMENT.test(name)) argument(tokens);
        else if (PLAIN.test(name)) out += argument(tokens);
        else if (name in ACCENTS) out += argument(tokens) + ACCENTS[name];
        else if (name === "frac" || name === "dfrac" || name === "tfrac") {
          const top = argument(tokens);
          out += `${wrapped(top)}/${wrapped(argument(tokens))}`;
        } else if (name === "sqrt") out += "√" + wrapped(argument(tokens));
        else {
          // \ln, \exp, \log, \min, the book's own macros (\HR): their name, apart from a letter after it.
          out += name;
          if (tokens.length && /^(\p{L}|\\[a-zA-Z])/u.test(isGroup(tokens[0]) ? "" : tokens[0])) out += " ";
        }
      } else {
        out += token;
      }
    }
    return out;
  };

  /** A TeX formula (with or without its \( \) or \[ \] delimiters) as plain text. */
  const plainTeX = (tex) => {
    const body = tex.trim().replace(/^(\\\(|\\\[|\$\$?)/, "").replace(/(\\\)|\\\]|\$\$?)$/, "");
    return render(tokenize(body)).replace(/\s+/g, " ").trim();
  };
  window.alexandraPlainTeX = plainTeX;

  /** The page's HTML with every formula (MathJax's input, class "math") written as plain text. */
  const withPlainMath = (html) => {
    const page = new DOMParser().parseFromString(html, "text/html");
    const formulas = page.querySelectorAll(".math");
    if (!formulas.length) return html;
    formulas.forEach((formula) => {
      formula.textContent = (formula.tagName === "DIV" ? " " : "") + plainTeX(formula.textContent) + " ";
    });
    return page.documentElement.outerHTML;
  };

  // Before searchtools.js's own listener (it registers its search after this script has run).
  document.addEventListener("DOMContentLoaded", () => {
    if (typeof Search === "undefined") return;
    const htmlToText = Search.htmlToText;
    Search.htmlToText = (html, anchor) => htmlToText(withPlainMath(html), anchor);
    // A title with a formula is in the search index as its TeX source (without delimiters).
    const results = document.getElementById("search-results");
    if (!results) return;
    new MutationObserver(() => {
      results.querySelectorAll("li > a:not([data-plain-math])").forEach((link) => {
        link.dataset.plainMath = "";
        if (/\\[a-zA-Z]/.test(link.textContent)) link.textContent = plainTeX(link.textContent);
      });
    }).observe(results, { childList: true, subtree: true });
  });
})();
