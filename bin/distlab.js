#!/usr/bin/env node
// Launcher for the `distlab` command: runs the built CLI, or explains how to build it.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const main = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!fs.existsSync(main)) {
  process.stderr.write(
    'distlab: the CLI is not built yet (missing dist/src/cli/main.js).\n' +
      'Run `npm run build` in the distlab checkout, then try again.\n',
  );
  process.exit(2);
}
require(main).main(process.argv).catch((error) => {
  process.stderr.write(`distlab: ${error && error.stack ? error.stack : String(error)}\n`);
  process.exit(2);
});
