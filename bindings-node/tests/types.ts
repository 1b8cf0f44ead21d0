// Typed usage of the package: checked with `tsc --noEmit --strict` (never run).
import {
  Budget, CounterStore, Grant, InvalidRequestError, SignError, SignetError, Signer, SignerPolicy,
  SigningRequest, SoftwareToken, checkCertificate, checkCsr, checkSpki, validateOrder,
} from 'signet';
import type { Approval, Finding, Report, Signed, Usage, UseReport } from 'signet';

const report: Report = validateOrder({ certificate: {} }, { product: 'code_signing_ev', at: new Date() });
const first: Finding | undefined = report.findings[0];
const sev: 'error' | 'warning' | undefined = first?.severity;
const ok: boolean = report.valid && checkCsr('pem', { device: 'hsm', at: '2026-01-01' }).valid;
checkCsr(Buffer.from(''), { provisioningMethod: 'email' });
checkCertificate(new Uint8Array(0), { at: '2026-01-01' });
checkSpki('pem');
// @ts-expect-error an unknown product is a type error
validateOrder('{}', { product: 'ev' });

const store: CounterStore = CounterStore.file('/tmp/ledger', { block: 1, waitForLock: false });
const usage: Usage = CounterStore.memory().usage();
const lost: number | undefined = store.recovery?.lost;
const budget = new Budget({ fingerprint: 'ab'.repeat(32), notBefore: new Date(), notAfter: 1_800_000_000, signer: 'alice' });
const total: number = budget.buy({ by: { id: 'm', role: 'manager' }, fingerprint: budget.fingerprint, count: 1000 });
const used: UseReport = budget.use(store, { signer: 'alice', fingerprint: budget.fingerprint });
const level: 'normal' | 'warn80' | 'warn90' | 'exhausted' = used.level;
const until: Date = budget.notAfter;

const policy = new SignerPolicy({ signer: 'alice', maxSignings: 5, maxRequestTtlSecs: 3600, steps: [{ approvers: ['carol'] }] });
const request = SigningRequest.open({ id: 1, requester: 'bob', policy });
const approval: Approval = request.approve('carol');
let grant: Grant | undefined;
if (approval.outcome === 'granted') grant = approval.grant;
const left: number | null | undefined = grant?.allowedOps;

const token = new SoftwareToken();
const key: number = token.generate({ algorithm: 'ecdsa-sha256', curve: 'P-256' });
const spki: Buffer = token.publicKey(key);
const exportable: false = token.keyInfo(key).exportable;
const signer = new Signer({ certificate: '-----BEGIN CERTIFICATE-----', token, key, budget, store, requireGrant: false });
const signed: Signed = signer.signSync('data', { user: 'alice', algorithm: 'ecdsa-sha256', grant });
const pending: Promise<Signed> = signer.signAsync(Buffer.from('data'), { user: 'alice', algorithm: 'rsa-pss-sha384', now: new Date() });
pending.then((s) => s.receipt.counterIndex + s.signature.length).catch((e: unknown) => {
  if (e instanceof SignError) {
    const code: string = e.code;
    const isBase: SignetError = e;
    const isError: Error = e;
    return [code, isBase, isError];
  }
  if (e instanceof InvalidRequestError) return e.code;
  return null;
});
// @ts-expect-error private keys cannot be exported
token.exportPkcs8(key);

export const used_values = [report, sev, ok, usage, lost, total, level, until, left, spki, exportable, signed];
