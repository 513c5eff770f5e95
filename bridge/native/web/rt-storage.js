/*
 * Storage: set/get/remove/clearStorage(Sync) and getStorageInfo(Sync). Values are JSON; each
 * write is durable when it returns (a synchronous request to the emulator's server, which keeps
 * them in its state directory, so they survive a reload); reads come from the copy loaded at
 * boot. A missing key reads as '' (Douyin's getStorageSync) and fails getStorage ("data not
 * found, key == k", errNo 21101, as Douyin documents it). Limit: 10 MB in all.
 */
(function (emu) {
  'use strict';

  var store = {};
  var LIMIT_KB = 10 * 1024;

  function key(api, value) {
    if (typeof value !== 'string' || value === '') { throw emu.fail(api, 'key must be a non-empty string'); }
    return value;
  }

  function url(name) { return '/__emu/storage/' + encodeURIComponent(name); }

  function check(api, request) {
    if (request.status === 413) { throw emu.fail(api, 'exceed storage max size 10MB'); }
    if (request.status >= 300) { throw emu.fail(api, 'storage error ' + request.status); }
  }

  function setStorageSync(name, data) {
    var api = 'setStorageSync';
    key(api, name);
    var text;
    try {
      text = JSON.stringify(data);
    } catch (error) {
      throw emu.fail(api, 'data cannot be serialised: ' + error.message);
    }
    if (text === undefined) { throw emu.fail(api, 'data cannot be serialised: ' + typeof data); }
    check(api, emu.xhr('PUT', url(name), text));
    store[name] = text;
  }

  function getStorageSync(name) {
    key('getStorageSync', name);
    return Object.prototype.hasOwnProperty.call(store, name) ? JSON.parse(store[name]) : '';
  }

  function removeStorageSync(name) {
    key('removeStorageSync', name);
    check('removeStorageSync', emu.xhr('DELETE', url(name)));
    delete store[name];
  }

  function clearStorageSync() {
    check('clearStorageSync', emu.xhr('DELETE', '/__emu/storage'));
    store = {};
  }

  function getStorageInfoSync() {
    var keys = Object.keys(store);
    var bytes = keys.reduce(function (sum, k) { return sum + k.length + store[k].length; }, 0);
    return { keys: keys, currentSize: Math.ceil(bytes / 1024), limitSize: LIMIT_KB };
  }

  var twin = emu.twin;

  emu.loadStorage = function () {
    var request = emu.xhr('GET', '/__emu/storage');
    store = request.status === 200 ? JSON.parse(request.responseText) : {};
  };

  emu.storageApi = {
    setStorageSync: setStorageSync,
    getStorageSync: getStorageSync,
    removeStorageSync: removeStorageSync,
    clearStorageSync: clearStorageSync,
    getStorageInfoSync: getStorageInfoSync,
    setStorage: twin('setStorage', function (o) { setStorageSync(o.key, o.data); }),
    getStorage: twin('getStorage', function (o) {
      if (!Object.prototype.hasOwnProperty.call(store, key('getStorage', o.key))) {
        throw emu.fail('getStorage', 'data not found, key == ' + o.key, 21101);
      }
      return JSON.parse(store[o.key]);
    }, function (data) { return { data: data }; }),
    removeStorage: twin('removeStorage', function (o) { removeStorageSync(o.key); }),
    clearStorage: twin('clearStorage', function () { clearStorageSync(); }),
    getStorageInfo: twin('getStorageInfo', getStorageInfoSync, function (info) { return info; })
  };
})(self.__emu);
