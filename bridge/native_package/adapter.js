/*
 * The adapter: what Pyodide's loader and Emscripten's runtime touch in a browser, supplied in
 * TikTok's native runtime, which has no DOM and no browser APIs (no window, fetch, URL,
 * TextDecoder, ...). Each piece is installed only where the runtime lacks it, and each maps to
 * what the runtime has: package files through TTMinis.game.getFileSystemManager(), scripts
 * through require(). Nothing here reaches the network: fetch serves package files only.
 *
 * Package files are named by URLs under PACKAGE_BASE (a scheme no network knows), so Pyodide's
 * own URL arithmetic (`new URL(name, indexURL)`) works unchanged and every URL maps back to one
 * package path.
 */
'use strict';

var encoding = require('./text.js');

var root = typeof GameGlobal !== 'undefined' ? GameGlobal : globalThis;
var PACKAGE_BASE = 'ttpkg://package/';

// ---- package paths and URLs --------------------------------------------------------------

function normalise(path) {
  var out = [];
  String(path).split('/').forEach(function (part) {
    if (part === '..') { out.pop(); } else if (part && part !== '.') { out.push(part); }
  });
  return out.join('/');
}

/* The package path of a package URL (or of a path); null for anything else. */
function packagePath(url) {
  var text = String(url && url.href !== undefined ? url.href : url);
  if (text.indexOf(PACKAGE_BASE) === 0) { return normalise(text.slice(PACKAGE_BASE.length).split(/[?#]/)[0]); }
  if (/^[a-z][a-z0-9+.-]*:/i.test(text)) { return null; }
  return normalise(text.split(/[?#]/)[0]);
}

function packageUrl(path) { return PACKAGE_BASE + normalise(path); }

/* The small part of WHATWG URL the loader uses: absolute or relative to a base, `href`. */
function PackageURL(url, base) {
  if (!(this instanceof PackageURL)) { throw new TypeError("URL constructor needs 'new'"); }
  var text = String(url && url.href !== undefined ? url.href : url);
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) {
    if (base === undefined) { throw new TypeError('Invalid URL: ' + text); }
    var baseText = String(base && base.href !== undefined ? base.href : base);
    var schemeEnd = baseText.indexOf('://');
    if (schemeEnd < 0) { throw new TypeError('Invalid base URL: ' + baseText); }
    var hostEnd = baseText.indexOf('/', schemeEnd + 3);
    var origin = hostEnd < 0 ? baseText : baseText.slice(0, hostEnd);
    var basePath = hostEnd < 0 ? '/' : baseText.slice(hostEnd).split(/[?#]/)[0];
    var dir = text.charAt(0) === '/' ? '' : basePath.slice(0, basePath.lastIndexOf('/') + 1);
    var tail = text.match(/[?#].*$/);
    var joined = (dir + text).split(/[?#]/)[0];
    var trailing = /\/$/.test(joined) && normalise(joined) !== '' ? '/' : '';
    text = origin + '/' + normalise(joined) + trailing + (tail ? tail[0] : '');
  }
  var match = /^([a-z][a-z0-9+.-]*:)(\/\/([^/?#]*))?([^?#]*)(\?[^#]*)?(#.*)?$/i.exec(text) || [];
  this.href = text;
  this.protocol = match[1] || '';
  this.host = this.hostname = match[3] || '';
  this.origin = this.protocol + '//' + this.host;
  this.pathname = match[4] || '/';
  this.search = match[5] || '';
  this.hash = match[6] || '';
}
PackageURL.prototype.toString = function () { return this.href; };
PackageURL.prototype.toJSON = function () { return this.href; };

// ---- package files -----------------------------------------------------------------------

var stats = { filesRead: 0, bytesRead: 0 };

function fileSystem() { return root.TTMinis.game.getFileSystemManager(); }

/* A package file's bytes: Promise<ArrayBuffer>. */
function readFile(path) {
  return new Promise(function (resolve, reject) {
    fileSystem().readFile({
      filePath: path,
      success: function (res) {
        stats.filesRead += 1;
        stats.bytesRead += res.data.byteLength;
        resolve(res.data);
      },
      fail: function (res) {
        var message = res && (res.errMsg || (res.error && res.error.error_msg));
        reject(new Error('cannot read the package file ' + path + (message ? ': ' + message : '')));
      }
    });
  });
}

/* What a fetch Response offers the loader; `url` matters: instantiateStreaming goes by it. */
function PackageResponse(url, buffer) {
  this.url = url;
  this.ok = true;
  this.status = 200;
  this.statusText = 'OK';
  this.headers = { get: function () { return null; } };
  this._buffer = buffer;
}
PackageResponse.prototype.arrayBuffer = function () { return Promise.resolve(this._buffer); };
PackageResponse.prototype.text = function () {
  return Promise.resolve(new root.TextDecoder().decode(new Uint8Array(this._buffer)));
};
PackageResponse.prototype.json = function () {
  return this.text().then(function (text) { return JSON.parse(text); });
};
PackageResponse.prototype.clone = function () { return new PackageResponse(this.url, this._buffer); };

var aliases = {};  // a path the loader asks for -> the package file (pyodide.asm.wasm -> .wasm.br)
var pending = {};  // a subpackage's root -> the promise of its loadSubpackage

/* fetch for package files only: the game's own HTTP goes through TTMinis.game.request.
 * WebAssembly files are not read here: TTWebAssembly reads them by path (the response's url). */
function packageFetch(input) {
  var url = String(input && input.url !== undefined ? input.url : input && input.href !== undefined ? input.href : input);
  var path = packagePath(url);
  if (path === null) {
    return Promise.reject(new TypeError(
      'fetch(' + url + '): the native runtime has no fetch; this one serves package files only ' +
      '(HTTP goes through TTMinis.game.request)'));
  }
  path = aliases[path] || path;
  var folder = path.split('/')[0] + '/';
  if (pending[folder]) {  // a file of a subpackage that is still loading: wait for it
    return pending[folder].then(function () { return packageFetch(url); });
  }
  if (/\.wasm(\.br)?$/.test(path)) {
    var response = new PackageResponse(packageUrl(path), null);
    response.arrayBuffer = function () { return readFile(path); };
    return Promise.resolve(response);
  }
  return readFile(path).then(function (buffer) { return new PackageResponse(packageUrl(path), buffer); });
}

// ---- time, randomness --------------------------------------------------------------

/* Not a cryptographic source: the runtime offers none synchronously. Python's hash seed and
 * the game's run seeds come from here; secrets (session tokens) come from the server. */
function getRandomValues(view) {
  var bytes = encoding.bytesOf(view);
  for (var i = 0; i < bytes.length; i++) { bytes[i] = Math.floor(Math.random() * 256); }
  return view;
}

function windowSize() {
  var g = root.TTMinis.game;
  var info = {};
  try {
    info = (typeof g.getWindowInfo === 'function' ? g.getWindowInfo() : g.getSystemInfoSync()) || {};
  } catch (e) {
    info = {};
  }
  return { width: info.windowWidth || info.screenWidth || 360, height: info.windowHeight || info.screenHeight || 640 };
}

/* Pyodide's API module tests `AbortSignal.any` when it loads, and its fetch helpers take a
 * signal: a plain signal that can be aborted, without any I/O behind it. */
function PackageAbortSignal() {
  this.aborted = false;
  this.reason = undefined;
  this.onabort = null;
  this._listeners = [];
}
PackageAbortSignal.prototype.addEventListener = function (type, fn) {
  if (type === 'abort') { this._listeners.push(fn); }
};
PackageAbortSignal.prototype.removeEventListener = function (type, fn) {
  var at = this._listeners.indexOf(fn);
  if (at >= 0) { this._listeners.splice(at, 1); }
};
PackageAbortSignal.prototype.throwIfAborted = function () {
  if (this.aborted) { throw this.reason; }
};
function PackageAbortController() { this.signal = new PackageAbortSignal(); }
PackageAbortController.prototype.abort = function (reason) {
  var signal = this.signal;
  if (signal.aborted) { return; }
  signal.aborted = true;
  signal.reason = reason === undefined ? new Error('aborted') : reason;
  var event = { type: 'abort', target: signal };
  if (typeof signal.onabort === 'function') { signal.onabort(event); }
  signal._listeners.slice().forEach(function (fn) { fn(event); });
};

// ---- install -----------------------------------------------------------------------------

function provide(name, value) {
  if (typeof root[name] === 'undefined') { root[name] = value; }
}

function install(options) {
  aliases = (options && options.aliases) || {};
  pending = {};
  var loading = (options && options.loading) || {};
  Object.keys(loading).forEach(function (name) {
    var folder = name + '/';
    pending[folder] = loading[name].then(function () { delete pending[folder]; });
  });
  provide('self', root);
  // Declared but empty: Emscripten tests `!document` unguarded in places (pointer lock), which
  // throws where the name was never declared. `typeof document` stays 'undefined'.
  ['window', 'document'].forEach(function (name) { if (!(name in root)) { root[name] = undefined; } });
  provide('location', new PackageURL(PACKAGE_BASE + 'game.js'));
  provide('URL', PackageURL);
  provide('TextDecoder', encoding.TextDecoder);
  provide('TextEncoder', encoding.TextEncoder);
  provide('performance', { now: function () { return Date.now() - START; } });
  provide('crypto', { getRandomValues: getRandomValues });
  provide('AbortController', PackageAbortController);
  provide('AbortSignal', PackageAbortSignal);
  // SDL asks for the screen's size when it creates its window: the window is the screen here.
  var size = windowSize();
  provide('screen', { width: size.width, height: size.height, availWidth: size.width, availHeight: size.height });
  provide('navigator', { userAgent: 'TikTok native runtime', language: 'en', hardwareConcurrency: 1 });
  if (typeof root.navigator.getGamepads !== 'function') {
    root.navigator.getGamepads = function () { return []; };  // pygame.init() asks for joysticks
  }
  // Pyodide's loader asks for Python with fetch and for its runtime with importScripts.
  root.fetch = packageFetch;
  root.importScripts = function () {
    for (var i = 0; i < arguments.length; i++) {
      var path = packagePath(arguments[i]);
      if (path === null) { throw new TypeError('importScripts(' + arguments[i] + '): package files only'); }
      var exported = require('./' + path);
      // pyodide.asm.js declares a global when loaded as a script; as a module it exports it.
      if (typeof exported === 'function' && /pyodide\.asm\.js$/.test(path)) {
        root._createPyodideModule = exported;
      }
    }
  };
}

/* Takes back what only Pyodide's loader needed: the game's HTTP must not find a `fetch` (the
 * bridge then uses TTMinis.game.request, as on a device). */
function uninstall() {
  if (root.fetch === packageFetch) { root.fetch = undefined; }
}

var START = Date.now();

module.exports = {
  PACKAGE_BASE: PACKAGE_BASE,
  install: install,
  uninstall: uninstall,
  packagePath: packagePath,
  packageUrl: packageUrl,
  readFile: readFile,
  fetch: packageFetch,
  URL: PackageURL,
  windowSize: windowSize,
  stats: stats
};
