// Browser-side callbacks of the shared page parts (dashboard/components/callbacks.py names them with
// ClientsideFunction("dashboard", ...)). Served from the app like every asset: no inline script.
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.dashboard = {
  // The canonical query (the page-filters store) into the address bar without rebuilding the page, and the
  // page and the chosen area in the browser tab's title (after Dash Pages has set its own).
  mirrorQuery: function (search) {
    if (typeof search !== "string") { return window.dash_clientside.no_update; }
    const url = window.location.pathname + search + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(window.history.state, "", url);
    }
    setTimeout(function () {
      const h1 = document.querySelector("main h1");
      const area = [...document.querySelectorAll("select")].find(e => e.id.includes('"name":"geo"'));
      const parts = [h1 ? h1.textContent : null,
                     area && area.selectedIndex >= 0 ? area.options[area.selectedIndex].text : null,
                     "Health and work dashboard"];
      document.title = parts.filter(Boolean).join(" - ");
    }, 60);
    return window.dash_clientside.no_update;
  },

  // "Sort by" buttons: re-order the figure from the orders it carries in layout.meta, and say which is pressed.
  sortChart: function (clicks, figure, ids, chosen) {
    const nothing = window.dash_clientside.no_update;
    const trigger = (window.dash_clientside.callback_context.triggered || [])[0];
    let key = chosen || (ids.length ? ids[0].key : null);
    if (trigger && trigger.prop_id.indexOf('"chart-sort"') !== -1 && trigger.value) {
      key = JSON.parse(trigger.prop_id.slice(0, trigger.prop_id.lastIndexOf("."))).key;
    }
    if (!ids.length) { return [nothing, [], nothing]; }
    const pressed = ids.map(function (id) { return String(id.key === key); });
    const meta = figure && figure.layout && figure.layout.meta;
    if (!meta || !meta.sorts || !meta.sorts[key] || meta.sort === key) { return [nothing, pressed, key]; }
    const layout = Object.assign({}, figure.layout, {
      meta: Object.assign({}, meta, {sort: key}),
      yaxis: Object.assign({}, figure.layout.yaxis, {categoryarray: meta.sorts[key]})});
    return [Object.assign({}, figure, {layout: layout}), pressed, key];
  },

  // "Copy embed code": the clipboard where the browser allows it, else the code is selected for Ctrl+C; the
  // status next to the button says which.
  copyEmbedCode: function (clicks, code, id) {
    if (!clicks) { return window.dash_clientside.no_update; }
    const area = document.getElementById(JSON.stringify({chart: id.chart, type: "chart-embed-code"}));
    const copied = "Embed code copied (" + clicks + ").";
    function select() {
      if (area) { area.focus(); area.select(); }
      let ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      return ok ? copied : "The embed code is selected: press Ctrl+C (or Cmd+C) to copy it.";
    }
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(code).then(function () { return copied; }, select);
    }
    return select();
  },
};
