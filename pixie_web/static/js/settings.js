// The settings page's appearance form: a choice applies to the page at once, before the server
// has saved it (the form itself posts on change through htmx, or on Save without JavaScript).
(function () {
  "use strict";

  const KEYS = ["theme", "accent", "density"];

  Pixie.register("[data-appearance-form]", (form) => {
    form.addEventListener("change", () => {
      const data = new FormData(form);
      const values = {};
      for (const key of KEYS) {
        const value = data.get(key);
        if (typeof value === "string" && value) {
          values[key] = value;
        }
      }
      Pixie.setAppearance(values);
    });
  });
})();
