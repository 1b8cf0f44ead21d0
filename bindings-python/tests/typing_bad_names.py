"""Must NOT type-check: each line marked `# rejected` misspells a name of a
closed set, which mypy --strict must reject (test_stubs.py asserts the exact
lines). Never run; pytest does not collect it (no test_ prefix)."""

from __future__ import annotations

import signet


def misspelled(state: signet.State, token: signet.SoftwareToken, digest: bytes) -> None:
    signet.validate_order("{}", product="ev")  # rejected
    signet.check_csr(b"", device="hsmm")  # rejected
    signet.check_public_key(b"", device="etoken-5110-CC")  # rejected
    signet.init_state("s", key_type="p-256")  # rejected
    signet.init_state("s", algorithm="ecdsa-sha1")  # rejected
    signet.KeyAttributes("ecc-p256", "ecdsa_sha256")  # rejected
    token.sign_digest(1, "rsa-pss-sha257", digest)  # rejected
    state.budget_buy(1, role="standard-user")  # rejected
    # The canonical spellings pass.
    signet.validate_order("{}", product="code_signing_ev")
    signet.check_csr(b"", device="hsm")
    signet.init_state("s", key_type="ecc-p384", algorithm="ecdsa-sha384")
    state.budget_buy(1, role="standard_user")
