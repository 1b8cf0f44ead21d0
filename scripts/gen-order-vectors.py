#!/usr/bin/env python3
"""Writes tests/vectors/orders/: order-request bodies and their expected findings.

The expectations below are written by hand from the rule table in
core/src/order/mod.rs; they are never computed by the validator. Re-run after
editing: python3 scripts/gen-order-vectors.py
"""
import copy
import json
import os
import shutil

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "vectors", "orders")
E, W = "error", "warning"
CS, EV = "code_signing", "code_signing_ev"
AT = "2025-06-01"

BASE = {
    "certificate": {"signature_hash": "sha256"},
    "order_validity": {"years": 1},
    "organization": {"id": 12345},
    "cs_provisioning_method": "keylocker",
}

NEW_ORG = {
    "name": "New Organization",
    "assumed_name": "New Organization",
    "country": "us",
    "address": "123 Example Street",
    "address2": "Floor 08",
    "city": "Lehi",
    "state": "Utah",
    "zip": "12345",
    "telephone": "123-456-789",
}

VERIFIED = {
    "contact_type": "verified_contact",
    "first_name": "John",
    "last_name": "Doe",
    "job_title": "Technician",
    "telephone": "1234567890",
    "email": "john.doe@example.com",
}
ORG_CONTACT = {
    "contact_type": "organization_contact",
    "first_name": "Jane",
    "last_name": "Doe",
    "job_title": "Supervisor",
    "telephone": "1234567890",
    "email": "jane.doe@example.com",
}

# A new organization needs an organization_contact and should have a verified_contact (seed 001, "Use a new
# organization"). NEW_ORG carries both, so that the vectors built on it (new_org_country_*, new_org_name_*,
# new_org_combined_*, new_org_field_limits, skip_duplicate_org_check_string) keep testing only the field they are
# about; before the contacts rule their bodies had no contacts. The rule itself has its own vectors below.
NEW_ORG = {**NEW_ORG, "contacts": [VERIFIED, ORG_CONTACT]}
NEW_ORG_NO_CONTACTS = {k: v for k, v in NEW_ORG.items() if k != "contacts"}

CARD = {
    "number": "4111111111111111",
    "expiration_month": 12,
    "expiration_year": 2027,
    "cvv": 123,
    "cardholder_name": "John Doe",
}
BILLING = {"address": "360 Taylor Street", "city": "Richmond", "state": "va", "zip": "69662", "country": "us"}
SHIP = {
    "name": "John Doe",
    "addr1": "360 Taylor Street",
    "addr2": "Floor 74",
    "city": "Richmond",
    "state": "va",
    "zip": "69662",
    "country": "us",
    "method": "EXPEDITED",
}

cases = []


KEYS = os.path.join(os.path.dirname(__file__), "..", "tests", "vectors", "keys")


def csr(name):
    """A CSR made by OpenSSL (tests/vectors/keys/regen.sh), as PEM text."""
    with open(os.path.join(KEYS, name + ".csr.pem"), encoding="ascii") as f:
        return f.read()


