/*
 * TTMinis.game.getFileSystemManager(): readFile(Sync), access(Sync), writeFile(Sync),
 * appendFile(Sync), mkdir(Sync), readdir(Sync), unlink(Sync), with Douyin's encodings and
 * `errMsg`s ("readFile:fail no such file or directory, open <path>"). Reading a package file
 * without an encoding gives an ArrayBuffer. Async package reads go through the emulator's private
 * fetch; the rest is small and synchronous underneath.
 */
(function (emu) {
  'use strict';

  var P = emu.P;
  var files = emu.files;

  function latin1(bytes) {
    var parts = [];
    for (var i = 0; i < bytes.length; i += 0x8000) {
      parts.push(String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000)));
    }
    return parts.join('');
  }

  function fromLatin1(text, mask) {
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i) & mask; }
    return bytes;
  }

  function decode(api, buffer, encoding) {
    if (encoding === undefined || encoding === null || encoding === '') { return buffer; }
    var bytes = new Uint8Array(buffer);
    switch (String(encoding).toLowerCase()) {
      case 'utf8': case 'utf-8': return new P.TextDecoder('utf-8').decode(bytes);
      case 'utf16le': case 'utf-16le': case 'ucs2': case 'ucs-2':
        return new P.TextDecoder('utf-16le').decode(bytes);
      case 'latin1': case 'binary': return latin1(bytes);
      case 'ascii': return latin1(bytes.map(function (b) { return b & 0x7f; }));
      case 'base64': return P.btoa(latin1(bytes));
      case 'hex':
        return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
      default: throw emu.fail(api, 'invalid encoding: ' + encoding);
    }
  }

  function encode(api, data, encoding) {
    if (data instanceof ArrayBuffer) { return new Uint8Array(data); }
    if (ArrayBuffer.isView(data)) { return new Uint8Array(data.buffer, data.byteOffset, data.byteLength); }
    if (typeof data !== 'string') { throw emu.fail(api, 'data must be a string or an ArrayBuffer'); }
    switch (String(encoding || 'utf8').toLowerCase()) {
      case 'utf8': case 'utf-8': return new P.TextEncoder().encode(data);
      case 'latin1': case 'binary': return fromLatin1(data, 0xff);
      case 'ascii': return fromLatin1(data, 0x7f);
      case 'base64': return fromLatin1(P.atob(data), 0xff);
      case 'hex': return new Uint8Array((data.match(/../g) || []).map(function (h) { return parseInt(h, 16); }));
      default: throw emu.fail(api, 'invalid encoding: ' + encoding);
    }
  }

  function slice(buffer, position, length) {
    if (position === undefined && length === undefined) { return buffer; }
    var start = position || 0;
    return buffer.slice(start, length === undefined ? undefined : start + length);
  }

  function readFileSync(filePath, encoding, position, length) {
    var target = files.resolve('readFileSync', filePath);
    var buffer;
    if (target.kind === 'package') { buffer = files.readPackageSync('readFileSync', target); }
    else if (target.kind === 'user') { buffer = files.readUserSync('readFileSync', target); }
    else { throw files.missing('readFileSync', filePath); }
    return decode('readFileSync', slice(buffer, position, length), encoding);
  }

  function readFile(opts) {
    opts = opts || {};
    var work;
    try {
      var target = files.resolve('readFile', opts.filePath);
      if (target.kind === 'package') {
        work = files.readPackage('readFile', target);
      } else {
        work = emu.later(function () {
          if (target.kind === 'temp') { throw files.missing('readFile', opts.filePath); }
          return files.readUserSync('readFile', target);
        });
      }
      work = work.then(function (buffer) {
        return { data: decode('readFile', slice(buffer, opts.position, opts.length), opts.encoding) };
      });
    } catch (error) {
      work = Promise.reject(error);
    }
    emu.settle(opts, 'readFile', work);
  }

  function accessSync(path) {
    var target = files.resolve('accessSync', path);
    if (target.kind === 'package') {
      if (files.packageSize(target.rel) < 0 && !files.isPackageDir(target.rel)) { throw files.missing('accessSync', path); }
      return;
    }
    if (target.kind === 'temp' && target.rel === '') { return; }
    if (target.kind === 'temp' || files.user('HEAD', target.rel).status !== 200) {
      throw files.missing('accessSync', path);
    }
  }

  // Resolves a path the package may write; the package and temp folders are read-only.
  function writable(api, path) {
    var target = files.resolve(api, path);
    if (target.kind !== 'user') { throw emu.fail(api, 'permission denied, open ' + path); }
    return target;
  }

  function userOp(api, method, path, query, body) {
    var target = writable(api, path);
    var answer = files.user(method, target.rel, query, body);
    if (answer.status >= 300) { throw files.userError(api, answer); }
    return answer;
  }

  function writeFileSync(filePath, data, encoding) {
    userOp('writeFileSync', 'PUT', filePath, '', encode('writeFileSync', data, encoding));
  }

  function appendFileSync(filePath, data, encoding) {
    userOp('appendFileSync', 'PUT', filePath, '?append=1', encode('appendFileSync', data, encoding));
  }

  function mkdirSync(dirPath, recursive) {
    userOp('mkdirSync', 'POST', dirPath, '?op=mkdir' + (recursive ? '&recursive=1' : ''));
  }

  function unlinkSync(filePath) { userOp('unlinkSync', 'DELETE', filePath, ''); }

  function readdirSync(dirPath) {
    var target = files.resolve('readdirSync', dirPath);
    if (target.kind === 'temp' && target.rel === '') { return []; }
    if (target.kind !== 'user') { throw emu.fail('readdirSync', 'permission denied, open ' + dirPath); }
    var answer = files.user('GET', target.rel, '', undefined, 'text');
    if (answer.status !== 200) { throw files.userError('readdirSync', answer); }
    if (answer.kind !== 'dir') { throw emu.fail('readdirSync', 'not a directory ' + dirPath); }
    return JSON.parse(answer.response);
  }

  var twin = emu.twin;

  emu.fileSystemManager = {
    readFile: readFile,
    readFileSync: readFileSync,
    access: twin('access', function (o) { accessSync(o.path); }),
    accessSync: accessSync,
    writeFile: twin('writeFile', function (o) { writeFileSync(o.filePath, o.data, o.encoding); }),
    writeFileSync: writeFileSync,
    appendFile: twin('appendFile', function (o) { appendFileSync(o.filePath, o.data, o.encoding); }),
    appendFileSync: appendFileSync,
    mkdir: twin('mkdir', function (o) { mkdirSync(o.dirPath, o.recursive); }),
    mkdirSync: mkdirSync,
    readdir: twin('readdir', function (o) { return readdirSync(o.dirPath); }, function (list) { return { files: list }; }),
    readdirSync: readdirSync,
    unlink: twin('unlink', function (o) { unlinkSync(o.filePath); }),
    unlinkSync: unlinkSync
  };
  emu.decode = decode;
})(self.__emu);
