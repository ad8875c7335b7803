// A slider shows its value as it moves, in the box the server drew beside it (an <output>).
// With scripts, that box becomes a number field kept in step with the slider both ways, so an
// exact value (β = 2.667, σ = 10.5) can be typed instead of dragged to; the slider alone is sent.
(function () {
  "use strict";

  Pixie.register("input[type='range'][name]", (slider) => {
    const output = slider.parentElement.querySelector("output.slider-value");
    if (!output) {
      return;
    }
    const box = document.createElement("input");
    box.type = "number";
    box.className = "slider-value slider-number";
    for (const name of ["min", "max", "step"]) {
      if (slider.hasAttribute(name)) {
        box.setAttribute(name, slider.getAttribute(name));
      }
    }
    const label = slider.id ? document.querySelector(`label[for="${CSS.escape(slider.id)}"]`) : null;
    const spoken = label
      ? Array.from(label.childNodes)
          .filter((node) => !(node instanceof Element && node.getAttribute("aria-hidden") === "true"))
          .map((node) => node.textContent)
          .join("")
          .trim()
      : "";
    box.setAttribute("aria-label", (spoken ? spoken + ": " : "") + "exact value");
    box.value = slider.value;
    output.replaceWith(box);

    slider.addEventListener("input", () => {
      box.value = slider.value;
    });
    // The slider clamps to its range and snaps to its step; the box then shows what will be sent.
    const take = () => {
      if (box.value === "" || Number.isNaN(box.valueAsNumber)) {
        box.value = slider.value;
        return;
      }
      slider.value = box.value;
      box.value = slider.value;
      slider.dispatchEvent(new Event("input", { bubbles: true }));
      slider.dispatchEvent(new Event("change", { bubbles: true }));
    };
    box.addEventListener("change", take);
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault(); // Enter sets the value; it does not send the form
        take();
      }
    });
  });
})();
