//! Order validation and key-policy checks: `Report` and `Finding`.

use pyo3::prelude::*;
use pyo3::types::PyList;
use signet_core::Severity;
use signet_core::order::{self, Product};
use signet_core::policy::{self, DeviceProfile};

use crate::args;
use crate::errors::err;

/// One finding: severity (`"error"` or `"warning"`), path, stable code, message.
#[pyclass(frozen, module = "signet._native", eq)]
#[derive(Clone, PartialEq, Eq)]
pub struct Finding {
    /// `"error"` or `"warning"`.
    #[pyo3(get)]
    severity: &'static str,
    /// Where (`organization.contacts[0].email`, `key`, `""` for the document).
    #[pyo3(get)]
    path: String,
    /// The stable code, e.g. `invalid_email`.
    #[pyo3(get)]
    code: &'static str,
    /// A human message (may change between releases; match on `code`).
    #[pyo3(get)]
    message: String,
}

#[pymethods]
impl Finding {
    fn __repr__(&self) -> String {
        format!(
            "Finding(severity={:?}, path={:?}, code={:?}, message={:?})",
            self.severity, self.path, self.code, self.message
        )
    }
}

/// Every finding of one check, in the core's documented order.
#[pyclass(frozen, module = "signet._native", sequence)]
pub struct Report {
    inner: order::Report,
}

impl Report {
    fn finding(f: &order::Finding) -> Finding {
        Finding {
            severity: f.severity.as_str(),
            path: f.path.clone(),
            code: f.code,
            message: f.message.clone(),
        }
    }
}

#[pymethods]
impl Report {
    /// True when there is no error (warnings allowed).
    #[getter]
    fn valid(&self) -> bool {
        self.inner.is_valid()
    }

    /// The findings, as a new list.
    #[getter]
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.inner.findings().iter().map(Report::finding))
    }

    /// Number of errors.
    #[getter]
    fn error_count(&self) -> usize {
        self.inner.count(Severity::Error)
    }

    /// Number of warnings.
    #[getter]
    fn warning_count(&self) -> usize {
        self.inner.count(Severity::Warning)
    }

    /// `{"valid": ..., "findings": [{"severity", "path", "code", "message"}]}`,
    /// byte for byte what the CLI's `--json` prints.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    fn __len__(&self) -> usize {
        self.inner.findings().len()
    }

    fn __getitem__(&self, index: isize) -> PyResult<Finding> {
        let len = self.inner.findings().len();
        let i = if index < 0 {
            index.checked_add_unsigned(len)
        } else {
            Some(index)
        };
        i.and_then(|i| usize::try_from(i).ok())
            .and_then(|i| self.inner.findings().get(i))
            .map(Report::finding)
            .ok_or_else(|| pyo3::exceptions::PyIndexError::new_err("finding index out of range"))
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.findings(py)?.try_iter().map(Bound::into_any)
    }

    fn __repr__(&self) -> String {
        format!(
            "Report(valid={}, errors={}, warnings={})",
            if self.inner.is_valid() { "True" } else { "False" },
            self.inner.count(Severity::Error),
            self.inner.count(Severity::Warning)
        )
    }
}

fn report(inner: order::Report) -> Report {
    Report { inner }
}

fn device(name: Option<&str>) -> PyResult<Option<DeviceProfile>> {
    name.map(args::parse::<DeviceProfile>).transpose()
}

/// Validates an order body (bytes or str) for `product` as of `at`.
#[pyfunction]
#[pyo3(signature = (body, product = "code_signing", at = None))]
pub fn validate_order(
    py: Python<'_>,
    body: &Bound<'_, PyAny>,
    product: &str,
    at: Option<&Bound<'_, PyAny>>,
) -> PyResult<Report> {
    let body = args::bytes_or_str(body)?;
    let product: Product = args::parse(product)?;
    let at = args::date_or_today(py, at)?;
    Ok(report(py.detach(|| order::validate(&body, product, at))))
}

/// Checks a CSR (PEM or DER): parse, self-signature, key rules for `device` on `at`.
#[pyfunction]
#[pyo3(signature = (csr, device = None, at = None))]
pub fn check_csr(
    py: Python<'_>,
    csr: &Bound<'_, PyAny>,
    device: Option<&str>,
    at: Option<&Bound<'_, PyAny>>,
) -> PyResult<Report> {
    let input = args::bytes_or_str(csr)?;
    let profile = self::device(device)?;
    let at = args::date_or_today(py, at)?;
    let findings = py.detach(|| policy::check_csr(&input, profile, at));
    Ok(report(order::Report::from_policy_findings(findings)))
}

