/*
 * TextDecoder (UTF-8 and UTF-16LE, the two encodings Emscripten asks for) and TextEncoder, for a
 * runtime that has neither; the adapter installs them only where they are missing.
 */
'use strict';

function bytesOf(input) {
  if (input === undefined || input === null) { return new Uint8Array(0); }
  if (input instanceof ArrayBuffer) { return new Uint8Array(input); }
  return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
}

/* UTF-8 and UTF-16LE, the two encodings Emscripten asks for. */
function PackageTextDecoder(label) {
  var name = String(label === undefined ? 'utf-8' : label).toLowerCase();
  if (name === 'utf8') { name = 'utf-8'; }
  if (name !== 'utf-8' && name !== 'utf-16le') {
    throw new RangeError('TextDecoder: only utf-8 and utf-16le are supported, not ' + label);
  }
  this.encoding = name;
}
PackageTextDecoder.prototype.decode = function (input) {
  var bytes = bytesOf(input);
  return this.encoding === 'utf-8' ? decodeUtf8(bytes) : decodeUtf16(bytes);
};

function decodeUtf8(bytes) {
  var parts = [];
  var units = [];
  for (var i = 0; i < bytes.length;) {
    var b = bytes[i++];
    var cp;
    if (b < 0x80) {
      cp = b;
    } else if (b >= 0xc2 && b < 0xe0 && i < bytes.length) {
      cp = ((b & 0x1f) << 6) | (bytes[i++] & 0x3f);
    } else if (b >= 0xe0 && b < 0xf0 && i + 1 < bytes.length) {
      cp = ((b & 0x0f) << 12) | ((bytes[i++] & 0x3f) << 6) | (bytes[i++] & 0x3f);
    } else if (b >= 0xf0 && b < 0xf5 && i + 2 < bytes.length) {
      cp = ((b & 0x07) << 18) | ((bytes[i++] & 0x3f) << 12) | ((bytes[i++] & 0x3f) << 6) | (bytes[i++] & 0x3f);
    } else {
      cp = 0xfffd;
    }
    if (cp > 0xffff) {
      cp -= 0x10000;
      units.push(0xd800 | (cp >> 10), 0xdc00 | (cp & 0x3ff));
    } else {
      units.push(cp);
    }
    if (units.length > 8192) { parts.push(String.fromCharCode.apply(null, units)); units = []; }
  }
  parts.push(String.fromCharCode.apply(null, units));
  return parts.join('');
}

function decodeUtf16(bytes) {
  var parts = [];
  for (var i = 0; i + 1 < bytes.length; i += 16384) {
    var end = Math.min(bytes.length - (bytes.length % 2), i + 16384);
    var units = [];
    for (var j = i; j < end; j += 2) { units.push(bytes[j] | (bytes[j + 1] << 8)); }
    parts.push(String.fromCharCode.apply(null, units));
  }
  return parts.join('');
}

function PackageTextEncoder() { this.encoding = 'utf-8'; }
PackageTextEncoder.prototype.encode = function (text) {
  var out = [];
  var s = String(text === undefined ? '' : text);
  for (var i = 0; i < s.length; i++) {
    var cp = s.codePointAt(i);
    if (cp > 0xffff) { i++; }
    if (cp < 0x80) { out.push(cp); } else if (cp < 0x800) {
      out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    } else {
      out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    }
  }
  return new Uint8Array(out);
};

module.exports = { TextDecoder: PackageTextDecoder, TextEncoder: PackageTextEncoder, bytesOf: bytesOf };
