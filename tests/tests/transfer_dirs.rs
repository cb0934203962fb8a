//! Directory transfers (`TransferManager::upload_dir` / `download_dir`, the
//! generated client's `ListObjectsV2`) against a real moto server on
//! 127.0.0.1: a tree with nested folders, an empty file and a multipart file
//! goes up under a prefix (a filter leaving some out) and comes back byte
//! for byte; keys put by someone hostile (`../escape`, `a/../../x`, `h//abs`
//! with an empty segment after the prefix, a folder marker) are each refused
//! or skipped and nothing is written
//! outside the target; more than a page of objects (1,001: ListObjectsV2
//! pages hold 1,000) is listed through its continuation token. Skipped with
//! a notice without the interop Python environment.

use std::path::PathBuf;

use aws_generated::s3::transfer::{DirectoryOptions, SkipReason, TransferConfig};
use aws_generated::s3::{self, types as s3t};
use integration_tests::files::{self, payload, write, tree};
use integration_tests::interop::{Moto, SKIP_NOTICE};

const MIB: usize = 1024 * 1024;
const BUCKET: &str = "dirs";

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    files::scratch("transfer-dirs", name)
}

async fn start() -> Option<(Moto, s3::Client)> {
    let Some(moto) = Moto::start() else {
        eprintln!("{SKIP_NOTICE}");
        return None;
    };
    let client = s3::Client::new(moto.config());
    client.create_bucket_with(s3t::CreateBucketInput::new(BUCKET)).await.expect("CreateBucket");
    Some((moto, client))
}

