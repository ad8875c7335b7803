// A slider shows its value as it moves: the <output> the server drew beside it.
(function () {
  "use strict";

  Pixie.register("input[type='range'][name]", (slider) => {
    const output = slider.parentElement.querySelector("output.slider-value");
    if (!output) {
      return;
    }
    const show = () => {
      output.textContent = slider.value;
    };
    slider.addEventListener("input", show);
    show();
  });
})();
