// A deterministic layout for network charts: `PixieOutputs.networkLayout(nodes, edges)`.
//
// Nodes start evenly on a circle (in the order the tool listed them) and a fixed number of
// Fruchterman-Reingold steps pull linked nodes together and push all nodes apart. Nothing is
// random, so the same data always gives the same picture. Positions are scaled into [-1, 1].
// Large graphs (more than LIMIT nodes) keep the circle: the force steps cost n squared each.
(function () {
  "use strict";

  const LIMIT = 400;
  const STEPS = 120;

  function networkLayout(nodes, edges) {
    const n = nodes.length;
    const index = new Map(nodes.map((node, i) => [node.id, i]));
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i += 1) {
      const angle = (2 * Math.PI * i) / Math.max(n, 1) - Math.PI / 2;
      x[i] = Math.cos(angle);
      y[i] = Math.sin(angle);
    }
    const links = edges
      .map((e) => [index.get(e.source), index.get(e.target)])
      .filter(([a, b]) => a !== undefined && b !== undefined && a !== b);
    if (n > 2 && n <= LIMIT) {
      const k = Math.sqrt(4 / n); // ideal distance in a 2 x 2 box
      const dx = new Float64Array(n);
      const dy = new Float64Array(n);
      let heat = 0.2;
      for (let step = 0; step < STEPS; step += 1) {
        dx.fill(0);
        dy.fill(0);
        for (let i = 0; i < n; i += 1) {
          for (let j = i + 1; j < n; j += 1) {
            const ax = x[i] - x[j];
            const ay = y[i] - y[j];
            const d2 = Math.max(ax * ax + ay * ay, 1e-6);
            const push = (k * k) / d2;
            dx[i] += ax * push;
            dy[i] += ay * push;
            dx[j] -= ax * push;
            dy[j] -= ay * push;
          }
        }
        for (const [a, b] of links) {
          const ax = x[a] - x[b];
          const ay = y[a] - y[b];
          const d = Math.max(Math.sqrt(ax * ax + ay * ay), 1e-3);
          const pull = d / k;
          dx[a] -= ax * pull;
          dy[a] -= ay * pull;
          dx[b] += ax * pull;
          dy[b] += ay * pull;
        }
        for (let i = 0; i < n; i += 1) {
          // A weak pull to the centre keeps separate components on screen.
          dx[i] -= x[i] * 0.05;
          dy[i] -= y[i] * 0.05;
          const len = Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]) || 1;
          const move = Math.min(len, heat);
          x[i] += (dx[i] / len) * move;
          y[i] += (dy[i] / len) * move;
        }
        heat = Math.max(0.005, heat * 0.96);
      }
    }
    // Centre and scale into [-1, 1], keeping the aspect ratio.
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i += 1) {
      minX = Math.min(minX, x[i]);
      maxX = Math.max(maxX, x[i]);
      minY = Math.min(minY, y[i]);
      maxY = Math.max(maxY, y[i]);
    }
    const span = Math.max(maxX - minX, maxY - minY) / 2 || 1;
    const cx = (minX + maxX) / 2 || 0;
    const cy = (minY + maxY) / 2 || 0;
    const at = new Map();
    nodes.forEach((node, i) => {
      at.set(node.id, [n === 1 ? 0 : (x[i] - cx) / span, n === 1 ? 0 : (y[i] - cy) / span]);
    });
    return at;
  }

  window.PixieOutputs.networkLayout = networkLayout;
})();
