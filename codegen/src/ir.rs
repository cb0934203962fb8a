//! The intermediate representation: plain data describing the Rust to emit.
//! Built by `lower` from a checked model; read by `emit`. Everything here is
//! already named (Rust names beside wire names) and already ordered, so the
//! emitters make no decisions about the model.

//!
//! The IR imports nothing from `model`: what it needs of the model's
//! vocabulary (protocols, timestamp formats, bounds, URI segments) has its
//! own definition here, and `lower::convert` translates.

/// The service's wire protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    AwsJson1_0,
    AwsJson1_1,
    RestJson1,
    AwsQuery,
    Ec2Query,
    RestXml,
    /// `smithy.protocols#rpcv2Cbor`.
    RpcV2Cbor,
}

impl Protocol {
    /// awsQuery and ec2Query: form requests, XML responses.
    pub fn is_query(self) -> bool {
        matches!(self, Protocol::AwsQuery | Protocol::Ec2Query)
    }

    /// The protocols whose bodies are XML (awsQuery, ec2Query, restXml).
    pub fn is_xml(self) -> bool {
        matches!(self, Protocol::AwsQuery | Protocol::Ec2Query | Protocol::RestXml)
    }

    /// The protocols with HTTP bindings (restJson1, restXml).
    pub fn is_rest(self) -> bool {
        matches!(self, Protocol::RestJson1 | Protocol::RestXml)
    }

    /// The name of the runtime's `Protocol` variant.
    pub fn variant(self) -> &'static str {
        match self {
            Protocol::AwsJson1_0 => "AwsJson1_0",
            Protocol::AwsJson1_1 => "AwsJson1_1",
            Protocol::RestJson1 => "RestJson1",
            Protocol::AwsQuery => "AwsQuery",
            Protocol::Ec2Query => "Ec2Query",
            Protocol::RestXml => "RestXml",
            Protocol::RpcV2Cbor => "RpcV2Cbor",
        }
    }

    /// The protocol's name in Smithy (the protocol trait's name).
    pub fn smithy_name(self) -> &'static str {
        match self {
            Protocol::AwsJson1_0 => "awsJson1_0",
            Protocol::AwsJson1_1 => "awsJson1_1",
            Protocol::RestJson1 => "restJson1",
            Protocol::AwsQuery => "awsQuery",
            Protocol::Ec2Query => "ec2Query",
            Protocol::RestXml => "restXml",
            Protocol::RpcV2Cbor => "rpcv2Cbor",
        }
    }

    /// The protocol trait's shape id (`aws.protocols#restJson1`,
    /// `smithy.protocols#rpcv2Cbor`).
    pub fn trait_id(self) -> String {
        let namespace = if self == Protocol::RpcV2Cbor { "smithy.protocols" } else { "aws.protocols" };
        format!("{namespace}#{}", self.smithy_name())
    }
}

/// A timestamp's wire format (`@timestampFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    DateTime,
    HttpDate,
    EpochSeconds,
}

/// One bound of a `@range`: the exact integer when it is one, and the value
/// as a float.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    pub int: Option<i128>,
    pub float: f64,
}

/// Who is at fault for an error (`@error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorFault {
    Client,
    Server,
}

/// One segment of an operation's URI path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UriSegment {
    Literal(String),
    /// A label: the member name.
    Label(String),
    /// A greedy label (`{name+}`): the member name.
    Greedy(String),
}

/// An operation's `@http` trait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRoute {
    pub method: String,
    /// The URI as written in the model.
    pub uri: String,
    pub path: Vec<UriSegment>,
    /// Literal query parameters in the URI (`?x=y` or `?flag`).
    pub query: Vec<(String, Option<String>)>,
    /// The success status code.
    pub code: u16,
}

/// The Cargo features that compile an item. `None`: every operation of the
/// service needs it, so it is compiled whenever the service module is.
/// `Some(features)`: compiled when any of these operation features is on.
pub type Gate = Option<Vec<String>>;

/// crates.io's limit on the Cargo features of one crate, which the feature
/// scheme keeps (`ServiceIr::features_by_resource`).
pub const MAX_FEATURES: usize = 300;

