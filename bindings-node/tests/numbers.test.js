'use strict';
// Every numeric argument is range-checked before conversion: NaN, ±Infinity,
// fractions, negatives and values past the target type are `invalid_number`
// (an InvalidRequestError), and nothing is done. (napi's own conversions turn
// NaN into 0 and -1 into 4294967295.)
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { readdirSync } = require('node:fs');
const signet = require('..');
const { newState, file, throwsCoded, rejectsCoded } = require('./helpers.js');

const NOT_WHOLE = [NaN, Infinity, -Infinity, 0.5, -1];
const COUNT = [...NOT_WHOLE, 2 ** 53]; // 0 .. 2^53-1
const U32 = [...NOT_WHOLE, 2 ** 32]; // 0 .. 4294967295
const U8 = [...NOT_WHOLE, 256];
const SECONDS = [NaN, Infinity, -Infinity, 0.5, 2 ** 53, -(2 ** 53)]; // whole, within ±(2^53-1)

function refused(what, values, fn) {
  for (const v of values) {
    const e = throwsCoded(() => fn(v), 'invalid_number');
    assert.ok(e instanceof signet.InvalidRequestError, `${what} = ${v}`);
    assert.match(e.message, /must be a whole number from/, `${what} = ${v}`);
  }
}

describe('State arguments', () => {
  it('initState: budget, days; openState: now', (t) => {
    const { dir, path } = newState(t);
    refused('budget', COUNT, (v) => signet.initState(`${dir}/b${String(v)}`, { budget: v }));
    refused('days', U32, (v) => signet.initState(`${dir}/d${String(v)}`, { days: v }));
    refused('now', SECONDS, (v) => signet.openState(path, { now: v }));
    refused('now (invalid Date)', [new Date(NaN)], (v) => signet.openState(path, { now: v }));
    assert.equal(signet.openState(path, { user: 'alice', now: 2 ** 53 - 1 }).user, 'alice');
    assert.deepEqual(readdirSync(dir), ['state'], 'no state was made');
  });

  it('grant ids of signing calls, sync and async; nothing is counted', async (t) => {
    const { dir, state } = newState(t);
    const f = file(dir, 'a.bin');
    refused('signFile grant', COUNT, (grant) => state.signFile(f, { grant }));
    refused('signFiles grant', COUNT, (grant) => state.signFiles([f], { grant }));
    refused('signDigest grant', COUNT, (grant) => state.signDigest(Buffer.alloc(32), { grant }));
    for (const grant of COUNT) {
      await rejectsCoded(state.signFileAsync(f, { grant }), 'invalid_number');
      await rejectsCoded(state.signDigestAsync(Buffer.alloc(32), { grant }), 'invalid_number');
      await rejectsCoded(state.signFilesAsync([f], { grant }), 'invalid_number');
    }
    assert.equal(state.status().budget.used, 0);
  });

  it('budgets: signatures, count, allotment, validity', (t) => {
    const { state } = newState(t, { budget: 10 });
    refused('budgetBuy signatures', COUNT, (signatures) => state.budgetBuy({ signatures, role: 'manager' }));
    refused('budgetUse count', COUNT, (count) => state.budgetUse({ count }));
    const cert = state.certificateDer;
    refused('budgetInit allotment', COUNT, (allotment) => state.budgetInit(cert, { signer: 'x', allotment }));
    refused('budgetInit notBefore', SECONDS, (notBefore) => state.budgetInit(cert, { signer: 'x', notBefore }));
    refused('budgetInit notAfter', SECONDS, (notAfter) => state.budgetInit(cert, { signer: 'x', notAfter }));
    const b = state.budgetShow();
    assert.deepEqual([b.total, b.used], [10, 0], 'nothing was bought or counted');
  });

  it('grants: policy numbers, request numbers, request ids', (t) => {
    const { state } = newState(t);
    const steps = [{ approvers: ['carol'], threshold: 1 }];
    refused('ttlSecs', COUNT, (ttlSecs) => state.grantPolicy({ ttlSecs, maxSignings: 1, steps }));
    refused('maxWindowSecs', COUNT, (maxWindowSecs) => state.grantPolicy({ ttlSecs: 60, maxWindowSecs, steps }));
    refused('maxSignings', U32, (maxSignings) => state.grantPolicy({ ttlSecs: 60, maxSignings, steps }));
    refused('threshold', U8, (threshold) => state.grantPolicy({ ttlSecs: 60, maxSignings: 1, steps: [{ approvers: ['carol'], threshold }] }));
    assert.equal(state.grantPolicyOf(), null, 'no policy was written');
    state.grantPolicy({ ttlSecs: 60, maxSignings: 5, steps });
    refused('allowedOps', U32, (allowedOps) => state.grantRequest({ allowedOps }));
    refused('validFrom', SECONDS, (validFrom) => state.grantRequest({ validFrom }));
    refused('validUntil', SECONDS, (validUntil) => state.grantRequest({ validUntil }));
    assert.deepEqual(state.grantList(), [], 'no request was opened');
    for (const method of ['grantApprove', 'grantReject', 'grantCancel', 'grantShow']) {
      refused(`${method} id`, COUNT, (id) => state[method](id));
    }
  });
});

