//! Request changes AWS SDKs make for particular services beyond their
//! models (called by the generated code of those services).

use crate::request::PreparedRequest;

/// Glacier uploads (`UploadArchive`, `UploadMultipartPart`): the body's
/// SHA-256 (`x-amz-content-sha256`) and its SHA-256 tree hash over 1 MiB
/// chunks (`x-amz-sha256-tree-hash`), hex, unless the caller set them.
pub fn glacier_checksums(request: &mut PreparedRequest) {
    let Some(body) = &request.body else { return };
    let linear = hex(ring::digest::digest(&ring::digest::SHA256, body).as_ref());
    let tree = hex(&tree_hash(body));
    request.default_header("x-amz-content-sha256", &linear);
    request.default_header("x-amz-sha256-tree-hash", &tree);
}

/// The SHA-256 tree hash Glacier defines: hash each 1 MiB chunk, then hash
/// adjacent pairs level by level until one hash remains (an odd one out
/// moves up unchanged). An empty body hashes as one empty chunk.
pub fn tree_hash(body: &[u8]) -> [u8; 32] {
    const MIB: usize = 1024 * 1024;
    let digest = |data: &[u8]| -> [u8; 32] {
        let d = ring::digest::digest(&ring::digest::SHA256, data);
        let mut out = [0u8; 32];
        out.copy_from_slice(d.as_ref());
        out
    };
    let mut level: Vec<[u8; 32]> = if body.is_empty() { vec![digest(b"")] } else { body.chunks(MIB).map(digest).collect() };
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => {
                    let mut joined = [0u8; 64];
                    joined[..32].copy_from_slice(a);
                    joined[32..].copy_from_slice(b);
                    digest(&joined)
                }
                // An odd one out moves up; `chunks` yields no empty slice.
                [a, ..] => *a,
                [] => digest(b""),
            })
            .collect();
    }
    level.first().copied().unwrap_or_else(|| digest(b""))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_hash_of_one_chunk_is_the_linear_hash_and_pairs_combine() {
        let one = b"hello world";
        assert_eq!(hex(&tree_hash(one)), "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
        // Three chunks: H(H(c1 ++ c2) ++ c3).
        let body = vec![7u8; 2 * 1024 * 1024 + 5];
        let h = |d: &[u8]| ring::digest::digest(&ring::digest::SHA256, d).as_ref().to_vec();
        let (c1, c2, c3) = (h(&body[..1 << 20]), h(&body[1 << 20..2 << 20]), h(&body[2 << 20..]));
        let top = h(&[h(&[c1, c2].concat()), c3].concat());
        assert_eq!(tree_hash(&body).to_vec(), top);
    }
}
