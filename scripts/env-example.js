'use strict';
// Prints .env.example from the services' config schemas; `--write` writes it.
const fs = require('node:fs');
const path = require('node:path');
const { envExample } = require('./lib/config-catalog');

const text = envExample();
if (process.argv.includes('--write')) fs.writeFileSync(path.join(__dirname, '..', '.env.example'), text);
else process.stdout.write(text);
