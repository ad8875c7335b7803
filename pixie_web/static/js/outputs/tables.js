// Table outputs: sort by a column, filter, pages of 25 rows, and "Download CSV".
//
// The server renders the whole table (every row, formatted; numeric cells carry their raw number
// in `data-value`), so without this script the table is complete, just long. Here:
//   - each column header becomes a button; clicking sorts ascending, then descending, with
//     `aria-sort` on the <th>. Numbers sort by `data-value`, date columns by date, text
//     naturally ("item 2" before "item 10"); empty cells go last;
//   - a filter box (tables of more than FILTER_FROM rows) keeps rows containing the words typed;
//   - PAGE_SIZE rows per page with Previous / Next and "Showing a–b of n" (a polite live region);
//   - "Download CSV" (when the table is `data-downloadable`) builds the CSV of every row, in the
//     server's order, raw numbers rather than formatted ones, as a Blob URL named <key>.csv.
(function () {
  "use strict";

  const api = window.PixieOutputs;
  const PAGE_SIZE = 25;
  const FILTER_FROM = 10;
  const collator = new Intl.Collator("en-GB", { numeric: true, sensitivity: "base" });

  function cellKey(cell, type) {
    if (!cell) {
      return null;
    }
    if (cell.hasAttribute("data-value")) {
      const number = Number(cell.getAttribute("data-value"));
      if (Number.isFinite(number)) {
        return number;
      }
    }
    const text = cell.textContent.trim();
    if (!text) {
      return null;
    }
    if (type === "date" || type === "datetime") {
      const time = Date.parse(text.replace(",", ""));
      if (Number.isFinite(time)) {
        return time;
      }
    }
    return text;
  }

  function compare(a, b) {
    if (a === null || b === null) {
      return a === b ? 0 : a === null ? 1 : -1;
    }
    if (typeof a === "number" && typeof b === "number") {
      return a - b;
    }
    return collator.compare(String(a), String(b));
  }

  function csvField(cell) {
    let text = cell ? (cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent) : "";
    if (cell && !cell.hasAttribute("data-value") && /^[=+@\t\r]/.test(text)) {
      text = "'" + text; // a spreadsheet must not read a cell as a formula
    }
    return /[",\r\n]|^\s|\s$/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function toCsv(headers, rows) {
    const lines = [headers.map((th) => csvField(th)).join(",")];
    for (const row of rows) {
      lines.push(Array.from(row.cells, csvField).join(","));
    }
    return lines.join("\r\n") + "\r\n";
  }

  function download(name, text) {
    const url = URL.createObjectURL(new Blob(["\ufeff" + text], { type: "text/csv;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function setup(table) {
    const body = table.tBodies[0];
    const headers = Array.from(table.tHead ? table.tHead.rows[0].cells : []);
    if (!body || !headers.length) {
      return;
    }
    const card = api.cardOf(table);
    const key = (card && card.dataset.outputKey) || "table";
    const rows = Array.from(body.rows);
    const types = headers.map((th) => (th.dataset.columnType || "").toLowerCase());
    const state = { column: -1, direction: "none", query: "", page: 0 };
    const wrap = table.closest(".output-table-wrap") || table;

    const tools = document.createElement("div");
    tools.className = "table-tools";
    let filter = null;
    if (rows.length > FILTER_FROM) {
      filter = document.createElement("input");
      filter.type = "search";
      filter.className = "table-filter";
      filter.placeholder = "Filter rows";
      filter.setAttribute("aria-label", "Filter the rows of " + api.cardLabel(table));
      filter.addEventListener("input", () => {
        state.query = filter.value.trim().toLowerCase();
        state.page = 0;
        update();
      });
      tools.appendChild(filter);
    }
    if (table.hasAttribute("data-downloadable")) {
      tools.appendChild(
        api.button("Download CSV", "table-csv", () => download(key + ".csv", toCsv(headers, rows)))
      );
    }
    const status = document.createElement("p");
    status.className = "table-status";
    status.setAttribute("role", "status");
    const pager = document.createElement("div");
    pager.className = "table-pager";
    const previous = api.button("Previous", "table-previous", () => {
      state.page -= 1;
      update();
    });
    const next = api.button("Next", "table-next", () => {
      state.page += 1;
      update();
    });
    pager.append(previous, status, next);
    if (tools.childElementCount) {
      wrap.before(tools);
    }
    wrap.after(pager);

    headers.forEach((th, index) => {
      const sort = document.createElement("button");
      sort.type = "button";
      sort.className = "sort-button";
      sort.append(...Array.from(th.childNodes));
      const mark = document.createElement("span");
      mark.className = "sort-mark";
      mark.setAttribute("aria-hidden", "true");
      sort.appendChild(mark);
      th.appendChild(sort);
      th.setAttribute("aria-sort", "none");
      sort.addEventListener("click", () => {
        const ascending = state.column !== index || state.direction !== "ascending";
        state.column = index;
        state.direction = ascending ? "ascending" : "descending";
        headers.forEach((other) => other.setAttribute("aria-sort", "none"));
        th.setAttribute("aria-sort", state.direction);
        update();
      });
    });

    function visibleRows() {
      let list = rows;
      if (state.query) {
        const words = state.query.split(/\s+/);
        list = list.filter((row) => {
          const text = row.textContent.toLowerCase();
          return words.every((word) => text.includes(word));
        });
      }
      if (state.column >= 0) {
        const i = state.column;
        const sign = state.direction === "descending" ? -1 : 1;
        list = list
          .map((row, order) => ({ row, order, key: cellKey(row.cells[i], types[i]) }))
          .sort((a, b) => {
            const nulls = a.key === null || b.key === null;
            return (nulls ? compare(a.key, b.key) : sign * compare(a.key, b.key)) || a.order - b.order;
          })
          .map((entry) => entry.row);
      }
      return list;
    }

    function update() {
      const list = visibleRows();
      const pages = Math.max(1, Math.ceil(list.length / PAGE_SIZE));
      state.page = Math.max(0, Math.min(state.page, pages - 1));
      const start = state.page * PAGE_SIZE;
      const shown = list.slice(start, start + PAGE_SIZE);
      body.replaceChildren(...shown);
      previous.disabled = state.page === 0;
      next.disabled = state.page >= pages - 1;
      pager.hidden = list.length <= PAGE_SIZE && !state.query;
      previous.hidden = next.hidden = pages < 2;
      status.textContent = list.length
        ? "Showing " + (start + 1) + "–" + (start + shown.length) + " of " + list.length +
          (list.length < rows.length ? " (filtered from " + rows.length + ")" : "")
        : "No rows match the filter.";
      table.dataset.page = String(state.page + 1);
    }

    update();
    table.dataset.drawn = "true";
  }

  api.register(".output-card[data-output-type='table'] table.output-table", setup);
})();
