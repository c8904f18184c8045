//! Puts rustface's SeetaFace frontal model beside this crate's build output, so `lib.rs` can
//! embed it: the wasm file the browser fetches is then the detector and its model in one.
//!
//! The model ships inside the rustface crate, which Cargo has unpacked under
//! `$CARGO_HOME/registry/src/<index>/rustface-<version>/`; the version is the one Cargo.lock
//! resolved. `VIGIL_FACE_MODEL=/path/to/seeta_fd_frontal_v1.0.bin` overrides the search (a
//! vendored or offline build).

use std::path::{Path, PathBuf};

const MODEL: &str = "model/seeta_fd_frontal_v1.0.bin";

fn main() {
    println!("cargo:rerun-if-env-changed=VIGIL_FACE_MODEL");
    let source = match std::env::var_os("VIGIL_FACE_MODEL") {
        Some(path) => PathBuf::from(path),
        None => find_in_registry().unwrap_or_else(|why| {
            panic!("the face model was not found ({why}); set VIGIL_FACE_MODEL to its path")
        }),
    };
    println!("cargo:rerun-if-changed={}", source.display());
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::copy(&source, out.join("seeta_fd_frontal.bin"))
        .unwrap_or_else(|e| panic!("copying the face model from {}: {e}", source.display()));
}

fn find_in_registry() -> Result<PathBuf, String> {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").ok_or("no CARGO_MANIFEST_DIR")?);
    let lock = manifest
        .ancestors()
        .map(|dir| dir.join("Cargo.lock"))
        .find(|p| p.is_file())
        .ok_or("no Cargo.lock above the crate")?;
    println!("cargo:rerun-if-changed={}", lock.display());
    let version = rustface_version(&std::fs::read_to_string(&lock).map_err(|e| e.to_string())?)
        .ok_or("Cargo.lock names no rustface")?;
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .ok_or("neither CARGO_HOME nor HOME is set")?;
    let registry = home.join("registry").join("src");
    let indexes = std::fs::read_dir(&registry).map_err(|e| format!("{}: {e}", registry.display()))?;
    indexes
        .filter_map(Result::ok)
        .map(|index| index.path().join(format!("rustface-{version}")).join(MODEL))
        .find(|p| p.is_file())
        .ok_or_else(|| format!("no rustface-{version} under {}", registry.display()))
}

/// The version after `name = "rustface"` in a Cargo.lock.
fn rustface_version(lock: &str) -> Option<String> {
    let mut lines = lock.lines();
    lines.find(|l| l.trim() == "name = \"rustface\"")?;
    let line = lines.next()?.trim();
    Some(line.strip_prefix("version = \"")?.strip_suffix('"')?.to_string())
}
