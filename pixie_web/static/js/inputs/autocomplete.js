// An autocomplete input: suggestions from the tool, through Pixie's proxy
// (GET /tool/<id>/autocomplete/<endpoint>?q=), in a combobox (_combobox.js).
//
// The box the person types in shows a suggestion's label; a hidden field under the input's name
// posts its value (typed text posts as typed). Without JavaScript the plain box posts its text.
(function () {
  "use strict";

  const inputs = window.PixieInputs;

  function proxyUrl(toolId, endpoint) {
    const path = endpoint.replace(/^\/+/, "").split("/").map(encodeURIComponent).join("/");
    return "/tool/" + encodeURIComponent(toolId) + "/autocomplete/" + path;
  }

  async function fetchSuggestions(url, query, signal) {
    const response = await fetch(url + "?q=" + encodeURIComponent(query), {
      signal,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      body = null;
    }
    if (!response.ok || !Array.isArray(body)) {
      const message = body && body.error && body.error.message;
      throw new Error(message || "Suggestions could not be loaded (" + response.status + ").");
    }
    return body;
  }

  Pixie.register("input[data-widget='autocomplete']", (input) => {
    const owner = input.closest("[data-tool-id]");
    const endpoint = input.dataset.autocompleteEndpoint;
    if (!owner || !endpoint || !input.name) {
      return;
    }
    const url = proxyUrl(owner.dataset.toolId, endpoint);
    const posted = inputs.el("input", { attrs: { type: "hidden", name: input.name } });
    posted.value = input.value;
    input.removeAttribute("name");
    input.after(posted);
    input.addEventListener("input", () => {
      posted.value = input.value;
    });
    const box = inputs.combobox(input, {
      label: inputs.labelOf(inputs.fieldOf(input)) + " suggestions",
      source: (query, signal) => fetchSuggestions(url, query, signal),
      onPick: (item) => {
        input.value = item.label;
        posted.value = item.value;
        inputs.fire(posted);
      },
    });
    box.wrap.append(posted);
  });
})();
