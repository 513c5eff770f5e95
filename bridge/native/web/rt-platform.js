/*
 * TikTok's platform services in the worker, played by the TTMinis simulator in the page (the
 * same simulator and sandbox as `make dev`): login, authorize, pay, checkBalance, recharge,
 * navigateToBalance, addShortcut, getShortcutMissionReward and rewarded video ads are forwarded
 * to the page and answered with the simulator's own results; onShow/onHide follow the panel's
 * Hide/Show (frames pause while hidden); the panel's "Network offline" reaches request().
 */
(function (emu) {
  'use strict';

  var FORWARDED = ['login', 'authorize', 'pay', 'checkBalance', 'recharge', 'navigateToBalance',
    'addShortcut', 'getShortcutMissionReward'];
  var pending = {};
  var ads = {};
  var nextId = 1;
  var lifecycle = { show: [], hide: [] };

  function plain(value) {
    try {
      return JSON.parse(JSON.stringify(value === undefined ? {} : value));
    } catch (e) {
      return {};
    }
  }

  function answer(opts, name, res) {
    if (typeof opts[name] === 'function') { emu.invoke(opts[name], res); }
  }

  function forward(method) {
    return function (opts) {
      opts = opts || {};
      var id = nextId++;
      pending[id] = opts;
      emu.post({ type: 'call', id: id, method: method, args: plain(opts) });
    };
  }

  emu.handlers.reply = function (message) {
    var opts = pending[message.id];
    if (!opts) { return; }
    delete pending[message.id];
    answer(opts, message.ok ? 'success' : 'fail', message.res);
    answer(opts, 'complete', message.res);
  };

  function createRewardedVideoAd(options) {
    var adId = nextId++;
    var listeners = { close: [], error: [] };
    var shows = [];
    ads[adId] = { listeners: listeners, shows: shows };
    emu.post({ type: 'ad', op: 'create', adId: adId, args: plain({ adUnitId: options && options.adUnitId }) });
    function add(kind) {
      return function (cb) { if (typeof cb === 'function') { listeners[kind].push(cb); } };
    }
    function remove(kind) {
      return function (cb) { listeners[kind] = listeners[kind].filter(function (c) { return c !== cb; }); };
    }
    return {
      adUnitId: options && options.adUnitId,
      onClose: add('close'), offClose: remove('close'),
      onError: add('error'), offError: remove('error'),
      load: function () { return Promise.resolve(); },
      show: function () {
        return new Promise(function (resolve, reject) {
          shows.push({ resolve: resolve, reject: reject });
          emu.post({ type: 'ad', op: 'show', adId: adId });
        });
      }
    };
  }

  emu.handlers.ad = function (message) {
    var ad = ads[message.adId];
    if (!ad) { return; }
    if (message.event === 'shown' || message.event === 'showFailed') {
      var show = ad.shows.shift();
      if (show) { (message.event === 'shown' ? show.resolve : show.reject)(message.res); }
      return;
    }
    ad.listeners[message.event].slice().forEach(function (cb) { emu.invoke(cb, message.res); });
  };

  emu.handlers.lifecycle = function (message) {
    emu.frames.hidden = message.kind === 'hide';
    lifecycle[message.kind].slice().forEach(function (cb) { emu.invoke(cb, message.res || {}); });
  };

  function on(kind) {
    return function (cb) { if (typeof cb === 'function') { lifecycle[kind].push(cb); } };
  }

  function off(kind) {
    return function (cb) {
      lifecycle[kind] = cb === undefined ? [] : lifecycle[kind].filter(function (c) { return c !== cb; });
    };
  }

  var api = {
    createRewardedVideoAd: createRewardedVideoAd,
    onShow: on('show'), offShow: off('show'), onHide: on('hide'), offHide: off('hide')
  };
  FORWARDED.forEach(function (method) { api[method] = forward(method); });
  emu.platformApi = api;
})(self.__emu);
