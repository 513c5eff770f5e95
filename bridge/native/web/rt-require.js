/*
 * require(path): CommonJS over the package's .js files, without eval.
 *
 * The server sends each module file wrapped as
 *   __emu_define("dir/a.js", function (require, module, exports) { <the file, lines unchanged>
 *   });
 * and the emulator loads it with its private importScripts (a same-origin script, which the
 * worker's CSP allows). `__emu_define` exists on the global object only while importScripts
 * runs. Paths are relative to the calling file ("/x.js" from the package root); ".js" and
 * "/index.js" are tried; a module runs once and is cached by its path; cycles see the partial
 * `module.exports`, as in Node. Files of a subpackage load only after loadSubpackage.
 */
(function (emu) {
  'use strict';

  var P = emu.P;
  var g = emu.g;
  var files = emu.files;
  var cache = {};

  function notFound(request, from) {
    return new Error("module '" + request + "' is not defined, require args is '" + request +
      "' (from " + (from || 'the package root') + ')');
  }

  function candidates(from, request) {
    var base = request.charAt(0) === '/' ? '' : from.split('/').slice(0, -1).join('/');
    var joined = (base ? base + '/' : '') + request;
    var out = [];
    [joined, joined + '.js', joined + '/index.js'].forEach(function (path) {
      try {
        out.push(files.resolve('require', path).rel);
      } catch (e) { /* outside the package */ }
    });
    return out;
  }

  function resolve(from, request) {
    if (typeof request !== 'string' || request === '') {
      throw new TypeError('require: the path must be a non-empty string');
    }
    var found = candidates(from, request).filter(function (rel) {
      return /\.js$/.test(rel) && emu.config.files[rel] !== undefined;
    });
    if (!found.length) { throw notFound(request, from); }
    var rel = found[0];
    if (files.packageSize(rel) < 0) {
      var sub = files.subpackageOf(rel);
      throw new Error("module '" + rel + "' is in subpackage '" + sub.name +
        "', which is not loaded: call TTMinis.game.loadSubpackage({name: '" + sub.name + "'}) first");
    }
    return rel;
  }

  function fetchFactory(rel) {
    var factory = null;
    Object.defineProperty(g, '__emu_define', {
      configurable: true,
      value: function (name, fn) { if (name === rel) { factory = fn; } }
    });
    try {
      P.importScripts('/__emu/mod/' + files.enc(rel));
    } catch (error) {
      if (error && error.name === 'SyntaxError') {
        var message = String(error.message).replace(/^Failed to execute 'importScripts' on '\w+': /, '');
        throw new SyntaxError(message + ' (in ' + rel + ')');
      }
      throw error;
    } finally {
      delete g.__emu_define;
    }
    if (typeof factory !== 'function') { throw notFound(rel, rel); }
    emu.read(emu.config.files[rel]);
    return factory;
  }

  function load(rel) {
    var cached = cache[rel];
    if (cached) { return cached.exports; }
    var factory = fetchFactory(rel);
    var module = { id: rel, exports: {}, loaded: false };
    cache[rel] = module;
    try {
      factory.call(module.exports, makeRequire(rel), module, module.exports);
    } catch (error) {
      delete cache[rel];
      throw error;
    }
    module.loaded = true;
    return module.exports;
  }

  function makeRequire(from) {
    return emu.counted('require', function require(request) {
      return load(resolve(from, request));
    });
  }

  emu.require = {
    // The global require: paths from the package root.
    global: makeRequire(''),
    // Runs a file of the package (game.js, a subpackage's game.js) as a module.
    run: function (rel) { return load(rel); }
  };
})(self.__emu);
