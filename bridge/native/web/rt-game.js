/*
 * TTMinis.game assembled from the runtime's parts, subpackages, system information, and the boot:
 * lockdown, the runtime's globals, then the package's game.js.
 */
(function (emu) {
  'use strict';

  var P = emu.P;
  var g = emu.g;
  var loading = {};

  // ---- subpackages --------------------------------------------------------------------

  function download(sub, listeners) {
    return P.fetch('/__emu/subpackage/' + encodeURIComponent(sub.name)).then(function (response) {
      if (!response.ok) { throw emu.fail('loadSubpackage', 'download failed: ' + response.status); }
      var total = Number(response.headers.get('Content-Length')) || 0;
      var written = 0;
      var reader = response.body.getReader();
      function progress() {
        var res = {
          progress: total ? Math.floor(written * 100 / total) : 100,
          totalBytesWritten: written,
          totalBytesExpectedToWrite: total
        };
        listeners.slice().forEach(function (cb) { emu.invoke(cb, res); });
      }
      function pump() {
        return reader.read().then(function (step) {
          if (step.done) { progress(); return; }
          written += step.value.byteLength;
          emu.stats.bytesDownloaded = (emu.stats.bytesDownloaded || 0) + step.value.byteLength;
          if (written < total) { progress(); }
          return pump();
        });
      }
      return pump();
    });
  }

  function loadSubpackage(opts) {
    opts = opts || {};
    var listeners = [];
    var task = {
      onProgressUpdate: function (cb) { if (typeof cb === 'function') { listeners.push(cb); } },
      offProgressUpdate: function (cb) { listeners = listeners.filter(function (c) { return c !== cb; }); }
    };
    var sub = emu.config.subpackages.filter(function (s) { return s.name === opts.name; })[0];
    var work;
    if (!sub) {
      work = Promise.reject(emu.fail('loadSubpackage', 'subpackage not found: ' + opts.name));
    } else if (emu.loaded[sub.name]) {
      work = emu.later(function () { return {}; });
    } else {
      loading[sub.name] = loading[sub.name] || download(sub, listeners).then(function () {
        emu.loaded[sub.name] = true;
        try {
          emu.require.run(sub.root + '/game.js');
        } catch (error) {
          emu.report(error);
          throw emu.fail('loadSubpackage', sub.root + '/game.js threw ' + emu.describe(error));
        }
        return {};
      }, function (error) {
        delete loading[sub.name];  // a failed download may be tried again
        throw error;
      });
      work = loading[sub.name];
    }
    emu.settle(opts, 'loadSubpackage', work);
    return task;
  }

  // ---- system information -------------------------------------------------------------

  function copy(value) { return JSON.parse(JSON.stringify(value)); }

  function getWindowInfo() {
    var s = emu.config.system;
    return {
      pixelRatio: s.pixelRatio, screenWidth: s.screenWidth, screenHeight: s.screenHeight,
      windowWidth: s.windowWidth, windowHeight: s.windowHeight, statusBarHeight: s.statusBarHeight,
      screenTop: 0, safeArea: copy(s.safeArea)
    };
  }

  function canIUse(schema) {
    var name = String(schema);
    var known = emu.config.canIUse[name];
    var top = typeof emu.game[name.split('.')[0]];
    if (known !== undefined) { return known && top !== 'undefined'; }
    return name.indexOf('.') < 0 && top !== 'undefined';
  }

  function updateManager() {
    return {
      onCheckForUpdate: function (cb) { emu.later(function () { emu.invoke(cb, { hasUpdate: false }); }); },
      onUpdateReady: function () {},
      onUpdateFailed: function () {},
      applyUpdate: function () {}
    };
  }

  function buildGame() {
    var game = {
      env: { USER_DATA_PATH: emu.files.USER_DATA_PATH },
      canIUse: canIUse,
      getSystemInfoSync: function () { return copy(emu.config.system); },
      getSystemInfo: emu.twin('getSystemInfo', function () { return copy(emu.config.system); }, function (v) { return v; }),
      getWindowInfo: getWindowInfo,
      onWindowResize: function () {},
      offWindowResize: function () {},
      getLaunchOptionsSync: function () { return copy(emu.config.launch); },
      getFileSystemManager: function () { return emu.fileSystemManager; },
      loadSubpackage: loadSubpackage,
      request: emu.request,
      createInnerAudioContext: emu.createInnerAudioContext,
      getUpdateManager: updateManager
    };
    [emu.screenApi, emu.storageApi, emu.platformApi].forEach(function (part) {
      for (var key in part) {
        if (Object.prototype.hasOwnProperty.call(part, key)) { game[key] = part[key]; }
      }
    });
    delete game.requestAnimationFrame;
    delete game.cancelAnimationFrame;
    Object.keys(game).forEach(function (key) {
      if (typeof game[key] === 'function') { game[key] = emu.counted('TTMinis.game.' + key, game[key]); }
    });
    Object.keys(emu.fileSystemManager).forEach(function (key) {
      emu.fileSystemManager[key] = emu.counted('FileSystemManager.' + key, emu.fileSystemManager[key]);
    });
    return game;
  }

  // ---- the runtime's globals ----------------------------------------------------------

  function format(args) {
    return Array.prototype.map.call(args, function (value) {
      if (typeof value === 'string') { return value; }
      if (value instanceof Error) { return emu.describe(value); }
      try {
        var text = JSON.stringify(value);
        return text === undefined ? String(value) : text.slice(0, 2000);
      } catch (e) {
        return String(value);
      }
    }).join(' ');
  }

  function makeConsole() {
    var real = P.console;
    var out = {};
    ['assert', 'table', 'dir', 'trace', 'group', 'groupCollapsed', 'groupEnd', 'time', 'timeEnd',
      'timeLog', 'count', 'countReset'].forEach(function (name) {
      out[name] = typeof real[name] === 'function' ? real[name].bind(real) : function () {};
    });
    ['log', 'info', 'warn', 'error', 'debug'].forEach(function (level) {
      out[level] = function () {
        real[level].apply(real, arguments);
        emu.post({ type: 'console', level: level, text: format(arguments) });
      };
    });
    return out;
  }

  function timer(real, name) {
    return function (callback) {
      if (typeof callback !== 'function') {
        throw new TypeError(name + ': the callback must be a function (a native runtime has no string timers)');
      }
      return real.apply(null, arguments);
    };
  }

  function install(name, value) {
    Object.defineProperty(g, name, { value: value, writable: true, configurable: true, enumerable: false });
  }

  emu.boot = function (message) {
    emu.loaded = {};
    emu.offline = !!emu.config.offline;
    emu.loadStorage();
    emu.startFrames(message.canvas);
    emu.game = buildGame();
    var stuck = emu.lockdown();
    install('GameGlobal', g);
    install('TTMinis', { game: emu.game });
    install('TTWebAssembly', emu.TTWebAssembly);
    install('require', emu.require.global);
    install('console', makeConsole());
    install('setTimeout', timer(P.setTimeout, 'setTimeout'));
    install('setInterval', timer(P.setInterval, 'setInterval'));
    install('clearTimeout', P.clearTimeout);
    install('clearInterval', P.clearInterval);
    install('requestAnimationFrame', emu.screenApi.requestAnimationFrame);
    install('cancelAnimationFrame', emu.screenApi.cancelAnimationFrame);
    emu.post({ type: 'state', state: 'booting', globals: emu.visibleGlobals(), stuck: stuck });
    try {
      emu.require.run('game.js');
    } catch (error) {
      P.console.error(error);
      emu.post({ type: 'state', state: 'failed', error: 'Uncaught ' + emu.describe(error) });
      return;
    }
    emu.post({ type: 'state', state: 'running' });
  };
})(self.__emu);