async fn keys(client: &s3::Client, prefix: &str) -> Vec<String> {
    let mut input = s3t::ListObjectsV2Input::new(BUCKET);
    input.prefix = Some(prefix.to_string());
    let out = client.list_objects_v2_with(input).await.expect("ListObjectsV2");
    out.contents.unwrap_or_default().into_iter().filter_map(|o| o.key).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tree_goes_up_under_a_prefix_and_comes_back_byte_for_byte() {
    let Some((_moto, client)) = start().await else { return };
    let dir = scratch("round-trip");
    let src = dir.join("src");
    write(&src.join("top.txt"), b"top");
    write(&src.join("empty"), b"");
    write(&src.join("a/b/c/deep.txt"), &payload(70_000, 1));
    write(&src.join("a/big.bin"), &payload(6 * MIB, 2));
    write(&src.join("a/b/leave-out.tmp"), b"filtered");
    write(&src.join("spaces and ünïcode/x y.txt"), b"names");
    let config = TransferConfig::new().with_multipart_threshold(5 * MIB as u64).with_part_size(5 * MIB as u64).with_concurrency(3);
    let manager = client.transfer_manager().with_config(config);
    let options = DirectoryOptions::new().with_filter(|rel| !rel.ends_with(".tmp"));
    let out = manager.upload_dir_with(BUCKET, "backup", &src, &options).await.expect("upload_dir");
    assert_eq!((out.succeeded(), out.failed()), (5, 0), "{out:?}");
    let expected_keys = ["backup/a/b/c/deep.txt", "backup/a/big.bin", "backup/empty", "backup/spaces and ünïcode/x y.txt", "backup/top.txt"];
    assert_eq!(out.objects.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(), expected_keys);
    assert_eq!(keys(&client, "backup/").await, expected_keys, "what the bucket holds");
    // The big file went in parts: its ETag ends with the number of parts.
    let head = client.head_object_with(s3t::HeadObjectInput::new(BUCKET, "backup/a/big.bin")).await.expect("HeadObject");
    assert!(head.e_tag.as_deref().is_some_and(|e| e.trim_matches('"').ends_with("-2")), "{:?}", head.e_tag);

    // A prefix without the slash means the same folder.
    let back = dir.join("back");
    let out = manager.download_dir(BUCKET, "backup", &back).await.expect("download_dir");
    assert_eq!((out.succeeded(), out.failed()), (5, 0), "{out:?}");
    let mut expected = tree(&src);
    expected.remove("a/b/leave-out.tmp");
    assert_eq!(tree(&back), expected, "the tree comes back byte for byte");

    // A filter on the way down too.
    let only_a = dir.join("only-a");
    let out = manager.download_dir_with(BUCKET, "backup/", &only_a, &DirectoryOptions::new().with_filter(|rel| rel.starts_with("a/"))).await.expect("filtered");
    assert_eq!(out.objects.len(), 2);
    assert_eq!(tree(&only_a).into_keys().collect::<Vec<_>>(), ["a/b/c/deep.txt", "a/big.bin"]);
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_keys_are_refused_and_nothing_lands_outside_the_target() {
    let Some((_moto, client)) = start().await else { return };
    let dir = scratch("hostile");
    let target = dir.join("target");
    let hostile = ["h/../escape", "h/a/../../x", "h//abs", "h/dir/", "h/..", "h/ok/file.txt"];
    for key in hostile {
        let mut input = s3t::PutObjectInput::new(BUCKET, key);
        input.body = Some(b"evil".to_vec().into());
        client.put_object_with(input).await.unwrap_or_else(|e| panic!("PutObject {key:?}: {e}"));
    }
    let stored = keys(&client, "h/").await;
    assert_eq!(stored.len(), hostile.len(), "moto stores each key as sent: {stored:?}");
    let out = client.transfer_manager().download_dir(BUCKET, "h", &target).await.expect("download_dir");
    let results: Vec<(&str, bool)> = out.objects.iter().map(|o| (o.key.as_str(), o.result.is_ok())).collect();
    assert_eq!(results, [("h/..", false), ("h/../escape", false), ("h//abs", false), ("h/a/../../x", false), ("h/ok/file.txt", true)]);
    for failed in out.failures() {
        let e = failed.result.as_ref().unwrap_err().to_string();
        assert!(e.contains("cannot be written safely under the folder") && failed.path.is_none(), "{e}");
    }
    // `h//abs` under `h/`: an empty segment right after the prefix, not an absolute path.
    let e = out.objects.iter().find(|o| o.key == "h//abs").unwrap().result.as_ref().unwrap_err().to_string();
    assert!(e.contains("an empty path segment right after the prefix \"h/\"") && !e.contains("absolute"), "{e}");
    assert_eq!(out.skipped.iter().map(|s| (s.key.as_str(), s.reason)).collect::<Vec<_>>(), [("h/dir/", SkipReason::FolderMarker)]);
    assert_eq!(tree(&target).into_keys().collect::<Vec<_>>(), ["ok/file.txt"]);
    let beside: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(beside, ["target"], "nothing written beside the target");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_a_page_of_objects_is_listed_and_fetched() {
    let Some((_moto, client)) = start().await else { return };
    let dir = scratch("many");
    let src = dir.join("src");
    for i in 0..1001 {
        write(&src.join(format!("d{}/f{i:04}", i % 10)), format!("object {i}").as_bytes());
    }
    let manager = client.transfer_manager().with_config(TransferConfig::new().with_concurrency(16));
    let out = manager.upload_dir(BUCKET, "many", &src).await.expect("upload_dir");
    assert_eq!((out.succeeded(), out.failed()), (1001, 0));
    let first = client.list_objects_v2_with(s3t::ListObjectsV2Input::new(BUCKET)).await.expect("ListObjectsV2");
    assert_eq!((first.is_truncated, first.contents.map(|c| c.len())), (Some(true), Some(1000)), "one page does not hold them all");
    let back = dir.join("back");
    let out = manager.download_dir(BUCKET, "many", &back).await.expect("download_dir");
    assert_eq!((out.succeeded(), out.failed()), (1001, 0), "both pages of the listing");
    assert_eq!(tree(&back), tree(&src));
    std::fs::remove_dir_all(&dir).ok();
}
