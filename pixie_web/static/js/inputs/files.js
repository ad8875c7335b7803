// File, image and audio inputs: a drop zone around the native file chooser, a list of the chosen
// files (size, a preview for images, a player for sound, a remove button), and the input's limits
// checked in the browser: a file over max_size_mb (data-max-size-mb) or of a type the input does
// not accept is refused with a message, before anything is sent.
//
// The native <input type=file> stays the control that posts: the widget sets its `files` from
// the list it keeps. A `multiple` input adds newly chosen or dropped files to the list.
(function () {
  "use strict";

  const inputs = window.PixieInputs;
  const MIB = 1024 * 1024;

  function sizeText(size, limitMb) {
    // Near the limit, "1.0 MB" would not say why the file is too big: give the bytes.
    return size / MIB >= limitMb + 0.05 ? (size / MIB).toFixed(1) + " MB" : size.toLocaleString("en-GB") + " bytes";
  }

  function acceptor(input) {
    const entries = (input.accept || "")
      .split(",")
      .map((entry) => entry.trim().toLowerCase())
      .filter(Boolean);
    const matches = (entry, name, type) => {
      if (entry.startsWith(".")) {
        return name.endsWith(entry);
      }
      return entry.endsWith("/*") ? type.startsWith(entry.slice(0, -1)) : type === entry;
    };
    return (file) => {
      const name = file.name.toLowerCase();
      const type = (file.type || "").toLowerCase();
      return !entries.length || entries.some((entry) => matches(entry, name, type));
    };
  }

  function sameFile(a, b) {
    return a.name === b.name && a.size === b.size && a.lastModified === b.lastModified;
  }

  function preview(file, urls) {
    const type = file.type || "";
    if (!type.startsWith("image/") && !type.startsWith("audio/")) {
      return null;
    }
    const url = URL.createObjectURL(file);
    urls.push(url);
    if (type.startsWith("image/")) {
      return inputs.el("img", { className: "file-thumb", attrs: { src: url, alt: "Preview of " + file.name } });
    }
    const attrs = { src: url, controls: true, "aria-label": "Play " + file.name };
    return inputs.el("audio", { className: "file-player", attrs });
  }

  function setup(input) {
    const field = inputs.fieldOf(input);
    const label = inputs.labelOf(field);
    const many = input.multiple;
    const limit = Number(input.dataset.maxSizeMb) || 0;
    const accepts = acceptor(input);
    const prompt = inputs.el("p", {
      className: "drop-prompt",
      text: many ? "Drop files here, or choose them:" : "Drop a file here, or choose one:",
      attrs: { "aria-hidden": "true" },
    });
    const list = inputs.el("ul", { className: "file-list", attrs: { "aria-label": label + ": chosen files" } });
    const problem = inputs.el("p", {
      className: "field-error file-problem",
      attrs: { role: "alert", id: inputs.uid("file-problem") },
    });
    const described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", [described, problem.id].filter(Boolean).join(" "));
    const zone = inputs.el("div", { className: "drop-zone" });
    input.before(zone);
    zone.append(prompt, input, list);
    zone.after(problem);
    let files = [];
    let urls = [];

    function draw() {
      urls.forEach((url) => URL.revokeObjectURL(url));
      urls = [];
      list.replaceChildren(
        ...files.map((file, index) =>
          inputs.el("li", { className: "file-item" }, [
            preview(file, urls) || "",
            inputs.el("span", { className: "file-name", text: file.name }),
            inputs.el("span", { className: "file-size", text: inputs.formatBytes(file.size) }),
            inputs.el("button", {
              className: "button button-small file-remove",
              text: "Remove",
              attrs: { type: "button", "aria-label": "Remove " + file.name },
              on: { click: () => remove(index) },
            }),
          ])
        )
      );
      list.hidden = !files.length;
      zone.classList.toggle("has-files", files.length > 0);
    }

    function sync() {
      const transfer = new DataTransfer();
      files.forEach((file) => transfer.items.add(file));
      input.files = transfer.files;
      draw();
      input.dispatchEvent(new Event("input", { bubbles: true })); // not "change": that is the person's
    }

    function take(incoming, replace) {
      const refused = [];
      let kept = replace || !many ? [] : files.slice();
      for (const file of incoming) {
        if (limit && file.size > limit * MIB) {
          refused.push(
            "“" + file.name + "” was not added: it is " + sizeText(file.size, limit) + ", and " + label +
              " takes files up to " + limit + " MB."
          );
        } else if (!accepts(file)) {
          refused.push("“" + file.name + "” was not added: " + label + " accepts " + input.accept + ".");
        } else if (!many) {
          kept = [file];
        } else if (!kept.some((old) => sameFile(old, file))) {
          kept.push(file);
        }
      }
      if (refused.length && !many && !kept.length) {
        kept = replace ? [] : files; // a refused file does not throw away the one chosen before
      }
      files = kept;
      problem.textContent = refused.join(" ");
      problem.hidden = !refused.length;
      sync();
      if (!refused.length) {
        inputs.announce(files.length === 1 ? "1 file chosen" : files.length + " files chosen");
      }
    }

    function remove(index) {
      const [gone] = files.splice(index, 1);
      problem.hidden = true;
      sync();
      inputs.announce("Removed " + gone.name);
      const next = list.querySelectorAll(".file-remove")[Math.min(index, files.length - 1)];
      (next || input).focus();
    }

    input.addEventListener("change", () => take(Array.from(input.files || []), false));
    for (const name of ["dragenter", "dragover"]) {
      zone.addEventListener(name, (event) => {
        event.preventDefault();
        zone.classList.add("is-dragover");
      });
    }
    zone.addEventListener("dragleave", (event) => {
      if (!zone.contains(event.relatedTarget)) {
        zone.classList.remove("is-dragover");
      }
    });
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("is-dragover");
      const dropped = event.dataTransfer ? Array.from(event.dataTransfer.files) : [];
      if (dropped.length) {
        take(many ? dropped : dropped.slice(0, 1), false);
      }
    });
    problem.hidden = true;
    files = Array.from(input.files || []);
    draw();
  }

  Pixie.register("input[type='file'][data-widget]", setup);
})();
