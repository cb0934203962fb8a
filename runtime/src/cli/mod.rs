//! The `smithy-call` command-line tool (feature `cli`): argument parsing,
//! `--dry-run` output and exit codes. The per-operation dispatch is
//! generated in each service's `cli` module.
//!
//! Exit codes: 0 success, 1 service error, 2 invalid input or usage,
//! 3 transport failure or timeout, 4 unparseable response.

use std::future::Future;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::config::{Config, ConfigError};
use crate::error::{ErrorKind, Failure, OperationError};
use crate::invoke::{Handle, ServiceSpec};
use crate::request::PreparedRequest;
use crate::transport::BoxFuture;

pub mod transfer;

pub const USAGE: &str = "usage: smithy-call <SERVICE> <OPERATION> --input '<json>'|@file|- [--endpoint URL] [--region R] [--profile P] [--events -|@file] [--body @file] [--body-out FILE] [--dry-run] [--presign [--expires-in SECONDS]] [--all-pages] [-v]\n       smithy-call <SERVICE> wait <WAITER> --input '<json>' [--max-wait SECONDS]\n       smithy-call <SERVICE> [OPERATION] --iam-policy\n       smithy-call s3 cp|upload|download <SOURCE> <TARGET> [--recursive] (see smithy-call s3 cp --help)";

/// Where a call's configuration starts: the builder the settings on the
/// command line go onto (`smithy_gen_config::builder` in this workspace's
/// tool, whose credential chain reaches STS and SSO; `Config::builder`
/// otherwise).
#[derive(Clone, Copy)]
pub struct BaseConfig(pub fn() -> crate::config::builder::ConfigBuilder);

impl Default for BaseConfig {
    fn default() -> Self {
        BaseConfig(Config::builder)
    }
}

impl std::fmt::Debug for BaseConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BaseConfig")
    }
}

/// Any two compare equal: the arguments are what `Args` compares.
impl PartialEq for BaseConfig {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Parsed command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Args {
    /// The service's SigV4 signing name (`logs`, `guardduty`).
    pub service: String,
    pub operation: String,
    pub input: Value,
    pub endpoint: Option<String>,
    pub region: Option<String>,
    /// `--profile`: the shared config profile (else `AWS_PROFILE`, else `default`).
    pub profile: Option<String>,
    /// `--events`: where an operation that sends an event stream reads its
    /// events, one JSON object per line (`-` for standard input, `@path`).
    pub events: Option<String>,
    /// `--body @path`: an operation whose input payload is a streaming blob
    /// (S3 `PutObject`) sends this file, read as it is sent.
    pub body: Option<String>,
    /// `--body-out PATH`: an operation whose output payload is a streaming
    /// blob (S3 `GetObject`) writes it to this file as it arrives, and
    /// prints the other members.
    pub body_out: Option<String>,
    pub dry_run: bool,
    /// `--no-sign-request`: send every request unsigned (an anonymous
    /// configuration: no credentials, token or key looked for).
    pub no_sign_request: bool,
    /// `--presign`: print a presigned request (method, URL, headers) for
    /// the call instead of making it.
    pub presign: bool,
    /// `--expires-in SECONDS`: how long the presigned request stays valid
    /// (default 3600; at most 604800, 7 days).
    pub expires_in: Option<u64>,
    /// `--all-pages`: a paginated operation sends every page and prints
    /// every item (every page, for paginators without items).
    pub all_pages: bool,
    /// `--iam-policy`: print the IAM policy the service's operations (or
    /// the one named) need, instead of calling.
    pub iam_policy: bool,
    /// `-v`: the calls' spans and events (attempts, retries, endpoints,
    /// credentials, connections) printed to stderr.
    pub verbose: bool,
    /// `smithy-call <service> wait <WAITER>`: the waiter's name (the
    /// operation is then `wait`).
    pub waiter: Option<String>,
    /// `--max-wait SECONDS`: the longest a waiter may wait (default 300).
    pub max_wait: Option<u64>,
    /// `smithy-call s3 cp|upload|download …`: the transfer to make (the
    /// operation is then the command).
    pub copy: Option<Box<transfer::CopyArgs>>,
    pub base: BaseConfig,
}

/// What the tool prints and how it exits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    pub fn ok(stdout: String) -> Self {
        Outcome { code: 0, stdout, stderr: String::new() }
    }

    pub fn fail(code: i32, stderr: impl Into<String>) -> Self {
        Outcome { code, stdout: String::new(), stderr: stderr.into() }
    }
}

/// The command line as clap reads it (help, suggestions for misspelt flags
/// and services, completions): `<service>` is one of `services`.
pub fn command(services: &[(&str, &[&str])]) -> clap::Command {
    use clap::builder::PossibleValuesParser;
    use clap::{value_parser, Arg, ArgAction, Command};
    let names: Vec<String> = services.iter().map(|(s, _)| s.to_string()).collect();
    let value = |id: &'static str, name: &'static str, help: &'static str| Arg::new(id).long(id).value_name(name).help(help);
    Command::new("smithy-call")
        .override_usage("smithy-call <SERVICE> <OPERATION> [OPTIONS]\n       smithy-call <SERVICE> wait <WAITER> [OPTIONS]\n       smithy-call <SERVICE> [OPERATION] --iam-policy\n       smithy-call s3 cp <SOURCE> <TARGET> [--recursive] [OPTIONS]   (see smithy-call s3 cp --help)")
        .about("Call any operation of the crate's services with a JSON input, as the AWS CLI does")
        .version(crate::VERSION)
        .after_help(
            "The configuration (region, endpoint, credentials) comes from the environment and the shared AWS files, \
             as the AWS CLI's does.\nServices that are not AWS's take their secrets from the environment, never from \
             the command line (which other users can see): SMITHY_CALL_BEARER_TOKEN (httpBearerAuth), SMITHY_CALL_API_KEY \
             (httpApiKeyAuth), SMITHY_CALL_USERNAME and SMITHY_CALL_PASSWORD (httpBasicAuth); none is ever printed.\nExit codes: 0 success, 1 service error, 2 invalid input or usage, \
             3 transport failure or timeout, 4 unparseable response; `wait`: 0 the waiter's success state, \
             5 its failure state, 6 --max-wait passed first.\n\
             Waiters: smithy-call <SERVICE> wait <WAITER> --input '<json>' [--max-wait SECONDS] polls the \
             waiter's operation until the resource is in the state waited for, as `aws <service> wait` does.",
        )
        .arg(
            Arg::new("service")
                .value_name("SERVICE")
                .required_unless_present("completions")
                .value_parser(PossibleValuesParser::new(names))
                .help("The service, by its SigV4 signing name"),
        )
        .arg(Arg::new("operation").required_unless_present_any(["completions", "iam-policy"]).value_name("OPERATION").help(match services.first().and_then(|(_, ops)| ops.first()) {
            Some(op) => format!("The operation, by its model name ({op})"),
            None => "The operation, by its model name".to_string(),
        }))
        .arg(Arg::new("waiter").value_name("WAITER").help("With the operation `wait`: the waiter, by its model name (BucketExists)"))
        .arg(
            Arg::new("max-wait")
                .long("max-wait")
                .value_name("SECONDS")
                .value_parser(value_parser!(u64))
                .help("With `wait`: the longest to wait, attempts and delays included (default 300)"),
        )
        .arg(value("input", "JSON|@FILE|-", "The input as JSON with the model's member names: the text, @file, or - for standard input"))
        .arg(value("endpoint", "URL", "Send to this endpoint instead of the resolved one (required for a service without endpoint rules that is not AWS's)").visible_alias("endpoint-url"))
        .arg(Arg::new("no-sign-request").long("no-sign-request").action(ArgAction::SetTrue).help("Send requests unsigned: no credentials, token or API key looked for (public resources)"))
        .arg(value("region", "REGION", "The region (else AWS_REGION, else the profile's)"))
        .arg(value("profile", "PROFILE", "The shared config profile (else AWS_PROFILE, else default)"))
        .arg(value("events", "-|@FILE", "For operations that send an event stream: its events, one JSON object per line"))
        .arg(value("body", "@FILE", "For operations whose input payload is a streaming blob: send this file as it is read"))
        .arg(value("body-out", "FILE", "For operations whose output payload is a streaming blob: write it to this file"))
        .arg(Arg::new("dry-run").long("dry-run").action(ArgAction::SetTrue).help("Validate and print the request without sending it"))
        .arg(
            Arg::new("presign")
                .long("presign")
                .action(ArgAction::SetTrue)
                .conflicts_with_all(["dry-run", "body", "body-out", "events", "all-pages"])
                .help("Print a presigned request (method, URL with the signature, headers) that anyone can send until it expires, instead of making the call"),
        )
        .arg(
            Arg::new("expires-in")
                .long("expires-in")
                .value_name("SECONDS")
                .value_parser(value_parser!(u64))
                .requires("presign")
                .help("With --presign: how long the request stays valid (default 3600, at most 604800: 7 days)"),
        )
        .arg(Arg::new("iam-policy").long("iam-policy").action(ArgAction::SetTrue).help("Print the IAM policy (JSON) that the service's operations in this build need (the named operation's, if one is given) instead of calling"))
        .arg(Arg::new("all-pages").long("all-pages").action(ArgAction::SetTrue).help("For paginated operations: send every page and print every item as one JSON array"))
        .arg(Arg::new("verbose").short('v').long("verbose").action(ArgAction::SetTrue).help("Print the calls' spans and events to stderr"))
        .arg(
            Arg::new("completions")
                .long("completions")
                .value_name("SHELL")
                .value_parser(value_parser!(clap_complete::Shell))
                .exclusive(true)
                .help("Print a completion script for SHELL and exit"),
        )
}

