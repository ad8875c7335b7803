// Image outputs: a before/after slider for `image_compare`, and "view larger" for images.
//
// image_compare: the server shows the two images side by side (which is how the page reads
// without JavaScript). Here they become one frame: the "before" image, with the "after" image
// over it clipped at a divider that a range input moves (arrow keys, drag, or a click); the
// divider starts at 50%. The side-by-side figures stay in the page, hidden, for their captions.
//
// image / image_grid: each embedded image becomes a button that opens it in a modal <dialog>
// (Escape or the Close button closes it). Images smaller than 64 px are drawn with crisp pixels.
(function () {
  "use strict";

  const api = window.PixieOutputs;
  let dialog = null;

  function crisp(img) {
    const mark = () => {
      if (img.naturalWidth && img.naturalWidth < 64) {
        img.classList.add("is-pixelated");
      }
    };
    if (img.complete) {
      mark();
    } else {
      img.addEventListener("load", mark, { once: true });
    }
  }

  function setupCompare(holder) {
    const before = holder.querySelector(".compare-before img");
    const after = holder.querySelector(".compare-after img");
    if (!before || !after) {
      return; // an external image is a link, not a picture: keep the side-by-side view
    }
    const frame = document.createElement("div");
    frame.className = "compare-slider";
    const base = before.cloneNode();
    base.className = "compare-base";
    const top = document.createElement("div");
    top.className = "compare-top";
    const over = after.cloneNode();
    over.className = "compare-over";
    top.appendChild(over);
    const handle = document.createElement("div");
    handle.className = "compare-handle";
    handle.setAttribute("aria-hidden", "true");
    const range = document.createElement("input");
    range.type = "range";
    range.min = "0";
    range.max = "100";
    range.step = "1";
    range.value = "50";
    range.className = "compare-range";
    range.setAttribute("aria-label", "Divider: the before image is on the left, the after image on the right");
    const move = () => {
      frame.style.setProperty("--split", range.value + "%");
      range.setAttribute("aria-valuetext", range.value + "% before, " + (100 - Number(range.value)) + "% after");
      frame.dataset.split = range.value;
    };
    range.addEventListener("input", move);
    frame.append(base, top, handle, range);
    const legend = document.createElement("p");
    legend.className = "compare-legend";
    legend.setAttribute("aria-hidden", "true");
    const left = document.createElement("span");
    left.textContent = "Before";
    const right = document.createElement("span");
    right.textContent = "After";
    legend.append(left, right);
    holder.append(frame, legend);
    holder.classList.add("is-enhanced");
    crisp(base);
    crisp(over);
    move();
  }

  function openDialog(img) {
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "image-dialog";
      const close = api.button("Close", "image-dialog-close", () => dialog.close());
      const picture = document.createElement("img");
      dialog.append(close, picture);
      dialog.addEventListener("click", (event) => {
        if (event.target === dialog) {
          dialog.close(); // a click on the backdrop
        }
      });
      document.body.appendChild(dialog);
    }
    const picture = dialog.querySelector("img");
    picture.src = img.currentSrc || img.src;
    picture.alt = img.alt;
    picture.classList.toggle("is-pixelated", img.classList.contains("is-pixelated"));
    dialog.setAttribute("aria-label", img.alt || "Image");
    dialog.showModal();
  }

  function setupImage(img) {
    if (img.src.startsWith("data:")) {
      img.loading = "eager"; // already in the page: lazy loading would only leave it 0 x 0 off-screen
    }
    crisp(img);
    const zoom = document.createElement("button");
    zoom.type = "button";
    zoom.className = "image-zoom";
    zoom.setAttribute("aria-label", "View larger: " + (img.alt || "image"));
    img.replaceWith(zoom);
    zoom.appendChild(img);
    zoom.addEventListener("click", () => openDialog(img));
  }

  api.register(".output-card .image-compare", setupCompare);
  api.register(
    ".output-card[data-output-type='image'] .output-image img, .output-card[data-output-type='image_grid'] .output-image img",
    setupImage
  );
})();
