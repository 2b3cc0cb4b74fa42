//! File paths written as URIs: percent-encoded segment by segment, so any name a file system
//! allows (`#`, `?`, spaces, bytes that are not UTF-8) survives the trip.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
use std::path::{Component, Path};

/// The bytes a path segment keeps as they are in a URI: letters, digits, `-._~`.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path as a URI path: segments percent-encoded (`#`, `?`, `%`, spaces, `:`, non-ASCII and
/// non-UTF-8 bytes), joined with `/`.
pub fn encode_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.components() {
        match c {
            Component::RootDir => out.push('/'),
            Component::Normal(segment) => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(&encode_segment(segment));
            }
            Component::CurDir | Component::ParentDir | Component::Prefix(_) => {}
        }
    }
    out
}

#[cfg(unix)]
fn encode_segment(segment: &std::ffi::OsStr) -> String {
    use std::os::unix::ffi::OsStrExt;
    percent_encoding::percent_encode(segment.as_bytes(), SEGMENT).to_string()
}

#[cfg(not(unix))]
fn encode_segment(segment: &std::ffi::OsStr) -> String {
    percent_encoding::utf8_percent_encode(&segment.to_string_lossy(), SEGMENT).to_string()
}

/// An absolute path as a `file:` URI.
pub fn file_uri(path: &Path) -> String {
    format!("file://{}", encode_path(path))
}

#[cfg(test)]
mod tests {
    use super::encode_path;
    use std::path::Path;

    #[test]
    fn paths_are_percent_encoded_by_segment() {
        assert_eq!(
            encode_path(Path::new("we#ird?dir/a b.policy")),
            "we%23ird%3Fdir/a%20b.policy"
        );
        assert_eq!(
            encode_path(Path::new("/r/é:x/p.policy")),
            "/r/%C3%A9%3Ax/p.policy"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_segment_that_is_not_utf8_is_encoded_byte_by_byte() {
        use std::os::unix::ffi::OsStrExt;
        let p = Path::new(std::ffi::OsStr::from_bytes(b"x\xff.policy"));
        assert_eq!(encode_path(p), "x%FF.policy");
    }
}