/// What reading the command line gives: the call's arguments, or what to
/// print instead (help, version, completions, a usage error).
pub fn parse(args: &[String], services: &[(&str, &[&str])]) -> Result<Args, Outcome> {
    // `smithy-call s3 cp …`: the transfer commands have a command line of their own.
    if args.get(1).is_some_and(|c| transfer::COMMANDS.contains(&c.as_str())) && args.first().is_some_and(|s| services.iter().any(|(name, _)| name == s)) {
        return transfer::parse(args);
    }
    let mut cmd = command(services);
    let argv = std::iter::once("smithy-call".to_string()).chain(args.iter().cloned());
    let m = match cmd.try_get_matches_from_mut(argv) {
        Ok(m) => m,
        Err(e) => {
            let text = e.render().to_string();
            return Err(match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => Outcome::ok(text),
                _ => Outcome::fail(2, text),
            });
        }
    };
    if let Some(shell) = m.get_one::<clap_complete::Shell>("completions") {
        let mut out = Vec::new();
        clap_complete::generate(*shell, &mut cmd, "smithy-call", &mut out);
        return Err(Outcome::ok(String::from_utf8_lossy(&out).into_owned()));
    }
    let get = |id: &str| m.get_one::<String>(id).cloned();
    let fail = |e: String| Outcome::fail(2, format!("{e}\n{USAGE}\n"));
    let body = get("body");
    if let Some(v) = body.as_deref().filter(|v| !v.starts_with('@')) {
        return Err(fail(format!("--body takes @path (a file), not {v:?}")));
    }
    let input = match get("input") {
        None => Value::Object(Map::new()),
        Some(text) => {
            let text = read_input(&text).map_err(fail)?;
            serde_json::from_str(&text).map_err(|e| fail(format!("--input is not valid JSON: {e}")))?
        }
    };
    if !input.is_object() {
        return Err(fail("--input must be a JSON object".into()));
    }
    let waiting = get("operation").as_deref() == Some("wait");
    if let (false, Some(w)) = (waiting, get("waiter")) {
        return Err(fail(format!("unexpected argument {w:?}: only `wait` takes a waiter name")));
    }
    if !waiting && m.contains_id("max-wait") {
        return Err(fail("--max-wait is for `wait <WAITER>`".into()));
    }
    let expires_in = m.get_one::<u64>("expires-in").copied();
    if let Some(seconds) = expires_in {
        crate::signing::presign::PresigningConfig::expires_in(std::time::Duration::from_secs(seconds)).map_err(|e| fail(format!("--expires-in {seconds}: {e}")))?;
    }
    let service = get("service").unwrap_or_default();
    // The AWS CLI's spelling (`put-destination`) names the model's operation too.
    let operation = match (get("operation"), services.iter().find(|(s, _)| *s == service)) {
        (Some(op), Some((_, ops))) if !waiting => canonical_name(&op, ops.iter().copied()).to_string(),
        (op, _) => op.unwrap_or_default(),
    };
    Ok(Args {
        service,
        operation,
        input,
        endpoint: get("endpoint"),
        region: get("region"),
        profile: get("profile"),
        events: get("events"),
        body,
        body_out: get("body-out"),
        dry_run: m.get_flag("dry-run"),
        no_sign_request: m.get_flag("no-sign-request"),
        presign: m.get_flag("presign"),
        expires_in,
        all_pages: m.get_flag("all-pages"),
        iam_policy: m.get_flag("iam-policy"),
        verbose: m.get_flag("verbose"),
        waiter: get("waiter"),
        max_wait: m.get_one::<u64>("max-wait").copied(),
        copy: None,
        base: BaseConfig::default(),
    })
}

/// The model's name among `names` that `given` spells: itself when it is
/// one of them, else the one it spells with any case and without `-` or
/// `_` (`put-destination`, `bucket_exists`) when exactly one does, else
/// `given` as it is (for the caller's "unknown name" message).
pub fn canonical_name<'a>(given: &'a str, names: impl IntoIterator<Item = &'a str> + Clone) -> &'a str {
    if names.clone().into_iter().any(|n| n == given) {
        return given;
    }
    let squash = |s: &str| s.chars().filter(|c| *c != '-' && *c != '_').flat_map(char::to_lowercase).collect::<String>();
    let wanted = squash(given);
    let mut found = names.into_iter().filter(|n| squash(n) == wanted);
    match (found.next(), found.next()) {
        (Some(one), None) => one,
        _ => given,
    }
}

/// `--input`'s JSON: the argument itself, `@path` for a file's contents, or
/// `-` for standard input (a command-line argument is limited to 128 KiB).
fn read_input(arg: &str) -> Result<String, String> {
    if arg == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|e| format!("--input -: cannot read standard input: {e}"))?;
        return Ok(text);
    }
    match arg.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path).map_err(|e| format!("--input @{path}: cannot read the file: {e}")),
        None => Ok(arg.to_string()),
    }
}

/// One operation as the tool runs it: its service, its name (the model's)
/// and the function that serializes and validates its input. The generated
/// dispatch makes one per arm (see [`op`]).
pub struct Operation<I, E> {
    pub service: &'static ServiceSpec,
    pub name: &'static str,
    pub prepare: fn(I, bool) -> Result<PreparedRequest, E>,
}

