// The library: counts the selection for the bulk toolbar, opens images in a lightbox (a <dialog>),
// lets htmx swap in the server's answer to bad input (400/422: the view with a message), and keeps
// the keyboard focus on the same control when a card is swapped. Every action works without it.
(function () {
  "use strict";

  function updateSelection(results) {
    const bulk = results.querySelector("#library-bulk");
    if (!bulk) {
      return;
    }
    const boxes = Array.from(results.querySelectorAll(".artefact-select"));
    const count = boxes.filter((box) => box.checked).length;
    bulk.dataset.count = String(count);
    const words = results.querySelector("#library-selected");
    if (words) {
      words.textContent = count === 0 ? "No files selected" : count + " selected";
    }
    const all = bulk.querySelector("[data-select-all]");
    if (all) {
      all.textContent = count === boxes.length && count > 0 ? "Select none" : "Select all";
    }
    // Nothing ticked, nothing to act on: the actions wait for a selection (without scripts the
    // server says so instead).
    for (const button of bulk.querySelectorAll("button[type='submit']")) {
      button.disabled = count === 0;
    }
  }

  Pixie.register("#library-results", (results) => {
    const all = results.querySelector("[data-select-all]");
    if (all) {
      all.hidden = false;
      all.addEventListener("click", () => {
        const boxes = Array.from(results.querySelectorAll(".artefact-select"));
        const check = !boxes.every((box) => box.checked);
        boxes.forEach((box) => {
          box.checked = check;
        });
        updateSelection(results);
      });
    }
    results.addEventListener("change", (event) => {
      if (event.target instanceof Element && event.target.matches(".artefact-select")) {
        updateSelection(results);
      }
    });
    updateSelection(results);
  });

  // -- the lightbox -----------------------------------------------------------------------------

  let opener = null;

  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("[data-lightbox]") : null;
    const dialog = document.getElementById("library-lightbox");
    if (!link || !dialog || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    opener = link;
    const image = dialog.querySelector(".lightbox-image");
    image.src = link.getAttribute("data-lightbox");
    image.alt = link.getAttribute("data-caption") || "";
    dialog.querySelector("h2").textContent = link.getAttribute("data-caption") || "Image";
    dialog.showModal();
  });

  Pixie.register("#library-lightbox", (dialog) => {
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) {
        dialog.close(); // a click on the backdrop
      }
    });
    dialog.addEventListener("close", () => {
      if (opener && document.contains(opener)) {
        opener.focus();
      }
      opener = null;
    });
  });

  // -- htmx: bad input is shown, focus stays put ---------------------------------------------------

  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    if ((status === 400 || status === 422) && event.detail.target.closest(".library")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  let focusAfter = null;

  document.addEventListener("htmx:beforeRequest", (event) => {
    const card = event.detail.elt.closest(".artefact-card");
    const active = document.activeElement;
    focusAfter = card ? { id: card.id, key: active && active.dataset ? active.dataset.focus || null : null } : null;
  });

  document.addEventListener("htmx:afterSettle", () => {
    if (!focusAfter) {
      return;
    }
    const card = document.getElementById(focusAfter.id);
    const key = focusAfter.key;
    focusAfter = null;
    if (!card) {
      return;
    }
    const target = (key && card.querySelector('[data-focus="' + key + '"]')) || card.querySelector("[data-focus]");
    if (target) {
      const details = target.closest("details");
      if (details) {
        details.open = true;
      }
      target.focus();
    }
    if (card.classList.contains("artefact-deleted")) {
      Pixie.announce(card.textContent.trim().replace(/\s+/g, " "));
    }
  });
})();
