/*
 * Files: the package (read-only), `ttfile://user` (read-write, kept by the emulator's server in
 * its state directory) and `ttfile://temp` (read-only, empty here), as Douyin documents them;
 * and TTMinis.game.getFileSystemManager(). Package paths are relative to the package root
 * ("a/b.png", "/a/b.png" and "./a/b.png" are the same file); a file of a subpackage exists only
 * once that subpackage is loaded. Only access and readFile reach the package.
 */
(function (emu) {
  'use strict';

  var P = emu.P;
  var USER = 'ttfile://user';
  var TEMP = 'ttfile://temp';
  var warned = {};

  function enc(rel) { return rel.split('/').map(encodeURIComponent).join('/'); }

  function clean(path) {
    var out = [];
    path.split('/').forEach(function (part) {
      if (part === '' || part === '.') { return; }
      if (part === '..') {
        if (!out.length) { throw new Error('outside'); }
        out.pop();
      } else {
        out.push(part);
      }
    });
    return out.join('/');
  }

  // {kind: 'package' | 'user' | 'temp', rel, path}; throws `api:fail ...` for a bad path.
  function resolve(api, path) {
    if (typeof path !== 'string' || path === '') { throw emu.fail(api, 'invalid path: ' + String(path)); }
    var kind = 'package';
    var rest = path;
    if (path.indexOf(USER) === 0) { kind = 'user'; rest = path.slice(USER.length); }
    else if (path.indexOf(TEMP) === 0) { kind = 'temp'; rest = path.slice(TEMP.length); }
    else if (/^[a-z][a-z0-9+.-]*:/i.test(path)) { throw emu.fail(api, 'invalid path: ' + path); }
    try {
      return { kind: kind, rel: clean(rest), path: path };
    } catch (e) {
      throw emu.fail(api, 'permission denied, open ' + path);
    }
  }

  function subpackageOf(rel) {
    var subs = emu.config.subpackages;
    for (var i = 0; i < subs.length; i++) {
      if (rel.indexOf(subs[i].root + '/') === 0) { return subs[i]; }
    }
    return null;
  }

  // The size of a package file the package may read now, else -1.
  function packageSize(rel) {
    var size = emu.config.files[rel];
    if (size === undefined) { return -1; }
    var sub = subpackageOf(rel);
    if (sub && !emu.loaded[sub.name]) {
      if (!warned[sub.name]) {
        warned[sub.name] = true;
        P.console.warn('[emulator] ' + rel + " is in subpackage '" + sub.name +
          "', which is not loaded: call TTMinis.game.loadSubpackage first");
        emu.post({ type: 'console', level: 'warn', text: '[emulator] files of subpackage \'' + sub.name + '\' are read before loadSubpackage: they do not exist yet' });
      }
      return -1;
    }
    return size;
  }

  function isPackageDir(rel) {
    if (rel === '') { return true; }
    return Object.keys(emu.config.files).some(function (name) { return name.indexOf(rel + '/') === 0; });
  }

  function missing(api, path) { return emu.fail(api, 'no such file or directory, open ' + path); }

  function readPackageSync(api, target) {
    var size = packageSize(target.rel);
    if (size < 0) { throw missing(api, target.path); }
    var request = emu.xhr('GET', '/__emu/file/' + enc(target.rel), undefined, 'arraybuffer');
    if (request.status !== 200) { throw missing(api, target.path); }
    emu.read(request.response.byteLength);
    return request.response;
  }

  function readPackage(api, target) {
    var size = packageSize(target.rel);
    if (size < 0) { return Promise.reject(missing(api, target.path)); }
    return P.fetch('/__emu/file/' + enc(target.rel)).then(function (response) {
      if (!response.ok) { throw missing(api, target.path); }
      return response.arrayBuffer();
    }).then(function (buffer) {
      emu.read(buffer.byteLength);
      return buffer;
    });
  }

  // ttfile://user over the server: {status, body, kind}; the message of a failure in `body`.
  function user(method, rel, query, body, responseType) {
    var request = emu.xhr(method, '/__emu/user/' + enc(rel) + (query || ''), body, responseType);
    return { status: request.status, response: request.response, kind: request.getResponseHeader('X-Emu-Kind') };
  }

  function userError(api, answer) {
    var message = 'error ' + answer.status;
    try {
      var text = answer.response instanceof ArrayBuffer
        ? new P.TextDecoder().decode(answer.response) : String(answer.response);
      message = JSON.parse(text).error.message;
    } catch (e) { /* keep the status */ }
    return emu.fail(api, message);
  }

  function readUserSync(api, target) {
    var answer = user('GET', target.rel, '', undefined, 'arraybuffer');
    if (answer.status !== 200 || answer.kind !== 'file') {
      throw answer.kind === 'dir' ? emu.fail(api, 'illegal operation on a directory, open ' + target.path)
        : missing(api, target.path);
    }
    emu.read(answer.response.byteLength);
    return answer.response;
  }

  emu.files = {
    USER_DATA_PATH: USER,
    resolve: resolve,
    enc: enc,
    packageSize: packageSize,
    subpackageOf: subpackageOf,
    readPackage: readPackage,
    readPackageSync: readPackageSync,
    isPackageDir: isPackageDir,
    user: user,
    userError: userError,
    readUserSync: readUserSync,
    missing: missing
  };
})(self.__emu);
