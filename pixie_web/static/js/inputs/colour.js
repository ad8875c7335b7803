// A colour: the native picker plus a hex text box, kept in step both ways.
//
// The picker is what posts. The text box takes #rgb or #rrggbb (the # may be left out); anything
// else is flagged on the box, and the form will not post until it is fixed or emptied.
(function () {
  "use strict";

  const inputs = window.PixieInputs;
  const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

  function normalise(text) {
    const match = HEX.exec(text.trim());
    if (!match) {
      return null;
    }
    const digits = match[1].length === 3 ? match[1].replace(/./g, (c) => c + c) : match[1];
    return "#" + digits.toLowerCase();
  }

  Pixie.register("input[type='color'][data-widget='colour']", (picker) => {
    const field = inputs.fieldOf(picker);
    const text = inputs.el("input", {
      className: "colour-hex",
      attrs: {
        type: "text",
        "aria-label": inputs.labelOf(field) + " (hex)",
        autocomplete: "off",
        spellcheck: "false",
        maxlength: 7,
        size: 8,
      },
    });
    text.value = picker.value;
    picker.after(text);
    picker.addEventListener("input", () => {
      if (document.activeElement === text) {
        return; // the person is typing: their text stays as it is
      }
      text.value = picker.value;
      text.setCustomValidity("");
    });
    text.addEventListener("input", () => {
      const hex = normalise(text.value);
      const empty = text.value.trim() === "";
      text.setCustomValidity(hex || empty ? "" : "Enter a colour as #rrggbb, for example #3366ff.");
      if (hex && hex !== picker.value) {
        picker.value = hex;
        inputs.fire(picker);
      }
    });
    text.addEventListener("change", () => {
      // Left empty, the box shows the picker's colour again: that is what posts.
      text.value = normalise(text.value) || (text.value.trim() === "" ? picker.value : text.value);
    });
  });
})();
