var a = require('./a');
module.exports = { name: 'b', sawA: JSON.stringify(a) };
