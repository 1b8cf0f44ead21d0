// One surface of the shared-state test: signs through the Node state API
// until the budget is exhausted; prints how many it signed.
// Usage: node sign_loop.js STATE_DIR USER FILE_PREFIX FIRST
'use strict';
const path = require('node:path');
const signet = require(path.join(__dirname, '..', '..', 'bindings-node'));

const [stateDir, user, prefix, first] = process.argv.slice(2);
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
