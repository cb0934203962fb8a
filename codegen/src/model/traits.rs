//! The traits the generator understands, parsed and type-checked. Traits it
//! does not know are ignored, as Smithy allows for traits that do not change
//! the generated code.

use serde_json::{Map, Number, Value};

/// `@length`: inclusive bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Length {
    pub min: Option<u64>,
    pub max: Option<u64>,
}

/// One bound of `@range`, kept both as an exact integer (when it is one) and
/// as a float.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    pub int: Option<i128>,
    pub float: f64,
}

/// `@range`: inclusive bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub min: Option<Bound>,
    pub max: Option<Bound>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnumValue {
    String(String),
    Int(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorFault {
    Client,
    Server,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    DateTime,
    HttpDate,
    EpochSeconds,
}

/// One segment of an `@http` URI path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UriSegment {
    Literal(String),
    Label(String),
    Greedy(String),
}

/// `@http`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Http {
    pub method: String,
    pub uri: String,
    pub path: Vec<UriSegment>,
    /// Literal query parameters in the URI (`?x=y` or `?flag`).
    pub query: Vec<(String, Option<String>)>,
    pub code: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Deprecated {
    pub message: Option<String>,
    pub since: Option<String>,
}

/// `@paginated`, as written on an operation or a service (a service's values
/// are defaults that an operation's own values override, field by field).
/// `outputToken` and `items` may be paths (`a.b`) into the output.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Paginated {
    pub input_token: Option<String>,
    pub output_token: Option<String>,
    pub items: Option<String>,
    pub page_size: Option<String>,
}

/// One case of `smithy.test#httpRequestTests` (on an operation) or
/// `smithy.test#httpResponseTests` (on an operation or an error structure),
/// as the Smithy specification's "HTTP protocol compliance tests" define it.
/// Request-only and response-only fields are empty on the other kind.
#[derive(Debug, Clone, PartialEq, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HttpTestCase {
    pub id: String,
    /// The protocol trait's shape id (`aws.protocols#restJson1`).
    pub protocol: String,
    #[serde(default)]
    pub documentation: Option<String>,
    /// Request: the method and path the client must send.
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub uri: Option<String>,
    /// Response: the status the client receives.
    #[serde(default)]
    pub code: Option<u16>,
    #[serde(default)]
    pub host: Option<String>,
    #[serde(default)]
    pub resolved_host: Option<String>,
    #[serde(default)]
    pub auth_scheme: Option<String>,
    #[serde(default)]
    pub query_params: Vec<String>,
    #[serde(default)]
    pub forbid_query_params: Vec<String>,
    #[serde(default)]
    pub require_query_params: Vec<String>,
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub forbid_headers: Vec<String>,
    #[serde(default)]
    pub require_headers: Vec<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub body_media_type: Option<String>,
    /// The input (request) or output or error (response) as a node value.
    #[serde(default)]
    pub params: Option<Value>,
    #[serde(default)]
    pub vendor_params: Option<Value>,
    #[serde(default)]
    pub vendor_params_shape: Option<String>,
    /// `client`, `server`, or absent for both.
    #[serde(default)]
    pub applies_to: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// One entry of `@examples` on an operation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Example {
    pub title: String,
    pub documentation: Option<String>,
    /// The input structure as a node value (an object), if given.
    pub input: Option<Value>,
    /// The output structure as a node value (an object), if given.
    pub output: Option<Value>,
    pub error: Option<ExampleError>,
    /// `allowConstraintErrors`: the input may break the model's constraints.
    pub allow_constraint_errors: bool,
}

/// The `error` of an `@examples` entry: which error, with what content.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExampleError {
    pub shape_id: String,
    /// The error structure as a node value (an object).
    pub content: Value,
}

/// `aws.api#service`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AwsService {
    pub sdk_id: String,
    pub endpoint_prefix: Option<String>,
    pub arn_namespace: Option<String>,
}

/// `aws.iam#iamAction` on an operation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IamAction {
    /// The action's name, when it is not the operation's.
    pub name: Option<String>,
    /// Actions the caller needs besides this one (`service:Action`).
    pub required_actions: Vec<String>,
}

/// `aws.api#clientEndpointDiscovery` on a service.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientEndpointDiscovery {
    /// The discovery operation's shape id.
    pub operation: String,
    /// The invalid-endpoint error structure's shape id.
    pub error: Option<String>,
}

/// The protocols the generator speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Protocol {
    AwsJson1_0,
    AwsJson1_1,
    RestJson1,
    AwsQuery,
    Ec2Query,
    RestXml,
    RpcV2Cbor,
}

