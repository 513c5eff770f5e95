// The subpackage's entry: runs once, when loadSubpackage has downloaded it.
var util = require('./util');
TTWebAssembly.instantiate('engine/add.wasm.br', {}).then(function (result) {
  console.log('add(2, 3) = ' + result.instance.exports.add(2, 3) + ' from ' + util.name);
  var instance = new TTWebAssembly.Instance(result.module, {});
  console.log('sync Instance add(40, 2) = ' + instance.exports.add(40, 2));
}, function (e) {
  console.log('instantiate failed: ' + e.message);
});
GameGlobal.engineReady = true;
