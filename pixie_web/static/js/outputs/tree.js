// Tree outputs: the server draws nested <details> (collapsible without JavaScript, the first two
// levels open); this adds "Expand all" and "Collapse all" to the card header.
(function () {
  "use strict";

  const api = window.PixieOutputs;

  function setup(tree) {
    const card = api.cardOf(tree);
    const branches = () => Array.from(tree.querySelectorAll("details"));
    if (!card || !branches().length) {
      return;
    }
    const slot = api.actions(card);
    const label = card.querySelector(".output-label");
    const what = label ? label.textContent.trim() : "the tree";
    const expand = api.button("Expand all", "tree-expand", () => branches().forEach((d) => (d.open = true)));
    const collapse = api.button("Collapse all", "tree-collapse", () => branches().forEach((d) => (d.open = false)));
    expand.setAttribute("aria-label", "Expand all of " + what);
    collapse.setAttribute("aria-label", "Collapse all of " + what);
    slot.append(expand, collapse);
  }

  api.register(".output-card ul.output-tree", setup);
})();
