// A sound of the package, played by the page.
var sound = TTMinis.game.createInnerAudioContext();
sound.onCanplay(function () { console.log('audio canplay'); });
sound.onPlay(function () { console.log('audio play paused=' + sound.paused); });
sound.onEnded(function () { console.log('audio ended duration>0=' + (sound.duration > 0)); });
sound.onError(function (e) { console.log('audio error ' + e.errMsg); });
sound.src = 'sounds/coin.ogg';
sound.volume = 0.2;
sound.play();
var missing = TTMinis.game.createInnerAudioContext();
missing.onError(function (e) { console.log('missing audio: ' + e.errCode); });
missing.src = 'sounds/none.ogg';
