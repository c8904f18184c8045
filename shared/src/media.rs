//! What an uploaded file really is, from its first bytes, never from its name or the type the
//! sender claimed. Only raster images a browser shows safely are accepted: SVG can carry
//! script, so it is refused like any other type.

/// Largest image a question may carry.
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;

/// The content type of an image Vigil accepts, from its signature.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some("image/png"),
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some("image/gif"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}

/// Checks an image for a question: its size and its real type. The reason is worded for the
/// person who uploaded it.
pub fn check_image(name: &str, bytes: &[u8]) -> Result<&'static str, String> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(format!("{name} is larger than 5 MB."));
    }
    image_type(bytes).ok_or_else(|| format!("{name} is not a PNG, JPEG, GIF or WebP image."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_known_by_their_bytes_not_their_names() {
        assert_eq!(image_type(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(image_type(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(image_type(b"GIF89a...."), Some("image/gif"));
        assert_eq!(image_type(b"RIFF\x00\x00\x00\x00WEBPVP8 "), Some("image/webp"));
        assert_eq!(
            image_type(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>"),
            None
        );
        assert_eq!(image_type(b"<html>"), None);
        assert_eq!(image_type(b""), None);
        assert!(check_image("big.png", &vec![0x89; MAX_IMAGE_BYTES + 1])
            .unwrap_err()
            .contains("5 MB"));
        assert!(check_image("x.svg", b"<svg/>").unwrap_err().contains("not a PNG"));
    }
}
