'use strict';
// The State: opening (fail closed), closing (nothing held after close, and no
// ledger held between calls), damaged states, budgets and grants end to end.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, rmSync, statSync } = require('node:fs');
const { join } = require('node:path');
const signet = require('..');
const { newState, file, scratch, opensslKeyAndCert, throwsCoded, rejectsCoded } = require('./helpers.js');

const PKG = join(__dirname, '..');

/** Signs `artifact` with the state in `stateDir` from another Node process; fails after 30 s. */
function signInChild(stateDir, artifact, user = 'alice') {
  const script = `const s = require(${JSON.stringify(PKG)}).openState(${JSON.stringify(stateDir)}, { user: ${JSON.stringify(user)} });
    const r = s.signFile(${JSON.stringify(artifact)}); s.close(); console.log(JSON.stringify(r));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 }));
}

/** Every file named `name` under `dir`. */
function find(dir, name) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...find(p, name));
    else if (e.name === name) out.push(p);
  }
  return out;
}

describe('opening', () => {
  it('initState, openState, openOrCreateState and the getters', (t) => {
    const dir = scratch(t);
    const path = join(dir, 'state');
    throwsCoded(() => signet.openState(path), 'state_not_initialised');
    const made = signet.openOrCreateState(path, { user: 'alice', budget: 7, keyType: 'ecc-p384' });
    assert.equal(made.created, true);
    assert.equal(made.dir, path);
    assert.equal(made.user, 'alice');
    assert.equal(made.algorithm, 'ecdsa-sha384');
    assert.equal(made.fingerprint, crypto.createHash('sha256').update(made.certificateDer).digest('hex'));
    assert.match(new crypto.X509Certificate(made.certificateDer).subject, /alice/);
    assert.equal(statSync(path).mode & 0o777, 0o700);
    const again = signet.openOrCreateState(path, { user: 'bob', budget: 99 });
    assert.equal(again.created, false);
    assert.equal(again.fingerprint, made.fingerprint);
    assert.equal(again.user, 'bob');
    assert.equal(again.status().budget.total, 7);
    const opened = signet.openState(path, { user: 'carol', now: new Date() });
    assert.equal(opened.created, false);
    assert.equal(opened.status().signer, 'alice');
    throwsCoded(() => signet.initState(path, { user: 'alice' }), 'state_exists');
    const replaced = signet.initState(path, { user: 'alice', force: true, budget: 3 });
    assert.equal(replaced.created, true);
    assert.notEqual(replaced.fingerprint, made.fingerprint);
    assert.deepEqual(replaced.budgetFingerprints().sort(), [made.fingerprint, replaced.fingerprint].sort());
    throwsCoded(() => signet.initState(join(dir, 'x'), { keyType: 'ed25519' }), 'unknown_key_type');
    throwsCoded(() => signet.openState(path, { now: 'yesterday' }), 'time_invalid');
    throwsCoded(() => signet.openState(path, { user: '' }), 'user_id_empty');
    throwsCoded(() => signet.openState(path, { colour: 'red' }), 'unknown_option');
    throwsCoded(() => new signet.State({}), 'invalid_option_type');
  });

  it('a deleted ledger is state_ledger_missing, and nothing is signed', (t) => {
    const { dir, state, path } = newState(t);
    state.signFile(file(dir, 'before.bin'));
    const ledgers = find(join(path, 'budgets'), 'ledger.bin');
    assert.equal(ledgers.length, 1);
    rmSync(ledgers[0]);
    const artifact = file(dir, 'after.bin');
    throwsCoded(() => state.signFile(artifact), 'state_ledger_missing');
    assert.equal(existsSync(`${artifact}.p7s`), false);
    const e = throwsCoded(() => signet.openState(path), 'state_ledger_missing');
    assert.ok(e instanceof signet.StateError);
    assert.equal(typeof e.hint, 'string');
  });

  it('a missing key file is state_incomplete', (t) => {
    const { path } = newState(t);
    rmSync(join(path, 'signer', 'key.p8'));
    throwsCoded(() => signet.openState(path), 'state_incomplete');
  });
});

describe('closing', () => {
  it('holds no ledger between calls: another State and another process sign in between', (t) => {
    const { dir, state, path } = newState(t, { budget: 10 });
    state.signFile(file(dir, 'a'));
    const other = signet.openState(path, { user: 'alice' });
    other.signFile(file(dir, 'b'));
    assert.equal(signInChild(path, file(dir, 'c')).counter_index, 2);
    state.signFile(file(dir, 'd'));
    assert.equal(state.status().budget.used, 4);
    other.close();
  });

  it('close releases the state: later calls are state_closed, another process takes the ledger', (t) => {
    const { dir, state, path } = newState(t, { budget: 10 });
    state.signFile(file(dir, 'a'));
    state.close();
    state.close(); // twice: nothing to do
    for (const call of [() => state.status(), () => state.signFile(file(dir, 'b')), () => state.fingerprint, () => state.certificateDer]) {
      const e = throwsCoded(call, 'state_closed');
      assert.ok(e instanceof signet.UsageError);
    }
    assert.equal(signInChild(path, file(dir, 'c')).counter_index, 1);
    assert.equal(existsSync(join(dir, 'b.p7s')), false);
  });

  it('close is refused while an async call is in flight, and works once it settled', async (t) => {
    const { dir, state, path } = newState(t, { budget: 10 });
    const pending = [state.signFileAsync(file(dir, 'a')), state.signDigestAsync(Buffer.alloc(32, 1))];
    throwsCoded(() => state.close(), 'state_busy');
    await Promise.all(pending);
    state.close();
    await rejectsCoded(state.signFileAsync(file(dir, 'b')), 'state_closed');
    assert.equal(signInChild(path, file(dir, 'c')).counter_index, 2);
  });

  it('a refused async call releases the state too', async (t) => {
    const { state } = newState(t);
    await rejectsCoded(state.signDigestAsync(Buffer.alloc(5)), 'sign_token');
    state.close();
  });
});

describe('budgets', () => {
  it('show, buy, use, assign, revoke, and a second certificate', (t) => {
    const { dir, state } = newState(t, { budget: 10 });
    const b = state.budgetShow();
    assert.deepEqual([b.fingerprint, b.signer, b.state, b.total, b.used, b.remaining, b.level],
      [state.fingerprint, 'alice', 'valid', 10, 0, 10, 'normal']);
    assert.deepEqual(state.budgetShow({ fingerprint: Buffer.from(state.fingerprint, 'hex') }), b);
    throwsCoded(() => state.budgetBuy({ signatures: 1000 }), 'budget_purchase_not_permitted');
    assert.equal(state.budgetBuy({ signatures: 1000, role: 'manager' }).total, 1010);
    throwsCoded(() => state.budgetBuy({ signatures: 5, role: 'administrator', subaccount: true }), 'budget_subaccount_purchase');
    const used = state.budgetUse({ count: 2 });
    assert.deepEqual([used.used, used.remaining], [2, 1008]);
    assert.equal(state.budgetUse().used, 3);
    throwsCoded(() => state.budgetUse({ count: 2000 }), 'budget_exhausted');
    throwsCoded(() => state.budgetAssign({ signer: 'bob', role: 'manager' }), 'budget_not_keylocker_lead');
    assert.equal(state.budgetAssign({ signer: 'bob', role: 'manager', keylockerLead: true }).signer, 'bob');
    throwsCoded(() => state.signFile(file(dir, 'x')), 'sign_not_assigned_signer');
    const bob = signet.openState(state.dir, { user: 'bob' });
    assert.equal(bob.signFile(file(dir, 'y')).remaining, 1006);
    bob.close();

    const { certPem } = opensslKeyAndCert(dir, 'p256', 30);
    const x = new crypto.X509Certificate(certPem);
    const fp = crypto.createHash('sha256').update(x.raw).digest('hex');
    const second = state.budgetInit(certPem, { signer: 'carol', allotment: 5000 });
    assert.deepEqual([second.fingerprint, second.signer, second.total], [fp, 'carol', 5000]);
    assert.equal(second.not_after, Math.floor(new Date(x.validTo).getTime() / 1000));
    throwsCoded(() => state.budgetInit(x.raw, { signer: 'carol' }), 'budget_exists');
    throwsCoded(() => state.budgetInit('not a certificate', { signer: 'carol' }), 'certificate_invalid');
    assert.equal(state.budgetShow({ fingerprint: fp }).total, 5000);
    assert.deepEqual(state.budgetFingerprints().sort(), [fp, state.fingerprint].sort());
    throwsCoded(() => state.budgetShow({ fingerprint: 'abc' }), 'fingerprint_invalid');
    throwsCoded(() => state.budgetShow({ fingerprint: 'ab'.repeat(32) }), 'budget_not_found');

    assert.equal(state.budgetRevoke().state, 'revoked');
    const bob2 = signet.openState(state.dir, { user: 'bob' });
    const e = throwsCoded(() => bob2.signFile(file(dir, 'z')), 'sign_revoked');
    assert.ok(e instanceof signet.SignError);
    bob2.close();
  });
});

describe('grants gate signing', () => {
  it('a signer policy: no grant, no signature; a grant pays operations until used up', async (t) => {
    const { dir, path, state } = newState(t, { budget: 100 });
    const as = (user) => {
      const s = signet.openState(path, { user });
      t.after(() => s.close());
      return s;
    };
    assert.equal(state.grantPolicyOf(), null);
    const policy = state.grantPolicy({ ttlSecs: 3600, maxSignings: 5, steps: [{ approvers: ['carol', 'dave'], threshold: 1 }] });
    assert.equal(policy.signer, 'alice');
    assert.deepEqual(state.grantPolicyOf(), policy);
    assert.equal(state.status().grant_required, true);
    throwsCoded(() => state.signFile(file(dir, 'a')), 'sign_grant_required');
    await rejectsCoded(state.signDigestAsync(Buffer.alloc(32)), 'sign_grant_required');

    const req = state.grantRequest({ allowedOps: 2, justification: 'release 1.0' });
    assert.deepEqual([req.id, req.status, req.requester, req.signer, req.allowed_ops, req.grant], [1, 'open', 'alice', 'alice', 2, null]);
    throwsCoded(() => state.grantApprove(1), 'grant_own_request');
    throwsCoded(() => as('mallory').grantApprove(1), 'grant_not_eligible');
    const approved = as('carol').grantApprove(1);
    assert.equal(approved.status, 'approved');
    assert.deepEqual([approved.grant.id, approved.grant.status, approved.grant.remaining], [1, 'active', 2]);

    assert.equal(state.signFile(file(dir, 'b')).grant, 1);
    assert.equal((await state.signFileAsync(file(dir, 'c'), { grant: 1 })).grant, 1);
    throwsCoded(() => state.signFile(file(dir, 'd')), 'sign_grant_exhausted');
    const shown = state.grantShow(1).grant;
    assert.deepEqual([shown.used, shown.remaining, shown.status], [2, 0, 'used_up']);
    assert.equal(state.status().budget.used, 2);
    throwsCoded(() => state.signFile(file(dir, 'e'), { grant: 9 }), 'grant_not_found');

    // Someone else asks for access to alice's signer, is refused, asks again, and signs.
    const bob = as('bob');
    assert.equal(bob.grantRequest({ allowedOps: 1 }).id, 2);
    assert.equal(as('dave').grantReject(2, { comment: 'not today' }).rejection.comment, 'not today');
    throwsCoded(() => bob.signFile(file(dir, 'f')), 'sign_grant_required');
    assert.equal(bob.grantRequest({ allowedOps: 1 }).id, 3);
    throwsCoded(() => as('carol').grantCancel(3), 'grant_not_requester');
    assert.equal(bob.grantCancel(3).status, 'cancelled');
    assert.equal(bob.grantRequest({ allowedOps: 1, validUntil: new Date(Date.now() + 600_000) }).id, 4);
    as('dave').grantApprove(4);
    assert.equal(bob.signFile(file(dir, 'g')).grant, 4);
    assert.deepEqual(state.grantList().map((r) => [r.id, r.status]), [[1, 'approved'], [2, 'rejected'], [3, 'cancelled'], [4, 'approved']]);
    throwsCoded(() => state.grantShow(99), 'grant_unknown_request');
    throwsCoded(() => state.grantRequest({ allowedOps: 6 }), 'grant_operations_above_ceiling');
  });
});
