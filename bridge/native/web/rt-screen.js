/*
 * The screen: createCanvas() (first call: the on-screen canvas, an OffscreenCanvas the page
 * transferred to this worker, so 2D and WebGL drawing run here at native speed; later calls:
 * off-screen canvases), frames (requestAnimationFrame at the display's rate, or slower after
 * setPreferredFramesPerSecond; paused while the app is hidden), presented frames per second
 * (frames in which the on-screen canvas was drawn on), and touches from the page's pointer events.
 */
(function (emu) {
  'use strict';

  var P = emu.P;
  var DRAW_2D = ['putImageData', 'drawImage', 'fillRect', 'clearRect', 'strokeRect', 'fill',
    'stroke', 'fillText', 'strokeText', 'reset'];
  var DRAW_GL = ['drawArrays', 'drawElements', 'clear', 'drawArraysInstanced',
    'drawElementsInstanced', 'drawRangeElements'];

  var screen = {
    canvas: null,
    created: false,
    dirty: false,
    presented: 0,
    times: [],
    fps: function () {
      var now = P.now();
      while (screen.times.length && now - screen.times[0] > 1000) { screen.times.shift(); }
      return screen.times.length;
    }
  };

  // Marks the screen dirty on every drawing call of its context (own properties: the
  // prototypes, shared with off-screen canvases, stay untouched).
  var instrumented = new WeakSet();

  function instrument(context) {
    if (!context || instrumented.has(context)) { return context; }
    var names = typeof context.drawArrays === 'function' ? DRAW_GL : DRAW_2D;
    names.forEach(function (name) {
      var real = context[name];
      if (typeof real !== 'function') { return; }
      Object.defineProperty(context, name, {
        configurable: true, writable: true,
        value: function () { screen.dirty = true; return real.apply(context, arguments); }
      });
    });
    instrumented.add(context);
    return context;
  }

  function addToDataURL(canvas) {
    Object.defineProperty(canvas, 'toDataURL', {
      configurable: true, writable: true,
      value: function (type) {
        if (type && type !== 'image/png') { P.console.warn('[emulator] toDataURL: only image/png here'); }
        return emu.png(canvas);
      }
    });
    return canvas;
  }

  function createCanvas() {
    if (!screen.created) {
      screen.created = true;
      var canvas = screen.canvas;
      var getContext = canvas.getContext;
      Object.defineProperty(canvas, 'getContext', {
        configurable: true, writable: true,
        value: function () { return instrument(getContext.apply(canvas, arguments)); }
      });
      return addToDataURL(canvas);
    }
    return addToDataURL(new P.OffscreenCanvas(300, 150));
  }

  // ---- frames -------------------------------------------------------------------------

  var frames = { queue: [], nextId: 1, minInterval: 0, last: -Infinity, hidden: false };

  function requestAnimationFrame(callback) {
    if (typeof callback !== 'function') {
      throw new TypeError('requestAnimationFrame: the callback must be a function');
    }
    var id = frames.nextId++;
    frames.queue.push({ id: id, callback: callback });
    return id;
  }

  function cancelAnimationFrame(id) {
    frames.queue = frames.queue.filter(function (entry) { return entry.id !== id; });
  }

  function tick(time) {
    P.raf(tick);
    var due = time - frames.last >= frames.minInterval - 2;
    if (!frames.hidden && frames.queue.length && due) {
      frames.last = time;
      var batch = frames.queue;
      frames.queue = [];
      for (var i = 0; i < batch.length; i++) { emu.invoke(batch[i].callback, time); }
    }
    if (screen.dirty) {
      screen.dirty = false;
      screen.presented += 1;
      screen.times.push(P.now());
    }
  }

  function setPreferredFramesPerSecond(fps) {
    var value = Math.max(1, Math.min(60, Number(fps) || 60));
    frames.minInterval = value >= 60 ? 0 : 1000 / value;
  }

  // ---- touches ------------------------------------------------------------------------

  var touch = { active: [], listeners: { start: [], move: [], end: [], cancel: [] } };

  function makeTouch(t) {
    return {
      identifier: t.identifier, screenX: t.x, screenY: t.y, clientX: t.x, clientY: t.y,
      pageX: t.x, pageY: t.y, force: t.force
    };
  }

  emu.handlers.touch = function (message) {
    var changed = makeTouch(message.touch);
    var others = touch.active.filter(function (t) { return t.identifier !== changed.identifier; });
    touch.active = message.phase === 'start' || message.phase === 'move' ? others.concat([changed]) : others;
    var event = {
      touches: touch.active.slice(),
      changedTouches: [changed],
      timeStamp: message.timeStamp
    };
    touch.listeners[message.phase].slice().forEach(function (listener) { emu.invoke(listener, event); });
  };

  function on(phase) {
    return function (listener) {
      if (typeof listener === 'function') { touch.listeners[phase].push(listener); }
    };
  }

  function off(phase) {
    return function (listener) {
      touch.listeners[phase] = listener === undefined ? []
        : touch.listeners[phase].filter(function (l) { return l !== listener; });
    };
  }

  emu.screen = screen;
  emu.frames = frames;
  emu.startFrames = function (canvas) {
    screen.canvas = canvas;
    P.raf(tick);
  };
  emu.screenApi = {
    createCanvas: createCanvas,
    requestAnimationFrame: requestAnimationFrame,
    cancelAnimationFrame: cancelAnimationFrame,
    setPreferredFramesPerSecond: setPreferredFramesPerSecond,
    onTouchStart: on('start'), onTouchMove: on('move'), onTouchEnd: on('end'), onTouchCancel: on('cancel'),
    offTouchStart: off('start'), offTouchMove: off('move'), offTouchEnd: off('end'), offTouchCancel: off('cancel')
  };
})(self.__emu);