/// Checks a public key (SubjectPublicKeyInfo, PEM or DER) for `device` on `at`.
#[pyfunction]
#[pyo3(signature = (spki, device = None, at = None))]
pub fn check_public_key(
    py: Python<'_>,
    spki: &Bound<'_, PyAny>,
    device: Option<&str>,
    at: Option<&Bound<'_, PyAny>>,
) -> PyResult<Report> {
    let input = args::bytes_or_str(spki)?;
    let profile = self::device(device)?;
    let at = args::date_or_today(py, at)?;
    let findings = policy::check_spki(&input, profile, at);
    Ok(report(order::Report::from_policy_findings(findings)))
}

/// Checks a certificate (PEM or DER) for signing at `at` (int seconds or
/// aware datetime; a `date` means its midnight UTC; default now).
#[pyfunction]
#[pyo3(signature = (certificate, at = None))]
pub fn check_certificate(
    py: Python<'_>,
    certificate: &Bound<'_, PyAny>,
    at: Option<&Bound<'_, PyAny>>,
) -> PyResult<Report> {
    let input = args::bytes_or_str(certificate)?;
    let at = match at {
        Some(a)
            if a.is_instance_of::<pyo3::types::PyString>()
                || (a.is_instance_of::<pyo3::types::PyDate>()
                    && !a.is_instance_of::<pyo3::types::PyDateTime>()) =>
        {
            args::date(a)?.start()
        }
        other => args::unix_time_or_now(py, other)?,
    };
    let findings = py.detach(|| policy::check_certificate(&input, at));
    Ok(report(order::Report::from_policy_findings(findings)))
}

/// What a public key is: `type` is `"rsa"`, `"ec"` or `"unsupported"`.
#[pyclass(frozen, module = "signet._native", eq)]
#[derive(Clone, PartialEq, Eq)]
pub struct KeyInfo {
    inner: policy::KeyInfo,
}

#[pymethods]
impl KeyInfo {
    /// `"rsa"`, `"ec"` or `"unsupported"`.
    #[getter(r#type)]
    fn key_type(&self) -> &'static str {
        match self.inner {
            policy::KeyInfo::Rsa { .. } => "rsa",
            policy::KeyInfo::Ec { .. } => "ec",
            policy::KeyInfo::Unsupported { .. } => "unsupported",
        }
    }

    /// RSA modulus size in bits.
    #[getter]
    fn modulus_bits(&self) -> Option<u32> {
        match self.inner {
            policy::KeyInfo::Rsa { modulus_bits, .. } => Some(modulus_bits),
            _ => None,
        }
    }

    /// RSA public exponent (`None` when it does not fit 64 bits, or not RSA).
    #[getter]
    fn exponent(&self) -> Option<u64> {
        match self.inner {
            policy::KeyInfo::Rsa {
                exponent: policy::RsaExponent::Value(e),
                ..
            } => Some(e),
            _ => None,
        }
    }

    /// EC curve name: `"P-256"`, `"P-384"`, `"P-521"`.
    #[getter]
    fn curve(&self) -> Option<&'static str> {
        match self.inner {
            policy::KeyInfo::Ec { curve } => Some(curve.name()),
            _ => None,
        }
    }

    /// For an unsupported key: its algorithm OID (dotted).
    #[getter]
    fn algorithm(&self) -> Option<String> {
        match self.inner {
            policy::KeyInfo::Unsupported { algorithm, .. } => Some(algorithm.to_string()),
            _ => None,
        }
    }

    /// For an unsupported key: its parameters OID (dotted), if any.
    #[getter]
    fn parameters(&self) -> Option<String> {
        match self.inner {
            policy::KeyInfo::Unsupported { parameters, .. } => parameters.map(|p| p.to_string()),
            _ => None,
        }
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(&self) -> String {
        format!("KeyInfo({})", self.inner)
    }
}

/// The key inside a public key, CSR or certificate (PEM or DER).
///
/// `kind` is `"spki"`, `"csr"` or `"certificate"`. Raises `KeyPolicyError`
/// when the input does not parse.
#[pyfunction]
#[pyo3(signature = (data, kind = "spki"))]
pub fn key_info(data: &Bound<'_, PyAny>, kind: &str) -> PyResult<KeyInfo> {
    let input = args::bytes_or_str(data)?;
    let inner = match kind {
        "spki" => policy::key_info_from_spki_pem_or_der(&input).map_err(err)?,
        "csr" => policy::parse_csr(&input).map_err(err)?.key_info(),
        "certificate" => {
            let der = policy::certificate_der_from_pem_or_der(&input).map_err(err)?;
            policy::CertificateRef::from_der(&der).map_err(err)?.key_info()
        }
        other => {
            return Err(crate::errors::raise(
                "unknown_input_kind",
                &format!("kind must be \"spki\", \"csr\" or \"certificate\", not {other:?}"),
                None,
            ));
        }
    };
    Ok(KeyInfo { inner })
}
