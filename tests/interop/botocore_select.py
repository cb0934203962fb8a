"""Run S3 SelectObjectContent with botocore against a (moto) endpoint and
print the events botocore's event-stream parser reads.

Reads a JSON object from stdin:

    {"endpoint": "http://127.0.0.1:PORT", "params": {...}}

where `params` are SelectObjectContent's parameters (model member names).
Writes a JSON array to stdout, one element per event, as botocore parses it:
`{"Records": {"Payload": "<base64>"}}`, `{"Stats": {"Details": {...}}}`,
`{"End": {}}` and so on (blobs as base64, so bytes compare exactly).
"""

import base64
import json
import sys

import botocore.session
from botocore.config import Config


def plain(value):
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def main():
    case = json.load(sys.stdin)
    client = botocore.session.get_session().create_client(
        "s3",
        region_name="us-east-1",
        endpoint_url=case["endpoint"],
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )
    response = client.select_object_content(**case["params"])
    events = [plain(event) for event in response["Payload"]]
    json.dump(events, sys.stdout)


if __name__ == "__main__":
    main()