/// What `--iam-policy` prints for a service whose operations need
/// `actions` (its `IAM_ACTIONS`): the policy of every operation, or of the
/// one `args` names (`None` when the service has no such operation).
pub fn iam_policy(args: &Args, actions: &[(&str, &[&str])]) -> Option<Outcome> {
    if args.operation.is_empty() {
        return Some(Outcome::ok(format!("{}\n", crate::iam::policy(&[actions]))));
    }
    let one: Vec<(&str, &[&str])> = actions.iter().filter(|(op, _)| *op == args.operation).copied().collect();
    (!one.is_empty()).then(|| Outcome::ok(format!("{}\n", crate::iam::policy(&[&one]))))
}

/// The request `--dry-run` prints: `sent`, the request as
/// [`Handle::dry_run`] builds it (method, URL, every header but the
/// signature's), as `{"method", "url", "host", "path", "query", "headers",
/// "body"}`. `query` holds the parameters of `request` (the serialized
/// request `sent` was built from) decoded, and `body` its body as
/// serialized (JSON when it parses; a CBOR body as its JSON view, blobs in
/// base64; else text), before any compression.
pub fn dry_run_json(request: &PreparedRequest, sent: &http::Request<bytes::Bytes>) -> Value {
    let mut query = Map::new();
    for (k, v) in &request.query {
        let v = v.clone().map_or(Value::Null, Value::String);
        match query.get_mut(k) {
            None => {
                query.insert(k.clone(), v);
            }
            Some(Value::Array(items)) => items.push(v),
            Some(first) => *first = Value::Array(vec![first.take(), v]),
        }
    }
    // Names in lower case (as `http` keeps them); a repeated header's
    // values joined as a list is (`a, b`).
    let mut headers = Map::new();
    for (name, value) in sent.headers() {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        match headers.get_mut(name.as_str()) {
            Some(Value::String(first)) => {
                first.push_str(", ");
                first.push_str(&value);
            }
            _ => {
                headers.insert(name.as_str().to_string(), Value::String(value));
            }
        }
    }
    let body = match &request.body {
        None => Value::Null,
        Some(b) => serde_json::from_slice(b).unwrap_or_else(|_| cbor_view(request, b).unwrap_or_else(|| Value::String(String::from_utf8_lossy(b).into_owned()))),
    };
    let uri = sent.uri();
    json!({
        "method": sent.method().as_str(),
        "url": uri.to_string(),
        "host": uri.authority().map(|a| a.as_str()).unwrap_or_default(),
        "path": uri.path(),
        "query": query,
        "headers": headers,
        "body": body,
    })
}

/// A CBOR body (rpcv2Cbor) as JSON for the dry run to show.
#[cfg(feature = "cbor")]
fn cbor_view(request: &PreparedRequest, body: &[u8]) -> Option<Value> {
    let cbor = request.headers.iter().any(|(k, v)| k == "content-type" && v == crate::protocols::cbor_responses::CONTENT_TYPE);
    cbor.then(|| crate::protocols::cbor::to_json(body)).flatten()
}

#[cfg(not(feature = "cbor"))]
fn cbor_view(_request: &PreparedRequest, _body: &[u8]) -> Option<Value> {
    None
}

/// The settings on the command line on top of the base configuration.
fn builder(args: &Args) -> crate::config::builder::ConfigBuilder {
    let mut builder = (args.base.0)();
    if let Some(p) = &args.profile {
        builder = builder.profile_name(p.clone());
    }
    if let Some(r) = &args.region {
        builder = builder.region(r.clone());
    }
    if let Some(e) = &args.endpoint {
        builder = builder.endpoint(e.clone());
    }
    if args.no_sign_request {
        builder = builder.anonymous();
    }
    http_identities(builder, |name| std::env::var(name).ok(), |warning| eprintln!("smithy-call: warning: {warning}"))
}

/// The HTTP auth identities from the environment (`SMITHY_CALL_BEARER_TOKEN`,
/// `SMITHY_CALL_API_KEY`, `SMITHY_CALL_USERNAME` with `SMITHY_CALL_PASSWORD`);
/// empty values count as unset. Half a login (a user name without a
/// password, or the reverse) is not used: `warn` is told, without values.
fn http_identities(mut builder: crate::config::builder::ConfigBuilder, env: impl Fn(&str) -> Option<String>, mut warn: impl FnMut(&str)) -> crate::config::builder::ConfigBuilder {
    let env = |name: &str| env(name).filter(|v| !v.is_empty());
    if let Some(token) = env("SMITHY_CALL_BEARER_TOKEN") {
        builder = builder.bearer_token(token);
    }
    if let Some(key) = env("SMITHY_CALL_API_KEY") {
        builder = builder.api_key(key);
    }
    match (env("SMITHY_CALL_USERNAME"), env("SMITHY_CALL_PASSWORD")) {
        (Some(user), Some(password)) => builder = builder.basic_auth(user, password),
        (Some(_), None) => warn("SMITHY_CALL_USERNAME is set but SMITHY_CALL_PASSWORD is unset or empty: no user name and password are used (httpBasicAuth)"),
        (None, Some(_)) => warn("SMITHY_CALL_PASSWORD is set but SMITHY_CALL_USERNAME is unset or empty: no user name and password are used (httpBasicAuth)"),
        (None, None) => {}
    }
    builder
}

async fn config(args: &Args) -> Result<Config, ConfigError> {
    builder(args).build_async().await
}

/// A dry run: `input` validated and serialized, then the request as the
/// call would send it printed (see [`dry_run_json`]). The configuration is
/// the call's, without credentials (none are needed, none fetched) and
/// without the instance metadata service's region (nothing goes out).
/// `streamed`: the payload goes as a stream (`--body`), whose checksum is
/// in the stream's trailer, not a header.
fn dry_run<I, E: OperationError + From<Failure>>(args: &Args, op: &Operation<I, E>, input: I, streamed: bool) -> Outcome {
    let mut request = match (op.prepare)(input, true) {
        Ok(request) => request,
        Err(e) => return error_outcome(&e),
    };
    if streamed {
        request.checksum = None;
        request.content_md5 = false;
    }
    let no_credentials = crate::credentials::NoCredentials("a dry run signs nothing".into());
    let config = match builder(args).credentials_provider(std::sync::Arc::new(no_credentials)).build() {
        Ok(config) => config,
        Err(e) => return Outcome::fail(2, format!("{e}\n")),
    };
    match Handle::new(config, op.service).dry_run(op.name, &request) {
        Ok(sent) => Outcome::ok(format!("{}\n", dry_run_json(&request, &sent))),
        Err(failure) => error_outcome(&E::from(failure)),
    }
}

/// What `--presign` prints: the presigned request as
/// `{"method", "url", "headers", "expires_in"}` (`headers`: those the holder
/// must send, lower-case names; `expires_in`: seconds).
pub fn presigned_json(presigned: &crate::signing::presign::PresignedRequest, expires_in: u64) -> Value {
    let headers: Map<String, Value> = presigned.headers().iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    json!({
        "method": presigned.method(),
        "url": presigned.uri(),
        "headers": headers,
        "expires_in": expires_in,
    })
}

