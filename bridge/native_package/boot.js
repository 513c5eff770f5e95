/*
 * Boot: loading screen, the runtime's subpackages, Pyodide, pygame-ce, the app, main().
 *
 * Every step reports progress on the loading screen; any failure replaces it with what went
 * wrong and what to do. `BeanhopBoot` (global) records each phase's time since game.js started
 * (`phases`), for tests and the figures; the game calls `started()` after its first frame
 * (bridge.runtime.boot_started: the phase `frame`) and `fail(reason)` when main() fails.
 */
'use strict';

var adapter = require('./adapter.js');
var screen = require('./screen.js');
var webassembly = require('./webassembly.js');
var manifest = require('./manifest.js');
var unzip = require('./unzip.js');

var root = typeof GameGlobal !== 'undefined' ? GameGlobal : globalThis;

var START_PY = [
  'import asyncio, os, sys',
  'from importlib.machinery import FileFinder',
  'for _finder in list(sys.path_importer_cache.values()):',
  '    if isinstance(_finder, FileFinder):  # not importlib.invalidate_caches(): it imports',
  '        _finder.invalidate_caches()  # importlib.metadata, which the trim leaves out',
  'os.chdir(APP_DIR)',
  'sys.path.insert(0, APP_DIR)',
  'import dataclasses',
  'from game.main import main as _beanhop_main',
  'from game.options import from_query as _beanhop_options',
  'def _beanhop_done(task):',
  '    if not task.cancelled() and task.exception() is not None:',
  '        import traceback',
  '        traceback.print_exception(task.exception())',
  '_beanhop_options = dataclasses.replace(_beanhop_options(QUERY), server=SERVER_ORIGIN)',
  '_beanhop_task = asyncio.ensure_future(_beanhop_main(_beanhop_options))',
  '_beanhop_task.add_done_callback(_beanhop_done)'
].join('\n');

/* The launch options' query as a query string (development packages take the game's options from
 * it, like the web page's URL: autoplay, tour, seed, frames). */
function launchQuery(g) {
  var query = {};
  try {
    query = (g.getLaunchOptionsSync() || {}).query || {};
  } catch (e) {
    query = {};
  }
  return Object.keys(query).map(function (key) {
    return encodeURIComponent(key) + '=' + encodeURIComponent(String(query[key]));
  }).join('&');
}

function now(status) { return Date.now() - status.startedAt; }

function loadSubpackage(g, name, onProgress) {
  return new Promise(function (resolve, reject) {
    var task = g.loadSubpackage({
      name: name,
      success: function () { resolve(); },
      fail: function (res) {
        reject(new Error('loading the ' + name + ' subpackage failed' + (res && res.errMsg ? ': ' + res.errMsg : '')));
      }
    });
    if (task && typeof task.onProgressUpdate === 'function') {
      task.onProgressUpdate(function (res) { onProgress(Math.max(0, Math.min(1, (res.progress || 0) / 100))); });
    }
  });
}

/* pygame-ce's files into site-packages (a stored zip: no Python runs to unpack it), then its side
 * module instantiated the way Pyodide's loadPackage would (its stub's bytes name the module
 * TTWebAssembly compiled, webassembly.js) and left where dlopen finds it: Emscripten's
 * Module.preloadedWasm. The web page does the same (bridge/web/pyodide-boot.js). */
function preloadPygame(pyodide, wheel) {
  unzip.extract(pyodide.FS, wheel, manifest.sitePackages);
  var path = manifest.sitePackages + '/' + manifest.sideModulePath;
  var Module = pyodide._module;
  var flags = { loadAsync: true, nodelete: true, allowUndefined: true, global: false };
  return Module.loadWebAssemblyModule(pyodide.FS.readFile(path), flags, path, {}).then(function (exports) {
    Module.preloadedWasm[path] = exports;
  });
}

function start(startedAt) {
  var g = root.TTMinis.game;
  var status = root.BeanhopBoot = {
    state: 'loading', startedAt: startedAt, phases: {}, error: null, wasm: null, files: adapter.stats,
    started: function () {
      phase('frame');
      status.state = 'running';
      console.log('Bean Hop boot (ms since game.js started): ' + Object.keys(status.phases).map(function (name) {
        return name + ' ' + status.phases[name];
      }).join(', '));
    },
    fail: function (reason) { failed(reason); }
  };
  function phase(name) { status.phases[name] = now(status); }
  function failed(reason) {
    status.state = 'failed';
    status.error = String(reason);
    loading.fail('Bean Hop could not start: ' + status.error + ' Close the game and open it again.');
  }

  var canvas = g.createCanvas();
  var loading = new screen.LoadingScreen(canvas, manifest.width, manifest.height);
  loading.set(0.02, 'Loading…');
  phase('canvas');

  // Both subpackages download at once. Python starts as soon as the runtime is in: its reads of
  // python/ files wait for that subpackage, and pygame-ce's module compiles meanwhile.
  var fraction = {};
  function progress(name) {
    return function (value) {
      fraction[name] = value;
      var total = 0;
      manifest.subpackages.forEach(function (s) { total += (fraction[s] || 0); });
      loading.set(0.03 + 0.4 * total / manifest.subpackages.length, 'Downloading the game…');
    };
  }
  var loads = {};
  manifest.subpackages.forEach(function (name) {
    loads[name] = loadSubpackage(g, name, progress(name)).then(function () { phase(name); });
  });
  adapter.install({ aliases: manifest.aliases, loading: loads });
  var wasm = webassembly.create(root.TTWebAssembly, manifest);
  root.WebAssembly = wasm.shim;
  status.wasm = wasm.stats;
  var app = adapter.readFile(manifest.app);  // the main package's: there from the start
  app.catch(function () {});  // awaited below
  loads.python.then(function () { wasm.prepare(manifest.sideModule); }, function () {});

  return loads.runtime.then(function () {
    return wasm.precompile();  // Pyodide's runtime makes its first module from bytes at once
  }).then(function () {
    phase('precompiled');
    loading.set(0.45, 'Starting Python…');
    return root.loadPyodide({
      indexURL: adapter.packageUrl(manifest.runtime),
      lockFileURL: adapter.packageUrl(manifest.lockFile),
      stdLibURL: adapter.packageUrl(manifest.stdlib),
      stdout: function (line) { console.log(line); },
      stderr: function (line) { console.error(line); }
    });
  }).then(function (pyodide) {
    phase('pyodide');
    root.beanhopPyodide = pyodide;
    screen.attach(pyodide._module, screen.createElement(g, canvas));
    loading.set(0.75, 'Loading pygame-ce…');
    return loads.python.then(function () {
      return adapter.readFile(manifest.wheel);
    }).then(function (wheel) {
      return preloadPygame(pyodide, wheel);
    }).then(function () { return pyodide; });
  }).then(function (pyodide) {
    phase('pygame');
    loading.set(0.9, 'Unpacking the game…');
    return app.then(function (buffer) {
      unzip.extract(pyodide.FS, buffer, manifest.appDir);
      phase('app');
      loading.set(0.97, 'Starting…');
      pyodide.globals.set('APP_DIR', manifest.appDir);
      pyodide.globals.set('SERVER_ORIGIN', manifest.serverOrigin);
      pyodide.globals.set('QUERY', manifest.dev ? launchQuery(g) : '');
      adapter.uninstall();  // from here on the game sees the runtime's own globals
      pyodide.runPython(START_PY);
      phase('main');
      status.state = 'starting';
    });
  }).catch(function (error) {
    console.error(error && error.stack ? error.stack : error);
    failed(error && error.message ? error.message : error);
  });
}

module.exports = { start: start };
