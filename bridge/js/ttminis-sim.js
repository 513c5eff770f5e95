/*
 * The TTMinis simulator: TikTok's TTMinis.game for a desktop browser (development builds only).
 *
 * Installed only when the page has no TTMinis (inside TikTok the real SDK wins). It has the same
 * surface and callback semantics ({success, fail, complete}; failures carry
 * {error: {error_code, error_msg, error_extra}}), shows what TikTok would show over the game
 * (a rewarded video, a Beans pay sheet, a balance page) and plays TikTok's part against the
 * sandbox of the page's server: login codes from {sandboxBase}/control/login_codes, payments
 * through {sandboxBase}/control/orders/{id}/pay, which delivers the signed webhook to the server.
 * A control panel sets the outcomes. TTMinisSim.configure({sandboxBase, adSeconds}) adjusts it.
 * Plain script: no eval, no string timers, no innerHTML.
 */
(function (root) {
  'use strict';

  if (root.TTMinis) {
    root.TTMinisSim = { installed: false };
    return;
  }

  var KEY_OPEN_ID = 'ttminis-sim.open_id';
  var KEY_STORAGE = 'ttminis-sim.storage.';
  var SCHEMAS = [
    'login', 'createRewardedVideoAd', 'pay', 'checkBalance', 'recharge', 'navigateToBalance',
    'onShow', 'onHide', 'offShow', 'offHide', 'getLaunchOptionsSync', 'getStorage', 'setStorage',
    'removeStorage', 'getStorageSync', 'setStorageSync', 'request', 'addShortcut',
    'getShortcutMissionReward', 'authorize', 'login.success.code'
  ];
  // TikTok publishes no client error codes; these are the simulator's own, chosen so the
  // messages carry the words ttbridge.js classifies by.
  var ERR = {
    offline: [10002, 'network offline (simulated)'],
    sandbox: [10003, 'network error: the sandbox cannot be reached'],
    login: [102102, 'login failed (simulated by the control panel)'],
    noFill: [1004, 'no fill: no ad available (simulated)'],
    adError: [1003, 'ad playback error (simulated)'],
    shownTwice: [1005, 'this ad instance was already shown: create a new one'],
    cancelled: [10010, 'user cancelled the payment'],
    payFailed: [10011, 'payment failed (simulated)'],
    insufficient: [10014, 'insufficient balance: not enough Beans for this order'],
    noOrder: [20011002, 'trade order does not exist'],
    notLoggedIn: [10012, 'not logged in'],
    noData: [10013, 'data not found'],
    badArgs: [40001000, 'invalid parameters']
  };

  var settings = {
    sandboxBase: (root.location ? root.location.origin : '') + '/sandbox',
    adSeconds: 5,
    skipAfterSeconds: 1
  };
  var outcomes = { loginFails: false, ad: 'complete', pay: 'confirm', webhook: 'normal', offline: false };
  var listeners = { show: [], hide: [] };
  var state = { clientKey: null, hidden: false, openId: readOpenId() };
  var realFetch = typeof root.fetch === 'function' ? root.fetch.bind(root) : null;
  var ui = { panel: null, controls: {}, user: null, beans: null, log: null, hiddenCover: null };

  // ---- small helpers -----------------------------------------------------------------------

  function later(fn, ms) { setTimeout(fn, ms || 0); }

  function readOpenId() {
    try { return root.localStorage.getItem(KEY_OPEN_ID); } catch (e) { return null; }
  }

  function rememberOpenId(openId) {
    state.openId = openId;
    try {
      if (openId) { root.localStorage.setItem(KEY_OPEN_ID, openId); } else { root.localStorage.removeItem(KEY_OPEN_ID); }
    } catch (e) { /* private mode: the player is new after a reload */ }
    renderUser();
    showBeans();
  }

  function error(pair, extra) {
    return { error: { error_code: pair[0], error_msg: pair[1], error_extra: extra || {} } };
  }

  // TikTok's callback contract: success or fail, then complete; always asynchronous.
  function succeed(opts, res) {
    later(function () {
      if (opts && typeof opts.success === 'function') { opts.success(res); }
      if (opts && typeof opts.complete === 'function') { opts.complete(res); }
    });
  }

  function failWith(opts, res) {
    log('fail: ' + res.error.error_msg);
    later(function () {
      if (opts && typeof opts.fail === 'function') { opts.fail(res); }
      if (opts && typeof opts.complete === 'function') { opts.complete(res); }
    });
  }

  function el(tag, props, children) {
    var node = root.document.createElement(tag);
    var key;
    for (key in props || {}) {
      if (!Object.prototype.hasOwnProperty.call(props, key)) { continue; }
      if (key === 'style') {
        for (var s in props.style) {
          if (Object.prototype.hasOwnProperty.call(props.style, s)) { node.style[s] = props.style[s]; }
        }
      } else if (key === 'text') {
        node.textContent = props.text;
      } else if (key === 'onclick' || key === 'onchange') {
        node.addEventListener(key.slice(2), props[key]);
      } else {
        node.setAttribute(key, props[key]);
      }
    }
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  function log(message) {
    if (!ui.log) { return; }
    var line = el('div', { text: new Date().toLocaleTimeString() + '  ' + message });
    ui.log.insertBefore(line, ui.log.firstChild);
    while (ui.log.childNodes.length > 30) { ui.log.removeChild(ui.log.lastChild); }
  }

  // ---- the sandbox -------------------------------------------------------------------------

  // Resolves {status, body}; rejects with a TikTok-shaped error when the network is down.
  function sandbox(method, path, body) {
    if (outcomes.offline) { return Promise.reject(error(ERR.offline)); }
    if (!realFetch) { return Promise.reject(error(ERR.sandbox)); }
    var init = { method: method, headers: { 'Content-Type': 'application/json' } };
    if (body !== undefined) { init.body = JSON.stringify(body); }
    return realFetch(settings.sandboxBase + path, init).then(function (response) {
      return response.text().then(function (text) {
        var decoded = {};
        try { decoded = text ? JSON.parse(text) : {}; } catch (e) { decoded = {}; }
        return { status: response.status, body: decoded || {} };
      });
    }, function () {
      return Promise.reject(error(ERR.sandbox, { sandbox: settings.sandboxBase }));
    });
  }

  function sandboxFailure(what, answer) {
    var e = answer.body && answer.body.error ? answer.body.error : {};
    var code = answer.status === 404 && what === 'order' ? ERR.noOrder[0] : answer.status;
    return error([code, what + ' failed in the sandbox: ' + (e.message || 'HTTP ' + answer.status)],
      { status: answer.status, code: e.code || null });
  }

  function enc(value) { return encodeURIComponent(String(value)); }

  function currentUser() {
    if (!state.openId) { return Promise.reject(error(ERR.notLoggedIn)); }
    return sandbox('GET', '/control/users/' + enc(state.openId)).then(function (answer) {
      if (answer.status !== 200) { return Promise.reject(sandboxFailure('user', answer)); }
      return answer.body;
    });
  }

  // ---- overlays over the game --------------------------------------------------------------

  function overlayHost() {
    var frame = root.document.getElementById('game-frame');
    if (frame) {
      if (root.getComputedStyle(frame).position === 'static') { frame.style.position = 'relative'; }
      return { node: frame, position: 'absolute' };
    }
    return { node: root.document.body, position: 'fixed' };
  }

  function overlay(id, children) {
    var host = overlayHost();
    var card = el('div', {
      'class': 'tt-sim-card',
      style: {
        background: '#fff', color: '#161823', borderRadius: '12px', padding: '20px',
        minWidth: '240px', maxWidth: '90%', font: '15px system-ui, sans-serif',
        boxShadow: '0 8px 32px rgba(0,0,0,.4)', textAlign: 'center'
      }
    }, children);
    var node = el('div', {
      id: id, 'class': 'tt-sim-overlay', role: 'dialog',
      style: {
        position: host.position, left: '0', top: '0', right: '0', bottom: '0', zIndex: '2147483000',
        display: 'flex', alignItems: 'center', justifyContent: 'center', background: 'rgba(0,0,0,.72)'
      }
    }, [card]);
    host.node.appendChild(node);
    return node;
  }

  function button(id, text, primary, onclick) {
    return el('button', {
      id: id, type: 'button', text: text, onclick: onclick,
      style: {
        margin: '6px', padding: '10px 18px', borderRadius: '8px', border: '0', cursor: 'pointer',
        font: 'inherit', fontWeight: '600',
        background: primary ? '#fe2c55' : '#f1f1f2', color: primary ? '#fff' : '#161823'
      }
    });
  }

  function remove(node) {
    if (node && node.parentNode) { node.parentNode.removeChild(node); }
  }

  // ---- TTMinis.game: login -----------------------------------------------------------------

  function issueCode(openId) {
    var body = openId ? { open_id: openId } : { display_name: 'Simulator player' };
    return sandbox('POST', '/control/login_codes', body);
  }

  function login(opts) {
    log('login');
    if (outcomes.loginFails) { failWith(opts, error(ERR.login)); return; }
    var openId = state.openId;
    issueCode(openId).then(function (answer) {
      // The sandbox lost this player (a fresh database): bring the same open_id back.
      if (answer.status === 404 && openId) {
        return sandbox('POST', '/control/users', { open_id: openId, display_name: 'Simulator player' })
          .then(function () { return issueCode(openId); });
      }
      return answer;
    }).then(function (answer) {
      if (answer.status !== 201 || !answer.body.code) {
        failWith(opts, sandboxFailure('login', answer));
        return;
      }
      rememberOpenId(answer.body.open_id);
      log('login code for ' + answer.body.open_id);
      succeed(opts, { code: answer.body.code });
    }, function (res) { failWith(opts, res); });
  }

  // ---- TTMinis.game: rewarded video --------------------------------------------------------

  function createRewardedVideoAd(options) {
    var adUnitId = options && options.adUnitId;
    var closeCbs = [];
    var errorCbs = [];
    var shown = false;

    function emitClose(isEnded) {
      log('ad closed, isEnded=' + isEnded);
      closeCbs.slice().forEach(function (cb) { cb({ isEnded: isEnded }); });
    }

    function emitError(pair) {
      var res = { errCode: pair[0], errMsg: pair[1], error: error(pair).error };
      log('ad error: ' + pair[1]);
      errorCbs.slice().forEach(function (cb) { cb(res); });
    }

    function play() {
      var left = settings.adSeconds;
      var ended = false;
      var timer = null;
      var status = el('p', { id: 'tt-sim-ad-countdown', text: '' });
      var node = overlay('tt-sim-ad', [
        el('div', { text: 'Sponsored · rewarded video', style: { fontWeight: '700', marginBottom: '8px' } }),
        el('div', { text: 'Ad unit ' + adUnitId, style: { fontSize: '12px', color: '#888' } }),
        status,
        button('tt-sim-ad-close', 'Close', false, function () { finish(ended); })
      ]);
      function render() {
        status.textContent = ended ? 'Reward earned: close the ad' : 'Reward in ' + Math.ceil(left) + ' s';
      }
      function finish(isEnded) {
        if (timer !== null) { clearInterval(timer); timer = null; }
        if (!node) { return; }
        remove(node);
        node = null;
        emitClose(isEnded);
      }
      render();
      timer = setInterval(function () {
        left -= 0.25;
        if (left <= 0 && !ended) { ended = true; clearInterval(timer); timer = null; }
        render();
      }, 250);
      if (outcomes.ad === 'skip') {
        later(function () { finish(false); }, settings.skipAfterSeconds * 1000);
      }
      if (outcomes.ad === 'error') {
        later(function () {
          if (timer !== null) { clearInterval(timer); timer = null; }
          remove(node);
          node = null;
          emitError(ERR.adError);
        }, 300);
      }
    }

    return {
      adUnitId: adUnitId,
      onClose: function (cb) { closeCbs.push(cb); },
      offClose: function (cb) { closeCbs = closeCbs.filter(function (c) { return c !== cb; }); },
      onError: function (cb) { errorCbs.push(cb); },
      offError: function (cb) { errorCbs = errorCbs.filter(function (c) { return c !== cb; }); },
      load: function () { return Promise.resolve(); },
      show: function () {
        log('ad show (' + outcomes.ad + ')');
        if (shown) { return Promise.reject(error(ERR.shownTwice).error); }
        shown = true;
        if (outcomes.offline || outcomes.ad === 'no_fill') {
          var pair = outcomes.offline ? ERR.offline : ERR.noFill;
          later(function () { emitError(pair); });
          return Promise.reject(error(pair).error);
        }
        play();
        return Promise.resolve();
      }
    };
  }

  // ---- TTMinis.game: Beans -----------------------------------------------------------------

  function setWebhookFaults(tradeOrderId) {
    if (outcomes.webhook === 'normal') { return Promise.resolve(); }
    var faults = outcomes.webhook === 'drop' ? { drop: true } : { duplicate: 1 };
    log('webhook fault for ' + tradeOrderId + ': ' + outcomes.webhook);
    return sandbox('PUT', '/control/orders/' + enc(tradeOrderId) + '/faults', faults);
  }

  function confirmPayment(tradeOrderId, opts) {
    if (outcomes.pay === 'cancel') { failWith(opts, error(ERR.cancelled)); return; }
    if (outcomes.pay === 'fail') { failWith(opts, error(ERR.payFailed)); return; }
    if (outcomes.pay === 'pending') {
      log('pay sheet closed, order left pending');
      succeed(opts, {});
      return;
    }
    setWebhookFaults(tradeOrderId).then(function () {
      // require_balance: the sandbox checks the player's Beans and debits them, as TikTok does.
      return sandbox('POST', '/control/orders/' + enc(tradeOrderId) + '/pay', { require_balance: true });
    }).then(function (answer) {
      showBeans();
      if (answer.status === 402) {
        failWith(opts, error([ERR.insufficient[0], 'insufficient balance: ' + ((answer.body.error || {}).message || 'not enough Beans')]));
        return;
      }
      if (answer.status !== 200) { failWith(opts, sandboxFailure('pay', answer)); return; }
      log('paid ' + tradeOrderId + ', webhook deliveries ' + (answer.body.deliveries || []).join(', '));
      succeed(opts, {});
    }, function (res) { failWith(opts, res); });
  }

  // TikTok's sheet: the price and the balance; a player short of Beans is offered Recharge
  // (sandbox Beans, exactly the difference) and cannot confirm until the balance covers the price.
  function paySheet(order, user, opts) {
    var busy = false;
    var balance = el('p', { id: 'tt-sim-pay-balance', style: { color: '#666' } });
    var short = el('p', { id: 'tt-sim-pay-short', style: { color: '#fe2c55', fontWeight: '600' } });
    var recharge = button('tt-sim-pay-recharge', 'Recharge', true, function () {
      if (busy || !user) { return; }
      busy = true;
      var missing = order.token_amount - user.beans;
      sandbox('PATCH', '/control/users/' + enc(user.open_id), { beans: user.beans + missing }).then(function (answer) {
        busy = false;
        if (answer.status !== 200) { log('recharge failed: HTTP ' + answer.status); return; }
        user = answer.body;
        log('recharged ' + missing + ' Beans: balance ' + user.beans);
        showBeans();
        render();
      }, function (res) { busy = false; log('recharge failed: ' + res.error.error_msg); });
    });
    var confirm = button('tt-sim-pay-confirm', 'Confirm', true, function () {
      if (busy || isShort()) { return; }
      busy = true;
      remove(node);
      confirmPayment(order.trade_order_id, opts);
    });
    function isShort() { return !!user && user.beans < order.token_amount; }
    function render() {
      balance.textContent = 'Your balance: ' + (user ? user.beans + ' Beans' : 'unknown');
      short.textContent = isShort() ? 'Not enough Beans: recharge ' + (order.token_amount - user.beans) + ' Beans to pay' : '';
      short.style.display = isShort() ? '' : 'none';
      recharge.style.display = isShort() ? '' : 'none';
      recharge.textContent = isShort() ? 'Recharge ' + (order.token_amount - user.beans) + ' Beans' : 'Recharge';
      confirm.disabled = isShort();
      confirm.style.opacity = isShort() ? '0.4' : '1';
    }
    var node = overlay('tt-sim-pay', [
      el('div', { text: 'Pay with Beans', style: { fontWeight: '700', fontSize: '18px' } }),
      el('p', { id: 'tt-sim-pay-item', text: order.product_name || 'Item' }),
      el('p', { id: 'tt-sim-pay-price', text: order.token_amount + ' Beans', style: { fontSize: '22px', fontWeight: '700' } }),
      balance,
      short,
      button('tt-sim-pay-cancel', 'Cancel', false, function () {
        if (busy) { return; }
        busy = true;
        remove(node);
        // Closing the sheet for want of Beans is not the same as changing one's mind.
        failWith(opts, error(isShort() ? ERR.insufficient : ERR.cancelled));
      }),
      recharge,
      confirm
    ]);
    render();
  }

  function pay(opts) {
    var tradeOrderId = opts && opts.trade_order_id;
    log('pay ' + tradeOrderId);
    if (typeof tradeOrderId !== 'string' || !tradeOrderId) { failWith(opts, error(ERR.badArgs)); return; }
    sandbox('GET', '/control/orders/' + enc(tradeOrderId)).then(function (answer) {
      if (answer.status !== 200) { failWith(opts, sandboxFailure('order', answer)); return; }
      var order = answer.body;
      if (order.status === 'SUCCESS') {
        failWith(opts, error([order.status, 'this trade order is already paid']));
        return;
      }
      sandbox('GET', '/control/users/' + enc(order.open_id)).then(function (user) {
        paySheet(order, user.status === 200 ? user.body : null, opts);
      }, function () { paySheet(order, null, opts); });
    }, function (res) { failWith(opts, res); });
  }

  function checkBalance(opts) {
    var amount = opts && opts.amount;
    if (typeof amount !== 'number' || amount <= 0) { failWith(opts, error(ERR.badArgs)); return; }
    currentUser().then(function (user) {
      succeed(opts, { is_sufficient: user.beans >= amount });
    }, function (res) { failWith(opts, res); });
  }

  function balancePage(title, note, opts) {
    currentUser().then(function (user) {
      var beans = el('p', { id: 'tt-sim-balance-beans', text: user.beans + ' Beans', style: { fontSize: '22px', fontWeight: '700' } });
      // Sandbox Beans for testing purchases that need a balance.
      function addBeans() {
        sandbox('PATCH', '/control/users/' + enc(user.open_id), { beans: user.beans + 100 }).then(function (answer) {
          if (answer.status !== 200) { log('adding Beans failed: HTTP ' + answer.status); return; }
          user = answer.body;
          beans.textContent = user.beans + ' Beans';
          log('balance ' + user.beans + ' Beans');
          showBeans();
        }, function (res) { log('adding Beans failed: ' + res.error.error_msg); });
      }
      var node = overlay('tt-sim-balance', [
        el('div', { text: title, style: { fontWeight: '700', fontSize: '18px' } }),
        el('p', { text: user.display_name + ' (' + user.open_id + ')', style: { fontSize: '12px', color: '#666' } }),
        beans,
        note ? el('p', { text: note, style: { color: '#666' } }) : null,
        button('tt-sim-add-beans', '+100 sandbox Beans', false, addBeans),
        button('tt-sim-balance-close', 'Close', true, function () { remove(node); succeed(opts, {}); })
      ]);
    }, function (res) { failWith(opts, res); });
  }

  function navigateToBalance(opts) {
    log('navigateToBalance');
    balancePage('Beans balance', null, opts);
  }

  function recharge(opts) {
    log('recharge ' + (opts && opts.tier_id));
    balancePage('Recharge', 'Tier ' + (opts && opts.tier_id) + ': nothing is sold here; add sandbox Beans instead.', opts);
  }

  // ---- TTMinis.game: everything else -------------------------------------------------------

  function fireLifecycle(kind) {
    state.hidden = kind === 'hide';
    log('app ' + (state.hidden ? 'hidden' : 'shown'));
    if (ui.hiddenCover) { remove(ui.hiddenCover); ui.hiddenCover = null; }
    if (state.hidden && root.document && root.document.body) {
      ui.hiddenCover = overlay('tt-sim-hidden', [el('div', { text: 'The app is in the background (simulated)' })]);
    }
    var res = kind === 'show' ? { query: launchQuery() } : {};
    listeners[kind].slice().forEach(function (cb) { cb(res); });
  }

  function launchQuery() {
    var query = {};
    try {
      new URLSearchParams(root.location.search).forEach(function (value, key) { query[key] = value; });
    } catch (e) { /* no location */ }
    return query;
  }

  function storageGet(key) {
    var raw = root.localStorage.getItem(KEY_STORAGE + key);
    return raw === null ? undefined : JSON.parse(raw);
  }

  function request(opts) {
    if (outcomes.offline || !realFetch) { failWith(opts, error(ERR.offline)); return; }
    var init = { method: (opts.method || 'GET').toUpperCase(), headers: opts.header || {} };
    if (opts.data !== undefined && opts.data !== null && init.method !== 'GET') {
      init.body = typeof opts.data === 'string' ? opts.data : JSON.stringify(opts.data);
    }
    realFetch(opts.url, init).then(function (response) {
      var header = {};
      response.headers.forEach(function (value, key) { header[key] = value; });
      return response.text().then(function (text) {
        succeed(opts, { statusCode: response.status, header: header, data: text });
      });
    }).then(null, function () { failWith(opts, error(ERR.sandbox)); });
  }

  var game = {
    init: function (opts) { state.clientKey = opts && opts.clientKey; log('init ' + state.clientKey); },
    canIUse: function (schema) { return SCHEMAS.indexOf(String(schema)) >= 0; },
    login: login,
    authorize: function (opts) { succeed(opts, {}); },
    createRewardedVideoAd: createRewardedVideoAd,
    pay: pay,
    checkBalance: checkBalance,
    recharge: recharge,
    navigateToBalance: navigateToBalance,
    onShow: function (cb) { listeners.show.push(cb); },
    offShow: function (cb) { listeners.show = listeners.show.filter(function (c) { return c !== cb; }); },
    onHide: function (cb) { listeners.hide.push(cb); },
    offHide: function (cb) { listeners.hide = listeners.hide.filter(function (c) { return c !== cb; }); },
    getLaunchOptionsSync: function () { return { scene: 'simulator', query: launchQuery() }; },
    getStorageSync: function (key) { return storageGet(key); },
    setStorageSync: function (key, data) { root.localStorage.setItem(KEY_STORAGE + key, JSON.stringify(data)); },
    getStorage: function (opts) {
      var value = storageGet(opts.key);
      if (value === undefined) { failWith(opts, error(ERR.noData)); } else { succeed(opts, { data: value }); }
    },
    setStorage: function (opts) {
      root.localStorage.setItem(KEY_STORAGE + opts.key, JSON.stringify(opts.data));
      succeed(opts, {});
    },
    removeStorage: function (opts) {
      root.localStorage.removeItem(KEY_STORAGE + opts.key);
      succeed(opts, {});
    },
    request: request,
    addShortcut: function (opts) { log('addShortcut'); succeed(opts, {}); },
    getShortcutMissionReward: function (opts) { succeed(opts, { canReceiveReward: false }); }
  };

  // ---- network offline ---------------------------------------------------------------------

  function setOffline(offline) {
    outcomes.offline = !!offline;
    log(offline ? 'network offline' : 'network online');
    if (typeof root.dispatchEvent === 'function' && typeof Event === 'function') {
      root.dispatchEvent(new Event(offline ? 'offline' : 'online'));
    }
  }

  // While "offline", the page's own fetch fails as well (the game's API calls too).
  if (realFetch) {
    root.fetch = function () {
      if (outcomes.offline) { return Promise.reject(new TypeError('Failed to fetch (simulated offline)')); }
      return realFetch.apply(null, arguments);
    };
  }

  // ---- the control panel -------------------------------------------------------------------

  function select(id, label, name, choices) {
    var node = el('select', {
      id: id,
      onchange: function () { outcomes[name] = node.value; log(label + ': ' + node.value); }
    }, choices.map(function (c) { return el('option', { value: c[0], text: c[1] }); }));
    node.value = outcomes[name];
    ui.controls[name] = node;
    return el('label', { style: { display: 'block', margin: '6px 0' } }, [el('span', { text: label + ' ' }), node]);
  }

  function checkbox(id, label, onchange) {
    var node = el('input', { id: id, type: 'checkbox', onchange: function () { onchange(node.checked); } });
    return el('label', { style: { display: 'block', margin: '6px 0' } }, [node, el('span', { text: ' ' + label })]);
  }

  function renderUser() {
    if (ui.user) { ui.user.textContent = 'Player: ' + (state.openId || '(new on next login)'); }
  }

  // The panel's Beans field shows the player's sandbox balance; Set changes it.
  function showBeans() {
    if (!ui.beans) { return; }
    if (!state.openId) { ui.beans.value = ''; return; }
    currentUser().then(function (user) { ui.beans.value = String(user.beans); }, function () {});
  }

  function setBeans(value) {
    var beans = Number(value);
    if (!state.openId) { log('log in first: the balance belongs to a player'); return Promise.resolve(null); }
    if (!(beans >= 0) || Math.floor(beans) !== beans) { log('Beans must be a whole number >= 0'); return Promise.resolve(null); }
    return sandbox('PATCH', '/control/users/' + enc(state.openId), { beans: beans }).then(function (answer) {
      if (answer.status !== 200) { log('setting the balance failed: HTTP ' + answer.status); return null; }
      log('balance set to ' + answer.body.beans + ' Beans');
      showBeans();
      return answer.body.beans;
    }, function (res) { log('setting the balance failed: ' + res.error.error_msg); return null; });
  }

  function beansRow() {
    ui.beans = el('input', { id: 'tt-sim-beans', type: 'number', min: '0', step: '1', style: { width: '70px' } });
    return el('label', { style: { display: 'block', margin: '6px 0' } }, [
      el('span', { text: 'Beans ' }), ui.beans,
      button('tt-sim-beans-set', 'Set', false, function () { setBeans(ui.beans.value); })
    ]);
  }

  function buildPanel() {
    var doc = root.document;
    var host = doc.getElementById('tt-sim-panel');
    var panel = el('div', {
      'class': 'tt-sim-controls',
      style: { font: '13px system-ui, sans-serif', color: '#161823', background: '#f8f8f8', padding: '10px', boxSizing: 'border-box' }
    }, [
      el('div', { text: 'TTMinis simulator', style: { fontWeight: '700', marginBottom: '6px' } }),
      ui.user = el('div', { id: 'tt-sim-user', style: { fontSize: '11px', wordBreak: 'break-all' } }),
      button('tt-sim-new-player', 'New player', false, function () { rememberOpenId(null); log('next login is a new player'); }),
      beansRow(),
      checkbox('tt-sim-login-fail', 'Login fails', function (on) { outcomes.loginFails = on; log('login fails: ' + on); }),
      select('tt-sim-outcome-ad', 'Ad', 'ad', [['complete', 'watched to the end'], ['skip', 'skipped'], ['no_fill', 'no fill'], ['error', 'errors']]),
      select('tt-sim-outcome-pay', 'Pay', 'pay', [['confirm', 'confirm pays'], ['cancel', 'cancelled'], ['fail', 'fails'], ['pending', 'stays pending']]),
      select('tt-sim-outcome-webhook', 'Webhook', 'webhook', [['normal', 'delivered'], ['drop', 'dropped'], ['duplicate', 'duplicated']]),
      button('tt-sim-hide', 'Hide app', false, function () { fireLifecycle('hide'); }),
      button('tt-sim-show', 'Show app', false, function () { fireLifecycle('show'); }),
      checkbox('tt-sim-offline', 'Network offline', setOffline),
      ui.log = el('div', { id: 'tt-sim-log', style: { fontFamily: 'monospace', fontSize: '11px', marginTop: '8px', maxHeight: '40vh', overflow: 'auto' } })
    ]);
    if (host) {
      host.appendChild(panel);
    } else {
      panel.style.position = 'fixed';
      panel.style.top = '0';
      panel.style.right = '0';
      panel.style.width = '220px';
      panel.style.height = '100%';
      panel.style.overflow = 'auto';
      panel.style.zIndex = '2147483001';
      panel.style.boxShadow = '-2px 0 8px rgba(0,0,0,.15)';
      panel.id = 'tt-sim-panel';
      doc.body.appendChild(panel);
    }
    ui.panel = panel;
    renderUser();
    showBeans();
    log('simulator ready, sandbox ' + settings.sandboxBase);
  }

  function whenReady(fn) {
    if (root.document.readyState === 'loading') {
      root.document.addEventListener('DOMContentLoaded', fn);
    } else {
      fn();
    }
  }

  if (root.document) {
    whenReady(buildPanel);
    // A real tab switch is TikTok going to the background.
    root.document.addEventListener('visibilitychange', function () {
      fireLifecycle(root.document.visibilityState === 'hidden' ? 'hide' : 'show');
    });
  }

  root.TTMinis = { game: game, simulated: true };
  root.TTMinisSim = {
    installed: true,
    outcomes: outcomes,
    configure: function (options) {
      options = options || {};
      if (typeof options.sandboxBase === 'string' && options.sandboxBase) {
        settings.sandboxBase = options.sandboxBase.replace(/\/+$/, '');
      }
      if (typeof options.adSeconds === 'number' && options.adSeconds >= 0) { settings.adSeconds = options.adSeconds; }
      if (typeof options.skipAfterSeconds === 'number' && options.skipAfterSeconds >= 0) {
        settings.skipAfterSeconds = options.skipAfterSeconds;
      }
      return { sandboxBase: settings.sandboxBase, adSeconds: settings.adSeconds };
    },
    setOutcome: function (name, value) {
      if (name === 'offline') { setOffline(value); return; }
      outcomes[name] = value;
      if (ui.controls[name]) { ui.controls[name].value = value; }
    },
    hide: function () { fireLifecycle('hide'); },
    show: function () { fireLifecycle('show'); },
    openId: function () { return state.openId; },
    setBeans: setBeans,
    forgetPlayer: function () { rememberOpenId(null); }
  };
})(typeof globalThis !== 'undefined' ? globalThis : this);
