// Shared pieces of the output widgets (the files beside this one), under `window.PixieOutputs`.
//
// This file sorts first in static/js/outputs/, so it runs before the widgets that use it. It holds
// only what several widgets need: reading a card's data, the chart palette from CSS variables,
// waiting until an element has a size (a chart in a hidden tab is drawn when its tab opens), a
// header slot for card actions (copy buttons), and re-theming on the core's `pixie:theme` event.
(function () {
  "use strict";

  const api = window.PixieOutputs || (window.PixieOutputs = {});
  const PALETTE_SIZE = 8;

  function palette() {
    // --chart-1..8 from outputs.css (light and dark sets); an accent-only list if they are missing.
    const colours = [];
    for (let i = 1; i <= PALETTE_SIZE; i += 1) {
      const value = Pixie.cssVar("--chart-" + i);
      if (value) {
        colours.push(value);
      }
    }
    return colours.length ? colours : [Pixie.cssVar("--accent") || "#4f46e5"];
  }

  function colourAt(index) {
    const colours = palette();
    return colours[index % colours.length];
  }

  function theme() {
    // The colours and font every drawing uses, read when it is drawn and again on `pixie:theme`.
    return {
      text: Pixie.cssVar("--text") || "#1d1d22",
      muted: Pixie.cssVar("--muted") || "#5d5d6b",
      border: Pixie.cssVar("--border") || "#dcdce3",
      surface: Pixie.cssVar("--surface") || "#ffffff",
      accent: Pixie.cssVar("--accent") || "#4f46e5",
      ok: Pixie.cssVar("--ok") || "#15803d",
      bad: Pixie.cssVar("--bad") || "#b91c1c",
      font: getComputedStyle(document.body).fontFamily || "system-ui, sans-serif",
      palette: palette(),
      dark: Pixie.isDark(),
    };
  }

  let queue = Promise.resolve();

  function inTurn(draw) {
    // Drawings run one after another with a frame between them, so a run with a dozen charts
    // keeps the page responsive while they draw; one that fails does not stop the others.
    const turn = queue.then(() => new Promise((resolve) => window.requestAnimationFrame(resolve))).then(draw);
    queue = turn.catch(() => undefined);
    return turn;
  }

  function whenSized(element, draw) {
    // Run `draw` once the element has a width (now, or when a hidden tab or <details> shows it),
    // then call `resize` of what it returned whenever the width changes.
    let drawn = null;
    let started = false;
    let lastWidth = 0;
    const observer = new ResizeObserver(() => {
      const width = element.clientWidth;
      if (!width) {
        return;
      }
      if (!started) {
        started = true;
        lastWidth = width;
        // By its turn the element may be gone (a new run swapped the cards) or hidden again:
        // drawing then would draw into nothing (a heat map fails on a canvas of width 0).
        const drawIfShown = () => {
          if (!element.isConnected) {
            return null;
          }
          if (!element.clientWidth) {
            started = false; // the observer starts it again once the element has a width
            return null;
          }
          return draw();
        };
        inTurn(drawIfShown)
          .then((result) => {
            drawn = result || null;
            if (drawn && !element.isConnected && typeof drawn.destroy === "function") {
              drawn.destroy(); // removed while it was drawing
            } else if (drawn && typeof drawn.resize === "function" && Math.abs(element.clientWidth - lastWidth) > 1) {
              lastWidth = element.clientWidth;
              drawn.resize();
            }
          })
          .catch((error) => {
            // The server's data table stays, opened, in place of the drawing.
            console.error("Pixie output failed", element, error);
            element.dataset.widgetError = String((error && error.message) || error);
            const fallback = element.querySelector("details.output-fallback");
            if (fallback) {
              fallback.open = true;
            }
          });
        return;
      }
      if (drawn && typeof drawn.resize === "function" && Math.abs(width - lastWidth) > 1) {
        lastWidth = width;
        drawn.resize();
      }
    });
    observer.observe(element);
    onCleanup(element, () => {
      observer.disconnect();
      if (drawn && typeof drawn.destroy === "function") {
        drawn.destroy();
      }
    });
    return observer;
  }

  const cleanups = new WeakMap();

  function onCleanup(element, cleanup) {
    // `cleanup` runs when htmx removes the element (a new run's panel, a streamed card replacing
    // this one), so a chart or map that leaves the page lets go of its listeners.
    cleanups.set(element, (cleanups.get(element) || []).concat([cleanup]));
  }

  document.addEventListener("htmx:beforeCleanupElement", (event) => {
    const list = event.target instanceof Element ? cleanups.get(event.target) : null;
    if (!list) {
      return;
    }
    cleanups.delete(event.target);
    for (const cleanup of list) {
      try {
        cleanup();
      } catch (error) {
        console.error("Pixie output cleanup failed", event.target, error);
      }
    }
  });

  const themed = new Set();

  function onTheme(element, redraw) {
    // `redraw` runs on every theme change while the element is still in the page.
    const entry = { element, redraw };
    themed.add(entry);
    return () => themed.delete(entry);
  }

  let pending = false;

  function rethemeAll() {
    // Coalesced: the core's event and the attribute change below may both report one change.
    if (pending) {
      return;
    }
    pending = true;
    window.requestAnimationFrame(() => {
      pending = false;
      rethemeNow();
    });
  }

  function rethemeNow() {
    for (const entry of Array.from(themed)) {
      if (!entry.element.isConnected) {
        themed.delete(entry);
        continue;
      }
      try {
        entry.redraw();
      } catch (error) {
        console.error("Pixie output re-theme failed", entry.element, error);
      }
    }
  }

  document.addEventListener("pixie:theme", rethemeAll);
  // Whoever sets <html data-theme> (the settings, a test, the developer tools), drawings follow.
  new MutationObserver(rethemeAll).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ["data-theme", "data-accent"],
  });

  function cardOf(element) {
    return element.closest(".output-card");
  }

  function findCard(card) {
    // A card element, an element inside one, or an output key.
    if (typeof card === "string") {
      return document.querySelector('.output-card[data-output-key="' + CSS.escape(card) + '"]');
    }
    return card instanceof Element ? card.closest(".output-card") || card.querySelector(".output-card") : null;
  }

  function actions(card) {
    // The card header's action slot, made on first use.
    const head = card.querySelector(".output-head");
    let slot = head && head.querySelector(".output-actions");
    if (head && !slot) {
      slot = document.createElement("div");
      slot.className = "output-actions";
      head.appendChild(slot);
    }
    return slot;
  }

  function button(label, className, onClick) {
    const made = document.createElement("button");
    made.type = "button";
    made.className = "output-action" + (className ? " " + className : "");
    made.textContent = label;
    if (onClick) {
      made.addEventListener("click", onClick);
    }
    return made;
  }

  function addCopyButton(card, source, what) {
    // A "Copy" button in the card header copying `source` (an element's text, or a function's result).
    const slot = actions(card);
    if (!slot || slot.querySelector(".copy-button")) {
      return;
    }
    const label = card.querySelector(".output-label");
    const made = button("Copy", "copy-button", () => {
      Pixie.copyText(typeof source === "function" ? source() : source.textContent || "");
    });
    made.setAttribute("aria-label", "Copy " + (what || (label ? label.textContent : "the value")));
    slot.appendChild(made);
  }

  function cardLabel(element) {
    const card = cardOf(element);
    const label = card && card.querySelector(".output-label");
    return label ? label.textContent.trim() : "";
  }

  function register(selector, setup) {
    // Pixie.register, with each element set up at most once per widget whatever the selector
    // (the core's once-only mark does not hold for selectors with spaces in them).
    const done = new WeakSet();
    Pixie.register(selector, (element) => {
      if (done.has(element)) {
        return undefined;
      }
      done.add(element);
      return setup(element);
    });
  }

  Object.assign(api, {
    register,
    onCleanup,
    palette,
    colourAt,
    theme,
    whenSized,
    onTheme,
    cardOf,
    findCard,
    actions,
    button,
    addCopyButton,
    cardLabel,
  });
})();
