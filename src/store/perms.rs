//! The data folder is for the facilitator's account alone. On Unix it is made
//! 0700 and every file in it 0600: sled's `db`, `conf` and `snap.*` files, the
//! lock file and the keyring's copy. The program sets a umask of 077 when it
//! starts (`cli::commands::run`), so what sled creates later is private too;
//! here, what an older version or another umask left open is tightened.
//!
//! On Windows the folder sits in the user's profile, which other users of the
//! laptop cannot open; nothing is changed there (see the README).

use super::StoreError;
use std::path::Path;

/// Makes `dir` (created if missing) private and removes any half-written file
/// an earlier run left in it. Returns a line for the user when something in
/// it could be read by others, now tightened.
pub fn secure(dir: &Path) -> Result<Option<String>, StoreError> {
    let mut new = std::fs::DirBuilder::new();
    new.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut new, 0o700);
    new.create(dir).map_err(|e| StoreError::io(dir, e))?;
    crate::whole_file::sweep(dir, None);
    let opened = tighten(dir).map_err(|e| StoreError::io(dir, e))?;
    Ok(opened.then(|| {
        format!(
            "the data folder {} could be read by other users of this computer: it is now yours alone",
            dir.display()
        )
    }))
}

/// True when `path` itself was open to others: what is inside a private folder
/// cannot be reached, so a loose file or folder in it (sled's, made by a program
/// without our umask) is tightened without a word.
#[cfg(unix)]
fn tighten(path: &Path) -> std::io::Result<bool> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Ok(false);
    }
    let private = if meta.is_dir() { 0o700 } else { 0o600 };
    let mode = meta.permissions().mode() & 0o777;
    let opened = mode & 0o077 != 0;
    if opened {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & private))?;
    }
    if meta.is_dir() {
        for entry in std::fs::read_dir(path)? {
            tighten(&entry?.path())?;
        }
    }
    Ok(opened)
}

#[cfg(not(unix))]
fn tighten(_path: &Path) -> std::io::Result<bool> {
    Ok(false)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &std::path::Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_folder_is_private_without_a_word() {
        let top = tempfile::tempdir().unwrap();
        let dir = top.path().join("new").join("data");
        assert_eq!(super::secure(&dir).unwrap(), None);
        assert_eq!(mode(&dir), 0o700);
    }

    #[test]
    fn an_open_folder_is_made_private_once() {
        let top = tempfile::tempdir().unwrap();
        let dir = top.path().join("data");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        for name in ["db", "conf", "snap.0000000000000A2C", "thinkbaby.lock"] {
            std::fs::write(dir.join(name), b"").unwrap();
            std::fs::set_permissions(dir.join(name), std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        let said = super::secure(&dir).unwrap().expect("a line saying so");
        assert!(said.contains("could be read by other users"), "{said}");
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("db")), 0o600);
        assert_eq!(mode(&dir.join("snap.0000000000000A2C")), 0o600);
        assert_eq!(super::secure(&dir).unwrap(), None, "said once");
        // A loose file in a private folder: tightened, nothing to say.
        std::fs::set_permissions(dir.join("db"), std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(super::secure(&dir).unwrap(), None);
        assert_eq!(mode(&dir.join("db")), 0o600);
    }
}
