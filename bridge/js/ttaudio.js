/*
 * TTAudio: the game's sounds through TTMinis.game.createInnerAudioContext, for runtimes where
 * pygame-ce's mixer has no audio device (TikTok's native runtime has no Web Audio for SDL).
 *
 *   TTAudio.available()                 -> true where createInnerAudioContext exists
 *   TTAudio.load(name, src, loop)       -> true when the sound is ready to play (src: a package path)
 *   TTAudio.play(name, volume)          plays from the start (an effect restarts if it still plays)
 *   TTAudio.setVolume(name, volume)     0..1
 *   TTAudio.pause(name) / resume(name)  the music while the game is muted or hidden
 *   TTAudio.stopAll()                   everything stops (the app is closing)
 *
 * One audio context per named sound, made once. While the app is hidden (onHide .. onShow) what
 * was playing is paused here and resumed after: the game's own loop does not run then (no
 * animation frames), so it cannot mute in time. Plain script, synchronous calls with plain
 * arguments (the game calls them during its frame), no DOM, no eval.
 */
(function (root) {
  'use strict';

  var sounds = {};
  var pausedByHide = [];
  var lifecycle = false;

  function game() {
    var t = root.TTMinis;
    return t && t.game ? t.game : null;
  }

  function available() {
    var g = game();
    return !!g && typeof g.createInnerAudioContext === 'function';
  }

  function clamp(volume) {
    var v = Number(volume);
    return isFinite(v) ? Math.max(0, Math.min(1, v)) : 1;
  }

  function onHide() {
    pausedByHide = Object.keys(sounds).filter(function (name) { return sounds[name].paused === false; });
    pausedByHide.forEach(function (name) { call(name, function (ctx) { ctx.pause(); }); });
  }

  function onShow() {
    var names = pausedByHide;
    pausedByHide = [];
    names.forEach(function (name) { call(name, function (ctx) { ctx.play(); }); });
  }

  function attachLifecycle() {
    var g = game();
    if (lifecycle || typeof g.onHide !== 'function' || typeof g.onShow !== 'function') { return; }
    g.onHide(onHide);
    g.onShow(onShow);
    lifecycle = true;
  }

  function load(name, src, loop) {
    if (sounds[name]) { return true; }
    if (!available()) { return false; }
    attachLifecycle();
    try {
      var ctx = game().createInnerAudioContext();
      ctx.src = String(src);
      ctx.loop = !!loop;
      if (typeof ctx.onError === 'function') {
        ctx.onError(function (res) {
          console.warn('TTAudio: ' + name + ' (' + src + ') cannot play: ' +
            (res && (res.errMsg || res.errCode) || 'unknown error'));
        });
      }
      sounds[name] = ctx;
      return true;
    } catch (e) {
      console.warn('TTAudio: cannot create ' + name + ': ' + (e && e.message ? e.message : e));
      return false;
    }
  }

  function call(name, fn) {
    var ctx = sounds[name];
    if (!ctx) { return; }
    try {
      fn(ctx);
    } catch (e) {
      console.warn('TTAudio: ' + name + ': ' + (e && e.message ? e.message : e));
    }
  }

  function play(name, volume) {
    call(name, function (ctx) {
      ctx.volume = clamp(volume);
      if (!ctx.loop && typeof ctx.seek === 'function') { ctx.seek(0); }
      ctx.play();
    });
  }

  root.TTAudio = {
    available: available,
    load: load,
    play: play,
    setVolume: function (name, volume) { call(name, function (ctx) { ctx.volume = clamp(volume); }); },
    pause: function (name) { call(name, function (ctx) { ctx.pause(); }); },
    resume: function (name) { call(name, function (ctx) { ctx.play(); }); },
    stopAll: function () {
      Object.keys(sounds).forEach(function (name) { call(name, function (ctx) { ctx.stop(); }); });
    }
  };
})(typeof globalThis !== 'undefined' ? globalThis : this);
