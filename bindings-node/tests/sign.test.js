'use strict';
// Signing through a state (signet-host's enforced path): CMS signatures checked
// by the OpenSSL CLI, digest signatures by node:crypto (independent verifiers),
// batches, status after signing, and concurrent asynchronous signing that never
// over-spends a budget.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const signet = require('..');
const { newState, file, scratch, throwsCoded, rejectsCoded } = require('./helpers.js');

/** The state's certificate as a PEM file in `dir`. */
function certPem(state, dir) {
  const path = join(dir, 'signer.pem');
  writeFileSync(path, new crypto.X509Certificate(state.certificateDer).toString());
  return path;
}

/** `openssl cms -verify` of a detached DER signature; throws when it does not verify. */
function opensslVerify(content, p7s, caFile) {
  const trust = caFile ? ['-CAfile', caFile, '-purpose', 'any'] : ['-noverify'];
  execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', p7s, '-content', content,
    ...trust, '-out', '/dev/null'], { stdio: 'pipe' });
}

describe('signFile: detached CMS that OpenSSL verifies', () => {
  for (const keyType of ['ecc-p256', 'ecc-p384', 'rsa-3072']) {
    it(keyType, (t) => {
      const { dir, state } = newState(t, { keyType, budget: 10 });
      const artifact = file(dir, 'app.bin', `artifact signed with ${keyType}`);
      const { audit, ...r } = state.signFile(artifact);
      // The receipt: the signature's record in the audit log (record 1 is the state's creation).
      assert.equal(audit.seq, 2);
      assert.match(audit.hash, /^[0-9a-f]{64}$/);
      assert.deepEqual(r, { file: artifact, signature: `${artifact}.p7s`, counter_index: 0, grant: null, remaining: 9, level: 'normal', timestamp: null });
      opensslVerify(artifact, r.signature);
      // The signer is the state's certificate: it verifies as its own trust anchor.
      opensslVerify(artifact, r.signature, certPem(state, dir));
      // And OpenSSL is a real check: other content does not verify.
      const other = file(dir, 'other.bin', 'not what was signed');
      assert.throws(() => opensslVerify(other, r.signature), /Verification failure|verify/i);
      assert.equal(state.verifyFile(artifact).signer_check, 'state_certificate');
    });
  }

  it('signFileAsync, to a chosen output', async (t) => {
    const { dir, state } = newState(t);
    const artifact = file(dir, 'lib.so');
    const out = join(dir, 'lib.sig');
    const r = await state.signFileAsync(artifact, { output: out });
    assert.equal(r.signature, out);
    opensslVerify(artifact, out, certPem(state, dir));
    assert.equal((await state.verifyFileAsync(artifact, { signature: out })).file, artifact);
  });

  it('signFiles: a batch into an output directory, each verified', async (t) => {
    const { dir, state } = newState(t, { budget: 5 });
    const files = ['a.bin', 'b.bin', 'c.bin'].map((n) => file(dir, n));
    const outDir = join(dir, 'sigs');
    mkdirSync(outDir);
    const batch = state.signFiles(files, { outputDir: outDir });
    assert.deepEqual(batch.signed.map((s) => [s.file, s.signature, s.counter_index]),
      files.map((f, i) => [f, join(outDir, `${['a', 'b', 'c'][i]}.bin.p7s`), i]));
    assert.equal(batch.remaining, 2);
    assert.deepEqual(batch.crossed, [], '3 of 5 used crosses no level');
    for (const s of batch.signed) opensslVerify(s.file, s.signature, certPem(state, dir));
    // A batch larger than what is left signs nothing.
    const more = ['d', 'e', 'f'].map((n) => file(dir, `${n}.bin`));
    const e = await rejectsCoded(state.signFilesAsync(more), 'sign_budget_exhausted');
    assert.match(e.message, /3 signatures needed, 2 remaining/);
    assert.ok(more.every((f) => !existsSync(`${f}.p7s`)));
    assert.equal(state.status().budget.used, 3);
  });

  it('status after N signatures', async (t) => {
    const { dir, state } = newState(t, { budget: 10 });
    state.signFile(file(dir, '1'));
    await state.signFileAsync(file(dir, '2'));
    state.signFiles([file(dir, '3'), file(dir, '4')]);
    state.signDigest(crypto.createHash('sha256').update('5').digest());
    const s = state.status();
    assert.equal(s.signer, 'alice');
    assert.equal(s.development, true);
    assert.equal(s.certificate.fingerprint, state.fingerprint);
    assert.equal(s.certificate.fingerprint, crypto.createHash('sha256').update(state.certificateDer).digest('hex'));
    assert.deepEqual([s.budget.used, s.budget.committed, s.budget.remaining, s.budget.total, s.budget.level], [5, 5, 5, 10, 'normal']);
    state.signFiles([file(dir, '6'), file(dir, '7'), file(dir, '8')]);
    const after = state.status().budget;
    assert.deepEqual([after.used, after.remaining, after.level], [8, 2, 'warn80']);
  });

  it('verifies who signed: another state\'s signature is verify_unexpected_signer', (t) => {
    const a = newState(t);
    const b = newState(t, { user: 'bob' });
    const artifact = file(a.dir, 'x.bin');
    b.state.signFile(artifact);
    throwsCoded(() => a.state.verifyFile(artifact), 'verify_unexpected_signer');
    assert.equal(a.state.verifyFile(artifact, { anySigner: true }).signer_check, 'any_signer');
    assert.equal(signet.verifyFile(artifact, { cert: b.state.certificateDer }).certificate_fingerprint, b.state.fingerprint);
    throwsCoded(() => signet.verifyFile(artifact, { cert: a.state.certificateDer }), 'verify_unexpected_signer');
    writeFileSync(artifact, 'changed after signing');
    throwsCoded(() => signet.verifyFile(artifact, { anySigner: true }), 'cms_content_digest_mismatch');
    throwsCoded(() => a.state.verifyFile(artifact, { cert: a.state.certificateDer, anySigner: true }), 'conflicting_options');
  });
});