def case(name, description, body, findings=(), product=CS, at=AT):
    if isinstance(body, dict):
        raw = (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    elif isinstance(body, str):
        raw = body.encode("utf-8")
    else:
        raw = body
    assert name not in [c[0] for c in cases], name
    cases.append((name, description, raw, list(findings), product, at))


def base(**changes):
    """BASE with top-level changes; a value of None deletes the key."""
    b = copy.deepcopy(BASE)
    for k, v in changes.items():
        if v is None:
            b.pop(k, None)
        else:
            b[k] = v
    return b


def cert(**fields):
    c = {"signature_hash": "sha256"}
    for k, v in fields.items():
        if v is None:
            c.pop(k, None)
        else:
            c[k] = v
    return c


# ---- every example body from the pages, verbatim ----------------------------------------------
DOC_SHIP = """{
"certificate": {
"signature_hash": "sha256"
},
"order_validity": {
"years": 1
},
"organization": {
"id": 12345,
"contacts": [
{
"contact_type": "verified_contact",
"user_id": 12345
}
]
},
"skip_approval": true,
"cs_provisioning_method": "ship_token",
"ship_info": {
"name": "John Doe",
"addr1": "360 Taylor Street",
"addr2": "Floor 74",
"city": "Richmond",
"state": "va",
"zip": "69662",
"country": "us",
"method": "EXPEDITED"
}
}"""
DOC_CLIENT_APP = """{
"certificate": {
"signature_hash": "sha256",
"server_platform": {
"id": 23
}
},
"order_validity": {
"years": 1
},
"organization": {
"id": 12345,
"contacts": [
{
"contact_type": "verified_contact",
"user_id": 12345
}
]
},
"skip_approval": true,
"cs_provisioning_method": "client_app"
}"""
DOC_EMAIL = """{
"certificate": {
"signature_hash": "sha256",
"csr": "<csr>",
"server_platform": {
"id": -1
}
},
"order_validity": {
"years": 1
},
"organization": {
"id": 12345,
"contacts": [
{
"contact_type": "verified_contact",
"user_id": 12345
}
]
},
"skip_approval": true,
"cs_provisioning_method": "email"
}"""
DOC_KEYLOCKER = """{
"certificate": {
"signature_hash": "sha256"
},
"order_validity": {
"years": 1
},
"organization": {
"id": 12345,
"contacts": [
{
"contact_type": "verified_contact",
"user_id": 12345
}
]
},
"skip_approval": true,
"cs_provisioning_method": "keylocker"
}"""
DOC_003 = """{
  "certificate": {
    "server_platform": {
      "id": 52
    },
    "signature_hash": "sha256"
  },
  "cs_provisioning_method": "ship_token",
  "order_validity": {
    "years": 1 
  },
  "comments": "Message for the approver",
  "skip_approval": true,
  "organization": {
    "id": 123456
  },
  "ship_info": {
    "name": "Erin Guerra",
    "addr1": "360 Taylor Street",
    "addr2": "Floor 74",
    "city": "Richmond",
    "state": "va",
    "zip": "69662",
    "country": "us",
    "method": "EXPEDITED"
  },
  "auto_renew": 1,
  "custom_renewal_message": "Renew this please.",
  "custom_fields": [
    {
      "metadata_id": 12,
      "value": "123456"
    }
  ],
  "payment_method": "balance"
}"""
# The Python/Go/Node samples of page 003 add a container.
DOC_003_CONTAINER = json.loads(DOC_003)
DOC_003_CONTAINER = {
    **{k: v for k, v in DOC_003_CONTAINER.items() if k != "ship_info" and k != "auto_renew"
       and k != "custom_renewal_message" and k != "custom_fields" and k != "payment_method"},
    "container": {"id": 654321},
    "ship_info": DOC_003_CONTAINER["ship_info"],
    "auto_renew": 1,
    "custom_renewal_message": "Renew this please.",
    "custom_fields": [{"metadata_id": 12, "value": "123456"}],
    "payment_method": "balance",
}
converted_52 = (W, "certificate.server_platform.id", "server_platform_converted")

case("doc_ship_token", "page 001 curl example: ship_token", DOC_SHIP)
case("doc_client_app", "page 001 curl example: client_app with server_platform 23", DOC_CLIENT_APP)
case("doc_email", "page 001 curl example: email (HSM) with the page's literal \"<csr>\" placeholder, which is not a CSR",
     DOC_EMAIL, [(E, "certificate.csr", "not_a_csr")])
case("doc_email_real_csr", "page 001 email example with a real RSA-3072 CSR made by OpenSSL",
     DOC_EMAIL.replace('"<csr>"', json.dumps(csr("rsa3072"))))
case("doc_keylocker", "page 001 curl example: keylocker", DOC_KEYLOCKER)
case("doc_keylocker_ev", "page 001 keylocker example ordered as EV", DOC_KEYLOCKER, product=EV)
case("doc_003_ship_token", "page 003 curl example: server_platform 52, comments, custom_renewal_message, custom_fields",
     DOC_003, [converted_52, (W, "comments", "unknown_field"), (W, "custom_renewal_message", "unknown_field")])
case("doc_003_with_container", "page 003 Python/Go/Node example (adds container.id)", DOC_003_CONTAINER,
     [converted_52, (W, "comments", "unknown_field"), (W, "custom_renewal_message", "unknown_field")])

ORG_EXISTING_CONTACTS = {
    "id": 12345,
    "contacts": [
        {"contact_type": "verified_contact", "user_id": 12345},
        {"contact_type": "organization_contact", "user_id": 56789},
        {"contact_type": "technical_contact", "first_name": "Jane", "last_name": "Doe", "job_title": "Technician",
         "telephone": "1234567890", "email": "jane.doe@example.com"},
    ],
}
case("doc_org_existing_validated", "organization example 1 (existing, validated) completed into a full body",
     base(organization={"id": 12345}))
case("doc_org_existing_contacts", "organization example 2 (existing, new contacts) completed",
     base(organization=ORG_EXISTING_CONTACTS))
case("doc_org_existing_not_validated", "organization example 3 (existing, not validated) completed",
     base(organization={"id": 12345, "contacts": [{"contact_type": "verified_contact", "user_id": 12345}]}))
NEW_ORG_DOC = {**NEW_ORG, "contacts": [
    VERIFIED,
    {"contact_type": "organization_contact", "first_name": "Jane", "last_name": "Doe", "job_title": "Supervisor",
     "telephone": "1234567890", "email": "jane.doe@example.com"},
    {"contact_type": "technical_contact", "first_name": "Alex", "last_name": "Doe", "job_title": "Technician",
     "telephone": "1234567890", "email": "alex.doe@example.com"},
]}
case("doc_org_new", "organization example 4 (new organization with three contacts) completed",
     base(organization=NEW_ORG_DOC))
case("doc_org_new_ev", "new organization example ordered as EV", base(organization=NEW_ORG_DOC), product=EV)

# ---- malformed bodies ---------------------------------------------------------------------------
case("json_trailing_comma", "trailing comma", b'{"certificate": {"signature_hash": "sha256"},}',
     [(E, "", "json_syntax")])
case("json_empty_body", "empty body", b"", [(E, "", "json_syntax")])
case("json_truncated", "body cut off", DOC_KEYLOCKER[:60], [(E, "", "json_syntax")])
case("json_duplicate_root_key", "certificate given twice",
     b'{"certificate": {"signature_hash": "sha256"}, "certificate": {"signature_hash": "sha512"}}',
     [(E, "certificate", "json_duplicate_key")])
case("json_duplicate_nested_key", "organization.id given twice: which organization?",
     b'{"organization": {"id": 1, "contacts": [], "id": 2}}', [(E, "organization.id", "json_duplicate_key")])
case("json_duplicate_in_array", "duplicate key inside contacts[1]",
     b'{"organization": {"id": 1, "contacts": [{"user_id": 1}, {"contact_type": "a", "contact_type": "b"}]}}',
     [(E, "organization.contacts[1].contact_type", "json_duplicate_key")])
case("json_too_deep", "100 nested arrays inside a field",
     b'{"certificate": ' + b"[" * 100 + b"]" * 100 + b"}", [(E, "", "json_too_deep")])
case("json_invalid_utf8", "a Latin-1 byte in a string",
     b'{"organization": {"name": "Caf\xe9"}}', [(E, "", "json_invalid_utf8")])
case("json_bom", "UTF-8 byte order mark before the body", b"\xef\xbb\xbf" + DOC_KEYLOCKER.encode(),
     [(E, "", "json_bom")])
case("json_lone_surrogate", "\\ud800 without its low half",
     b'{"organization": {"name": "x\\ud800y"}}', [(E, "", "json_lone_surrogate")])
case("json_top_level_array", "body is an array", b"[" + DOC_KEYLOCKER.encode() + b"]",
     [(E, "", "json_not_object")])
case("json_top_level_string", "body is a string", b'"order"', [(E, "", "json_not_object")])

# ---- certificate --------------------------------------------------------------------------------
case("certificate_missing", "no certificate object", base(certificate=None), [(E, "certificate", "required")])
case("certificate_not_object", "certificate is a string", base(certificate="sha256"),
     [(E, "certificate", "wrong_type")])
case("signature_hash_missing", "certificate without signature_hash", base(certificate={}),
     [(E, "certificate.signature_hash", "required")])
case("signature_hash_sha1", "sha1 is not allowed", base(certificate=cert(signature_hash="sha1")),
     [(E, "certificate.signature_hash", "invalid_value")])
case("signature_hash_sha512", "sha512 is allowed by the current pages", base(certificate=cert(signature_hash="sha512")))
case("signature_hash_sha384_ev", "sha384 for EV", base(certificate=cert(signature_hash="sha384")), product=EV)
case("email_without_csr", "email provisioning requires a csr", base(cs_provisioning_method="email"),
     [(E, "certificate.csr", "required")])
case("csr_with_ship_token", "code_signing rejects a csr unless the method is email",
     base(certificate=cert(csr=csr("p256")), cs_provisioning_method="ship_token"),
     [(E, "certificate.csr", "csr_not_allowed")])
case("csr_without_method", "code_signing csr with no method (account default) is rejected too",
     base(certificate=cert(csr=csr("p256")), cs_provisioning_method=None),
     [(W, "certificate.csr", "device_profile_unknown"), (E, "certificate.csr", "csr_not_allowed")])
case("csr_with_keylocker_ev", "the csr restriction is for code_signing only",
     base(certificate=cert(csr=csr("p256"))), product=EV)

# The code_signing CSR restriction has dates (seed 001, private key storage requirement): from 2023-05-16 the CA
# no longer accepts a CSR unless the method is email; before, any method could carry one. 2023-05-30 (the CA stops
# issuing such requests) is an issuance date: the request rule is the same on both sides of it.
# A P-256 CSR fits every device profile, so with a method the key policy adds nothing.
def p256_csr_with(method):
    return base(certificate=cert(csr=csr("p256")), cs_provisioning_method=method)


csr_refused = [(E, "certificate.csr", "csr_not_allowed")]
case("csr_ship_token_2023_05_15", "code_signing csr with ship_token the day before the key-storage rule: allowed",
     p256_csr_with("ship_token"), at="2023-05-15")
case("csr_ship_token_2023_05_16", "code_signing csr with ship_token on the first day of the key-storage rule",
     p256_csr_with("ship_token"), csr_refused, at="2023-05-16")
case("csr_ship_token_2023_05_29", "the day before the CA stops issuing non-compliant requests: still refused",
     p256_csr_with("ship_token"), csr_refused, at="2023-05-29")
case("csr_ship_token_2023_05_30", "2023-05-30 is an issuance date: the request is refused as from 2023-05-16",
     p256_csr_with("ship_token"), csr_refused, at="2023-05-30")
case("csr_keylocker_2023_05_15", "code_signing csr with keylocker before 2023-05-16: allowed",
     p256_csr_with("keylocker"), at="2023-05-15")
case("csr_keylocker_2023_05_16", "code_signing csr with keylocker from 2023-05-16: refused",
     p256_csr_with("keylocker"), csr_refused, at="2023-05-16")
case("csr_without_method_2023_05_15", "code_signing csr with no method before 2023-05-16: allowed",
     p256_csr_with(None), at="2023-05-15")
# Changed expectation: hardware key storage is required from 2023-05-16 (seed 001; it was 2023-06-01, the CSBR
# date), so a CSR with no method (no device profile) also draws device_profile_unknown from that day.
case("csr_without_method_2023_05_16", "code_signing csr with no method from 2023-05-16: refused, and no device "
     "profile now that hardware storage is required",
     p256_csr_with(None), [(W, "certificate.csr", "device_profile_unknown")] + csr_refused, at="2023-05-16")
case("csr_without_method_ev_2023_05_15", "EV csr with no method the day before hardware storage is required",
     p256_csr_with(None), [(W, "cs_provisioning_method", "provisioning_method_missing")], product=EV,
     at="2023-05-15")
case("csr_without_method_ev_2023_05_16", "EV csr with no method from 2023-05-16: no device profile, warning",
     p256_csr_with(None), [(W, "cs_provisioning_method", "provisioning_method_missing"),
                           (W, "certificate.csr", "device_profile_unknown")], product=EV, at="2023-05-16")
case("csr_email_2023_05_16", "code_signing csr with email on 2023-05-16: the HSM method is allowed",
     p256_csr_with("email"), at="2023-05-16")
case("csr_ship_token_ev_2023_05_15", "code_signing_ev csr with ship_token before 2023-05-16",
     p256_csr_with("ship_token"), product=EV, at="2023-05-15")
case("csr_ship_token_ev_2023_05_16", "code_signing_ev is not affected by the code_signing key-storage rule",
     p256_csr_with("ship_token"), product=EV, at="2023-05-16")
case("csr_truncated_pem", "a CSR whose PEM armour is cut short",
     base(certificate=cert(csr="-----BEGIN CERTIFICATE REQUEST-----"), cs_provisioning_method="email"),
     [(E, "certificate.csr", "pem_invalid")])

# ---- CSR content (key policy): email implies the HSM profile; ship_token the eToken 5110 models ----
def email_csr(name):
    return base(certificate=cert(csr=csr(name)), cs_provisioning_method="email")


CSR_PATH = "certificate.csr"
case("csr_email_rsa3072", "HSM with an RSA-3072 CSR", email_csr("rsa3072"))
case("csr_email_rsa4096_pss", "HSM with an RSA-4096 RSASSA-PSS (SHA-384) CSR", email_csr("rsa4096-pss-sha384"))
case("csr_email_p256_sha512", "HSM with a P-256 CSR signed with SHA-512", email_csr("p256-sha512"))
case("csr_email_p384", "HSM with a P-384 CSR (\"P-256 or larger\")", email_csr("p384"))
case("csr_email_rsa3072_e3", "exponent 3 is allowed but below 65537: warning (CSBR 6.1.6 SHOULD)",
     email_csr("rsa3072-e3"), [(W, CSR_PATH, "exponent_small")])
# The RSA-3072 minimum for orders starts on 2021-05-28 ("On May 28, 2021, DigiCert [...] Only issues RSA 3072-bit
# key or larger code signing certificates", seed 001). 2021-06-01 (seed 003) is the signing-time legacy date for
# certificates already issued, not an order date. Changed expectation: csr_email_rsa2048_before_2021_06_01 (dated
# 2021-05-31) used to expect only the device error, when the project took 2021-06-01 as the order date; 2021-05-31
# is after 2021-05-28, so the key is below the minimum too.
case("csr_email_rsa2048_before_2021_06_01", "RSA-2048 on 2021-05-31: after the CA's 2021-05-28 switch, so below "
     "the 3072 minimum (2021-06-01 is only the signing-time date)",
     email_csr("rsa2048"), [(E, CSR_PATH, "key_too_small"), (E, CSR_PATH, "key_size_not_supported_by_device")],
     at="2021-05-31")
case("csr_email_rsa2048_from_2021_06_01", "RSA-2048 on 2021-06-01: below the 3072-bit minimum too",
     email_csr("rsa2048"), [(E, CSR_PATH, "key_too_small"), (E, CSR_PATH, "key_size_not_supported_by_device")],
     at="2021-06-01")
case("csr_email_rsa2048_2021_05_27", "RSA-2048 the day before the 3072 minimum: only the HSM profile refuses it",
     email_csr("rsa2048"), [(E, CSR_PATH, "key_size_not_supported_by_device")], at="2021-05-27")
case("csr_email_rsa2048_2021_05_28", "RSA-2048 on 2021-05-28, the first day of the 3072 minimum",
     email_csr("rsa2048"), [(E, CSR_PATH, "key_too_small"), (E, CSR_PATH, "key_size_not_supported_by_device")],
     at="2021-05-28")
case("csr_email_rsa2048_ev_2021_05_27", "EV, RSA-2048 the day before the 3072 minimum: only the HSM profile refuses it",
     email_csr("rsa2048"), [(E, CSR_PATH, "key_size_not_supported_by_device")], product=EV, at="2021-05-27")
case("csr_email_rsa2048_ev_2021_05_28", "EV, RSA-2048 on 2021-05-28: below the 3072 minimum",
     email_csr("rsa2048"), [(E, CSR_PATH, "key_too_small"), (E, CSR_PATH, "key_size_not_supported_by_device")],
     product=EV, at="2021-05-28")
# Without a method there is no device profile, so only the date rule speaks (and before 2023-05-16 a code_signing
# CSR needs no email method, nor hardware storage).
rsa2048_no_method = base(certificate=cert(csr=csr("rsa2048")), cs_provisioning_method=None)
method_missing = (W, "cs_provisioning_method", "provisioning_method_missing")
case("csr_rsa2048_2021_05_27", "RSA-2048 CSR, no method, the day before the 3072 minimum: allowed",
     rsa2048_no_method, at="2021-05-27")
case("csr_rsa2048_2021_05_28", "RSA-2048 CSR, no method, on 2021-05-28: below the 3072 minimum",
     rsa2048_no_method, [(E, CSR_PATH, "key_too_small")], at="2021-05-28")
case("csr_rsa2048_ev_2021_05_27", "EV, RSA-2048 CSR, no method, the day before the 3072 minimum: allowed",
     rsa2048_no_method, [method_missing], product=EV, at="2021-05-27")
case("csr_rsa2048_ev_2021_05_28", "EV, RSA-2048 CSR, no method, on 2021-05-28: below the 3072 minimum",
     rsa2048_no_method, [method_missing, (E, CSR_PATH, "key_too_small")], product=EV, at="2021-05-28")
case("csr_email_sha1", "a SHA-1-signed CSR", email_csr("p256-sha1"), [(E, CSR_PATH, "csr_sha1")])
case("csr_email_tampered", "a CSR whose signed part was altered", email_csr("rsa3072-tampered"),
     [(E, CSR_PATH, "csr_signature_invalid")])
case("csr_email_trailing_data", "a CSR with bytes after the DER", email_csr("rsa3072-trailing"),
     [(E, CSR_PATH, "trailing_data")])
case("csr_email_p521", "P-521 is allowed by no profile, and its signature cannot be verified here",
     email_csr("p521"), [(E, CSR_PATH, "csr_signature_unverifiable"), (E, CSR_PATH, "curve_not_allowed")])
case("csr_email_ed25519", "Ed25519 is not a code-signing key type", email_csr("ed25519"),
     [(E, CSR_PATH, "csr_signature_unverifiable"), (E, CSR_PATH, "unsupported_key")])
case("csr_email_secp256k1", "secp256k1 is not a code-signing curve", email_csr("secp256k1"),
     [(E, CSR_PATH, "csr_signature_unverifiable"), (E, CSR_PATH, "unsupported_key")])
case("csr_ev_ship_token_rsa3072", "eToken 5110 CC holds RSA only at 4096 bits",
     base(certificate=cert(csr=csr("rsa3072")), cs_provisioning_method="ship_token"),
     [(E, CSR_PATH, "key_size_not_supported_by_device")], product=EV)
case("csr_ev_ship_token_rsa4096", "eToken 5110 CC with RSA-4096",
     base(certificate=cert(csr=csr("rsa4096")), cs_provisioning_method="ship_token"), product=EV)
case("csr_ev_ship_token_p384", "eToken 5110 FIPS with P-384",
     base(certificate=cert(csr=csr("p384")), cs_provisioning_method="ship_token"), product=EV)
case("csr_empty", "email method with an empty csr", base(certificate=cert(csr=""), cs_provisioning_method="email"),
     [(E, "certificate.csr", "empty_value")])
case("csr_wrong_type", "csr as a number", base(certificate=cert(csr=123), cs_provisioning_method="email"),
     [(E, "certificate.csr", "wrong_type")])
case("client_app_without_platform", "client_app needs server_platform", base(cs_provisioning_method="client_app"),
     [(E, "certificate.server_platform", "required")])
case("server_platform_without_id", "server_platform object without id",
     base(certificate=cert(server_platform={}), cs_provisioning_method="client_app"),
     [(E, "certificate.server_platform.id", "required")])
case("server_platform_id_string", "server_platform.id as a string",
     base(certificate=cert(server_platform={"id": "23"}), cs_provisioning_method="client_app"),
     [(E, "certificate.server_platform.id", "wrong_type")])
case("server_platform_51", "51 is converted to -1: warning",
     base(certificate=cert(server_platform={"id": 51}), cs_provisioning_method="client_app"),
     [(W, "certificate.server_platform.id", "server_platform_converted")])
case("server_platform_57_ev", "57 is converted to -1: warning (EV)",
     base(certificate=cert(server_platform={"id": 57}), cs_provisioning_method="client_app"),
     [(W, "certificate.server_platform.id", "server_platform_converted")], product=EV)
case("server_platform_58", "58 is outside the converted range",
     base(certificate=cert(server_platform={"id": 58}), cs_provisioning_method="client_app"))
case("ca_cert_id_number", "ca_cert_id must be a string", base(certificate=cert(ca_cert_id=5)),
     [(E, "certificate.ca_cert_id", "wrong_type")])
case("organization_units", "organization_units array with a non-string",
     base(certificate=cert(organization_units=["Engineering", 7])),
     [(E, "certificate.organization_units[1]", "wrong_type")])
case("certificate_unknown_field", "common_name is not a code-signing order field",
     base(certificate=cert(common_name="example.com")), [(W, "certificate.common_name", "unknown_field")])

# ---- provisioning / ship_info ---------------------------------------------------------------------
case("method_invalid", "unknown provisioning method", base(cs_provisioning_method="usb_stick"),
     [(E, "cs_provisioning_method", "invalid_value")])
case("method_missing_ev", "EV without a method: account default applies, warning",
     base(cs_provisioning_method=None), [(W, "cs_provisioning_method", "provisioning_method_missing")], product=EV)
case("method_missing_cs", "code_signing without a method is fine", base(cs_provisioning_method=None))
case("ship_info_incomplete", "ship_info missing required fields and a bad method",
     base(cs_provisioning_method="ship_token", ship_info={"name": "John Doe", "method": "FAST"}),
     [(E, "ship_info.addr1", "required"), (E, "ship_info.city", "required"), (E, "ship_info.state", "required"),
      (E, "ship_info.zip", "required"), (E, "ship_info.country", "required"),
      (E, "ship_info.method", "invalid_value")])
case("ship_info_method_lowercase", "shipping method values are upper case",
     base(cs_provisioning_method="ship_token", ship_info={**SHIP, "method": "expedited"}),
     [(E, "ship_info.method", "invalid_value")])
case("ship_info_with_keylocker", "ship_info is ignored with another method (warning, not checked)",
     base(ship_info={"name": "John Doe"}), [(W, "ship_info", "field_ignored")])
case("ship_token_without_ship_info", "ship_info is optional (account default address)",
     base(cs_provisioning_method="ship_token"))

# ---- organization ---------------------------------------------------------------------------------
case("organization_missing", "no organization", base(organization=None), [(E, "organization", "required")])
case("organization_id_string", "organization.id as a string", base(organization={"id": "12345"}),
     [(E, "organization.id", "wrong_type")])
case("organization_id_huge", "organization.id beyond 64 bits",
     '{"certificate": {"signature_hash": "sha256"}, "order_validity": {"years": 1}, '
     '"organization": {"id": 99999999999999999999}, "cs_provisioning_method": "keylocker"}',
     [(E, "organization.id", "out_of_range")])
case("organization_id_with_details", "existing id plus new-organization details is ambiguous",
     base(organization={"id": 12345, "name": "Other Org"}), [(E, "organization.name", "conflicting_fields")])
# Changed expectation: a new organization with only a name now also lacks the contacts a new organization needs
# (organization_contact_missing, verified_contact_missing, at the organization like the other missing members).
no_org_contact = (E, "organization.contacts", "organization_contact_missing")
no_verified = (W, "organization.contacts", "verified_contact_missing")
case("new_org_incomplete", "new organization with only a name",
     base(organization={"name": "New Organization"}),
     [(E, "organization.country", "required"), (E, "organization.address", "required"),
      (E, "organization.city", "required"), (E, "organization.state", "required"),
      (E, "organization.zip", "required"), (E, "organization.telephone", "required"), no_org_contact, no_verified])
case("new_org_country_invalid", "UK is not an ISO 3166-1 code (GB is)",
     base(organization={**NEW_ORG, "country": "UK"}), [(E, "organization.country", "invalid_country")])
case("new_org_country_upper", "country code in upper case", base(organization={**NEW_ORG, "country": "DE"}))
case("new_org_name_64", "64-character name without assumed_name",
     base(organization={**{k: v for k, v in NEW_ORG.items() if k != "assumed_name"}, "name": "N" * 64}))
case("new_org_name_65", "65-character name",
     base(organization={**{k: v for k, v in NEW_ORG.items() if k != "assumed_name"}, "name": "N" * 65}),
     [(E, "organization.name", "too_long")])
case("new_org_name_unicode_64", "64 characters, 128 bytes: limits count characters",
     base(organization={**{k: v for k, v in NEW_ORG.items() if k != "assumed_name"}, "name": "é" * 64}))
case("new_org_combined_61", "name + assumed_name = 61 characters",
     base(organization={**NEW_ORG, "name": "N" * 40, "assumed_name": "A" * 21}))
case("new_org_combined_62", "name + assumed_name = 62 characters",
     base(organization={**NEW_ORG, "name": "N" * 40, "assumed_name": "A" * 22}),
     [(E, "organization.assumed_name", "too_long")])
case("new_org_field_limits", "address 65, zip 129, telephone 33 characters",
     base(organization={**NEW_ORG, "address": "a" * 65, "zip": "1" * 129, "telephone": "5" * 33}),
     [(E, "organization.address", "too_long"), (E, "organization.zip", "too_long"),
      (E, "organization.telephone", "too_long")])
case("skip_duplicate_org_check_string", "skip_duplicate_org_check must be a bool",
     base(organization={**NEW_ORG, "skip_duplicate_org_check": "yes"}),
     [(E, "organization.skip_duplicate_org_check", "wrong_type")])
case("new_org_no_contacts", "new organization without contacts: organization_contact required, verified_contact "
     "defaults to the API key's owner (warning)", base(organization=NEW_ORG_NO_CONTACTS), [no_org_contact, no_verified])
case("new_org_no_contacts_ev", "EV: new organization without contacts",
     base(organization=NEW_ORG_NO_CONTACTS), [no_org_contact, no_verified], product=EV)
case("new_org_contacts_empty", "new organization with an empty contacts array",
     base(organization={**NEW_ORG_NO_CONTACTS, "contacts": []}), [no_org_contact, no_verified])
case("new_org_only_verified_contact", "new organization with a verified_contact but no organization_contact",
     base(organization={**NEW_ORG_NO_CONTACTS, "contacts": [VERIFIED]}), [no_org_contact])
case("new_org_only_verified_contact_ev", "EV: new organization with a verified_contact but no organization_contact",
     base(organization={**NEW_ORG_NO_CONTACTS, "contacts": [VERIFIED]}), [no_org_contact], product=EV)
case("new_org_only_organization_contact", "new organization with an organization_contact only: valid, with a warning",
     base(organization={**NEW_ORG_NO_CONTACTS, "contacts": [ORG_CONTACT]}), [no_verified])
case("new_org_contacts_by_user_id", "new organization whose two contacts are existing users",
     base(organization={**NEW_ORG_NO_CONTACTS, "contacts": [
         {"contact_type": "organization_contact", "user_id": 56789},
         {"contact_type": "verified_contact", "user_id": 12345}]}))
case("new_org_ev_approver_is_verified", "legacy ev_approver counts as the verified contact",
     base(organization={**NEW_ORG_NO_CONTACTS, "contacts": [
         ORG_CONTACT, {"contact_type": "ev_approver", "user_id": 12345}]}),
     [(W, "organization.contacts[1].contact_type", "legacy_contact_type")])
case("new_org_contacts_not_array", "contacts that are not an array: one type error, no guess about the contacts",
     base(organization={**NEW_ORG_NO_CONTACTS, "contacts": ORG_CONTACT}),
     [(E, "organization.contacts", "wrong_type")])
case("new_org_contact_type_invalid", "a misspelled organization_contact does not count",
     base(organization={**NEW_ORG_NO_CONTACTS, "contacts": [{**ORG_CONTACT, "contact_type": "org_contact"},
                                                            VERIFIED]}),
     [no_org_contact, (E, "organization.contacts[0].contact_type", "invalid_value")])
case("new_org_root_organization_contact", "the order-level organization_contact does not replace the organization's",
     base(organization_contact={"first_name": "Jane", "last_name": "Doe", "email": "jane.doe@example.com"},
          organization={**NEW_ORG_NO_CONTACTS, "contacts": [VERIFIED]}),
     [no_org_contact])
case("existing_org_no_contacts_ev", "EV with an existing organization: no contacts needed",
     base(organization={"id": 12345}), product=EV)
case("contacts_not_array", "contacts as an object",
     base(organization={"id": 1, "contacts": {"contact_type": "verified_contact", "user_id": 1}}),
     [(E, "organization.contacts", "wrong_type")])
case("contact_type_invalid", "billing_contact is not a contact type",
     base(organization={"id": 1, "contacts": [{"contact_type": "billing_contact", "user_id": 1}]}),
     [(E, "organization.contacts[0].contact_type", "invalid_value")])
case("contact_type_missing", "contact without contact_type",
     base(organization={"id": 1, "contacts": [{"user_id": 1}]}),
     [(E, "organization.contacts[0].contact_type", "required")])
case("contact_ev_approver", "legacy ev_approver is accepted with a warning",
     base(organization={"id": 1, "contacts": [{"contact_type": "ev_approver", "user_id": 7}]}),
     [(W, "organization.contacts[0].contact_type", "legacy_contact_type")])
case("verified_contact_incomplete", "verified contact details need job_title and telephone",
     base(organization={"id": 1, "contacts": [{k: v for k, v in VERIFIED.items()
                                                if k not in ("job_title", "telephone")}]}),
     [(E, "organization.contacts[0].job_title", "required"), (E, "organization.contacts[0].telephone", "required")])
case("technical_contact_minimal", "technical contact needs only names and email",
     base(organization={"id": 1, "contacts": [{"contact_type": "technical_contact", "first_name": "A",
                                               "last_name": "B", "email": "a.b@example.com"}]}))
case("contact_no_user_no_email", "details contact without email",
     base(organization={"id": 1, "contacts": [{k: v for k, v in VERIFIED.items() if k != "email"}]}),
     [(E, "organization.contacts[0].email", "required")])
case("contact_email_invalid", "email without a dot in the domain",
     base(organization={"id": 1, "contacts": [{**VERIFIED, "email": "john@localhost"}]}),
     [(E, "organization.contacts[0].email", "invalid_email")])
case("contact_email_with_space", "email with a space",
     base(organization={"id": 1, "contacts": [{**VERIFIED, "email": "john doe@example.com"}]}),
     [(E, "organization.contacts[0].email", "invalid_email")])
case("contact_limits", "first_name 129, job_title 65, telephone_extension 17 characters",
     base(organization={"id": 1, "contacts": [{**VERIFIED, "first_name": "F" * 129, "job_title": "J" * 65,
                                               "telephone_extension": "9" * 17}]}),
     [(E, "organization.contacts[0].first_name", "too_long"), (E, "organization.contacts[0].job_title", "too_long"),
      (E, "organization.contacts[0].telephone_extension", "too_long")])
case("contact_user_id_zero", "user_id must be a positive id",
     base(organization={"id": 1, "contacts": [{"contact_type": "verified_contact", "user_id": 0}]}),
     [(E, "organization.contacts[0].user_id", "out_of_range")])
case("contact_not_object", "a contact that is a string",
     base(organization={"id": 1, "contacts": ["john.doe@example.com"]}),
     [(E, "organization.contacts[0]", "wrong_type")])
case("order_contacts_valid", "order-level organization_contact and technical_contact",
     base(organization_contact={"first_name": "Jane", "last_name": "Doe", "email": "jane.doe@example.com",
                                "job_title": "CFO", "telephone": "555 0100", "telephone_extension": "12"},
          technical_contact={"first_name": "Alex", "last_name": "Doe", "email": "alex@example.com"}))
case("order_contacts_invalid", "order-level contacts: missing last_name, bad email, contact_type not a field here",
     base(organization_contact={"first_name": "Jane", "email": "jane.doe@example", "contact_type": "x"},
          technical_contact={"first_name": "Alex", "last_name": "Doe", "email": "alex@example.com",
                             "telephone": "5" * 33}),
     [(E, "organization_contact.last_name", "required"), (E, "organization_contact.email", "invalid_email"),
      (W, "organization_contact.contact_type", "unknown_field"), (E, "technical_contact.telephone", "too_long")])

# ---- validity -------------------------------------------------------------------------------------
def ov(**v):
    return base(order_validity=v)


case("validity_missing", "no order_validity and no deprecated field", base(order_validity=None),
     [(E, "order_validity", "required")])
case("validity_empty", "order_validity without years, days or date", ov(),
     [(E, "order_validity.years", "required")])
case("validity_years_0", "years below 1", ov(years=0), [(E, "order_validity.years", "out_of_range")])
case("validity_years_4", "years above 3", ov(years=4), [(E, "order_validity.years", "out_of_range")])
case("validity_years_string", "years as a string", ov(years="1"), [(E, "order_validity.years", "wrong_type")])
case("validity_years_float", "1.0 is not an int", '{"certificate": {"signature_hash": "sha256"}, '
     '"order_validity": {"years": 1.0}, "organization": {"id": 12345}, "cs_provisioning_method": "keylocker"}',
     [(E, "order_validity.years", "wrong_type")])
case("validity_years_3_before_cap", "3 years before 2026-03-01", ov(years=3))
case("validity_years_2_day_before_cap", "2 years on 2026-02-28 (old rule)", ov(years=2), at="2026-02-28")
case("validity_years_2_on_cap_date", "2 years on 2026-03-01: 730 days > 459", ov(years=2),
     [(E, "order_validity.years", "validity_too_long")], at="2026-03-01")
case("validity_years_1_after_cap", "1 year (365 days) after the cap date", ov(years=1), at="2026-09-15")
case("validity_days_0", "days must be positive", ov(days=0), [(E, "order_validity.days", "out_of_range")])
case("validity_days_459_on_cap_date", "459 days on 2026-03-01: the CA's limit", ov(days=459), at="2026-03-01")
case("validity_days_460_on_cap_date", "460 days on 2026-03-01: over the CA's limit", ov(days=460),
     [(E, "order_validity.days", "validity_too_long")], at="2026-03-01")
case("validity_days_460_day_before_cap", "460 days on 2026-02-28: old 3-year rule", ov(days=460), at="2026-02-28")
case("validity_days_1096_day_before_cap", "2026-02-28 + 3 years = 1096 days (2028 is leap)", ov(days=1096),
     at="2026-02-28")
case("validity_days_1097_day_before_cap", "one day over 3 years", ov(days=1097),
     [(E, "order_validity.days", "validity_too_long")], at="2026-02-28")
case("validity_days_override_years", "days overrides years: warning on years", ov(years=1, days=200),
     [(W, "order_validity.years", "validity_overridden")])
case("validity_date_overrides_days", "custom date overrides an over-long days value (only the effective one counts)",
     ov(days=900, custom_expiration_date="01 JAN 2027"), [(W, "order_validity.days", "validity_overridden")],
     at="2026-06-01")
case("validity_date_459_days", "2026-03-01 + 459 days = 03 JUN 2027", ov(custom_expiration_date="03 JUN 2027"),
     at="2026-03-01")
case("validity_date_460_days", "04 JUN 2027 is 460 days after 2026-03-01",
     ov(custom_expiration_date="04 JUN 2027"), [(E, "order_validity.custom_expiration_date", "validity_too_long")],
     at="2026-03-01")
case("validity_date_iso_format", "order_validity date must be dd MMM YYYY",
     ov(custom_expiration_date="2026-01-15"), [(E, "order_validity.custom_expiration_date", "invalid_date")])
case("validity_date_not_in_calendar", "31 FEB does not exist", ov(custom_expiration_date="31 FEB 2026"),
     [(E, "order_validity.custom_expiration_date", "invalid_date")])
case("validity_date_not_after_order", "expiration on the order date",
     ov(custom_expiration_date="01 JUN 2025"), [(E, "order_validity.custom_expiration_date",
                                                  "expiration_not_in_future")])
case("validity_unknown_member", "months is not a validity field", ov(years=1, months=6),
     [(W, "order_validity.months", "unknown_field")])
case("legacy_validity_years", "deprecated root validity_years instead of order_validity",
     base(order_validity=None, validity_years=1), [(W, "validity_years", "deprecated_field")])
case("legacy_validity_years_4", "deprecated validity_years out of range",
     base(order_validity=None, validity_years=4),
     [(W, "validity_years", "deprecated_field"), (E, "validity_years", "out_of_range")])
case("legacy_validity_years_2_after_cap", "deprecated validity_years 2 after 2026-03-01",
     base(order_validity=None, validity_years=2),
     [(W, "validity_years", "deprecated_field"), (E, "validity_years", "validity_too_long")], at="2026-03-01")
case("legacy_custom_date", "deprecated root custom_expiration_date (yyyy-MM-dd)",
     base(order_validity=None, custom_expiration_date="2026-01-15"),
     [(W, "custom_expiration_date", "deprecated_field")])
case("legacy_custom_date_wrong_format", "root custom_expiration_date in the order_validity format",
     base(order_validity=None, custom_expiration_date="15 JAN 2026"),
     [(W, "custom_expiration_date", "deprecated_field"), (E, "custom_expiration_date", "invalid_date")])
case("legacy_both", "root custom_expiration_date overrides root validity_years",
     base(order_validity=None, validity_years=1, custom_expiration_date="2026-01-15"),
     [(W, "validity_years", "deprecated_field"), (W, "validity_years", "validity_overridden"),
      (W, "custom_expiration_date", "deprecated_field")])
case("legacy_with_order_validity", "order_validity overrides deprecated validity_years",
     base(validity_years=3), [(W, "validity_years", "deprecated_field"),
                              (W, "validity_years", "validity_overridden")])

# ---- payment --------------------------------------------------------------------------------------
case("payment_card_valid", "card payment with card and billing address",
     base(payment_method="card", credit_card=CARD, billing_address=BILLING, vat_number="GB123456789"))
case("payment_card_missing_objects", "card payment without credit_card and billing_address",
     base(payment_method="card"), [(E, "credit_card", "required"), (E, "billing_address", "required")])
case("payment_card_luhn", "card number failing the Luhn check",
     base(payment_method="card", credit_card={**CARD, "number": "4111111111111112"}, billing_address=BILLING),
     [(E, "credit_card.number", "invalid_card_number")])
case("payment_card_spaces", "card number with spaces",
     base(payment_method="card", credit_card={**CARD, "number": "4111 1111 1111 1111"}, billing_address=BILLING),
     [(E, "credit_card.number", "invalid_format")])
case("payment_card_fields", "month 13, two-digit year, cvv as a string",
     base(payment_method="card", credit_card={**CARD, "expiration_month": 13, "expiration_year": 27, "cvv": "123"},
          billing_address=BILLING),
     [(E, "credit_card.expiration_month", "out_of_range"), (E, "credit_card.expiration_year", "out_of_range"),
      (E, "credit_card.cvv", "wrong_type")])
case("payment_card_cvv_short", "cvv with two digits",
     base(payment_method="card", credit_card={**CARD, "cvv": 12}, billing_address=BILLING),
     [(E, "credit_card.cvv", "out_of_range")])
case("payment_card_expired", "card expired the month before the order",
     base(payment_method="card", credit_card={**CARD, "expiration_month": 5, "expiration_year": 2025},
          billing_address=BILLING),
     [(E, "credit_card.expiration_year", "card_expired")])
case("payment_billing_incomplete", "billing address without city and country",
     base(payment_method="card", credit_card=CARD, billing_address={"address": "1 Main St"}),
     [(E, "billing_address.city", "required"), (E, "billing_address.country", "required")])
case("payment_card_with_balance", "credit_card and billing_address are ignored with balance",
     base(payment_method="balance", credit_card={"number": "x"}, billing_address={}),
     [(W, "credit_card", "field_ignored"), (W, "billing_address", "field_ignored")])
case("payment_method_invalid", "invoice is not a payment method", base(payment_method="invoice"),
     [(E, "payment_method", "invalid_value")])
case("vat_number_with_balance", "vat_number is ignored unless card or profile",
     base(vat_number="GB123456789"), [(W, "vat_number", "field_ignored")])
case("vat_number_with_profile", "vat_number with profile payment", base(payment_method="profile",
                                                                         vat_number="GB123456789"))

# ---- other root fields ----------------------------------------------------------------------------
case("auto_renew_negative", "auto_renew below 0", base(auto_renew=-1), [(E, "auto_renew", "out_of_range")])
case("auto_renew_string", "auto_renew as a string", base(auto_renew="1"), [(E, "auto_renew", "wrong_type")])
case("additional_emails", "one good, one bad, one not a string",
     base(additional_emails=["ok@example.com", "bad", 5]),
     [(E, "additional_emails[1]", "invalid_email"), (E, "additional_emails[2]", "wrong_type")])
case("additional_emails_string", "additional_emails must be an array",
     base(additional_emails="ok@example.com"), [(E, "additional_emails", "wrong_type")])
case("renewal_of_order_id_zero", "renewal_of_order_id must be a positive id", base(renewal_of_order_id=0),
     [(E, "renewal_of_order_id", "out_of_range")])
case("skip_approval_string", "skip_approval must be a bool", base(skip_approval="true"),
     [(E, "skip_approval", "wrong_type")])
case("skip_approval_null", "null is not a bool", base(skip_approval=None) | {"skip_approval": None},
     [(E, "skip_approval", "wrong_type")])
case("container_valid", "container with an id", base(container={"id": 654321}))
case("container_without_id", "container needs an id", base(container={}), [(E, "container.id", "required")])
case("container_id_string", "container.id as a string", base(container={"id": "654321"}),
     [(E, "container.id", "wrong_type")])
case("subject_email_cs", "subject.email for code_signing", base(subject={"email": "signing@example.com"}))
case("subject_email_invalid", "subject.email not an address", base(subject={"email": "signing"}),
     [(E, "subject.email", "invalid_email")])
case("subject_email_ev", "subject.email is ignored for EV", base(subject={"email": "signing@example.com"}),
     [(W, "subject.email", "field_ignored")], product=EV)
case("custom_fields_object", "custom_fields as a single object",
     base(custom_fields={"metadata_id": 12, "value": "x"}), [(E, "custom_fields", "wrong_type")])
case("custom_fields_items", "custom field without value, and one with a string id",
     base(custom_fields=[{"metadata_id": 12}, {"metadata_id": "13", "value": "x"}]),
     [(E, "custom_fields[0].value", "required"), (E, "custom_fields[1].metadata_id", "wrong_type")])
case("alternative_order_id_valid", "alphanumeric, 64 characters", base(alternative_order_id="A1" * 32))
case("alternative_order_id_dash", "a dash is not alphanumeric", base(alternative_order_id="order-1"),
     [(E, "alternative_order_id", "invalid_format")])
case("alternative_order_id_65", "65 characters", base(alternative_order_id="A" * 65),
     [(E, "alternative_order_id", "too_long")])
case("enable_guest_access_2", "enable_guest_access is 0 or 1", base(enable_guest_access=2),
     [(E, "enable_guest_access", "invalid_value")])
case("enable_guest_access_bool", "enable_guest_access is an int, not a bool", base(enable_guest_access=True),
     [(E, "enable_guest_access", "wrong_type")])
case("enable_guest_access_1", "enable_guest_access 1", base(enable_guest_access=1))
case("unknown_root_fields", "undocumented fields are warnings", base(comments="hi", product_name_id="x"),
     [(W, "comments", "unknown_field"), (W, "product_name_id", "unknown_field")])
case("many_errors", "several problems reported together, in document order",
     {"certificate": {"signature_hash": "md5", "csr": ""}, "organization": {"name": "X" * 70, "country": "XX"},
      "cs_provisioning_method": "ship_token", "auto_renew": -5},
     # Changed expectation: the new organization also lacks its contacts (reported at the organization).
     [(E, "order_validity", "required"), (E, "certificate.signature_hash", "invalid_value"),
      (E, "certificate.csr", "empty_value"), (E, "certificate.csr", "csr_not_allowed"),
      (E, "organization.address", "required"), (E, "organization.city", "required"),
      (E, "organization.state", "required"), (E, "organization.zip", "required"),
      (E, "organization.telephone", "required"), no_org_contact, no_verified, (E, "organization.name", "too_long"),
      (E, "organization.country", "invalid_country"), (E, "auto_renew", "out_of_range")])


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    names = []
    for name, description, raw, findings, product, at in cases:
        names.append(name)
        with open(os.path.join(OUT, name + ".json"), "wb") as f:
            f.write(raw)
        expect = {
            "description": description,
            "product": product,
            "at": at,
            "valid": not any(s == E for s, _, _ in findings),
            "findings": [{"severity": s, "path": p, "code": c} for s, p, c in findings],
        }
        with open(os.path.join(OUT, name + ".expect.json"), "w") as f:
            json.dump(expect, f, indent=2)
            f.write("\n")
    with open(os.path.join(OUT, "index.json"), "w") as f:
        json.dump({"cases": names}, f, indent=2)
        f.write("\n")
    print(f"{len(names)} cases")


main()
