// Charts below the fold are drawn when they come into view (dashboard/components/views.py). A waiting card is a
// <section class="chart-card" data-lazy="<layout key>:<chart id>">; when it comes within a screen of the viewport
// (IntersectionObserver, and a check on scrolling), is focused (keyboard), or the page is printed, its chart-lazy store is set to "seen", which runs the card's
// callback. The layout key changes with every layout, so a card React reuses on the next page is drawn again.
(function () {
  "use strict";

  const revealed = new Set();  // "<layout key>:<chart id>" already asked for
  const watched = new WeakMap();  // card element -> the key it was observed under

  function reveal(card) {
    const key = card.dataset.lazy;
    const api = window.dash_clientside;
    if (!key || revealed.has(key) || !api || typeof api.set_props !== "function") { return; }
    revealed.add(key);
    if (observer) { observer.unobserve(card); }
    api.set_props({type: "chart-lazy", chart: card.dataset.chart}, {data: "seen"});
  }

  // A screen's height of margin: the next chart is drawn while the reader is still on this one.
  const observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) { if (entry.isIntersecting) { reveal(entry.target); } });
  }, {rootMargin: "100% 0px"}) : null;

  function scan() {
    document.querySelectorAll(".chart-card[data-lazy]").forEach(function (card) {
      const key = card.dataset.lazy;
      if (revealed.has(key) || watched.get(card) === key) { return; }
      watched.set(card, key);
      if (observer) {
        observer.unobserve(card);  // observed again: an element reused under a new key reports afresh
        observer.observe(card);
      } else {
        reveal(card);  // no IntersectionObserver: draw everything, as before
      }
    });
  }

  // Keyboard: a control or link in a waiting card (its table toggle, its downloads) draws it.
  document.addEventListener("focusin", function (event) {
    const card = event.target && event.target.closest && event.target.closest(".chart-card[data-lazy]");
    if (card) { reveal(card); }
  });
  // Printing (or saving as PDF) shows every chart.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".chart-card[data-lazy]").forEach(reveal);
  });

  // And on every scroll (a frame at most): IntersectionObserver may report a card passed by quickly (a keyboard's
  // End key, a scroll bar dragged, "skip to" links) only after it has gone; here the card is asked for as it passes.
  function near(card) {
    const box = card.getBoundingClientRect(), screen = window.innerHeight;
    return box.bottom >= -screen && box.top <= 2 * screen;  // the observer's margin: a screen above and below
  }
  let checking = false;
  window.addEventListener("scroll", function () {
    if (checking) { return; }
    checking = true;
    window.requestAnimationFrame(function () {
      checking = false;
      document.querySelectorAll(".chart-card[data-lazy]").forEach(function (card) {
        if (!revealed.has(card.dataset.lazy) && near(card)) { reveal(card); }
      });
    });
  }, {passive: true});

  let queued = false;
  function queue() {
    if (queued) { return; }
    queued = true;
    window.requestAnimationFrame(function () { queued = false; scan(); });
  }
  function start() {
    scan();
    new MutationObserver(queue).observe(document.body, {childList: true, subtree: true, attributes: true,
                                                        attributeFilter: ["data-lazy"]});
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
