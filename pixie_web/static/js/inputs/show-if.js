// Live `show_if`: a field with data-show-if-key / data-show-if-equals is shown only while the
// other input's value equals the JSON value, compared as the server compares them (strict, with
// lists and objects compared item by item; 1 equals 1.0, true never equals 1).
//
// A hidden field still posts (tool contract §3.5) but never blocks the form: its `required` and
// range checks are set aside while it is hidden (the server, too, does not ask for an input the
// person could not see). A field the server sent back with an error stays visible.
(function () {
  "use strict";

  const inputs = window.PixieInputs;
  const STASHED = ["required", "min", "max", "minlength", "maxlength", "pattern", "step"];
  const JSON_TYPES = ["json", "table", "date_range", "map_point", "map_bbox", "map_polygon", "map_multipoint"];
  const watched = new WeakSet();

  function same(left, right) {
    if (typeof left === "boolean" || typeof right === "boolean") {
      return left === right;
    }
    if (Array.isArray(left) && Array.isArray(right)) {
      return left.length === right.length && left.every((item, index) => same(item, right[index]));
    }
    if (left && right && typeof left === "object" && typeof right === "object") {
      const keys = Object.keys(left);
      const matching = (key) => key in right && same(left[key], right[key]);
      return keys.length === Object.keys(right).length && keys.every(matching);
    }
    return left === right;
  }

  function optionValue(option) {
    try {
      return JSON.parse(option.dataset.json);
    } catch (error) {
      return option.value;
    }
  }

  function number(control) {
    const text = control ? control.value.trim() : "";
    return text === "" || !Number.isFinite(Number(text)) ? null : Number(text);
  }

  function tags(text) {
    const trimmed = text.trim();
    let list = [];
    if (trimmed.startsWith("[")) {
      try {
        list = JSON.parse(trimmed);
      } catch (error) {
        return null;
      }
    } else if (trimmed) {
      list = trimmed.split(",");
    }
    const out = [];
    for (const item of Array.isArray(list) ? list : []) {
      const tag = String(item).trim();
      if (tag && !out.includes(tag)) {
        out.push(tag);
      }
    }
    return out.length ? out : null;
  }

  function valueOf(field) {
    // The input's value as the tool would get it, near enough to compare with `equals`.
    const type = field.dataset.inputType;
    const key = field.dataset.inputKey;
    const named = (name) => Array.from(field.querySelectorAll("[name]")).filter((c) => c.name === name);
    const control = named(key).pop() || null;
    if (type === "checkbox" || type === "toggle") {
      const box = field.querySelector("input[type='checkbox']");
      return !!(box && box.checked);
    }
    if (type === "slider" && named(key + "__lo").length) {
      const low = number(named(key + "__lo")[0]);
      const high = number(named(key + "__hi")[0]);
      return low === null || high === null ? inputs.readJSON(control) : [low, high];
    }
    if (type === "number" || type === "slider") {
      return number(control);
    }
    if (type === "select" || type === "multiselect") {
      const select = field.querySelector("select");
      const chosen = select ? Array.from(select.selectedOptions).filter((o) => o.value !== "") : [];
      return type === "select" ? (chosen.length ? optionValue(chosen[0]) : null) : chosen.map(optionValue);
    }
    if (type === "radio") {
      const checked = field.querySelector("input[type='radio']:checked");
      return checked ? optionValue(checked) : null;
    }
    if (!control) {
      return null;
    }
    if (type === "tags") {
      return tags(control.value);
    }
    if (JSON_TYPES.includes(type)) {
      const value = inputs.readJSON(control);
      return value === undefined ? control.value : value;
    }
    return control.value === "" ? null : control.value;
  }

  function setAside(control, hidden) {
    for (const name of STASHED) {
      const stash = "data-show-if-" + name;
      if (hidden && control.hasAttribute(name) && !control.hasAttribute(stash)) {
        control.setAttribute(stash, control.getAttribute(name));
        if (name === "step") {
          control.setAttribute("step", "any");
        } else {
          control.removeAttribute(name);
        }
      } else if (!hidden && control.hasAttribute(stash)) {
        control.setAttribute(name, control.getAttribute(stash));
        control.removeAttribute(stash);
      }
    }
  }

  function apply(field, scope) {
    let equals;
    try {
      equals = JSON.parse(field.dataset.showIfEquals);
    } catch (error) {
      return;
    }
    const source = Array.from(scope.querySelectorAll(".field[data-input-key]")).find(
      (candidate) => candidate.dataset.inputKey === field.dataset.showIfKey
    );
    const flagged = !!field.querySelector(".field-error");
    const visible = !source || flagged || same(valueOf(source), equals);
    if (visible === !field.hasAttribute("data-show-if-hidden")) {
      return;
    }
    if (field.dataset.inputType !== "hidden") {
      field.hidden = !visible;
    }
    field.toggleAttribute("data-show-if-hidden", !visible);
    for (const control of field.querySelectorAll("input, select, textarea")) {
      setAside(control, !visible);
    }
    field.dispatchEvent(new CustomEvent("pixie:check"));
    if (visible) {
      field.dispatchEvent(new CustomEvent("pixie:shown"));
    }
  }

  function applyAll(scope) {
    for (const field of scope.querySelectorAll(".field[data-show-if-key]")) {
      apply(field, scope);
    }
  }

  Pixie.register(".field[data-show-if-key]", (field) => {
    const scope = field.closest("form") || document;
    apply(field, scope);
    if (!watched.has(scope)) {
      watched.add(scope);
      scope.addEventListener("input", () => applyAll(scope));
      scope.addEventListener("change", () => applyAll(scope));
    }
  });
})();
