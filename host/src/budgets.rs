//! Budget operations of a [`State`]: create, show, buy, revoke, assign the
//! signer, count signatures made elsewhere. Core decides every rule; this
//! module loads, locks and saves.

use signet_core::budget::{Actor, Budget, CertFingerprint, Purchase, UserId, Validity};
use signet_core::counter::Usage;
use signet_core::policy::CertificateRef;
use signet_core::time::UnixTime;

use crate::audit::Event;
use crate::error::{Error, Result};
use crate::report::{BudgetReport, Crossing};
use crate::state::{State, new_budget_record};
use crate::store::{BudgetRecord, PurchaseRecord};

/// How a budget is created for a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetInit {
    /// Start of use, if later than the certificate's notBefore.
    pub not_before: Option<UnixTime>,
    /// End of use, if earlier than the certificate's notAfter.
    pub not_after: Option<UnixTime>,
    /// The assigned signer.
    pub signer: String,
    /// Signatures included (default 1,000).
    pub allotment: u64,
}

/// A report of `record` with `usage`, at `now`.
pub(crate) fn report(
    record: &BudgetRecord,
    budget: &Budget,
    usage: &Usage,
    lost: u64,
    now: UnixTime,
) -> BudgetReport {
    BudgetReport {
        fingerprint: record.fingerprint.clone(),
        signer: budget.signer().to_string(),
        not_before: budget.validity().not_before.as_secs(),
        not_after: budget.validity().not_after.as_secs(),
        state: budget.state(now).name(),
        allotment: budget.allotment(),
        purchased: budget.purchased(),
        total: budget.total(),
        used: usage.used(),
        committed: usage.committed,
        lost_in_crashes: lost,
        remaining: budget.remaining(usage, now),
        level: budget.level(usage).name(),
        crossed: Vec::new(),
    }
}

impl State {
    /// Creates the budget of a certificate (DER). Its validity is the
    /// certificate's; `init` may narrow it, never widen it.
    ///
    /// # Errors
    /// `certificate_invalid`, `budget_validity_outside_certificate`,
    /// `budget_exists`, the core's `budget_*` codes.
    pub fn budget_init(&self, cert_der: &[u8], init: &BudgetInit) -> Result<BudgetReport> {
        let fp = crate::key::fingerprint(cert_der)?;
        let event = Event {
            action: "budget_init",
            certificate: Some(crate::hex(&fp.0)),
            detail: Some(format!("signer {}, {} signatures", init.signer, init.allotment)),
            ..Event::default()
        };
        self.logged(event, |_, _| {}, || self.create_budget(cert_der, init))
    }

    fn create_budget(&self, cert_der: &[u8], init: &BudgetInit) -> Result<BudgetReport> {
        let cert = CertificateRef::from_der(cert_der)
            .map_err(|e| Error::failed("certificate_invalid", format!("not an X.509 certificate: {e}")))?;
        let fp = CertFingerprint(cert.fingerprint_sha256());
        let (cert_nb, cert_na) = (cert.not_before(), cert.not_after());
        let validity = Validity {
            not_before: init.not_before.unwrap_or(cert_nb),
            not_after: init.not_after.unwrap_or(cert_na),
        };
        if validity.not_before < cert_nb || validity.not_after > cert_na {
            return Err(Error::refused(
                "budget_validity_outside_certificate",
                format!(
                    "a budget may narrow the certificate's validity ({} .. {}), never widen it",
                    crate::clock::format_rfc3339(cert_nb),
                    crate::clock::format_rfc3339(cert_na)
                ),
            ));
        }
        let signer = crate::user::user_id(&init.signer)?;
        let _lock = crate::fsio::lock_file(&self.layout.lock(), "the state lock", self.notice.as_ref())?;
        self.store
            .create_budget(new_budget_record(&fp, validity, &signer, init.allotment)?)?;
        self.budget_show(&fp)
    }

    /// Every certificate with a budget in this state.
    ///
    /// # Errors
    /// `state_io`.
    pub fn budget_fingerprints(&self) -> Result<Vec<CertFingerprint>> {
        self.store.budget_fingerprints()
    }

    /// A budget now. Reads without locking: works while others sign.
    ///
    /// # Errors
    /// `budget_not_found`, `state_record_damaged`, `state_ledger_*`.
    pub fn budget_show(&self, fp: &CertFingerprint) -> Result<BudgetReport> {
        let read = self.store.read_budget(fp)?;
        let budget = read.record.to_budget()?;
        Ok(report(
            &read.record,
            &budget,
            &read.usage,
            read.usage.pending(),
            self.clock.now(),
        ))
    }

    /// Runs `change` on a budget under its ledger lock and saves it.
    fn change_budget(
        &self,
        fp: &CertFingerprint,
        event: Event,
        change: impl FnOnce(&mut Budget, &mut BudgetRecord, UnixTime) -> Result<()>,
    ) -> Result<BudgetReport> {
        let event = Event {
            certificate: Some(crate::hex(&fp.0)),
            ..event
        };
        self.logged(event, |_, _| {}, || self.apply_change(fp, change))
    }

    fn apply_change(
        &self,
        fp: &CertFingerprint,
        change: impl FnOnce(&mut Budget, &mut BudgetRecord, UnixTime) -> Result<()>,
    ) -> Result<BudgetReport> {
        let mut open = self.store.open_budget(fp, 1)?;
        let mut record = open.record().clone();
        let mut budget = record.to_budget()?;
        let now = self.clock.now();
        change(&mut budget, &mut record, now)?;
        record.revoked = budget.is_revoked();
        record.signer = budget.signer().to_string();
        open.save(record.clone())?;
        let lost = open.lost();
        let usage = open.close()?;
        Ok(report(&record, &budget, &usage, lost, now))
    }

