//! `smithy-call s3 cp|upload|download` against a real moto server on
//! 127.0.0.1: a multipart upload and a ranged download of the same bytes, a
//! key taking the file's name, the JSON printed, no progress bar when
//! standard error is not a terminal, and the exit codes of what goes wrong.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use aws_generated::s3;
use aws_generated::s3::types as s3t;
use integration_tests::files;
use integration_tests::interop::{Moto, SKIP_NOTICE};

const MIB: usize = 1024 * 1024;

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    files::scratch("transfer-cli", name)
}

fn text(o: &Output) -> String {
    format!("exit {:?}\nstdout: {}\nstderr: {}", o.status.code(), String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn call(moto: &Moto, args: &[&str]) -> Output {
    Command::new(integration_tests::smithy_call_binary())
        .args(args)
        .args(["--endpoint", &moto.endpoint, "--region", "us-east-1"])
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env_remove("AWS_SESSION_TOKEN")
        .output()
        .expect("run smithy-call")
}

/// [`call`] with `input` on standard input.
fn call_with_stdin(moto: &Moto, args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(integration_tests::smithy_call_binary())
        .args(args)
        .args(["--endpoint", &moto.endpoint, "--region", "us-east-1"])
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env_remove("AWS_SESSION_TOKEN")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run smithy-call");
    child.stdin.take().expect("stdin").write_all(input).expect("write stdin");
    child.wait_with_output().expect("smithy-call output")
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cp_uploads_in_parts_and_downloads_in_ranges_the_same_bytes() {
    let Some(moto) = Moto::start() else {
        eprintln!("{SKIP_NOTICE}");
        return;
    };
    let client = s3::Client::new(moto.config());
    client.create_bucket_with(s3t::CreateBucketInput::new("cli-transfers")).await.expect("CreateBucket");
    let dir = scratch("roundtrip");
    let original: Vec<u8> = (0..(11 * MIB) as u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let source = dir.join("big.bin");
    std::fs::write(&source, &original).unwrap();
    let small = ["--part-size", "5MiB", "--multipart-threshold", "5MiB", "--concurrency", "2"];

    // To a "directory" key: the key takes the file's name.
    let out = call(&moto, &[&["s3", "cp", path(&source), "s3://cli-transfers/in/"][..], &small].concat());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let printed = json(&out);
    assert_eq!((printed["to"].as_str(), printed["size"].as_u64(), printed["parts"].as_u64()), (Some("s3://cli-transfers/in/big.bin"), Some(11 * MIB as u64), Some(3)), "{printed}");
    assert!(out.stderr.is_empty(), "no progress bar when stderr is not a terminal: {}", text(&out));

    // Down again, into an existing directory: the file takes the key's name.
    let down = dir.join("down");
    std::fs::create_dir(&down).unwrap();
    let out = call(&moto, &[&["s3", "download", "s3://cli-transfers/in/big.bin", path(&down)][..], &small].concat());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(json(&out)["parts"].as_u64(), Some(3), "{}", text(&out));
    assert!(std::fs::read(down.join("big.bin")).unwrap() == original, "the bytes came back unchanged");
    // The upload's full-object CRC32 (combined from the parts') is what the
    // store reports, and the download was checked against it.
    let crc = printed["checksumCRC32"].as_str().expect("the upload's CRC32").to_string();
    assert_eq!(json(&out)["checksumVerified"], serde_json::json!({"algorithm": "CRC32", "value": crc}), "{}", text(&out));

    // Into a folder that does not exist yet: it is made, as `aws s3 cp` does.
    let out = call(&moto, &["s3", "cp", "s3://cli-transfers/in/big.bin", &format!("{}/", path(&dir.join("new/deeper")))]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(std::fs::read(dir.join("new/deeper/big.bin")).unwrap() == original);
    // `-`: standard output (the object's bytes and nothing else), standard input (a key is needed).
    let out = call(&moto, &["s3", "cp", "s3://cli-transfers/in/big.bin", "-"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout == original, "the object on standard output, byte for byte");
    let piped = call_with_stdin(&moto, &["s3", "cp", "-", "s3://cli-transfers/piped.txt"], b"from a pipe");
    assert_eq!(piped.status.code(), Some(0), "{}", text(&piped));
    let back = call(&moto, &["s3", "cp", "s3://cli-transfers/piped.txt", "-"]);
    assert_eq!(back.stdout, b"from a pipe");
    let out = call_with_stdin(&moto, &["s3", "cp", "-", "s3://cli-transfers/folder/"], b"x");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    // A folder without --recursive; a part size S3 refuses.
    let out = call(&moto, &["s3", "cp", path(&down), "s3://cli-transfers/x"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a directory: add --recursive"), "{}", text(&out));
    let out = call(&moto, &["s3", "cp", path(&source), "s3://cli-transfers/x", "--part-size", "1MiB"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));

    // `upload` and `download` check the direction; a prefix needs --recursive.
    let out = call(&moto, &["s3", "upload", "s3://cli-transfers/in/big.bin", path(&down)]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = call(&moto, &["s3", "cp", "s3://cli-transfers/in/", path(&down)]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("add --recursive"), "{}", text(&out));

    // The service refuses: exit 1, the error names the object; nothing is written.
    let out = call(&moto, &["s3", "cp", "s3://cli-transfers/no-such-key", path(&dir.join("missing.bin"))]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("download of s3://cli-transfers/no-such-key"), "{}", text(&out));
    assert!(!dir.join("missing.bin").exists());
    // A local file that is not there: exit 2, nothing sent.
    let out = call(&moto, &["s3", "cp", path(&dir.join("absent.bin")), "s3://cli-transfers/x"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    // Another service has no transfer commands.
    let out = call(&moto, &["sts", "cp", "a", "s3://b/k"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sts has no transfer commands"), "{}", text(&out));
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cp_recursive_copies_a_tree_with_filters_both_ways() {
    let Some(moto) = Moto::start() else {
        eprintln!("{SKIP_NOTICE}");
        return;
    };
    let client = s3::Client::new(moto.config());
    client.create_bucket_with(s3t::CreateBucketInput::new("cli-trees")).await.expect("CreateBucket");
    let dir = scratch("tree");
    let tree = dir.join("tree");
    std::fs::create_dir_all(tree.join("docs/deep")).unwrap();
    std::fs::write(tree.join("a.txt"), b"alpha").unwrap();
    std::fs::write(tree.join("docs/b.txt"), b"bravo").unwrap();
    std::fs::write(tree.join("docs/deep/c.txt"), b"charlie").unwrap();
    std::fs::write(tree.join("docs/skip.tmp"), b"not sent").unwrap();
    std::fs::write(tree.join("empty.txt"), b"").unwrap();

    let out = call(&moto, &["s3", "cp", path(&tree), "s3://cli-trees/backup", "--recursive", "--exclude", "*.tmp"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let printed = json(&out);
    assert_eq!((printed["succeeded"].as_u64(), printed["failed"].as_u64()), (Some(4), Some(0)), "{printed}");
    let keys: Vec<&str> = printed["objects"].as_array().unwrap().iter().map(|o| o["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["backup/a.txt", "backup/docs/b.txt", "backup/docs/deep/c.txt", "backup/empty.txt"]);

    // Back down, only the docs: the tree under the target mirrors the keys.
    let down = dir.join("down");
    let out = call(&moto, &["s3", "cp", "s3://cli-trees/backup/", path(&down), "-r", "--exclude", "*", "--include", "docs/*"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(std::fs::read(down.join("docs/b.txt")).unwrap(), b"bravo");
    assert_eq!(std::fs::read(down.join("docs/deep/c.txt")).unwrap(), b"charlie");
    assert!(!down.join("a.txt").exists() && !down.join("empty.txt").exists(), "filtered out");

    // A hostile key is reported for that object (exit 1) and nothing lands outside the target.
    client.put_object().bucket("cli-trees").key("backup/../escaped.txt").body(b"evil".to_vec()).send().await.expect("PutObject");
    let out = call(&moto, &["s3", "cp", "s3://cli-trees/backup", path(&down), "--recursive"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("backup/../escaped.txt"), "{}", text(&out));
    assert!(!dir.join("escaped.txt").exists(), "nothing written outside the target");
    assert_eq!(std::fs::read(down.join("a.txt")).unwrap(), b"alpha", "the other objects still came");
    std::fs::remove_dir_all(&dir).ok();
}
