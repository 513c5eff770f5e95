/*
 * TTMinis.game.createInnerAudioContext(): the worker holds the object the package sees; the page
 * plays the sound with an <audio> element (OGG and MP3 from the package, `ttfile://user` files
 * or an http(s) URL) and sends its events back. `src`, `loop`, `volume`, `autoplay`,
 * `startTime`, `playbackRate` are written through; `duration`, `currentTime`, `paused`,
 * `buffered` mirror the element as of its last event.
 */
(function (emu) {
  'use strict';

  var files = emu.files;
  var EVENTS = ['Canplay', 'Play', 'Pause', 'Stop', 'Ended', 'TimeUpdate', 'Error', 'Waiting', 'Seeking', 'Seeked'];
  var contexts = {};
  var nextId = 1;

  // The URL the page plays, or null when `src` names nothing the package may play.
  function urlOf(src) {
    if (/^https?:\/\//i.test(src)) { return src; }
    try {
      var target = files.resolve('InnerAudioContext', src);
      if (target.kind === 'user') { return '/__emu/user/' + files.enc(target.rel); }
      if (target.kind === 'package' && files.packageSize(target.rel) >= 0) {
        return '/__emu/file/' + files.enc(target.rel);
      }
    } catch (e) { /* a bad path: no URL */ }
    return null;
  }

  function createInnerAudioContext() {
    var id = nextId++;
    var state = {
      src: '', loop: false, volume: 1, autoplay: false, startTime: 0, playbackRate: 1,
      obeyMuteSwitch: true, duration: 0, currentTime: 0, paused: true, buffered: 0
    };
    var listeners = {};
    var ctx = {};
    var destroyed = false;

    function send(op, extra) {
      if (destroyed) { return; }
      var message = { type: 'audio', op: op, id: id };
      for (var key in extra || {}) {
        if (Object.prototype.hasOwnProperty.call(extra, key)) { message[key] = extra[key]; }
      }
      emu.post(message);
    }

    function emit(name, res) {
      (listeners[name] || []).slice().forEach(function (listener) { emu.invoke(listener, res || {}); });
    }

    function writable(name, convert, afterSet) {
      Object.defineProperty(ctx, name, {
        enumerable: true,
        get: function () { return state[name]; },
        set: function (value) {
          state[name] = convert(value);
          if (afterSet) { afterSet(state[name]); } else { send('set', { props: prop(name, state[name]) }); }
        }
      });
    }

    function prop(name, value) { var out = {}; out[name] = value; return out; }

    writable('src', String, function (src) {
      var url = urlOf(src);
      if (url === null) {
        emu.later(function () { emit('Error', { errMsg: 'InnerAudioContext: no such file ' + src, errCode: 10003 }); });
        return;
      }
      send('set', { props: { src: url, autoplay: state.autoplay, startTime: state.startTime } });
    });
    writable('loop', Boolean);
    writable('volume', function (v) { return Math.max(0, Math.min(1, Number(v))); });
    writable('autoplay', Boolean);
    writable('startTime', Number);
    writable('playbackRate', function (v) { return Math.max(0.5, Math.min(2, Number(v) || 1)); });
    writable('obeyMuteSwitch', Boolean, function () {});
    ['duration', 'currentTime', 'paused', 'buffered'].forEach(function (name) {
      Object.defineProperty(ctx, name, { enumerable: true, get: function () { return state[name]; } });
    });

    ctx.play = function () { send('play'); };
    ctx.pause = function () { send('pause'); };
    ctx.stop = function () { send('stop'); };
    ctx.seek = function (position) { send('seek', { position: Number(position) || 0 }); };
    ctx.destroy = function () {
      send('destroy');
      destroyed = true;
      delete contexts[id];
    };
    EVENTS.forEach(function (name) {
      ctx['on' + name] = function (listener) {
        if (typeof listener === 'function') { (listeners[name] = listeners[name] || []).push(listener); }
      };
      ctx['off' + name] = function (listener) {
        listeners[name] = listener === undefined ? []
          : (listeners[name] || []).filter(function (l) { return l !== listener; });
      };
    });

    contexts[id] = {
      update: function (mirror) {
        for (var key in mirror) {
          if (Object.prototype.hasOwnProperty.call(mirror, key)) { state[key] = mirror[key]; }
        }
      },
      emit: emit
    };
    send('create');
    return ctx;
  }

  emu.handlers.audio = function (message) {
    var context = contexts[message.id];
    if (!context) { return; }
    context.update(message.state || {});
    context.emit(message.event, message.res);
  };

  emu.createInnerAudioContext = createInnerAudioContext;
})(self.__emu);
