//! Files as the state needs them: private directories and files (0700/0600
//! whatever the umask), atomic and durable replacement, outputs that never
//! follow a planted link, inputs read with their limit enforced while
//! reading, and locks that say what they wait for.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// Mode of every directory the state creates.
pub const DIR_MODE: u32 = 0o700;
/// Mode of every file the state writes.
pub const FILE_MODE: u32 = 0o600;

/// Suffix of temporary files; anything with it is a leftover of a killed run.
pub const TMP_SUFFIX: &str = ".signet-tmp";

/// Creates `dir` and any missing parents inside the state, each 0700.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)
        .map_err(|e| Error::io("state_io", "create", dir, &e))?;
    // The umask may have removed bits; it never adds any, but set the mode
    // explicitly so that the result does not depend on it.
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(DIR_MODE))
        .map_err(|e| Error::io("state_io", "set permissions of", dir, &e))
}

/// 16 random hex characters, for names nobody can predict.
pub fn random_hex() -> Result<String> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::failed("state_io", format!("the system random generator failed: {e}")))?;
    Ok(crate::hex(&bytes))
}

/// Syncs a directory so that a rename or a creation in it survives a crash.
pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io("state_io", "sync", dir, &e))
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A temporary file beside `path`, created exclusively (`O_CREAT|O_EXCL`:
/// never through an existing name or a planted symlink) with an
/// unpredictable name. Removed on drop unless persisted.
struct TempFile {
    path: PathBuf,
    file: Option<File>,
}

impl TempFile {
    fn new(target: &Path, mode: u32, code: &'static str) -> Result<TempFile> {
        let dir = parent_of(target);
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = dir.join(format!(".{name}.{}{TMP_SUFFIX}", random_hex()?));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .custom_flags(O_NOFOLLOW)
            .open(&path)
            .map_err(|e| Error::io(code, "write", target, &e))?;
        Ok(TempFile {
            path,
            file: Some(file),
        })
    }

    fn write_and_rename(
        mut self,
        bytes: &[u8],
        target: &Path,
        mode: Option<u32>,
        code: &'static str,
    ) -> Result<()> {
        let io = |e: std::io::Error| Error::io(code, "write", target, &e);
        let mut file = self
            .file
            .take()
            .ok_or_else(|| Error::failed(code, "temporary file already used"))?;
        if let Some(mode) = mode {
            file.set_permissions(std::fs::Permissions::from_mode(mode))
                .map_err(io)?;
        }
        file.write_all(bytes).map_err(io)?;
        file.sync_all().map_err(io)?;
        drop(file);
        std::fs::rename(&self.path, target).map_err(io)?;
        self.path = PathBuf::new();
        sync_dir(parent_of(target))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.path.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// `O_NOFOLLOW` on Linux: with `O_EXCL` a symlink is already refused; this
/// also covers opening without `O_EXCL`. std exposes no constant, and the
/// value is fixed by the Linux ABI on every architecture Signet builds for.
#[cfg(target_os = "linux")]
const O_NOFOLLOW: i32 = 0o400_000;
#[cfg(not(target_os = "linux"))]
const O_NOFOLLOW: i32 = 0;

/// Replaces a state file atomically and durably: a new 0600 file with an
/// unpredictable name, written, fsynced, renamed over `path`, and the
/// directory fsynced. A crash leaves either the old or the new content.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    TempFile::new(path, FILE_MODE, "state_io")?.write_and_rename(bytes, path, Some(FILE_MODE), "state_io")
}

/// Writes an output (a signature next to the artifact) atomically, like
/// [`write_private`] but with the usual 0666-minus-umask mode.
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<()> {
    TempFile::new(path, 0o666, "output_unwritable")?.write_and_rename(bytes, path, None, "output_unwritable")
}

/// Checks that an output can be created in `path`'s directory, by creating
/// and removing an exclusive temporary file there (nothing else tells
/// reliably: ACLs, read-only mounts, quotas).
pub fn check_writable(path: &Path) -> Result<()> {
    let probe = TempFile::new(path, FILE_MODE, "output_unwritable")?;
    drop(probe);
    Ok(())
}

/// Reads at most `limit` bytes from `path` (`-` is standard input); a larger
/// input is `input_too_large`, found while reading, so `/dev/zero` or an
/// endless pipe costs `limit` bytes, not all memory.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        return read_stream(std::io::stdin().lock(), limit, Path::new("standard input"));
    }
    let file = File::open(path).map_err(|e| Error::io("input_unreadable", "read", path, &e))?;
    read_stream(file, limit, path)
}