/// `aws.protocols#httpChecksum`: flexible checksums of an operation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HttpChecksum {
    /// The input member naming the request's checksum algorithm.
    pub request_algorithm_member: Option<String>,
    pub request_checksum_required: bool,
    /// The input member that turns on the response's validation (`ENABLED`).
    pub request_validation_mode_member: Option<String>,
}

/// Parsed traits of one shape or member.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Traits {
    pub documentation: Option<String>,
    pub required: bool,
    pub client_optional: bool,
    pub default: Option<Value>,
    pub length: Option<Length>,
    pub pattern: Option<String>,
    pub range: Option<Range>,
    pub unique_items: bool,
    pub enum_value: Option<EnumValue>,
    pub sensitive: bool,
    pub idempotency_token: bool,
    pub json_name: Option<String>,
    /// `@xmlName`.
    pub xml_name: Option<String>,
    /// `@xmlFlattened` on a member (of a list or map).
    pub xml_flattened: bool,
    /// `@xmlAttribute` on a member.
    pub xml_attribute: bool,
    /// `@xmlNamespace`: the URI and the optional prefix.
    pub xml_namespace: Option<(String, Option<String>)>,
    /// `aws.protocols#ec2QueryName` on a member.
    pub ec2_query_name: Option<String>,
    /// `aws.protocols#awsQueryError` on an error structure: its code (and HTTP status).
    pub aws_query_error: Option<(String, u16)>,
    /// `smithy.rules#contextParam` on an input member: the endpoint
    /// parameter it sets.
    pub context_param: Option<String>,
    /// `smithy.rules#staticContextParams` on an operation: name and value
    /// (a boolean or string).
    pub static_context_params: Vec<(String, Value)>,
    /// `smithy.rules#clientContextParams` on a service: name, type
    /// (`boolean` or `string`) and documentation.
    pub client_context_params: Vec<(String, String, Option<String>)>,
    /// `aws.customizations#s3UnwrappedXmlOutput` on an operation.
    pub s3_unwrapped_xml_output: bool,
    /// `aws.protocols#httpChecksum` on an operation.
    pub http_checksum: Option<HttpChecksum>,
    pub timestamp_format: Option<TimestampFormat>,
    /// `@mediaType` on a blob or string shape.
    pub media_type: Option<String>,
    pub error: Option<ErrorFault>,
    pub http_error: Option<u16>,
    pub retryable: bool,
    pub http: Option<Http>,
    pub http_label: bool,
    pub http_query: Option<String>,
    pub http_query_params: bool,
    pub http_header: Option<String>,
    pub http_prefix_headers: Option<String>,
    pub http_payload: bool,
    pub http_response_code: bool,
    /// `@endpoint(hostPrefix: ...)` on an operation.
    pub host_prefix: Option<String>,
    /// `@hostLabel` on an input member.
    pub host_label: bool,
    pub streaming: bool,
    pub event_stream: bool,
    pub deprecated: Option<Deprecated>,
    pub paginated: Option<Paginated>,
    /// `@examples`, in model order.
    pub examples: Vec<Example>,
    /// `smithy.test#httpRequestTests`, in model order.
    pub http_request_tests: Vec<HttpTestCase>,
    /// `smithy.test#httpResponseTests`, in model order.
    pub http_response_tests: Vec<HttpTestCase>,
    pub mixin: bool,
    pub input: bool,
    pub output: bool,
    pub unit_type: bool,
    /// `aws.protocols#awsQueryCompatible` on a service.
    pub aws_query_compatible: bool,
    /// `@sparse` on a list or map: elements or values may be null.
    pub sparse: bool,
    /// `@requestCompression` on an operation: its `encodings`.
    pub request_compression: Vec<String>,
    /// `@httpChecksumRequired` on an operation.
    pub http_checksum_required: bool,
    /// `aws.api#clientEndpointDiscovery` on a service.
    pub client_endpoint_discovery: Option<ClientEndpointDiscovery>,
    /// `aws.api#clientDiscoveredEndpoint` on an operation: its `required`.
    pub client_discovered_endpoint: Option<bool>,
    /// `aws.api#clientEndpointDiscoveryId` on an input member.
    pub client_endpoint_discovery_id: bool,
    /// `aws.iam#iamAction` on an operation: the IAM action's name when it
    /// differs from the operation's, and the other actions it needs.
    pub iam_action: Option<IamAction>,
    /// `aws.iam#requiredActions` on an operation (the older form of
    /// `iamAction`'s `requiredActions`).
    pub required_actions: Vec<String>,
    /// `@auth` on a service or operation: the auth schemes it uses, in
    /// order of preference (`Some(vec![])`: none, the request goes unsigned).
    pub auth: Option<Vec<String>>,
    /// `smithy.api#httpBearerAuth` on a service.
    pub http_bearer_auth: bool,
    /// `smithy.api#httpBasicAuth` on a service.
    pub http_basic_auth: bool,
    /// `smithy.api#httpApiKeyAuth` on a service.
    pub http_api_key_auth: Option<HttpApiKeyAuth>,
    /// `smithy.api#optionalAuth` on an operation.
    pub optional_auth: bool,
    pub idempotent: bool,
    pub readonly: bool,
    pub title: Option<String>,
    pub aws_service: Option<AwsService>,
    pub sigv4_name: Option<String>,
    pub protocols: Vec<Protocol>,
    /// Every trait as written, including the ones not parsed above.
    pub raw: Map<String, Value>,
}

