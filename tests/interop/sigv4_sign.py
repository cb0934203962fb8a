"""Sign one request with botocore's SigV4 signer at a fixed time.

Reads one JSON object from stdin:

    {"method": "POST", "url": "https://logs.us-east-1.amazonaws.com/",
     "headers": {"Content-Type": "...", ...}, "body": "<utf-8 text>",
     "access_key": "...", "secret_key": "...", "session_token": null,
     "region": "us-east-1", "service": "logs", "time": "20150830T123600Z"}

and prints a JSON object with every header botocore.auth.SigV4Auth added or
changed, with lower-case names: always "authorization" and "x-amz-date",
"x-amz-security-token" when a session token is given, and any other header
the signer sets (plain SigV4Auth sets no "x-amz-content-sha256"; only the S3
signer does). With "debug": true in the input, the output also has
"canonical_request" and "string_to_sign".

botocore reads the clock inside add_auth (botocore.auth.get_current_datetime);
it is replaced here for the duration of the call, so the signature is
computed for `time`.

Used by the Rust integration tests (tests/src/interop.rs).
"""

import datetime
import json
import sys
from unittest import mock

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

TIME_FORMAT = "%Y%m%dT%H%M%SZ"


class RecordingSigV4Auth(botocore.auth.SigV4Auth):
    """SigV4Auth that keeps the canonical request and string to sign."""

    canonical = None
    to_sign = None

    def string_to_sign(self, request, canonical_request):
        self.canonical = canonical_request
        self.to_sign = super().string_to_sign(request, canonical_request)
        return self.to_sign


def sign(req):
    when = datetime.datetime.strptime(req["time"], TIME_FORMAT)
    body = req.get("body")
    data = body.encode("utf-8") if body is not None else b""
    headers = dict(req.get("headers") or {})
    request = AWSRequest(method=req["method"], url=req["url"], headers=headers, data=data)
    before = {k.lower(): v for k, v in request.headers.items()}

    credentials = Credentials(req["access_key"], req["secret_key"], req.get("session_token"))
    signer = RecordingSigV4Auth(credentials, req["service"], req["region"])
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: when):
        signer.add_auth(request)

    out = {}
    for name, value in request.headers.items():
        name = name.lower()
        if before.get(name) != value:
            out[name] = value
    if req.get("debug"):
        out["canonical_request"] = signer.canonical
        out["string_to_sign"] = signer.to_sign
    return out


def main():
    req = json.load(sys.stdin)
    json.dump(sign(req), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
