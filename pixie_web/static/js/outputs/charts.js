// Draws every chart card (and the Gantt chart) with Plotly, from the card's JSON data block.
//
// The server renders `<figure class="chart" data-chart="<type>">` with an empty
// `[data-chart-surface]`, the normalised data in `<script type="application/json" class="output-data">`
// and a `<details>` data table. This widget loads Plotly on first use, draws into the surface
// once the figure has a width (a chart in a hidden tab waits for its tab), takes every colour
// and the font from the CSS variables (outputs.css: --text, --muted, --border, --surface and the
// --chart-1..8 palette), and builds the figure again on `pixie:theme`. The data table stays in
// its closed <details> ("Data as a table"): the readable, accessible copy of the drawing.
//
// Streaming API, for the run/stream code:
//
//     window.PixieOutputs.extendChart(card, value)
//
//   `card` is the output's <section class="output-card">, an element inside it, or its output key.
//   `value` is one increment, in the shapes shared/toolstream/events.py accepts:
//     - line / area / bar: `{"x": [...], "series": [{"name", "y": [...]}]}`, or one point
//       `{"x": 3, "loss": 0.8, "val_loss": 0.9}` (each other numeric key names a series), or a
//       list of such points;
//     - scatter: `{"series": [{"name", "points": [{"x", "y"}]}]}`, or one point `{"x", "y"}`;
//     - any other chart type: a whole new value (normalised shape), which replaces the drawing.
//   Series are matched by name; a new name adds a series. Returns true when the card was a
//   drawn-or-pending chart, false otherwise. Calls before Plotly has loaded are kept and drawn.
//
//   `window.PixieOutputs.chartState(card)` returns `{type, data}` (the data as currently drawn).
(function () {
  "use strict";

  const api = window.PixieOutputs;
  const PLOTLY = "plotly/plotly.min.js";
  const SERIES_TYPES = new Set(["chart_line", "chart_area", "chart_bar"]);
  const RESERVED = new Set(["x", "done", "error", "output_key", "value", "chunk", "run_id"]);
  const states = new WeakMap();

  function baseLayout(t, legend) {
    return {
      autosize: true,
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: t.font, color: t.text, size: 12 },
      colorway: t.palette,
      margin: { l: 8, r: 12, t: legend ? 36 : 12, b: 8, pad: 2 },
      legend: { orientation: "h", x: 0, y: 1, yanchor: "bottom", font: { color: t.text } },
      hoverlabel: { bgcolor: t.surface, bordercolor: t.border, font: { color: t.text, family: t.font } },
    };
  }

  function config(figure) {
    const card = api.cardOf(figure);
    return {
      displaylogo: false,
      responsive: true,
      showLink: false,
      showEditInChartStudio: false,
      // On a touch screen there is no hover: the bar would sit over the legend for good.
      displayModeBar: window.matchMedia("(hover: none)").matches ? false : "hover",
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
      toImageButtonOptions: { filename: (card && card.dataset.outputKey) || "chart" },
    };
  }

  function figureFor(state) {
    const t = api.theme();
    const built = api.chartFigure(state.type, state.data, t);
    const base = baseLayout(t, built.layout.showlegend);
    const layout = Object.assign(base, built.layout);
    layout.margin = Object.assign(base.margin, built.layout.margin || {});
    return { traces: built.traces, layout };
  }

  async function draw(state) {
    await Pixie.load(PLOTLY);
    const { traces, layout } = figureFor(state);
    await window.Plotly.newPlot(state.surface, traces, layout, config(state.figure));
    state.drawn = true;
    state.figure.classList.add("is-drawn");
    state.figure.dataset.drawn = "true";
    return {
      resize: () => window.Plotly.Plots.resize(state.surface),
      destroy: () => {
        state.drawn = false;
        window.Plotly.purge(state.surface);
      },
    };
  }

  function redraw(state) {
    if (!state.drawn) {
      return Promise.resolve();
    }
    const { traces, layout } = figureFor(state);
    return window.Plotly.react(state.surface, traces, layout, config(state.figure));
  }

  function setup(figure) {
    const type = figure.dataset.chart;
    const surface = figure.querySelector("[data-chart-surface]");
    if (!surface || !api.chartTypes.includes(type)) {
      return;
    }
    const state = { type, figure, surface, data: Pixie.readData(figure), drawn: false };
    states.set(figure, state);
    surface.classList.add("is-active", "chart-" + type.replace(/^chart_/, ""));
    if (type === "gantt") {
      const tasks = (state.data && state.data.tasks) || [];
      surface.style.height = Math.max(160, 64 + 34 * tasks.length) + "px";
    }
    api.whenSized(figure, () => draw(state));
    api.onTheme(figure, () => redraw(state));
  }

  // -- streaming ------------------------------------------------------------------------------

  function isNumber(value) {
    return typeof value === "number" && Number.isFinite(value);
  }

  function extendSeries(data, value) {
    const series = data.series || (data.series = []);
    const byName = new Map(series.map((s) => [s.name, s]));
    const add = (name, xs, ys) => {
      let target = byName.get(name);
      if (!target) {
        target = { name, x: [], y: [] };
        series.push(target);
        byName.set(name, target);
      }
      target.x.push(...xs);
      target.y.push(...ys);
    };
    const points = Array.isArray(value) ? value : [value];
    for (const item of points) {
      if (!item || typeof item !== "object") {
        continue;
      }
      if (Array.isArray(item.x)) {
        for (const [i, s] of (item.series || []).entries()) {
          if (s && Array.isArray(s.y)) {
            add(String(s.name == null ? "Series " + (i + 1) : s.name), Array.isArray(s.x) ? s.x : item.x, s.y);
          }
        }
      } else if ("x" in item) {
        for (const [key, y] of Object.entries(item)) {
          if (!RESERVED.has(key) && isNumber(y)) {
            add(key, [item.x], [y]);
          }
        }
      }
    }
  }

  function extendScatter(data, value) {
    const series = data.series || (data.series = []);
    const points = Array.isArray(value) ? value : [value];
    for (const item of points) {
      if (item && Array.isArray(item.series)) {
        for (const s of item.series) {
          const existing = series.find((old) => old.name === s.name);
          if (existing) {
            existing.points.push(...(s.points || []));
          } else {
            series.push({ name: s.name, points: (s.points || []).slice() });
          }
        }
      } else if (item && isNumber(item.y) && "x" in item) {
        if (!series.length) {
          series.push({ name: "points", points: [] });
        }
        series[0].points.push(item);
      }
    }
  }

  function stateOf(card) {
    const found = api.findCard(card);
    const figure = found && found.querySelector("figure.chart[data-chart]");
    return figure ? states.get(figure) || null : null;
  }

  function extendChart(card, value) {
    const state = stateOf(card);
    if (!state) {
      return false;
    }
    if (SERIES_TYPES.has(state.type)) {
      extendSeries(state.data, value);
    } else if (state.type === "chart_scatter") {
      extendScatter(state.data, value);
    } else if (value && typeof value === "object") {
      state.data = value;
    }
    redraw(state).catch((error) => console.error("Pixie chart update failed", error));
    return true;
  }

  function chartState(card) {
    const state = stateOf(card);
    return state ? { type: state.type, data: state.data } : null;
  }

  // A streaming run sends each changed card whole, out of band. Swapping a drawn chart's card
  // would draw the chart again from nothing, blank until Plotly finishes, on every event; so
  // a drawn chart of the same type takes the new data in place (Plotly.react), and only its
  // data block and data table are swapped.
  function updateInPlace(event) {
    const { target, fragment } = event.detail;
    const state = target && target.matches && target.matches(".output-card") ? stateOf(target) : null;
    const incoming = fragment && fragment.querySelector && fragment.querySelector("figure.chart[data-chart]");
    if (!state || !state.drawn || !incoming || incoming.dataset.chart !== state.type) {
      return;
    }
    event.detail.shouldSwap = false;
    state.data = Pixie.readData(incoming);
    for (const selector of ["script.output-data", "details"]) {
      const old = state.figure.querySelector(":scope > " + selector);
      const fresh = incoming.querySelector(":scope > " + selector);
      if (old && fresh) {
        if (selector === "details") {
          fresh.open = old.open; // a data table the reader opened stays open
        }
        old.replaceWith(fresh);
      }
    }
    redraw(state).catch((error) => console.error("Pixie chart update failed", error));
  }

  document.addEventListener("htmx:oobBeforeSwap", updateInPlace);
  Object.assign(api, { extendChart, chartState });
  api.register("figure.chart[data-chart]", setup);
})();
