// A searchable select (data-searchable): a combobox that filters the options as the person types.
//
// The native <select> stays in the form, hidden, and posts the chosen option; the box shows its
// label. Leaving the box with text that names no option puts the chosen label back (or clears
// the choice when the box was emptied). A required select is checked on the box.
(function () {
  "use strict";

  const inputs = window.PixieInputs;

  function optionsOf(select) {
    return Array.from(select.options)
      .filter((option) => option.value !== "")
      .map((option) => ({ value: option.value, label: option.textContent.trim() }));
  }

  Pixie.register("select[data-searchable]:not([multiple])", (select) => {
    const field = inputs.fieldOf(select);
    const all = optionsOf(select);
    const chosenLabel = () => {
      const option = select.selectedOptions[0];
      return option && option.value !== "" ? option.textContent.trim() : "";
    };
    const placeholder = all.length ? "Type to search " + all.length + " options" : "No options";
    const box = inputs.el("input", {
      className: "select-search",
      attrs: { type: "text", spellcheck: "false", placeholder },
    });
    box.value = chosenLabel();
    const required = inputs.hideBridge(select);
    select.after(box);
    inputs.moveId(select, box);
    const check = inputs.guard(field, box, () =>
      required && !select.value ? "Choose one of the options." : ""
    );
    inputs.combobox(box, {
      label: inputs.labelOf(field) + " options",
      delay: 0,
      minChars: 0,
      source: (query) => {
        const text = query.trim().toLowerCase();
        return all.filter((item) => !text || item.label.toLowerCase().includes(text));
      },
      onPick: (item) => {
        select.value = item.value;
        box.value = item.label;
        inputs.fire(select);
        check();
      },
    });
    box.addEventListener("change", () => {
      const text = box.value.trim().toLowerCase();
      const match = all.find((item) => item.label.toLowerCase() === text);
      if (match) {
        select.value = match.value;
      } else if (!text && Array.from(select.options).some((option) => option.value === "")) {
        select.value = "";
      }
      box.value = chosenLabel();
      inputs.fire(select);
      check();
    });
  });
})();
