/* Bean Hop loading screen: progress, the "started" handshake, and a clear message when the
 * Python runtime cannot be loaded or the game fails (instead of a page stuck on "loading" or a
 * black frame). The game calls started() after its first frame and fail(error, "python") when it
 * cannot start (bridge/runtime.py boot_started / boot_failed).
 * Configuration comes from boot-config.js (window.BEANHOP_BOOT), written by the build. */
(function () {
  "use strict";

  var config = window.BEANHOP_BOOT || {};
  var timeoutMs = Number(config.loadTimeoutMs || 30000);
  var state = { started: false, failed: false, timer: null };

  function byId(id) {
    return document.getElementById(id);
  }

  function progress(fraction, text) {
    if (state.started || state.failed) return;
    var bar = byId("progress");
    if (bar && typeof fraction === "number") {
      bar.max = 100;
      bar.value = Math.max(0, Math.min(100, Math.round(fraction * 100)));
      bar.hidden = false;  // pygbag hides it on status text without a count (pythons.js setStatus)
    }
    if (text) {
      var status = byId("status");
      if (status) status.textContent = String(text);
    }
  }

  function started() {
    if (state.started || state.failed) return;
    state.started = true;
    clearInterval(state.timer);
    var box = byId("loading");
    if (box) box.hidden = true;
    document.body.classList.add("game-started");
    var canvas = byId("canvas");
    if (canvas && canvas.focus) canvas.focus();
  }

  function addLine(parent, tag, text) {
    var node = document.createElement(tag);
    node.textContent = text;
    parent.appendChild(node);
    return node;
  }

  function runtimeHint(box) {
    if (config.runtime === "pygbag" && !config.selfContained) {
      addLine(box, "div", "The Python runtime comes from pygbag's CDN (" + config.cdn +
        "), which this browser cannot reach. Build a bundle that needs no CDN:");
      addLine(box, "code", "python -m bridge.build --dev --runtime-dir DIR");
      addLine(box, "div", "(DIR holds pygbag's runtime files, see docs/web.md), or use Pyodide from npm:");
      addLine(box, "code", "python -m bridge.build --dev --runtime pyodide --wheel PATH/pygame_ce-...wasm32_bi_emscripten.whl");
    } else {
      addLine(box, "div", "Check the browser console, then rebuild with python -m bridge.build.");
    }
  }

  // source "python": the runtime runs and the game raised (its traceback is in the console); it
  // may come after the first frame, so the screen comes back over a stopped game. "stalled": the
  // load made progress, then none (the runtime came; the CDN hint would mislead).
  function fail(reason, source) {
    var python = source === "python";
    if (state.failed || (state.started && !python)) return;
    state.failed = true;
    clearInterval(state.timer);
    var box = byId("load-error");
    if (!box) return;
    box.textContent = "";
    addLine(box, "strong", python ? "The game stopped with an error." : "The game could not start.");
    addLine(box, "div", reason);
    if (python || source === "stalled") {
      addLine(box, "div", "The details are in the browser console. Reload the page to try again.");
    } else {
      runtimeHint(box);
    }
    box.hidden = false;
    var loading = byId("loading");
    if (loading) loading.hidden = false;
    var status = byId("status");
    if (status) status.textContent = python ? "Stopped" : "Loading failed";
    document.body.classList.add("load-failed");
  }

  // A runtime script that cannot be fetched fires an error event on its element; catch it
  // in the capture phase, before the module loader gives up silently.
  window.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target.tagName === "SCRIPT" && target.hasAttribute("data-runtime")) {
      fail("Could not load " + (target.src || "the runtime") + ".");
    }
  }, true);

  // The timeout counts from the last sign of progress (the runtimes and the page's Python write
  // #status and #progress), until the game's first frame, so a slow but moving download is not
  // mistaken for a dead one and a game that never draws is.
  function snapshot() {
    var status = byId("status");
    var bar = byId("progress");
    return (status ? status.textContent : "") + "|" + (bar ? bar.value : "");
  }

  var lastSeen = snapshot();
  var progressed = false;
  var lastChange = Date.now();
  state.timer = setInterval(function () {
    var seen = snapshot();
    if (seen !== lastSeen) {
      lastSeen = seen;
      progressed = true;
      lastChange = Date.now();
    } else if (Date.now() - lastChange >= timeoutMs) {
      var seconds = Math.round(timeoutMs / 1000) + " seconds";
      if (progressed) {
        fail("The game did not start: no progress for " + seconds + " after \"" +
          seen.split("|")[0] + "\".", "stalled");
      } else {
        fail("The runtime did not start: no progress for " + seconds + ".");
      }
    }
  }, Math.min(1000, Math.max(100, timeoutMs / 10)));

  function absolute(path) {
    return new URL(path, document.baseURI).href;
  }

  window.BeanhopBoot = {
    config: config,
    absolute: absolute,
    progress: progress,
    started: started,
    fail: fail,
    get state() {
      return state.started && !state.failed ? "started" : state.failed ? "failed" : "loading";
    },
  };
})();
