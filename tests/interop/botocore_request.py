"""Print the HTTP requests botocore's serializer builds for a list of cases.

Reads a JSON array from stdin, each element

    {"service": "logs", "operation": "PutDestination", "input": {...}}

where `service` is botocore's service name and `input` uses the model's
member names (botocore's parameter names). Writes a JSON array to stdout
with, per case, either

    {"method": "POST", "path": "/...", "query": {"name": "value" | ["v1", "v2"]},
     "headers": {"content-type": "...", ...}, "body": <JSON or null>}

or, when botocore's parameter validation rejects the input,

    {"error": "<message>"}.

A query-protocol body (botocore keeps it as a dict of parameters until it
prepares the request) is form-encoded as botocore would send it.

`path` is the URL path as botocore renders it (percent-encoded), without the
query string; a literal query in the model's request URI is moved into
`query`. `headers` holds only what the serializer produced, with lower-case
names. `body` is the body parsed as JSON, or null when it is empty; a body
that is not JSON is reported as null with its text under `raw_body`. A host
prefix, when the operation has one, is reported under `host_prefix`.

Idempotency tokens are filled by botocore's client, not its serializer: a
top-level idempotency-token member missing from the input is set here to
IDEMPOTENCY_PLACEHOLDER, so it shows up in the output.

Each result also has `sent`: {"url": "https://...", "headers": {...}}, the
request botocore's client would send for the same input in us-east-1
(endpoint rules, host prefix, S3's virtual host, every handler's headers,
signed with fixed test credentials), caught before it goes out. Two client
settings follow our defaults where botocore's differ: S3 in us-east-1 goes
to the regional endpoint (botocore's `legacy` default is the global one),
and response checksums are asked for only when the input asks
(`response_checksum_validation = when_required`; botocore's default sends
`x-amz-checksum-mode: ENABLED` on every S3 GetObject).

Used by the Rust integration tests (tests/src/interop.rs).
"""

import copy
import json
import sys
from urllib.parse import parse_qsl

import botocore.session
from botocore.config import Config
from botocore.exceptions import ParamValidationError
from botocore.serialize import create_serializer
from botocore.utils import percent_encode_sequence
from botocore.validate import validate_parameters

IDEMPOTENCY_PLACEHOLDER = "00000000-0000-4000-8000-000000000000"


def _query_value(value):
    if isinstance(value, list):
        return [_query_value(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _add_query(query, name, value):
    if name in query:
        existing = query[name]
        if not isinstance(existing, list):
            existing = [existing]
        query[name] = existing + (value if isinstance(value, list) else [value])
    else:
        query[name] = value


def _body(raw):
    if raw is None:
        return None, None
    if isinstance(raw, dict):
        # The query protocols' parameters, form-encoded as botocore's
        # AWSRequest encodes them when it prepares the request.
        raw = percent_encode_sequence(raw)
    if isinstance(raw, (bytes, bytearray)):
        raw = bytes(raw).decode("utf-8")
    elif not isinstance(raw, str):
        # A file-like payload (streaming blob).
        data = raw.read()
        raw = data.decode("utf-8") if isinstance(data, bytes) else data
    if raw == "":
        return None, None
    try:
        return json.loads(raw), None
    except ValueError:
        return None, raw


class _Caught(Exception):
    """Raised in place of sending: the request is caught, nothing goes out."""


def _client(session, clients, service):
    if service not in clients:
        config = Config(
            retries={"max_attempts": 1},
            s3={"us_east_1_regional_endpoint": "regional"},
            response_checksum_validation="when_required",
        )
        client = session.create_client(
            service,
            region_name="us-east-1",
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="secret",
            config=config,
        )
        caught = {}

        def catch(request, **_):
            caught["request"] = request
            raise _Caught()

        client.meta.events.register("before-send", catch)
        methods = {api: method for method, api in client.meta.method_to_api_mapping.items()}
        clients[service] = (client, caught, methods)
    return clients[service]


def _sent(session, clients, case, params):
    client, caught, methods = _client(session, clients, case["service"])
    caught.clear()
    try:
        # A copy: the client's handlers may change what they are given.
        getattr(client, methods[case["operation"]])(**copy.deepcopy(params))
    except _Caught:
        pass
    request = caught["request"]
    headers = {}
    for k, v in request.headers.items():
        headers[str(k).lower()] = v.decode("utf-8") if isinstance(v, bytes) else str(v)
    return {"url": request.url, "headers": headers}


def build(session, serializers, clients, case):
    service_model = session.get_service_model(case["service"])
    operation = service_model.operation_model(case["operation"])
    params = dict(case.get("input") or {})

    input_shape = operation.input_shape
    if input_shape is not None:
        for name in operation.idempotent_members:
            if name not in params:
                params[name] = IDEMPOTENCY_PLACEHOLDER
        try:
            validate_parameters(params, input_shape)
        except ParamValidationError as e:
            return {"error": str(e)}
    elif params:
        return {"error": "operation %s takes no input" % operation.name}

    protocol = getattr(service_model, "resolved_protocol", None) or service_model.protocol
    if protocol not in serializers:
        serializers[protocol] = create_serializer(protocol, include_validation=False)
    request = serializers[protocol].serialize_to_request(params, operation)

    url_path = request.get("url_path") or "/"
    path, _, literal_query = url_path.partition("?")
    query = {}
    for name, value in parse_qsl(literal_query, keep_blank_values=True):
        _add_query(query, name, value)
    for name, value in (request.get("query_string") or {}).items():
        _add_query(query, name, _query_value(value))

    body, raw_body = _body(request.get("body"))
    out = {
        "method": request["method"],
        "path": path,
        "query": query,
        "headers": {str(k).lower(): str(v) for k, v in request["headers"].items()},
        "body": body,
    }
    if raw_body is not None:
        out["raw_body"] = raw_body
    if request.get("host_prefix") is not None:
        out["host_prefix"] = request["host_prefix"]
    out["sent"] = _sent(session, clients, case, params)
    return out


def main():
    cases = json.load(sys.stdin)
    if not isinstance(cases, list):
        raise SystemExit("expected a JSON array of cases on stdin")
    session = botocore.session.get_session()
    serializers = {}
    clients = {}
    results = [build(session, serializers, clients, case) for case in cases]
    json.dump(results, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
