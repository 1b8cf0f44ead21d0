// Typed usage of the package: checked with `tsc --noEmit --strict` (never run).
// Each @ts-expect-error must be a type error, or tsc fails on the unused directive.
import {
  Budget, Grant, InvalidRequestError, SignError, SignetError, SignerPolicy, SigningRequest, State, UsageError,
  CLASS_BY_DOMAIN, checkCertificate, checkCsr, checkPublicKey, codeInfo, codes, initState, openOrCreateState, openState,
  validateOrder, verifyFile,
} from 'signet';
import type {
  Approval, BudgetReport, CodeInfo, Domain, Finding, GrantReport, PolicyRecord, Report, RequestReport, SignedBatch,
  SignedDigest, SignedFile, Status, Verified,
} from 'signet';

const report: Report = validateOrder({ certificate: {} }, { product: 'code_signing_ev', at: new Date() });
const first: Finding | undefined = report.findings[0];
const sev: 'error' | 'warning' | undefined = first?.severity;
const ok: boolean = report.valid && checkCsr('pem', { device: 'hsm', at: '2026-01-01' }).valid;
checkCsr(Buffer.from(''), { provisioningMethod: 'email' });
checkCertificate(new Uint8Array(0), { at: '2026-01-01' });
checkPublicKey('pem');
// @ts-expect-error an unknown product is a type error
validateOrder('{}', { product: 'ev' });

// The state.
const state: State = initState('/tmp/state', { user: 'alice', keyType: 'ecc-p384', budget: 150, days: 30, now: new Date() });
const reopened: State = openState(undefined, { user: 'bob', now: '2026-03-01T00:00:00Z' });
const created: boolean = openOrCreateState('/tmp/state', { now: 1_780_000_000 }).created;
// @ts-expect-error openOrCreateState cannot replace a signer
openOrCreateState('/tmp/state', { force: true });
// @ts-expect-error not a key type
initState('/tmp/state', { keyType: 'ed25519' });
const onToken: State = initState('/tmp/hsm', { token: 'pkcs11:token=t;object=k;type=private', generate: true });
const withPin: State = openState('/tmp/hsm', { pin: '1234' });
// @ts-expect-error the PIN opens a state; openOrCreateState makes a software key
openOrCreateState('/tmp/state', { pin: '1234' });
const status: Status = state.status();
const used: number = status.budget.used;
const fp: string = state.fingerprint;
const der: Buffer = state.certificateDer;
const signed: SignedFile = state.signFile('app.bin', { output: 'app.sig', grant: 1 });
const batch: Promise<SignedBatch> = state.signFilesAsync(['a', 'b'], { outputDir: 'sigs' });
const digest: SignedDigest = state.signDigest(Buffer.alloc(32));
const sig: Buffer = digest.signature;
const verified: Promise<Verified> = state.verifyFileAsync('app.bin', { anySigner: true });
const check: 'state_certificate' | 'certificate' | 'trust_anchor' | 'any_signer' = verifyFile('app.bin', { cert: der }).signer_check;
const budget: BudgetReport = state.budgetBuy({ signatures: 1000, role: 'manager', fingerprint: fp });
state.budgetUse({ count: 2 });
state.budgetAssign({ signer: 'bob', role: 'manager', keylockerLead: true });
state.budgetInit(der, { signer: 'carol', notAfter: new Date(), allotment: 10 });
// @ts-expect-error signatures are a number
state.budgetBuy({ signatures: '1000' });
// @ts-expect-error not a role
state.budgetBuy({ signatures: 1, role: 'boss' });
const policy: PolicyRecord = state.grantPolicy({ ttlSecs: 3600, maxSignings: 5, steps: [{ approvers: ['carol'], threshold: 1 }] });
const request: RequestReport = state.grantRequest({ allowedOps: 2, validUntil: 1_800_000_000 });
const grant: GrantReport | null = state.grantApprove(request.id).grant;
const grants: RequestReport[] = state.grantList();
state.grantReject(1, { comment: 'no' });
// @ts-expect-error a grant id is a number
state.grantShow('1');
reopened.close();

// In-memory objects.
const b = new Budget({ fingerprint: 'ab'.repeat(32), notBefore: new Date(), notAfter: 1_800_000_000, signer: 'alice' });
const total: number = b.buy({ by: { id: 'm', role: 'manager' }, fingerprint: b.fingerprint, count: 1000 });
const until: Date = b.notAfter;
const signerPolicy = new SignerPolicy({ signer: 'alice', maxSignings: 5, maxRequestTtlSecs: 3600, steps: [{ approvers: ['carol'] }] });
const signingRequest = SigningRequest.open({ id: 1, requester: 'bob', policy: signerPolicy });
const approval: Approval = signingRequest.approve('carol');
let memGrant: Grant | undefined;
if (approval.outcome === 'granted') memGrant = approval.grant;
const left: number | null | undefined = memGrant?.allowedOps;

// Errors and the table of codes.
const rows: CodeInfo[] = codes();
const domain: Domain | undefined = codeInfo('sign_revoked')?.domain;
const signClass: typeof SignetError = CLASS_BY_DOMAIN.sign;
// @ts-expect-error not a domain
CLASS_BY_DOMAIN.nothing;
state.signFileAsync('x').catch((e: unknown) => {
  if (e instanceof SignError) {
    const code: string = e.code;
    const isBase: SignetError = e;
    const isError: Error = e;
    const hint: string | undefined = e.hint;
    return [code, isBase, isError, hint, e.domain];
  }
  if (e instanceof InvalidRequestError || e instanceof UsageError) return e.code;
  return null;
});

export const used_values = [
  report, sev, ok, created, used, signed, batch, sig, verified, check, budget, policy, grant, grants, total, until,
  left, rows, domain, signClass,
];
