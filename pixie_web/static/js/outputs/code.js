// Read-only code outputs: highlight.js colouring, line numbers and a Copy button; text outputs
// get the Copy button too.
//
// The server renders `<pre class="output-code"><code class="language-x">source</code></pre>`.
// The source is highlighted with the spec's language when highlight.js knows it (the vendored
// "common" bundle), else auto-detected; highlight.js escapes the text it returns. No theme is
// vendored: outputs.css colours the `.hljs-*` classes from the page's variables.
(function () {
  "use strict";

  const api = window.PixieOutputs;

  function language(code) {
    const match = /(?:^|\s)language-([\w+#-]+)/.exec(code.className);
    return match ? match[1] : "";
  }

  function numberLines(pre, source) {
    const count = source.replace(/\n$/, "").split("\n").length;
    if (count < 2) {
      return;
    }
    const gutter = document.createElement("span");
    gutter.className = "code-lines";
    gutter.setAttribute("aria-hidden", "true");
    gutter.textContent = Array.from({ length: count }, (_, i) => String(i + 1)).join("\n");
    pre.classList.add("has-lines");
    pre.prepend(gutter);
  }

  async function setup(pre) {
    const code = pre.querySelector("code");
    if (!code) {
      return;
    }
    const source = code.textContent || "";
    const card = api.cardOf(pre);
    if (card) {
      api.addCopyButton(card, () => source, "the code");
    }
    numberLines(pre, source);
    await Pixie.load("highlight/highlight.min.js");
    const hljs = window.hljs;
    const lang = language(code);
    const result =
      lang && hljs.getLanguage(lang)
        ? hljs.highlight(source, { language: lang, ignoreIllegals: true })
        : hljs.highlightAuto(source);
    code.innerHTML = result.value;
    code.classList.add("hljs");
    if (result.language) {
      code.dataset.language = result.language;
    }
    pre.dataset.drawn = "true";
  }

  function setupText(pre) {
    const card = api.cardOf(pre);
    if (card && !card.hasAttribute("data-streaming")) {
      api.addCopyButton(card, () => pre.textContent || "", "the text");
    }
  }

  api.register(".output-card pre.output-code", setup);
  api.register(".output-card[data-output-type='text'] pre.output-text", setupText);
})();