/// `smithy.api#httpApiKeyAuth`: where the key goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpApiKeyAuth {
    /// The header or query parameter's name.
    pub name: String,
    /// `true`: a header; `false`: a query parameter.
    pub in_header: bool,
    /// The `Authorization`-style scheme put before the key (headers only).
    pub scheme: Option<String>,
}

/// Parse raw traits. Each error is `(trait id, message)`.
pub fn parse(raw: &Map<String, Value>) -> (Traits, Vec<(String, String)>) {
    let mut t = Traits { raw: raw.clone(), ..Traits::default() };
    let mut errs = Vec::new();
    for (id, v) in raw {
        if let Err(msg) = parse_one(&mut t, id, v) {
            errs.push((id.clone(), msg));
        }
    }
    (t, errs)
}

fn want_string(v: &Value) -> Result<String, String> {
    v.as_str().map(str::to_string).ok_or_else(|| format!("expected a string, found {}", kind(v)))
}

fn want_string_list(v: &Value) -> Result<Vec<String>, String> {
    let list = v.as_array().ok_or_else(|| format!("expected a list of strings, found {}", kind(v)))?;
    list.iter().map(want_string).collect()
}

fn want_object(v: &Value) -> Result<&Map<String, Value>, String> {
    v.as_object().ok_or_else(|| format!("expected an object, found {}", kind(v)))
}

/// Annotation traits take `{}` (Smithy also accepts `true` in older models? no:
/// the JSON AST requires an object).
fn want_annotation(v: &Value) -> Result<bool, String> {
    want_object(v).map(|_| true)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn opt_u64(obj: &Map<String, Value>, key: &str) -> Result<Option<u64>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("`{key}` must be a non-negative integer, found {}", describe(v))),
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Number(n) => format!("{n}"),
        Value::String(s) => format!("the string \"{s}\""),
        other => kind(other).to_string(),
    }
}

fn bound(obj: &Map<String, Value>, key: &str) -> Result<Option<Bound>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(Some(number_bound(n))),
        Some(v) => Err(format!("`{key}` must be a number, found {}", describe(v))),
    }
}

fn number_bound(n: &Number) -> Bound {
    let int = n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from));
    let float = n.as_f64().unwrap_or(f64::NAN);
    let int = int.or_else(|| (float.fract() == 0.0 && float.abs() < 1e30).then_some(float as i128));
    Bound { int, float }
}

