/* Test stand-in for pygbag's cpython312/main.js (the Emscripten loader of its CPython).
 *
 * Like the real one it reports its download through Module.setStatus ("Downloading data...
 * (n/m)", "Running...", "") and fetches main.data from Module.locateFile (pygbag's stdlib, here the
 * list of its modules), then calls the postRun hooks. The interpreter is Pyodide (a real CPython
 * 3.12), served by the test at /pyodide/ of the page's origin.
 */
(function () {
  "use strict";

  var vm = window.Module;
  window.stubLog.push("main.js");

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = src;
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("cannot load " + src)); };
      document.head.appendChild(tag);
    });
  }

  async function boot() {
    vm.setStatus("Downloading data... (0/3)");
    var data = await fetch(vm.locateFile("main.data", ""));
    if (!data.ok) throw new Error("main.data: HTTP " + data.status);
    vm.stdlib = await data.text();
    vm.setStatus("Downloading data... (1/3)");
    var engine = new URL("/pyodide/", location.href).href;
    await loadScript(engine + "pyodide.js");
    vm.setStatus("Downloading data... (2/3)");
    vm.pyodide = await window.loadPyodide({ indexURL: engine, stdout: console.log, stderr: console.warn });
    vm.pyodide.canvas.setCanvas2D(document.getElementById("canvas"));
    vm.setStatus("Running...");
    setTimeout(function () { vm.setStatus(""); }, 1);
    for (var i = 0; i < vm.postRun.length; i++) await vm.postRun[i](vm);
  }

  boot().catch(function (error) {
    console.error("stand-in main.js:", error);
    window.stubError = String(error);
  });
})();
