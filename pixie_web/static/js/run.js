// Running a tool from its page: the busy state, the elapsed time, Cancel, and Ctrl+Enter.
//
// The form posts with htmx and the server answers with the output panel. Before each post the
// page picks the run's id (`_pixie_run_id`), so Cancel can name the run while the post is
// still waiting for its answer. A run is over when a final `#run-status` arrives: at once for
// an ordinary run, or at the stream's `done` event for a streaming one.
(function () {
  "use strict";

  const TICK_MS = 100;
  const WAIT_POLL_MS = 1000;
  let timer = null;
  let stagePoll = null;

  function newRunId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  function runForm() {
    return document.querySelector("form[data-run-form]");
  }

  function setBusy(form, busy) {
    form.classList.toggle("is-running", busy);
    form.setAttribute("aria-busy", busy ? "true" : "false");
    for (const button of form.querySelectorAll(".run-button")) {
      button.disabled = busy;
    }
    const note = form.querySelector("[data-run-note]");
    if (note) {
      note.hidden = true;
    }
    const elapsed = form.querySelector("[data-elapsed]");
    window.clearInterval(timer);
    timer = null;
    if (busy && elapsed) {
      const started = performance.now();
      elapsed.textContent = "0.0 s";
      timer = window.setInterval(() => {
        elapsed.textContent = ((performance.now() - started) / 1000).toFixed(1) + " s";
      }, TICK_MS);
    }
    followStage(form, busy);
  }

  // A run of a tool that takes one run at a time may wait behind another (from another tab or a
  // skill), or wait for its tool to start: the busy line says so rather than "Running".
  function followStage(form, busy) {
    const label = form.querySelector("[data-busy-label]");
    window.clearInterval(stagePoll);
    stagePoll = null;
    if (!label) {
      return;
    }
    label.dataset.running = label.dataset.running || label.textContent;
    label.textContent = label.dataset.running;
    const field = form.querySelector("[data-run-id-field]");
    const runId = field ? field.value : "";
    if (!busy || !runId) {
      return;
    }
    stagePoll = window.setInterval(() => {
      const url = "/tool/" + encodeURIComponent(form.dataset.toolId) + "/runs/" + runId + "/waiting";
      fetch(url)
        .then((response) => (response.ok ? response.json() : null))
        .then((stage) => {
          if (stage && form.classList.contains("is-running")) {
            label.textContent = stage.waiting ? "Waiting for the tool…" : label.dataset.running;
          }
        })
        .catch(() => {});
    }, WAIT_POLL_MS);
  }

  // The id goes in before htmx reads the form (capture phase, ahead of htmx's own listener).
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (form instanceof HTMLFormElement && form.matches("[data-run-form]")) {
        const field = form.querySelector("[data-run-id-field]");
        if (field) {
          field.value = newRunId();
        }
      }
    },
    true
  );

  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt;
    if (form instanceof HTMLFormElement && form.matches("[data-run-form]")) {
      setBusy(form, true);
    }
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (!(form instanceof HTMLFormElement) || !form.matches("[data-run-form]")) {
      return;
    }
    const streaming = document.querySelector("#output-panel #run-status[data-status='running']");
    if (!streaming) {
      setBusy(form, false);
    }
    if (!event.detail.successful) {
      showRequestFailure(event.detail.xhr);
    }
  });

  // htmx swaps nothing for an error status: say what went wrong where the result would be.
  function showRequestFailure(xhr) {
    const reason = !xhr || !xhr.status ? "Pixie did not answer." : answeredReason(xhr);
    Pixie.announce("The run could not be started: " + reason);
    const panel = document.getElementById("output-panel");
    if (!panel) {
      return;
    }
    const box = document.createElement("section");
    box.className = "run-failure run-failure-request";
    box.setAttribute("role", "alert");
    box.dataset.failure = "request";
    const heading = document.createElement("h2");
    heading.textContent = "The run could not be started";
    const message = document.createElement("p");
    message.className = "failure-message";
    message.textContent = reason;
    box.append(heading, message);
    panel.querySelectorAll(".run-failure-request").forEach((old) => old.remove());
    panel.prepend(box);
  }

  function answeredReason(xhr) {
    const text = xhr.responseText || "";
    let said = "";
    try {
      const body = JSON.parse(text);
      said = (body && body.error && body.error.message) || "";
    } catch (notJson) {
      const page = new DOMParser().parseFromString(text, "text/html");
      // The error's own sentence, not the first paragraph of the page around it (the sidebar's).
      const line = page.querySelector(".error-page p") || page.querySelector("main p");
      said = line ? line.textContent.trim() : "";
    }
    const status = "Pixie answered " + xhr.status + (xhr.statusText ? " " + xhr.statusText : "");
    return said ? status + ": " + said : status + ".";
  }

  // On a narrow window the outputs are under the form, often below the fold: bring a new
  // result into view (not in the chat layout, whose reply sits just above its composer).
  document.addEventListener("htmx:afterSwap", (event) => {
    const panel = event.detail.target;
    const form = event.detail.requestConfig && event.detail.requestConfig.elt;
    // Inputs sent back with problems: the results shown are from the run before, not these inputs.
    const outputs = document.getElementById("output-panel");
    if (panel && panel.id === "run-form-fields" && outputs) {
      outputs.classList.toggle("is-stale", Boolean(panel.querySelector(".run-invalid") && outputs.querySelector(".output-card")));
      return;
    }
    if (panel && panel.id === "output-panel") {
      panel.classList.remove("is-stale");
    }
    if (!panel || panel.id !== "output-panel" || !(form instanceof HTMLFormElement) || form.matches("[data-chat-form]")) {
      return;
    }
    if (panel.getBoundingClientRect().top > window.innerHeight - 96) {
      const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      panel.scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
    }
  });

  // On a past run's page a new run's result replaces the old one: the banner, the export links
  // and the address then name the new run, so what is exported or bookmarked is what is shown.
  function adoptRun(status) {
    const page = document.querySelector("article.replay[data-run-id]");
    const runId = status.dataset.runId;
    const oldId = page ? page.dataset.runId : "";
    if (!page || !runId || runId === oldId) {
      return;
    }
    page.dataset.runId = runId;
    const toolUrl = "/tool/" + encodeURIComponent(page.dataset.toolId);
    const note = page.querySelector(".replay-note");
    if (note) {
      const code = document.createElement("code");
      code.textContent = runId.slice(0, 8);
      const outcome = document.createElement("span");
      outcome.className = "run-status run-status-" + (status.dataset.status || "");
      outcome.textContent = status.textContent.replace(/\s+/g, " ").trim().split(" · ")[0];
      const back = document.createElement("a");
      back.href = toolUrl;
      back.textContent = "back to the tool";
      note.replaceChildren("A new run: ", code, " · ", outcome, " · ", back);
    }
    for (const link of page.querySelectorAll(".replay-exports a[href]")) {
      link.setAttribute("href", link.getAttribute("href").replace(oldId, runId));
    }
    document.title = document.title.replace(oldId.slice(0, 8), runId.slice(0, 8));
    history.replaceState(history.state, "", toolUrl + "/runs/" + encodeURIComponent(runId));
  }

  // A final status (not "running") ends the run, whichever way it arrived.
  Pixie.register("#run-status", (status) => {
    if (status.dataset.status === "running") {
      return;
    }
    adoptRun(status);
    const form = runForm();
    if (form) {
      setBusy(form, false);
    }
    Pixie.announce(status.textContent.replace(/\s+/g, " ").trim().split(" · ")[0]); // not the links
    document.dispatchEvent(
      new CustomEvent("pixie:run-finished", {
        detail: { runId: status.dataset.runId, status: status.dataset.status || "" },
      })
    );
  });

  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-cancel-run]") : null;
    if (!button) {
      return;
    }
    const form = button.closest("form[data-run-form]");
    const field = form && form.querySelector("[data-run-id-field]");
    if (!form || !field || !field.value) {
      return;
    }
    button.disabled = true;
    const body = new URLSearchParams({ run_id: field.value });
    fetch("/tool/" + encodeURIComponent(form.dataset.toolId) + "/cancel", { method: "POST", body })
      .catch(() => Pixie.announce("Cancelling failed: Pixie did not answer."))
      .finally(() => {
        button.disabled = false;
      });
    Pixie.announce("Cancelling…");
  });

  // Ctrl/Cmd+Enter runs the tool from anywhere in its form.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) {
      return;
    }
    const form = event.target instanceof Element ? event.target.closest("form[data-run-form]") : null;
    if (!form) {
      return;
    }
    event.preventDefault();
    if (!form.classList.contains("is-running")) {
      form.requestSubmit();
      return;
    }
    // One run at a time from a page: say so rather than ignore the keys.
    const note = form.querySelector("[data-run-note]");
    if (note) {
      note.hidden = false;
    }
    Pixie.announce("A run is going. Cancel it to start another run.");
  });

  window.PixieRun = { newRunId };
})();
