// CommonJS over package files: relative and root paths, index.js, caching, cycles, scope.
var a = require('./lib/a');
var again = require('/lib/a.js');
var pkg = require('lib');
console.log('a ' + a.name + ' sees b ' + a.b.name + ' cached ' + (a === again));
console.log('b saw a partial: ' + a.b.sawA);
console.log('index ' + pkg.name + ' this is exports ' + pkg.thisIsExports);
console.log('module var global: ' + (typeof GameGlobal.privateToA));
try {
  require('./lib/missing');
} catch (e) {
  console.log('missing: ' + e.message);
}
try {
  require('../outside.js');
} catch (e) {
  console.log('outside: ' + e.message);
}
