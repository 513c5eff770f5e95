/*
 * Lockdown: the worker's global scope becomes a native runtime's, with no browser API left.
 *
 * An allow list, not a deny list: ECMAScript's own globals stay (Douyin's JavaScriptCore and V8
 * have them), plus the runtime's (GameGlobal, TTMinis, TTWebAssembly, require, console, timers,
 * requestAnimationFrame). Everything else goes, wherever it lives: own properties of the global
 * object and of its two prototypes (DedicatedWorkerGlobalScope.prototype and
 * WorkerGlobalScope.prototype, where fetch, location, navigator, performance, crypto,
 * importScripts, indexedDB, self ... are accessors or methods). EventTarget.prototype is shared
 * with every object that can hold listeners (the canvas too), so its members are shadowed on the
 * global object instead of deleted. The global's prototype itself cannot be replaced (Chromium:
 * "Immutable prototype object").
 */
(function (emu) {
  'use strict';

  var g = emu.g;

  var ECMASCRIPT = [
    'globalThis', 'Infinity', 'NaN', 'undefined', 'eval', 'isFinite', 'isNaN', 'parseFloat',
    'parseInt', 'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape',
    'unescape', 'Object', 'Function', 'Array', 'Number', 'Boolean', 'String', 'Symbol', 'BigInt',
    'Date', 'RegExp', 'Promise', 'Proxy', 'Reflect', 'JSON', 'Math', 'Intl', 'Atomics',
    'Error', 'AggregateError', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError',
    'TypeError', 'URIError', 'SuppressedError', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView',
    'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
    'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array',
    'BigUint64Array', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry',
    'Iterator', 'DisposableStack', 'AsyncDisposableStack'
  ];
  // What a native runtime adds to ECMAScript (installed by rt-game.js after the lockdown).
  var RUNTIME = [
    'GameGlobal', 'TTMinis', 'TTWebAssembly', 'require', 'console', 'setTimeout', 'clearTimeout',
    'setInterval', 'clearInterval', 'requestAnimationFrame', 'cancelAnimationFrame'
  ];

  function keepSet() {
    var keep = {};
    ECMASCRIPT.concat(RUNTIME).forEach(function (name) { keep[name] = true; });
    return keep;
  }

  function scopeObjects() {
    var objects = [];
    var o = g;
    while (o && o !== Object.prototype) {
      objects.push(o);
      o = Object.getPrototypeOf(o);
    }
    return objects;
  }

  function hide(name) {
    Object.defineProperty(g, name, { value: undefined, writable: true, configurable: true, enumerable: false });
  }

  // Removes every property of the global scope that is not kept; returns what could not go.
  emu.lockdown = function () {
    var keep = keepSet();
    var stuck = [];
    scopeObjects().forEach(function (obj) {
      var shared = obj === emu.eventTargetPrototype;
      Reflect.ownKeys(obj).forEach(function (key) {
        if (typeof key === 'string' && keep[key] && obj === g) { return; }
        if (shared) {
          if (typeof key === 'string' && key !== 'constructor') { hide(key); }
          return;
        }
        if (Reflect.deleteProperty(obj, key)) { return; }
        // Non-configurable (TEMPORARY, PERSISTENT): shadowed on the global object instead.
        if (typeof key === 'string' && obj !== g) { hide(key); } else { stuck.push(String(key)); }
      });
    });
    // The plain global object of a JavaScript engine is an Object.
    Object.defineProperty(g, 'constructor', { value: Object, writable: true, configurable: true, enumerable: false });
    return stuck;
  };

  // Every name the package can see on its global object (for the status and the tests).
  emu.visibleGlobals = function () {
    var names = {};
    scopeObjects().forEach(function (obj) {
      Object.getOwnPropertyNames(obj).forEach(function (name) {
        if (g[name] !== undefined && name !== 'constructor') { names[name] = true; }
      });
    });
    return Object.keys(names).sort();
  };

  emu.eventTargetPrototype = g.EventTarget.prototype;
})(self.__emu);
