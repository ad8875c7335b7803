// `PixieInputs.combobox(input, options)`: a text box with a list of suggestions under it, in the
// ARIA 1.2 combobox pattern (the box keeps focus; aria-activedescendant names the active option).
//
// options.source(query, signal) -> Promise<[{value, label}]> (may reject with an Error to show),
// options.onPick(item), options.delay (ms, debounce), options.minChars (0 lists all on ArrowDown).
// Keys: ArrowDown/ArrowUp move (and open), Enter picks the active option, Escape closes,
// Home/End stay in the text. A status line says how many suggestions there are, or what went wrong.
(function () {
  "use strict";

  const inputs = window.PixieInputs;

  function combobox(input, options) {
    const delay = options.delay === undefined ? 200 : options.delay;
    const minChars = options.minChars === undefined ? 1 : options.minChars;
    const list = inputs.el("ul", {
      className: "combo-list",
      attrs: { id: inputs.uid("combo-list"), role: "listbox", "aria-label": options.label || "Suggestions" },
    });
    const status = inputs.el("p", { className: "combo-status", attrs: { "aria-live": "polite" } });
    const wrap = inputs.el("div", { className: "combo" });
    input.before(wrap);
    wrap.append(input, list, status);
    list.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    let items = [];
    let active = -1;
    let timer = null;
    let controller = null;
    let asked = 0;
    let first = false; // opened with an arrow key: make the first option active

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      active = index;
      list.querySelectorAll("[role='option']").forEach((option, i) => {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
        if (i === index) {
          input.setAttribute("aria-activedescendant", option.id);
          option.scrollIntoView({ block: "nearest" });
        }
      });
    }

    function pick(index) {
      const item = items[index];
      if (item) {
        close();
        options.onPick(item);
        status.textContent = "";
      }
    }

    function show(found) {
      items = found;
      list.replaceChildren(
        ...found.map((item, index) =>
          inputs.el("li", {
            className: "combo-option",
            text: item.label,
            attrs: { id: list.id + "-" + index, role: "option", "aria-selected": "false" },
            on: {
              mousedown: (event) => event.preventDefault(), // keep focus in the box
              click: () => pick(index),
            },
          })
        )
      );
      const open = found.length > 0 && document.activeElement === input;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (open && first) {
        highlight(0);
      }
      first = false;
      status.textContent = found.length
        ? found.length + (found.length === 1 ? " suggestion" : " suggestions") + "; use the arrow keys to choose."
        : "No suggestions.";
    }

    function ask(query) {
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      const mine = ++asked;
      status.textContent = "Searching…";
      wrap.classList.remove("has-error");
      Promise.resolve(options.source(query, controller.signal))
        .then((found) => {
          if (mine === asked) {
            show(found || []);
          }
        })
        .catch((error) => {
          if (mine === asked && !(error && error.name === "AbortError")) {
            close();
            wrap.classList.add("has-error");
            status.textContent = (error && error.message) || "Suggestions could not be loaded.";
          }
        });
    }

    function schedule() {
      window.clearTimeout(timer);
      const query = input.value;
      if (query.trim().length < Math.max(minChars, 0) || (minChars > 0 && !query.trim())) {
        asked += 1;
        close();
        status.textContent = "";
        return;
      }
      timer = window.setTimeout(() => ask(query), delay);
    }

    input.addEventListener("input", schedule);
    input.addEventListener("keydown", (event) => {
      const open = !list.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!open) {
          first = true;
          if (items.length && input.value.trim().length >= minChars) {
            show(items);
          } else if (minChars === 0) {
            ask(input.value);
          }
          return;
        }
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + items.length) % items.length);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault(); // choosing, not posting the form
        pick(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", () => {
      window.setTimeout(close, 0);
    });
    return { close, wrap, status };
  }

  inputs.combobox = combobox;
})();
