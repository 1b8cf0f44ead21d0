// One surface of the shared-state test: signs through the Node state API
// until the budget is exhausted; prints how many it signed.
// Usage: node sign_loop.js STATE_DIR USER FILE_PREFIX FIRST
'use strict';
const path = require('node:path');
const signet = require(path.join(__dirname, '..', '..', 'bindings-node'));

const fs = require('node:fs');

const [stateDir, user, prefix, first] = process.argv.slice(2);
// Start together with the other surfaces: wait for $SIGNET_GO to exist.
const go = process.env.SIGNET_GO;
while (go && !fs.existsSync(go)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
const state = signet.openState(stateDir, { user });
let count = 0;
for (let i = Number(first); ; i++) {
  try {
    state.signFile(`${prefix}${i}`);
  } catch (e) {
    if (e.code === 'sign_budget_exhausted') break;
    throw e;
  }
  count++;
}
state.close();
console.log(count);
