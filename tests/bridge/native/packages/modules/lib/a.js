var privateToA = 'a module-level var';
exports.name = 'a';
exports.b = require('./b');
exports.private = privateToA;
