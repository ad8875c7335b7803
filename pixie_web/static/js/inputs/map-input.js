// Map inputs (map_point, map_bbox, map_polygon, map_multipoint): a Leaflet map above the input's
// JSON text box. The map draws on the offline base layer (the land outline of the output maps,
// maps-world.js), never on tiles from elsewhere. Clicking edits the shape (_map-shapes.js), which
// writes its JSON into the text box; typing JSON into the box redraws the map. The text box stays
// visible and editable: it is also the way to enter coordinates without a pointer, as is pressing
// Enter on the focused map (the arrow keys pan it, + and - zoom), which places at its centre.
(function () {
  "use strict";

  const inputs = window.PixieInputs;
  const HELP = {
    map_point: "Click the map to set the point.",
    map_multipoint: "Click the map to add points; click a point to remove it.",
    map_polygon: "Click the map to add corners; double-click or press Finish to close the shape.",
    map_bbox: "Drag on the map to draw a box, or click two opposite corners.",
  };

  async function outline(L, map) {
    // The output maps' base layer: theirs when they share it, else the same land outline.
    const outputs = window.PixieOutputs || {};
    if (typeof outputs.mapBase === "function") {
      return outputs.mapBase(L, map);
    }
    if (typeof outputs.worldLand !== "function") {
      return null;
    }
    const land = await outputs.worldLand();
    if (!map.getPane("outline")) {
      map.createPane("outline").style.zIndex = 250;
    }
    const style = { pane: "outline", interactive: false, className: "map-land", weight: 0.6, fillOpacity: 1 };
    L.geoJSON(land, style).addTo(map);
    map.attributionControl.addAttribution("Outline: Natural Earth");
    return null;
  }

  function view(bridge) {
    let center = null;
    try {
      center = JSON.parse(bridge.dataset.defaultCenter || "null");
    } catch (error) {
      center = null;
    }
    const valid = Array.isArray(center) && center.length === 2 && center.every(Number.isFinite);
    const given = bridge.dataset.defaultZoom;
    const zoom = given && Number.isInteger(Number(given)) ? Number(given) : null;
    return { center: valid ? center : [20, 0], zoom: zoom !== null ? zoom : valid ? 6 : 1 };
  }

  function whenWide(element, draw) {
    // Leaflet needs a size: wait while the field is hidden (show_if), and follow later resizes.
    let map = null;
    let started = false;
    const observer = new ResizeObserver(() => {
      if (!element.clientWidth) {
        return;
      }
      if (map) {
        map.invalidateSize();
      } else if (!started) {
        started = true;
        Promise.resolve(draw())
          .then((made) => {
            map = made;
          })
          .catch((error) => {
            console.error("Pixie map input failed", error);
          });
      }
    });
    observer.observe(element);
  }

  function setup(bridge) {
    const field = inputs.fieldOf(bridge);
    const kind = bridge.dataset.widget;
    const label = inputs.labelOf(field);
    const status = inputs.el("p", {
      className: "map-input-status",
      text: HELP[kind],
      attrs: { "aria-live": "polite", id: inputs.uid("map-status") },
    });
    const surface = inputs.el("div", { className: "map-input-surface" });
    const actions = inputs.el("div", { className: "map-input-actions" });
    bridge.before(inputs.el("div", { className: "map-input" }, [surface, actions, status]));
    bridge.classList.add("map-input-json");
    bridge.rows = 2;
    whenWide(surface, () => draw(bridge, field, kind, label, surface, actions, status));
  }

  async function draw(bridge, field, kind, label, surface, actions, status) {
    await Pixie.loadAll(["leaflet/leaflet.css", "leaflet/leaflet.js"]);
    const L = window.L;
    const start = view(bridge);
    const map = L.map(surface, {
      zoomSnap: 0.25,
      minZoom: 1,
      scrollWheelZoom: false,
      doubleClickZoom: kind !== "map_polygon",
      dragging: kind !== "map_bbox",
      boxZoom: false,
      worldCopyJump: false,
      keyboard: false, // see keyboard() below
    });
    map.setView(start.center, start.zoom);
    surface.tabIndex = 0;
    surface.setAttribute("role", "application");
    surface.setAttribute("aria-label", label + ": map");
    surface.setAttribute("aria-describedby", status.id);
    map.on("focus", () => map.scrollWheelZoom.enable());
    map.on("blur", () => map.scrollWheelZoom.disable());

    let writing = false;
    const editor = inputs.mapShapes[kind](L, map, {
      write: (value) => {
        writing = true;
        inputs.writeJSON(bridge, value);
        writing = false;
      },
      say: (text) => {
        status.textContent = text;
      },
    });
    const current = inputs.readJSON(bridge);
    editor.set(current);
    const bounds = editor.bounds();
    if (bounds && bounds.isValid()) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: Math.max(start.zoom, 4) });
    }

    if (editor.clickPlaces !== false) {
      map.on("click", (event) => editor.place(event.latlng));
    }
    if (editor.finish) {
      map.on("dblclick", () => editor.finish());
      actions.append(button("Finish shape", label, () => editor.finish()));
    }
    actions.append(button("Clear", label, () => editor.clear()));
    surface.addEventListener("keydown", (event) => {
      if (event.target === surface && !event.altKey && !event.ctrlKey && !event.metaKey) {
        keyboard(map, editor, event);
      }
    });
    bridge.addEventListener("input", () => {
      const typed = inputs.readJSON(bridge);
      if (!writing && typed !== undefined) {
        editor.set(typed);
      }
    });
    field.addEventListener("pixie:shown", () => map.invalidateSize());
    await outline(L, map).catch((error) => console.warn("Pixie map input: no base layer", error));
    surface.dataset.ready = "true";
    return map;
  }

  // Leaflet's own keyboard handler pans with an animation and ignores arrow keys until it ends,
  // so a quick "arrow, Enter" placed the point where the animation had got to and dropped the
  // next arrow. These keys move the map at once: Enter always places where the arrows led.
  const PAN_KEYS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  const PAN_STEP = 80;

  function keyboard(map, editor, event) {
    const direction = PAN_KEYS[event.key];
    if (direction) {
      const step = event.shiftKey ? PAN_STEP * 3 : PAN_STEP;
      map.panBy([direction[0] * step, direction[1] * step], { animate: false });
    } else if (event.key === "+" || event.key === "=") {
      map.zoomIn(1, { animate: false });
    } else if (event.key === "-" || event.key === "_") {
      map.zoomOut(1, { animate: false });
    } else if (event.key === "Enter" || event.key === " ") {
      editor.place(map.getCenter());
    } else {
      return;
    }
    event.preventDefault();
  }

  function button(text, label, action) {
    const attrs = { type: "button", "aria-label": text + " (" + label + ")" };
    return inputs.el("button", { className: "button button-small", text, attrs, on: { click: action } });
  }

  Pixie.register("textarea[data-widget^='map_']", setup);
})();
