/*
 * The emulated TikTok native runtime: the dedicated worker a package runs in (docs/native.md).
 *
 * This file and the rt-*.js files it imports are the emulator's own code. They capture what they
 * need from the worker (fetch, XMLHttpRequest, importScripts, WebAssembly, OffscreenCanvas, ...)
 * into the private object `P`, build the runtime's API (GameGlobal, TTMinis.game, TTWebAssembly,
 * require, timers, requestAnimationFrame, console), remove every browser API from the global
 * scope (rt-lockdown.js), then run the package's game.js. The package never sees `P`.
 * The worker's response carries `script-src 'self' 'wasm-unsafe-eval'`: no eval here either.
 */
(function (g) {
  'use strict';

  var perf = g.performance;
  var P = {
    fetch: g.fetch.bind(g),
    XMLHttpRequest: g.XMLHttpRequest,
    importScripts: g.importScripts.bind(g),
    WebAssembly: g.WebAssembly,
    OffscreenCanvas: g.OffscreenCanvas,
    URL: g.URL,
    TextDecoder: g.TextDecoder,
    TextEncoder: g.TextEncoder,
    AbortController: g.AbortController,
    atob: g.atob.bind(g),
    btoa: g.btoa.bind(g),
    now: function () { return perf.now(); },
    raf: g.requestAnimationFrame.bind(g),
    setTimeout: g.setTimeout.bind(g),
    clearTimeout: g.clearTimeout.bind(g),
    setInterval: g.setInterval.bind(g),
    clearInterval: g.clearInterval.bind(g),
    post: g.postMessage.bind(g),
    listen: g.addEventListener.bind(g),
    console: g.console,
    origin: g.location.origin
  };

  // The runtime's parts register on this namespace while they load; lockdown removes it.
  var emu = g.__emu = { P: P, g: g, handlers: {}, calls: {}, stats: { bytesRead: 0, filesRead: 0 } };

  emu.post = function (message) { P.post(message); };

  // Counts every runtime API call by name (the page lists them; tests read them).
  emu.count = function (name) { emu.calls[name] = (emu.calls[name] || 0) + 1; };
  emu.counted = function (name, fn) {
    return function () {
      emu.count(name);
      return fn.apply(this, arguments);
    };
  };

  emu.read = function (bytes) {
    emu.stats.bytesRead += bytes;
    emu.stats.filesRead += 1;
  };

  emu.describe = function (error) {
    if (error && error.stack) {
      var stack = String(error.stack);
      var head = String(error.name || 'Error') + ': ' + String(error.message);
      return stack.indexOf(head) === 0 ? stack : head + '\n' + stack;
    }
    return String(error);
  };

  // An error the package did not catch (in a callback the runtime called): console and status.
  emu.report = function (error) {
    P.console.error(error);
    emu.post({ type: 'error', text: 'Uncaught ' + emu.describe(error) });
  };

  // Calls a package callback; what it throws is reported and does not stop the caller.
  emu.invoke = function (fn, arg) {
    try {
      fn(arg);
    } catch (error) {
      emu.report(error);
    }
  };

  // A failed runtime API call. Sync APIs throw it; async ones pass its plain form to `fail`.
  // Failures carry the mini-game `errMsg`/`errNo` and TikTok's
  // `{error: {error_code, error_msg, error_extra}}`: games and ttbridge.js read either.
  emu.fail = function (api, message, code) {
    var error = new Error(api + ':fail ' + message);
    error.errMsg = error.message;
    error.errNo = code || 0;
    return error;
  };
  emu.failure = function (error, api) {
    var text = error && error.errMsg ? error.errMsg
      : api + ':fail ' + (error && error.message ? error.message : String(error));
    var code = error && error.errNo ? error.errNo : 0;
    return { errMsg: text, errNo: code, error: { error_code: code, error_msg: text, error_extra: {} } };
  };

  // TikTok's callback style: success or fail, then complete; always asynchronous.
  emu.settle = function (opts, api, promise) {
    opts = opts || {};
    Promise.resolve(promise).then(function (res) {
      res = res || {};
      if (res.errMsg === undefined) { res.errMsg = api + ':ok'; }
      if (typeof opts.success === 'function') { emu.invoke(opts.success, res); }
      if (typeof opts.complete === 'function') { emu.invoke(opts.complete, res); }
    }, function (error) {
      var res = emu.failure(error, api);
      if (typeof opts.fail === 'function') { emu.invoke(opts.fail, res); }
      if (typeof opts.complete === 'function') { emu.invoke(opts.complete, res); }
    });
  };

  // Runs `fn` on a later turn, as a promise (the async twin of a sync API).
  emu.later = function (fn) {
    return new Promise(function (resolve, reject) {
      P.setTimeout(function () {
        try { resolve(fn()); } catch (error) { reject(error); }
      }, 0);
    });
  };

  // The async twin of a sync API: the same work on a later turn, answered through callbacks,
  // its failures named after the async API.
  emu.twin = function (api, run, result) {
    return function (opts) {
      opts = opts || {};
      emu.settle(opts, api, emu.later(function () {
        var value = run(opts);
        return result ? result(value) : {};
      }).then(null, function (error) {
        throw error && error.errMsg ? emu.fail(api, error.errMsg.replace(/^[\w.]+:fail /, ''), error.errNo) : error;
      }));
    };
  };

  // A synchronous request to the emulator's server (a worker may block; the device's sync APIs do).
  emu.xhr = function (method, url, body, responseType) {
    var request = new P.XMLHttpRequest();
    request.open(method, url, false);
    if (responseType) { request.responseType = responseType; }
    request.send(body === undefined ? null : body);
    return request;
  };

  P.importScripts(
    'rt-lockdown.js', 'rt-files.js', 'rt-fs.js', 'rt-require.js', 'rt-wasm.js', 'rt-png.js',
    'rt-screen.js', 'rt-net.js', 'rt-audio.js', 'rt-platform.js', 'rt-storage.js', 'rt-game.js'
  );

  P.listen('error', function (event) {
    var where = event.filename ? ' (' + event.filename + ':' + event.lineno + ')' : '';
    var text = event.error ? emu.describe(event.error) : String(event.message) + where;
    emu.post({ type: 'error', text: 'Uncaught ' + text.replace(/^Uncaught /, '') });
    event.preventDefault();
  });

  P.listen('unhandledrejection', function (event) {
    var reason = event.reason;
    emu.post({
      type: 'error',
      text: 'Uncaught (in promise) ' + (reason && reason.stack ? reason.stack : String(reason))
    });
  });

  P.listen('securitypolicyviolation', function (event) {
    emu.post({
      type: 'console', level: 'error',
      text: 'Content-Security-Policy refused ' + event.violatedDirective + ' (' +
        (event.blockedURI || 'inline') + '): a native runtime has no eval, new Function or string timers'
    });
  });

  P.listen('message', function (event) {
    var data = event.data || {};
    var handler = emu.handlers[data.type];
    if (handler) { handler(data); }
  });

  emu.handlers.boot = function (message) {
    emu.config = message.config;
    emu.boot(message);
  };

  P.setInterval(function () {
    emu.post({
      type: 'stats',
      fps: emu.screen ? emu.screen.fps() : 0,
      frames: emu.screen ? emu.screen.presented : 0,
      bytesRead: emu.stats.bytesRead,
      filesRead: emu.stats.filesRead,
      bytesDownloaded: emu.stats.bytesDownloaded || 0,
      calls: emu.calls
    });
  }, 250);

  emu.post({ type: 'loaded' });
})(self);
