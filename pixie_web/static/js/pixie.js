// Pixie's small client core: widgets that set themselves up on whatever the server sent.
//
// Pages are drawn on the server; this script only brings the richer widgets to life. A widget
// registers a CSS selector and a setup function; `Pixie.init(root)` runs every setup once per
// matching element under `root`. It runs for the whole page when it loads, and for each piece
// of HTML that htmx swaps in (`htmx:load`), so a chart in a run's output panel is drawn the same
// way as one in a past run loaded with the page, and no inline script ever races a library.
//
// Heavy libraries (Plotly, Leaflet, KaTeX, CodeMirror) are loaded on first use with
// `Pixie.load`, from the vendored copies under /static/vendor: a page without a chart never
// pays for Plotly.
(function () {
  "use strict";

  const widgets = [];
  const loading = new Map();

  function register(selector, setup) {
    widgets.push({ selector, setup, done: new WeakSet() });
    if (document.readyState !== "loading") {
      init(document);
    }
  }

  function init(root) {
    const scope = root || document;
    for (const { selector, setup, done } of widgets) {
      const found = Array.from(scope.querySelectorAll(selector));
      if (scope instanceof Element && scope.matches(selector)) {
        found.unshift(scope);
      }
      for (const element of found) {
        if (done.has(element)) {
          continue;
        }
        done.add(element);
        try {
          const result = setup(element);
          if (result && typeof result.catch === "function") {
            result.catch((error) => report(element, error));
          }
        } catch (error) {
          report(element, error);
        }
      }
    }
  }

  function report(element, error) {
    // A widget that fails leaves the server's markup (tables, links, text) in place and says so.
    console.error("Pixie widget failed", element, error);
    element.dataset.widgetError = String((error && error.message) || error);
  }

  function load(path) {
    if (loading.has(path)) {
      return loading.get(path);
    }
    const promise = new Promise((resolve, reject) => {
      const url = "/static/vendor/" + path;
      if (path.endsWith(".css")) {
        const link = document.createElement("link");
        link.rel = "stylesheet";
        link.href = url;
        link.onload = () => resolve();
        link.onerror = () => reject(new Error("could not load " + url));
        document.head.appendChild(link);
      } else {
        const script = document.createElement("script");
        script.src = url;
        script.onload = () => resolve();
        script.onerror = () => reject(new Error("could not load " + url));
        document.head.appendChild(script);
      }
    });
    loading.set(path, promise);
    return promise;
  }

  function loadAll(paths) {
    // In order: a plugin (leaflet.heat, a CodeMirror mode) needs its library first.
    return paths.reduce((chain, path) => chain.then(() => load(path)), Promise.resolve());
  }

  // -- theme --------------------------------------------------------------------------------

  const darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function isDark() {
    const theme = document.documentElement.dataset.theme || "system";
    return theme === "dark" || (theme === "system" && !!darkQuery && darkQuery.matches);
  }

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function themeChanged() {
    document.dispatchEvent(new CustomEvent("pixie:theme", { detail: { dark: isDark() } }));
  }

  if (darkQuery && darkQuery.addEventListener) {
    darkQuery.addEventListener("change", themeChanged);
  }

  function setAppearance(values) {
    const root = document.documentElement;
    for (const [key, value] of Object.entries(values)) {
      root.dataset[key] = value;
    }
    themeChanged();
  }

  // -- small shared helpers -------------------------------------------------------------------

  function readData(element) {
    // The JSON a server-drawn widget carries, in a <script type="application/json"> child.
    const block = element.querySelector("script.output-data, script[type='application/json']");
    return block ? JSON.parse(block.textContent || "null") : null;
  }

  function announce(message) {
    const region = document.getElementById("announcer");
    if (region) {
      region.textContent = "";
      window.setTimeout(() => {
        region.textContent = message;
      }, 30);
    }
  }

  async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
    } catch (error) {
      // Clipboard access needs a secure context or permission; fall back to a selection copy.
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    announce("Copied");
  }

  window.Pixie = {
    register,
    init,
    load,
    loadAll,
    isDark,
    cssVar,
    setAppearance,
    readData,
    announce,
    copyText,
  };

  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:load", (event) => init(event.target));

  // Copy buttons anywhere: <button data-copy="text"> or data-copy-from="#id".
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-copy], [data-copy-from]") : null;
    if (!button) {
      return;
    }
    event.preventDefault();
    const source = button.getAttribute("data-copy-from");
    const target = source ? document.querySelector(source) : null;
    copyText(target ? target.textContent || "" : button.getAttribute("data-copy") || "");
  });
})();
