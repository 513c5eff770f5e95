// Storage and ttfile://user files outlive a reload of the package; package files are read-only.
var game = TTMinis.game;
var fs = game.getFileSystemManager();
var USER = game.env.USER_DATA_PATH;
function say(text) { console.log(text); }

var boots = (game.getStorageSync('boots') || 0) + 1;
game.setStorageSync('boots', boots);
game.setStorageSync('profile', { name: 'Bean', best: boots * 10 });
var log = '';
try {
  log = fs.readFileSync(USER + '/boots.log', 'utf8');
} catch (e) {
  say('first boot: ' + e.message);
}
fs.appendFileSync(USER + '/boots.log', 'boot ' + boots + ';');
say('boot ' + boots + ' profile ' + JSON.stringify(game.getStorageSync('profile')) + ' log before [' + log + ']');
say('missing key ' + JSON.stringify(game.getStorageSync('never-set')));
game.getStorage({ key: 'never-set', fail: function (res) { say('getStorage missing: ' + res.errMsg); } });

say('package text: ' + fs.readFileSync('data/hello.txt', 'utf8').trim());
fs.readFile({
  filePath: '/data/hello.txt',
  success: function (res) { say('package bytes: ' + (res.data instanceof ArrayBuffer) + ' ' + res.data.byteLength); }
});
fs.writeFile({
  filePath: 'data/hello.txt', data: 'overwritten',
  fail: function (res) { say('write package: ' + res.errMsg); }
});
fs.readFile({
  filePath: 'data/missing.txt',
  fail: function (res) { say('missing: ' + res.errMsg); }
});
fs.writeFileSync(USER + '/bytes.bin', new Uint8Array([1, 2, 3, 250]).buffer);
say('user bytes: ' + new Uint8Array(fs.readFileSync(USER + '/bytes.bin')).join(','));
say('listing: ' + fs.readdirSync(USER).join(','));
