// The sidebar's search box, the "/" shortcut, and the Ctrl/Cmd-K quick switcher.
//
// The search filters the server-drawn list in place (each item carries its words in
// data-search), and filters again whenever the list is redrawn by the /tools-changed poll.
// The switcher is a small dialog over the same list, so it never disagrees with the sidebar.
(function () {
  "use strict";

  // -- sidebar search ------------------------------------------------------------------------

  function searchBox() {
    return document.getElementById("tool-search");
  }

  function filterSidebar() {
    const box = searchBox();
    const nav = document.getElementById("tool-nav");
    if (!box || !nav) {
      return;
    }
    const query = box.value.trim().toLowerCase();
    let shown = 0;
    for (const item of nav.querySelectorAll("li[data-search]")) {
      const match = !query || toolScore(query, item.dataset.search || "", item.dataset.describe || "") !== null;
      item.hidden = !match;
      shown += match ? 1 : 0;
    }
    for (const group of nav.querySelectorAll(".tool-group")) {
      group.hidden = !group.querySelector("li[data-search]:not([hidden])");
    }
    const none = nav.querySelector(".sidebar-nomatch");
    if (none) {
      none.hidden = shown > 0 || !query;
    }
  }

  Pixie.register("[data-sidebar-search]", (form) => {
    const box = form.querySelector("input");
    box.addEventListener("input", filterSidebar);
    form.addEventListener("submit", (event) => {
      // Enter opens the first tool still listed.
      event.preventDefault();
      const first = document.querySelector("#tool-nav li[data-search]:not([hidden]) a");
      if (first) {
        window.location.href = first.href;
      }
    });
  });

  // The open tool's header shows the same live dot and badge as its sidebar entry.
  function syncHeader(nav) {
    const page = document.querySelector(".tool-page[data-tool-id]");
    const item = page && nav.querySelector(`li[data-tool-id="${CSS.escape(page.dataset.toolId)}"]`);
    if (!item) {
      return;
    }
    const dot = item.querySelector("[data-dot]");
    const state = page.querySelector(".tool-head .tool-state");
    if (dot && state) {
      state.replaceChildren(dot.cloneNode(true), document.createTextNode(" " + dot.title));
    }
    const badge = item.querySelector("[data-badge]");
    const headBadge = page.querySelector(".tool-head [data-badge]");
    if (badge && headBadge) {
      headBadge.className = badge.className;
      headBadge.dataset.badge = badge.dataset.badge;
      headBadge.textContent = badge.title;
    }
  }

  // A list redrawn by the poll is a new #tool-nav: keep it filtered by what is typed, and
  // bring the open tool's header up to date.
  Pixie.register("#tool-nav", (nav) => {
    filterSidebar();
    if (document.readyState !== "loading" && nav.dataset.version) {
      syncHeader(nav);
      // The first tool has arrived while the empty state was showing: the dashboard takes over.
      if (document.querySelector(".empty-state") && nav.querySelector("li[data-tool-id]")) {
        window.location.assign("/");
      }
    }
  });

  // -- fuzzy matching -------------------------------------------------------------------------

  // The letters of the query in order; consecutive letters and word starts score higher.
  // Returns null when the query's letters are not all there.
  function fuzzyScore(query, text) {
    let score = 0;
    let position = 0;
    let previous = -2;
    for (const letter of query) {
      if (letter === " ") {
        continue;
      }
      const found = text.indexOf(letter, position);
      if (found < 0) {
        return null;
      }
      score += found === previous + 1 ? 3 : 1;
      if (found === 0 || /[\s\-_]/.test(text[found - 1])) {
        score += 2;
      }
      previous = found;
      position = found + 1;
    }
    return score - text.length / 100;
  }

  // A tool matches by its name, id or category (letters in order), or by its description, word
  // for word: letters in order would find almost any query somewhere in a sentence.
  function toolScore(query, names, description) {
    const score = fuzzyScore(query, names);
    if (score !== null) {
      return score;
    }
    const words = query.split(/\s+/).filter(Boolean);
    return words.length && words.every((word) => description.includes(word)) ? -1 : null;
  }

  // -- quick switcher -------------------------------------------------------------------------

  let dialog = null;

  function tools() {
    return Array.from(document.querySelectorAll("#tool-nav li[data-tool-id]")).map((item) => {
      const link = item.querySelector("a");
      return {
        id: item.dataset.toolId,
        name: (item.querySelector(".tool-link-name") || link).textContent.trim(),
        words: item.dataset.search || "",
        describe: item.dataset.describe || "",
        href: link.getAttribute("href"),
      };
    });
  }

  function buildDialog() {
    const element = document.createElement("dialog");
    element.className = "switcher";
    element.setAttribute("aria-label", "Go to a tool");
    element.innerHTML =
      '<form method="dialog" class="switcher-form">' +
      '<label class="visually-hidden" for="switcher-input">Go to a tool</label>' +
      '<input id="switcher-input" type="text" role="combobox" aria-expanded="true" ' +
      'aria-controls="switcher-list" aria-autocomplete="list" autocomplete="off" spellcheck="false" ' +
      'placeholder="Go to a tool…">' +
      '<ul id="switcher-list" role="listbox" aria-label="Tools"></ul>' +
      '<p class="switcher-hint"><kbd>↑</kbd> <kbd>↓</kbd> to choose, <kbd>Enter</kbd> to open, ' +
      "<kbd>Esc</kbd> to close</p></form>";
    document.body.appendChild(element);
    const input = element.querySelector("input");
    const list = element.querySelector("ul");
    let matches = [];
    let chosen = 0;

    function draw() {
      const query = input.value.trim().toLowerCase();
      matches = tools()
        .map((tool) => ({ tool, score: query ? toolScore(query, tool.words, tool.describe) : 0 }))
        .filter((match) => match.score !== null)
        .sort((a, b) => b.score - a.score || a.tool.name.localeCompare(b.tool.name))
        .map((match) => match.tool);
      chosen = Math.min(chosen, Math.max(matches.length - 1, 0));
      list.replaceChildren(
        ...matches.map((tool, index) => {
          const option = document.createElement("li");
          option.id = "switcher-option-" + index;
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", index === chosen ? "true" : "false");
          option.textContent = tool.name;
          option.addEventListener("mousedown", (event) => {
            event.preventDefault();
            open(index);
          });
          return option;
        })
      );
      if (!matches.length) {
        const empty = document.createElement("li");
        empty.className = "switcher-empty";
        empty.textContent = "No tool matches.";
        list.appendChild(empty);
        input.removeAttribute("aria-activedescendant");
      } else {
        input.setAttribute("aria-activedescendant", "switcher-option-" + chosen);
        const current = list.children[chosen];
        if (current && current.scrollIntoView) {
          current.scrollIntoView({ block: "nearest" });
        }
      }
    }

    function open(index) {
      const tool = matches[index];
      if (tool) {
        element.close();
        window.location.href = tool.href;
      }
    }

    input.addEventListener("input", () => {
      chosen = 0;
      draw();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        chosen = matches.length ? (chosen + step + matches.length) % matches.length : 0;
        draw();
      } else if (event.key === "Enter") {
        event.preventDefault();
        open(chosen);
      }
    });
    element.addEventListener("click", (event) => {
      if (event.target === element) {
        element.close(); // a click on the backdrop
      }
    });
    element.draw = draw;
    return element;
  }

  function openSwitcher() {
    dialog = dialog || buildDialog();
    const input = dialog.querySelector("input");
    input.value = "";
    dialog.draw();
    if (!dialog.open) {
      dialog.showModal();
    }
    input.focus();
  }

  function typing(target) {
    return (
      target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) ||
        !!target.closest(".CodeMirror"))
    );
  }

  // -- the drawer on narrow screens ----------------------------------------------------------

  function drawerToggle() {
    const toggle = document.querySelector("[data-sidebar-toggle]");
    // Shown only on a narrow screen (pixie.css): beside the page there is no drawer to open.
    return toggle && toggle.offsetParent !== null ? toggle : null;
  }

  function setDrawer(open, returnFocus) {
    const toggle = document.querySelector("[data-sidebar-toggle]");
    const sidebar = toggle && toggle.closest("[data-sidebar]");
    if (!sidebar) {
      return;
    }
    sidebar.toggleAttribute("data-open", open);
    toggle.setAttribute("aria-expanded", String(open));
    if (!open && returnFocus) {
      toggle.focus();
    }
  }

  Pixie.register("[data-sidebar-toggle]", (toggle) => {
    toggle.addEventListener("click", () => setDrawer(toggle.getAttribute("aria-expanded") !== "true", false));
  });

  document.addEventListener("click", (event) => {
    const sidebar = document.querySelector("[data-sidebar][data-open]");
    if (sidebar && event.target instanceof Node && !sidebar.contains(event.target)) {
      setDrawer(false, false);
    }
  });

  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k") {
      event.preventDefault();
      openSwitcher();
    } else if (event.key === "/" && !event.ctrlKey && !event.metaKey && !typing(event.target)) {
      const box = searchBox();
      if (box) {
        event.preventDefault();
        if (drawerToggle()) {
          setDrawer(true, false);
        }
        box.focus();
        box.select();
      }
    } else if (event.key === "Escape" && document.querySelector("[data-sidebar][data-open]")) {
      setDrawer(false, true);
    }
  });

  window.PixieShell = { openSwitcher, fuzzyScore, toolScore };
})();
