/*
 * TTBridge: TikTok's TTMinis.game behind one promise-based call for the game's Python code.
 *
 *   TTBridge.init({clientKey, adCooldownMs, timeouts})   -> Promise<JSON string>
 *   TTBridge.call(method, argsJson)                      -> Promise<JSON string>, never rejects:
 *       {"ok": true, "data": {...}}
 *       {"ok": false, "error": {"code", "message", "platform"}}
 *   TTBridge.inbox                                       -> Array of JSON event strings
 *   TTBridge.frame()                                     -> Promise<number>: the host's next
 *       animation frame (its timestamp in ms), the game loop's one wait per frame
 *
 * pygbag hangs forever on a promise that rejects or resolves to a falsy value, so every path
 * below ends in resolve(<non-empty JSON string>). Plain script, no modules, no eval, no string
 * timers and no DOM, so the same file runs in TikTok's native runtime.
 */
(function (root) {
  'use strict';

  var CODES = [
    'cancelled', 'insufficient_balance', 'no_fill', 'not_supported', 'timeout', 'network', 'busy',
    'invalid_args', 'platform_error', 'unknown'
  ];

  var DEFAULT_TIMEOUTS = {
    login: 10000,
    showRewardedAd: 120000,
    pay: 300000,
    checkBalance: 10000,
    recharge: 300000,
    navigateToBalance: 120000,
    canIUse: 2000,
    http: 15000,
    getLaunchOptions: 2000,
    getStorage: 5000,
    setStorage: 5000,
    removeStorage: 5000,
    addShortcut: 60000,
    getShortcutMissionReward: 10000,
    authorize: 60000
  };
  var MAX_TIMEOUT_MS = 3600000;
  var MAX_INBOX = 256;
  // Methods that show something to the player: one at a time, an overlapping call is `busy`.
  var EXCLUSIVE = {
    login: true, showRewardedAd: true, pay: true, recharge: true, navigateToBalance: true,
    addShortcut: true, authorize: true
  };

  var config = { clientKey: null, adCooldownMs: 0, timeouts: {} };
  var inFlight = {};
  var lastAdClosedAt = -Infinity;
  var lifecycleAttached = false;
  var networkAttached = false;
  var initialised = false;
  var inbox = [];

  // ---- envelopes ---------------------------------------------------------------------------

  function jsonSafe(value) {
    try {
      var text = JSON.stringify(value);
      return text === undefined ? null : JSON.parse(text);
    } catch (e) {
      return null;
    }
  }

  function ok(data) {
    return { ok: true, data: data === undefined || data === null ? {} : data };
  }

  function fail(code, message, platform) {
    if (CODES.indexOf(code) < 0) { code = 'unknown'; }
    return {
      ok: false,
      error: { code: code, message: String(message || code), platform: platform || null }
    };
  }

  function encode(envelope) {
    var text;
    try {
      text = JSON.stringify(envelope);
    } catch (e) {
      text = null;
    }
    return text || '{"ok":false,"error":{"code":"unknown","message":"unencodable result","platform":null}}';
  }

  // TikTok failures carry {error: {error_code, error_msg, error_extra}}; ads and promises may
  // reject with other shapes. Keep the platform's own numbers untouched as data.
  function platformError(raw) {
    if (raw === undefined || raw === null) { return null; }
    var source = raw && typeof raw === 'object' && raw.error && typeof raw.error === 'object'
      ? raw.error : raw;
    if (typeof source !== 'object') { return { error_msg: String(source) }; }
    var out = {};
    var code = source.error_code !== undefined ? source.error_code
      : source.errCode !== undefined ? source.errCode : source.code;
    var msg = source.error_msg !== undefined ? source.error_msg
      : source.errMsg !== undefined ? source.errMsg : source.message;
    if (code !== undefined) { out.error_code = jsonSafe(code); }
    if (msg !== undefined) { out.error_msg = String(msg); }
    if (source.error_extra !== undefined) { out.error_extra = jsonSafe(source.error_extra); }
    return out;
  }

  // No list of TikTok's client codes is published: classify by the words of the message.
  function classify(platform, fallback) {
    var text = platform ? String(platform.error_msg || '').toLowerCase() : '';
    // Before `cancel`: a sheet closed for want of Beans is not the player changing their mind.
    if (/insufficient|not enough (beans|balance)/.test(text)) { return 'insufficient_balance'; }
    if (/cancel/.test(text)) { return 'cancelled'; }
    if (/no.?fill|no ad|no_ad|noad/.test(text)) { return 'no_fill'; }
    if (/timed? ?out/.test(text)) { return 'timeout'; }
    if (/network|offline|connection/.test(text)) { return 'network'; }
    if (/not.?support|unsupported/.test(text)) { return 'not_supported'; }
    return fallback || 'platform_error';
  }

  function platformFailure(method, raw, fallback) {
    var platform = platformError(raw);
    var detail = platform && platform.error_msg ? ': ' + platform.error_msg : '';
    return fail(classify(platform, fallback), method + ' failed' + detail, platform);
  }

  // ---- events ------------------------------------------------------------------------------

  function emit(type, data) {
    var text;
    try {
      text = JSON.stringify({ type: type, data: jsonSafe(data) || {} });
    } catch (e) {
      text = JSON.stringify({ type: type, data: {} });
    }
    inbox.push(text);
    // A game that never drains (not started yet) must not grow the page's memory forever.
    while (inbox.length > MAX_INBOX) { inbox.shift(); }
  }

  function game() {
    var t = root.TTMinis;
    return t && t.game ? t.game : null;
  }

  function attachLifecycle() {
    var g = game();
    if (lifecycleAttached || !g) { return; }
    try {
      // In TikTok's HTML runtime nothing but init exists before init(): try again later.
      if (typeof g.onHide === 'function' && typeof g.onShow === 'function') {
        g.onHide(function (res) { emit('hide', res); });
        g.onShow(function (res) { emit('show', res); });
        lifecycleAttached = true;
      }
    } catch (e) {
      // The HTML SDK may refuse listeners before init(); init() attaches them again.
    }
    if (!networkAttached && typeof root.addEventListener === 'function') {
      networkAttached = true;
      root.addEventListener('online', function () { emit('network', { online: true }); });
      root.addEventListener('offline', function () { emit('network', { online: false }); });
    }
  }

  // ---- one call ----------------------------------------------------------------------------

  function timeoutFor(method, args) {
    if (args.timeout_ms === undefined || args.timeout_ms === null) {
      var configured = config.timeouts[method];
      return typeof configured === 'number' ? configured : DEFAULT_TIMEOUTS[method];
    }
    var ms = args.timeout_ms;
    if (typeof ms === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(ms)) { ms = Number(ms); }
    if (typeof ms !== 'number' || !isFinite(ms) || ms <= 0 || ms > MAX_TIMEOUT_MS) {
      return -1;
    }
    return ms;
  }

  function parseArgs(argsJson) {
    if (argsJson === undefined || argsJson === null || argsJson === '') { return {}; }
    var args = argsJson;
    if (typeof argsJson === 'string') {
      try {
        args = JSON.parse(argsJson);
      } catch (e) {
        return null;
      }
    }
    if (args === null || typeof args !== 'object' || Array.isArray(args)) { return null; }
    return args;
  }

  function call(method, argsJson) {
    return new Promise(function (resolve) {
      var settled = false;
      var timer = null;
      var cleanups = [];
      var ctx = {
        done: function (envelope) {
          if (settled) { return; }
          settled = true;
          if (timer !== null) { clearTimeout(timer); }
          for (var i = cleanups.length - 1; i >= 0; i--) {
            try { cleanups[i](envelope); } catch (e) { /* cleanup never blocks the answer */ }
          }
          resolve(encode(envelope));
        },
        onSettle: function (fn) { cleanups.push(fn); },
        isSettled: function () { return settled; }
      };
      try {
        var handler = typeof method === 'string' && HANDLERS.hasOwnProperty(method)
          ? HANDLERS[method] : null;
        if (!handler) {
          ctx.done(fail('not_supported', 'unknown method: ' + String(method)));
          return;
        }
        var args = parseArgs(argsJson);
        if (args === null) {
          ctx.done(fail('invalid_args', method + ': arguments must be a JSON object'));
          return;
        }
        var ms = timeoutFor(method, args);
        if (ms < 0) {
          ctx.done(fail('invalid_args', method + ': timeout_ms must be a number in 1..' + MAX_TIMEOUT_MS));
          return;
        }
        if (EXCLUSIVE[method]) {
          if (inFlight[method]) {
            ctx.done(fail('busy', method + ' is already in progress'));
            return;
          }
          inFlight[method] = true;
          ctx.onSettle(function () { inFlight[method] = false; });
        }
        timer = setTimeout(function () {
          ctx.done(fail('timeout', method + ' took longer than ' + ms + ' ms'));
        }, ms);
        attachLifecycle();
        var g = game();
        if (!g && method !== 'http') {
          ctx.done(fail('not_supported', 'TTMinis.game is not available'));
          return;
        }
        handler(g, args, ctx);
      } catch (e) {
        ctx.done(fail('unknown', method + ' threw: ' + (e && e.message ? e.message : String(e)),
          platformError(e)));
      }
    });
  }

  // Calls a TikTok callback-style API ({success, fail, complete}); also accepts a promise return.
  function callbackApi(g, name, opts, ctx, onSuccess) {
    if (typeof g[name] !== 'function') {
      ctx.done(fail('not_supported', name + ' is not available in this TikTok client'));
      return;
    }
    var request = {};
    for (var key in opts) {
      if (Object.prototype.hasOwnProperty.call(opts, key) && key !== 'timeout_ms') {
        request[key] = opts[key];
      }
    }
    request.success = function (res) {
      if (ctx.isSettled()) { return; }
      try {
        ctx.done(onSuccess ? onSuccess(res || {}) : ok({}));
      } catch (e) {
        ctx.done(fail('unknown', name + ': unexpected answer'));
      }
    };
    request.fail = function (res) { ctx.done(platformFailure(name, res)); };
    try {
      var returned = g[name](request);
      if (returned && typeof returned.then === 'function') {
        returned.then(request.success, request.fail);
      }
    } catch (e) {
      ctx.done(platformFailure(name, e));
    }
  }

  function isText(value) {
    return typeof value === 'string' && value.replace(/\s+/g, '') !== '';
  }

  function canIUse(g, schema) {
    if (typeof g.canIUse === 'function') {
      try {
        return g.canIUse(schema) === true;
      } catch (e) {
        return false;
      }
    }
    return typeof g[String(schema).split('.')[0]] === 'function';
  }

  // ---- methods -----------------------------------------------------------------------------

  function login(g, args, ctx) {
    callbackApi(g, 'login', args, ctx, function (res) {
      if (!isText(res.code)) {
        return fail('platform_error', 'login succeeded without a code', platformError(res));
      }
      return ok({ code: res.code });
    });
  }

  function showRewardedAd(g, args, ctx) {
    if (!isText(args.adUnitId)) {
      ctx.done(fail('invalid_args', 'showRewardedAd: adUnitId must be a non-empty string'));
      return;
    }
    var since = Date.now() - lastAdClosedAt;
    if (since < config.adCooldownMs) {
      ctx.done(fail('busy', 'showRewardedAd: cooling down, ' + (config.adCooldownMs - since) + ' ms left'));
      return;
    }
    if (!canIUse(g, 'createRewardedVideoAd') || typeof g.createRewardedVideoAd !== 'function') {
      ctx.done(fail('not_supported', 'rewarded video ads are not available in this TikTok client'));
      return;
    }
    var ad;
    try {
      ad = g.createRewardedVideoAd({ adUnitId: args.adUnitId });
    } catch (e) {
      ctx.done(platformFailure('createRewardedVideoAd', e));
      return;
    }
    if (!ad || typeof ad.show !== 'function') {
      ctx.done(fail('platform_error', 'createRewardedVideoAd returned no ad'));
      return;
    }
    // The reward decision: only onClose({isEnded: true}) of this very view, once. ctx.done is
    // the re-entry guard: whatever fires after the first settle (a second onClose, a late
    // callback after a timeout) is ignored.
    var onClose = function (res) {
      ctx.done(ok({ rewarded: !!(res && res.isEnded === true) }));
    };
    var onError = function (err) {
      ctx.done(platformFailure('showRewardedAd', err));
    };
    emit('ad_open', { adUnitId: args.adUnitId });
    ctx.onSettle(function (envelope) {
      if (typeof ad.offClose === 'function') { ad.offClose(onClose); }
      if (typeof ad.offError === 'function') { ad.offError(onError); }
      lastAdClosedAt = Date.now();
      emit('ad_close', { rewarded: !!(envelope.ok && envelope.data.rewarded) });
    });
    // Listeners first, then show(): a view that ends fast must still be heard.
    ad.onClose(onClose);
    if (typeof ad.onError === 'function') { ad.onError(onError); }
    var shown = ad.show();
    if (shown && typeof shown.then === 'function') {
      shown.then(null, function (err) { ctx.done(platformFailure('showRewardedAd', err)); });
    }
  }

  function pay(g, args, ctx) {
    if (!isText(args.trade_order_id)) {
      ctx.done(fail('invalid_args', 'pay: trade_order_id must be a non-empty string'));
      return;
    }
    callbackApi(g, 'pay', args, ctx);
  }

  function checkBalance(g, args, ctx) {
    var amount = args.amount;
    if (typeof amount !== 'number' || amount <= 0 || Math.floor(amount) !== amount) {
      ctx.done(fail('invalid_args', 'checkBalance: amount must be a positive whole number'));
      return;
    }
    callbackApi(g, 'checkBalance', { amount: amount, type: args.type || 'BEANS' }, ctx,
      function (res) { return ok({ is_sufficient: res.is_sufficient === true }); });
  }

  function recharge(g, args, ctx) {
    if (!isText(args.tier_id)) {
      ctx.done(fail('invalid_args', 'recharge: tier_id must be a non-empty string'));
      return;
    }
    callbackApi(g, 'recharge', args, ctx);
  }

  function navigateToBalance(g, args, ctx) {
    callbackApi(g, 'navigateToBalance', { type: args.type || 'BEANS' }, ctx);
  }

  function canIUseMethod(g, args, ctx) {
    if (!isText(args.schema)) {
      ctx.done(fail('invalid_args', 'canIUse: schema must be a non-empty string'));
      return;
    }
    ctx.done(ok({ available: canIUse(g, args.schema) }));
  }

  function getLaunchOptions(g, args, ctx) {
    if (typeof g.getLaunchOptionsSync !== 'function') {
      ctx.done(fail('not_supported', 'getLaunchOptionsSync is not available'));
      return;
    }
    var res = g.getLaunchOptionsSync() || {};
    ctx.done(ok({
      scene: res.scene === undefined || res.scene === null ? '' : String(res.scene),
      query: jsonSafe(res.query) || {}
    }));
  }

  function storageKey(args, ctx, name) {
    if (!isText(args.key)) {
      ctx.done(fail('invalid_args', name + ': key must be a non-empty string'));
      return false;
    }
    return true;
  }

  function getStorage(g, args, ctx) {
    if (!storageKey(args, ctx, 'getStorage')) { return; }
    if (typeof g.getStorage !== 'function') {
      ctx.done(fail('not_supported', 'getStorage is not available'));
      return;
    }
    g.getStorage({
      key: args.key,
      success: function (res) {
        ctx.done(ok({ data: res && res.data !== undefined ? jsonSafe(res.data) : null }));
      },
      fail: function (res) {
        var platform = platformError(res);
        // A missing key is not a failure for the game: it reads as "nothing stored".
        if (/not.?(found|exist)|no data|empty/i.test(platform && platform.error_msg || '')) {
          ctx.done(ok({ data: null }));
        } else {
          ctx.done(platformFailure('getStorage', res));
        }
      }
    });
  }

  function setStorage(g, args, ctx) {
    if (!storageKey(args, ctx, 'setStorage')) { return; }
    callbackApi(g, 'setStorage', { key: args.key, data: jsonSafe(args.data) }, ctx);
  }

  function removeStorage(g, args, ctx) {
    if (!storageKey(args, ctx, 'removeStorage')) { return; }
    callbackApi(g, 'removeStorage', { key: args.key }, ctx);
  }

  function passthrough(name) {
    return function (g, args, ctx) {
      callbackApi(g, name, args, ctx, function (res) { return ok(jsonSafe(res) || {}); });
    };
  }

  function http(g, args, ctx) {
    var method = args.method === undefined ? 'GET' : args.method;
    var headers = args.headers || {};
    var body = args.body === undefined ? null : args.body;
    if (!isText(method) || !isText(args.url) || typeof headers !== 'object' ||
        Array.isArray(headers) || (body !== null && typeof body !== 'string')) {
      ctx.done(fail('invalid_args', 'http: needs {method, url, headers: object, body: string|null}'));
      return;
    }
    method = method.toUpperCase();
    if (typeof root.fetch === 'function') {
      httpFetch(method, args.url, headers, body, ctx);
    } else if (g && typeof g.request === 'function') {
      httpRequest(g, method, args, headers, body, ctx);
    } else {
      ctx.done(fail('not_supported', 'http: neither fetch nor TTMinis.game.request exists'));
    }
  }

  function httpFetch(method, url, headers, body, ctx) {
    var controller = typeof AbortController === 'function' ? new AbortController() : null;
    if (controller) { ctx.onSettle(function () { controller.abort(); }); }
    var init = { method: method, headers: headers };
    if (body !== null && method !== 'GET' && method !== 'HEAD') { init.body = body; }
    if (controller) { init.signal = controller.signal; }
    root.fetch(url, init).then(function (response) {
      var out = {};
      response.headers.forEach(function (value, key) { out[key.toLowerCase()] = value; });
      return response.text().then(function (text) {
        ctx.done(ok({ status: response.status, headers: out, body: text }));
      });
    }).then(null, function (err) {
      ctx.done(fail('network', 'http: ' + (err && err.message ? err.message : 'request failed'),
        platformError(err)));
    });
  }

  function httpRequest(g, method, args, headers, body, ctx) {
    callbackApi(g, 'request', {
      url: args.url, method: method, header: headers, data: body, dataType: 'text',
      responseType: 'text', timeout: args.timeout_ms || DEFAULT_TIMEOUTS.http
    }, ctx, function (res) {
      var data = res.data;
      var out = {};
      var raw = res.header || res.headers || {};
      for (var key in raw) {
        if (Object.prototype.hasOwnProperty.call(raw, key)) { out[key.toLowerCase()] = String(raw[key]); }
      }
      return ok({
        status: Number(res.statusCode || res.status || 0),
        headers: out,
        body: typeof data === 'string' ? data : data === undefined || data === null ? '' : JSON.stringify(data)
      });
    });
  }

  var HANDLERS = {
    login: login,
    showRewardedAd: showRewardedAd,
    pay: pay,
    checkBalance: checkBalance,
    recharge: recharge,
    navigateToBalance: navigateToBalance,
    canIUse: canIUseMethod,
    http: http,
    getLaunchOptions: getLaunchOptions,
    getStorage: getStorage,
    setStorage: setStorage,
    removeStorage: removeStorage,
    addShortcut: passthrough('addShortcut'),
    getShortcutMissionReward: passthrough('getShortcutMissionReward'),
    authorize: passthrough('authorize')
  };

  // ---- frames ------------------------------------------------------------------------------

  // The game loop awaits one of these per frame, so it runs once per display refresh and not at
  // all where the host stops animation frames (a hidden tab). The host's own requestAnimationFrame
  // is looked up on every call: a page, a Worker or TikTok's native runtime each supply theirs
  // (an emulator may install it after this script). A host without one gets a 60 Hz timer.
  // Resolves to a positive number, never to a falsy value (pygbag's jsprom would hang on one).
  var FRAME_MS = 1000 / 60;

  function now() {
    var perf = root.performance;
    return perf && typeof perf.now === 'function' ? perf.now() : Date.now();
  }

  function frame() {
    return new Promise(function (resolve) {
      var done = function (timestamp) {
        resolve(typeof timestamp === 'number' && timestamp > 0 ? timestamp : now() || 1);
      };
      var raf = root.requestAnimationFrame;
      if (typeof raf === 'function') {
        raf.call(root, done);
      } else {
        setTimeout(function () { done(now()); }, FRAME_MS);
      }
    });
  }

  // ---- setup -------------------------------------------------------------------------------

  function configure(options) {
    options = options || {};
    if (isText(options.clientKey)) { config.clientKey = options.clientKey; }
    if (typeof options.adCooldownMs === 'number' && options.adCooldownMs >= 0) {
      config.adCooldownMs = options.adCooldownMs;
    }
    if (options.timeouts && typeof options.timeouts === 'object') {
      for (var key in options.timeouts) {
        if (Object.prototype.hasOwnProperty.call(options.timeouts, key) &&
            typeof options.timeouts[key] === 'number' && options.timeouts[key] > 0) {
          config.timeouts[key] = options.timeouts[key];
        }
      }
    }
  }

  // The HTML runtime needs TTMinis.game.init({clientKey}) once; the native runtime preloads the
  // SDK and may have no init at all.
  function init(options) {
    return new Promise(function (resolve) {
      try {
        configure(options);
        var g = game();
        if (!g) {
          resolve(encode(fail('not_supported', 'TTMinis.game is not available')));
          return;
        }
        if (!initialised && typeof g.init === 'function' && typeof root.document !== 'undefined') {
          g.init({ clientKey: config.clientKey });
        }
        initialised = true;
        attachLifecycle();
        resolve(encode(ok({ clientKey: config.clientKey })));
      } catch (e) {
        resolve(encode(platformFailure('init', e)));
      }
    });
  }

  // TTMinis may appear after this script (a simulator or SDK loaded later): keep looking for a
  // while so hide/show reach the inbox even before the first call.
  var attachTries = 0;
  function attachSoon() {
    attachLifecycle();
    if (!lifecycleAttached && attachTries++ < 100) { setTimeout(attachSoon, 100); }
  }
  attachSoon();
  // A page can configure the bridge before loading it: window.TTBridgeConfig = {clientKey, ...}.
  if (root.TTBridgeConfig && typeof root.TTBridgeConfig === 'object') { init(root.TTBridgeConfig); }

  root.TTBridge = {
    version: '1',
    codes: CODES.slice(),
    methods: Object.keys(HANDLERS),
    defaultTimeouts: DEFAULT_TIMEOUTS,
    inbox: inbox,
    init: init,
    configure: configure,
    call: call,
    frame: frame
  };
})(typeof globalThis !== 'undefined' ? globalThis : this);
