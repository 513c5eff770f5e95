/* TTBridge.frame() in a host without window or document (a Worker, like TikTok's native runtime
 * or the desktop emulator's worker). The page posts the host's kind; the worker answers with what
 * it saw: {hasWindow, source, times, shimCalls}. */
importScripts('/bridge/js/ttbridge.js');

self.onmessage = function (message) {
  var kind = message.data;  // "own": the host's rAF; "shim": one the host installs; "none": no rAF
  var shimCalls = 0;
  var source = typeof self.requestAnimationFrame === 'function' ? 'worker rAF' : 'none';
  if (kind === 'shim') {
    source = 'shim';
    self.requestAnimationFrame = function (callback) {
      shimCalls += 1;
      return setTimeout(function () { callback(1000 + shimCalls); }, 5);
    };
  } else if (kind === 'none') {
    source = 'timer';
    self.requestAnimationFrame = undefined;
  }
  var times = [];
  var next = function () {
    if (times.length === 3) {
      self.postMessage({
        hasWindow: typeof window !== 'undefined', source: source, times: times,
        shimCalls: shimCalls
      });
      return;
    }
    TTBridge.frame().then(function (t) { times.push(t); next(); });
  };
  next();
};