fn parse_one(t: &mut Traits, id: &str, v: &Value) -> Result<(), String> {
    match id {
        "smithy.api#documentation" => t.documentation = Some(want_string(v)?),
        "smithy.api#required" => t.required = want_annotation(v)?,
        "smithy.api#clientOptional" => t.client_optional = want_annotation(v)?,
        "smithy.api#default" => t.default = Some(v.clone()),
        "smithy.api#length" => {
            let o = want_object(v)?;
            let l = Length { min: opt_u64(o, "min")?, max: opt_u64(o, "max")? };
            if l.min.is_none() && l.max.is_none() {
                return Err("needs `min`, `max` or both".into());
            }
            if let (Some(a), Some(b)) = (l.min, l.max) {
                if a > b {
                    return Err(format!("`min` ({a}) is greater than `max` ({b})"));
                }
            }
            t.length = Some(l);
        }
        "smithy.api#pattern" => {
            // Whether the validators can check it is decided in `lower`, for
            // the shapes the selected operations reach (`patterns::checkable`):
            // a pattern they cannot check is left unchecked with a warning.
            t.pattern = Some(want_string(v)?);
        }
        "smithy.api#range" => {
            let o = want_object(v)?;
            let r = Range { min: bound(o, "min")?, max: bound(o, "max")? };
            if r.min.is_none() && r.max.is_none() {
                return Err("needs `min`, `max` or both".into());
            }
            if let (Some(a), Some(b)) = (r.min, r.max) {
                if a.float > b.float {
                    return Err(format!("`min` ({}) is greater than `max` ({})", a.float, b.float));
                }
            }
            t.range = Some(r);
        }
        "smithy.api#uniqueItems" => t.unique_items = want_annotation(v)?,
        "smithy.api#enumValue" => {
            t.enum_value = Some(match v {
                Value::String(s) => EnumValue::String(s.clone()),
                Value::Number(n) => EnumValue::Int(
                    n.as_i64()
                        .filter(|i| i32::try_from(*i).is_ok())
                        .ok_or_else(|| format!("an intEnum value must be a 32-bit integer, found {n}"))?,
                ),
                other => return Err(format!("expected a string or an integer, found {}", kind(other))),
            })
        }
        "smithy.api#sensitive" => t.sensitive = want_annotation(v)?,
        "smithy.api#idempotencyToken" => t.idempotency_token = want_annotation(v)?,
        "smithy.api#jsonName" => t.json_name = Some(want_string(v)?),
        "smithy.api#xmlName" => t.xml_name = Some(nonempty(want_string(v)?)?),
        "smithy.api#xmlFlattened" => t.xml_flattened = want_annotation(v)?,
        "smithy.api#xmlAttribute" => t.xml_attribute = want_annotation(v)?,
        "smithy.api#xmlNamespace" => {
            let o = want_object(v)?;
            let uri = o.get("uri").and_then(Value::as_str).ok_or("`uri` must be a string")?.to_string();
            let prefix = match o.get("prefix") {
                None => None,
                Some(p) => Some(want_string(p).map_err(|e| format!("`prefix`: {e}"))?),
            };
            t.xml_namespace = Some((uri, prefix));
        }
        "smithy.rules#contextParam" => {
            let o = want_object(v)?;
            t.context_param = Some(o.get("name").and_then(Value::as_str).ok_or("`name` must be a string")?.to_string());
        }
        "smithy.rules#staticContextParams" => {
            for (name, p) in want_object(v)? {
                let value = p.get("value").filter(|v| v.is_boolean() || v.is_string()).ok_or_else(|| format!("`{name}`: `value` must be a boolean or a string"))?;
                t.static_context_params.push((name.clone(), value.clone()));
            }
        }
        "smithy.rules#clientContextParams" => {
            for (name, p) in want_object(v)? {
                let ty = p.get("type").and_then(Value::as_str).ok_or_else(|| format!("`{name}`: `type` must be a string"))?;
                let docs = p.get("documentation").and_then(Value::as_str).map(str::to_string);
                t.client_context_params.push((name.clone(), ty.to_ascii_lowercase(), docs));
            }
        }
        "aws.protocols#httpChecksum" => {
            let o = want_object(v)?;
            let s = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
            t.http_checksum = Some(HttpChecksum {
                request_algorithm_member: s("requestAlgorithmMember"),
                request_checksum_required: o.get("requestChecksumRequired").and_then(Value::as_bool).unwrap_or(false),
                request_validation_mode_member: s("requestValidationModeMember"),
            });
        }
        "aws.customizations#s3UnwrappedXmlOutput" => t.s3_unwrapped_xml_output = want_object(v).map(|_| true)?,
        "aws.protocols#ec2QueryName" => t.ec2_query_name = Some(nonempty(want_string(v)?)?),
        "aws.protocols#awsQueryError" => {
            let o = want_object(v)?;
            let code = o.get("code").and_then(Value::as_str).ok_or("`code` must be a string")?.to_string();
            let status = o
                .get("httpResponseCode")
                .and_then(Value::as_u64)
                .filter(|c| (100..=599).contains(c))
                .ok_or("`httpResponseCode` must be an HTTP status code")?;
            t.aws_query_error = Some((code, status as u16));
        }
        "smithy.api#timestampFormat" => {
            t.timestamp_format = Some(match want_string(v)?.as_str() {
                "date-time" => TimestampFormat::DateTime,
                "http-date" => TimestampFormat::HttpDate,
                "epoch-seconds" => TimestampFormat::EpochSeconds,
                other => {
                    return Err(format!(
                        "unknown format \"{other}\": expected \"date-time\", \"http-date\" or \"epoch-seconds\""
                    ))
                }
            })
        }
        "smithy.api#error" => {
            t.error = Some(match want_string(v)?.as_str() {
                "client" => ErrorFault::Client,
                "server" => ErrorFault::Server,
                other => return Err(format!("expected \"client\" or \"server\", found \"{other}\"")),
            })
        }
        "smithy.api#httpError" => {
            let code = v
                .as_u64()
                .filter(|c| (200..=599).contains(c))
                .ok_or_else(|| format!("expected an HTTP status code 200..=599, found {}", describe(v)))?;
            t.http_error = Some(code as u16);
        }
        "smithy.api#retryable" => t.retryable = want_annotation(v)?,
        "smithy.api#http" => t.http = Some(parse_http(v)?),
        "smithy.api#httpLabel" => t.http_label = want_annotation(v)?,
        "smithy.api#httpQuery" => t.http_query = Some(nonempty(want_string(v)?)?),
        "smithy.api#httpQueryParams" => t.http_query_params = want_annotation(v)?,
        "smithy.api#httpHeader" => t.http_header = Some(nonempty(want_string(v)?)?),
        "smithy.api#httpPrefixHeaders" => t.http_prefix_headers = Some(want_string(v)?),
        "smithy.api#httpPayload" => t.http_payload = want_annotation(v)?,
        "smithy.api#httpResponseCode" => t.http_response_code = want_annotation(v)?,
        "smithy.api#streaming" => t.streaming = want_annotation(v)?,
        "smithy.api#endpoint" => {
            let o = want_object(v)?;
            let p = o.get("hostPrefix").ok_or("needs `hostPrefix`")?;
            t.host_prefix = Some(nonempty(want_string(p)?)?);
        }
        "smithy.api#hostLabel" => t.host_label = want_annotation(v)?,
        "smithy.api#eventStream" => t.event_stream = true,
        "smithy.api#deprecated" => {
            let o = want_object(v)?;
            let get = |k: &str| -> Result<Option<String>, String> {
                o.get(k).map(|v| want_string(v).map_err(|e| format!("`{k}`: {e}"))).transpose()
            };
            t.deprecated = Some(Deprecated { message: get("message")?, since: get("since")? });
        }
        "smithy.api#paginated" => t.paginated = Some(parse_paginated(v)?),
        "smithy.api#examples" => t.examples = parse_examples(v)?,
        "smithy.api#mediaType" => t.media_type = Some(want_string(v)?),
        "smithy.test#httpRequestTests" => t.http_request_tests = parse_test_cases(v)?,
        "smithy.test#httpResponseTests" => t.http_response_tests = parse_test_cases(v)?,
        "smithy.api#mixin" => t.mixin = want_object(v).map(|_| true)?,
        "smithy.api#input" => t.input = want_annotation(v)?,
        "smithy.api#output" => t.output = want_annotation(v)?,
        "smithy.api#unitType" => t.unit_type = true,
        "smithy.api#idempotent" => t.idempotent = want_annotation(v)?,
        "smithy.api#readonly" => t.readonly = want_annotation(v)?,
        "smithy.api#title" => t.title = Some(want_string(v)?),
        "aws.api#service" => {
            let o = want_object(v)?;
            let sdk_id = o
                .get("sdkId")
                .and_then(Value::as_str)
                .ok_or("`sdkId` must be a string")?
                .to_string();
            let s = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
            t.aws_service = Some(AwsService {
                sdk_id,
                endpoint_prefix: s("endpointPrefix"),
                arn_namespace: s("arnNamespace"),
            });
        }
        "aws.auth#sigv4" => {
            let o = want_object(v)?;
            t.sigv4_name = Some(
                o.get("name").and_then(Value::as_str).ok_or("`name` must be a string")?.to_string(),
            );
        }
        "aws.protocols#awsQueryCompatible" => t.aws_query_compatible = want_object(v).map(|_| true)?,
        "smithy.api#sparse" => t.sparse = want_annotation(v)?,
        "smithy.api#httpChecksumRequired" => t.http_checksum_required = want_annotation(v)?,
        "aws.api#clientEndpointDiscovery" => {
            let o = want_object(v)?;
            let operation = o.get("operation").and_then(Value::as_str).ok_or("`operation` must be a shape id")?.to_string();
            let error = match o.get("error") {
                None | Some(Value::Null) => None,
                Some(e) => Some(e.as_str().ok_or("`error` must be a shape id")?.to_string()),
            };
            t.client_endpoint_discovery = Some(ClientEndpointDiscovery { operation, error });
        }
        "aws.api#clientDiscoveredEndpoint" => {
            let o = want_object(v)?;
            t.client_discovered_endpoint = Some(match o.get("required") {
                None | Some(Value::Null) => false,
                Some(Value::Bool(b)) => *b,
                Some(other) => return Err(format!("`required` must be a boolean, found {}", kind(other))),
            });
        }
        "aws.iam#iamAction" => {
            let o = want_object(v)?;
            let name = match o.get("name") {
                None => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(_) => return Err("`name` must be a string".into()),
            };
            let required_actions = match o.get("requiredActions") {
                None => Vec::new(),
                Some(list) => want_string_list(list).map_err(|e| format!("`requiredActions`: {e}"))?,
            };
            t.iam_action = Some(IamAction { name, required_actions });
        }
        "aws.iam#requiredActions" => t.required_actions = want_string_list(v)?,
        "aws.api#clientEndpointDiscoveryId" => t.client_endpoint_discovery_id = want_annotation(v)?,
        "smithy.api#httpBearerAuth" => t.http_bearer_auth = want_object(v).map(|_| true)?,
        "smithy.api#httpBasicAuth" => t.http_basic_auth = want_object(v).map(|_| true)?,
        "smithy.api#optionalAuth" => t.optional_auth = want_object(v).map(|_| true)?,
        "smithy.api#httpApiKeyAuth" => {
            let o = want_object(v)?;
            let name = o.get("name").and_then(Value::as_str).filter(|n| !n.is_empty()).ok_or("`name` must be a non-empty string")?.to_string();
            let in_header = match o.get("in").and_then(Value::as_str) {
                Some("header") => true,
                Some("query") => false,
                _ => return Err("`in` must be \"header\" or \"query\"".into()),
            };
            let scheme = match o.get("scheme") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) if !in_header => return Err(format!("`scheme` ({s:?}) can only be set when `in` is \"header\"")),
                Some(Value::String(s)) if s.is_empty() || s.contains(char::is_whitespace) => return Err(format!("`scheme` {s:?} must be one token (no spaces)")),
                Some(Value::String(s)) => Some(s.clone()),
                Some(other) => return Err(format!("`scheme` must be a string, found {}", kind(other))),
            };
            // RFC 9110's token characters: a header name the client can send.
            let tchar = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            if in_header && !name.bytes().all(tchar) {
                return Err(format!("`name` {name:?} is not a valid HTTP header name"));
            }
            if scheme.as_deref().is_some_and(|s| !s.bytes().all(tchar)) {
                return Err("`scheme` must be an HTTP auth scheme token (letters, digits, `-`, ...)".into());
            }
            t.http_api_key_auth = Some(HttpApiKeyAuth { name, in_header, scheme });
        }
        "smithy.api#auth" => {
            let list = v.as_array().ok_or_else(|| format!("expected a list of auth scheme shape ids, found {}", kind(v)))?;
            t.auth = Some(
                list.iter()
                    .map(|e| e.as_str().map(str::to_string).ok_or_else(|| "expected a list of auth scheme shape ids".to_string()))
                    .collect::<Result<_, _>>()?,
            );
        }
        "smithy.api#requestCompression" => {
            let encodings = want_object(v)?.get("encodings").and_then(Value::as_array).ok_or("`encodings` must be a list")?;
            t.request_compression = encodings
                .iter()
                .map(|e| e.as_str().map(str::to_ascii_lowercase).ok_or_else(|| "`encodings` must be a list of strings".to_string()))
                .collect::<Result<_, _>>()?;
        }
        "aws.protocols#awsJson1_0" => {
            want_object(v)?;
            t.protocols.push(Protocol::AwsJson1_0)
        }
        "aws.protocols#awsJson1_1" => {
            want_object(v)?;
            t.protocols.push(Protocol::AwsJson1_1)
        }
        "aws.protocols#restJson1" => {
            want_object(v)?;
            t.protocols.push(Protocol::RestJson1)
        }
        "aws.protocols#awsQuery" => {
            want_object(v)?;
            t.protocols.push(Protocol::AwsQuery)
        }
        "aws.protocols#ec2Query" => {
            want_object(v)?;
            t.protocols.push(Protocol::Ec2Query)
        }
        "aws.protocols#restXml" => {
            want_object(v)?;
            t.protocols.push(Protocol::RestXml)
        }
        "smithy.protocols#rpcv2Cbor" => {
            want_object(v)?;
            t.protocols.push(Protocol::RpcV2Cbor)
        }
        _ => {}
    }
    Ok(())
}

