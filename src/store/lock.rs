//! One program at a time per data folder. The lock is taken before sled opens,
//! so a second copy never touches the data. The OS drops it if the program dies.

use super::StoreError;
use std::fs::{File, TryLockError};
use std::path::Path;

pub const LOCK_FILE: &str = "thinkbaby.lock";

#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

pub fn acquire(dir: &Path) -> Result<DirLock, StoreError> {
    let path = dir.join(LOCK_FILE);
    let mut options = File::options();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(&path).map_err(|e| StoreError::io(dir, e))?;
    match file.try_lock() {
        Ok(()) => Ok(DirLock { _file: file }),
        Err(TryLockError::WouldBlock) => Err(StoreError::Locked(dir.to_path_buf())),
        Err(TryLockError::Error(e)) => Err(StoreError::io(dir, e)),
    }
}
