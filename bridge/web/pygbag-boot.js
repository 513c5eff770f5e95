/* pygbag's hooks, set before its pythons.js runs (docs/web.md, "How the page meets pygbag").
 *
 * window.custom_onload: pythons.js calls it on the page's load event, after it has turned the
 * page's query and hash into CPython options and before it loads the interpreter. Here:
 *  - the options become what a plain URL gives, plus PYGPI: a link's "?K=V" would set environment
 *    variables (cpythonrc.py), "?x.py" or "#x.py" would fetch and run that file (import_site);
 *  - PYGPI: cpythonrc.py turns "K=V" options into os.environ, and pep0723.py reads PYGPI once,
 *    for the page's own script, to choose the package index and where wheels come from (the
 *    bundle's for --runtime-dir, pygbag's CDN otherwise, never http://localhost:8000/cdn/);
 *  - Module.setStatus: the interpreter's download texts move our progress bar (pygbag's own
 *    setStatus hides #progress on any text without a count).
 * Errors and unhandled promise rejections: pythons.js alert()s them (a refused audio.play() on
 * iOS would pop a dialog). These listeners come first and stop pygbag's; the browser still logs.
 */
(function () {
  "use strict";

  var boot = window.BeanhopBoot;
  var config = window.BEANHOP_BOOT || {};
  var COUNTED = /\((\d+(?:\.\d+)?)\/(\d+)\)/;  // "Downloading data... (12/34)"
  var hooked = false;

  function setStatus(text) {
    var counted = COUNTED.exec(text || "");
    if (counted) {
      var done = Number(counted[2]) ? Number(counted[1]) / Number(counted[2]) : 0;
      boot.progress(0.05 + 0.55 * Math.min(1, done), "Downloading Python…");
    } else if (text === "Running...") {
      boot.progress(0.65, "Starting Python…");
    }
  }

  window.custom_onload = function () {
    if (hooked) return;  // pythons.js calls it again from its debug() helper
    hooked = true;
    var vm = window.Module;
    var options = vm.PyConfig;
    options.orig_argv.splice(0, options.orig_argv.length, "", "PYGPI=" + boot.absolute(config.packageIndex));
    options.argv.splice(0, options.argv.length, "");
    vm.setStatus = setStatus;
  };

  window.addEventListener("unhandledrejection", function (event) {
    event.stopImmediatePropagation();
  });
  window.addEventListener("error", function (event) {
    if (!(event.target instanceof Element)) event.stopImmediatePropagation();
  });
})();