/// The generated crate.
#[derive(Debug, Clone, PartialEq)]
pub struct CrateIr {
    /// The package name in `Cargo.toml`.
    pub name: String,
    /// One module per service, ordered by module name.
    pub services: Vec<ServiceIr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceIr {
    pub shape_id: String,
    /// The Rust module (`cloudwatch_logs`).
    pub module: String,
    pub title: String,
    pub docs: Option<String>,
    pub version: Option<String>,
    pub protocol: Protocol,
    pub sigv4_name: Option<String>,
    /// `aws.api#service`'s `sdkId` (`STS`): the service's name in
    /// `AWS_ENDPOINT_URL_<SERVICE>` and the shared config's `services` sections.
    pub sdk_id: Option<String>,
    pub endpoint_prefix: Option<String>,
    /// Headers every request of the service carries, besides the
    /// protocol's own (see `lower::customizations`), lower-case names.
    pub default_headers: Vec<(String, String)>,
    /// The service shape's name: the `X-Amz-Target` prefix for awsJson.
    pub target_prefix: String,
    /// The Cargo feature enabling every operation of the service (`cloudwatch-logs`).
    pub feature: String,
    /// Operation features name resources (`sagemaker-trial-component`, shared
    /// by the operations on it), not single operations: one feature per
    /// operation would exceed crates.io's limit (see `lower::gates`).
    pub features_by_resource: bool,
    /// In model order of the service's closure walk, sorted by name.
    pub operations: Vec<OperationIr>,
    /// Every named type, sorted by Rust name.
    pub types: Vec<TypeIr>,
    /// Validator functions for named lists, maps and constrained simple
    /// shapes reachable from inputs, sorted by name.
    pub check_fns: Vec<CheckFn>,
    /// Distinct `@pattern`s, in the order their accessor functions are numbered.
    pub patterns: Vec<String>,
    /// What the generator could not do exactly and left out (a `@pattern`
    /// the validators cannot check), one line each, naming the shape.
    pub warnings: Vec<String>,
    /// What the generator assumed where the model is silent (a service
    /// without `aws.api#service`: its module name, endpoint and auth), one
    /// line each: the `smithy-gen` command prints them as warnings; a build
    /// script, whose author chose the model, does not repeat them at every
    /// build.
    pub notes: Vec<String>,
    /// `aws.protocols#awsQueryCompatible`: an error's code is the one its
    /// `x-amzn-query-error` header gives, where the protocol reads it.
    pub query_compatible: bool,
    /// `smithy.rules#endpointRuleSet` as compact JSON.
    pub endpoint_rules: Option<String>,
    /// `smithy.rules#endpointTests`, in model order.
    pub endpoint_tests: Vec<EndpointTestIr>,
    /// `smithy.rules#clientContextParams`: name, type and documentation,
    /// settable with `ConfigBuilder::client_context_param`.
    pub client_context_params: Vec<(String, String, Option<String>)>,
    /// Sign as S3: the path as sent, and `x-amz-content-sha256` (S3, S3 Control).
    pub s3_signing: bool,
    /// The service's `@xmlNamespace` as the attribute of a start tag
    /// (`xmlns="…"`): restXml request documents whose root has none of its own.
    pub xml_ns: Option<String>,
    /// `aws.api#clientEndpointDiscovery`, when a generated operation uses a
    /// discovered endpoint. Filled by `lower::endpoint_discovery`.
    pub endpoint_discovery: Option<EndpointDiscoveryIr>,
    /// S3 with every operation a transfer calls (`PutObject`, the multipart
    /// ones, `HeadObject`, `GetObject`): the service module gets `transfer`
    /// (`emit::transfer`). Set by `lower::customizations`.
    pub transfer: bool,
    /// The protocol trait lists `h2` in `http` or `eventStreamHttp`
    /// (Transcribe Streaming's bidirectional event streams): the crate turns
    /// on the runtime's `http2` feature. Everything else speaks HTTP/1.1.
    pub http2: bool,
}

/// The S3 operations the runtime's transfer manager calls
/// (`ServiceIr::transfer`): a service module gets `transfer` only with all
/// of them, and it is gated on all of their features.
pub const TRANSFER_OPERATIONS: [&str; 8] =
    ["AbortMultipartUpload", "CompleteMultipartUpload", "CreateMultipartUpload", "GetObject", "HeadObject", "ListObjectsV2", "PutObject", "UploadPart"];

/// How a service's client discovers endpoints (`aws.api#clientEndpointDiscovery`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointDiscoveryIr {
    /// The discovery operation's name (`DescribeEndpoints`); it is generated.
    pub operation: String,
    /// The invalid-endpoint error's code (the trait's `error`, by name).
    pub error_code: Option<String>,
    /// Rust fields of the discovery input's `Operation` and `Identifiers`
    /// members, when it has them.
    pub operation_field: Option<String>,
    pub identifiers_field: Option<String>,
    /// Rust fields: the output's `Endpoints`, and each endpoint's `Address`
    /// and `CachePeriodInMinutes`.
    pub endpoints_field: String,
    pub address_field: String,
    pub period_field: String,
    /// The operations with `aws.api#clientDiscoveredEndpoint`, by name.
    pub operations: std::collections::BTreeMap<String, DiscoveredEndpointIr>,
}

/// `aws.api#clientDiscoveredEndpoint` on an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredEndpointIr {
    /// Its `required`: the operation works only on a discovered endpoint.
    pub required: bool,
    /// The input's `aws.api#clientEndpointDiscoveryId` members: model name
    /// and Rust field.
    pub identifiers: Vec<(String, String)>,
}

/// A piece of a host prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostSegment {
    Literal(String),
    /// An input member with `@hostLabel`: its model name and Rust field.
    Label { member: String, field: String },
}

