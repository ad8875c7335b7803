// Typesets `latex` outputs with KaTeX; the server sends the source as text (`[data-latex]`).
//
// Maths is found by its delimiters, as the contract says: `$$…$$` and `\[…\]` are display maths,
// `$…$` and `\(…\)` inline; `\$` is a literal dollar. Text between them stays text. A value with
// no delimiter at all is taken as one display formula (a latex output holds maths), rather than
// left as raw source. KaTeX errors are drawn in place (KaTeX's red source with the message as a
// tooltip), never thrown; the card's source text is kept for the Copy button.
(function () {
  "use strict";

  const api = window.PixieOutputs;
  const DELIMITERS = [
    ["$$", "$$", true],
    ["\\[", "\\]", true],
    ["\\(", "\\)", false],
    ["$", "$", false],
  ];

  function findClose(source, close, from) {
    // The next unescaped `close`; a `$` must not be the first of a `$$`.
    let at = from;
    while (at < source.length) {
      const found = source.indexOf(close, at);
      if (found < 0) {
        return -1;
      }
      if (source[found - 1] === "\\" && close[0] === "$") {
        at = found + 1;
        continue;
      }
      return found;
    }
    return -1;
  }

  function split(source) {
    // [{text} | {math, display}] in order.
    const parts = [];
    let text = "";
    let i = 0;
    while (i < source.length) {
      if (source[i] === "\\" && source[i + 1] === "$") {
        text += "$";
        i += 2;
        continue;
      }
      const open = DELIMITERS.find(([left]) => source.startsWith(left, i));
      if (open) {
        const [left, right, display] = open;
        const end = findClose(source, right, i + left.length);
        if (end >= 0 && source.slice(i + left.length, end).trim()) {
          if (text) {
            parts.push({ text });
            text = "";
          }
          parts.push({ math: source.slice(i + left.length, end), display });
          i = end + right.length;
          continue;
        }
      }
      text += source[i];
      i += 1;
    }
    if (text) {
      parts.push({ text });
    }
    return parts;
  }

  function render(element, source) {
    let parts = split(source);
    if (!parts.some((p) => "math" in p) && source.trim()) {
      parts = [{ math: source.trim(), display: true }];
    }
    const out = document.createDocumentFragment();
    for (const part of parts) {
      if ("text" in part) {
        out.appendChild(document.createTextNode(part.text));
        continue;
      }
      const holder = document.createElement(part.display ? "div" : "span");
      holder.className = part.display ? "latex-display" : "latex-inline";
      window.katex.render(part.math, holder, {
        displayMode: part.display,
        throwOnError: false,
        errorColor: "var(--bad)",
        strict: "ignore",
        trust: false,
        output: "htmlAndMathml",
      });
      out.appendChild(holder);
    }
    element.replaceChildren(out);
  }

  async function setup(element) {
    const source = element.textContent || "";
    const card = api.cardOf(element);
    if (card) {
      api.addCopyButton(card, () => source, "the LaTeX source");
    }
    await Pixie.loadAll(["katex/katex.min.css", "katex/katex.min.js"]);
    render(element, source);
    element.dataset.drawn = "true";
  }

  api.register("[data-latex]", setup);
})();
