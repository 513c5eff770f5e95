/*
 * The page's half of the runtime's platform services: the worker's login, pay, ads, ... calls
 * are answered by the TTMinis simulator (ttminis-sim.js, loaded before this file: its panel,
 * overlays and sandbox, as under `make dev`); its Hide/Show and "Network offline" reach the
 * worker; and InnerAudioContexts play here, as <audio> elements.
 */
(function (root) {
  'use strict';

  var sim = root.TTMinis && root.TTMinis.game;
  var post = function () {};
  // Answers meant for a worker that was reloaded since are dropped (its call ids start over).
  var generation = 0;
  var ads = {};
  var audios = {};
  var waitingForGesture = [];
  var log = function () {};

  function sender() {
    var mine = generation;
    return function (message) { if (mine === generation) { post(message); } };
  }

  function send(message) { post(message); }

  function clone(value) {
    try { return JSON.parse(JSON.stringify(value === undefined ? {} : value)); } catch (e) { return {}; }
  }

  function call(message) {
    var send = sender();
    var reply = function (ok) {
      return function (res) { send({ type: 'reply', id: message.id, ok: ok, res: clone(res) }); };
    };
    if (!sim || typeof sim[message.method] !== 'function') {
      reply(false)({ error: { error_code: 0, error_msg: message.method + ' is not available', error_extra: {} } });
      return;
    }
    var opts = clone(message.args);
    opts.success = reply(true);
    opts.fail = reply(false);
    try {
      sim[message.method](opts);
    } catch (error) {
      opts.fail({ error: { error_code: 0, error_msg: String(error && error.message), error_extra: {} } });
    }
  }

  function ad(message) {
    var send = sender();
    var answer = function (event, res) { send({ type: 'ad', adId: message.adId, event: event, res: clone(res) }); };
    if (message.op === 'create') {
      var created = sim.createRewardedVideoAd(message.args);
      created.onClose(function (res) { answer('close', res); });
      created.onError(function (res) { answer('error', res); });
      ads[message.adId] = created;
    } else if (message.op === 'show' && ads[message.adId]) {
      ads[message.adId].show().then(function () { answer('shown', {}); }, function (err) { answer('showFailed', err); });
    }
  }

  // ---- audio --------------------------------------------------------------------------

  var AUDIO_EVENTS = {
    canplay: 'Canplay', play: 'Play', pause: 'Pause', ended: 'Ended', timeupdate: 'TimeUpdate',
    error: 'Error', waiting: 'Waiting', seeking: 'Seeking', seeked: 'Seeked'
  };

  function mirror(el) {
    var buffered = el.buffered.length ? el.buffered.end(el.buffered.length - 1) : 0;
    return { currentTime: el.currentTime, duration: isFinite(el.duration) ? el.duration : 0, paused: el.paused, buffered: buffered };
  }

  function createAudio(id) {
    var send = sender();
    var el = new Audio();
    var entry = { el: el, stopping: false, startTime: 0 };
    Object.keys(AUDIO_EVENTS).forEach(function (type) {
      el.addEventListener(type, function () {
        if (type === 'pause' && entry.stopping) { return; }
        var res = type === 'error'
          ? { errMsg: 'InnerAudioContext: cannot play ' + el.currentSrc, errCode: el.error && el.error.code === 4 ? 10004 : 10001 }
          : {};
        send({ type: 'audio', id: id, event: AUDIO_EVENTS[type], state: mirror(el), res: res });
      });
    });
    audios[id] = entry;
  }

  function play(entry) {
    entry.el.play().then(null, function (error) {
      if (error && error.name === 'NotAllowedError') {
        if (!waitingForGesture.length) {
          log('warn', '[emulator] the browser holds sound until you click the page (its autoplay policy; a device plays at once)');
        }
        waitingForGesture.push(entry);
      }
    });
  }

  function audio(message) {
    if (message.op === 'create') { createAudio(message.id); return; }
    var entry = audios[message.id];
    if (!entry) { return; }
    var el = entry.el;
    if (message.op === 'set') {
      var props = message.props || {};
      if (props.startTime !== undefined) { entry.startTime = props.startTime; }
      if (props.loop !== undefined) { el.loop = props.loop; }
      if (props.volume !== undefined) { el.volume = props.volume; }
      if (props.playbackRate !== undefined) { el.playbackRate = props.playbackRate; }
      if (props.src !== undefined) {
        el.src = props.src;
        if (entry.startTime) { el.currentTime = entry.startTime; }
        if (props.autoplay) { play(entry); }
      }
    } else if (message.op === 'play') {
      play(entry);
    } else if (message.op === 'pause') {
      el.pause();
    } else if (message.op === 'stop') {
      entry.stopping = true;
      el.pause();
      el.currentTime = 0;
      entry.stopping = false;
      send({ type: 'audio', id: message.id, event: 'Stop', state: mirror(el), res: {} });
    } else if (message.op === 'seek') {
      el.currentTime = message.position;
    } else if (message.op === 'destroy') {
      el.pause();
      el.removeAttribute('src');
      delete audios[message.id];
    }
  }

  root.addEventListener('pointerdown', function () {
    var held = waitingForGesture;
    waitingForGesture = [];
    held.forEach(play);
  }, true);

  // ---- lifecycle and network ------------------------------------------------------------

  if (sim) {
    sim.onHide(function (res) { send({ type: 'lifecycle', kind: 'hide', res: clone(res) }); });
    sim.onShow(function (res) { send({ type: 'lifecycle', kind: 'show', res: clone(res) }); });
  }
  root.addEventListener('offline', function () { send({ type: 'network', offline: true }); });
  root.addEventListener('online', function () { send({ type: 'network', offline: false }); });

  // Which dotted canIUse schemas the simulator answers true (the worker decides the rest).
  function canIUse() {
    var out = {};
    ['login.success.code'].forEach(function (schema) { out[schema] = !!(sim && sim.canIUse(schema)); });
    return out;
  }

  root.NativeEmuPlatform = {
    // `post` sends to the current worker; `logger(level, text)` writes to the page's console panel.
    attach: function (poster, logger) { post = poster; log = logger; },
    reset: function () {
      generation += 1;
      Object.keys(audios).forEach(function (id) { audio({ op: 'destroy', id: id }); });
      ads = {};
      waitingForGesture = [];
    },
    handle: function (message) {
      if (message.type === 'call') { call(message); }
      else if (message.type === 'ad') { ad(message); }
      else if (message.type === 'audio') { audio(message); }
    },
    canIUse: canIUse,
    launchOptions: function () { return sim ? clone(sim.getLaunchOptionsSync()) : { scene: '', query: {} }; },
    offline: function () { return !!(root.TTMinisSim && root.TTMinisSim.outcomes && root.TTMinisSim.outcomes.offline); }
  };
})(window);
