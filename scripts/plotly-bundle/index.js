'use strict';
// The trace types the dashboard's figures use (tests/browser/test_plotly_bundle.py checks this list against every
// registered chart). core registers scatter and every component (legend, hover, modebar, colorbar, ...) itself.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
]);

module.exports = Plotly;