fn nonempty(s: String) -> Result<String, String> {
    if s.is_empty() {
        Err("must not be empty".into())
    } else {
        Ok(s)
    }
}

fn parse_paginated(v: &Value) -> Result<Paginated, String> {
    let o = want_object(v)?;
    let get = |k: &str| -> Result<Option<String>, String> {
        match o.get(k) {
            None => Ok(None),
            Some(Value::String(s)) if s.is_empty() || s.split('.').any(str::is_empty) => {
                Err(format!("`{k}` must be a member name or a `.`-separated path of member names, found \"{s}\""))
            }
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(format!("`{k}` must be a string naming a member, found {}", describe(other))),
        }
    };
    Ok(Paginated {
        input_token: get("inputToken")?,
        output_token: get("outputToken")?,
        items: get("items")?,
        page_size: get("pageSize")?,
    })
}

fn parse_test_cases(v: &Value) -> Result<Vec<HttpTestCase>, String> {
    let items = v.as_array().ok_or_else(|| format!("expected a list of test cases, found {}", kind(v)))?;
    items
        .iter()
        .enumerate()
        .map(|(i, c)| {
            serde_json::from_value(c.clone()).map_err(|e| {
                let id = c.get("id").and_then(Value::as_str).unwrap_or("?");
                format!("test case {i} (`{id}`): {e}")
            })
        })
        .collect()
}

