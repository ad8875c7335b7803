// Tags as chips: type a tag and press Enter or a comma to add it; each chip has a remove button;
// Backspace in the empty box removes the last one. Suggestions (data-suggestions) not yet used
// are buttons that add themselves. The hidden text field posts the tags as a JSON list.
(function () {
  "use strict";

  const inputs = window.PixieInputs;

  function initial(text) {
    const trimmed = text.trim();
    if (trimmed.startsWith("[")) {
      try {
        const parsed = JSON.parse(trimmed);
        return Array.isArray(parsed) ? parsed.map(String) : [];
      } catch (error) {
        return [];
      }
    }
    return trimmed ? trimmed.split(",") : [];
  }

  function setup(bridge) {
    const field = inputs.fieldOf(bridge);
    const label = inputs.labelOf(field);
    let suggestions = [];
    try {
      suggestions = JSON.parse(bridge.dataset.suggestions || "[]").map(String);
    } catch (error) {
      suggestions = [];
    }
    const tags = [];
    const required = inputs.hideBridge(bridge);
    const chips = inputs.el("ul", { className: "tag-list", attrs: { "aria-label": label + ", added" } });
    const entry = inputs.el("input", {
      className: "tag-entry",
      attrs: { type: "text", autocomplete: "off", spellcheck: "false", placeholder: "Add a tag…" },
    });
    const box = inputs.el("div", { className: "tag-box" }, [chips, entry]);
    const offer = inputs.el("div", { className: "tag-suggestions" });
    bridge.after(box, offer);
    inputs.moveId(bridge, entry);
    box.addEventListener("click", (event) => {
      if (event.target === box) {
        entry.focus();
      }
    });

    const check = inputs.guard(field, entry, () =>
      required && !tags.length && !entry.value.trim() ? "Add at least one tag." : ""
    );

    function draw() {
      chips.replaceChildren(
        ...tags.map((tag, index) =>
          inputs.el("li", { className: "tag-chip" }, [
            inputs.el("span", { text: tag }),
            inputs.el("button", {
              className: "tag-remove",
              text: "×",
              attrs: { type: "button", "aria-label": "Remove " + tag },
              on: { click: () => remove(index, true) },
            }),
          ])
        )
      );
      chips.hidden = !tags.length;
      const unused = suggestions.filter((tag) => !tags.includes(tag));
      offer.replaceChildren(
        ...(unused.length ? [inputs.el("span", { className: "tag-suggestions-label", text: "Suggestions:" })] : []),
        ...unused.map((tag) =>
          inputs.el("button", {
            className: "tag-suggestion button-small",
            text: "+ " + tag,
            attrs: { type: "button", "aria-label": "Add " + tag },
            on: {
              click: () => {
                add(tag);
                entry.focus();
              },
            },
          })
        )
      );
      inputs.writeJSON(bridge, tags.length ? tags : null);
      check();
    }

    function add(text) {
      let added = false;
      for (const part of String(text).split(",")) {
        const tag = part.trim();
        if (tag && !tags.includes(tag)) {
          tags.push(tag);
          added = true;
        }
      }
      if (added) {
        draw();
        inputs.announce("Added " + tags[tags.length - 1]);
      }
    }

    function remove(index, focusEntry) {
      const [gone] = tags.splice(index, 1);
      draw();
      inputs.announce("Removed " + gone);
      if (focusEntry) {
        entry.focus();
      }
    }

    function commit() {
      if (entry.value.trim()) {
        add(entry.value);
        entry.value = "";
        check();
      }
    }

    entry.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === ",") {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          commit(); // Ctrl+Enter runs the tool (run.js), with this tag in
          return;
        }
        event.preventDefault();
        commit();
      } else if (event.key === "Backspace" && !entry.value && tags.length) {
        event.preventDefault();
        remove(tags.length - 1, false);
      }
    });
    entry.addEventListener("input", () => {
      if (entry.value.includes(",")) {
        commit();
      }
      check();
    });
    entry.addEventListener("blur", commit);
    entry.pixieCommit = commit;
    for (const tag of initial(bridge.value)) {
      const trimmed = tag.trim();
      if (trimmed && !tags.includes(trimmed)) {
        tags.push(trimmed);
      }
    }
    draw();
  }

  // The text still in a box is a tag too when the form is posted (before htmx reads the form).
  document.addEventListener(
    "submit",
    (event) => {
      for (const entry of event.target.querySelectorAll(".tag-entry")) {
        if (entry.pixieCommit) {
          entry.pixieCommit();
        }
      }
    },
    true
  );

  Pixie.register("textarea[data-widget='tags']", setup);
})();