    /// Buys `signatures` more (1,000, 5,000 and 10,000 are the documented
    /// blocks; any positive number is a custom purchase).
    ///
    /// # Errors
    /// The core's `budget_*` codes (who may buy, revoked, expired, ...).
    pub fn budget_buy(&self, fp: &CertFingerprint, actor: &Actor, signatures: u64) -> Result<BudgetReport> {
        let event = Event {
            action: "budget_buy",
            detail: Some(format!("{signatures} signatures as {}", actor.role.name())),
            ..Event::default()
        };
        self.change_budget(fp, event, |budget, record, now| {
            budget
                .buy(actor, fp, Purchase::of_count(signatures), now)
                .map_err(|e| Error::from_core(&e))?;
            record.purchases.push(PurchaseRecord {
                at: now.as_secs(),
                by: actor.id.to_string(),
                signatures,
            });
            Ok(())
        })
    }

    /// Records the certificate's revocation: remaining signatures are nullified.
    ///
    /// # Errors
    /// The core's `budget_*` codes.
    pub fn budget_revoke(&self, fp: &CertFingerprint) -> Result<BudgetReport> {
        let event = Event {
            action: "budget_revoke",
            ..Event::default()
        };
        self.change_budget(fp, event, |budget, _, _| {
            budget.revoke(fp).map_err(|e| Error::from_core(&e))
        })
    }

    /// Assigns the certificate to another signer (KeyLocker lead only).
    ///
    /// # Errors
    /// The core's `budget_*` codes.
    pub fn budget_assign(&self, fp: &CertFingerprint, actor: &Actor, signer: &str) -> Result<BudgetReport> {
        let signer = crate::user::user_id(signer)?;
        let event = Event {
            action: "budget_assign",
            detail: Some(format!("to {signer}")),
            ..Event::default()
        };
        self.change_budget(fp, event, |budget, _, _| {
            budget
                .assign_signer(actor, fp, signer)
                .map_err(|e| Error::from_core(&e))
        })
    }

    /// Counts `count` signatures made by `user` outside Signet's sign path
    /// (each reserved and committed). All or nothing: when fewer than
    /// `count` are left, nothing is counted.
    ///
    /// # Errors
    /// `budget_exhausted` (naming needed and remaining), the core's codes.
    pub fn budget_use(&self, fp: &CertFingerprint, user: &UserId, count: u64) -> Result<BudgetReport> {
        let event = Event {
            action: "budget_use",
            certificate: Some(crate::hex(&fp.0)),
            detail: Some(format!("{count} signatures made elsewhere")),
            ..Event::default()
        };
        self.logged(
            event,
            |_, e| e.counted = count,
            || self.count_use(fp, user, count),
        )
    }

    fn count_use(&self, fp: &CertFingerprint, user: &UserId, count: u64) -> Result<BudgetReport> {
        let mut open = self
            .store
            .open_budget(fp, u32::try_from(count).unwrap_or(u32::MAX))?;
        let record = open.record().clone();
        let budget = record.to_budget()?;
        let now = self.clock.now();
        let remaining = budget.remaining(&open.counter().usage(), now);
        if count > remaining
            && budget.state(now) == signet_core::budget::BudgetState::Valid
            && *user == *budget.signer()
        {
            return Err(Error::refused(
                "budget_exhausted",
                format!("{count} signatures needed, {remaining} remaining; nothing was counted"),
            ));
        }
        let mut crossed = Vec::new();
        for _ in 0..count {
            let reservation = budget
                .reserve(&mut open.counter(), user, fp, now)
                .map_err(|e| Error::from_core(&e))?;
            let done = budget
                .commit(&mut open.counter(), reservation)
                .map_err(|e| Error::from_core(&e))?;
            if let Some(level) = done.crossed {
                crossed.push(Crossing {
                    used: done.used,
                    level: level.name(),
                });
            }
        }
        let lost = open.lost();
        let usage = open.close()?;
        let mut out = report(&record, &budget, &usage, lost, now);
        out.crossed = crossed;
        Ok(out)
    }
}

impl State {
    /// Open reservations of the hosts sharing this state's store (none for a
    /// file store).
    ///
    /// # Errors
    /// `store_unavailable`.
    pub fn budget_reservations(&self) -> Result<Vec<crate::store::OpenReservation>> {
        self.store.reservations()
    }

    /// Settles a reservation a crashed host left open. Its signatures stay
    /// counted as used (they may have been made: fail closed) unless the
    /// operator says they were `returned`. Audited.
    ///
    /// # Errors
    /// `store_reservation_unknown`, `store_unavailable`.
    pub fn budget_settle(&self, id: u64, returned: bool) -> Result<crate::store::OpenReservation> {
        let event = Event {
            action: "budget_settle",
            detail: Some(format!(
                "reservation {id} settled as {}",
                if returned { "returned" } else { "used" }
            )),
            ..Event::default()
        };
        self.logged(
            event,
            |r: &crate::store::OpenReservation, e| {
                e.certificate.clone_from(&r.fingerprint);
                e.grant = r.grant;
                e.detail = Some(format!(
                    "reservation {id} of {} pid {} ({} held) settled as {}",
                    r.host,
                    r.pid,
                    r.held,
                    if returned { "returned" } else { "used" }
                ));
            },
            || self.store.settle_reservation(id, returned),
        )
    }
}