/// `--presign`: `input` validated and serialized, then presigned with the
/// call's configuration and credentials (fetched once; nothing is sent to
/// the service) and printed (see [`presigned_json`]).
async fn presign<I, E: OperationError + From<Failure>>(args: &Args, op: &Operation<I, E>, input: I) -> Outcome {
    let seconds = args.expires_in.unwrap_or(3600);
    let presigning = match crate::signing::presign::PresigningConfig::expires_in(std::time::Duration::from_secs(seconds)) {
        Ok(p) => p,
        Err(e) => return Outcome::fail(2, format!("--expires-in {seconds}: {e}\n{USAGE}\n")),
    };
    let request = match (op.prepare)(input, true) {
        Ok(request) => request,
        Err(e) => return error_outcome(&e),
    };
    if request.unsigned {
        return Outcome::fail(2, format!("{} is sent unsigned (it needs no credentials): there is nothing to presign\n", op.name));
    }
    let config = match config(args).await {
        Ok(config) => config,
        Err(e) => return Outcome::fail(2, format!("{e}\n")),
    };
    match Handle::new(config, op.service).presign(op.name, &request, &presigning).await {
        Ok(presigned) => Outcome::ok(format!("{}\n", presigned_json(&presigned, seconds))),
        Err(failure) => error_outcome(&E::from(failure)),
    }
}

/// Whether `e` is a transport error of kind `InvalidRequest`.
fn invalid_request(e: &dyn std::error::Error) -> bool {
    std::iter::successors(e.source(), |e| e.source())
        .any(|e| e.downcast_ref::<crate::error::TransportError>().is_some_and(|t| t.kind == crate::error::TransportErrorKind::InvalidRequest))
}

fn error_outcome<E: OperationError>(e: &E) -> Outcome {
    match e.kind() {
        ErrorKind::Service => {
            let (code, message) = match e.meta() {
                Some(m) => (m.code.clone(), m.message.clone().unwrap_or_default()),
                None => (e.code().unwrap_or("Unknown").to_string(), e.to_string()),
            };
            Outcome::fail(1, format!("{code}: {message}\n{e}\n"))
        }
        ErrorKind::Validation => Outcome::fail(2, format!("{e}\n")),
        // A request that could not be made (a presign refused, an unusable
        // region): the input or the settings are at fault, and nothing was sent.
        ErrorKind::Transport if invalid_request(e) => Outcome::fail(2, format!("{e}\n")),
        ErrorKind::Transport | ErrorKind::Timeout => Outcome::fail(3, format!("{e}\n{}", identity_hint(&e.to_string()))),
        ErrorKind::Parse => Outcome::fail(4, format!("{e}\n")),
    }
}

/// For an error naming auth schemes the configuration has no identity
/// for: the variables this tool reads them from (the runtime's error names
/// the builder's methods).
fn identity_hint(error: &str) -> String {
    let mut vars = Vec::new();
    if error.contains("smithy.api#httpBearerAuth (") {
        vars.push("SMITHY_CALL_BEARER_TOKEN");
    }
    if error.contains("smithy.api#httpApiKeyAuth (") {
        vars.push("SMITHY_CALL_API_KEY");
    }
    if error.contains("smithy.api#httpBasicAuth (") {
        vars.push("SMITHY_CALL_USERNAME and SMITHY_CALL_PASSWORD");
    }
    if vars.is_empty() {
        return String::new();
    }
    format!("smithy-call reads them from the environment: {}\n", vars.join(", or "))
}

/// What every call starts with: the input read, then (a dry run) the
/// request printed as the outcome, or the configuration built.
async fn start<I: DeserializeOwned, E: OperationError + From<Failure>>(args: &Args, op: &Operation<I, E>) -> Result<(Config, I), Outcome> {
    if args.all_pages {
        return Err(Outcome::fail(2, format!("--all-pages is for paginated operations; {} is not paginated\n", args.operation)));
    }
    // `--body` and `--body-out` reach here only for operations without a
    // streaming blob payload (the others take them before).
    if args.body.is_some() || args.body_out.is_some() {
        let flag = if args.body.is_some() { "--body" } else { "--body-out" };
        return Err(Outcome::fail(2, format!("{flag} is for operations whose {} payload is a streaming blob; {} has none\n", if args.body.is_some() { "input" } else { "output" }, args.operation)));
    }
    start_streaming(args, op).await
}

/// [`start`] for an operation that takes `--body` or `--body-out`.
async fn start_streaming<I: DeserializeOwned, E: OperationError + From<Failure>>(args: &Args, op: &Operation<I, E>) -> Result<(Config, I), Outcome> {
    let input: I = crate::protocols::json::input_from_value(&args.input).map_err(|e| Outcome::fail(2, format!("the input does not fit {}: {e}\n", args.operation)))?;
    if args.dry_run {
        return Err(dry_run(args, op, input, args.body.is_some()));
    }
    if args.presign {
        return Err(presign(args, op, input).await);
    }
    let config = config(args).await.map_err(|e| Outcome::fail(2, format!("{e}\n")))?;
    Ok((config, input))
}

/// An operation's output as the tool prints it: pretty JSON.
fn printed<O: Serialize + ?Sized>(output: &O) -> Outcome {
    match serde_json::to_string_pretty(output) {
        Ok(text) => Outcome::ok(format!("{text}\n")),
        Err(e) => Outcome::fail(4, format!("cannot print the output: {e}\n")),
    }
}

/// Run one operation: parse the input, then print the request (dry run) or
/// send it and print the output.
pub async fn run<I, O, E, F, Fut>(args: &Args, op: Operation<I, E>, send: F) -> Outcome
where
    I: DeserializeOwned,
    O: Serialize,
    E: OperationError + From<Failure>,
    F: FnOnce(Config, I) -> Fut,
    Fut: Future<Output = Result<O, E>>,
{
    let (config, input) = match start(args, &op).await {
        Ok(pair) => pair,
        Err(outcome) => return outcome,
    };
    match send(config, input).await {
        Ok(output) => printed(&output),
        Err(e) => error_outcome(&e),
    }
}

/// `smithy-call <service> wait <WAITER>`: read the input, then wait with
/// `wait` (the client's `wait_until_<waiter>_with`) for at most
/// `--max-wait` seconds. Exits 0 at the waiter's success state (printing
/// nothing, as `aws <service> wait` does), 5 at its failure state, 6 when
/// the maximum wait passed, and as a call does on an error no acceptor
/// matches.
pub async fn run_wait<I, O, E, F, Fut>(args: &Args, op: Operation<I, E>, wait: F) -> Outcome
where
    I: DeserializeOwned,
    E: OperationError + From<Failure>,
    F: FnOnce(Config, I, crate::waiters::Wait) -> Fut,
    Fut: Future<Output = Result<crate::waiters::FinalPoll<O, E>, crate::waiters::WaiterError<O, E>>>,
{
    use crate::waiters::WaiterError;
    if args.presign {
        return Outcome::fail(2, format!("--presign is for calls, not waiters\n{USAGE}\n"));
    }
    let (config, input) = match start(args, &op).await {
        Ok(pair) => pair,
        Err(outcome) => return outcome,
    };
    let max_wait = std::time::Duration::from_secs(args.max_wait.unwrap_or(300));
    match wait(config, input, crate::waiters::Wait::new(max_wait)).await {
        Ok(_) => Outcome::ok(String::new()),
        Err(e @ WaiterError::FailureState { .. }) => Outcome::fail(5, format!("{e}\n")),
        Err(e @ WaiterError::MaxWaitExceeded { .. }) => Outcome::fail(6, format!("{e}\n")),
        Err(WaiterError::UnexpectedError { waiter, attempts, error }) => {
            let mut outcome = error_outcome(&*error);
            outcome.stderr = format!("waiter {waiter}: unexpected error on attempt {attempts}: {}", outcome.stderr);
            outcome
        }
        Err(e) => Outcome::fail(2, format!("{e}\n")),
    }
}

