// A JSON input says, as it is typed, whether its text is JSON: "Valid JSON", or where and why it
// is not, by line and column (_json-locate.js). Invalid JSON is also the field's custom validity,
// so the form does not post it; an empty box is left to `required` (or posts nothing).
(function () {
  "use strict";

  const inputs = window.PixieInputs;

  function check(text) {
    if (!text.trim()) {
      return null;
    }
    try {
      JSON.parse(text);
      return { ok: true };
    } catch (error) {
      const lines = text.split("\n");
      const fallback = { line: lines.length, column: lines[lines.length - 1].length + 1, reason: error.message };
      return { ok: false, ...(inputs.jsonProblem(text) || fallback) };
    }
  }

  Pixie.register("textarea[data-widget='json']", (textarea) => {
    const field = inputs.fieldOf(textarea);
    const status = inputs.el("p", {
      className: "json-status",
      attrs: { id: inputs.uid("json-status"), "aria-live": "polite" },
    });
    const anchor = field.querySelector(":scope > .field-hint, :scope > .field-help, :scope > .field-error");
    if (anchor) {
      anchor.before(status);
    } else {
      field.append(status);
    }
    const described = textarea.getAttribute("aria-describedby");
    textarea.setAttribute("aria-describedby", [described, status.id].filter(Boolean).join(" "));
    let timer = null;

    const update = () => {
      const result = check(textarea.value);
      status.classList.toggle("is-ok", !!(result && result.ok));
      status.classList.toggle("is-bad", !!(result && !result.ok));
      if (!result) {
        status.textContent = "";
        textarea.setCustomValidity("");
      } else if (result.ok) {
        status.textContent = "Valid JSON";
        textarea.setCustomValidity("");
      } else {
        const text = "Not valid JSON: line " + result.line + ", column " + result.column + ": " + result.reason + ".";
        status.textContent = text;
        textarea.setCustomValidity(inputs.isShown(field) ? text : "");
      }
      textarea.dispatchEvent(new Event("pixie:validity", { bubbles: true }));
    };
    textarea.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 150);
    });
    field.addEventListener("pixie:check", update);
    update();
  });
})();
