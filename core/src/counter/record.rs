//! The fixed-size record shared by the flash and file stores.
//!
//! Layout (little-endian), [`RECORD_LEN`] = 64 bytes:
//!
//! | bytes | field |
//! |---|---|
//! | 0..4 | magic `SGL1` |
//! | 4..12 | sequence number (strictly increasing per write) |
//! | 12..20 | `next_index` |
//! | 20..28 | `committed` |
//! | 28..36 | `released` |
//! | 36..52 | ledger id (zero on flash; the file store's identity, see `FileStoreOptions::ledger_id`) |
//! | 52..60 | zero (reserved) |
//! | 60..64 | CRC-32 (ISO-HDLC) of bytes 0..60 |
//!
//! The checksum is written last in the same write as the rest; a write torn
//! at any byte leaves a record whose checksum does not match, which readers
//! skip, so they fall back to the previous record.

use super::Usage;

/// Size of one counter record on flash or disk, in bytes.
pub const RECORD_LEN: usize = 64;

const MAGIC: [u8; 4] = *b"SGL1";
const CRC_OFFSET: usize = RECORD_LEN - 4;
const CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

fn put(buf: &mut [u8; RECORD_LEN], at: usize, bytes: &[u8]) {
    if let Some(dst) = buf.get_mut(at..at.saturating_add(bytes.len())) {
        dst.copy_from_slice(bytes);
    }
}

fn get_u64(buf: &[u8; RECORD_LEN], at: usize) -> Option<u64> {
    let bytes: [u8; 8] = buf.get(at..at.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(bytes))
}

/// Length of the ledger id carried in every record.
pub const LEDGER_ID_LEN: usize = 16;

/// Encodes one record.
pub(crate) fn encode(seq: u64, id: &[u8; LEDGER_ID_LEN], usage: &Usage) -> [u8; RECORD_LEN] {
    let mut buf = [0u8; RECORD_LEN];
    put(&mut buf, 0, &MAGIC);
    put(&mut buf, 4, &seq.to_le_bytes());
    put(&mut buf, 36, id);
    put(&mut buf, 12, &usage.next_index.to_le_bytes());
    put(&mut buf, 20, &usage.committed.to_le_bytes());
    put(&mut buf, 28, &usage.released.to_le_bytes());
    let crc = CRC32.checksum(buf.get(..CRC_OFFSET).unwrap_or_default());
    put(&mut buf, CRC_OFFSET, &crc.to_le_bytes());
    buf
}

/// Decodes a record; `None` for anything that is not a complete, consistent
/// record (erased, torn, foreign).
pub(crate) fn decode(buf: &[u8; RECORD_LEN]) -> Option<(u64, [u8; LEDGER_ID_LEN], Usage)> {
    if buf.get(..4)? != MAGIC {
        return None;
    }
    let stored: [u8; 4] = buf.get(CRC_OFFSET..)?.try_into().ok()?;
    if CRC32.checksum(buf.get(..CRC_OFFSET)?) != u32::from_le_bytes(stored) {
        return None;
    }
    if buf.get(52..CRC_OFFSET)?.iter().any(|&b| b != 0) {
        return None;
    }
    let id: [u8; LEDGER_ID_LEN] = buf.get(36..52)?.try_into().ok()?;
    let seq = get_u64(buf, 4)?;
    let usage = Usage {
        next_index: get_u64(buf, 12)?,
        committed: get_u64(buf, 20)?,
        released: get_u64(buf, 28)?,
    };
    (seq != 0 && usage.is_consistent()).then_some((seq, id, usage))
}

/// True when every byte is in the erased state.
pub(crate) fn is_erased(buf: &[u8]) -> bool {
    buf.iter().all(|&b| b == 0xFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_every_torn_prefix_is_rejected() {
        let usage = Usage {
            next_index: 1234,
            committed: 1000,
            released: 7,
        };
        let id = [7u8; LEDGER_ID_LEN];
        let rec = encode(42, &id, &usage);
        assert_eq!(decode(&rec), Some((42, id, usage)));
        // A write cut after n bytes over erased flash.
        for n in 0..RECORD_LEN {
            let mut torn = [0xFFu8; RECORD_LEN];
            torn[..n].copy_from_slice(&rec[..n]);
            assert_eq!(decode(&torn), None, "prefix {n}");
        }
        // Any single bit flip is detected.
        for bit in 0..RECORD_LEN * 8 {
            let mut bad = rec;
            bad[bit / 8] ^= 1 << (bit % 8);
            assert_eq!(decode(&bad), None, "bit {bit}");
        }
        assert!(is_erased(&[0xFF; 8]));
        assert!(!is_erased(&rec));
    }
}
