// A range slider: two thumbs on one track above the server's two number boxes, kept in order.
//
// The number boxes (<key>__lo, <key>__hi) stay: they are what posts, and the way to type an exact
// value. A thumb moved past the other pushes it along; a box typed past the other does the same
// when the person leaves it. The hidden JSON field (<key>) gets the pair for scripts that read it.
(function () {
  "use strict";

  const inputs = window.PixieInputs;

  function thumb(box, label) {
    return inputs.el("input", {
      className: "range-thumb",
      attrs: {
        type: "range",
        min: box.min || 0,
        max: box.max || 100,
        step: box.step && box.step !== "any" ? box.step : "any",
        "aria-label": label,
        "data-range-thumb": true,
      },
    });
  }

  function setup(bridge) {
    const field = inputs.fieldOf(bridge);
    const boxes = field ? field.querySelectorAll(".range-inputs input") : [];
    if (boxes.length !== 2) {
      return;
    }
    const [lowBox, highBox] = boxes;
    const label = inputs.labelOf(field);
    const low = thumb(lowBox, label + ", low end");
    const high = thumb(highBox, label + ", high end");
    const track = inputs.el("div", { className: "range-track" }, [low, high]);
    field.querySelector(".range-inputs").before(track);
    const min = Number(low.min);
    const span = Number(low.max) - min || 1;

    function paint() {
      track.style.setProperty("--low", ((Number(low.value) - min) / span) * 100 + "%");
      track.style.setProperty("--high", ((Number(high.value) - min) / span) * 100 + "%");
    }

    function fromBoxes() {
      low.value = lowBox.value === "" ? low.min : lowBox.value;
      high.value = highBox.value === "" ? high.max : highBox.value;
      paint();
    }

    function post() {
      const both = lowBox.value !== "" && highBox.value !== "";
      inputs.writeJSON(bridge, both ? [Number(lowBox.value), Number(highBox.value)] : null);
    }

    function moved(moving) {
      if (Number(low.value) > Number(high.value)) {
        (moving === low ? high : low).value = moving.value;
      }
      lowBox.value = low.value;
      highBox.value = high.value;
      paint();
      post();
      inputs.fire(lowBox);
    }

    function typed(box) {
      const other = box === lowBox ? highBox : lowBox;
      if (box.value !== "" && other.value !== "" && Number(lowBox.value) > Number(highBox.value)) {
        other.value = box.value;
      }
      fromBoxes();
      post();
    }

    low.addEventListener("input", () => moved(low));
    high.addEventListener("input", () => moved(high));
    lowBox.addEventListener("input", fromBoxes);
    highBox.addEventListener("input", fromBoxes);
    lowBox.addEventListener("change", () => typed(lowBox));
    highBox.addEventListener("change", () => typed(highBox));
    fromBoxes();
  }

  Pixie.register("input[type='hidden'][data-widget='slider']", setup);
})();