/// One case of `smithy.rules#endpointTests`.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointTestIr {
    pub docs: String,
    pub params: Vec<EndpointParam>,
    pub expect: EndpointExpect,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EndpointParam {
    String(String, String),
    Bool(String, bool),
    StringArray(String, Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum EndpointExpect {
    /// The URL, headers, and properties (as JSON) the rules must give.
    Endpoint { url: String, headers: Vec<(String, Vec<String>)>, properties: Option<String> },
    /// The error message the rules must give.
    Error(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct OperationIr {
    pub shape_id: String,
    /// The IAM actions a caller needs (`s3:GetObject`, then any the model's
    /// `aws.iam#iamAction`/`requiredActions` add), in order, without repeats.
    pub iam_actions: Vec<String>,
    /// `@deprecated`: the note for `#[deprecated]`.
    pub deprecated: Option<String>,
    /// The operation name on the wire (`PutDestination`).
    pub name: String,
    /// The Rust method name (`put_destination`).
    pub fn_name: String,
    /// The Cargo feature that compiles this operation (`cloudwatch-logs-put-destination`;
    /// with `ServiceIr::features_by_resource`, its resource's, shared).
    pub feature: String,
    pub docs: Option<String>,
    /// Rust name of the input type (`PutDestinationInput`).
    pub input: String,
    pub output: String,
    /// Rust names of the error structures, operation's own then the service's.
    pub errors: Vec<String>,
    pub http: Option<HttpRoute>,
    pub idempotent: bool,
    pub readonly: bool,
    /// `@endpoint(hostPrefix)`: text and `@hostLabel` members put before the
    /// endpoint's host.
    pub host_prefix: Option<Vec<HostSegment>>,
    /// The input or output member carrying an event stream (a `@streaming`
    /// union) that the client cannot use: set for every such operation by
    /// `lower::types`, cleared by `lower::event_streams` on the protocols
    /// that define event streams (see `output_stream`, `input_stream`); left
    /// set, on awsQuery and ec2Query, the operation gets its types and no
    /// client method.
    pub event_stream: Option<String>,
    /// `@paginated` (merged with the service's defaults), when the operation
    /// is paginated and has a client method. Filled by `lower::paginated`.
    pub paginated: Option<PaginationIr>,
    /// `smithy.waiters#waitable`, in name order, with their acceptors
    /// lowered to typed expressions. Filled by `lower::waiters`.
    pub waiters: Vec<WaiterIr>,
    /// `@examples`, in model order. Filled by `lower::examples`.
    pub examples: Vec<ExampleIr>,
    /// The protocol compliance cases that apply to this operation on the
    /// service's protocol (`smithy.test#httpRequestTests` and
    /// `httpResponseTests`, the latter also from its errors). Filled by
    /// `lower::protocol_tests`.
    pub protocol_tests: Vec<ProtocolTestIr>,
    /// What AWS SDKs do for this operation beyond its model (see
    /// `lower::customizations`).
    pub customizations: Vec<RequestCustomization>,
    /// `@requestCompression` lists gzip: the body may be sent gzipped.
    pub gzip: bool,
    /// `@httpChecksumRequired`: requests carry `Content-MD5`.
    pub content_md5: bool,
    /// The endpoint parameters the operation sets: `@staticContextParams`,
    /// then its input's `@contextParam` members, in model order.
    pub endpoint_params: Vec<EndpointParamIr>,
    /// `aws.protocols#httpChecksum`: the request may carry a checksum of its
    /// body, and the response be checked.
    pub checksum: Option<ChecksumIr>,
    /// `aws.customizations#s3UnwrappedXmlOutput`: the response document's
    /// root element is the output's one member (S3 `GetBucketLocation`).
    pub unwrapped_output: bool,
    /// The output's event stream: the client method returns the output and
    /// an event receiver. Filled by `lower::event_streams`, which then
    /// clears `event_stream`.
    pub output_stream: Option<EventStreamIr>,
    /// The output's `@streaming` blob payload (its Rust field), read as it
    /// arrives by the client's `<op>_stream` method. Filled by
    /// `lower::streaming_bodies`.
    pub streaming_body: Option<String>,
    /// The input's `@streaming` blob payload (its Rust field), sent as it is
    /// produced by the client's `<op>_from_stream` method.
    pub streaming_input: Option<String>,
    /// The input's event stream: how its events are written as messages
    /// (the protocol module's `marshal_<op>_event`); the client method takes
    /// them as an `EventInput`. Filled by `lower::event_streams`.
    pub input_stream: Option<EventStreamIr>,
    /// `@auth([])` on the operation (or its service): requests go unsigned
    /// and need no credentials (STS `AssumeRoleWithWebIdentity`, SSO
    /// `GetRoleCredentials`).
    pub unsigned: bool,
    /// The operation's auth schemes in order of preference (`lower::auth`):
    /// its `@auth`, else its service's, else every scheme of the service.
    /// Empty: requests go unsigned (`unsigned` is set too).
    pub auth: Vec<AuthIr>,
    /// `@optionalAuth`: without an identity for any scheme, the request
    /// goes unsigned.
    pub optional_auth: bool,
    /// The body of its request or response may hold `@sensitive` values
    /// (STS `AssumeRole`, SSO `GetRoleCredentials`, SSO-OIDC `CreateToken`):
    /// its requests are marked so recordings keep neither body, and a
    /// response that fails to parse shows no part of its body. Filled by
    /// `lower::sensitive`.
    pub sensitive_body: bool,
    /// The operation's input is `smithy.api#Unit` (its Rust input type is
    /// empty): rpcv2Cbor then sends no body.
    pub unit_input: bool,
}

/// An auth scheme an operation accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthIr {
    /// `aws.auth#sigv4`.
    SigV4,
    /// `smithy.api#httpBearerAuth`.
    Bearer,
    /// `smithy.api#httpApiKeyAuth`: a header (`in_header`) or query
    /// parameter `name`, with an optional scheme before the key.
    ApiKey { name: String, in_header: bool, scheme: Option<String> },
    /// `smithy.api#httpBasicAuth`.
    Basic,
    /// A scheme the runtime cannot use, by shape id.
    Unsupported(String),
}

/// An event stream (a `@streaming` union member of an output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventStreamIr {
    /// The Rust field of the output holding the union (left unset: the
    /// events come through the receiver).
    pub field: String,
    /// The union's Rust name.
    pub union: String,
    pub events: Vec<EventIr>,
    /// Modeled exceptions (`:message-type: exception`).
    pub errors: Vec<EventErrorIr>,
    /// awsJson: the output's other members come in an `initial-response`
    /// message before the events (restJson1, restXml: in the HTTP response).
    pub initial_message: bool,
    /// restXml: payloads and exceptions are XML documents (else JSON).
    pub xml: bool,
    /// rpcv2Cbor: payloads and exceptions are CBOR maps (else JSON).
    pub cbor: bool,
}

/// One event of a stream: a union member that is not an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventIr {
    /// The member name: the `:event-type` header.
    pub name: String,
    /// The union variant's Rust name.
    pub variant: String,
    /// The event structure's Rust name (`None` for a `Unit` member).
    pub ty: Option<String>,
    /// The structure has members that are neither headers nor the
    /// `@eventPayload` member (nothing sets them when there is one).
    pub other_members: bool,
    /// `@eventHeader` members.
    pub headers: Vec<EventHeaderIr>,
    pub payload: EventPayloadIr,
}

/// An `@eventHeader` member of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventHeaderIr {
    /// The header's name (the member's name).
    pub name: String,
    /// The structure's JSON field.
    pub field: String,
    /// The structure's Rust field.
    pub rust_field: String,
    /// The header's value type.
    pub kind: EventHeaderKind,
    /// For a timestamp, the form its JSON takes.
    pub format: Option<TimestampFormat>,
}

