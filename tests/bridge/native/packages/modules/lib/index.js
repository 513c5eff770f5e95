module.exports = { name: 'lib/index.js', thisIsExports: false };
module.exports.thisIsExports = this !== undefined && this !== GameGlobal;
