// The header's menus (History, Workspaces & tags) are <details> disclosures. Browsers leave a
// <details> open until its own summary is clicked again; a menu should close as menus do: on
// Escape, on a click elsewhere, and when another one opens.
(function () {
  "use strict";

  const MENUS = "details[data-popover]";

  function openMenus(except) {
    return Array.from(document.querySelectorAll(MENUS + "[open]")).filter((menu) => menu !== except);
  }

  // "toggle" does not bubble: listen in the capture phase to hear every <details>.
  document.addEventListener(
    "toggle",
    (event) => {
      const menu = event.target;
      if (menu instanceof HTMLDetailsElement && menu.matches(MENUS) && menu.open) {
        for (const other of openMenus(menu)) {
          other.open = false;
        }
      }
    },
    true
  );

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") {
      return;
    }
    for (const menu of openMenus(null)) {
      menu.open = false;
      const summary = menu.querySelector("summary");
      if (summary && menu.contains(document.activeElement)) {
        summary.focus();
      }
    }
  });

  document.addEventListener("click", (event) => {
    const inside = event.target instanceof Element ? event.target.closest(MENUS) : null;
    for (const menu of openMenus(inside)) {
      menu.open = false;
    }
  });
})();