/// A service's answer to `wait <WAITER>` for a waiter it does not have,
/// given its waiters and whether each is compiled into this build.
pub fn unknown_waiter(args: &Args, waiters: &[(&str, bool)]) -> Outcome {
    let waiters: Vec<&str> = waiters.iter().filter(|w| w.1).map(|w| w.0).collect();
    let name = args.waiter.as_deref().unwrap_or_default();
    let msg = if name.is_empty() {
        format!("wait needs a waiter name: smithy-call {} wait <WAITER>; {} has: {}", args.service, args.service, waiters.join(", "))
    } else {
        let hint = waiters.iter().find(|w| w.eq_ignore_ascii_case(&name.replace(['-', '_'], ""))).map(|w| format!(" (did you mean {w}?)")).unwrap_or_default();
        format!("service {} has no waiter {name:?}{hint}; it has: {}", args.service, waiters.join(", "))
    };
    Outcome::fail(2, format!("{msg}\n{USAGE}\n"))
}

/// One waiter arm of a service's `smithy-call` dispatch: the operation
/// (its name and `prepare_*`, for the input and `--dry-run`) and the
/// client's `wait_until_<waiter>_with`.
#[doc(hidden)]
#[macro_export]
macro_rules! __cli_wait_op {
    ($args:ident, $service:path, $name:literal, $prepare:ident, $with:ident) => {
        $crate::cli::run_wait($args, $crate::cli::Operation { service: &$service, name: $name, prepare: protocol::$prepare }, |config, input, wait| async move {
            super::Client::new(config).$with(input, wait).await
        })
        .await
    };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __cli_wait_op as wait_op;

/// [`run`] for a paginated operation: with `--all-pages`, `all` sends
/// every page (through the operation's paginator) and what it returns, the
/// items of every page or the pages, is printed as one JSON array.
pub async fn run_paged<I, O, T, E, F, Fut, A, AllFut>(args: &Args, op: Operation<I, E>, send: F, all: A) -> Outcome
where
    I: DeserializeOwned,
    O: Serialize,
    T: Serialize,
    E: OperationError + From<Failure>,
    F: FnOnce(Config, I) -> Fut,
    Fut: Future<Output = Result<O, E>>,
    A: FnOnce(Config, I) -> AllFut,
    AllFut: Future<Output = Result<Vec<T>, E>>,
{
    if !args.all_pages {
        return run(args, op, send).await;
    }
    let first_page = Args { all_pages: false, ..args.clone() };
    let (config, input) = match start(&first_page, &op).await {
        Ok(pair) => pair,
        Err(outcome) => return outcome,
    };
    match all(config, input).await {
        Ok(items) => printed(&items),
        Err(e) => error_outcome(&e),
    }
}

/// Run an operation whose input payload is a streaming blob with
/// `--body @path`: the file is read as it is sent (and read again for a
/// retry), then the output is printed.
pub async fn run_upload<I, O, E, F, Fut>(args: &Args, op: Operation<I, E>, send: F) -> Outcome
where
    I: DeserializeOwned,
    O: Serialize,
    E: OperationError + From<Failure>,
    F: FnOnce(Config, I, crate::transport::StreamingBody) -> Fut,
    Fut: Future<Output = Result<O, E>>,
{
    let path = args.body.as_deref().unwrap_or_default().trim_start_matches('@').to_string();
    let (config, input) = match start_streaming(args, &op).await {
        Ok(pair) => pair,
        Err(outcome) => return outcome,
    };
    let body = match crate::transport::StreamingBody::from_file(&path).await {
        Ok(body) => body,
        Err(e) => return Outcome::fail(2, format!("--body @{path}: cannot read the file: {e}\n")),
    };
    match send(config, input, body).await {
        Ok(output) => printed(&output),
        Err(e) => error_outcome(&e),
    }
}

/// Run an operation whose output payload is a streaming blob with
/// `--body-out PATH`: the payload is written as it arrives to a new file
/// beside `PATH`, renamed to `PATH` once whole (removed on any failure, a
/// checksum mismatch included), then the output's other members are
/// printed (without `payload`, the payload's JSON name).
pub async fn run_download<I, O, E, F, Fut>(args: &Args, op: Operation<I, E>, payload: &str, send: F) -> Outcome
where
    I: DeserializeOwned,
    O: Serialize,
    E: OperationError + From<Failure>,
    F: FnOnce(Config, I) -> Fut,
    Fut: Future<Output = Result<(O, crate::transport::BodyStream), E>>,
{
    use tokio::io::AsyncWriteExt;
    let path = args.body_out.clone().unwrap_or_default();
    let (config, input) = match start_streaming(args, &op).await {
        Ok(pair) => pair,
        Err(outcome) => return outcome,
    };
    let (output, mut body) = match send(config, input).await {
        Ok(pair) => pair,
        Err(e) => return error_outcome(&e),
    };
    // Written to a new file beside the target, renamed over it only once the
    // whole body is in (and, when asked, checked): a download that fails
    // leaves neither a partial file under the name nor an older file lost.
    let target = std::path::PathBuf::from(&path);
    let partial = partial_path(&target);
    let mut file = match tokio::fs::OpenOptions::new().write(true).create_new(true).open(&partial).await {
        Ok(f) => f,
        Err(e) => return Outcome::fail(2, format!("--body-out {path}: cannot create {}: {e}\n", partial.display())),
    };
    let mut failure = None;
    while let Some(chunk) = body.next_chunk().await {
        let written = match chunk {
            Ok(bytes) => file.write_all(&bytes).await.map_err(|e| (2, format!("--body-out {path}: cannot write the file: {e}"))),
            Err(crate::transport::SendError::Transport(t)) if t.kind == crate::error::TransportErrorKind::ChecksumMismatch => {
                Err((3, format!("{}: {t}", args.operation)))
            }
            Err(crate::transport::SendError::Transport(t)) => Err((3, format!("{}: the body broke off: {t}", args.operation))),
            Err(crate::transport::SendError::Timeout(t)) => Err((3, format!("{}: the body broke off: {t}", args.operation))),
        };
        if let Err(why) = written {
            failure = Some(why);
            break;
        }
    }
    if failure.is_none() {
        if let Err(e) = file.flush().await.and(file.sync_all().await) {
            failure = Some((2, format!("--body-out {path}: cannot write the file: {e}")));
        }
    }
    drop(file);
    if failure.is_none() {
        if let Err(e) = tokio::fs::rename(&partial, &target).await {
            failure = Some((2, format!("--body-out {path}: cannot move {} into place: {e}", partial.display())));
        }
    }
    if let Some((code, why)) = failure {
        let _ = tokio::fs::remove_file(&partial).await;
        return Outcome::fail(code, format!("{why} (nothing written to {path})\n"));
    }
    let mut output = match serde_json::to_value(&output) {
        Ok(v) => v,
        Err(e) => return Outcome::fail(4, format!("cannot print the output: {e}\n")),
    };
    if let Some(members) = output.as_object_mut() {
        members.remove(payload);
    }
    printed(&output)
}

/// Where `--body-out` writes before the body is whole: a hidden file in the
/// target's directory (so the rename stays on one file system), named for
/// this process.
fn partial_path(target: &std::path::Path) -> std::path::PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "body".into());
    target.with_file_name(format!(".{name}.smithy-call-{}.partial", std::process::id()))
}

