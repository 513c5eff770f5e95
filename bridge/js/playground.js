/* The playground: one button per TTBridge method, the resolved JSON shown under it. */
(function () {
  'use strict';

  var EXAMPLES = {
    login: {},
    showRewardedAd: { adUnitId: 'sim-rewarded-1' },
    pay: { trade_order_id: 'paste a trade_order_id from POST /api/orders' },
    checkBalance: { amount: 100 },
    recharge: { tier_id: 'tier-1' },
    navigateToBalance: {},
    canIUse: { schema: 'createRewardedVideoAd' },
    http: { method: 'GET', url: location.origin + '/api/catalog', headers: {}, body: null },
    getLaunchOptions: {},
    getStorage: { key: 'playground' },
    setStorage: { key: 'playground', data: { saved: true } },
    removeStorage: { key: 'playground' },
    addShortcut: {},
    getShortcutMissionReward: {},
    authorize: { scope: 'user.info.basic' }
  };

  var sandbox = new URLSearchParams(location.search).get('sandbox');
  if (sandbox && window.TTMinisSim && window.TTMinisSim.installed) {
    window.TTMinisSim.configure({ sandboxBase: sandbox });
  }
  TTBridge.init({ clientKey: 'sbx_beanhop_client_key' });

  function node(tag, props, children) {
    var n = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      if (k === 'text') { n.textContent = props[k]; } else { n.setAttribute(k, props[k]); }
    });
    (children || []).forEach(function (c) { n.appendChild(c); });
    return n;
  }

  var list = document.getElementById('methods');
  TTBridge.methods.forEach(function (method) {
    var args = node('textarea', { id: 'args-' + method, 'aria-label': method + ' arguments' });
    args.value = JSON.stringify(EXAMPLES[method] || {});
    var out = node('pre', { id: 'result-' + method, text: '' });
    var run = node('button', { type: 'button', id: 'call-' + method, text: 'call ' + method });
    var box = node('div', { 'class': 'method' }, [node('h3', { text: method }), args, run, out]);
    run.addEventListener('click', function () {
      out.textContent = '…';
      box.className = 'method';
      TTBridge.call(method, args.value).then(function (text) {
        out.textContent = text;
        box.className = 'method ' + (JSON.parse(text).ok ? 'ok' : 'failed');
      });
    });
    list.appendChild(box);
  });

  var events = document.getElementById('events');
  document.getElementById('drain').addEventListener('click', function () {
    var lines = [];
    while (TTBridge.inbox.length > 0) { lines.push(TTBridge.inbox.shift()); }
    events.textContent = lines.length ? lines.join('\n') : '(empty)';
  });
})();
