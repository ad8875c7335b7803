// Client-side hints: the browser's own checks (required, min, max, step, pattern, maxlength, and
// the widgets' custom messages) shown as text under the field, like the server's errors, instead
// of only in a bubble that disappears.
//
// When a post is stopped by an invalid control, each invalid control gets a message that its
// aria-describedby names and aria-invalid="true"; the first one is announced. The message goes
// away as soon as the control is valid again. The server's own error under a field is left alone.
(function () {
  "use strict";

  const inputs = window.PixieInputs;
  let announced = false;

  function messageFor(control) {
    return inputs.el("p", { className: "field-error field-client-error", attrs: { id: inputs.uid("client-error") } });
  }

  function describedBy(control, id, add) {
    const ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    const next = add ? (ids.includes(id) ? ids : ids.concat(id)) : ids.filter((item) => item !== id);
    if (next.length) {
      control.setAttribute("aria-describedby", next.join(" "));
    } else {
      control.removeAttribute("aria-describedby");
    }
  }

  function show(control, field) {
    let message = control.pixieHint;
    if (!message) {
      message = messageFor(control);
      control.pixieHint = message;
      const anchor = field.querySelector(":scope > .field-hint, :scope > .field-help, :scope > .field-error");
      if (anchor) {
        anchor.before(message);
      } else {
        field.append(message);
      }
    }
    message.textContent = control.validationMessage;
    describedBy(control, message.id, true);
    control.setAttribute("aria-invalid", "true");
    control.dataset.clientInvalid = "true";
    if (!announced) {
      announced = true;
      inputs.announce(inputs.labelOf(field) + ": " + control.validationMessage);
      window.setTimeout(() => {
        announced = false;
      }, 500);
    }
  }

  function clear(control) {
    const message = control.pixieHint;
    if (!message || !control.validity.valid) {
      if (message) {
        message.textContent = control.validationMessage;
      }
      return;
    }
    describedBy(control, message.id, false);
    message.remove();
    control.pixieHint = null;
    if (control.dataset.clientInvalid) {
      delete control.dataset.clientInvalid;
      control.removeAttribute("aria-invalid");
    }
  }

  document.addEventListener(
    "invalid",
    (event) => {
      const control = event.target;
      const field = control instanceof Element ? control.closest(".run-form .field") : null;
      if (field) {
        show(control, field);
      }
    },
    true
  );

  function recheck(event) {
    const target = event.target;
    if (!(target instanceof Element) || !target.closest(".run-form")) {
      return;
    }
    // A widget may change the validity of a control other than the one being edited.
    const field = target.closest(".field");
    for (const control of field ? field.querySelectorAll("[data-client-invalid]") : []) {
      clear(control);
    }
  }

  document.addEventListener("input", recheck);
  document.addEventListener("pixie:validity", recheck); // a widget changed a custom validity
  document.addEventListener("change", recheck);
  document.addEventListener("focusout", recheck);
})();
