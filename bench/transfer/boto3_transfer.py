"""One transfer through boto3's s3transfer, timed, for `cargo xtask bench
--only transfer` (the peer of transfer-ours, ours.rs).

Usage: python boto3_transfer.py ENDPOINT ACCESS_KEY SECRET_KEY MODE BUCKET KEY FILE PART_SIZE CONCURRENCY
MODE is `upload` (`client.upload_file`) or `download` (`client.download_file`),
through `boto3.s3.transfer.TransferConfig` with multipart from 16 MiB, parts
and ranges of PART_SIZE bytes and CONCURRENCY threads: the settings
transfer-ours uses. `upload-dir` / `download-dir` move the folder FILE to or
from the prefix KEY: boto3 has no folder transfer, so, as the AWS CLI's
`s3 cp --recursive` does, every file is submitted to one s3transfer
TransferManager (CONCURRENCY threads shared by all objects), the download's
keys listed first with ListObjectsV2.

Prints `seconds=S bytes=N parts=P cpu_seconds=C peak_rss_kib=M` like
transfer-ours: S is the transfer's wall time (boto3 imported and the client
built before the clock starts), C this process's user+system CPU time and M
its peak resident memory, both for the whole process, from /proc/self (the
same source transfer-ours reads).
"""

import os
import sys
import time

import boto3
from boto3.s3.transfer import TransferConfig, create_transfer_manager
from botocore.config import Config


def cpu_seconds():
    with open("/proc/self/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    # utime and stime (fields 14 and 15) in USER_HZ ticks, 100 per second.
    return (int(rest[11]) + int(rest[12])) / 100.0


def peak_rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def transfer_dir(client, config, mode, bucket, prefix, folder):
    """Every file of `folder` (or object under `prefix`) through one
    s3transfer manager; returns (bytes, objects)."""
    prefix = prefix if prefix.endswith("/") or not prefix else prefix + "/"
    jobs = []
    if mode == "upload-dir":
        for root, _, names in os.walk(folder):
            for name in names:
                local = os.path.join(root, name)
                jobs.append((local, prefix + os.path.relpath(local, folder).replace(os.sep, "/"), os.path.getsize(local)))
    else:
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                jobs.append((os.path.join(folder, *obj["Key"][len(prefix):].split("/")), obj["Key"], obj["Size"]))
    with create_transfer_manager(client, config) as manager:
        futures = []
        for local, key, _ in jobs:
            if mode == "upload-dir":
                futures.append(manager.upload(local, bucket, key))
            else:
                os.makedirs(os.path.dirname(local), exist_ok=True)
                futures.append(manager.download(bucket, key, local))
        for future in futures:
            future.result()
    return sum(size for _, _, size in jobs), len(jobs)


def main(argv):
    if len(argv) != 9:
        sys.exit(__doc__)
    endpoint, access_key, secret_key, mode, bucket, key, path, part_size, concurrency = argv
    part_size, concurrency = int(part_size), int(concurrency)
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        # One connection per thread, like the manager's tasks; no retries,
        # like transfer-ours (max_attempts 1).
        config=Config(s3={"addressing_style": "path"}, max_pool_connections=max(10, concurrency), retries={"total_max_attempts": 1}),
    )
    config = TransferConfig(
        multipart_threshold=16 * 1024 * 1024,
        multipart_chunksize=part_size,
        max_concurrency=concurrency,
        use_threads=True,
    )
    started = time.perf_counter()
    if mode == "upload":
        client.upload_file(path, bucket, key, Config=config)
    elif mode == "download":
        client.download_file(bucket, key, path, Config=config)
    elif mode in ("upload-dir", "download-dir"):
        size, parts = transfer_dir(client, config, mode, bucket, key, path)
    else:
        sys.exit(f"unknown mode {mode!r}")
    seconds = time.perf_counter() - started
    if mode in ("upload", "download"):
        size = os.path.getsize(path)
        parts = -(-size // part_size) if size >= 16 * 1024 * 1024 else 1
    print(f"seconds={seconds:.6f} bytes={size} parts={parts} cpu_seconds={cpu_seconds():.2f} peak_rss_kib={peak_rss_kib()}")


if __name__ == "__main__":
    main(sys.argv[1:])
