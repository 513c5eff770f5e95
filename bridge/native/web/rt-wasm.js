/*
 * TTWebAssembly, as Douyin documents it: compile(path) and instantiate(path, imports) take only
 * the path of a package file ending in .wasm or .wasm.br (brotli; the server decompresses it);
 * new TTWebAssembly.Instance(module, imports) is synchronous; Memory, Table and Global are the
 * standard ones; a Module is made only by compile. Bytes are refused everywhere: there is no
 * global WebAssembly, and the real constructor is not reachable through `module.constructor`.
 */
(function (emu) {
  'use strict';

  var P = emu.P;
  var W = P.WebAssembly;
  var files = emu.files;

  function pathOf(api, path) {
    if (typeof path !== 'string') {
      throw new TypeError('TTWebAssembly.' + api + ': the first argument must be the path of a ' +
        '.wasm or .wasm.br file in the package (got ' + Object.prototype.toString.call(path) +
        '); a native runtime cannot compile WebAssembly from bytes');
    }
    if (!/\.wasm(\.br)?$/.test(path)) {
      throw new TypeError('TTWebAssembly.' + api + ': ' + path + ' is not a .wasm or .wasm.br file');
    }
    var target;
    try {
      target = files.resolve('TTWebAssembly.' + api, path);
    } catch (error) {
      throw new TypeError(error.message);
    }
    if (target.kind !== 'package' || files.packageSize(target.rel) < 0) {
      throw new Error('TTWebAssembly.' + api + ': no such file in the package: ' + path);
    }
    return target.rel;
  }

  function compile(path) {
    var rel;
    try {
      rel = pathOf('compile', path);
    } catch (error) {
      return Promise.reject(error);
    }
    emu.read(emu.config.files[rel]);
    return W.compileStreaming(P.fetch('/__emu/wasm/' + files.enc(rel)));
  }

  function instantiate(path, importObject) {
    return compile(path).then(function (module) {
      return W.instantiate(module, importObject || {}).then(function (instance) {
        return { module: module, instance: instance };
      });
    });
  }

  function Module() {
    throw new TypeError('TTWebAssembly.Module cannot be built from bytes: use TTWebAssembly.compile(path)');
  }
  Module.prototype = W.Module.prototype;
  Module.exports = W.Module.exports;
  Module.imports = W.Module.imports;
  Module.customSections = W.Module.customSections;

  function Instance(module, importObject) {
    if (!(this instanceof Instance)) { throw new TypeError("Class constructor Instance cannot be invoked without 'new'"); }
    if (!(module instanceof W.Module)) {
      throw new TypeError('TTWebAssembly.Instance: the first argument must be a TTWebAssembly.Module (from TTWebAssembly.compile)');
    }
    return new W.Instance(module, importObject || {});
  }
  Instance.prototype = W.Instance.prototype;

  // module.constructor and instance.constructor lead here, not to the real constructors.
  Object.defineProperty(W.Module.prototype, 'constructor', { value: Module, writable: true, configurable: true });
  Object.defineProperty(W.Instance.prototype, 'constructor', { value: Instance, writable: true, configurable: true });

  emu.TTWebAssembly = {
    compile: emu.counted('TTWebAssembly.compile', compile),
    instantiate: emu.counted('TTWebAssembly.instantiate', instantiate),
    Module: Module,
    Instance: Instance,
    Memory: W.Memory,
    Table: W.Table,
    Global: W.Global
  };
})(self.__emu);
