/*
 * TTMinis.game.request: to the game server given to the emulator (`--server`), through the
 * emulator's own origin (`/__emu/net/<path>`), so there is no CORS, as on a device. Whatever
 * origin the package names (its production https server, say) is replaced by that server; the
 * path and query are kept. Mini-game semantics: `data` of a GET becomes the query, an object body
 * is JSON (or a form for `application/x-www-form-urlencoded`), `dataType: 'json'` (the default)
 * parses a JSON answer, `responseType: 'arraybuffer'` gives bytes; any HTTP status is a success
 * `{statusCode, header, data}`; no answer, a timeout (default 60 s) or abort() is a failure.
 */
(function (emu) {
  'use strict';

  var P = emu.P;
  var METHODS = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'TRACE', 'CONNECT'];
  var mapped = {};

  function form(data) {
    return Object.keys(data).map(function (key) {
      return encodeURIComponent(key) + '=' + encodeURIComponent(String(data[key]));
    }).join('&');
  }

  function contentType(headers) {
    for (var key in headers) {
      if (Object.prototype.hasOwnProperty.call(headers, key) && key.toLowerCase() === 'content-type') {
        return String(headers[key]).toLowerCase();
      }
    }
    headers['content-type'] = 'application/json';
    return 'application/json';
  }

  function body(data, headers) {
    if (data === undefined || data === null) { return undefined; }
    if (typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) { return data; }
    return contentType(headers).indexOf('application/x-www-form-urlencoded') === 0 ? form(data) : JSON.stringify(data);
  }

  function target(url, method, data) {
    var parsed = new P.URL(url);
    var search = parsed.search;
    if ((method === 'GET' || method === 'HEAD') && data && typeof data === 'object' && !(data instanceof ArrayBuffer)) {
      var extra = form(data);
      search = extra ? (search ? search + '&' : '?') + extra : search;
    } else if ((method === 'GET' || method === 'HEAD') && typeof data === 'string' && data) {
      search = (search ? search + '&' : '?') + data;
    }
    if (!mapped[parsed.origin]) {
      mapped[parsed.origin] = true;
      emu.post({ type: 'console', level: 'info', text: '[emulator] requests to ' + parsed.origin + ' go to the game server ' + emu.config.server });
      if (parsed.protocol !== 'https:') {
        emu.post({ type: 'console', level: 'warn', text: '[emulator] ' + parsed.origin + ' is not https: a device only reaches declared https domains' });
      }
    }
    return '/__emu/net' + parsed.pathname + search;
  }

  function answer(response, opts) {
    var header = {};
    response.headers.forEach(function (value, key) { header[key] = value; });
    var read = opts.responseType === 'arraybuffer' ? response.arrayBuffer() : response.text();
    return read.then(function (data) {
      if (opts.responseType !== 'arraybuffer' && (opts.dataType || 'json') === 'json') {
        try { data = JSON.parse(data); } catch (e) { /* not JSON: the text */ }
      }
      return { statusCode: response.status, header: header, data: data };
    });
  }

  function request(opts) {
    opts = opts || {};
    var controller = new P.AbortController();
    var reason = null;
    var timer = null;
    var work = new Promise(function (resolve, reject) {
      var method = String(opts.method || 'GET').toUpperCase();
      var url;
      try {
        if (typeof opts.url !== 'string' || !/^https?:\/\//i.test(opts.url)) { throw new Error('invalid url: ' + opts.url); }
        if (METHODS.indexOf(method) < 0) { throw new Error('invalid method: ' + method); }
        url = target(opts.url, method, opts.data);
      } catch (error) {
        reject(emu.fail('request', error.message));
        return;
      }
      if (emu.offline) {
        reject(emu.fail('request', 'network offline (simulated by the control panel)', 10002));
        return;
      }
      var headers = {};
      for (var key in opts.header || {}) {
        if (Object.prototype.hasOwnProperty.call(opts.header, key)) { headers[key] = String(opts.header[key]); }
      }
      var init = { method: method, headers: headers, signal: controller.signal };
      if (method !== 'GET' && method !== 'HEAD') { init.body = body(opts.data, headers); }
      timer = P.setTimeout(function () { reason = 'timeout'; controller.abort(); }, Number(opts.timeout) || 60000);
      P.fetch(url, init).then(function (response) {
        if (response.status === 502 && response.headers.get('X-Emu-Proxy-Error')) {
          throw emu.fail('request', 'network error: the game server ' + emu.config.server + ' does not answer', 10003);
        }
        return answer(response, opts);
      }).then(resolve, function (error) {
        if (error && error.errMsg) { reject(error); return; }
        reject(emu.fail('request', reason || 'network error: ' + (error && error.message)));
      }).then(function () { P.clearTimeout(timer); });
    });
    emu.settle(opts, 'request', work);
    return {
      abort: function () {
        if (reason === null) { reason = 'abort'; }
        controller.abort();
      },
      onHeadersReceived: function () {},
      offHeadersReceived: function () {}
    };
  }

  emu.handlers.network = function (message) { emu.offline = !!message.offline; };
  emu.request = request;
})(self.__emu);
