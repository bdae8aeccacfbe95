// Browser-side callbacks of the regions page's map (pages/regions.py names them with ClientsideFunction("maps", ...)).
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.maps = {
  // The map's colouring: each area's trace carries both fill colours in ``meta`` and each marker trace its view,
  // so no request is made; no_update once the figure already shows the chosen view.
  colourBy: function (view, figure) {
    if (!figure || !figure.data) { return window.dash_clientside.no_update; }
    let changed = false;
    const data = figure.data.map(function (trace) {
      const meta = trace.meta || {};
      if (meta.fills && trace.fillcolor !== meta.fills[view]) {
        changed = true;
        return Object.assign({}, trace, {fillcolor: meta.fills[view]});
      }
      if (meta.view && (trace.visible !== false) !== (meta.view === view)) {
        changed = true;
        return Object.assign({}, trace, {visible: meta.view === view});
      }
      return trace;
    });
    return changed ? Object.assign({}, figure, {data: data}) : window.dash_clientside.no_update;
  },

  // A filled area's click carries only its trace number, so its code is read from that trace's ``meta``; a
  // marker's from its customdata.
  areaClicked: function (click, figure) {
    const point = click && click.points && click.points[0];
    if (!point || !figure) { return window.dash_clientside.no_update; }
    const trace = figure.data[point.curveNumber] || {};
    let code = trace.meta && trace.meta.code;
    if (!code && point.customdata) {
      code = Array.isArray(point.customdata) ? point.customdata[0] : point.customdata;
    }
    return code || window.dash_clientside.no_update;
  },
};
