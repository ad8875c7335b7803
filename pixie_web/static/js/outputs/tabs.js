// Output tab strips (`[data-output-tabs]`, panel.html), keyboard operable per the WAI-ARIA tabs
// pattern: one tab in the Tab order (roving tabindex), Left/Right arrows move between tabs and
// wrap, Home/End go to the first/last, and moving selects (automatic activation). Clicking a tab
// selects it without following its link. Without this script the tabs are links to the cards
// and outputs.css shows the targeted one; here, a page opened at `#output-<key>` selects that tab.
(function () {
  "use strict";

  const api = window.PixieOutputs;

  function setup(strip) {
    const list = strip.querySelector("[role='tablist']");
    if (!list) {
      return;
    }
    const tabs = Array.from(list.querySelectorAll("[role='tab']"));
    const panelOf = (tab) => document.getElementById(tab.getAttribute("aria-controls"));

    function select(tab, focus) {
      for (const other of tabs) {
        const selected = other === tab;
        other.setAttribute("aria-selected", selected ? "true" : "false");
        other.tabIndex = selected ? 0 : -1;
        const panel = panelOf(other);
        if (panel) {
          panel.hidden = !selected;
        }
      }
      if (focus) {
        tab.focus();
      }
    }

    for (const tab of tabs) {
      const panel = panelOf(tab);
      if (panel) {
        panel.tabIndex = 0;
      }
      tab.addEventListener("click", (event) => {
        event.preventDefault();
        select(tab, true);
      });
    }

    list.addEventListener("keydown", (event) => {
      const index = tabs.indexOf(document.activeElement);
      if (index < 0) {
        return;
      }
      const moves = {
        ArrowRight: (index + 1) % tabs.length,
        ArrowLeft: (index - 1 + tabs.length) % tabs.length,
        Home: 0,
        End: tabs.length - 1,
      };
      if (event.key in moves) {
        event.preventDefault();
        select(tabs[moves[event.key]], true);
      } else if (event.key === " " || event.key === "Enter") {
        event.preventDefault(); // a tab is a link: Space would scroll, Enter would navigate
        select(tabs[index], true);
      }
    });

    const wanted = window.location.hash ? decodeURIComponent(window.location.hash.slice(1)) : "";
    const target = wanted && document.getElementById(wanted);
    const fromHash = target && tabs.find((tab) => panelOf(tab) && panelOf(tab).contains(target));
    select(fromHash || tabs.find((tab) => tab.getAttribute("aria-selected") === "true") || tabs[0], false);
    strip.classList.add("is-enhanced");
  }

  api.register("[data-output-tabs]", setup);
})();
