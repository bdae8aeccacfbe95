// WCAG 2.2 1.4.13: hover content (chart tooltips) can be dismissed with Escape without moving the pointer.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape" || !window.Plotly) { return; }
  document.querySelectorAll(".js-plotly-plot").forEach(function (graph) {
    window.Plotly.Fx.unhover(graph);
  });
});
