// Accessibility the components cannot declare themselves. Runs on every page and on the embed page.
(function () {
  "use strict";

  // WCAG 2.2 1.4.13: hover content (chart tooltips) can be dismissed with Escape without moving the pointer.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !window.Plotly) { return; }
    document.querySelectorAll(".js-plotly-plot").forEach(function (graph) {
      window.Plotly.Fx.unhover(graph);
    });
  });

  // WCAG 1.1.1: each chart is one image, named by its heading and described by its text summary (the ids in
  // the container's data-labelledby / data-describedby). Plotly draws a chart as two or three SVGs full of
  // labels ("QMM QUE QJG..." on the map): the first becomes the image, the rest are hidden from assistive
  // technology. Plotly redraws these elements, so this runs again after every change to the page.
  function describeCharts() {
    document.querySelectorAll("[data-labelledby]").forEach(function (box) {
      const image = box.querySelector("svg.main-svg");
      box.querySelectorAll("svg").forEach(function (svg) {
        if (svg === image) {
          if (svg.getAttribute("role") !== "img") {
            svg.setAttribute("role", "img");
            svg.setAttribute("aria-labelledby", box.dataset.labelledby);
            svg.setAttribute("aria-describedby", box.dataset.describedby);
            svg.removeAttribute("aria-hidden");
          }
          // An image's parts are not read (Chromium would still list plotly's groups under it).
          Array.prototype.forEach.call(svg.children, function (part) {
            if (part.getAttribute("aria-hidden") !== "true") { part.setAttribute("aria-hidden", "true"); }
          });
        } else if (svg.getAttribute("aria-hidden") !== "true") {
          svg.setAttribute("aria-hidden", "true");
        }
      });
      // WCAG 1.4.10 / 2.1.1: on a narrow screen a chart scrolls sideways in its own box: then the box is a
      // named region a keyboard can scroll.
      const scroller = box.classList.contains("chart-image") ? box
        : (box.parentElement && box.parentElement.classList.contains("chart-scroll") ? box.parentElement : null);
      if (scroller) {
        const scrolls = scroller.scrollWidth > scroller.clientWidth + 1;
        if (scrolls && scroller.getAttribute("tabindex") !== "0") {
          scroller.setAttribute("tabindex", "0");
          scroller.setAttribute("role", "region");
          scroller.setAttribute("aria-label", "Chart: scroll sideways to see all of it");
        } else if (!scrolls && scroller.hasAttribute("tabindex")) {
          ["tabindex", "role", "aria-label"].forEach(function (name) { scroller.removeAttribute(name); });
        }
      }
    });
  }

  // WCAG 4.1.2: the navigation link of the page shown says so (dbc.NavLink only makes it bold).
  function markCurrentPage() {
    document.querySelectorAll(".nav-page-link").forEach(function (link) {
      const current = link.classList.contains("active");
      if (current && link.getAttribute("aria-current") !== "page") {
        link.setAttribute("aria-current", "page");
      } else if (!current && link.hasAttribute("aria-current")) {
        link.removeAttribute("aria-current");
      }
    });
  }

  // WCAG 2.4.3 / 4.1.3: after moving to another page inside the app (Dash Pages changes the address with
  // pushState, without a page load), put focus on the new page's <h1>, so a screen reader reads where it is.
  let path = window.location.pathname;
  let oldHeading = null;
  function pageChanged() {
    if (window.location.pathname === path) { return; }
    path = window.location.pathname;
    oldHeading = document.querySelector("main h1");
    const started = Date.now();
    (function focusHeading() {
      const heading = document.querySelector("main h1");
      if (heading && heading !== oldHeading) {
        heading.setAttribute("tabindex", "-1");
        heading.focus();
        return;
      }
      if (Date.now() - started < 10000) { setTimeout(focusHeading, 50); }
    })();
  }
  ["pushState", "replaceState"].forEach(function (name) {
    const original = window.history[name];
    window.history[name] = function () {
      const result = original.apply(this, arguments);
      pageChanged();
      return result;
    };
  });
  window.addEventListener("popstate", pageChanged);

  let queued = false;
  function queue() {
    if (queued) { return; }
    queued = true;
    window.requestAnimationFrame(function () { queued = false; describeCharts(); markCurrentPage(); });
  }
  window.addEventListener("resize", queue);
  function start() {
    describeCharts();
    markCurrentPage();
    new MutationObserver(queue).observe(document.body, {childList: true, subtree: true, attributes: true,
                                                        attributeFilter: ["class"]});
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
