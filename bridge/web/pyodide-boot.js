/* Boots the game on Pyodide: runtime, keyboard shim, pygame-ce wheel, the app archive, main().
 * Everything is loaded from the bundle; no inline script and, in eval-free builds, no eval.
 *
 * The app archive is fetched at once, while the runtime downloads and compiles. Each phase ends
 * with a performance mark "beanhop:<phase>"; window.BeanhopPhases lists them (ms since
 * navigation) and the console shows them. The page's query becomes the game's options
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

  function fetchBytes(path) {
    return fetch(url(path)).then(function (response) {
      if (!response.ok) throw new Error("cannot fetch " + path + ": HTTP " + response.status);
      return response.arrayBuffer();
    });
  }

  var START = [
    "import asyncio, os, sys",
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
    var archive = fetchBytes(config.archive);
    archive.catch(function () {});  // awaited below; a failure is reported there
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
    await pyodide.loadPackage(url(config.runtimeBase + config.wheel));
    phase("wheel");

    boot.progress(0.8, "Unpacking the game…");
    pyodide.unpackArchive(await archive, "zip", { extractDir: config.appDir });
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