/// `--presign` for an operation with an event stream, which no URL can carry.
#[cfg(feature = "event-stream")]
fn no_presigned_streams(args: &Args) -> Outcome {
    Outcome::fail(2, format!("{} has an event stream: it cannot be presigned\n", args.operation))
}

/// Run an operation with an output event stream: print the output as one
/// JSON line, then each event as a JSON line as it arrives (flushed), and
/// end with the stream's error, if any.
#[cfg(feature = "event-stream")]
pub async fn run_stream<I, O, T, E, F, Fut>(args: &Args, op: Operation<I, E>, send: F) -> Outcome
where
    I: DeserializeOwned,
    O: Serialize,
    T: Serialize,
    E: OperationError + From<crate::error::Failure>,
    F: FnOnce(Config, I) -> Fut,
    Fut: Future<Output = Result<(O, crate::streams::event_stream::EventReceiver<T, E>), E>>,
{
    use std::io::Write;
    if args.presign {
        return no_presigned_streams(args);
    }
    let (config, input) = match start(args, &op).await {
        Ok(pair) => pair,
        Err(outcome) => return outcome,
    };
    let (output, mut events) = match send(config, input).await {
        Ok(pair) => pair,
        Err(e) => return error_outcome(&e),
    };
    let line = |v: &dyn erased::Json| -> Result<(), Outcome> {
        let text = v.json().map_err(|e| Outcome::fail(4, format!("cannot print: {e}\n")))?;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
        Ok(())
    };
    if let Err(o) = line(&output) {
        return o;
    }
    loop {
        match events.recv().await {
            Ok(Some(event)) => {
                if let Err(o) = line(&event) {
                    return o;
                }
            }
            Ok(None) => return Outcome::ok(String::new()),
            Err(e) => return error_outcome(&e),
        }
    }
}

/// Run an operation that sends an event stream: its events are read from
/// `--events` (one JSON object of the stream's union per line, sent as it
/// is read), and the output and any output events are printed as JSON lines.
#[cfg(feature = "event-stream")]
pub async fn run_duplex<I, O, T, E, F, Fut>(args: &Args, op: Operation<I, E>, send: F) -> Outcome
where
    I: DeserializeOwned,
    O: StreamOutput<E>,
    T: DeserializeOwned + Send + 'static,
    E: OperationError + From<crate::error::Failure>,
    F: FnOnce(Config, I, crate::streams::event_stream::EventInput<T>) -> Fut,
    Fut: Future<Output = Result<O, E>>,
{
    if args.presign {
        return no_presigned_streams(args);
    }
    let Some(source) = args.events.clone() else {
        return Outcome::fail(2, format!("{} sends an event stream: give its events with --events - (standard input) or --events @file, one JSON object per line\n{USAGE}\n", args.operation));
    };
    let (config, input) = match start(args, &op).await {
        Ok(pair) => pair,
        Err(outcome) => return outcome,
    };
    let (sender, events) = crate::streams::event_stream::channel::<T>(8);
    // Lines are read on a thread of their own and sent as they come.
    let (bad_tx, mut bad_rx) = tokio::sync::oneshot::channel::<String>();
    std::thread::spawn(move || {
        let reader: Box<dyn std::io::BufRead> = match source.strip_prefix('@') {
            Some(path) => match std::fs::File::open(path) {
                Ok(f) => Box::new(std::io::BufReader::new(f)),
                Err(e) => {
                    let _ = bad_tx.send(format!("--events @{path}: cannot read the file: {e}"));
                    return;
                }
            },
            None => Box::new(std::io::BufReader::new(std::io::stdin())),
        };
        for (n, line) in std::io::BufRead::lines(reader).enumerate() {
            let line = match line {
                Ok(l) if l.trim().is_empty() => continue,
                Ok(l) => l,
                Err(e) => {
                    let _ = bad_tx.send(format!("--events line {}: {e}", n + 1));
                    return;
                }
            };
            let event = serde_json::from_str::<Value>(&line).map_err(|e| e.to_string()).and_then(|v| crate::protocols::json::input_from_value::<T>(&v).map_err(|e| e.to_string()));
            match event {
                Ok(event) => {
                    if sender.0.blocking_send(event).is_err() {
                        return;
                    }
                }
                Err(e) => {
                    let _ = bad_tx.send(format!("--events line {}: not an event of the stream: {e}", n + 1));
                    return;
                }
            }
        }
    });
    let outcome = match send(config, input, events).await {
        Ok(output) => output.print().await,
        Err(e) => error_outcome(&e),
    };
    match bad_rx.try_recv() {
        Ok(why) => Outcome::fail(2, format!("{why}\n")),
        Err(_) => outcome,
    }
}

/// How an operation that sends events prints what it got: its output, and
/// its own events when it has an output stream ([`Whole`] when it has none).
#[cfg(feature = "event-stream")]
pub trait StreamOutput<E> {
    fn print(self) -> crate::transport::BoxFuture<'static, Outcome>;
}

/// The output of an operation that sends events and has no output stream:
/// printed as any operation's output is, once the call ends.
#[cfg(feature = "event-stream")]
pub struct Whole<O>(pub O);

#[cfg(feature = "event-stream")]
impl<O: Serialize, E> StreamOutput<E> for Whole<O> {
    fn print(self) -> crate::transport::BoxFuture<'static, Outcome> {
        let outcome = printed(&self.0);
        Box::pin(async move { outcome })
    }
}

#[cfg(feature = "event-stream")]
fn print_line(v: &dyn erased::Json) -> Result<(), Outcome> {
    use std::io::Write;
    let text = v.json().map_err(|e| Outcome::fail(4, format!("cannot print: {e}\n")))?;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
    Ok(())
}

#[cfg(feature = "event-stream")]
impl<O, T, E> StreamOutput<E> for (O, crate::streams::event_stream::EventReceiver<T, E>)
where
    O: Serialize + Send + 'static,
    T: Serialize + Send + 'static,
    E: OperationError + From<crate::error::Failure> + Send + 'static,
{
    fn print(self) -> crate::transport::BoxFuture<'static, Outcome> {
        let (output, mut events) = self;
        Box::pin(async move {
            if let Err(o) = print_line(&output) {
                return o;
            }
            loop {
                match events.recv().await {
                    Ok(Some(event)) => {
                        if let Err(o) = print_line(&event) {
                            return o;
                        }
                    }
                    Ok(None) => return Outcome::ok(String::new()),
                    Err(e) => return error_outcome(&e),
                }
            }
        })
    }
}

#[cfg(feature = "event-stream")]
mod erased {
    /// A value printed as one line of JSON.
    pub trait Json {
        fn json(&self) -> Result<String, serde_json::Error>;
    }

    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> Result<String, serde_json::Error> {
            serde_json::to_string(self)
        }
    }
}

