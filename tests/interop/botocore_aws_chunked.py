"""Encode bodies as botocore's aws-chunked wrapper does for a streamed
upload with a trailing flexible checksum.

Reads a JSON array from stdin, each element

    {"data": "<base64>", "algorithm": "crc32" | "sha1" | "sha256", "chunk_size": N}

and writes a JSON array of the encoded bodies, base64: botocore's
`AwsChunkedWrapper` over the bytes, with the algorithm's checksum class and
trailer `x-amz-checksum-<algorithm>`, read to the end.
"""

import base64
import io
import json
import sys

from botocore.httpchecksum import _CHECKSUM_CLS, AwsChunkedWrapper


def main():
    out = []
    for case in json.load(sys.stdin):
        algorithm = case["algorithm"]
        wrapper = AwsChunkedWrapper(
            io.BytesIO(base64.b64decode(case["data"])),
            checksum_cls=_CHECKSUM_CLS[algorithm],
            checksum_name="x-amz-checksum-%s" % algorithm,
            chunk_size=case["chunk_size"],
        )
        out.append(base64.b64encode(wrapper.read()).decode("ascii"))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
