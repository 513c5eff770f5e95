// Everything that evaluates a string fails in a native runtime; the last one is not caught.
function attempt(name, fn) {
  try {
    fn();
    console.log(name + ': ran');
  } catch (e) {
    console.log(name + ': ' + e.name);
  }
}
attempt('new Function', function () { return new Function('return 1')(); });
attempt('string setTimeout', function () { setTimeout('console.log(1)', 0); });
attempt('indirect eval', function () { return (0, eval)('1 + 1'); });
console.log('now eval, uncaught');
var two = eval('1 + 1');
console.log('not reached ' + two);