/// Find the service and operation and run it; `dispatch` is generated.
pub async fn run_args(
    args: &[String],
    dispatch: for<'a> fn(&'a Args) -> BoxFuture<'a, Option<Outcome>>,
    services: &[(&str, &[&str])],
    base: BaseConfig,
) -> Outcome {
    let args = match parse(args, services) {
        Ok(a) => Args { base, ..a },
        Err(outcome) => return outcome,
    };
    match dispatch(&args).await {
        Some(outcome) => outcome,
        None => {
            let known: Vec<String> = services.iter().map(|(s, _)| s.to_string()).collect();
            let msg = match services.iter().find(|(s, _)| *s == args.service) {
                Some((s, _)) if args.copy.is_some() => format!("{s} has no transfer commands ({} are S3's)", transfer::COMMANDS.join(", ")),
                None => format!("unknown service {:?}; known services: {}", args.service, known.join(", ")),
                Some((s, ops)) if ops.contains(&args.operation.as_str()) => {
                    format!("{s} {} sends an event stream, which the command line cannot give; call it from code", args.operation)
                }
                Some((s, ops)) => {
                    let hint = ops
                        .iter()
                        .find(|o| o.eq_ignore_ascii_case(&args.operation.replace(['-', '_'], "")))
                        .map(|o| format!(" (did you mean {o}?)"))
                        .unwrap_or_default();
                    format!("service {s} has no operation {:?}{hint}; it has: {}", args.operation, ops.join(", "))
                }
            };
            Outcome::fail(2, format!("{msg}\n{USAGE}\n"))
        }
    }
}

/// The binary's `main`: run on a single-threaded tokio runtime, print, exit.
pub fn main(
    dispatch: for<'a> fn(&'a Args) -> BoxFuture<'a, Option<Outcome>>,
    services: &[(&str, &[&str])],
    base: BaseConfig,
) -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-v" || a == "--verbose") {
        // Every span and event of the runtime (and of hyper-util's
        // connection pool) at DEBUG and above, on stderr; stdout stays the
        // output alone.
        let subscriber = tracing_subscriber::fmt().with_writer(std::io::stderr).with_max_level(tracing::Level::DEBUG).finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
    }
    let outcome = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt.block_on(run_args(&args, dispatch, services, base)),
        Err(e) => Outcome::fail(3, format!("cannot start the async runtime: {e}\n")),
    };
    print!("{}", outcome.stdout);
    eprint!("{}", outcome.stderr);
    std::process::ExitCode::from(u8::try_from(outcome.code).unwrap_or(1))
}

