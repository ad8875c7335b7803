// A table input as an editable grid: one column per declared column, typed cells (numbers,
// whole numbers, true/false, dates, text), Add row (up to max_rows) and a remove button per row
// (down to min_rows, and never below one row). The hidden text field posts the rows as JSON:
// [{column key: value}], where an empty cell is left out and an all-empty row is not sent.
(function () {
  "use strict";

  const inputs = window.PixieInputs;
  const NUMBER = ["number", "float", "currency", "percent"];
  const INTEGER = ["integer", "int"];
  const BOOLEAN = ["boolean", "bool"];

  function kindOf(column) {
    const type = String(column.type || "").trim().toLowerCase();
    if (NUMBER.includes(type)) {
      return "number";
    }
    if (INTEGER.includes(type)) {
      return "integer";
    }
    if (BOOLEAN.includes(type)) {
      return "boolean";
    }
    return type === "date" ? "date" : "text";
  }

  function cell(column, value, row) {
    const kind = kindOf(column);
    const attrs = { "aria-label": column.label + ", row " + row, "data-column": column.key };
    if (kind === "boolean") {
      const box = inputs.el("input", { attrs: { ...attrs, type: "checkbox" } });
      box.checked = value === true || value === "true";
      return box;
    }
    const type = kind === "number" || kind === "integer" ? "number" : kind === "date" ? "date" : "text";
    const step = kind === "integer" ? "1" : kind === "number" ? "any" : null;
    const input = inputs.el("input", { attrs: { ...attrs, type, step } });
    input.value = value === null || value === undefined ? "" : String(value);
    return input;
  }

  function read(column, input) {
    const kind = kindOf(column);
    if (kind === "boolean") {
      return input.checked;
    }
    const text = input.value.trim();
    if (!text) {
      return undefined;
    }
    if (kind === "number" || kind === "integer") {
      return Number.isFinite(Number(text)) ? Number(text) : text;
    }
    return input.value;
  }

  function setup(bridge) {
    const field = inputs.fieldOf(bridge);
    const label = inputs.labelOf(field);
    let columns = [];
    try {
      columns = JSON.parse(bridge.dataset.columns || "[]");
    } catch (error) {
      return;
    }
    if (!columns.length) {
      return;
    }
    const least = Math.max(Number(bridge.dataset.minRows) || 0, 1);
    const most = Number(bridge.dataset.maxRows) || Infinity;
    const start = inputs.readJSON(bridge);
    const rows = Array.isArray(start) ? start.filter((row) => row && typeof row === "object") : [];
    if (start !== null && !Array.isArray(start)) {
      return; // text the grid cannot show: leave the text box for the person to correct
    }
    const required = inputs.hideBridge(bridge);
    while (rows.length < least) {
      rows.push({});
    }

    const head = inputs.el("tr", {}, [
      ...columns.map((column) =>
        inputs.el("th", { attrs: { scope: "col" } }, [
          column.label,
          inputs.el("span", { className: "table-type", text: kindOf(column) === "text" ? "" : " " + kindOf(column) }),
        ])
      ),
      inputs.el("th", { attrs: { scope: "col" } }, [
        inputs.el("span", { className: "visually-hidden", text: "Remove" }),
      ]),
    ]);
    const body = inputs.el("tbody");
    const described = (bridge.getAttribute("aria-describedby") || "").split(/\s+/).filter((ref) => {
      const target = ref && document.getElementById(ref);
      return target && !target.hidden;
    });
    const table = inputs.el("table", {
      className: "table-grid",
      attrs: { "aria-describedby": described.join(" ") || null },
    }, [
      inputs.el("caption", { className: "visually-hidden", text: label }),
      inputs.el("thead", {}, [head]),
      body,
    ]);
    const addButton = inputs.el("button", {
      className: "button button-small table-add",
      text: "Add row",
      attrs: { type: "button" },
      on: { click: () => addRow() },
    });
    const scroll = inputs.el("div", { className: "table-scroll" }, [table]);
    bridge.after(inputs.el("div", { className: "table-editor" }, [scroll, addButton]));

    const firstCell = () => body.querySelector("input");
    const check = inputs.guard(field, firstCell, () =>
      required && !collect().length ? "Fill in at least one row." : ""
    );

    function collect() {
      const out = [];
      for (const tr of body.rows) {
        const row = {};
        let filled = false;
        columns.forEach((column, index) => {
          const input = tr.cells[index].querySelector("input");
          const value = read(column, input);
          if (value !== undefined) {
            row[column.key] = value;
            filled = filled || kindOf(column) !== "boolean" || value === true;
          }
        });
        if (filled) {
          out.push(row);
        }
      }
      return out;
    }

    function save() {
      const found = collect();
      inputs.writeJSON(bridge, found.length ? found : null);
      check();
    }

    function values() {
      // What the grid holds now, row by row (blank rows too), to draw it again.
      return Array.from(body.rows, (tr) => {
        const row = {};
        columns.forEach((column, index) => {
          const input = tr.cells[index].querySelector("input");
          row[column.key] = kindOf(column) === "boolean" ? input.checked : input.value;
        });
        return row;
      });
    }

    function draw(list, focus) {
      body.replaceChildren(
        ...list.map((row, index) =>
          inputs.el("tr", {}, [
            ...columns.map((column) => inputs.el("td", {}, [cell(column, row[column.key], index + 1)])),
            inputs.el("td", { className: "table-actions" }, [
              inputs.el("button", {
                className: "button button-small table-remove",
                text: "Remove",
                attrs: { type: "button", "aria-label": "Remove row " + (index + 1), disabled: list.length <= least },
                on: { click: () => removeRow(index) },
              }),
            ]),
          ])
        )
      );
      addButton.disabled = list.length >= most;
      if (focus) {
        focus();
      }
      save();
    }

    function addRow() {
      const list = values();
      list.push({});
      draw(list, () => body.rows[body.rows.length - 1].querySelector("input").focus());
      inputs.announce("Row " + list.length + " added");
    }

    function removeRow(index) {
      const list = values();
      list.splice(index, 1);
      draw(list, () => {
        const row = body.rows[Math.min(index, body.rows.length - 1)];
        (row ? row.querySelector("input") : addButton).focus();
      });
      inputs.announce("Row " + (index + 1) + " removed");
    }

    body.addEventListener("input", save);
    body.addEventListener("change", save);
    draw(rows, null);
  }

  Pixie.register("textarea[data-widget='table']", setup);
})();
