// Plotly traces and layout for each chart type, from the data the server normalised.
//
// `PixieOutputs.chartFigure(type, data, theme)` returns `{ traces, layout }`; charts.js adds the
// shared look (transparent background, fonts, grid colours) and draws it. Every builder reads one
// shape per type (pixie_web/outputs/charts.py, graphs.py and structured.py's gantt) and is pure:
// theme in, figure out, so a theme change or a streamed update simply builds the figure again.
(function () {
  "use strict";

  const api = window.PixieOutputs;
  const MARKER_LIMIT = 60; // points per series above which line charts drop their markers

  function alpha(colour, amount) {
    // "#rrggbb" (or "#rgb") with an alpha; other colour forms are returned unchanged.
    let hex = String(colour || "").trim().replace(/^#/, "");
    if (/^[0-9a-f]{3}$/i.test(hex)) {
      hex = hex.replace(/./g, (c) => c + c);
    }
    if (!/^[0-9a-f]{6}$/i.test(hex)) {
      return colour;
    }
    const n = parseInt(hex, 16);
    return "rgba(" + (n >> 16) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + amount + ")";
  }

  function axis(t, title, extra) {
    return Object.assign(
      {
        title: title ? { text: title, font: { color: t.muted } } : undefined,
        gridcolor: t.border,
        linecolor: t.border,
        zerolinecolor: t.border,
        tickfont: { color: t.muted },
        automargin: true,
      },
      extra || {}
    );
  }

  // A log axis labelled in full numbers: 1, 2, 5, 10, 20, 50 ... over a few decades, powers of
  // ten over more (Plotly's own labels on a log axis are bare digits, "2 3 4", crowded together).
  const COMPACT = new Intl.NumberFormat("en", { notation: "compact", maximumSignificantDigits: 3 });

  function logAxis(values) {
    const positive = values.filter((v) => typeof v === "number" && v > 0 && Number.isFinite(v));
    if (!positive.length) {
      return { type: "log" };
    }
    const low = Math.floor(Math.log10(Math.min(...positive)));
    const high = Math.ceil(Math.log10(Math.max(...positive)));
    const steps = high - low <= 3 ? [1, 2, 5] : [1];
    const tickvals = [];
    for (let power = low; power <= high; power += 1) {
      for (const step of steps) {
        tickvals.push(Number((step * 10 ** power).toPrecision(3)));
      }
    }
    const ticktext = tickvals.map((v) => (v < 1 ? String(v) : COMPACT.format(v)));
    return { type: "log", tickmode: "array", tickvals, ticktext };
  }

  // A value axis for bars, from zero (or below it) to a little past the tallest bar, so the
  // tallest is not drawn against the top edge. Nothing when there is nothing to show.
  function barRange(values) {
    const numbers = values.filter((v) => typeof v === "number" && Number.isFinite(v));
    const low = Math.min(0, ...numbers);
    const high = Math.max(0, ...numbers);
    return high > low ? { range: [low < 0 ? low * 1.08 : 0, high > 0 ? high * 1.08 : 0] } : {};
  }

  function flat(lists) {
    return [].concat(...lists.map((list) => list || []));
  }

  function xy(type, data, t) {
    const axes = data.axes || {};
    const series = data.series || [];
    const traces = series.map((s) => {
      const trace = { name: s.name, x: s.x, y: s.y };
      if (type === "chart_bar") {
        trace.type = "bar";
      } else {
        trace.type = "scatter";
        trace.mode = s.y.length > MARKER_LIMIT ? "lines" : "lines+markers";
        trace.connectgaps = false;
        if (type === "chart_area") {
          trace.stackgroup = "one";
          trace.mode = "lines";
        }
      }
      return trace;
    });
    const layout = {
      showlegend: series.length > 1,
      xaxis: axis(t, axes.x_label, axes.log_x ? logAxis(flat(series.map((s) => s.x))) : {}),
      yaxis: axis(t, axes.y_label, axes.log_y ? logAxis(flat(series.map((s) => s.y))) : {}),
    };
    if (type === "chart_bar") {
      layout.barmode = "group";
      if (!axes.log_y) {
        Object.assign(layout.yaxis, barRange(flat(series.map((s) => s.y))));
      }
    }
    return { traces, layout };
  }

  function scatter(data, t) {
    const series = data.series || [];
    const traces = series.map((s, i) => {
      const points = s.points || [];
      const custom = points.some((p) => p.colour);
      return {
        type: "scatter",
        mode: "markers",
        name: s.name,
        x: points.map((p) => p.x),
        y: points.map((p) => p.y),
        text: points.map((p) => p.label || ""),
        hovertemplate: "%{text}<br>(%{x}, %{y})<extra>" + escapeHover(s.name) + "</extra>",
        marker: {
          size: points.map((p) => (typeof p.size === "number" ? p.size : 9)),
          color: custom ? points.map((p) => p.colour || t.palette[i % t.palette.length]) : undefined,
          line: { width: 1, color: t.surface },
        },
      };
    });
    const axes = data.axes || {};
    const points = flat(series.map((s) => s.points));
    const layout = {
      showlegend: series.length > 1,
      xaxis: axis(t, axes.x_label, axes.log_x ? logAxis(points.map((p) => p.x)) : {}),
      yaxis: axis(t, axes.y_label, axes.log_y ? logAxis(points.map((p) => p.y)) : {}),
    };
    return { traces, layout };
  }

  function escapeHover(text) {
    return String(text).replace(/[<>&]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;" })[c]);
  }

  function pie(data, t) {
    const slices = data.slices || [];
    return {
      traces: [
        {
          type: "pie",
          labels: slices.map((s) => s.label),
          values: slices.map((s) => s.value),
          hole: data.donut ? 0.5 : 0,
          sort: false,
          textinfo: "percent",
          hoverinfo: "label+value+percent",
          marker: { colors: slices.map((_, i) => t.palette[i % t.palette.length]), line: { color: t.surface, width: 2 } },
        },
      ],
      layout: { showlegend: true },
    };
  }

  function histogramBins(values, bins) {
    // The server's rule (outputs/fallback.py): Sturges' bin count unless given, equal widths,
    // the maximum in the last bin. So the bars and the data table always agree.
    if (!values.length) {
      return [];
    }
    let low = Infinity;
    let high = -Infinity;
    for (const v of values) {
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    const count = bins || Math.max(1, Math.ceil(Math.log2(values.length) + 1));
    if (low === high) {
      return [[low, high, values.length]];
    }
    const width = (high - low) / count;
    const counts = new Array(count).fill(0);
    for (const v of values) {
      counts[Math.min(count - 1, Math.floor((v - low) / width))] += 1;
    }
    return counts.map((n, i) => [low + i * width, low + (i + 1) * width, n]);
  }

  function edgeTicks(bins) {
    const edges = [bins[0][0], ...bins.map((b) => b[1])].map((v) => Number(v.toPrecision(4)));
    return { tickmode: "array", tickvals: edges, ticktext: edges.map((v) => COMPACT.format(v)) };
  }

  function histogram(data, t) {
    const bins = histogramBins(data.values || [], data.bins);
    const round = (v) => Number(v.toPrecision(6));
    return {
      traces: [
        {
          type: "bar",
          name: "Count",
          x: bins.map((b) => (b[0] + b[1]) / 2),
          y: bins.map((b) => b[2]),
          width: bins.map((b) => (b[1] - b[0] || 1) * 0.98),
          customdata: bins.map((b) => [round(b[0]), round(b[1])]),
          hovertemplate: "%{customdata[0]} to %{customdata[1]}: %{y}<extra></extra>",
          marker: { color: t.palette[0] },
        },
      ],
      layout: {
        showlegend: false,
        bargap: 0,
        // Ticks on the bins' edges while there are few enough to read, so each bar's limits show.
        xaxis: axis(t, undefined, bins.length && bins.length <= 12 ? edgeTicks(bins) : {}),
        yaxis: axis(t, "Count", barRange(bins.map((b) => b[2]))),
      },
    };
  }

  function boxplot(data, t) {
    const series = data.series || [];
    return {
      traces: series.map((s) => ({ type: "box", name: s.name, y: s.values, boxpoints: "outliers" })),
      layout: { showlegend: false, xaxis: axis(t), yaxis: axis(t) },
    };
  }

  function heatmap(data, t) {
    return {
      traces: [
        {
          type: "heatmap",
          z: data.z,
          x: data.x_labels.map(String),
          y: data.y_labels.map(String),
          colorscale: "Viridis",
          xgap: 1,
          ygap: 1,
          colorbar: { tickfont: { color: t.muted }, outlinewidth: 0 },
        },
      ],
      layout: {
        xaxis: axis(t, "", { type: "category", showgrid: false }),
        yaxis: axis(t, "", { type: "category", showgrid: false, autorange: "reversed" }),
      },
    };
  }

  function candlestick(data, t) {
    const points = data.points || [];
    return {
      traces: [
        {
          type: "candlestick",
          name: "",
          x: points.map((p) => p.t),
          open: points.map((p) => p.open),
          high: points.map((p) => p.high),
          low: points.map((p) => p.low),
          close: points.map((p) => p.close),
          increasing: { line: { color: t.ok }, fillcolor: alpha(t.ok, 0.5) },
          decreasing: { line: { color: t.bad }, fillcolor: alpha(t.bad, 0.5) },
        },
      ],
      layout: { showlegend: false, xaxis: axis(t, "", { rangeslider: { visible: false } }), yaxis: axis(t) },
    };
  }

  function radar(data, t) {
    const axes = data.axes || [];
    const series = data.series || [];
    const closed = (list) => (list.length ? list.concat([list[0]]) : list);
    return {
      traces: series.map((s, i) => ({
        type: "scatterpolar",
        name: s.name,
        r: closed(s.values),
        theta: closed(axes),
        fill: "toself",
        fillcolor: alpha(t.palette[i % t.palette.length], 0.2),
        line: { color: t.palette[i % t.palette.length] },
      })),
      layout: {
        showlegend: series.length > 1,
        margin: { l: 48, r: 48, t: series.length > 1 ? 44 : 28, b: 28 },
        polar: {
          bgcolor: "rgba(0,0,0,0)",
          radialaxis: { gridcolor: t.border, linecolor: t.border, tickfont: { color: t.muted } },
          angularaxis: { gridcolor: t.border, linecolor: t.border, tickfont: { color: t.text } },
        },
      },
    };
  }

  function sankey(data, t) {
    const nodes = data.nodes || [];
    const index = new Map(nodes.map((n, i) => [n.id, i]));
    const colours = nodes.map((n, i) => n.colour || t.palette[i % t.palette.length]);
    const links = data.links || [];
    return {
      traces: [
        {
          type: "sankey",
          arrangement: "snap",
          textfont: { color: t.text, family: t.font },
          node: {
            label: nodes.map((n) => n.label),
            color: colours,
            pad: 16,
            thickness: 16,
            line: { color: t.border, width: 0.5 },
          },
          link: {
            source: links.map((l) => index.get(l.source)),
            target: links.map((l) => index.get(l.target)),
            value: links.map((l) => l.value),
            color: links.map((l) => alpha(colours[index.get(l.source)], 0.35)),
          },
        },
      ],
      layout: {},
    };
  }

  const DARK_TEXT = "#111827";
  const DARK_TEXT_LUMINANCE = 0.0116;

  function readableOn(colour) {
    // Near-black or white, whichever reads on a "#rrggbb" fill (WCAG relative luminance).
    const rgba = alpha(colour, 1);
    const parts = /rgba\((\d+),(\d+),(\d+)/.exec(rgba);
    if (!parts) {
      return undefined;
    }
    const [r, g, b] = parts.slice(1, 4).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    const tile = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    const onDark = 1.05 / (tile + 0.05); // white text's contrast with the tile
    const onLight = (tile + 0.05) / (DARK_TEXT_LUMINANCE + 0.05);
    return onLight >= onDark ? DARK_TEXT : "#ffffff";
  }

  function treemapColours(nodes, t) {
    // Each branch (a child of a top node) one palette colour, its descendants the same; top
    // nodes the card's own surface. Set here, not left to Plotly, so each label's colour can be
    // chosen to read on its tile (the theme's text colour is pale in the dark theme).
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const isTop = (n) => !n.parent || !byId.has(n.parent);
    const branchOf = (n) => {
      let node = n;
      for (let depth = 0; depth < 64 && !isTop(node) && !isTop(byId.get(node.parent)); depth += 1) {
        node = byId.get(node.parent);
      }
      return node;
    };
    const branches = new Map();
    return nodes.map((n) => {
      if (isTop(n)) {
        return t.surface;
      }
      const branch = branchOf(n).id;
      if (!branches.has(branch)) {
        branches.set(branch, t.palette[branches.size % t.palette.length]);
      }
      return branches.get(branch);
    });
  }

  function treemap(data, t) {
    const nodes = data.nodes || [];
    const colours = treemapColours(nodes, t);
    const children = new Map();
    for (const n of nodes) {
      if (n.parent) {
        children.set(n.parent, (children.get(n.parent) || []).concat([n]));
      }
    }
    const sized = new Map();
    const size = (n, depth) => {
      // A node without a value is the sum of its children (depth guards against a cycle).
      if (sized.has(n.id)) {
        return sized.get(n.id);
      }
      const kids = children.get(n.id) || [];
      const sum = depth > 64 ? 0 : kids.reduce((total, kid) => total + size(kid, depth + 1), 0);
      const value = typeof n.value === "number" ? n.value : sum;
      sized.set(n.id, value);
      return value;
    };
    nodes.forEach((n) => size(n, 0));
    // "total" (a parent's value includes its children) when every parent holds at least its
    // children's sum; otherwise Plotly would drop the parent, so values are read as "remainder".
    const total = nodes.every((n) => {
      const kids = children.get(n.id) || [];
      return !kids.length || sized.get(n.id) + 1e-9 >= kids.reduce((s, k) => s + sized.get(k.id), 0);
    });
    return {
      traces: [
        {
          type: "treemap",
          ids: nodes.map((n) => n.id),
          labels: nodes.map((n) => n.label),
          parents: nodes.map((n) => n.parent || ""),
          values: nodes.map((n) => sized.get(n.id)),
          branchvalues: total ? "total" : "remainder",
          textinfo: "label+value",
          marker: { colors: colours, line: { color: t.surface, width: 2 } },
          insidetextfont: { color: colours.map((c) => (c === t.surface ? t.text : readableOn(c) || t.text)) },
          pathbar: { textfont: { color: t.text } },
        },
      ],
      layout: { treemapcolorway: t.palette, margin: { l: 4, r: 4, t: 28, b: 4 } },
    };
  }

  function network(data, t) {
    const nodes = data.nodes || [];
    const edges = data.edges || [];
    const at = api.networkLayout(nodes, edges);
    const ex = [];
    const ey = [];
    for (const e of edges) {
      const a = at.get(e.source);
      const b = at.get(e.target);
      ex.push(a[0], b[0], null);
      ey.push(a[1], b[1], null);
    }
    const hidden = { visible: false, fixedrange: false };
    return {
      traces: [
        {
          type: "scatter",
          mode: "lines",
          name: "edges",
          x: ex,
          y: ey,
          hoverinfo: "skip",
          line: { color: t.muted, width: 1.5 },
        },
        {
          type: "scatter",
          mode: "markers+text",
          name: "nodes",
          x: nodes.map((n) => at.get(n.id)[0]),
          y: nodes.map((n) => at.get(n.id)[1]),
          text: nodes.map((n) => n.label),
          textposition: "top center",
          hovertemplate: "%{text}<extra></extra>",
          marker: {
            size: 16,
            color: nodes.map((n) => n.colour || t.palette[0]),
            line: { color: t.surface, width: 2 },
          },
        },
      ],
      layout: {
        showlegend: false,
        xaxis: Object.assign({}, hidden),
        yaxis: Object.assign({}, hidden, { scaleanchor: "x" }),
      },
    };
  }

  function gantt(data, t) {
    const tasks = data.tasks || [];
    const dates = data.axis === "date";
    const ms = (v) => (dates ? Date.parse(v) : Number(v));
    return {
      traces: [
        {
          type: "bar",
          orientation: "h",
          name: "",
          y: tasks.map((task) => task.name),
          base: tasks.map((task) => task.start),
          x: tasks.map((task) => ms(task.end) - ms(task.start)),
          text: tasks.map((task) => task.label || ""),
          textposition: "inside",
          insidetextanchor: "start",
          customdata: tasks.map((task) => [task.start_text, task.end_text]),
          hovertemplate: "%{y}<br>%{customdata[0]} to %{customdata[1]}<extra></extra>",
          marker: { color: tasks.map((task, i) => task.colour || t.palette[i % t.palette.length]) },
        },
      ],
      layout: {
        showlegend: false,
        xaxis: axis(t, "", dates ? { type: "date" } : {}),
        yaxis: axis(t, "", { type: "category", autorange: "reversed", showgrid: false }),
      },
    };
  }

  const BUILDERS = {
    chart_line: (d, t) => xy("chart_line", d, t),
    chart_area: (d, t) => xy("chart_area", d, t),
    chart_bar: (d, t) => xy("chart_bar", d, t),
    chart_scatter: scatter,
    chart_pie: pie,
    chart_histogram: histogram,
    chart_boxplot: boxplot,
    chart_heatmap: heatmap,
    chart_candlestick: candlestick,
    chart_radar: radar,
    chart_sankey: sankey,
    chart_treemap: treemap,
    chart_network: network,
    gantt: gantt,
  };

  function chartFigure(type, data, t) {
    const build = BUILDERS[type];
    if (!build) {
      throw new Error("no chart drawing for " + type);
    }
    return build(data || {}, t);
  }

  Object.assign(api, { chartFigure, chartTypes: Object.keys(BUILDERS), alpha, histogramBins });
})();
