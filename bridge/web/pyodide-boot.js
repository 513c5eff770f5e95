/* Boots the game on Pyodide: runtime, keyboard shim, pygame-ce, the app archive, main().
 * Everything is loaded from the bundle; no inline script and, in eval-free builds, no eval.
 *
 * Everything is fetched at once (the page preloads it): while the runtime downloads and compiles,
 * pygame-ce's side module (runtime/pygame-base.wasm, cut out of its wheel by the build) compiles
 * beside it. The wheel and the app archive are stored zips written into Python's file system by
 * unzip.js, with no Python involved; the side module is instantiated into the runtime and left
 * where Emscripten's dlopen finds it (Module.preloadedWasm), so `import pygame` links it at once.
 * Each phase ends with a performance mark "beanhop:<phase>"; window.BeanhopPhases lists them (ms
 * since navigation) and the console shows them. The page's query becomes the game's options
 * (game.options.from_query: ?tour=1&seed=1, ...). */
(function () {
  "use strict";

  var config = window.BEANHOP_BOOT;
  var boot = window.BeanhopBoot;
  var phases = [];
  window.BeanhopPhases = phases;

  function url(path) {
    return new URL(path, document.baseURI).href;
  }

  function phase(name) {
    var mark = performance.mark("beanhop:" + name);
    phases.push({ name: name, ms: mark ? mark.startTime : performance.now() });
  }

  function fetched(path) {
    return fetch(url(path)).then(function (response) {
      if (!response.ok) throw new Error("cannot fetch " + path + ": HTTP " + response.status);
      return response;
    });
  }

  function fetchBytes(path) {
    return fetched(path).then(function (response) { return response.arrayBuffer(); });
  }

  /* Streaming compile where the server says application/wasm, else from the bytes. */
  function compileWasm(path) {
    return fetched(path).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (WebAssembly.compileStreaming && type.indexOf("application/wasm") === 0) {
        return WebAssembly.compileStreaming(response);
      }
      return response.arrayBuffer().then(function (bytes) { return WebAssembly.compile(bytes); });
    });
  }

  /* Emscripten's own preload route for side modules: dlopen(path) takes these exports. */
  async function preloadSideModule(pyodide, module, path) {
    var Module = pyodide._module;
    var flags = { loadAsync: true, nodelete: true, allowUndefined: true, global: false };
    Module.preloadedWasm[path] = await Module.loadWebAssemblyModule(module, flags, path, {});
  }

  function settle(promise) {
    promise.catch(function () {});  // awaited later; a failure is reported there
    return promise;
  }

  var START = [
    "import asyncio, os, sys",
    "from importlib.machinery import FileFinder",
    "for _finder in list(sys.path_importer_cache.values()):",
    "    if isinstance(_finder, FileFinder):  # not importlib.invalidate_caches(): it imports",
    "        _finder.invalidate_caches()  # importlib.metadata, email, csv, calendar, ...",
    "os.chdir(APP_DIR)",
    "sys.path.insert(0, APP_DIR)",
    "from game.main import main as _beanhop_main",
    "from game.options import from_query as _beanhop_options",
    "def _beanhop_done(task):",
    "    if not task.cancelled() and task.exception() is not None:",
    "        import traceback",
    "        traceback.print_exception(task.exception())",
    "_beanhop_task = asyncio.ensure_future(_beanhop_main(_beanhop_options(QUERY)))",
    "_beanhop_task.add_done_callback(_beanhop_done)",
  ].join("\n");

  async function start() {
    phase("boot");
    var archive = settle(fetchBytes(config.archive));
    var wheel = settle(fetchBytes(config.runtimeBase + config.wheel));
    var sideModule = settle(compileWasm(config.runtimeBase + config.sideModule));
    boot.progress(0.05, "Loading Python…");
    var pyodide = await window.loadPyodide({
      indexURL: url(config.runtimeBase),
      stdout: function (line) { console.log(line); },
      stderr: function (line) { console.error(line); },
    });
    phase("runtime");
    window.BeanhopKeyboard.install(pyodide);
    pyodide.canvas.setCanvas2D(document.getElementById("canvas"));

    boot.progress(0.6, "Loading pygame-ce…");
    window.BeanhopUnzip.extract(pyodide.FS, await wheel, config.sitePackages);
    await preloadSideModule(pyodide, await sideModule, config.sitePackages + "/" + config.sideModulePath);
    phase("wheel");

    boot.progress(0.8, "Unpacking the game…");
    window.BeanhopUnzip.extract(pyodide.FS, await archive, config.appDir);
    phase("app");

    boot.progress(0.95, "Starting…");
    pyodide.globals.set("APP_DIR", config.appDir);
    pyodide.globals.set("QUERY", new URL(document.URL).search);
    pyodide.runPython("import pygame");
    phase("pygame");
    pyodide.runPython(START);
    phase("game");
    window.beanhopPyodide = pyodide;
    console.log("Bean Hop boot (ms since navigation): " + phases.map(function (p) {
      return p.name + " " + Math.round(p.ms);
    }).join(", "));
    // The loading screen stays until the game's first frame (bridge.runtime.boot_started).
  }

  start().catch(function (error) {
    console.error(error);
    boot.fail("Pyodide failed to start the game: " + (error && error.message ? error.message : error));
  });
})();
