/*
 * WebAssembly for Pyodide, built on TTWebAssembly, which compiles package files only (a path
 * ending in .wasm or .wasm.br; never bytes). Emscripten hands bytes to WebAssembly in two ways,
 * and the build prepares an answer for both:
 *
 *  - side modules (pygame-ce's .so) read from Python's file system: `instantiate(bytes)` and
 *    `compile(bytes)` find the package file those bytes came from in `byPath`, keyed by the
 *    bytes' length and hash;
 *  - addFunction's tiny wrapper modules (one per function signature) and a few probes:
 *    `new Module(bytes)` must be synchronous, so the build ships each as a package file,
 *    `precompile()` compiles them all at boot, and `new Module(bytes)` answers from that table.
 *
 * Bytes in neither table fail loudly with the module named (its length, hash and first bytes):
 * that is a build that missed a module, not something to paper over.
 */
'use strict';

var root = typeof GameGlobal !== 'undefined' ? GameGlobal : globalThis;

/* `<length>:<FNV-1a 32 of the bytes>`, as bridge/build/native.py computes it. */
function key(bytes) {
  var view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes)
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  var hash = 0x811c9dc5;
  for (var i = 0; i < view.length; i++) {
    hash = Math.imul(hash ^ view[i], 0x01000193);
  }
  return view.length + ':' + ('0000000' + (hash >>> 0).toString(16)).slice(-8);
}

function describe(bytes) {
  var view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes)
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  var head = Array.prototype.slice.call(view, 0, 48).join(',');
  return key(view) + ' [' + head + (view.length > 48 ? ',…' : '') + ']';
}

function isBytes(value) {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

function create(tt, manifest) {
  var byPath = manifest.byBytes || {};           // key -> package path (side modules)
  var precompiled = {};                          // key -> TTWebAssembly.Module
  var prepared = {};                             // package path -> Promise<TTWebAssembly.Module>
  var ready = Promise.resolve();                 // the table, before any module is instantiated
  var stats = { precompiled: 0, unavailable: [], lookups: 0, instantiated: [], misses: [] };
  var native = root.WebAssembly;                 // kept for its error classes, never to compile

  function miss(what, bytes) {
    var message = 'WebAssembly.' + what + ': these bytes are not a module of this package ' +
      '(TikTok compiles package files only) — ' + describe(bytes) + '. Rebuild the package with ' +
      'python -m bridge.build --target tiktok-native; if it persists, the build misses this module.';
    stats.misses.push(key(bytes));
    return new Error(message);
  }

  function pathFor(bytes) {
    var path = byPath[key(bytes)];
    if (!path) { throw miss('instantiate', bytes); }
    return path;
  }

  function Module(bytes) {
    if (!(this instanceof Module)) { throw new TypeError("WebAssembly.Module needs 'new'"); }
    if (!isBytes(bytes)) { throw new TypeError('WebAssembly.Module: bytes expected'); }
    stats.lookups += 1;
    var found = precompiled[key(bytes)];
    if (!found) { throw miss('Module', bytes); }
    return found;
  }
  function Instance(module, imports) {
    if (!(this instanceof Instance)) { throw new TypeError("WebAssembly.Instance needs 'new'"); }
    return new tt.Instance(module, imports);
  }
  // `x instanceof WebAssembly.Module` must hold for TTWebAssembly's modules and instances.
  if (typeof tt.Module === 'function') { Module.prototype = tt.Module.prototype; }
  if (typeof tt.Instance === 'function') { Instance.prototype = tt.Instance.prototype; }
  ['customSections', 'imports', 'exports'].forEach(function (name) {
    if (tt.Module && typeof tt.Module[name] === 'function') { Module[name] = tt.Module[name]; }
  });

  function withModule(path, promise) {
    return promise.then(function (result) {
      stats.instantiated.push(path);
      return result;
    });
  }

  function instantiate(source, imports) {
    if (isBytes(source)) {
      var path = pathFor(source);
      if (prepared[path]) {
        return withModule(path, prepared[path].then(function (module) {
          return { module: module, instance: new tt.Instance(module, imports) };
        }));
      }
      return withModule(path, tt.instantiate(path, imports));
    }
    // A module compiled before: standard instantiate(module) resolves to the instance alone.
    return Promise.resolve(new tt.Instance(source, imports));
  }

  function instantiateStreaming(response, imports) {
    return Promise.resolve(response).then(function (res) {
      var path = res && res.url ? require('./adapter.js').packagePath(res.url) : null;
      if (!path) { throw new TypeError('WebAssembly.instantiateStreaming: not a package file response'); }
      // Emscripten makes modules from bytes as soon as the main module is instantiated.
      return Promise.all([tt.instantiate(path, imports), ready]).then(function (both) {
        stats.instantiated.push(path);
        return both[0];
      });
    });
  }

  /* Starts compiling a package module now (a side module that loads later), so its compile
   * overlaps the rest of the boot; instantiate(bytes) of it then only instantiates. */
  function prepare(path) {
    prepared[path] = prepared[path] || tt.compile(path);
    prepared[path].catch(function () {});  // reported where it is instantiated
    return prepared[path];
  }

  function compile(bytes) {
    return Promise.resolve().then(function () { return tt.compile(pathFor(bytes)); });
  }

  function errorClass(name) {
    if (tt[name]) { return tt[name]; }
    if (native && native[name]) { return native[name]; }
    var made = function (message) { var e = new Error(message); e.name = name; return e; };
    made.prototype = Object.create(Error.prototype);
    return made;
  }

  /* Compiles every precompiled module of the manifest; resolves when all have settled. A module
   * this device cannot compile (a wasm feature it lacks, like the GC probe) stays out of the
   * table: Emscripten's probes catch the error and take their fallback. */
  function precompile(onEach) {
    var list = manifest.precompiled || [];
    ready = Promise.all(list.map(function (entry) {
      return tt.compile(entry.path).then(function (module) {
        precompiled[entry.key] = module;
        stats.precompiled += 1;
        if (onEach) { onEach(); }
      }, function (error) {
        stats.unavailable.push(entry.path + ': ' + (error && error.message ? error.message : error));
        if (onEach) { onEach(); }
      });
    }));
    return ready;
  }

  var shim = {
    Module: Module,
    Instance: Instance,
    Memory: tt.Memory,
    Table: tt.Table,
    Global: tt.Global,
    instantiate: instantiate,
    instantiateStreaming: instantiateStreaming,
    compile: compile,
    validate: function () { return false; },
    CompileError: errorClass('CompileError'),
    LinkError: errorClass('LinkError'),
    RuntimeError: errorClass('RuntimeError')
  };
  return { shim: shim, precompile: precompile, prepare: prepare, stats: stats, key: key };
}

module.exports = { create: create, key: key };
