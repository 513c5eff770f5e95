module.exports = { name: 'engine/util.js' };
