'use strict';
// The scenario vectors (tests/vectors/scenarios/) through initState/openState,
// like tests/integration/scenarios.rs: each step acts as its user at the case's
// fixed clock, and its outcome code must be the one the vector expects.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const signet = require('..');
const { VECTORS, scratch } = require('./helpers.js');

const DIR = join(VECTORS, 'scenarios');
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));

/** Runs one acting step; 'ok' or the error code (the error must be a coded SignetError). */
function act(run, step) {
  const user = step.user ?? run.signer;
  try {
    const state = signet.openState(run.stateDir, { user, now: run.now });
    try {
      perform(run, state, step);
    } finally {
      state.close();
    }
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof signet.SignetError, `not a SignetError: ${e && e.stack}`);
    assert.ok(e instanceof signet.CLASS_BY_DOMAIN[signet.codeInfo(e.code).domain], `${e.code} is a ${e.constructor.name}`);
    return e.code;
  }
}

function perform(run, state, step) {
  switch (step.action) {
    case 'sign': {
      const files = Array.from({ length: step.count ?? 1 }, () => {
        run.files += 1;
        const f = join(run.work, `artifact-${run.files}.bin`);
        writeFileSync(f, `scenario artifact ${run.files}`);
        return f;
      });
      return state.signFiles(files, step.grant === undefined ? {} : { grant: step.grant });
    }
    case 'budget_use': return state.budgetUse({ count: step.count });
    case 'budget_buy':
      return state.budgetBuy({ signatures: step.signatures, role: step.role ?? 'standard_user', subaccount: step.subaccount ?? false });
    case 'budget_revoke': return state.budgetRevoke();
    case 'budget_assign':
      return state.budgetAssign({ signer: step.signer, role: step.role ?? 'standard_user', keylockerLead: step.keylocker_lead ?? false });
    case 'grant_policy':
      return state.grantPolicy({
        maxWindowSecs: step.max_window,
        maxSignings: step.max_ops,
        ttlSecs: step.ttl,
        steps: step.steps.map((s) => ({ approvers: s.approvers, threshold: s.threshold })),
      });
    case 'grant_request':
      return state.grantRequest({
        allowedOps: step.ops,
        validUntil: step.window === undefined ? undefined : run.now + step.window,
      });
    case 'grant_approve': return state.grantApprove(step.id);
    case 'grant_cancel': return state.grantCancel(step.id);
    case 'grant_reject': return state.grantReject(step.id, step.comment === undefined ? {} : { comment: step.comment });
    default: throw new Error(`unknown action ${step.action}`);
  }
}

function check(run, step, what) {
  const state = signet.openState(run.stateDir, { user: run.signer, now: run.now });
  try {
    let actual;
    if (step.action === 'check_budget') {
      actual = state.budgetShow();
    } else {
      actual = state.grantShow(step.id).grant;
      assert.ok(actual, `${what}: the request issued no grant`);
    }
    for (const key of ['used', 'remaining', 'state', 'status']) {
      if (step[key] !== undefined) assert.equal(actual[key], step[key], `${what}: ${key} in ${JSON.stringify(actual)}`);
    }
  } finally {
    state.close();
  }
}

describe('scenario vectors', () => {
  const cases = readJson(join(DIR, 'index.json')).cases;
  let stepsRun = 0;

  it('the index lists the cases', () => {
    assert.ok(cases.length >= 7, `${cases.length} cases`);
  });

  for (const name of cases) {
    it(name, (t) => {
      const v = readJson(join(DIR, `${name}.json`));
      const work = scratch(t);
      const run = { stateDir: join(work, 'state'), work, now: v.start, signer: v.init.signer, files: 0 };
      signet.initState(run.stateDir, {
        user: v.init.signer, signer: v.init.signer, budget: v.init.budget, days: v.init.days, now: run.now,
      }).close();
      for (const [i, step] of v.steps.entries()) {
        const what = `${name} step ${i} (${JSON.stringify(step)})`;
        if (step.action === 'advance') run.now += step.seconds;
        else if (step.action === 'check_budget' || step.action === 'check_grant') check(run, step, what);
        else assert.equal(act(run, step), step.expect, what);
        stepsRun += 1;
      }
    });
  }

  it('ran every step', () => {
    assert.ok(stepsRun > 60, `${stepsRun} steps`);
  });
});