/// The value types of event headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventHeaderKind {
    Bool,
    Byte,
    Short,
    Int,
    Long,
    Blob,
    String,
    Timestamp,
}

/// Where an event's members other than headers are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventPayloadIr {
    /// No `@eventPayload`: the payload is a document (a JSON object, or an
    /// XML document) of the other members.
    Implicit,
    /// `@eventPayload` on a blob member: the payload's bytes.
    Blob(EventMemberIr),
    /// `@eventPayload` on a string member: the payload as text.
    Text(EventMemberIr),
    /// `@eventPayload` on a structure or union member: the payload is its
    /// document (JSON, or XML).
    Document(EventMemberIr),
    /// The member targets `smithy.api#Unit`: no payload.
    Unit,
}

/// The `@eventPayload` member of an event structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventMemberIr {
    /// Its JSON field (how a JSON event is written).
    pub json: String,
    /// Its Rust field.
    pub rust: String,
}

/// A modeled exception of a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventErrorIr {
    /// The member name: the `:exception-type` header.
    pub name: String,
    /// The error structure's Rust name (a variant of the operation's error enum).
    pub error: String,
    /// The union variant's Rust name.
    pub variant: String,
}

/// An operation's flexible checksums (`aws.protocols#httpChecksum`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecksumIr {
    /// The input field (an enum) naming the request's algorithm.
    pub algorithm_field: Option<String>,
    /// `requestChecksumRequired`.
    pub required: bool,
    /// The input field (an enum) that asks, with `ENABLED`, for the
    /// response's checksum to be checked.
    pub validation_field: Option<String>,
}

/// An endpoint parameter an operation sets.
#[derive(Debug, Clone, PartialEq)]
pub enum EndpointParamIr {
    StaticBool { name: String, value: bool },
    StaticString { name: String, value: String },
    /// A string (or enum) member of the input.
    Member { name: String, field: String, is_enum: bool },
    /// A boolean member of the input.
    BoolMember { name: String, field: String },
}

/// A service customisation of an operation's request.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestCustomization {
    /// An unset or empty URI label member is sent as `value` (Glacier's
    /// `accountId`, `-` for the caller's account).
    LabelDefault { field: String, value: String },
    /// `x-amz-content-sha256` and `x-amz-sha256-tree-hash` of the body
    /// (Glacier uploads).
    GlacierChecksums,
    /// The request goes to the URL in this input member when it is set
    /// (Machine Learning `Predict`'s `PredictEndpoint`).
    EndpointFromMember { field: String },
    /// S3: a `200 OK` whose document is an `<Error>` is an error (S3 answers
    /// `CopyObject`, `CompleteMultipartUpload` and others so when it fails
    /// after it started answering). Not for outputs with a blob or string
    /// payload, whose body is the user's data.
    S3ErrorsInSuccess,
    /// S3: the `{Bucket}` label was taken out of the URI (the endpoint rules
    /// address the bucket); a path left empty stays empty, so a path-style
    /// endpoint (`…/bucket`) is not given a trailing `/`.
    S3BucketInEndpoint,
}

