
(function () {
  var fig = JSON.parse(document.getElementById("embed-figure").textContent);
  // No toolbar (no "Share chart" upload to Plotly Cloud; the axes are fixed), as on the dashboard's pages.
  Plotly.newPlot("chart", fig.data, fig.layout, {responsive: true, displaylogo: false, showSendToCloud: false,
    displayModeBar: false}).then(function () {
    document.body.setAttribute("data-ready", "true");
  });
  // Tell a host page running /embed.js how tall the content is, whenever that changes (and when asked).
  var last = 0;
  function report(force) {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (window.parent === window || (height === last && !force)) { return; }
    last = height;
    window.parent.postMessage({type: "health-work-embed:height", height: height}, "*");
  }
  if (window.ResizeObserver) { new ResizeObserver(function () { report(false); }).observe(document.body); }
  window.addEventListener("load", function () { report(true); });
  window.addEventListener("message", function (event) {
    if (event.source === window.parent && event.data && event.data.type === "health-work-embed:ask") { report(true); }
  });
})();
