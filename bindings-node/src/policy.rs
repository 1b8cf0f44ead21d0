//! Key-policy checks: CSR, certificate, public key.

use napi::Env;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use signet_core::ErrorCode;
use signet_core::policy::{self, DeviceProfile, PolicyFinding, Severity};

use crate::error::{Failure, OrThrow, Res};
use crate::{Finding, Report, date};

fn report(findings: &[PolicyFinding]) -> Report {
    Report {
        valid: !findings.iter().any(|f| f.severity == Severity::Error),
        findings: findings
            .iter()
            .map(|f| Finding {
                severity: f.severity.as_str().into(),
                path: f.path.into(),
                code: f.code.into(),
                message: f.message.clone(),
            })
            .collect(),
    }
}

fn device(name: Option<&str>) -> Res<Option<DeviceProfile>> {
    name.map(|n| {
        n.parse::<DeviceProfile>()
            .map_err(|e| Failure::new(e.code(), format!("device {n:?}: {e}")))
    })
    .transpose()
}

/// Checks a CSR (PEM or DER) on `at` for `device`, or for the device implied
/// by an order's `provisioning_method` (not both).
#[napi(catch_unwind)]
pub fn check_csr(
    env: Env,
    input: Buffer,
    device_name: Option<String>,
    provisioning_method: Option<String>,
    at: String,
) -> napi::Result<Report> {
    let run = || -> Res<Report> {
        let at = date(&at)?;
        let profile = match (device_name.as_deref(), provisioning_method.as_deref()) {
            (Some(_), Some(_)) => {
                return Err(Failure::new(
                    "conflicting_options",
                    "give either \"device\" or \"provisioningMethod\", not both",
                ));
            }
            (None, Some(method)) => policy::profile_for_provisioning_method(method),
            (d, None) => device(d)?,
        };
        Ok(report(&policy::check_csr(&input, profile, at)))
    };
    run().or_throw(&env)
}

/// Checks a certificate (PEM or DER) for signing at midnight UTC of `at`.
#[napi(catch_unwind)]
pub fn check_certificate(env: Env, input: Buffer, at: String) -> napi::Result<Report> {
    let run = || -> Res<Report> { Ok(report(&policy::check_certificate(&input, date(&at)?.start()))) };
    run().or_throw(&env)
}

/// Checks a public key (`SubjectPublicKeyInfo`, PEM or DER) on `at` for `device`.
#[napi(catch_unwind)]
pub fn check_public_key(
    env: Env,
    input: Buffer,
    device_name: Option<String>,
    at: String,
) -> napi::Result<Report> {
    let run = || -> Res<Report> {
        let at = date(&at)?;
        Ok(report(&policy::check_spki(
            &input,
            device(device_name.as_deref())?,
            at,
        )))
    };
    run().or_throw(&env)
}