fn parse_examples(v: &Value) -> Result<Vec<Example>, String> {
    let items = v.as_array().ok_or_else(|| format!("expected a list of examples, found {}", kind(v)))?;
    items.iter().enumerate().map(|(i, item)| parse_example(item).map_err(|e| format!("example {i}: {e}"))).collect()
}

fn parse_example(v: &Value) -> Result<Example, String> {
    let o = want_object(v)?;
    let title = o.get("title").and_then(Value::as_str).ok_or("`title` must be a string")?.to_string();
    let text = |k: &str| -> Result<Option<String>, String> {
        o.get(k).map(|v| want_string(v).map_err(|e| format!("`{k}`: {e}"))).transpose()
    };
    let structure = |k: &str| -> Result<Option<Value>, String> {
        o.get(k).map(|v| want_object(v).map(|_| v.clone()).map_err(|e| format!("`{k}`: {e}"))).transpose()
    };
    let error = match o.get("error") {
        None => None,
        Some(e) => {
            let e = want_object(e).map_err(|m| format!("`error`: {m}"))?;
            let shape_id = e
                .get("shapeId")
                .and_then(Value::as_str)
                .filter(|s| super::shape_id::is_shape_id(s))
                .ok_or("`error.shapeId` must be an absolute shape id")?
                .to_string();
            let content = match e.get("content") {
                None => Value::Object(Map::new()),
                Some(c) => want_object(c).map(|_| c.clone()).map_err(|m| format!("`error.content`: {m}"))?,
            };
            Some(ExampleError { shape_id, content })
        }
    };
    let output = structure("output")?;
    if output.is_some() && error.is_some() {
        return Err(format!("\"{title}\" has both `output` and `error`; an example shows one outcome"));
    }
    let allow_constraint_errors = match o.get("allowConstraintErrors") {
        None => false,
        Some(b) => b.as_bool().ok_or_else(|| format!("`allowConstraintErrors`: expected a boolean, found {}", kind(b)))?,
    };
    Ok(Example { title, documentation: text("documentation")?, input: structure("input")?, output, error, allow_constraint_errors })
}

