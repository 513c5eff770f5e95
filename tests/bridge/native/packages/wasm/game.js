// TTWebAssembly takes package paths only; the engine's wasm lives in a subpackage, brotli-compressed.
var game = TTMinis.game;
function say(text) { console.log(text); }
function refused(name, promise) {
  return promise.then(function () { say(name + ': accepted'); }, function (e) { say(name + ': ' + e.name + ': ' + e.message); });
}
say('typeof WebAssembly: ' + typeof WebAssembly);
try {
  new TTWebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
  say('Module from bytes: built');
} catch (e) {
  say('Module from bytes: ' + e.name);
}
refused('instantiate bytes', TTWebAssembly.instantiate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]), {}))
  .then(function () { return refused('instantiate ArrayBuffer', TTWebAssembly.instantiate(new ArrayBuffer(8))); })
  .then(function () { return refused('before loadSubpackage', TTWebAssembly.instantiate('engine/add.wasm.br', {})); })
  .then(function () { return TTWebAssembly.compile('empty.wasm'); })
  .then(function (module) {
    say('main package empty.wasm: ' + (module instanceof TTWebAssembly.Module));
    var reached = true;
    try {
      new module.constructor(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    } catch (e) {
      reached = false;
    }
    say('constructor escape: ' + (reached ? 'open' : 'closed'));
    var last = -1;
    var task = game.loadSubpackage({
      name: 'engine',
      success: function (res) { say('loadSubpackage ' + res.errMsg + ' last progress ' + last + ' engine ' + GameGlobal.engineReady); },
      fail: function (res) { say('loadSubpackage failed ' + res.errMsg); }
    });
    task.onProgressUpdate(function (p) {
      if (p.progress < last) { say('progress went back'); }
      last = p.progress;
      if (p.progress === 100) { say('progress 100 of ' + p.totalBytesExpectedToWrite + ' bytes'); }
    });
  });
