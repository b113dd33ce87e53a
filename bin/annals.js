#!/usr/bin/env node
// The `annals` command: runs the built command line (npm install builds it; so does npm start).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!existsSync(entry)) {
  console.error('annals: not built yet: run `npm run build` in the project folder');
  process.exit(2);
}
require(entry)
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