describe('signDigest: signatures node:crypto verifies', () => {
  for (const [keyType, hash] of [['ecc-p256', 'sha256'], ['ecc-p384', 'sha384'], ['rsa-3072', 'sha256']]) {
    it(`${keyType} (sync and async)`, async (t) => {
      const { state } = newState(t, { keyType });
      const pub = new crypto.X509Certificate(state.certificateDer).publicKey;
      const data = Buffer.from(`digest signed with ${keyType} ${crypto.randomUUID()}`);
      const digest = crypto.createHash(hash).update(data).digest();
      const sync = state.signDigest(digest);
      const later = await state.signDigestAsync(new Uint8Array(digest));
      for (const [i, r] of [sync, later].entries()) {
        assert.ok(Buffer.isBuffer(r.signature));
        assert.equal(r.algorithm, state.algorithm);
        assert.equal(r.counter_index, i);
        assert.ok(crypto.verify(hash, data, pub, r.signature), 'node:crypto verifies');
        assert.equal(crypto.verify(hash, Buffer.concat([data, Buffer.from('!')]), pub, r.signature), false);
      }
    });
  }

  it('a digest of the wrong length is refused and not counted', (t) => {
    const { state } = newState(t);
    const e = throwsCoded(() => state.signDigest(Buffer.alloc(31)), 'sign_token');
    assert.match(e.message, /digest/i);
    assert.equal(state.status().budget.used, 0);
  });
});

describe('asynchronous signing', () => {
  it('200 concurrent signFileAsync/signDigestAsync against a budget of 150: exactly 150 succeed', async (t) => {
    const { dir, state } = newState(t, { budget: 150 });
    const pub = new crypto.X509Certificate(state.certificateDer).publicKey;
    const calls = Array.from({ length: 200 }, (_, i) => {
      if (i % 2 === 0) return state.signFileAsync(file(dir, `f${i}.bin`, `artifact ${i}`));
      return state.signDigestAsync(crypto.createHash('sha256').update(`digest ${i}`).digest());
    });
    const results = await Promise.allSettled(calls);
    const ok = results.map((r, i) => ({ r, i })).filter(({ r }) => r.status === 'fulfilled');
    const failed = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
    assert.equal(ok.length, 150);
    assert.equal(failed.length, 50);
    for (const e of failed) assert.ok(e instanceof signet.SignError && e.code === 'sign_budget_exhausted', `${e.code}: ${e.message}`);
    const indices = ok.map(({ r }) => r.value.counter_index).sort((a, b) => a - b);
    assert.deepEqual(indices, Array.from({ length: 150 }, (_, i) => i), 'each serial exactly once');
    for (const { r, i } of ok) {
      if (i % 2 === 0) opensslVerify(join(dir, `f${i}.bin`), r.value.signature);
      else assert.ok(crypto.verify('sha256', Buffer.from(`digest ${i}`), pub, r.value.signature));
    }
    for (const [i, r] of results.entries()) {
      if (i % 2 === 0 && r.status === 'rejected') assert.equal(existsSync(join(dir, `f${i}.bin.p7s`)), false);
    }
    const b = state.status().budget;
    assert.deepEqual([b.used, b.committed, b.remaining, b.level], [150, 150, 0, 'exhausted']);
  });

  it('runs off the main thread: the event loop keeps turning while RSA signs', async (t) => {
    const { dir, state } = newState(t, { keyType: 'rsa-4096' });
    const files = Array.from({ length: 6 }, (_, i) => file(dir, `r${i}`));
    let ticks = 0;
    let running = true;
    const spin = () => { if (running) { ticks += 1; setImmediate(spin); } };
    setImmediate(spin);
    await Promise.all(files.map((f) => state.signFileAsync(f)));
    running = false;
    assert.ok(ticks > 6, `the event loop turned only ${ticks} times while 6 RSA signatures were made`);

    // The synchronous variant blocks the loop for its whole duration.
    let syncTicks = 0;
    let syncRunning = true;
    const spin2 = () => { if (syncRunning) { syncTicks += 1; setImmediate(spin2); } };
    setImmediate(spin2);
    for (const f of files) state.signFile(f);
    const during = syncTicks;
    syncRunning = false;
    assert.equal(during, 0, 'no turn of the event loop while signing synchronously');
  });

  it('argument errors of an async call are rejections, not throws', async (t) => {
    const { state } = newState(t);
    const p = state.signFileAsync(42);
    assert.ok(p instanceof Promise);
    await rejectsCoded(p, 'invalid_option_type');
    await rejectsCoded(state.signFileAsync(join(scratch(t), 'missing.bin')), 'input_unreadable');
  });
});