describe('in-memory objects', () => {
  const FP = 'ab'.repeat(32);
  const NOW = Math.floor(Date.now() / 1000);

  it('Budget: allotment, validity, purchases, times', () => {
    refused('allotment', COUNT, (allotment) => new signet.Budget({ fingerprint: FP, notBefore: 0, notAfter: NOW + 10, signer: 'a', allotment }));
    refused('notBefore', SECONDS, (notBefore) => new signet.Budget({ fingerprint: FP, notBefore, notAfter: NOW + 10, signer: 'a' }));
    refused('notAfter', SECONDS, (notAfter) => new signet.Budget({ fingerprint: FP, notBefore: 0, notAfter, signer: 'a' }));
    const b = new signet.Budget({ fingerprint: FP, notBefore: 0, notAfter: NOW + 1000, signer: 'a' });
    const by = { id: 'm', role: 'manager' };
    refused('count', COUNT, (count) => b.buy({ by, fingerprint: FP, count }));
    refused('now', SECONDS, (now) => b.buy({ by, fingerprint: FP, count: 1, now }));
    assert.equal(b.total, 1000);
  });

  it('SignerPolicy, SigningRequest, Grant: maxSignings -1 is no longer 4294967295', () => {
    const base = { signer: 'alice', maxRequestTtlSecs: 3600, steps: [{ approvers: ['carol'] }] };
    refused('maxSignings', U32, (maxSignings) => new signet.SignerPolicy({ ...base, maxSignings }));
    refused('maxWindowSecs', COUNT, (maxWindowSecs) => new signet.SignerPolicy({ ...base, maxWindowSecs }));
    refused('maxRequestTtlSecs', COUNT, (maxRequestTtlSecs) => new signet.SignerPolicy({ ...base, maxSignings: 1, maxRequestTtlSecs }));
    refused('threshold', U8, (threshold) => new signet.SignerPolicy({ ...base, maxSignings: 1, steps: [{ approvers: ['carol'], threshold }] }));
    const policy = new signet.SignerPolicy({ ...base, maxSignings: 4294967295 });
    refused('id', COUNT, (id) => signet.SigningRequest.open({ id, requester: 'bob', policy }));
    refused('allowedOps', U32, (allowedOps) => signet.SigningRequest.open({ id: 1, requester: 'bob', policy, allowedOps }));
    refused('validFrom', SECONDS, (validFrom) => signet.SigningRequest.open({ id: 1, requester: 'bob', policy, validFrom }));
    refused('now', SECONDS, (now) => signet.SigningRequest.open({ id: 1, requester: 'bob', policy, now }));
    const req = signet.SigningRequest.open({ id: 1, requester: 'bob', policy, allowedOps: 3 });
    refused('status now', SECONDS, (now) => req.status(now));
    refused('approve now', SECONDS, (now) => req.approve('carol', { now }));
    assert.equal(req.status(), 'open', 'no approval was recorded');
    const { grant } = req.approve('carol');
    refused('grant status now', SECONDS, (now) => grant.status(now));
    assert.equal(grant.allowedOps, 3);
  });

  it('a number of the wrong type is invalid_option_type', (t) => {
    const { state } = newState(t);
    throwsCoded(() => state.budgetUse({ count: '2' }), 'invalid_option_type');
    throwsCoded(() => state.grantShow(1n), 'invalid_option_type');
    throwsCoded(() => new signet.SignerPolicy({ signer: 'a', maxRequestTtlSecs: '60', steps: [] }), 'invalid_option_type');
  });
});
