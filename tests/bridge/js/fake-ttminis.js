/*
 * A fake TTMinis.game whose timing the test controls: every callback-style call is parked in
 * Fake.pending[name] until the test answers it with Fake.succeed / Fake.fail.
 */
(function () {
  'use strict';
  var Fake = {
    pending: {},
    calls: [],
    inits: [],
    unavailable: [],
    ads: [],
    showMode: 'resolve',
    showCbs: [],
    hideCbs: [],
    launch: { scene: '1001', query: { from: 'test' } },
    store: {}
  };

  function park(name) {
    return function (opts) {
      Fake.calls.push({ name: name, opts: JSON.parse(JSON.stringify(opts || {})) });
      (Fake.pending[name] = Fake.pending[name] || []).push(opts);
    };
  }

  Fake.count = function (name) { return (Fake.pending[name] || []).length; };
  Fake.take = function (name) {
    var list = Fake.pending[name] || [];
    if (!list.length) { throw new Error('nothing pending for ' + name); }
    return list.shift();
  };
  // Answers stay callable after being answered: a late platform callback.
  Fake.succeed = function (name, res) {
    var opts = Fake.take(name);
    opts.success(res || {});
    if (opts.complete) { opts.complete(res || {}); }
    return opts;
  };
  Fake.fail = function (name, code, msg) {
    var opts = Fake.take(name);
    var res = { error: { error_code: code, error_msg: msg, error_extra: { hint: 'raw' } } };
    opts.fail(res);
    if (opts.complete) { opts.complete(res); }
    return opts;
  };
  Fake.hide = function () { Fake.hideCbs.forEach(function (cb) { cb({}); }); };
  Fake.show = function () { Fake.showCbs.forEach(function (cb) { cb({ query: { back: '1' } }); }); };

  function makeAd(opts) {
    var ad = {
      adUnitId: opts.adUnitId,
      closeCbs: [], errorCbs: [], offCloseCalls: 0, offErrorCalls: 0, shows: 0, rejectShow: null,
      onClose: function (cb) { ad.closeCbs.push(cb); },
      offClose: function (cb) {
        ad.offCloseCalls++;
        ad.closeCbs = ad.closeCbs.filter(function (c) { return c !== cb; });
      },
      onError: function (cb) { ad.errorCbs.push(cb); },
      offError: function (cb) {
        ad.offErrorCalls++;
        ad.errorCbs = ad.errorCbs.filter(function (c) { return c !== cb; });
      },
      show: function () {
        ad.shows++;
        ad.listenersAtShow = ad.closeCbs.length + ad.errorCbs.length;
        if (Fake.showMode === 'reject') {
          return Promise.reject({ errCode: 2002, errMsg: 'show failed' });
        }
        return new Promise(function (resolve, reject) { ad.rejectShow = reject; resolve(); });
      },
      // Test controls: what the player / the ad network does.
      close: function (isEnded) { ad.closeCbs.slice().forEach(function (cb) { cb({ isEnded: isEnded }); }); },
      error: function (code, msg) {
        ad.errorCbs.slice().forEach(function (cb) { cb({ errCode: code, errMsg: msg }); });
      }
    };
    return ad;
  }

  window.TTMinis = {
    game: {
      init: function (opts) { Fake.inits.push(opts); },
      canIUse: function (schema) { return Fake.unavailable.indexOf(schema) < 0; },
      login: park('login'),
      pay: park('pay'),
      checkBalance: park('checkBalance'),
      recharge: park('recharge'),
      navigateToBalance: park('navigateToBalance'),
      addShortcut: park('addShortcut'),
      getShortcutMissionReward: park('getShortcutMissionReward'),
      authorize: park('authorize'),
      getStorage: park('getStorage'),
      setStorage: park('setStorage'),
      removeStorage: park('removeStorage'),
      request: park('request'),
      getLaunchOptionsSync: function () { return Fake.launch; },
      onShow: function (cb) { Fake.showCbs.push(cb); },
      offShow: function () {},
      onHide: function (cb) { Fake.hideCbs.push(cb); },
      offHide: function () {},
      createRewardedVideoAd: function (opts) {
        var ad = makeAd(opts);
        Fake.ads.push(ad);
        return ad;
      }
    }
  };
  window.Fake = Fake;

  // Test helper: start a call now, read its result later with done(id).
  var results = {};
  window.start = function (id, method, args) {
    results[id] = null;
    TTBridge.call(method, typeof args === 'string' ? args : JSON.stringify(args || {}))
      .then(function (r) { results[id] = r; }, function (e) { results[id] = 'REJECTED ' + e; });
  };
  window.result = function (id) { return results[id]; };
  window.drain = function () {
    var out = [];
    while (TTBridge.inbox.length > 0) { out.push(JSON.parse(TTBridge.inbox.shift())); }
    return out;
  };
})();
