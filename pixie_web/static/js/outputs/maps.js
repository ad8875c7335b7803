// Draws every map card with Leaflet, offline: the base layer is a land outline, not tiles.
//
// The server renders `<figure class="map" data-chart="map_<kind>">` with an empty
// `[data-chart-surface]`, the normalised data (pixie_web/outputs/maps.py) in a JSON block and a
// <details> data table. Each map gets:
//   - the land outline (maps-world.js) in its own pane, `.leaflet-outline-pane`, under the data;
//     or, when `<html data-map-tiles="<url template>">` is set, a tile layer, replaced by the
//     outline at the first tile error (optional `data-map-tiles-attribution`);
//   - its data as SVG vector layers, coloured by CSS classes from outputs.css (so the theme
//     switches them without a redraw) unless a point or polygon names its own colour:
//       map_points     one circle marker per point, label as tooltip;
//       map_heatmap    a leaflet.heat canvas (radius, blur from the value);
//       map_choropleth the GeoJSON features in five colour classes between min and max, a legend;
//       map_polygons   one polygon per entry, label as tooltip;
//       map_route      the route as a line, start and end markers;
//   - its view: the value's or spec's centre and zoom if given, else fitted to the data.
// Scroll-wheel zoom is on only while the map has focus, so scrolling the page is never captured.
(function () {
  "use strict";

  const api = window.PixieOutputs;
  const CHOROPLETH_CLASSES = 5;
  const PERMANENT_LABELS = 12; // polygons labelled on the map itself up to this many

  function escapeHtml(text) {
    return String(text).replace(/[<>&"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
  }

  function styleFor(colour, className, extra) {
    // A path with its own colour keeps it; otherwise the CSS class colours it (and follows the theme).
    const base = colour ? { color: colour, fillColor: colour } : { className };
    return Object.assign(base, extra || {});
  }

  function tooltip(layer, text, options) {
    if (text !== undefined && text !== null && String(text) !== "") {
      layer.bindTooltip(escapeHtml(text), options || {});
    }
  }

  function points(L, data) {
    const group = L.featureGroup();
    for (const p of data.points || []) {
      const radius = typeof p.size === "number" ? Math.max(3, Math.min(24, p.size)) : 7;
      const marker = L.circleMarker([p.lat, p.lng], styleFor(p.colour, "map-point", { radius, weight: 2, fillOpacity: 0.85 }));
      tooltip(marker, p.label);
      group.addLayer(marker);
    }
    return { layer: group, bounds: group.getBounds() };
  }

  function heatmap(L, data) {
    const list = data.points || [];
    const max = list.reduce((m, p) => Math.max(m, p.weight), 0) || 1;
    const layer = L.heatLayer(
      list.map((p) => [p.lat, p.lng, p.weight]),
      { radius: data.radius || 25, blur: data.blur || 15, max, minOpacity: 0.35 }
    );
    const bounds = L.latLngBounds(list.map((p) => [p.lat, p.lng]));
    return { layer, bounds };
  }

  function featureId(feature) {
    const id = feature.id != null ? feature.id : feature.properties && feature.properties.id;
    return id == null ? null : String(id);
  }

  function choroplethClass(value, min, max) {
    if (typeof value !== "number") {
      return "map-choro-none";
    }
    const span = max - min;
    const step = span > 0 ? Math.floor(((value - min) / span) * CHOROPLETH_CLASSES) : CHOROPLETH_CLASSES - 1;
    return "map-choro-" + Math.max(0, Math.min(CHOROPLETH_CLASSES - 1, step));
  }

  function legend(figure, min, max) {
    if (typeof min !== "number" || typeof max !== "number") {
      return;
    }
    const list = document.createElement("ul");
    list.className = "map-legend";
    list.setAttribute("aria-label", "Colour scale");
    const fmt = (v) => Number(v.toPrecision(4)).toLocaleString("en-GB");
    for (let i = 0; i < CHOROPLETH_CLASSES; i += 1) {
      const from = min + ((max - min) * i) / CHOROPLETH_CLASSES;
      const to = min + ((max - min) * (i + 1)) / CHOROPLETH_CLASSES;
      const item = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "map-swatch map-choro-" + i;
      swatch.setAttribute("aria-hidden", "true");
      item.append(swatch, fmt(from) + " to " + fmt(to));
      list.appendChild(item);
    }
    figure.querySelector("[data-chart-surface]").after(list);
  }

  function choropleth(L, data, figure) {
    const values = data.values || {};
    const layer = L.geoJSON(data.geojson, {
      style: () => ({ weight: 1, fillOpacity: 0.85 }),
      onEachFeature: (feature, path) => {
        const id = featureId(feature);
        const value = id === null ? undefined : values[id];
        path.options.className = "map-choro " + choroplethClass(value, data.min, data.max);
        const name = (feature.properties && feature.properties.name) || id || "";
        tooltip(path, name + (typeof value === "number" ? ": " + value.toLocaleString("en-GB") : ""));
      },
    });
    legend(figure, data.min, data.max);
    return { layer, bounds: layer.getBounds() };
  }

  function polygons(L, data) {
    const group = L.featureGroup();
    const shapes = data.polygons || [];
    for (const shape of shapes) {
      const polygon = L.polygon(shape.coords, styleFor(shape.colour, "map-polygon", { weight: 2, fillOpacity: 0.3 }));
      const permanent = shapes.length <= PERMANENT_LABELS;
      tooltip(polygon, shape.label, permanent ? { permanent: true, direction: "center", className: "map-label" } : {});
      group.addLayer(polygon);
    }
    return { layer: group, bounds: group.getBounds() };
  }

  function route(L, data) {
    const list = data.points || [];
    const group = L.featureGroup();
    if (list.length) {
      const line = L.polyline(list.map((p) => [p.lat, p.lng]), { className: "map-route", weight: 4, opacity: 0.9 });
      group.addLayer(line);
      const ends = [
        [list[0], "map-route-start", "Start"],
        [list[list.length - 1], "map-route-end", "End"],
      ];
      for (const [p, className, word] of list.length > 1 ? ends : ends.slice(0, 1)) {
        const marker = L.circleMarker([p.lat, p.lng], { className, radius: 7, weight: 2, fillOpacity: 1 });
        tooltip(marker, word + (p.label ? ": " + p.label : ""));
        group.addLayer(marker);
      }
    }
    return { layer: group, bounds: group.getBounds() };
  }

  const LAYERS = { map_points: points, map_heatmap: heatmap, map_choropleth: choropleth, map_polygons: polygons, map_route: route };

  async function outline(L, map) {
    const land = await api.worldLand();
    if (!map.getPane("outline")) {
      map.createPane("outline").style.zIndex = 250;
    }
    L.geoJSON(land, { pane: "outline", interactive: false, className: "map-land", weight: 0.6, fillOpacity: 1 })
      .addTo(map);
    map.attributionControl.addAttribution("Outline: Natural Earth");
  }

  function base(L, map) {
    const root = document.documentElement;
    const template = root.dataset.mapTiles;
    if (!template) {
      return outline(L, map);
    }
    const tiles = L.tileLayer(template, { maxZoom: 19, attribution: root.dataset.mapTilesAttribution || "" });
    let failed = false;
    tiles.on("tileerror", () => {
      if (!failed) {
        failed = true;
        map.removeLayer(tiles);
        outline(L, map).catch((error) => console.error("Pixie map outline failed", error));
      }
    });
    tiles.addTo(map);
    return Promise.resolve();
  }

  function fit(map, data, bounds) {
    const view = data.view || {};
    if (Array.isArray(view.center)) {
      map.setView(view.center, typeof view.zoom === "number" ? view.zoom : 6);
    } else if (bounds && bounds.isValid()) {
      map.fitBounds(bounds, { padding: [28, 28], maxZoom: typeof view.zoom === "number" ? view.zoom : 12 });
    } else {
      map.setView([20, 0], typeof view.zoom === "number" ? view.zoom : 1);
    }
  }

  async function draw(figure, surface, type, data) {
    await Pixie.loadAll(["leaflet/leaflet.css", "leaflet/leaflet.js"]);
    if (type === "map_heatmap") {
      await Pixie.load("leaflet-heat/leaflet-heat.js");
    }
    const L = window.L;
    const map = L.map(surface, { zoomSnap: 0.25, scrollWheelZoom: false, worldCopyJump: false });
    map.on("focus", () => map.scrollWheelZoom.enable());
    map.on("blur", () => map.scrollWheelZoom.disable());
    const drawn = LAYERS[type](L, data, figure);
    fit(map, data, drawn.bounds);
    await base(L, map);
    drawn.layer.addTo(map);
    figure.classList.add("is-drawn");
    figure.dataset.drawn = "true";
    return { resize: () => map.invalidateSize(), destroy: () => map.remove(), map };
  }

  function setup(figure) {
    const type = figure.dataset.chart;
    const surface = figure.querySelector("[data-chart-surface]");
    if (!surface || !LAYERS[type]) {
      return;
    }
    const data = Pixie.readData(figure) || {};
    surface.classList.add("is-active", "map-surface");
    const label = api.cardLabel(figure);
    surface.setAttribute("role", "region");
    surface.setAttribute("aria-label", (label ? label + ": " : "") + "map");
    api.whenSized(figure, () => draw(figure, surface, type, data));
  }

  api.register("figure.map[data-chart]", setup);
})();
