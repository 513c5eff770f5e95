/* Test helpers: start a bridge call now, read its result later. */
(function () {
  'use strict';
  var results = {};
  window.start = function (id, method, args) {
    results[id] = null;
    TTBridge.call(method, JSON.stringify(args || {}))
      .then(function (r) { results[id] = r; }, function (e) { results[id] = 'REJECTED ' + e; });
  };
  window.result = function (id) { return results[id]; };
  window.drain = function () {
    var out = [];
    while (TTBridge.inbox.length > 0) { out.push(JSON.parse(TTBridge.inbox.shift())); }
    return out;
  };
})();
