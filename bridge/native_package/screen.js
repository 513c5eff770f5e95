/*
 * The screen: TikTok's on-screen canvas (the first TTMinis.game.createCanvas()) shown to
 * pygame-ce's SDL as the `#canvas` element it expects, and the loading screen drawn on it
 * before Python runs.
 *
 * SDL's Emscripten video driver sizes the canvas, draws each frame with putImageData on its 2d
 * context, reads the canvas's on-screen rectangle to scale touches, and listens for touch
 * events on it. The element here forwards size and context to TikTok's canvas, reports the
 * window's rectangle (the canvas fills the window), and turns TTMinis.game.onTouch* callbacks
 * into the DOM touch events SDL listens for. SDL then makes pygame mouse events of the first
 * finger, as in a mobile browser.
 */
'use strict';

var TOUCH_TYPES = { start: 'touchstart', move: 'touchmove', end: 'touchend', cancel: 'touchcancel' };

var windowInfo = require('./adapter.js').windowSize;

/* TikTok's touch (screenX/screenY; WeChat-style runtimes give clientX/clientY) as a DOM touch. */
function domTouch(t) {
  var x = t.clientX !== undefined ? t.clientX : t.screenX;
  var y = t.clientY !== undefined ? t.clientY : t.screenY;
  return { identifier: t.identifier, screenX: x, screenY: y, clientX: x, clientY: y, pageX: x, pageY: y };
}

function createElement(g, canvas) {
  var listeners = {};
  var element = {
    id: 'canvas',
    style: {},
    canvas: canvas,
    getContext: function (type, attributes) { return canvas.getContext(type, attributes); },
    getBoundingClientRect: function () {
      var size = windowInfo();
      return { left: 0, top: 0, x: 0, y: 0, right: size.width, bottom: size.height, width: size.width, height: size.height };
    },
    addEventListener: function (type, fn) {
      (listeners[type] = listeners[type] || []).push(fn);
    },
    removeEventListener: function (type, fn) {
      var list = listeners[type] || [];
      var at = list.indexOf(fn);
      if (at >= 0) { list.splice(at, 1); }
    },
    focus: function () {},
    blur: function () {}
  };
  ['width', 'height'].forEach(function (name) {
    Object.defineProperty(element, name, {
      get: function () { return canvas[name]; },
      set: function (value) { canvas[name] = value; }
    });
  });
  ['clientWidth', 'clientHeight'].forEach(function (name) {
    Object.defineProperty(element, name, {
      get: function () { var size = windowInfo(); return name === 'clientWidth' ? size.width : size.height; }
    });
  });

  function dispatch(kind, res) {
    var type = TOUCH_TYPES[kind];
    var list = (listeners[type] || []).slice();
    if (!list.length) { return; }
    var touches = (res.touches || []).map(domTouch);
    var event = {
      type: type,
      target: element,
      currentTarget: element,
      timeStamp: res.timeStamp || 0,
      touches: touches,
      targetTouches: touches,
      changedTouches: (res.changedTouches || []).map(domTouch),
      ctrlKey: false, shiftKey: false, altKey: false, metaKey: false,
      preventDefault: function () {},
      stopPropagation: function () {}
    };
    for (var i = 0; i < list.length; i++) { list[i].call(element, event); }
  }
  g.onTouchStart(function (res) { dispatch('start', res); });
  g.onTouchMove(function (res) { dispatch('move', res); });
  g.onTouchEnd(function (res) { dispatch('end', res); });
  g.onTouchCancel(function (res) { dispatch('cancel', res); });
  element.listeners = listeners;
  return element;
}

/* Points Emscripten at the element and turns off the few things of its browser layer that need a
 * document (each reads `document` unguarded and would throw):
 *  - `#canvas` resolves to the element (SDL's canvas selector);
 *  - the fullscreen probe answers "no fullscreen";
 *  - Browser.init (pointer lock on the document, image and audio decoding through Blob/Image)
 *    counts as done: a mini game has none of those, and pygame decodes its own images;
 *  - the window title (pygame.display.set_caption) has nowhere to go.
 * Call after loadPyodide and before pygame-ce's side module loads: the side module's imports
 * are resolved against the main module's exports then. */
function attach(module, element) {
  module.canvas = element;
  module.specialHTMLTargets['#canvas'] = element;
  module.JSEvents.fullscreenEnabled = function () { return false; };
  module.Browser.initted = true;
  module.LDSO.loadedLibsByName.__main__.exports.emscripten_set_window_title = function () {};
}

// ---- the loading screen ------------------------------------------------------------------

var INK = '#2b2d42';
var CREAM = '#fff8ee';
var CORAL = '#ff6b6b';

function LoadingScreen(canvas, width, height) {
  this.canvas = canvas;
  this.width = width;
  this.height = height;
  this.progress = 0;
  this.message = 'Loading…';
  this.failed = false;
}

LoadingScreen.prototype.draw = function () {
  var ctx = this.canvas.getContext('2d');
  if (!ctx) { return; }
  var w = this.width;
  var h = this.height;
  if (this.canvas.width !== w) { this.canvas.width = w; }
  if (this.canvas.height !== h) { this.canvas.height = h; }
  ctx.fillStyle = CREAM;
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = INK;
  ctx.textAlign = 'center';
  ctx.font = 'bold 40px sans-serif';
  ctx.fillText('Bean Hop', w / 2, h * 0.4);
  var barW = w * 0.7;
  var barX = (w - barW) / 2;
  var barY = h * 0.55;
  ctx.fillStyle = '#e4dccf';
  ctx.fillRect(barX, barY, barW, 14);
  ctx.fillStyle = this.failed ? INK : CORAL;
  ctx.fillRect(barX, barY, barW * Math.max(0, Math.min(1, this.progress)), 14);
  ctx.fillStyle = INK;
  ctx.font = '16px sans-serif';
  var lines = wrap(this.message, 34);
  for (var i = 0; i < lines.length && i < 8; i++) {
    ctx.fillText(lines[i], w / 2, barY + 44 + i * 22);
  }
};

LoadingScreen.prototype.set = function (progress, message) {
  if (this.failed) { return; }
  this.progress = Math.max(this.progress, progress);
  if (message) { this.message = message; }
  this.draw();
};

LoadingScreen.prototype.fail = function (message) {
  this.failed = true;
  this.message = message;
  this.draw();
};

function wrap(text, width) {
  var lines = [];
  var line = '';
  String(text).split(/\s+/).forEach(function (word) {
    if (line && (line + ' ' + word).length > width) { lines.push(line); line = word; } else { line = line ? line + ' ' + word : word; }
  });
  if (line) { lines.push(line); }
  return lines;
}

module.exports = { createElement: createElement, attach: attach, LoadingScreen: LoadingScreen, windowInfo: windowInfo };
