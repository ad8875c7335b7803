// Code, JSON and markdown inputs in CodeMirror 5 (vendored, loaded on first use).
//
// The server's textarea stays the control that posts: the editor writes into it on every change,
// and it keeps its `required`, so the browser's own check still applies (a stopped post moves the
// focus into the editor). The language comes from data-language. Tab moves to the next field, as
// everywhere else on the page; Ctrl+] and Ctrl+[ indent. The editor's colours are CSS variables
// (inputs.css), so it follows the theme without being redrawn. JSON is checked as it is typed
// (json-status.js).
(function () {
  "use strict";

  const inputs = window.PixieInputs;
  const JS = "codemirror/mode/javascript/javascript.js";
  const XML = "codemirror/mode/xml/xml.js";
  const MODES = {
    python: [["codemirror/mode/python/python.js"], "python"],
    sql: [["codemirror/mode/sql/sql.js"], "text/x-sql"],
    javascript: [[JS], "javascript"],
    typescript: [[JS], "text/typescript"],
    json: [[JS], { name: "javascript", json: true }],
    xml: [[XML], "xml"],
    css: [["codemirror/mode/css/css.js"], "css"],
    html: [[XML, JS, "codemirror/mode/css/css.js", "codemirror/mode/htmlmixed/htmlmixed.js"], "htmlmixed"],
    yaml: [["codemirror/mode/yaml/yaml.js"], "yaml"],
    markdown: [[XML, "codemirror/mode/markdown/markdown.js"], "markdown"],
  };
  const ALIASES = { py: "python", js: "javascript", ts: "typescript", yml: "yaml", md: "markdown", htm: "html" };
  const CORE = [
    "codemirror/lib/codemirror.css",
    "codemirror/lib/codemirror.js",
    "codemirror/addon/edit/matchbrackets.js",
  ];

  function modeFor(textarea) {
    const kind = textarea.dataset.widget;
    let language = String(textarea.dataset.language || "").trim().toLowerCase();
    if (kind === "json") {
      language = "json";
    }
    language = ALIASES[language] || language;
    return MODES[language] || [[], null];
  }

  async function setup(textarea) {
    const field = inputs.fieldOf(textarea);
    const kind = textarea.dataset.widget;
    const [files, mode] = modeFor(textarea);
    await Pixie.loadAll(CORE.concat(files));
    const prose = kind === "markdown";
    const editor = window.CodeMirror.fromTextArea(textarea, {
      mode,
      theme: "pixie",
      inputStyle: "contenteditable", // read by screen readers, unlike the hidden-textarea style
      lineNumbers: !prose,
      lineWrapping: prose,
      matchBrackets: !prose,
      indentUnit: mode === "python" ? 4 : 2,
      tabSize: 4,
      viewportMargin: Infinity,
      leaveSubmitMethodAlone: true,
      extraKeys: { Tab: false, "Shift-Tab": false, "Ctrl-]": "indentMore", "Ctrl-[": "indentLess" },
    });
    // The textarea stays in the page (hidden from sight, not from the form's checks) so that a
    // required editor left empty stops the post; the focus then goes to the editor.
    textarea.style.display = "";
    textarea.classList.add("code-source");
    textarea.tabIndex = -1;
    textarea.setAttribute("aria-hidden", "true");
    textarea.addEventListener("focus", () => editor.focus());
    textarea.addEventListener("invalid", () => editor.focus());

    const surface = editor.getInputField();
    surface.setAttribute("aria-labelledby", inputs.labelId(field) || "");
    surface.setAttribute("aria-multiline", "true");
    surface.setAttribute("role", "textbox");
    const note = inputs.el("p", {
      className: "code-keys",
      text: "Tab moves to the next field; Ctrl+] indents.",
      attrs: { id: inputs.uid("code-keys") },
    });
    editor.getWrapperElement().after(note);
    const described = [textarea.getAttribute("aria-describedby"), note.id].filter(Boolean).join(" ");
    surface.setAttribute("aria-describedby", described);
    editor.getWrapperElement().classList.add("code-editor", "code-editor--" + kind);

    editor.on("change", () => {
      editor.save();
      inputs.fire(textarea);
    });
    field.addEventListener("pixie:shown", () => editor.refresh());
    textarea.pixieEditor = editor;
  }

  // No spaces in the selector: pixie.js keeps the selectors a widget has run for space-separated.
  Pixie.register("textarea[data-widget='code'],textarea[data-widget='json'],textarea[data-widget='markdown']", setup);
})();