/// One arm of a service's `smithy-call` dispatch: read the input, then
/// print the request it makes (dry run) or call the operation. Given the
/// service's `ServiceSpec` (a static) and the operation's name; expanded in the
/// service's `cli.rs`, where `protocol` is the service's protocol module.
#[doc(hidden)]
#[macro_export]
macro_rules! __cli_op {
    ($args:ident, $service:path, $name:literal, $prepare:ident, $method:ident) => {
        $crate::cli::run($args, $crate::cli::Operation { service: &$service, name: $name, prepare: protocol::$prepare }, |config, input| async move {
            super::Client::new(config).$method(input).await
        })
        .await
    };
    // A paginated operation: `--all-pages` collects its items (`items`) or
    // its pages (`pages`) through the paginator.
    ($args:ident, $service:path, $name:literal, $prepare:ident, $method:ident, paged $paginator:ident items) => {
        $crate::cli::op!(@paged $args, $service, $name, $prepare, $method, $paginator, collect_items)
    };
    ($args:ident, $service:path, $name:literal, $prepare:ident, $method:ident, paged $paginator:ident pages) => {
        $crate::cli::op!(@paged $args, $service, $name, $prepare, $method, $paginator, collect_pages)
    };
    (@paged $args:ident, $service:path, $name:literal, $prepare:ident, $method:ident, $paginator:ident, $collect:ident) => {
        $crate::cli::run_paged(
            $args,
            $crate::cli::Operation { service: &$service, name: $name, prepare: protocol::$prepare },
            |config, input| async move { super::Client::new(config).$method(input).await },
            |config, input| super::Client::new(config).$paginator(input).$collect(),
        )
        .await
    };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __cli_op as op;

/// [`op`] for an operation with a streaming blob payload: `--body @path`
/// sends the file through `<op>_from_stream` (`upload`), `--body-out PATH`
/// writes the payload through `<op>_stream` (`download`); without them, the
/// plain call.
#[doc(hidden)]
#[macro_export]
macro_rules! __cli_body_op {
    ($args:ident, $service:path, $name:literal, $prepare:ident, $method:ident, upload $upload:ident) => {
        if $args.body.is_some() {
            $crate::cli::run_upload($args, $crate::cli::Operation { service: &$service, name: $name, prepare: protocol::$prepare }, |config, input, body| async move {
                super::Client::new(config).$upload(input, body).await
            })
            .await
        } else {
            $crate::cli::op!($args, $service, $name, $prepare, $method)
        }
    };
    ($args:ident, $service:path, $name:literal, $prepare:ident, $method:ident, download $download:ident $payload:literal) => {
        if $args.body_out.is_some() {
            $crate::cli::run_download($args, $crate::cli::Operation { service: &$service, name: $name, prepare: protocol::$prepare }, $payload, |config, input| async move {
                super::Client::new(config).$download(input).await
            })
            .await
        } else {
            $crate::cli::op!($args, $service, $name, $prepare, $method)
        }
    };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __cli_body_op as body_op;

/// [`op`] for an operation with an output event stream.
#[cfg(feature = "event-stream")]
#[doc(hidden)]
#[macro_export]
macro_rules! __cli_stream_op {
    ($args:ident, $service:path, $name:literal, $prepare:ident, $method:ident) => {
        $crate::cli::run_stream($args, $crate::cli::Operation { service: &$service, name: $name, prepare: protocol::$prepare }, |config, input| async move {
            super::Client::new(config).$method(input).await
        })
        .await
    };
}
#[cfg(feature = "event-stream")]
#[allow(unused_imports)]
#[doc(hidden)]
pub use __cli_stream_op as stream_op;

/// [`op`] for an operation that sends an event stream (`--events`).
#[cfg(feature = "event-stream")]
#[doc(hidden)]
#[macro_export]
macro_rules! __cli_duplex_op {
    ($args:ident, $service:path, $name:literal, $prepare:ident, $method:ident) => {
        $crate::cli::run_duplex($args, $crate::cli::Operation { service: &$service, name: $name, prepare: protocol::$prepare }, |config, input, events| async move {
            super::Client::new(config).$method(input, events).await
        })
        .await
    };
    // No output stream: the output, once the events are sent.
    ($args:ident, $service:path, $name:literal, $prepare:ident, $method:ident, whole) => {
        $crate::cli::run_duplex($args, $crate::cli::Operation { service: &$service, name: $name, prepare: protocol::$prepare }, |config, input, events| async move {
            super::Client::new(config).$method(input, events).await.map($crate::cli::Whole)
        })
        .await
    };
}
#[cfg(feature = "event-stream")]
#[allow(unused_imports)]
#[doc(hidden)]
pub use __cli_duplex_op as duplex_op;

#[cfg(test)]
mod command_line_tests {
    use super::*;

    const SERVICES: &[(&str, &[&str])] = &[("logs", &["PutDestination"]), ("guardduty", &["CreateDetector"])];

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn endpoint_url_no_sign_request_and_secrets_from_the_environment_only() {
        let a = parse(&args(&["logs", "PutDestination", "--endpoint-url", "http://127.0.0.1:1", "--no-sign-request"]), SERVICES).expect("parses");
        assert_eq!(a.endpoint.as_deref(), Some("http://127.0.0.1:1"));
        assert!(a.no_sign_request);
        let help = command(SERVICES).render_long_help().to_string();
        for v in ["SMITHY_CALL_BEARER_TOKEN", "SMITHY_CALL_API_KEY", "SMITHY_CALL_USERNAME", "SMITHY_CALL_PASSWORD", "--no-sign-request", "endpoint-url"] {
            assert!(help.contains(v), "{v} in --help");
        }
        let env = |name: &str| match name {
            "SMITHY_CALL_BEARER_TOKEN" => Some("TOPSECRET".to_string()),
            "SMITHY_CALL_API_KEY" => Some(String::new()),
            "SMITHY_CALL_USERNAME" => Some("ann".to_string()),
            _ => None,
        };
        let mut warnings = Vec::new();
        let config = http_identities(Config::builder().endpoint("http://127.0.0.1:1"), env, |w| warnings.push(w.to_string())).build().expect("config");
        assert!(config.token_cache().is_some());
        // Half a login: one line saying so, no value.
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("SMITHY_CALL_USERNAME") && warnings[0].contains("SMITHY_CALL_PASSWORD") && !warnings[0].contains("ann"), "{warnings:?}");
        let full = |name: &str| match name {
            "SMITHY_CALL_USERNAME" => Some("ann".to_string()),
            "SMITHY_CALL_PASSWORD" => Some("pw".to_string()),
            _ => None,
        };
        let mut warnings = Vec::new();
        let login = http_identities(Config::builder().endpoint("http://127.0.0.1:1"), full, |w| warnings.push(w.to_string())).build().expect("config");
        assert!(warnings.is_empty() && format!("{login:?}").contains("ann"), "{warnings:?}");
        // An empty key is no key; a user name without a password is no login.
        let shown = format!("{config:?}");
        assert!(shown.contains("api_key: None") && shown.contains("login: None"), "{shown}");
        assert!(!shown.contains("TOPSECRET"), "{shown}");
    }

    #[test]
    fn operations_and_waiters_take_the_aws_cli_spelling() {
        let a = parse(&args(&["logs", "put-destination", "--input", "{}"]), SERVICES).expect("parses");
        assert_eq!(a.operation, "PutDestination");
        let a = parse(&args(&["logs", "PutDestination"]), SERVICES).expect("parses");
        assert_eq!(a.operation, "PutDestination");
        let a = parse(&args(&["logs", "no-such-thing"]), SERVICES).expect("parses");
        assert_eq!(a.operation, "no-such-thing", "left for the dispatch's unknown-operation message");
        assert_eq!(canonical_name("bucket-exists", ["BucketExists", "BucketNotExists"]), "BucketExists");
        assert_eq!(canonical_name("bucket_not_exists", ["BucketExists", "BucketNotExists"]), "BucketNotExists");
        assert_eq!(canonical_name("a-b", ["AB", "Ab"]), "a-b", "two names spelled alike: neither is guessed");
    }

    #[test]
    fn wait_takes_a_waiter_name_and_a_maximum_wait() {
        let a = parse(&args(&["logs", "wait", "DestinationExists", "--input", "{}", "--max-wait", "30"]), SERVICES).expect("parses");
        assert_eq!((a.operation.as_str(), a.waiter.as_deref(), a.max_wait), ("wait", Some("DestinationExists"), Some(30)));
        let e = parse(&args(&["logs", "PutDestination", "Extra"]), SERVICES).unwrap_err();
        assert!(e.code == 2 && e.stderr.contains("unexpected argument \"Extra\": only `wait` takes a waiter name"), "{}", e.stderr);
        let e = parse(&args(&["logs", "PutDestination", "--max-wait", "5"]), SERVICES).unwrap_err();
        assert!(e.code == 2 && e.stderr.contains("--max-wait is for `wait <WAITER>`"), "{}", e.stderr);
        let e = parse(&args(&["logs", "wait", "X", "--max-wait", "soon"]), SERVICES).unwrap_err();
        assert_eq!(e.code, 2);
        let help = parse(&args(&["--help"]), SERVICES).unwrap_err();
        assert!(help.stdout.contains("5 its failure state, 6 --max-wait passed first"), "{}", help.stdout);
        let a = parse(&args(&["logs", "wait", "Destinationexists"]), SERVICES).expect("parses");
        let o = unknown_waiter(&a, &[("DestinationExists", true), ("Hidden", false)]);
        assert_eq!(o.code, 2);
        assert!(o.stderr.starts_with("service logs has no waiter \"Destinationexists\" (did you mean DestinationExists?); it has: DestinationExists\n"), "{}", o.stderr);
    }

    #[test]
    fn arguments_are_read_by_clap_with_suggestions_help_and_completions() {
        let a = parse(&args(&["logs", "PutDestination", "--input", r#"{"a":1}"#, "--dry-run", "-v", "--region", "eu-west-1"]), SERVICES)
            .expect("parses");
        assert_eq!((a.service.as_str(), a.operation.as_str(), a.dry_run, a.verbose), ("logs", "PutDestination", true, true));
        assert_eq!(a.region.as_deref(), Some("eu-west-1"));
        assert_eq!(a.input, serde_json::json!({"a": 1}));

        let e = parse(&args(&["lgos", "PutDestination"]), SERVICES).unwrap_err();
        assert_eq!(e.code, 2);
        assert!(e.stderr.contains("a similar value exists: 'logs'"), "{}", e.stderr);
        let e = parse(&args(&["logs", "PutDestination", "--dry-rn"]), SERVICES).unwrap_err();
        assert!(e.code == 2 && e.stderr.contains("'--dry-run'"), "{}", e.stderr);
        let e = parse(&args(&["logs", "PutDestination", "--body", "file"]), SERVICES).unwrap_err();
        assert!(e.code == 2 && e.stderr.contains("--body takes @path"), "{}", e.stderr);

        let help = parse(&args(&["--help"]), SERVICES).unwrap_err();
        assert_eq!(help.code, 0);
        assert!(help.stdout.contains("Exit codes") && help.stdout.contains("guardduty"), "{}", help.stdout);
        let completions = parse(&args(&["--completions", "bash"]), SERVICES).unwrap_err();
        assert_eq!(completions.code, 0);
        assert!(completions.stdout.contains("smithy-call") && completions.stdout.contains("--dry-run"), "{}", completions.stdout);
    }

    #[test]
    fn a_dry_run_prints_the_url_headers_as_sent_and_the_serialized_body() {
        let mut request = PreparedRequest::new("PUT", "/k");
        request.query("a b", "c/d");
        request.query_flag("tagging");
        request.set_body(&b"{\"x\":1}"[..]);
        let sent = http::Request::builder()
            .method("PUT")
            .uri("https://bucket.s3.eu-west-1.amazonaws.com/k?a%20b=c%2Fd&tagging")
            .header("Host", "bucket.s3.eu-west-1.amazonaws.com")
            .header("x-amz-meta-a", "1")
            .header("x-amz-meta-a", "2")
            .body(bytes::Bytes::from_static(b"gzipped"))
            .expect("a request");
        assert_eq!(
            dry_run_json(&request, &sent),
            json!({
                "method": "PUT",
                "url": "https://bucket.s3.eu-west-1.amazonaws.com/k?a%20b=c%2Fd&tagging",
                "host": "bucket.s3.eu-west-1.amazonaws.com",
                "path": "/k",
                "query": {"a b": "c/d", "tagging": null},
                "headers": {"host": "bucket.s3.eu-west-1.amazonaws.com", "x-amz-meta-a": "1, 2"},
                "body": {"x": 1},
            })
        );
    }
}
