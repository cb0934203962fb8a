"""Presign requests with botocore's client.generate_presigned_url at a fixed time.

Reads a JSON array from stdin, each element

    {"service": "s3", "operation": "GetObject", "params": {...},
     "region": "us-east-1", "addressing_style": "virtual" | "path" | null,
     "access_key": "...", "secret_key": "...", "session_token": null | "...",
     "time": "20260102T030405Z", "expires_in": 3600}

where `service` is botocore's service name, `operation` the model's
operation name and `params` its input with the model's member names. Writes
a JSON array with, per case, {"url": "<the presigned URL>"} or
{"error": "<message>"}.

The clients follow our defaults where botocore's differ: S3 in us-east-1
uses the regional endpoint (botocore's `legacy` default is the global one)
and SigV4 (`s3v4`). botocore reads the clock inside add_auth
(botocore.auth.get_current_datetime); it is replaced here for the duration
of the call, so the URL is signed at `time`.

Used by the Rust integration tests (tests/tests/presign.rs).
"""

import datetime
import json
import sys
from unittest import mock

import botocore.auth
import botocore.session
from botocore import xform_name
from botocore.config import Config

TIME_FORMAT = "%Y%m%dT%H%M%SZ"


def presign(session, case):
    when = datetime.datetime.strptime(case["time"], TIME_FORMAT)
    s3 = {"us_east_1_regional_endpoint": "regional"}
    if case.get("addressing_style"):
        s3["addressing_style"] = case["addressing_style"]
    config = Config(s3=s3, signature_version="s3v4" if case["service"] == "s3" else None)
    client = session.create_client(
        case["service"],
        region_name=case["region"],
        aws_access_key_id=case["access_key"],
        aws_secret_access_key=case["secret_key"],
        aws_session_token=case.get("session_token"),
        config=config,
    )
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: when):
        url = client.generate_presigned_url(
            xform_name(case["operation"]),
            Params=case.get("params") or {},
            ExpiresIn=case.get("expires_in", 3600),
        )
    return {"url": url}


def main():
    cases = json.load(sys.stdin)
    session = botocore.session.get_session()
    out = []
    for case in cases:
        try:
            out.append(presign(session, case))
        except Exception as e:  # reported to the test, which shows it
            out.append({"error": f"{type(e).__name__}: {e}"})
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
