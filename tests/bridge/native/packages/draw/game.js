// Draws a dark screen and answers each touch with a red square where it landed.
var game = TTMinis.game;
var info = game.getSystemInfoSync();
var canvas = game.createCanvas();
canvas.width = info.windowWidth * info.pixelRatio;
canvas.height = info.windowHeight * info.pixelRatio;
var ctx = canvas.getContext('2d');
var squares = [];

function frame() {
  ctx.fillStyle = '#102030';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#ff0000';
  squares.forEach(function (s) {
    ctx.fillRect((s.x - 20) * info.pixelRatio, (s.y - 20) * info.pixelRatio, 40 * info.pixelRatio, 40 * info.pixelRatio);
  });
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

function describe(kind) {
  return function (event) {
    var t = event.changedTouches[0];
    console.log('touch ' + kind + ' id=' + t.identifier + ' x=' + Math.round(t.screenX) + ' y=' + Math.round(t.screenY) +
      ' touches=' + event.touches.length + ' time=' + (typeof event.timeStamp));
    if (kind === 'start') { squares.push({ x: t.screenX, y: t.screenY }); }
  };
}
game.onTouchStart(describe('start'));
game.onTouchEnd(describe('end'));
game.onHide(function () { console.log('lifecycle hide'); });
game.onShow(function () { console.log('lifecycle show'); });
console.log('screen ' + info.windowWidth + 'x' + info.windowHeight + ' @' + info.pixelRatio +
  ' safe top ' + info.safeArea.top + ' canvas ' + canvas.width + 'x' + canvas.height);
console.log('second canvas ' + (game.createCanvas() !== canvas) + ' png ' + canvas.toDataURL().slice(0, 22));
