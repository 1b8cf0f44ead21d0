// Compiled with `tsc --strict --noEmit` by types.test.js against the generated pkg/signet_wasm.d.ts.
// Each @ts-expect-error must be a type error: if the declarations were `any`, tsc would flag the
// directive as unused and the test fails.
import init, {
  validateOrder,
  checkCsr,
  checkCertificate,
  checkPublicKey,
  checkSpki,
  type DeviceProfile,
  SignetError,
  InvalidRequestError,
  SignError,
  CLASS_BY_DOMAIN,
  type Domain,
  type Report,
  type Finding,
  type ValidateOrderOptions,
} from "../../pkg/signet_wasm.js";

await init();

const report: Report = validateOrder("{}", { product: "code_signing_ev", at: "2025-06-01" });
const fromBytes: Report = validateOrder(new Uint8Array([123, 125]));
const valid: boolean = report.valid && fromBytes.valid;
const first: Finding | undefined = report.findings[0];
if (first !== undefined) {
  const severity: "error" | "warning" = first.severity;
  const where: string = first.path;
  const code: string = first.code;
  console.log(valid, severity, where, code, first.message);
}
const options: ValidateOrderOptions = {};
validateOrder("{}", options);
// The same option shapes as the Node package (js/shared.d.ts): an object body, a Date for `at`.
validateOrder({ certificate: {} }, { at: new Date() });
checkPublicKey("x", { at: new Date(), device: "hsm" });
// The deprecated earlier name still type-checks.
checkSpki("x", { device: "hsm" });

try {
  validateOrder("{}", { at: "nope" });
} catch (e) {
  if (e instanceof InvalidRequestError) {
    const base: SignetError = e;
    const asError: Error = base;
    const code: string = e.code;
    console.log(asError.message, code);
  }
}

// @ts-expect-error the report is typed: `valid` is a boolean
const notAString: string = report.valid;
// @ts-expect-error severity is "error" | "warning"
const notASeverity: "fatal" = report.findings[0]!.severity;
// @ts-expect-error findings are typed objects
const noSuchField: number = report.findings[0]!.line;
// @ts-expect-error unknown product
validateOrder("{}", { product: "code_signing_ov" });
// @ts-expect-error unknown option
validateOrder("{}", { prodcut: "code_signing" });
// @ts-expect-error input is a string or a Uint8Array
validateOrder(42);
// @ts-expect-error `code` is read-only
new SignetError("a", "b").code = "c";
console.log(notAString, notASeverity, noSuchField);

const csrReport: Report = checkCsr("-----BEGIN CERTIFICATE REQUEST-----", { device: "hsm", at: "2025-06-01" });
checkCsr(new Uint8Array([48]), { provisioningMethod: "email" });
const certReport: Report = checkCertificate(new Uint8Array([48]), { at: "2025-06-01" });
const spkiReport: Report = checkPublicKey("-----BEGIN PUBLIC KEY-----", { device: "keylocker" });
const device: DeviceProfile = "etoken-5110-fips";
// @ts-expect-error unknown device profile
checkCsr("x", { device: "yubikey" });
// @ts-expect-error certificates take no device
checkCertificate("x", { device: "hsm" });
console.log(csrReport, certReport, spkiReport, device);

// Error classes by domain, the same as the Node package's.
const signClass: typeof SignetError = CLASS_BY_DOMAIN.sign;
const domain: Domain | undefined = new SignError("sign_revoked", "m").domain;
// @ts-expect-error not a domain
CLASS_BY_DOMAIN.nothing;
console.log(signClass, domain);
