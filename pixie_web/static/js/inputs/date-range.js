// A date range: two date pickers, start and end, written to the hidden text field as
// ["YYYY-MM-DD", "YYYY-MM-DD"]. One date without the other, or an end before the start, is
// flagged on the picker concerned; both left empty posts nothing.
(function () {
  "use strict";

  const inputs = window.PixieInputs;

  function initial(bridge) {
    const value = inputs.readJSON(bridge);
    if (Array.isArray(value) && value.length === 2) {
      return value.map((item) => (typeof item === "string" ? item : ""));
    }
    if (value && typeof value === "object" && "from" in value && "to" in value) {
      return [String(value.from || ""), String(value.to || "")];
    }
    return ["", ""];
  }

  function setup(bridge) {
    const field = inputs.fieldOf(bridge);
    const label = inputs.labelOf(field);
    const [first, last] = initial(bridge);
    const required = inputs.hideBridge(bridge);
    const picker = (part, value) => {
      const input = inputs.el("input", { className: "date-range-" + part, attrs: { type: "date" } });
      input.value = value;
      return input;
    };
    const start = picker("start", first);
    const end = picker("end", last);
    start.setAttribute("aria-label", label + ", start");
    end.setAttribute("aria-label", label + ", end");
    bridge.after(
      inputs.el("div", { className: "date-range" }, [
        start,
        inputs.el("span", { className: "date-range-to", text: "to", attrs: { "aria-hidden": "true" } }),
        end,
      ])
    );
    inputs.moveId(bridge, start);

    const checkStart = inputs.guard(field, start, () => {
      if (!start.value && (end.value || required)) {
        return end.value ? "Choose the start date too." : "Choose the start and end dates.";
      }
      return "";
    });
    const checkEnd = inputs.guard(field, end, () => {
      if (!end.value && start.value) {
        return "Choose the end date too.";
      }
      if (start.value && end.value && end.value < start.value) {
        return "The end date must be on or after the start date.";
      }
      return "";
    });

    function update() {
      checkStart();
      checkEnd();
      const both = start.value && end.value && start.value <= end.value;
      inputs.writeJSON(bridge, both ? [start.value, end.value] : null);
    }

    start.addEventListener("input", update);
    start.addEventListener("change", update);
    end.addEventListener("input", update);
    end.addEventListener("change", update);
  }

  Pixie.register("textarea[data-widget='date_range']", setup);
})();
