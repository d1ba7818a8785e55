'use strict';
// `npm test`: unit tests (parallel), then integration and end-to-end tests
// (one file at a time: they start real servers). Setup ran as `pretest`.
// Prints one closing line "N passed, N failed, N skipped" over all phases.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const jest = path.join(__dirname, '..', 'node_modules', '.bin', 'jest');
const extra = process.argv.slice(2);
const phases = [
  ['unit', ['--selectProjects', 'unit']],
  ['integration', ['--selectProjects', 'integration', '--runInBand']],
  ['e2e', ['--selectProjects', 'e2e', '--runInBand']],
];

let passed = 0, failed = 0, skipped = 0, ok = true;
for (const [name, args] of phases) {
  const out = path.join(os.tmpdir(), `jest-${name}-${process.pid}.json`);
  console.log(`\n=== ${name} tests ===`);
  const res = spawnSync(jest, [...args, '--passWithNoTests', '--json', `--outputFile=${out}`, ...extra], { stdio: 'inherit', env: process.env });
  if (fs.existsSync(out)) {
    const r = JSON.parse(fs.readFileSync(out, 'utf8'));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + (r.numTodoTests || 0);
    if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) failed += r.numFailedTestSuites; // a suite that could not run
    fs.rmSync(out);
  }
  if (res.status !== 0) ok = false;
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok && failed === 0 ? 0 : 1);
