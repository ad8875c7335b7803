// The maps' offline base layer: the world's land at 1:110m, `PixieOutputs.worldLand()`.
//
// The outline is the vendored world-atlas `land-110m.json` (TopoJSON, Natural Earth data, public
// domain), fetched once from /static/vendor and decoded here into a GeoJSON MultiPolygon, so a
// map never asks a tile server for anything. The decoder covers what TopoJSON land files use:
// quantised, delta-encoded arcs, and Polygon / MultiPolygon geometries (in collections).
(function () {
  "use strict";

  const URL = "/static/vendor/world-atlas/land-110m.json";
  let land = null;

  function decodeArcs(topology) {
    const transform = topology.transform;
    return topology.arcs.map((arc) => {
      if (!transform) {
        return arc.map((p) => [p[0], p[1]]);
      }
      const [sx, sy] = transform.scale;
      const [tx, ty] = transform.translate;
      let x = 0;
      let y = 0;
      return arc.map((p) => {
        x += p[0];
        y += p[1];
        return [x * sx + tx, y * sy + ty];
      });
    });
  }

  function ringOf(arcs, indices) {
    // A ring joins its arcs end to start; a negative index (~i) is arc i reversed.
    const points = [];
    indices.forEach((index, k) => {
      const arc = index < 0 ? arcs[~index].slice().reverse() : arcs[index];
      points.push(...(k ? arc.slice(1) : arc));
    });
    return points;
  }

  function polygonsOf(arcs, geometry) {
    if (geometry.type === "Polygon") {
      return [geometry.arcs.map((ring) => ringOf(arcs, ring))];
    }
    if (geometry.type === "MultiPolygon") {
      return geometry.arcs.map((polygon) => polygon.map((ring) => ringOf(arcs, ring)));
    }
    if (geometry.type === "GeometryCollection") {
      return geometry.geometries.flatMap((inner) => polygonsOf(arcs, inner));
    }
    return [];
  }

  function toGeoJSON(topology) {
    const arcs = decodeArcs(topology);
    const polygons = Object.values(topology.objects).flatMap((object) => polygonsOf(arcs, object));
    return { type: "Feature", properties: {}, geometry: { type: "MultiPolygon", coordinates: polygons } };
  }

  function worldLand() {
    // One fetch per page; a failure is forgotten so the next map tries again.
    if (!land) {
      land = fetch(URL, { credentials: "same-origin" })
        .then((response) => {
          if (!response.ok) {
            throw new Error("could not load " + URL + " (" + response.status + ")");
          }
          return response.json();
        })
        .then(toGeoJSON)
        .catch((error) => {
          land = null;
          throw error;
        });
    }
    return land;
  }

  Object.assign(window.PixieOutputs, { worldLand, topologyToGeoJSON: toGeoJSON });
})();
