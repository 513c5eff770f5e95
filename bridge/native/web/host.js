/*
 * The emulator page: checks the package (the server runs `bridge.check --target native`), starts
 * it in a dedicated worker with the screen's canvas transferred to it, turns pointer events into
 * touches, shows the runtime's console and API calls, and keeps `window.nativeEmulator`:
 *   nativeEmulator.status   a frozen snapshot {state, boots, errors, warnings, refusals, fps,
 *                           frames, bytesRead, filesRead, bytesDownloaded, calls, console,
 *                           globals, package}; state: checking, refused, booting, running, failed
 *   nativeEmulator.reload() stops the package and starts it again (storage and files stay)
 */
(function () {
  'use strict';

  // The emulated phone (CSS px); TikTok's real sizes differ by device.
  var DEVICE = { width: 360, height: 640, pixelRatio: 2, statusBarHeight: 24 };
  var MAX_LINES = 500;
  var platform = window.NativeEmuPlatform;
  var worker = null;
  var canvas = null;
  var status = fresh(0);
  var lines = [];

  function $(id) { return document.getElementById(id); }

  function fresh(boots) {
    return {
      state: 'checking', boots: boots, errors: [], warnings: [], refusals: [], fps: 0, frames: 0,
      bytesRead: 0, filesRead: 0, bytesDownloaded: 0, calls: {}, console: lines, globals: [], package: null
    };
  }

  function freeze(value) {
    if (value && typeof value === 'object') {
      Object.keys(value).forEach(function (key) { freeze(value[key]); });
      Object.freeze(value);
    }
    return value;
  }

  Object.defineProperty(window, 'nativeEmulator', {
    value: Object.freeze({
      get status() { return freeze(JSON.parse(JSON.stringify(status))); },
      reload: function () { start(); }
    })
  });

  // ---- the console panel ----------------------------------------------------------------

  function log(level, text) {
    lines.push({ level: level, text: text });
    if (lines.length > MAX_LINES) { lines.shift(); }
    var box = $('emu-console');
    var line = document.createElement('div');
    line.className = level;
    line.textContent = text;
    box.appendChild(line);
    while (box.childNodes.length > MAX_LINES) { box.removeChild(box.firstChild); }
    box.scrollTop = box.scrollHeight;
  }

  function emulatorSays(level, text) {
    log(level === 'error' ? 'error' : level, text);
    (console[level] || console.log).call(console, '[native emulator] ' + text);
  }

  function render() {
    var badge = $('emu-state');
    badge.textContent = status.state;
    badge.className = 'badge ' + status.state;
    $('emu-fps').textContent = status.fps + ' fps';
    $('emu-bytes').textContent = (status.bytesRead / 1024).toFixed(0) + ' KB read';
    var body = $('emu-calls').tBodies[0];
    var names = Object.keys(status.calls).sort();
    while (body.rows.length > names.length) { body.deleteRow(-1); }
    names.forEach(function (name, i) {
      var row = body.rows[i] || body.insertRow();
      if (!row.cells.length) { row.insertCell(); row.insertCell(); }
      row.cells[0].textContent = name;
      row.cells[1].textContent = String(status.calls[name]);
    });
  }

  // ---- the screen and touches -------------------------------------------------------------

  function newCanvas(orientation) {
    var landscape = orientation === 'landscape';
    var width = landscape ? DEVICE.height : DEVICE.width;
    var height = landscape ? DEVICE.width : DEVICE.height;
    if (canvas) { canvas.remove(); }
    canvas = document.createElement('canvas');
    canvas.id = 'screen';
    canvas.width = width;
    canvas.height = height;
    canvas.style.width = width + 'px';
    canvas.style.height = height + 'px';
    $('game-frame').insertBefore(canvas, $('emu-message'));
    attachTouches(canvas, width);
    return { width: width, height: height };
  }

  function attachTouches(target, width) {
    var down = {};
    function send(phase, e) {
      var rect = target.getBoundingClientRect();
      var scale = width / rect.width;
      post({
        type: 'touch', phase: phase, timeStamp: e.timeStamp,
        touch: {
          identifier: e.pointerId,
          x: (e.clientX - rect.left) * scale,
          y: (e.clientY - rect.top) * scale,
          force: e.pressure || (phase === 'end' ? 0 : 1)
        }
      });
    }
    target.addEventListener('pointerdown', function (e) {
      down[e.pointerId] = true;
      target.setPointerCapture(e.pointerId);
      send('start', e);
    });
    target.addEventListener('pointermove', function (e) { if (down[e.pointerId]) { send('move', e); } });
    target.addEventListener('pointerup', function (e) {
      if (down[e.pointerId]) { delete down[e.pointerId]; send('end', e); }
    });
    target.addEventListener('pointercancel', function (e) {
      if (down[e.pointerId]) { delete down[e.pointerId]; send('cancel', e); }
    });
  }

  function systemInfo(size, orientation) {
    var top = orientation === 'landscape' ? 0 : DEVICE.statusBarHeight;
    return {
      brand: 'emulator', model: 'TikTok native runtime emulator', platform: 'devtools',
      system: 'Emulator (' + navigator.userAgent.replace(/^.*(Chrom\w+\/[\d.]+).*$/, '$1') + ')',
      version: '43.4.0', SDKVersion: '0.6.0', language: navigator.language,
      pixelRatio: DEVICE.pixelRatio, screenWidth: size.width, screenHeight: size.height,
      windowWidth: size.width, windowHeight: size.height, statusBarHeight: top,
      safeArea: { left: 0, right: size.width, top: top, bottom: size.height, width: size.width, height: size.height - top },
      deviceOrientation: orientation, benchmarkLevel: 1, fontSizeSetting: 16
    };
  }

  // ---- the worker ---------------------------------------------------------------------------

  function post(message, transfer) { if (worker) { worker.postMessage(message, transfer || []); } }

  function fail(text) {
    status.errors.push(text);
    log('error', text);
  }

  function onMessage(event) {
    var m = event.data || {};
    if (m.type === 'console') { log(m.level, m.text); }
    else if (m.type === 'error') { fail(m.text); }
    else if (m.type === 'state') {
      status.state = m.state;
      if (m.globals) { status.globals = m.globals; }
      if (m.stuck && m.stuck.length) { emulatorSays('warn', 'could not remove from the global scope: ' + m.stuck.join(', ')); }
      if (m.error) { fail(m.error); emulatorSays('error', 'game.js did not start: ' + m.error.split('\n')[0]); }
      if (m.state === 'running') { log('emu', '[emulator] game.js ran'); }
    } else if (m.type === 'stats') {
      ['fps', 'frames', 'bytesRead', 'filesRead', 'calls'].forEach(function (key) { status[key] = m[key]; });
      status.bytesDownloaded = m.bytesDownloaded || 0;
    } else {
      platform.handle(m);
    }
    render();
  }

  function refuse(pkg) {
    status.state = 'refused';
    status.refusals = pkg.refusals;
    var box = $('emu-message');
    box.textContent = '';
    var title = document.createElement('h3');
    title.textContent = 'TikTok would refuse this package: it does not start.';
    var list = document.createElement('ul');
    pkg.refusals.forEach(function (text) {
      var item = document.createElement('li');
      item.textContent = text;
      list.appendChild(item);
      emulatorSays('error', 'package refused: ' + text);
    });
    var next = document.createElement('p');
    next.textContent = 'Fix the package (python -m bridge.check DIR --target native lists the same), then Reload.';
    box.appendChild(title);
    box.appendChild(list);
    box.appendChild(next);
    box.hidden = false;
  }

  function launch(pkg) {
    var size = newCanvas(pkg.orientation);
    var offscreen = canvas.transferControlToOffscreen();
    worker = new Worker('/__emu/web/worker.js');
    worker.onmessage = onMessage;
    worker.onerror = function (e) {
      fail('Uncaught ' + e.message + (e.filename ? ' (' + e.filename + ':' + e.lineno + ')' : ''));
      render();
    };
    status.state = 'booting';
    post({
      type: 'boot', canvas: offscreen,
      config: {
        files: pkg.files, subpackages: pkg.subpackages, appid: pkg.appid, server: pkg.server,
        system: systemInfo(size, pkg.orientation), launch: platform.launchOptions(),
        canIUse: platform.canIUse(), offline: platform.offline()
      }
    }, [offscreen]);
  }

  function start() {
    if (worker) { worker.terminate(); worker = null; }
    platform.reset();
    status = fresh(status.boots + 1);
    $('emu-message').hidden = true;
    log('emu', '[emulator] boot ' + status.boots + ': checking the package');
    render();
    fetch('/__emu/package').then(function (response) {
      if (!response.ok) { throw new Error('the emulator server answered ' + response.status); }
      return response.json();
    }).then(function (pkg) {
      status.package = {
        root: pkg.root, appid: pkg.appid, totalBytes: pkg.totalBytes, mainBytes: pkg.mainBytes,
        subpackageBytes: pkg.subpackageBytes, files: Object.keys(pkg.files).length
      };
      status.warnings = pkg.warnings;
      $('emu-package').textContent = (pkg.appid || '?') + ' · ' + pkg.root;
      pkg.warnings.forEach(function (text) { emulatorSays('warn', "TikTok's review scan would reject: " + text); });
      if (pkg.ok) { launch(pkg); } else { refuse(pkg); }
      render();
    }).then(null, function (error) {
      status.state = 'failed';
      fail('the package could not be read: ' + error.message);
      render();
    });
  }

  platform.attach(post, log);
  $('emu-reload').addEventListener('click', start);
  start();
})();
