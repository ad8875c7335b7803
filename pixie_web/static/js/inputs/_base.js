// Shared pieces of the input widgets (the files beside this one), under `window.PixieInputs`.
//
// Every widget enhances a control the server drew and that already posts the right thing without
// JavaScript; a JSON-bridged input (tags, table, maps, date range) keeps its text field, hidden
// or not, and the widget writes JSON into it. So the form posts the same fields either way.
//
// A widget that hides a `required` control takes the check over with `guard`: a custom validity
// message on a control the person can reach, re-run whenever the field is shown or hidden.
(function () {
  "use strict";

  const api = window.PixieInputs || (window.PixieInputs = {});
  let counter = 0;

  function el(tag, props, children) {
    // A small element builder: props.className, props.text, props.attrs {}, props.on {event: fn}.
    const node = document.createElement(tag);
    const options = props || {};
    if (options.className) {
      node.className = options.className;
    }
    if (options.text !== undefined) {
      node.textContent = options.text;
    }
    for (const [name, value] of Object.entries(options.attrs || {})) {
      if (value !== null && value !== undefined && value !== false) {
        node.setAttribute(name, value === true ? "" : String(value));
      }
    }
    for (const [name, handler] of Object.entries(options.on || {})) {
      node.addEventListener(name, handler);
    }
    for (const child of children || []) {
      node.append(child);
    }
    return node;
  }

  function uid(prefix) {
    counter += 1;
    return (prefix || "pixie") + "-" + counter;
  }

  function fieldOf(node) {
    return node.closest(".field");
  }

  function labelOf(field) {
    // The field's own words, without the required mark: "Line items".
    const label = field.querySelector(":scope > label, :scope legend");
    if (!label) {
      return field.dataset.inputKey || "";
    }
    const copy = label.cloneNode(true);
    copy.querySelectorAll(".required-mark").forEach((mark) => mark.remove());
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function labelId(field) {
    // An id on the field's label, so a group of new controls can be labelled by it.
    const label = field.querySelector(":scope > label");
    if (!label) {
      return null;
    }
    if (!label.id) {
      label.id = uid("label");
    }
    return label.id;
  }

  function fire(control) {
    control.dispatchEvent(new Event("input", { bubbles: true }));
    control.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function readJSON(control) {
    // The bridge's value: null when empty, undefined when it is not JSON.
    const text = control.value.trim();
    if (!text) {
      return null;
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      return undefined;
    }
  }

  function writeJSON(control, value) {
    const text = value === null || value === undefined ? "" : JSON.stringify(value);
    if (control.value !== text) {
      control.value = text;
      fire(control);
    }
  }

  function hideBridge(control) {
    // The bridge stays in the form (it is what posts) but out of sight and out of the tab order;
    // returns whether it was required, for the widget's own check.
    // (show-if.js may have set `required` aside already, if the field starts hidden.)
    const required = control.hasAttribute("required") || control.hasAttribute("data-show-if-required");
    control.removeAttribute("required");
    control.removeAttribute("data-show-if-required");
    control.hidden = true;
    control.tabIndex = -1;
    control.classList.add("input-bridge");
    // The hint under a JSON-bridged input says how to type the JSON: the widget makes that moot.
    const field = fieldOf(control);
    const hint = field && control.matches("textarea") ? field.querySelector(":scope > .field-hint") : null;
    if (hint) {
      hint.hidden = true;
    }
    return required;
  }

  function moveId(from, to) {
    // The field's <label for> and the page's links point at the server's control: give its id to
    // the widget's first control, along with what describes it.
    const id = from.id;
    if (!id) {
      return;
    }
    from.id = id + "-source";
    to.id = id;
    const described = (from.getAttribute("aria-describedby") || "")
      .split(/\s+/)
      .filter((ref) => ref && !(document.getElementById(ref) || {}).hidden);
    if (described.length) {
      to.setAttribute("aria-describedby", described.join(" "));
    }
    if (from.getAttribute("aria-invalid") === "true") {
      to.setAttribute("aria-invalid", "true");
    }
  }

  function isShown(node) {
    return !node.closest("[data-show-if-hidden]");
  }

  function guard(field, target, problem) {
    // Keep `target`'s custom validity in step with `problem()` ("" when fine) while the field is
    // shown; a field hidden by show_if never blocks the form. Returns the function to re-run.
    const run = () => {
      const element = typeof target === "function" ? target() : target;
      if (element) {
        element.setCustomValidity(isShown(field) ? problem() : "");
        element.dispatchEvent(new Event("pixie:validity", { bubbles: true }));
      }
    };
    field.addEventListener("pixie:check", run);
    run();
    return run;
  }

  function formatBytes(size) {
    if (size < 1024) {
      return size + " bytes";
    }
    if (size < 1024 * 1024) {
      return (size / 1024).toFixed(1) + " KB";
    }
    return (size / (1024 * 1024)).toFixed(1) + " MB";
  }

  function announce(message) {
    if (window.Pixie && Pixie.announce) {
      Pixie.announce(message);
    }
  }

  Object.assign(api, {
    el,
    uid,
    fieldOf,
    labelOf,
    labelId,
    fire,
    readJSON,
    writeJSON,
    hideBridge,
    moveId,
    isShown,
    guard,
    formatBytes,
    announce,
  });
})();