/// One protocol compliance case, as a test of the generated crate.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtocolTestIr {
    /// The case's `id` (unique in the suite).
    pub id: String,
    /// The test function's name.
    pub fn_name: String,
    pub docs: Option<String>,
    pub kind: ProtocolTestKind,
    /// Request: the headers to send exactly. Response: the headers received.
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub body_media_type: Option<String>,
    /// The input (request) or the output or error (response), in the form
    /// the generated types read (see `ExampleTestIr::input`).
    pub params: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProtocolTestKind {
    Request {
        method: String,
        uri: String,
        host: Option<String>,
        resolved_host: Option<String>,
        query_params: Vec<String>,
        forbid_query_params: Vec<String>,
        require_query_params: Vec<String>,
        forbid_headers: Vec<String>,
        require_headers: Vec<String>,
    },
    /// An output event stream (`smithy.test#eventStreamTests`): the initial
    /// HTTP response (code; headers and body in the case's fields), then
    /// the messages' bytes with the event each stands for.
    EventStreamOutput {
        code: u16,
        /// Base64 of each message, in order.
        messages: Vec<String>,
        /// The union value each message stands for (serde form), for those
        /// with params.
        events: Vec<String>,
        /// `initialResponseParams`: the output expected (serde form).
        initial: Option<String>,
        /// `expectation.failure`: `Some(None)` any failure, `Some(Some(e))`
        /// the error structure `e` (Rust name).
        failure: Option<Option<String>>,
    },
    /// An input event stream's events (`smithy.test#eventStreamTests` with
    /// request events): each event (serde form of the union) and the
    /// message (base64) it must be sent as, before signing.
    EventStreamInput { messages: Vec<String>, events: Vec<String> },
    /// The HTTP request that opens an input stream (`initialRequest`):
    /// method and path; headers in the case's field, the input in `params`.
    EventStreamInitialRequest { method: String, uri: String },
    Response {
        code: u16,
        /// The error structure's Rust name (its variant of the operation's
        /// error enum), for a case on an error.
        error: Option<String>,
        /// The error code the client must report (`vendorParams.code` of an
        /// error case, as the awsQueryCompatible cases give it).
        error_code: Option<String>,
    },
}

/// One `@examples` entry of an operation: shown in the client method's
/// documentation, and (without an error) checked by a generated test.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleIr {
    pub title: String,
    /// The documentation, as rustdoc Markdown.
    pub docs: Option<String>,
    /// The input as written in the model, as pretty JSON.
    pub input: Option<String>,
    /// The output as written in the model, as pretty JSON.
    pub output: Option<String>,
    pub error: Option<ExampleErrorIr>,
    /// What the generated test checks; `None` when the example gets no test
    /// (it shows an error, so its input may be invalid, or it has no input).
    pub test: Option<ExampleTestIr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExampleErrorIr {
    /// The Rust name of the error structure (one of the operation's `errors`).
    pub name: String,
    /// The error's content as written in the model, as pretty JSON.
    pub content: String,
}

/// A generated test of an example: the input parses as the operation's input
/// type and passes `validate()`; the output, if any, parses as its output type.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleTestIr {
    /// The input in the form the generated types read (model member names;
    /// blobs as base64, date-time strings of epoch-seconds timestamps as
    /// numbers), as compact JSON.
    pub input: String,
    /// The output, in the same form.
    pub output: Option<String>,
    /// `false` with `allowConstraintErrors`: the input only has to parse.
    pub validate: bool,
}

impl ServiceIr {
    /// Whether anything in the service is `@deprecated` (its files then
    /// allow using deprecated items internally).
    pub fn has_deprecated(&self) -> bool {
        self.operations.iter().any(|o| o.deprecated.is_some())
            || self.types.iter().any(|t| match t {
                TypeIr::Struct(s) => s.deprecated.is_some() || s.members.iter().any(|m| m.deprecated.is_some()),
                TypeIr::Union(u) => u.deprecated.is_some() || u.variants.iter().any(|v| v.deprecated.is_some()),
                TypeIr::Enum(e) => e.deprecated.is_some() || e.variants.iter().any(|v| v.deprecated.is_some()),
            })
    }

    /// The operations the client can call (all but event-stream operations
    /// of the query protocols, which define no event streams).
    pub fn client_operations(&self) -> impl Iterator<Item = &OperationIr> {
        self.operations.iter().filter(|o| o.event_stream.is_none())
    }

