// A multiselect as a list of checkboxes, with a line saying what is chosen; a filter box above it
// when there are more than a few options.
//
// The native <select multiple> stays in the form, hidden, and posts the chosen options (each
// ticked box selects its option), so nothing about the post changes. The filter box only hides
// the options that do not match; a chosen option stays chosen while hidden.
(function () {
  "use strict";

  const inputs = window.PixieInputs;
  const FILTER_FROM = 6; // options

  function setup(select) {
    const field = inputs.fieldOf(select);
    const label = inputs.labelOf(field);
    const required = inputs.hideBridge(select);
    const filter = inputs.el("input", {
      className: "choice-filter",
      attrs: { type: "search", placeholder: "Filter…", autocomplete: "off", spellcheck: "false" },
    });
    const group = inputs.el("div", {
      className: "choice-options",
      attrs: { role: "group", "aria-labelledby": inputs.labelId(field) },
    });
    const summary = inputs.el("p", { className: "choice-summary", attrs: { "aria-live": "polite" } });
    const boxes = [];
    for (const option of select.options) {
      if (option.value === "") {
        continue;
      }
      const box = inputs.el("input", { attrs: { type: "checkbox", id: inputs.uid("choice") } });
      box.checked = option.selected;
      box.addEventListener("change", () => {
        option.selected = box.checked;
        update();
        inputs.fire(select);
      });
      const row = inputs.el("div", { className: "choice-option" }, [
        box,
        inputs.el("label", { text: option.textContent.trim(), attrs: { for: box.id } }),
      ]);
      boxes.push({ box, row, option, text: option.textContent.trim().toLowerCase() });
      group.append(row);
    }
    const noMatch = inputs.el("p", { className: "choice-none", text: "No option matches." });
    noMatch.hidden = true;
    select.after(inputs.el("div", { className: "choice-list" }, [filter, group, noMatch, summary]));
    if (boxes.length >= FILTER_FROM) {
      inputs.moveId(select, filter);
      filter.setAttribute("aria-label", "Filter " + label);
      filter.setAttribute("aria-controls", (group.id = inputs.uid("choices")));
    } else {
      filter.hidden = true;
    }

    const check = inputs.guard(field, () => (boxes[0] ? boxes[0].box : null), () =>
      required && !boxes.some((entry) => entry.box.checked) ? "Choose at least one option." : ""
    );

    function update() {
      const chosen = boxes.filter((entry) => entry.box.checked).map((entry) => entry.option.textContent.trim());
      summary.textContent = chosen.length ? chosen.length + " chosen: " + chosen.join(", ") : "None chosen.";
      check();
    }

    filter.addEventListener("input", () => {
      const text = filter.value.trim().toLowerCase();
      let shown = 0;
      for (const entry of boxes) {
        entry.row.hidden = !!text && !entry.text.includes(text);
        shown += entry.row.hidden ? 0 : 1;
      }
      noMatch.hidden = shown > 0;
    });
    filter.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault(); // a filter box does not post the form
        const first = boxes.find((entry) => !entry.row.hidden);
        if (first) {
          first.box.focus();
        }
      }
    });
    update();
  }

  Pixie.register("select[multiple][data-widget='multiselect']", setup);
})();
