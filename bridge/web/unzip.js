/* Reads the entries of a zip archive whose members are stored (not deflated).
 *
 * The build writes the game's archive and pygame-ce's wheel stored: the HTTP layer compresses
 * them as a whole (as well as per-member deflate does), and the page writes them into Python's
 * file system with no inflating and no Python (Pyodide's unpackArchive and loadPackage import
 * zipfile, shutil and tarfile and run in WebAssembly). An archive with a deflated, encrypted or
 * zip64 member is refused with its name: rebuild it with ``python -m bridge.build``.
 *
 * BeanhopUnzip.entries(buffer) -> [{name, data}] (data: a Uint8Array view into buffer; folders
 * are left out); BeanhopUnzip.extract(FS, buffer, dir) writes them under dir, returns the count.
 */
(function (root) {
  "use strict";

  var END = 0x06054b50;
  var CENTRAL = 0x02014b50;
  var LOCAL = 0x04034b50;

  function utf8(bytes) {
    if (typeof TextDecoder !== "undefined") return new TextDecoder("utf-8").decode(bytes);
    var text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return decodeURIComponent(escape(text));
  }

  function endRecord(view) {
    var last = Math.max(0, view.byteLength - 22 - 0xffff);
    for (var at = view.byteLength - 22; at >= last; at--) {
      if (view.getUint32(at, true) === END) return at;
    }
    throw new Error("not a zip archive (no end of central directory)");
  }

  function entries(buffer) {
    var bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.byteLength < 22) throw new Error("not a zip archive (" + view.byteLength + " bytes)");
    var end = endRecord(view);
    var count = view.getUint16(end + 10, true);
    var at = view.getUint32(end + 16, true);
    var found = [];
    for (var i = 0; i < count; i++) {
      if (at + 46 > view.byteLength || view.getUint32(at, true) !== CENTRAL) {
        throw new Error("damaged zip archive: central directory entry " + i);
      }
      var flags = view.getUint16(at + 8, true);
      var method = view.getUint16(at + 10, true);
      var size = view.getUint32(at + 24, true);
      var nameLength = view.getUint16(at + 28, true);
      var next = at + 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
      var local = view.getUint32(at + 42, true);
      var name = utf8(bytes.subarray(at + 46, at + 46 + nameLength));
      at = next;
      if (name.charAt(name.length - 1) === "/") continue;  // a folder: made as files need it
      if (name.charAt(0) === "/" || name.split("/").indexOf("..") !== -1) {
        throw new Error("unsafe member name in zip archive: " + name);
      }
      if (flags & 1) throw new Error(name + " is encrypted");
      if (method !== 0) throw new Error(name + " is compressed (method " + method + "); the page reads stored zips only");
      if (size === 0xffffffff || local === 0xffffffff) throw new Error(name + " needs zip64");
      if (local + 30 > view.byteLength || view.getUint32(local, true) !== LOCAL) {
        throw new Error("damaged zip archive: " + name);
      }
      var start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
      if (start + size > view.byteLength) throw new Error("truncated zip archive: " + name);
      found.push({ name: name, data: bytes.subarray(start, start + size) });
    }
    return found;
  }

  /* Writes every member under dir in an Emscripten file system (Pyodide's pyodide.FS). */
  function extract(FS, buffer, dir) {
    var made = {};
    var list = entries(buffer);
    list.forEach(function (entry) {
      var path = dir.replace(/\/+$/, "") + "/" + entry.name;
      var folder = path.slice(0, path.lastIndexOf("/"));
      if (!made[folder]) {
        FS.mkdirTree(folder);
        made[folder] = true;
      }
      FS.writeFile(path, entry.data);
    });
    return list.length;
  }

  var api = { entries: entries, extract: extract };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.BeanhopUnzip = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
