// A native runtime has no DOM and no browser API: each of these is undefined.
var names = ['window', 'document', 'fetch', 'XMLHttpRequest', 'WebAssembly', 'importScripts', 'URL',
  'TextDecoder', 'TextEncoder', 'Blob', 'performance', 'crypto', 'indexedDB', 'location', 'navigator',
  'OffscreenCanvas', 'Worker', 'WebSocket', 'self', 'postMessage', 'addEventListener', 'onmessage',
  'queueMicrotask', 'atob', 'structuredClone', 'Image', 'localStorage', 'caches', 'close'];
var kinds = {};
names.forEach(function (name) { kinds[name] = typeof GameGlobal[name]; });
console.log('globals ' + JSON.stringify(kinds));
console.log('runtime ' + [typeof GameGlobal, typeof TTMinis.game, typeof TTWebAssembly, typeof require,
  typeof requestAnimationFrame, GameGlobal === globalThis].join(' '));
console.log('typeof document: ' + typeof document);
console.log(document.title);
