//! A NOR flash simulator for tests: NOR bit semantics and power cuts.
//!
//! - Erase sets every byte of a sector to `0xFF`; a write can only clear bits
//!   (the stored byte becomes `old & new`), as on real NOR flash.
//! - Every byte programmed or erased is one *step*. [`SimFlash::cut_power_after`]
//!   makes the flash lose power after that many steps: the byte being
//!   programmed at the cut is left half-programmed (only its high nibble's
//!   zero bits land) and an erase stops midway (the cut byte is half-erased);
//!   the operation returns an error and every later operation fails until
//!   [`SimFlash::restore_power`].

extern crate alloc;
use alloc::vec;
use alloc::vec::Vec;

use embedded_storage::nor_flash::{ErrorType, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash};

/// Errors of the simulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimFlashError {
    /// Misaligned offset or length.
    NotAligned,
    /// Outside the flash.
    OutOfBounds,
    /// The power was cut.
    PowerLoss,
}

impl NorFlashError for SimFlashError {
    fn kind(&self) -> NorFlashErrorKind {
        match self {
            SimFlashError::NotAligned => NorFlashErrorKind::NotAligned,
            SimFlashError::OutOfBounds => NorFlashErrorKind::OutOfBounds,
            SimFlashError::PowerLoss => NorFlashErrorKind::Other,
        }
    }
}

/// A simulated NOR flash with write granularity `WRITE` bytes and erase
/// sectors of `ERASE` bytes.
#[derive(Debug, Clone)]
pub struct SimFlash<const WRITE: usize, const ERASE: usize> {
    data: Vec<u8>,
    remaining_steps: Option<u64>,
    powered: bool,
    steps: u64,
    erase_counts: Vec<u32>,
}

impl<const WRITE: usize, const ERASE: usize> SimFlash<WRITE, ERASE> {
    /// A fully erased flash of `sectors` sectors.
    pub fn new(sectors: usize) -> Self {
        SimFlash {
            data: vec![0xFF; sectors.saturating_mul(ERASE)],
            remaining_steps: None,
            powered: true,
            steps: 0,
            erase_counts: vec![0; sectors],
        }
    }

    /// Loses power after `steps` more byte program/erase steps.
    pub fn cut_power_after(&mut self, steps: u64) {
        self.remaining_steps = Some(steps);
    }

    /// Powers the flash back on, with no pending cut.
    pub fn restore_power(&mut self) {
        self.powered = true;
        self.remaining_steps = None;
    }

    /// Byte program/erase steps performed so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// How often each sector has been erased.
    pub fn erase_counts(&self) -> &[u32] {
        &self.erase_counts
    }

    /// The raw contents.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Consumes one step; `false` when the power is cut at this step.
    fn step(&mut self) -> bool {
        if let Some(left) = self.remaining_steps.as_mut() {
            if *left == 0 {
                self.powered = false;
                return false;
            }
            *left = left.saturating_sub(1);
        }
        self.steps = self.steps.saturating_add(1);
        true
    }

    fn range(&self, offset: u32, len: usize, align: usize) -> Result<core::ops::Range<usize>, SimFlashError> {
        let start = usize::try_from(offset).map_err(|_| SimFlashError::OutOfBounds)?;
        if align != 0 && (start % align != 0 || !len.is_multiple_of(align)) {
            return Err(SimFlashError::NotAligned);
        }
        let end = start.checked_add(len).ok_or(SimFlashError::OutOfBounds)?;
        if end > self.data.len() {
            return Err(SimFlashError::OutOfBounds);
        }
        Ok(start..end)
    }
}

impl<const WRITE: usize, const ERASE: usize> ErrorType for SimFlash<WRITE, ERASE> {
    type Error = SimFlashError;
}

impl<const WRITE: usize, const ERASE: usize> ReadNorFlash for SimFlash<WRITE, ERASE> {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        if !self.powered {
            return Err(SimFlashError::PowerLoss);
        }
        let r = self.range(offset, bytes.len(), 1)?;
        bytes.copy_from_slice(self.data.get(r).ok_or(SimFlashError::OutOfBounds)?);
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.data.len()
    }
}

impl<const WRITE: usize, const ERASE: usize> NorFlash for SimFlash<WRITE, ERASE> {
    const WRITE_SIZE: usize = WRITE;
    const ERASE_SIZE: usize = ERASE;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        if !self.powered {
            return Err(SimFlashError::PowerLoss);
        }
        let len = to.checked_sub(from).ok_or(SimFlashError::OutOfBounds)?;
        let len = usize::try_from(len).map_err(|_| SimFlashError::OutOfBounds)?;
        let r = self.range(from, len, ERASE)?;
        for sector in (r.start / ERASE)..(r.end / ERASE) {
            if let Some(c) = self.erase_counts.get_mut(sector) {
                *c = c.saturating_add(1);
            }
        }
        for i in r {
            let cut = !self.step();
            if let Some(byte) = self.data.get_mut(i) {
                // A cut leaves the byte half-erased.
                *byte = if cut { *byte | 0x0F } else { 0xFF };
            }
            if cut {
                return Err(SimFlashError::PowerLoss);
            }
        }
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        if !self.powered {
            return Err(SimFlashError::PowerLoss);
        }
        let r = self.range(offset, bytes.len(), WRITE)?;
        for (i, &b) in r.zip(bytes) {
            let cut = !self.step();
            if let Some(byte) = self.data.get_mut(i) {
                // NOR programming only clears bits; a cut lands half of them.
                *byte &= if cut { b | 0x0F } else { b };
            }
            if cut {
                return Err(SimFlashError::PowerLoss);
            }
        }
        Ok(())
    }
}
