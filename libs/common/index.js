// Runtime entry of @app/common: the compiled library (npm run build). Types come from src/.
module.exports = require('../../dist/libs/common/src/index.js');
