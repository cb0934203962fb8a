"""botocore's retry quota against a scripted server.

Reads {"endpoint": URL, "calls": N} from stdin, makes N CloudWatch Logs
DescribeDestinations calls one after another with a client in the standard
retry mode (3 attempts, backoff made zero so the test is quick), and writes
a JSON array with the number of HTTP requests each call made. The server
decides by request index which fail (503) and which succeed, so the counts
show when botocore's quota (500 tokens, 14 a retry, 5 after throttling,
refunds on success)
stops retries. Used by tests/tests/retry_quota.rs.
"""

import json
import sys

import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.retries import standard


def main():
    spec = json.load(sys.stdin)
    standard.ExponentialBackoff.delay_amount = lambda self, context: 0
    session = botocore.session.get_session()
    client = session.create_client(
        "logs",
        region_name="us-east-1",
        endpoint_url=spec["endpoint"],
        aws_access_key_id="AKID",
        aws_secret_access_key="quota-secret",
        config=Config(retries={"mode": "standard", "total_max_attempts": 3}),
    )
    sent = [0]

    def count(**kwargs):
        sent[0] += 1

    client.meta.events.register("before-send.logs", count)
    out = []
    for _ in range(spec["calls"]):
        sent[0] = 0
        try:
            client.describe_destinations()
        except ClientError:
            pass
        out.append(sent[0])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
