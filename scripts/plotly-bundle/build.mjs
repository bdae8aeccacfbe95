// Builds ../../assets/vendor/plotly-custom.min.js: plotly.js (npm, version pinned in package-lock.json) with only
// the trace types index.js registers. Run from this folder: `npm ci && npm run build`. The output depends only on
// the locked packages and this folder's files (no dates, no absolute paths), so two builds give the same bytes.
// `node build.mjs --analyse` also lists what takes the room, module by module.
//
// What plotly.js's own partial bundles (dist/plotly-cartesian.min.js and friends) do, and this does too:
// - esbuild, one IIFE assigning `var Plotly`, target es2016, `global` read as `window`, no AMD;
// - attribute documentation (description, hrName, requiredOpts, otherOpts) left out: it feeds only
//   Plotly.PlotSchema's docs and is 130 KB of the minified bundle;
// - wrapped so that a <script> sets window.Plotly and CommonJS gets module.exports;
// - plotly.js's licence header, naming the version and what the bundle holds.
// Calendars (world-calendars, non-Gregorian dates) are left out: no figure sets a *calendar attribute.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { analyzeMetafile, build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const OUT = join(here, '..', '..', 'assets', 'vendor', 'plotly-custom.min.js');
const CONTENTS = 'custom: scatter, bar, heatmap';

const plotlyRoot = dirname(require.resolve('plotly.js/package.json'));
const version = JSON.parse(readFileSync(join(plotlyRoot, 'package.json'), 'utf8')).version;
const esbuildVersion = JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')).version;

// plotly.js's own licence header (first comment of its full dist bundle), naming this bundle's contents.
const officialHeader = readFileSync(join(plotlyRoot, 'dist', 'plotly.min.js'), 'utf8').split('*/')[0] + '*/';
if (!officialHeader.includes(`plotly.js v${version}`)) throw new Error(`unexpected header in plotly.js ${version}`);
const header = officialHeader
    .replace('plotly.js v', `plotly.js (${CONTENTS} - minified) v`)
    .replace(/\*\/$/, `* Built from npm's plotly.js@${version} with esbuild ${esbuildVersion} by scripts/plotly-bundle\n*/`);

// Documentation-only keys in plotly.js's attribute definitions, with the comma after them: `key: 'a string'`,
// `key: ['strings', ...].join(' ')` (the call's argument may be on lines of its own) or `key: ['strings', ...]`.
// The patterns match whole string literals only, so none can run on into the keys that follow; a value built any
// other way (from a variable, a call) stays, as do a few dozen such descriptions. A cut that broke the code would
// fail esbuild's parse; tests/browser/test_plotly_bundle.py compares the schema with plotly.js's own bundle.
const STRING = String.raw`(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")`;
const STRINGS = String.raw`\[(?:\s|,|//[^\n]*|${STRING})*\]`;
const docKey = (key, value) => new RegExp(String.raw`\s*\b${key}: ${value},?`, 'g');
const DOC_KEYS = [
    docKey('description', STRING),
    docKey('description', String.raw`${STRINGS}\.join\(\s*${STRING}\s*\)`),
    docKey('hrName', STRING),
    docKey('requiredOpts', STRINGS),
    docKey('otherOpts', STRINGS),
];

const dropDocs = {
    name: 'drop-attribute-docs',
    setup(b) {
        b.onLoad({ filter: /[\\/]plotly\.js[\\/]src[\\/].*\.js$/ }, (args) => {
            let code = readFileSync(args.path, 'utf8');
            for (const pattern of DOC_KEYS) code = code.replace(pattern, '');
            return { contents: code, loader: 'js' };
        });
    },
};

// plotly.js's registry asks for maplibre-gl's stylesheet when a map trace is registered; none is, so the import is
// dead code, and an empty module keeps esbuild from writing the 80 KB stylesheet beside the bundle.
const noStylesheets = {
    name: 'no-stylesheets',
    setup(b) {
        b.onResolve({ filter: /\.css$/ }, (args) => ({ path: args.path, namespace: 'no-stylesheets' }));
        b.onLoad({ filter: /.*/, namespace: 'no-stylesheets' }, () => ({ contents: '', loader: 'js' }));
    },
};

const UMD_START = [
    '(',
    ' function(root, factory) {',
    '  if (typeof module === "object" && module.exports) {',
    '   module.exports = factory();',
    '  } else {',
    '   root.moduleName = factory();',
    '  }',
    '} (typeof self !== "undefined" ? self : this, () => {',
].join('\n');
const UMD_END = ['window.Plotly = Plotly;', 'return Plotly;', '}));', ''].join('\n');

const result = await build({
    entryPoints: [join(here, 'index.js')],
    outfile: OUT,
    bundle: true,
    format: 'iife',
    globalName: 'Plotly',
    minify: true,
    target: 'es2016',
    define: { global: 'window', 'define.amd': 'false' },
    plugins: [dropDocs, noStylesheets],
    metafile: process.argv.includes('--analyse'),
    banner: { js: `${header}\n${UMD_START}` },
    footer: { js: UMD_END },
    charset: 'utf8',
    logLevel: 'info',
});

if (result.metafile) console.log(await analyzeMetafile(result.metafile));
