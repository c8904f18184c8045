//! QTI content packages: a zip holding `imsmanifest.xml`, the item files it lists and their
//! media. Read in memory, never unpacked to disk, with limits an attacker cannot get past: the
//! archive's size, the number of entries, each entry's and the total uncompressed size, the
//! compression ratio (zip bombs), and paths that would leave the package (zip slip) or point
//! outside it.

use super::{item_into, key, Media};
use crate::import::{Location, Parsed};
use std::collections::HashSet;
use std::io::{Cursor, Read};
use zip::ZipArchive;

pub const MAX_PACKAGE_BYTES: usize = 64 * 1024 * 1024;
pub const MAX_ENTRIES: usize = 10_000;
pub const MAX_ENTRY_BYTES: u64 = 16 * 1024 * 1024;
pub const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;
/// Real XML compresses about 10:1 and images hardly at all; a hundredfold is a bomb.
pub const MAX_RATIO: u64 = 100;

/// `href` taken relative to the folder `base` (`""` for the package's root), or `None` when it
/// is absolute, names another host or climbs out of the package.
pub fn resolve(base: &str, href: &str) -> Option<String> {
    let href = href.split(['?', '#']).next().unwrap_or_default();
    if href.is_empty() || href.starts_with('/') || href.contains(['\\', ':']) {
        return None;
    }
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    for segment in href.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn folder_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    /// Entry names that stay inside the package; nothing else is ever read.
    names: HashSet<String>,
    read_total: u64,
    /// The folder of the item being read, for its relative references.
    base: String,
}

impl Package<'_> {
    fn read(&mut self, name: &str) -> Result<Vec<u8>, String> {
        if !self.names.contains(name) {
            return Err(format!("{name} is not in the package."));
        }
        let mut file = self
            .archive
            .by_name(name)
            .map_err(|e| format!("{name} cannot be read: {e}."))?;
        if file.size() > MAX_ENTRY_BYTES {
            return Err(format!("{name} is larger than 16 MB uncompressed."));
        }
        let compressed = file.compressed_size().max(1);
        let mut bytes = Vec::new();
        // The sizes in the header are the sender's word: read no more than the limit allows.
        (&mut file)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{name} is damaged: {e}."))?;
        let len = bytes.len() as u64;
        if len > MAX_ENTRY_BYTES {
            return Err(format!("{name} is larger than 16 MB uncompressed."));
        }
        if len > 1024 * 1024 && len / compressed > MAX_RATIO {
            return Err(format!(
                "{name} expands more than a hundredfold (a zip bomb?): the package was refused."
            ));
        }
        self.read_total = self.read_total.saturating_add(len);
        if self.read_total > MAX_TOTAL_BYTES {
            return Err("The package holds more than 256 MB uncompressed.".into());
        }
        Ok(bytes)
    }
}

impl Media for Package<'_> {
    fn fetch(&mut self, href: &str) -> Option<(String, Vec<u8>)> {
        let path = resolve(&self.base, href)?;
        let bytes = self.read(&path).ok()?;
        let name = path.rsplit('/').next()?.to_string();
        Some((name, bytes))
    }
}

/// Parses a QTI package (zip).
pub fn parse_package(bytes: &[u8]) -> Parsed {
    let mut parsed = Parsed::default();
    if bytes.len() > MAX_PACKAGE_BYTES {
        parsed.skip(Location::Whole, "The package is larger than 64 MB.");
        return parsed;
    }
    let archive = match ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => {
            parsed.skip(Location::Whole, format!("This is not a zip package: {e}."));
            return parsed;
        }
    };
    if archive.len() > MAX_ENTRIES {
        parsed.skip(Location::Whole, "The package has more than 10,000 files.");
        return parsed;
    }
    let mut names = HashSet::new();
    for name in archive.file_names() {
        // Only names that `resolve` would produce itself: relative, no `..`, no backslash.
        if resolve("", name).as_deref() == Some(name) {
            names.insert(name.to_string());
        } else {
            parsed.skip(
                Location::Entry(name.to_string()),
                "This file's path leaves the package: it was ignored.",
            );
        }
    }
    let mut package = Package {
        archive,
        names,
        read_total: 0,
        base: String::new(),
    };
    let manifest = match package.read("imsmanifest.xml").map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => {
            parsed.skip(
                Location::Entry("imsmanifest.xml".into()),
                "The manifest is not UTF-8.",
            );
            return parsed;
        }
        Err(reason) => {
            parsed.skip(
                Location::Whole,
                format!("No readable imsmanifest.xml at the package's root: {reason}"),
            );
            return parsed;
        }
    };
    let items = match manifest_items(&manifest) {
        Ok(items) => items,
        Err(reason) => {
            parsed.skip(Location::Entry("imsmanifest.xml".into()), reason);
            return parsed;
        }
    };
    if items.is_empty() {
        parsed.skip(
            Location::Entry("imsmanifest.xml".into()),
            "The manifest lists no QTI items.",
        );
    }
    for href in items {
        let location = Location::Entry(href.clone());
        let text = match package.read(&href).map(String::from_utf8) {
            Ok(Ok(text)) => text,
            Ok(Err(_)) => {
                parsed.skip(location, "The item is not UTF-8.");
                continue;
            }
            Err(reason) => {
                let whole = reason.contains("zip bomb") || reason.contains("256 MB");
                parsed.skip(location, reason);
                if whole {
                    parsed.questions.clear();
                    return parsed;
                }
                continue;
            }
        };
        package.base = folder_of(&href).to_string();
        item_into(&text, location, &mut package, &mut parsed);
    }
    parsed
}

/// The item files a manifest lists, in its order, as paths inside the package.
fn manifest_items(manifest: &str) -> Result<Vec<String>, String> {
    let doc = crate::import::xml(manifest, 500_000).map_err(|reason| format!("The manifest {reason}"))?;
    let mut items = Vec::new();
    for resource in doc
        .descendants()
        .filter(|n| n.is_element() && key(n.tag_name().name()) == "resource")
    {
        let kind = resource.attribute("type").unwrap_or_default();
        if !kind.starts_with("imsqti_item") {
            continue;
        }
        let href = resource.attribute("href").or_else(|| {
            resource
                .children()
                .find(|c| c.is_element() && c.tag_name().name() == "file")
                .and_then(|f| f.attribute("href"))
        });
        match href.and_then(|h| resolve("", h)) {
            Some(path) if !items.contains(&path) => items.push(path),
            Some(_) => {}
            None => {
                return Err(format!(
                    "A resource's path {:?} leaves the package.",
                    href.unwrap_or_default()
                ))
            }
        }
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_package() {
        assert_eq!(
            resolve("items", "../images/a.png").as_deref(),
            Some("images/a.png")
        );
        assert_eq!(resolve("items", "./a.png").as_deref(), Some("items/a.png"));
        assert_eq!(resolve("", "../a.png"), None);
        assert_eq!(resolve("items", "../../a.png"), None);
        assert_eq!(resolve("", "/etc/passwd"), None);
        assert_eq!(resolve("", "C:\\evil"), None);
        assert_eq!(resolve("", "https://evil.example/a.png"), None);
        assert_eq!(resolve("", "a.png#frag").as_deref(), Some("a.png"));
    }
}
