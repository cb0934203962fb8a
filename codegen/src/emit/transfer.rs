//! S3's transfer manager (`src/s3/transfer.rs`, when `ServiceIr::transfer`):
//! the runtime's `ObjectStore` implemented for the client, one operation
//! call per method, and `Client::transfer_manager()`. The engine (parts,
//! concurrency, aborts, ranges, files) is the runtime's
//! (`smithy_gen_runtime::transfer`).

use proc_macro2::TokenStream;
use quote::quote;

use super::client::input_fn;
use super::rust_type::ident;
use crate::ir::{OperationIr, ServiceIr, TRANSFER_OPERATIONS};

/// The `#[cfg(...)]` of the `transfer` module: every operation it calls.
pub fn module_cfg(svc: &ServiceIr) -> TokenStream {
    let mut features: Vec<&str> = svc.operations.iter().filter(|o| TRANSFER_OPERATIONS.contains(&o.name.as_str())).map(|o| o.feature.as_str()).collect();
    features.sort_unstable();
    features.dedup();
    if svc.operations.len() == 1 || features.is_empty() {
        return TokenStream::new();
    }
    quote!(#[cfg(all(#(feature = #features),*))])
}

pub fn transfer_file(svc: &ServiceIr) -> Option<TokenStream> {
    if !svc.transfer {
        return None;
    }
    let op = |name: &str| svc.operations.iter().find(|o| o.name == name);
    let (put, create, part, complete, abort, head, get, list) = (
        op("PutObject")?,
        op("CreateMultipartUpload")?,
        op("UploadPart")?,
        op("CompleteMultipartUpload")?,
        op("AbortMultipartUpload")?,
        op("HeadObject")?,
        op("GetObject")?,
        op("ListObjectsV2")?,
    );
    // Each call: the input type, the `<op>_with` method and the operation's name.
    let call = |o: &OperationIr| (ident(&o.input), ident(&input_fn(svc, o)), o.name.clone());
    let (put_in, put_fn, put_name) = call(put);
    let (create_in, create_fn, create_name) = call(create);
    let (part_in, part_fn, part_name) = call(part);
    let (complete_in, complete_fn, complete_name) = call(complete);
    let (abort_in, abort_fn, abort_name) = call(abort);
    let (head_in, head_fn, head_name) = call(head);
    let (get_in, _, get_name) = call(get);
    let (list_in, list_fn, list_name) = call(list);
    let get_stream = ident(&format!("{}_stream", get.fn_name.trim_end_matches('_')));
    Some(quote! {
        //! Large objects at full speed: `client.transfer_manager()` uploads
        //! files and buffers in concurrent multipart parts and downloads
        //! objects in concurrent ranges pinned to their ETag, with bounded
        //! memory; failed multipart uploads are aborted. The engine is
        //! `smithy_gen_runtime::transfer`'s; this module connects it to the
        //! client (each part and range is one call, retried by the client's
        //! retry policy). `upload_dir` and `download_dir` move folders under
        //! a key prefix and back (listing with `ListObjectsV2`).
        use ::smithy_gen_runtime::transfer::{BoxFuture, Bytes, ListedObject, ObjectInfo, ObjectPage, RangeBody};
        pub use ::smithy_gen_runtime::transfer::{
            CancelHandle, CompletedPart, DirectoryOptions, DirectoryOutput, DownloadOutput, FullChecksum, ObjectResult, ObjectStore, PartResult,
            Progress, SkipReason, Skipped, StoreError, TransferConfig, TransferError, TransferErrorKind, TransferManager,
            UploadOutput, MAX_PARTS, MAX_PART_SIZE, MIN_PART_SIZE, RANGE_RETRIES,
        };

        use super::{types, Client};

        impl Client {
            /// A transfer manager over this client, with the default
            /// [`TransferConfig`] (set another with `.with_config(…)`).
            pub fn transfer_manager(&self) -> TransferManager<Client> {
                TransferManager::new(self.clone())
            }
        }

        impl ObjectStore for Client {
            fn put_object<'a>(&'a self, bucket: &'a str, key: &'a str, body: Bytes, checksum_crc32: &'a str) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
                Box::pin(async move {
                    let mut input = types::#put_in::new(bucket, key);
                    input.body = Some(body.into());
                    input.checksum_algorithm = Some(types::ChecksumAlgorithm::Crc32);
                    input.checksum_crc32 = Some(checksum_crc32.to_string());
                    let out = self.#put_fn(input).await.map_err(|e| StoreError::from_operation(#put_name, e))?;
                    Ok(out.e_tag)
                })
            }
            fn create_multipart_upload<'a>(&'a self, bucket: &'a str, key: &'a str) -> BoxFuture<'a, Result<String, StoreError>> {
                Box::pin(async move {
                    // The parts carry CRC32s: the upload must name the algorithm,
                    // or S3 rejects CompleteMultipartUpload; the object gets a
                    // full-object CRC32 (combined from the parts').
                    let mut input = types::#create_in::new(bucket, key);
                    input.checksum_algorithm = Some(types::ChecksumAlgorithm::Crc32);
                    input.checksum_type = Some(types::ChecksumType::FullObject);
                    let out = self.#create_fn(input).await.map_err(|e| StoreError::from_operation(#create_name, e))?;
                    out.upload_id.ok_or_else(|| StoreError::new(#create_name, "the response has no UploadId"))
                })
            }
            fn upload_part<'a>(&'a self, bucket: &'a str, key: &'a str, upload_id: &'a str, part_number: u32, body: Bytes, checksum_crc32: &'a str) -> BoxFuture<'a, Result<PartResult, StoreError>> {
                Box::pin(async move {
                    let number = i32::try_from(part_number).map_err(|_| StoreError::new(#part_name, "part number out of range"))?;
                    let mut input = types::#part_in::new(bucket, key, number, upload_id);
                    input.body = Some(body.into());
                    // Given, so the client does not compute it again.
                    input.checksum_algorithm = Some(types::ChecksumAlgorithm::Crc32);
                    input.checksum_crc32 = Some(checksum_crc32.to_string());
                    let out = self.#part_fn(input).await.map_err(|e| StoreError::from_operation(#part_name, e))?;
                    let e_tag = out.e_tag.ok_or_else(|| StoreError::new(#part_name, "the response has no ETag"))?;
                    Ok(PartResult { e_tag, checksum_crc32: out.checksum_crc32 })
                })
            }
            fn complete_multipart_upload<'a>(&'a self, bucket: &'a str, key: &'a str, upload_id: &'a str, parts: Vec<CompletedPart>, checksum_crc32: &'a str, size: u64) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
                Box::pin(async move {
                    let mut input = types::#complete_in::new(bucket, key, upload_id);
                    input.checksum_crc32 = Some(checksum_crc32.to_string());
                    input.checksum_type = Some(types::ChecksumType::FullObject);
                    input.mpu_object_size = i64::try_from(size).ok();
                    let parts = parts.into_iter().map(|p| types::CompletedPart {
                        part_number: i32::try_from(p.part_number).ok(),
                        e_tag: Some(p.e_tag),
                        checksum_crc32: p.checksum_crc32,
                        ..Default::default()
                    });
                    input.multipart_upload = Some(types::CompletedMultipartUpload { parts: Some(parts.collect()) });
                    let out = self.#complete_fn(input).await.map_err(|e| StoreError::from_operation(#complete_name, e))?;
                    Ok(out.e_tag)
                })
            }
            fn abort_multipart_upload<'a>(&'a self, bucket: &'a str, key: &'a str, upload_id: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
                Box::pin(async move {
                    self.#abort_fn(types::#abort_in::new(bucket, key, upload_id)).await.map_err(|e| StoreError::from_operation(#abort_name, e))?;
                    Ok(())
                })
            }
            fn head_object<'a>(&'a self, bucket: &'a str, key: &'a str) -> BoxFuture<'a, Result<ObjectInfo, StoreError>> {
                Box::pin(async move {
                    let mut input = types::#head_in::new(bucket, key);
                    input.checksum_mode = Some(types::ChecksumMode::Enabled);
                    let out = self.#head_fn(input).await.map_err(|e| StoreError::from_operation(#head_name, e))?;
                    let size = out.content_length.and_then(|n| u64::try_from(n).ok());
                    let size = size.ok_or_else(|| StoreError::new(#head_name, "the response has no valid Content-Length"))?;
                    // The strongest full-object checksum given.
                    let kind = out.checksum_type.as_ref().map(|t| t.as_str());
                    let checksum = [
                        ("CRC64NVME", &out.checksum_crc64nvme),
                        ("CRC32C", &out.checksum_crc32c),
                        ("CRC32", &out.checksum_crc32),
                        ("SHA256", &out.checksum_sha256),
                        ("SHA1", &out.checksum_sha1),
                    ]
                    .into_iter()
                    .find_map(|(algorithm, value)| FullChecksum::full_object(algorithm, value.as_deref(), kind));
                    Ok(ObjectInfo { size, e_tag: out.e_tag, checksum })
                })
            }
            fn get_object_range<'a>(&'a self, bucket: &'a str, key: &'a str, start: u64, end: u64, size: u64, if_match: Option<&'a str>) -> BoxFuture<'a, Result<RangeBody, StoreError>> {
                Box::pin(async move {
                    let mut input = types::#get_in::new(bucket, key);
                    input.range = Some(format!("bytes={start}-{end}"));
                    input.if_match = if_match.map(str::to_string);
                    let (out, body) = self.#get_stream(input).await.map_err(|e| StoreError::from_operation(#get_name, e))?;
                    ::smithy_gen_runtime::transfer::read_range(out.content_range.as_deref(), body, start, end, size).await
                })
            }
            fn list_objects<'a>(&'a self, bucket: &'a str, prefix: &'a str, continuation: Option<&'a str>) -> BoxFuture<'a, Result<ObjectPage, StoreError>> {
                Box::pin(async move {
                    let mut input = types::#list_in::new(bucket);
                    input.prefix = (!prefix.is_empty()).then(|| prefix.to_string());
                    input.continuation_token = continuation.map(str::to_string);
                    let out = self.#list_fn(input).await.map_err(|e| StoreError::from_operation(#list_name, e))?;
                    let mut objects = Vec::new();
                    for object in out.contents.unwrap_or_default() {
                        let key = object.key.ok_or_else(|| StoreError::new(#list_name, "an object of the listing has no Key"))?;
                        let size = object.size.and_then(|n| u64::try_from(n).ok());
                        let size = size.ok_or_else(|| StoreError::new(#list_name, format!("the object {key:?} of the listing has no valid Size")))?;
                        objects.push(ListedObject { key, size });
                    }
                    let next = match (out.is_truncated, out.next_continuation_token) {
                        (Some(true), None) => return Err(StoreError::new(#list_name, "a truncated listing has no NextContinuationToken")),
                        (Some(true), next) => next,
                        _ => None,
                    };
                    Ok(ObjectPage { objects, next })
                })
            }
        }
    })
}
