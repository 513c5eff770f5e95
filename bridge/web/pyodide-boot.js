/* Boots the game on Pyodide: runtime, keyboard shim, pygame-ce wheel, the app archive, main().
 * Everything is loaded from the bundle; no inline script and, in eval-free builds, no eval. */
(function () {
  "use strict";

  var config = window.BEANHOP_BOOT;
  var boot = window.BeanhopBoot;

  function url(path) {
    return new URL(path, document.baseURI).href;
  }

  var START = [
    "import asyncio, os, sys",
    "os.chdir(APP_DIR)",
    "sys.path.insert(0, APP_DIR)",
    "from game.main import main as _beanhop_main",
    "def _beanhop_done(task):",
    "    if not task.cancelled() and task.exception() is not None:",
    "        import traceback",
    "        traceback.print_exception(task.exception())",
    "_beanhop_task = asyncio.ensure_future(_beanhop_main())",
    "_beanhop_task.add_done_callback(_beanhop_done)",
  ].join("\n");

  async function start() {
    boot.progress(0.05, "Loading Python…");
    var pyodide = await window.loadPyodide({
      indexURL: url(config.runtimeBase),
      stdout: function (line) { console.log(line); },
      stderr: function (line) { console.error(line); },
    });
    window.BeanhopKeyboard.install(pyodide);
    pyodide.canvas.setCanvas2D(document.getElementById("canvas"));

    boot.progress(0.6, "Loading pygame-ce…");
    await pyodide.loadPackage(url(config.runtimeBase + config.wheel));

    boot.progress(0.8, "Unpacking the game…");
    var response = await fetch(url(config.archive));
    if (!response.ok) throw new Error("cannot fetch " + config.archive + ": HTTP " + response.status);
    pyodide.unpackArchive(await response.arrayBuffer(), "zip", { extractDir: config.appDir });

    boot.progress(0.95, "Starting…");
    pyodide.globals.set("APP_DIR", config.appDir);
    pyodide.runPython(START);
    window.beanhopPyodide = pyodide;
    // The loading screen stays until the game's first frame (bridge.runtime.boot_started).
  }

  start().catch(function (error) {
    console.error(error);
    boot.fail("Pyodide failed to start the game: " + (error && error.message ? error.message : error));
  });
})();
