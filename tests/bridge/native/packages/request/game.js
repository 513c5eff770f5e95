// The game server through TTMinis.game.request, and the bridge's own JS (ttbridge.js, copied
// in by the test) on top of it: login by the simulator, a session, the inventory.
var game = TTMinis.game;
var SERVER = 'https://beanhop.example.com';
function say(text) { console.log(text); }

game.request({
  url: SERVER + '/api/catalog',
  success: function (res) {
    say('catalog ' + res.statusCode + ' items ' + res.data.items.length + ' json ' + (typeof res.data) +
      ' type ' + res.header['content-type']);
  },
  fail: function (res) { say('catalog failed ' + res.errMsg); }
});

game.request({
  url: SERVER + '/api/session', method: 'POST', data: { code: 'not-a-code' },
  success: function (res) { say('bad session ' + res.statusCode + ' ' + res.data.error.code); }
});

var task = game.request({
  url: SERVER + '/api/catalog',
  success: function () { say('aborted request answered'); },
  fail: function (res) { say('aborted: ' + res.errMsg); }
});
task.abort();

game.request({ url: 'ftp://beanhop.example.com/x', fail: function (res) { say('ftp: ' + res.errMsg); } });

require('./ttbridge.js');
var bridge = GameGlobal.TTBridge;
bridge.call('login', '{}').then(function (text) {
  var login = JSON.parse(text);
  say('bridge login ok=' + login.ok);
  var body = JSON.stringify({ code: login.data.code });
  return bridge.call('http', JSON.stringify({
    method: 'POST', url: SERVER + '/api/session', headers: { 'content-type': 'application/json' }, body: body
  }));
}).then(function (text) {
  var answer = JSON.parse(text);
  var session = JSON.parse(answer.data.body);
  say('bridge session ' + answer.data.status + ' player ' + (session.player.open_id ? 'yes' : 'no'));
  game.request({
    url: SERVER + '/api/inventory', header: { Authorization: 'Bearer ' + session.token },
    success: function (res) { say('inventory ' + res.statusCode + ' coins ' + res.data.coins); }
  });
});
