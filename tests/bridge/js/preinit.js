/* TikTok's HTML runtime: nothing but init exists before init() is called. */
(function () {
  'use strict';
  var g = window.TTMinis.game;
  var hidden = { onHide: g.onHide, onShow: g.onShow };
  var init = g.init;
  delete g.onHide;
  delete g.onShow;
  g.init = function (opts) {
    init(opts);
    g.onHide = hidden.onHide;
    g.onShow = hidden.onShow;
  };
})();