    /// The operations left out of the client: event streams on awsQuery or
    /// ec2Query, protocols that define none.
    pub fn event_stream_operations(&self) -> impl Iterator<Item = &OperationIr> {
        self.operations.iter().filter(|o| o.event_stream.is_some())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeIr {
    Struct(StructIr),
    Union(UnionIr),
    Enum(EnumIr),
}

impl TypeIr {
    pub fn name(&self) -> &str {
        match self {
            TypeIr::Struct(s) => &s.name,
            TypeIr::Union(u) => &u.name,
            TypeIr::Enum(e) => &e.name,
        }
    }
}

/// What a structure is for: decides which helpers it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Reachable from an operation input: gets `new` and validation.
    pub input: bool,
    /// Reachable from an output or an error.
    pub output: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StructIr {
    pub shape_id: String,
    pub name: String,
    pub docs: Option<String>,
    /// `@deprecated`: the note for `#[deprecated]`.
    pub deprecated: Option<String>,
    pub members: Vec<MemberIr>,
    pub usage: Usage,
    /// `Some` for `@error` structures.
    pub error: Option<ErrorIr>,
    /// The whole structure is `@sensitive`.
    pub sensitive: bool,
    /// Has a `validate_at` (reachable from an input and has something to check).
    pub validated: bool,
    /// `Some(operation name)` when this is an operation's input type.
    pub input_of: Option<String>,
    pub output_of: Option<String>,
    /// As the root of an XML document (a restXml body or payload): the
    /// element name (`@xmlName`, else the shape's name).
    pub xml_root: String,
    /// The shape's `@xmlNamespace` as a start tag's attribute (`xmlns="…"`).
    pub xml_ns: Option<String>,
    /// Which operation features compile the type.
    pub gate: Gate,
    /// Which compile its validation (operations reaching it from their input).
    pub validate_gate: Gate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ErrorIr {
    /// `@awsQueryError`'s code: the code awsQuery and ec2Query responses
    /// give for this error (else the shape's name).
    pub query_code: Option<String>,
    pub fault: ErrorFault,
    pub http_status: Option<u16>,
    pub retryable: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MemberIr {
    /// `@deprecated`: the note for `#[deprecated]`.
    pub deprecated: Option<String>,
    /// `@default` (not null, and no `@clientOptional`): the value as JSON.
    /// An unset member is sent with it, and filled in with it when what is
    /// read leaves the member out (as the Smithy specification asks).
    pub default: Option<String>,
    /// The model's `@default` where the client does not apply it (members of
    /// `@input` structures and `@clientOptional` ones): for the docs, since
    /// the service applies it to an unset member.
    pub service_default: Option<String>,
    /// Client error correction: a `@required` member without a default in a
    /// structure only responses carry gets this zero value (as JSON: `""`,
    /// `0`, `false`, `[]`, `{}`) when a response leaves it out, as the
    /// Smithy specification asks of clients.
    pub zero: Option<String>,
    /// The member name in the model.
    pub name: String,
    /// The field or variant name in Rust.
    pub rust_name: String,
    /// The name in JSON documents: `@jsonName` under restJson1, else `name`.
    pub json_name: String,
    pub ty: RType,
    pub docs: Option<String>,
    pub required: bool,
    pub sensitive: bool,
    /// Boxed because it closes a cycle of structures/unions.
    pub boxed: bool,
    pub idempotency_token: bool,
    pub timestamp_format: Option<TimestampFormat>,
    /// `@mediaType` of the member's target (a blob or string): the
    /// `Content-Type` of a payload; a header holding it is base64.
    pub media_type: Option<String>,
    pub http: HttpBinding,
    /// How the member travels in XML and query bodies (awsQuery, ec2Query;
    /// `None` for the JSON protocols).
    pub xml: Option<XmlMemberIr>,
    /// What `validate_at` checks for this member's value (empty: nothing).
    pub checks: Vec<Check>,
}

/// A member in XML documents and query requests.
#[derive(Debug, Clone, PartialEq)]
pub struct XmlMemberIr {
    /// The element or attribute name (`@xmlName`, else the member name),
    /// for elements followed by a space and the member's `@xmlNamespace`
    /// attribute (`KVP xmlns="…"`), as the runtime's writer takes it.
    pub name: String,
    /// The name comes from `@xmlName`.
    pub renamed: bool,
    /// `@xmlAttribute`.
    pub attribute: bool,
    /// How its value is read from XML.
    pub codec: XmlCodec,
    /// Its key in query requests (ec2Query: `@ec2QueryName`, else the
    /// XML name capitalized).
    pub query_name: String,
    /// How its value is written in query requests (ec2Query: every list
    /// flattened).
    pub query_codec: XmlCodec,
}

/// How a value is laid out in XML or query pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlCodec {
    /// A string, number, boolean, blob or enum, as text.
    Text,
    /// A structure or union.
    Struct,
    Timestamp(TimestampFormat),
    /// Elements named `member` inside the list's element, or (`flat`) each
    /// element named like the member itself.
    List { member: String, flat: bool, element: Box<XmlCodec> },
    /// Entries (`entry` elements, or with `flat` elements named like the
    /// member) holding the `key` and `value` elements.
    Map { key: String, value: String, flat: bool, element: Box<XmlCodec> },
    /// An element of a `@sparse` list or map.
    Sparse(Box<XmlCodec>),
}

/// Where a member travels in an HTTP request or response (restJson1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpBinding {
    Body,
    Label { greedy: bool },
    Query(String),
    QueryParams,
    Header(String),
    PrefixHeaders(String),
    Payload,
    ResponseCode,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionIr {
    pub shape_id: String,
    pub name: String,
    pub docs: Option<String>,
    /// `@deprecated`: the note for `#[deprecated]`.
    pub deprecated: Option<String>,
    /// Each variant; `ty` is `None` for members targeting `smithy.api#Unit`.
    pub variants: Vec<VariantIr>,
    pub usage: Usage,
    pub sensitive: bool,
    pub validated: bool,
    pub gate: Gate,
    pub validate_gate: Gate,
    /// As `StructIr::xml_root`.
    pub xml_root: String,
    /// As `StructIr::xml_ns`.
    pub xml_ns: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VariantIr {
    /// `@deprecated`: the note for `#[deprecated]`.
    pub deprecated: Option<String>,
    pub name: String,
    pub rust_name: String,
    pub json_name: String,
    pub ty: Option<RType>,
    pub docs: Option<String>,
    pub boxed: bool,
    /// As `MemberIr::xml`.
    pub xml: Option<XmlMemberIr>,
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumIr {
    pub shape_id: String,
    pub name: String,
    pub docs: Option<String>,
    /// `@deprecated`: the note for `#[deprecated]`.
    pub deprecated: Option<String>,
    /// `true` for `intEnum`.
    pub int: bool,
    pub variants: Vec<EnumVariantIr>,
    /// `@length` on the enum itself (string enums only).
    pub checks: Vec<Check>,
    pub sensitive: bool,
    pub gate: Gate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariantIr {
    /// `@deprecated`: the note for `#[deprecated]`.
    pub deprecated: Option<String>,
    pub rust_name: String,
    /// The string value, or the integer as text for intEnum.
    pub value: String,
    pub docs: Option<String>,
}

/// A Rust type for a member.
#[derive(Debug, Clone, PartialEq)]
pub enum RType {
    String,
    Bool,
    Byte,
    Short,
    Int,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Blob,
    Timestamp,
    Document,
    /// A generated type in the same service module.
    Named(String),
    List(Box<RType>),
    Map(Box<RType>, Box<RType>),
    /// An element of a `@sparse` list or value of a `@sparse` map: may be
    /// null (`Option<T>` in Rust, `null` on the wire).
    Sparse(Box<RType>),
}

/// Unit in which a `@length` is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthUnit {
    /// Strings: Unicode scalar values.
    Chars,
    /// Lists and maps: entries.
    Items,
    /// Blobs: bytes.
    Bytes,
}

/// One check on a value, emitted as a call to a runtime helper.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    Length { min: Option<u64>, max: Option<u64>, unit: LengthUnit },
    /// Index into `ServiceIr::patterns`.
    Pattern(usize),
    Range { min: Option<Bound>, max: Option<Bound>, float: bool },
    UniqueItems,
    /// Call `validate_at` of the named type (structures, unions, enums).
    Nested,
    /// Call the named check function (a list, map or simple shape's own checks).
    Call(String),
    /// Check every element of a list.
    Each(Vec<Check>),
    /// Check every key and value of a map.
    Entries { key: Vec<Check>, value: Vec<Check> },
}

/// A validator function for a named list, map or simple shape.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckFn {
    pub name: String,
    pub shape_id: String,
    pub ty: RType,
    pub checks: Vec<Check>,
    pub gate: Gate,
}

/// How to page through an operation (`@paginated`), resolved to Rust fields.
#[derive(Debug, Clone, PartialEq)]
pub struct PaginationIr {
    /// The client method that starts paging (`describe_destinations_paginator`).
    pub method: String,
    /// The paginator type in the service's `paginators` module
    /// (`DescribeDestinationsPaginator`).
    pub type_name: String,
    /// The input member that carries the token (top-level, a string or a map).
    pub input_token: FieldStep,
    /// The path from the output type to the output token (of the input
    /// token's type).
    pub output_token: Vec<FieldStep>,
    /// The tokens' Rust type: `RType::String`, or the `RType::Map` a service
    /// passes back as given (DynamoDB's `LastEvaluatedKey`).
    pub token_ty: RType,
    /// The path from the output type to the paged items, and their type.
    pub items: Option<PageItems>,
    /// The input member limiting the page size (top-level, an integer).
    pub page_size: Option<PageSize>,
}

/// One member along a `@paginated` path. Every field is an `Option`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldStep {
    /// The member name in the model.
    pub name: String,
    /// The field name in Rust.
    pub rust_name: String,
    /// The field is `Option<Box<T>>`.
    pub boxed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PageItems {
    pub path: Vec<FieldStep>,
    pub kind: PageItemsKind,
}

/// What the `items` member targets.
#[derive(Debug, Clone, PartialEq)]
pub enum PageItemsKind {
    /// A list: each element is an item.
    List(RType),
    /// A map: each `(key, value)` entry is an item, in key order.
    Map(RType, RType),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PageSize {
    pub field: FieldStep,
    pub ty: RType,
}

/// One waiter of an operation (`smithy.waiters#waitable`).
#[derive(Debug, Clone, PartialEq)]
pub struct WaiterIr {
    /// The waiter's name in the model (`BucketExists`).
    pub name: String,
    /// The client's fluent method (`wait_until_bucket_exists`).
    pub method: String,
    /// The client's method taking a whole input (`wait_until_bucket_exists_with`).
    pub with_method: String,
    /// The waiter's fluent type (`BucketExistsWaiter`).
    pub type_name: String,
    /// The classifier function (`classify_bucket_exists`).
    pub classify_fn: String,
    pub docs: Option<String>,
    pub deprecated: bool,
    /// Seconds.
    pub min_delay: u64,
    pub max_delay: u64,
    /// In model order: the first that matches decides.
    pub acceptors: Vec<AcceptorIr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptorStateIr {
    Success,
    Failure,
    Retry,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AcceptorIr {
    pub state: AcceptorStateIr,
    pub matcher: MatcherIr,
}

/// What an acceptor matches.
#[derive(Debug, Clone, PartialEq)]
pub enum MatcherIr {
    /// `success: true` (any output) or `false` (any error).
    Success(bool),
    /// `errorType`: the error codes that match (the name as written, and the
    /// wire code of the modeled error it names, if any).
    ErrorType(Vec<String>),
    /// `output` (the expression reads the output) or `inputOutput` (it reads
    /// `input` and `output`), compared on a successful call.
    Path { input_output: bool, path: String, expr: WaiterExpr, comparator: ComparatorIr },
}

/// How an acceptor's expression result is compared.
#[derive(Debug, Clone, PartialEq)]
pub enum ComparatorIr {
    /// The expression is a string (`WaiterType::Str`).
    StringEquals(String),
    /// The expression is a boolean.
    BooleanEquals(bool),
    /// The expression is a list of strings.
    AllStringEquals(String),
    AnyStringEquals(String),
}

/// The static type of a waiter expression. Every value may also be null
/// (`None` in Rust). Strings include enums; numbers are the runtime's
/// `waiters::Number` (integers exact).
#[derive(Debug, Clone, PartialEq)]
pub enum WaiterType {
    Bool,
    Num,
    Str,
    /// A structure (Rust name).
    Struct(String),
    /// A list; its elements are never null (projections drop nulls).
    List(Box<WaiterType>),
    /// A map, by its values' type and how they convert (only `*` and
    /// `length` read it).
    Map(Box<WaiterType>, Box<ValueConv>),
    /// `{input, output}` of an `inputOutput` matcher.
    InputOutput,
}

/// How a member's Rust value becomes a waiter value.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueConv {
    /// `String` as `&str`.
    Str,
    /// A string enum as `&str`.
    Enum,
    Bool,
    /// `f64`: the runtime's `waiters::Number::Float`.
    F64,
    /// `f32`, `i32`, `i16`, `i8`: `waiters::Number::from`.
    Lossless,
    /// `i64`, `i128`: `waiters::Number::Int` (exact, not through `f64`).
    Wide,
    /// A structure by reference.
    Struct,
    /// A list: each element converted (`Sparse` elements drop nulls).
    List(Box<ValueConv>),
    /// An element of a sparse list or map.
    Sparse(Box<ValueConv>),
    /// A map by reference; its values converted when projected.
    Map(Box<ValueConv>),
}

/// A waiter expression, typed: each node reads the current value (`None`
/// at the root: the output, or `{input, output}`).
#[derive(Debug, Clone, PartialEq)]
pub enum WaiterExpr {
    Current,
    /// `input` or `output` of `{input, output}`.
    Input,
    Output,
    /// A structure member of `of`.
    Field { of: Box<WaiterExpr>, field: String, boxed: bool, conv: ValueConv },
    /// Evaluate `then` with `first` as the current value.
    Then { first: Box<WaiterExpr>, then: Box<WaiterExpr> },
    /// Evaluate `each` on every element of the list `list`, dropping nulls.
    Project { list: Box<WaiterExpr>, each: Box<WaiterExpr> },
    /// A list of lists made one list.
    Flatten(Box<WaiterExpr>),
    /// A map's values, as a list.
    MapValues { map: Box<WaiterExpr>, conv: ValueConv },
    /// The elements of `list` for which `cond` is truthy.
    Filter { list: Box<WaiterExpr>, cond: Box<WaiterExpr>, cond_ty: WaiterType },
    /// Element `index` of a list (negative: from the end).
    Index { list: Box<WaiterExpr>, index: i64, elem_copy: bool },
    /// `[a, b]` on the current value (nulls dropped).
    MultiList(Vec<WaiterExpr>),
    /// `==`, `!=` on values of one type; `<`, `<=`, `>`, `>=` on numbers.
    Compare { op: CompareOpIr, lhs: Box<WaiterExpr>, rhs: Box<WaiterExpr> },
    /// `&&`, `||` on booleans.
    And(Box<WaiterExpr>, Box<WaiterExpr>),
    Or(Box<WaiterExpr>, Box<WaiterExpr>),
    /// `!` of a value's truthiness.
    Not(Box<WaiterExpr>, WaiterType),
    /// `length` of a string, list or map.
    Length(Box<WaiterExpr>, WaiterType),
    /// `contains(subject, search)`: a list or a string.
    Contains { subject: Box<WaiterExpr>, search: Box<WaiterExpr>, string: bool },
    Str(String),
    Bool(bool),
    Num(f64),
    /// An integer literal, kept exact.
    Int(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOpIr {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}