fn parse_http(v: &Value) -> Result<Http, String> {
    let o = want_object(v)?;
    let method = o.get("method").and_then(Value::as_str).ok_or("`method` must be a string")?;
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(format!("`method` must be an upper-case HTTP method, found \"{method}\""));
    }
    let uri = o.get("uri").and_then(Value::as_str).ok_or("`uri` must be a string")?;
    let code = match o.get("code") {
        None => 200,
        Some(c) => c
            .as_u64()
            .filter(|c| (100..=599).contains(c))
            .ok_or_else(|| format!("`code` must be an HTTP status code, found {}", describe(c)))?
            as u16,
    };
    let (path_part, query_part) = match uri.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (uri, None),
    };
    if !path_part.starts_with('/') {
        return Err(format!("`uri` must start with `/`, found \"{uri}\""));
    }
    let mut path = Vec::new();
    let mut seen_greedy = false;
    for seg in path_part.split('/').skip(1) {
        if seg.is_empty() {
            continue;
        }
        if let Some(inner) = seg.strip_prefix('{') {
            let Some(name) = inner.strip_suffix('}') else {
                return Err(format!("`uri` segment `{seg}` is not a whole `{{label}}`"));
            };
            let (name, greedy) = match name.strip_suffix('+') {
                Some(n) => (n, true),
                None => (name, false),
            };
            if !super::shape_id::is_identifier(name) {
                return Err(format!("`uri` label `{{{name}}}` is not a valid member name"));
            }
            if path.iter().any(|s| matches!(s, UriSegment::Label(n) | UriSegment::Greedy(n) if n == name)) {
                return Err(format!("`uri` uses label `{{{name}}}` twice"));
            }
            if greedy {
                if seen_greedy {
                    return Err("`uri` has more than one greedy label".into());
                }
                seen_greedy = true;
                path.push(UriSegment::Greedy(name.to_string()));
            } else {
                path.push(UriSegment::Label(name.to_string()));
            }
        } else if seg.contains(['{', '}']) {
            return Err(format!("`uri` segment `{seg}` mixes a label with literal text"));
        } else {
            path.push(UriSegment::Literal(seg.to_string()));
        }
    }
    let mut query = Vec::new();
    if let Some(q) = query_part {
        for pair in q.split('&').filter(|p| !p.is_empty()) {
            if pair.contains(['{', '}']) {
                return Err(format!("`uri` query `{pair}` cannot contain labels"));
            }
            match pair.split_once('=') {
                Some((k, v)) => query.push((k.to_string(), Some(v.to_string()))),
                None => query.push((pair.to_string(), None)),
            }
        }
    }
    Ok(Http { method: method.to_string(), uri: uri.to_string(), path, query, code })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(v: Value) -> (Traits, Vec<(String, String)>) {
        parse(v.as_object().expect("object"))
    }

    #[test]
    fn parses_constraints() {
        let (t, e) = p(json!({
            "smithy.api#length": {"min": 1, "max": 512},
            "smithy.api#pattern": "^(?!aws:)[\\p{L}]*$",
            "smithy.api#range": {"min": 1, "max": 30},
            "smithy.api#required": {}
        }));
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(t.length, Some(Length { min: Some(1), max: Some(512) }));
        assert_eq!(t.range.and_then(|r| r.max).and_then(|b| b.int), Some(30));
        assert!(t.required);
    }

    #[test]
    fn rejects_wrong_types() {
        let (_, e) = p(json!({
            "smithy.api#length": {"min": "one"},
            "smithy.api#pattern": 3,
            "smithy.api#required": true,
            "smithy.api#range": {"min": 5, "max": 1},
        }));
        let msgs: Vec<_> = e.iter().map(|(id, m)| format!("{id}: {m}")).collect();
        assert_eq!(msgs.len(), 4, "{msgs:?}");
        assert!(msgs[0].contains("`min` must be a non-negative integer, found the string \"one\""));
    }

    #[test]
    fn parses_paginated() {
        let (t, e) = p(json!({"smithy.api#paginated": {"inputToken": "next", "outputToken": "meta.next", "items": "things"}}));
        assert!(e.is_empty(), "{e:?}");
        let pg = t.paginated.expect("paginated");
        assert_eq!(pg.output_token.as_deref(), Some("meta.next"));
        assert_eq!(pg.page_size, None);
        let (_, e) = p(json!({"smithy.api#paginated": {"items": 3}}));
        assert_eq!(e[0].1, "`items` must be a string naming a member, found 3");
        let (_, e) = p(json!({"smithy.api#paginated": {"outputToken": "a..b"}}));
        assert!(e[0].1.contains("path of member names, found \"a..b\""), "{e:?}");
        let (_, e) = p(json!({"smithy.api#paginated": "items"}));
        assert_eq!(e[0].1, "expected an object, found a string");
    }

    #[test]
    fn parses_examples() {
        let (t, e) = p(json!({"smithy.api#examples": [
            {"title": "One", "documentation": "<p>Doc</p>", "input": {"a": 1}, "output": {"b": [true]}},
            {"title": "Two", "error": {"shapeId": "ns#Oops", "content": {"message": "m"}}, "allowConstraintErrors": true}
        ]}));
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(t.examples.len(), 2);
        assert_eq!(t.examples[0].input, Some(json!({"a": 1})));
        assert_eq!(t.examples[0].documentation.as_deref(), Some("<p>Doc</p>"));
        let err = t.examples[1].error.as_ref().expect("error");
        assert_eq!((err.shape_id.as_str(), &err.content), ("ns#Oops", &json!({"message": "m"})));
        assert!(t.examples[1].allow_constraint_errors);
        let (_, e) = p(json!({"smithy.api#examples": [{"title": "T", "output": {}, "error": {"shapeId": "ns#E"}}]}));
        assert_eq!(e[0].1, "example 0: \"T\" has both `output` and `error`; an example shows one outcome");
        let (_, e) = p(json!({"smithy.api#examples": [{"input": {}}]}));
        assert_eq!(e[0].1, "example 0: `title` must be a string");
        let (_, e) = p(json!({"smithy.api#examples": [{"title": "T", "input": [1]}]}));
        assert_eq!(e[0].1, "example 0: `input`: expected an object, found an array");
        let (_, e) = p(json!({"smithy.api#examples": {"title": "T"}}));
        assert_eq!(e[0].1, "expected a list of examples, found an object");
    }

    #[test]
    fn parses_http_uri() {
        let (t, e) = p(json!({"smithy.api#http": {"method": "POST", "uri": "/d/{detectorId}/x/{key+}?a=b&c"}}));
        assert!(e.is_empty());
        let h = t.http.expect("http");
        assert_eq!(
            h.path,
            vec![
                UriSegment::Literal("d".into()),
                UriSegment::Label("detectorId".into()),
                UriSegment::Literal("x".into()),
                UriSegment::Greedy("key".into())
            ]
        );
        assert_eq!(h.query, vec![("a".into(), Some("b".into())), ("c".into(), None)]);
        assert_eq!(h.code, 200);
    }
}