fn read_stream(reader: impl Read, limit: u64, name: &Path) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| Error::io("input_unreadable", "read", name, &e))?;
    if buf.len() as u64 > limit {
        return Err(Error::failed(
            "input_too_large",
            format!("{} is larger than the {limit}-byte limit", name.display()),
        ));
    }
    Ok(buf)
}

/// Refuses a directory or file that other users may write (and, for
/// `secret`, read): the state would not be the user's alone.
pub fn check_private(path: &Path, secret: bool) -> Result<()> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| Error::io("state_io", "inspect", path, &e))?;
    if meta.file_type().is_symlink() {
        return Err(Error::failed(
            "state_permissions",
            format!(
                "{} is a symbolic link; the state must be real files",
                path.display()
            ),
        ));
    }
    let mode = meta.permissions().mode() & 0o777;
    let forbidden = if secret { 0o077 } else { 0o022 };
    if mode & forbidden != 0 {
        let what = if secret {
            "readable or writable by other users"
        } else {
            "writable by other users"
        };
        let fix = if meta.is_dir() { "700" } else { "600" };
        return Err(Error::failed(
            "state_permissions",
            format!("{} is {what} (mode {mode:03o})", path.display()),
        )
        .with_hint(format!("chmod {fix} {}", path.display())));
    }
    Ok(())
}

/// Something to tell the user while waiting for a lock.
pub type WaitNotice = std::sync::Arc<dyn Fn(&str) + Send + Sync>;

/// How long to wait quietly before telling the user what is being waited for.
pub const WAIT_NOTICE_AFTER: Duration = Duration::from_secs(1);

/// Runs `attempt` until it stops returning `Ok(None)` (busy), calling
/// `notice` once after [`WAIT_NOTICE_AFTER`] with `what`.
pub fn wait_for<T>(
    what: &str,
    notice: Option<&WaitNotice>,
    mut attempt: impl FnMut() -> Result<Option<T>>,
) -> Result<T> {
    let start = Instant::now();
    let mut told = false;
    let mut pause = Duration::from_millis(2);
    loop {
        if let Some(done) = attempt()? {
            return Ok(done);
        }
        if !told && start.elapsed() >= WAIT_NOTICE_AFTER {
            if let Some(notice) = notice {
                notice(what);
            }
            told = true;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// An exclusive lock on a lock file, released on drop (or when the process
/// dies, even by `kill -9`).
#[derive(Debug)]
pub struct LockGuard {
    _file: File,
}

/// Takes the exclusive lock on `path` (created 0600 if missing), waiting as
/// long as it takes and telling `notice` after a second.
pub fn lock_file(path: &Path, what: &str, notice: Option<&WaitNotice>) -> Result<LockGuard> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(FILE_MODE)
        .open(path)
        .map_err(|e| Error::io("state_io", "open the lock", path, &e))?;
    wait_for(what, notice, || match file.try_lock() {
        Ok(()) => Ok(Some(())),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io("state_io", "lock", path, &e)),
    })?;
    Ok(LockGuard { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tempdir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("signet-fsio-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn private_files_are_0600_and_replace_atomically() {
        let dir = tempdir("private");
        let path = dir.join("a.json");
        write_private(&path, b"one").unwrap();
        write_private(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_planted_symlink_is_replaced_not_followed() {
        let dir = tempdir("symlink");
        let victim = dir.join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        let out = dir.join("f.p7s");
        std::os::unix::fs::symlink(&victim, &out).unwrap();
        write_output(&out, b"sig").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert!(!std::fs::symlink_metadata(&out).unwrap().file_type().is_symlink());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn limits_apply_while_reading() {
        let e = read_limited(Path::new("/dev/zero"), 1024).unwrap_err();
        assert_eq!(e.code(), "input_too_large");
        let dir = tempdir("limit");
        let f = dir.join("x");
        std::fs::write(&f, [1u8; 10]).unwrap();
        assert_eq!(read_limited(&f, 10).unwrap().len(), 10);
        assert_eq!(read_limited(&f, 9).unwrap_err().code(), "input_too_large");
        assert_eq!(
            read_limited(&dir.join("missing"), 9).unwrap_err().code(),
            "input_unreadable"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn other_writable_paths_are_refused() {
        let dir = tempdir("perm");
        let f = dir.join("key");
        std::fs::write(&f, b"k").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        check_private(&f, false).unwrap();
        assert_eq!(check_private(&f, true).unwrap_err().code(), "state_permissions");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        let e = check_private(&dir, false).unwrap_err();
        assert_eq!(e.hint(), Some(format!("chmod 700 {}", dir.display()).as_str()));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
