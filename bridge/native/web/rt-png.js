/*
 * canvas.toDataURL() for the runtime's canvases (an OffscreenCanvas has only the asynchronous
 * convertToBlob): the pixels as an uncompressed PNG (zlib "stored" blocks), synchronously.
 */
(function (emu) {
  'use strict';

  var P = emu.P;
  var CRC_TABLE = (function () {
    var table = new Uint32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) { c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; }
      table[n] = c >>> 0;
    }
    return table;
  })();

  function crc32(bytes) {
    var c = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) { c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8); }
    return (c ^ 0xffffffff) >>> 0;
  }

  function adler32(bytes) {
    var a = 1;
    var b = 0;
    for (var i = 0; i < bytes.length; i++) {
      a = (a + bytes[i]) % 65521;
      b = (b + a) % 65521;
    }
    return ((b << 16) | a) >>> 0;
  }

  function u32(value) { return [(value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]; }

  function chunk(type, data) {
    var body = new Uint8Array(4 + data.length);
    for (var i = 0; i < 4; i++) { body[i] = type.charCodeAt(i); }
    body.set(data, 4);
    var out = new Uint8Array(12 + data.length);
    out.set(u32(data.length), 0);
    out.set(body, 4);
    out.set(u32(crc32(body)), 8 + data.length);
    return out;
  }

  function zlibStored(raw) {
    var blocks = Math.max(1, Math.ceil(raw.length / 65535));
    var out = new Uint8Array(2 + raw.length + blocks * 5 + 4);
    out[0] = 0x78;
    out[1] = 0x01;
    var at = 2;
    for (var i = 0; i < blocks; i++) {
      var part = raw.subarray(i * 65535, Math.min(raw.length, (i + 1) * 65535));
      out[at] = i === blocks - 1 ? 1 : 0;
      out[at + 1] = part.length & 255;
      out[at + 2] = part.length >>> 8;
      out[at + 3] = ~part.length & 255;
      out[at + 4] = (~part.length >>> 8) & 255;
      out.set(part, at + 5);
      at += 5 + part.length;
    }
    out.set(u32(adler32(raw)), at);
    return out;
  }

  emu.png = function (canvas) {
    var width = Math.max(1, canvas.width);
    var height = Math.max(1, canvas.height);
    var copy = new P.OffscreenCanvas(width, height).getContext('2d');
    copy.drawImage(canvas, 0, 0);
    var pixels = copy.getImageData(0, 0, width, height).data;
    var raw = new Uint8Array((width * 4 + 1) * height);
    for (var y = 0; y < height; y++) {
      raw.set(pixels.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
    }
    var header = new Uint8Array(u32(width).concat(u32(height), [8, 6, 0, 0, 0]));
    var parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header),
      chunk('IDAT', zlibStored(raw)), chunk('IEND', new Uint8Array(0))];
    var binary = '';
    parts.forEach(function (part) {
      for (var i = 0; i < part.length; i += 0x8000) {
        binary += String.fromCharCode.apply(null, part.subarray(i, i + 0x8000));
      }
    });
    return 'data:image/png;base64,' + P.btoa(binary);
  };
})(self.__emu);
