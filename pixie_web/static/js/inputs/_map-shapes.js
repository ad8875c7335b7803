// What a click does on each kind of map input, and the JSON it writes
// (`PixieInputs.mapShapes[kind](L, map, out)`, used by map-input.js):
//   map_point       a click sets the point                        -> [lat, lng]
//   map_multipoint  a click adds a point; clicking a point removes it -> [[lat, lng], ...]
//   map_polygon     clicks add corners; double-click or Finish ends -> [[lat, lng], ...] (3 or more)
//   map_bbox        drag a box, or click two opposite corners      -> [[south, west], [north, east]]
// `out.write(value)` posts the value (null: nothing); `out.say(text)` tells the person what now.
// Each editor has set(value) (draw a value typed in the text box), clear(), place(latlng) (a
// click, or Enter on the focused map for its centre), and for the polygon finish().
(function () {
  "use strict";

  const round = (x) => Math.round(x * 1e6) / 1e6;
  const pair = (latlng) => {
    const wrapped = latlng.wrap();
    return [round(Math.max(-90, Math.min(90, wrapped.lat))), round(wrapped.lng)];
  };
  const shown = (p) => p[0].toFixed(4) + ", " + p[1].toFixed(4);
  const isPoint = (p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === "number");
  const POINT = { className: "map-input-point", radius: 7, weight: 2, fillOpacity: 0.9 };

  function point(L, map, out) {
    const layer = L.layerGroup().addTo(map);
    let value = null;
    const draw = () => {
      layer.clearLayers();
      if (value) {
        L.circleMarker(value, POINT).addTo(layer);
      }
    };
    return {
      set(next) {
        value = isPoint(next) ? next : null;
        draw();
      },
      clear() {
        value = null;
        draw();
        out.write(null);
        out.say("Point cleared. Click the map to set it.");
      },
      place(latlng) {
        value = pair(latlng);
        draw();
        out.write(value);
        out.say("Point set at " + shown(value) + ".");
      },
      bounds: () => (value ? L.latLngBounds([value]) : null),
    };
  }

  function multipoint(L, map, out) {
    const layer = L.layerGroup().addTo(map);
    let points = [];
    const post = () => out.write(points.length ? points : null);
    const draw = () => {
      layer.clearLayers();
      points.forEach((p, index) => {
        const marker = L.circleMarker(p, POINT).addTo(layer);
        marker.on("click", (event) => {
          L.DomEvent.stop(event);
          points.splice(index, 1);
          draw();
          post();
          out.say("Point " + (index + 1) + " removed; " + points.length + " left.");
        });
      });
    };
    return {
      set(next) {
        points = Array.isArray(next) ? next.filter(isPoint) : [];
        draw();
      },
      clear() {
        points = [];
        draw();
        post();
        out.say("Points cleared.");
      },
      place(latlng) {
        points.push(pair(latlng));
        draw();
        post();
        out.say("Point " + points.length + " added at " + shown(points[points.length - 1]) + ".");
      },
      bounds: () => (points.length ? L.latLngBounds(points) : null),
    };
  }

  function polygon(L, map, out) {
    const layer = L.layerGroup().addTo(map);
    let corners = [];
    let done = false;
    const draw = () => {
      layer.clearLayers();
      if (done && corners.length >= 3) {
        L.polygon(corners, { className: "map-input-shape", weight: 2, fillOpacity: 0.25 }).addTo(layer);
      } else if (corners.length) {
        L.polyline(corners, { className: "map-input-line", weight: 2, dashArray: "6 4" }).addTo(layer);
      }
      corners.forEach((p) => L.circleMarker(p, { ...POINT, radius: 4 }).addTo(layer));
    };
    return {
      set(next) {
        corners = Array.isArray(next) ? next.filter(isPoint) : [];
        done = corners.length >= 3;
        draw();
      },
      clear() {
        corners = [];
        done = false;
        draw();
        out.write(null);
        out.say("Shape cleared. Click the map to add its corners.");
      },
      place(latlng) {
        if (done) {
          out.say("The shape is finished; Clear it to draw another.");
          return;
        }
        const next = pair(latlng);
        const last = corners[corners.length - 1];
        if (last && map.latLngToContainerPoint(last).distanceTo(map.latLngToContainerPoint(next)) < 3) {
          return; // the second click of a double-click
        }
        corners.push(next);
        draw();
        out.write(corners.length >= 3 ? corners : null);
        const more = corners.length >= 3 ? "double-click or press Finish to close it." : "add at least 3.";
        out.say("Corner " + corners.length + " added; " + more);
      },
      finish() {
        if (corners.length < 3) {
          out.say("A shape needs at least 3 corners; it has " + corners.length + ".");
          return;
        }
        done = true;
        draw();
        out.write(corners);
        out.say("Shape finished with " + corners.length + " corners.");
      },
      bounds: () => (corners.length ? L.latLngBounds(corners) : null),
    };
  }

  function bbox(L, map, out) {
    const layer = L.layerGroup().addTo(map);
    let box = null;
    let anchor = null;
    const draw = (corners) => {
      layer.clearLayers();
      if (corners) {
        L.rectangle(corners, { className: "map-input-shape", weight: 2, fillOpacity: 0.2 }).addTo(layer);
      }
    };
    const boxOf = (a, b) => [
      [Math.min(a[0], b[0]), Math.min(a[1], b[1])],
      [Math.max(a[0], b[0]), Math.max(a[1], b[1])],
    ];
    const editor = {
      set(next) {
        const flat = Array.isArray(next) && next.length === 4 && next.every((x) => typeof x === "number");
        const nested = Array.isArray(next) && next.length === 2 && next.every(isPoint);
        box = flat ? [next.slice(0, 2), next.slice(2)] : nested ? next : null;
        anchor = null;
        draw(box);
      },
      clear() {
        box = null;
        anchor = null;
        draw(null);
        out.write(null);
        out.say("Box cleared. Drag on the map, or click two opposite corners.");
      },
      place(latlng) {
        const here = pair(latlng);
        if (!anchor) {
          anchor = here;
          draw(null);
          out.say("First corner at " + shown(here) + "; now the opposite corner.");
          return;
        }
        box = boxOf(anchor, here);
        anchor = null;
        draw(box);
        out.write(box);
        out.say("Box from " + shown(box[0]) + " to " + shown(box[1]) + ".");
      },
      bounds: () => (box ? L.latLngBounds(box) : null),
    };
    // Dragging draws the box (the map's own dragging is off for this input).
    let start = null;
    map.on("mousedown", (event) => {
      if (event.originalEvent.button === 0) {
        start = { latlng: event.latlng, at: event.containerPoint };
      }
    });
    map.on("mousemove", (event) => {
      if (start && event.containerPoint.distanceTo(start.at) > 4) {
        draw(boxOf(pair(start.latlng), pair(event.latlng)));
      }
    });
    map.on("mouseup", (event) => {
      if (!start) {
        return;
      }
      const dragged = event.containerPoint.distanceTo(start.at) > 4;
      const from = start.latlng;
      start = null;
      if (dragged) {
        anchor = pair(from);
      }
      editor.place(event.latlng);
    });
    editor.clickPlaces = false; // mouseup places; a click would place twice
    return editor;
  }

  window.PixieInputs.mapShapes = { map_point: point, map_multipoint: multipoint, map_polygon: polygon, map_bbox: bbox };
})();
