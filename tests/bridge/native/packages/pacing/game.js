// Asks for 20 frames per second and logs the shortest gap between its animation frames; then
// asks for 60 (by a value the runtime must read as 60) and logs the shortest gap again.
var game = TTMinis.game;
var canvas = game.createCanvas();
var ctx = canvas.getContext('2d');
var times = [];
var phase = 'slow';

function shortest(list) {
  var gap = Infinity;
  for (var i = 1; i < list.length; i++) { gap = Math.min(gap, list[i] - list[i - 1]); }
  return Math.round(gap);
}

function frame(time) {
  ctx.fillStyle = times.length % 2 ? '#000000' : '#ffffff';
  ctx.fillRect(0, 0, 10, 10);
  times.push(time);
  if (phase === 'slow' && times.length === 12) {
    console.log('at 20 fps the shortest gap is ' + shortest(times) + ' ms');
    phase = 'fast';
    times = [];
    game.setPreferredFramesPerSecond('not a number');
  } else if (phase === 'fast' && times.length === 30) {
    console.log('at 60 fps the shortest gap is ' + shortest(times) + ' ms');
    phase = 'done';
  }
  requestAnimationFrame(frame);
}
game.setPreferredFramesPerSecond(20);
requestAnimationFrame(frame);
