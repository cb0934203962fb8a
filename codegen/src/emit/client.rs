//! Each service's `Client`: one async method per operation, which prepares
//! the request (token, validation, serialization), sends it through the
//! runtime's pipeline (endpoint, SigV4, retries) and parses the response.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs_with;
use super::errors::{error_name, modeled_errors};
use super::protocol::{find_struct, module_name};
use super::rust_type::ident;
use crate::ir::{OperationIr, ServiceIr};

pub fn protocol_tokens(svc: &ServiceIr) -> TokenStream {
    let variant = ident(svc.protocol.variant());
    quote!(::smithy_gen_runtime::protocols::Protocol::#variant)
}

/// The signing name: `aws.auth#sigv4`, else the endpoint prefix, else the
/// module name.
pub fn signing_name(svc: &ServiceIr) -> String {
    svc.sigv4_name.clone().or_else(|| svc.endpoint_prefix.clone()).unwrap_or_else(|| svc.module.clone())
}

/// The `# Examples` section of a client method's documentation (empty when
/// the operation has no `@examples`): each example's title, documentation,
/// and its input, output or error as JSON blocks, which rustdoc does not
/// compile.
fn examples_doc(op: &OperationIr) -> String {
    if op.examples.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n\n# Examples");
    for ex in &op.examples {
        out.push_str(&format!("\n\n## {}", ex.title.trim()));
        if let Some(d) = &ex.docs {
            out.push_str(&format!("\n\n{}", d.trim_end()));
        }
        let mut block = |label: &str, json: &str| {
            // A fence longer than any run of backticks in the JSON.
            let longest = json.split(|c| c != '`').map(str::len).max().unwrap_or(0);
            let fence = "`".repeat(longest.max(2) + 1);
            out.push_str(&format!("\n\n{label}\n\n{fence}json\n{json}\n{fence}"));
        };
        block("Input:", ex.input.as_deref().unwrap_or("{}"));
        if let Some(o) = &ex.output {
            block("Output:", o);
        }
        if let Some(e) = &ex.error {
            block(&format!("Error [`{0}`](super::types::{0}):", e.name), &e.content);
        }
    }
    out
}

/// The client method taking `op`'s whole input (`put_destination_with`);
/// the operation's own name is its fluent call's.
pub fn input_fn(svc: &ServiceIr, op: &OperationIr) -> String {
    let all: Vec<&str> = svc.operations.iter().map(|o| o.fn_name.as_str()).collect();
    crate::naming::input_fn_name(&op.fn_name, &all)
}

/// `Client::from_env`: an AWS service's reads the AWS environment and
/// shared files; one that is not AWS's (no `aws.api#service`) reads nothing
/// of AWS's and needs no region or AWS credentials (`ConfigBuilder::not_aws`).
fn from_env(svc: &ServiceIr) -> TokenStream {
    if svc.sdk_id.is_some() {
        return quote! {
            /// A client configured from the environment (`AWS_REGION`,
            /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`).
            pub fn from_env() -> ::std::result::Result<Self, ::smithy_gen_runtime::config::ConfigError> {
                ::smithy_gen_runtime::config::Config::from_env().map(Self::new)
            }
        };
    }
    quote! {
        /// A client with the default configuration of a service that is not
        /// AWS's (`Config::builder().not_aws()`): it needs no region and no
        /// AWS credentials, and reads no `AWS_*` variable and no shared AWS
        /// file (the default transport still honours the proxy variables
        /// and `AWS_CA_BUNDLE`). It has no endpoint and no identity:
        /// without endpoint rules, calls fail unsent until given both, as
        /// `Client::new(Config::builder().not_aws().endpoint_url(..).bearer_token(..).build()?)` does.
        pub fn from_env() -> ::std::result::Result<Self, ::smithy_gen_runtime::config::ConfigError> {
            ::smithy_gen_runtime::config::Config::builder().not_aws().build().map(Self::new)
        }
    }
}

pub fn client_file(svc: &ServiceIr) -> TokenStream {
    let protocol = protocol_tokens(svc);
    let signing = signing_name(svc);
    let prefix = svc.endpoint_prefix.clone().unwrap_or_else(|| signing.clone());
    let sdk_id = svc.sdk_id.clone().unwrap_or_default();
    let from_env = from_env(svc);
    let target = &svc.target_prefix;
    let default_names: Vec<&str> = svc.default_headers.iter().map(|(k, _)| k.as_str()).collect();
    let default_values: Vec<&str> = svc.default_headers.iter().map(|(_, v)| v.as_str()).collect();
    let proto_mod = ident(module_name(svc));
    let title = &svc.title;
    let rules = match &svc.endpoint_rules {
        Some(r) => quote!(::std::option::Option::Some(#r)),
        None => quote!(::std::option::Option::None),
    };
    let methods = svc.client_operations().map(|op| {
        let f = ident(&input_fn(svc, op));
        let input = ident(&op.input);
        let output = ident(&op.output);
        let error = ident(&error_name(op));
        let prepare = ident(&format!("prepare_{}", op.fn_name));
        let parse = ident(&format!("parse_{}", op.fn_name));
        let input_struct = find_struct(svc, &op.input);
        let has_token = input_struct.is_some_and(|s| s.members.iter().any(|m| m.idempotency_token));
        // The configured token provider fills an unset token (`prepare`
        // would fill it with a random one).
        let (mutability, fill_token) = super::protocol::token_fill(input_struct, quote!(self.handle.idempotency_token()));
        // Safe to repeat: the model says so, a token protects it, or its
        // HTTP method is one HTTP defines as safe (GET, HEAD: S3 `GetObject`
        // is neither `@readonly` nor `@idempotent` in its model).
        let safe_method = op.http.as_ref().is_some_and(|h| matches!(h.method.as_str(), "GET" | "HEAD"));
        let safe = op.idempotent || op.readonly || has_token || safe_method;
        let retryable: Vec<String> = modeled_errors(svc, op).into_iter().filter(|e| e.retryable).map(|e| e.code).collect();
        let summary = format!(
            "Calls `{}`: validates `input` (unless the config turns validation off), sends it {}, and parses the output or the operation's error.",
            op.name,
            if op.unsigned { "unsigned (it needs no credentials)" } else { "signed" }
        );
        let docs = doc_attrs_with(op.docs.as_deref(), &format!("{summary}{}", examples_doc(op)));
        let cfg = super::gates::cfg(&super::gates::operation(svc, op));
        let dep = op.deprecated.as_ref().map(|n| quote!(#[deprecated(note = #n)]));
        let op_name = &op.name;
        if let Some(input_stream) = &op.input_stream {
            let marshal = ident(&format!("marshal_{}_event", op.fn_name));
            let in_union = ident(&input_stream.union);
            let initial = input_stream.initial_message;
            let (ret, finish) = match &op.output_stream {
                Some(out) => {
                    let open = ident(&format!("open_{}", op.fn_name));
                    let out_union = ident(&out.union);
                    (
                        quote!((types::#output, ::smithy_gen_runtime::streams::event_stream::EventReceiver<types::#out_union, errors::#error>)),
                        quote!(protocol::#open(streamed).await),
                    )
                }
                None => (
                    quote!(types::#output),
                    quote! {
                        match streamed {
                            ::smithy_gen_runtime::invoke::Streamed::Error(raw) => ::std::result::Result::Err(errors::#error::from_response(&raw)),
                            ::smithy_gen_runtime::invoke::Streamed::Stream(r) => {
                                let max = self.handle.config().max_response_body();
                                protocol::#parse(&::smithy_gen_runtime::streams::event_stream::collect(r, max).await?)
                            }
                        }
                    },
                ),
            };
            return quote! {
                #cfg
                #docs
                #dep
                ///
                /// `events` is the input's event stream: make it with
                /// `smithy_gen_runtime::streams::event_stream::channel`, send events with the
                /// sender (before or during the call), and drop the sender to end it.
                /// Each event goes out as it is sent, signed; over HTTP/2 the response
                /// streams back meanwhile.
                pub async fn #f(&self, #mutability input: types::#input, events: ::smithy_gen_runtime::streams::event_stream::EventInput<types::#in_union>) -> Result<#ret, errors::#error> {
                    #fill_token
                    let request = protocol::#prepare(input, self.handle.validates())?;
                    let streamed = self.handle.send_duplex(#op_name, &request, events, protocol::#marshal, #initial).await?;
                    #finish
                }
            };
        }
        if let Some(stream) = &op.output_stream {
            let open = ident(&format!("open_{}", op.fn_name));
            let union = ident(&stream.union);
            return quote! {
                #cfg
                #docs
                #dep
                ///
                /// The output's event stream comes as the receiver beside the output: call
                /// its `recv` until it gives `Ok(None)` (the stream's end) or an error
                /// (a modeled exception of the stream, an unmodeled error, a corrupt
                /// message or a dropped connection), or make it a `futures_core::Stream`
                /// with `into_stream`.
                pub async fn #f(&self, #mutability input: types::#input) -> Result<(types::#output, ::smithy_gen_runtime::streams::event_stream::EventReceiver<types::#union, errors::#error>), errors::#error> {
                    #fill_token
                    let policy = RetryPolicy::new(#safe, &[#(#retryable),*]);
                    let request = protocol::#prepare(input, self.handle.validates())?;
                    protocol::#open(self.handle.send_streaming(#op_name, &request, &policy).await?).await
                }
            };
        }
        let stream_method = op.streaming_body.as_ref().map(|field| {
            let f_stream = ident(&format!("{}_stream", op.fn_name.trim_end_matches('_')));
            let field = ident(field);
            let doc = format!(
                " `{}` with the body handed over as it arrives (no size limit, nothing held whole): the output has every other member, and `{}` unset. The connection is in use until the body is read to its end or dropped. A body that stalls fails with a timeout (the configuration's stalled-stream rules for downloads); with checksum validation asked for, the read that reaches the end fails when the bytes do not match the response's checksum.",
                op.name, field
            );
            quote! {
                #cfg
                #[doc = #doc]
                #dep
                pub async fn #f_stream(&self, #mutability input: types::#input) -> Result<(types::#output, ::smithy_gen_runtime::transport::BodyStream), errors::#error> {
                    #fill_token
                    let policy = RetryPolicy::new(#safe, &[#(#retryable),*]);
                    let request = protocol::#prepare(input, self.handle.validates())?;
                    match self.handle.send_download(#op_name, &request, &policy).await? {
                        ::smithy_gen_runtime::invoke::Streamed::Error(raw) => ::std::result::Result::Err(errors::#error::from_response(&raw)),
                        ::smithy_gen_runtime::invoke::Streamed::Stream(response) => {
                            let head = ::smithy_gen_runtime::request::RawResponse::new(response.status, response.headers, ::smithy_gen_runtime::Bytes::new());
                            let mut output = protocol::#parse(&head)?;
                            output.#field = ::std::option::Option::None;
                            ::std::result::Result::Ok((output, response.body))
                        }
                    }
                }
            }
        });
        let upload_method = op.streaming_input.as_ref().map(|field| {
            let f_upload = ident(&format!("{}_from_stream", op.fn_name.trim_end_matches('_')));
            let field = ident(field);
            let doc = format!(
                " `{}` with the `{}` payload sent as it is produced: `body` from `StreamingBody::channel` (with the length, which the service needs), the input's own `{}` ignored. Retried like any call when the body can be read again (`StreamingBody::from_file`), sent once when it cannot (a channel). Its bytes go unsigned, protected by TLS; the operation's flexible checksum (unless the input gives one) is computed as they go out and sent in the trailer of an `aws-chunked` body.",
                op.name, field, field
            );
            quote! {
                #cfg
                #[doc = #doc]
                #dep
                pub async fn #f_upload(&self, mut input: types::#input, body: ::smithy_gen_runtime::transport::StreamingBody) -> Result<types::#output, errors::#error> {
                    #fill_token
                    input.#field = ::std::option::Option::None;
                    let policy = RetryPolicy::new(#safe, &[#(#retryable),*]);
                    let request = protocol::#prepare(input, self.handle.validates())?;
                    protocol::#parse(&self.handle.send_upload(#op_name, &request, body, &policy).await?)
                }
            }
        });
        let discovered = svc.endpoint_discovery.as_ref().and_then(|d| Some((d, d.operations.get(&op.name)?)));
        let (discovery, send) = match discovered {
            Some((d, o)) => {
                let required = o.required;
                let names = o.identifiers.iter().map(|(n, _)| n);
                let fields = o.identifiers.iter().map(|(_, f)| ident(f));
                let code = d.error_code.clone().unwrap_or_default();
                let keyed = d.identifiers_field.is_some();
                (
                    quote!(let discovery = ::smithy_gen_runtime::endpoint_discovery::Discovery::new(#op_name, #required, vec![#((#names, ::std::clone::Clone::clone(&input.#fields))),*], #code, #keyed);),
                    quote!(self.handle.send_discovered(#op_name, &request, &policy, discovery, &|operation, identifiers| self.discover_endpoints(operation, identifiers))),
                )
            }
            None => (TokenStream::new(), quote!(self.handle.send(#op_name, &request, &policy))),
        };
        quote! {
            #cfg
            #docs
            #dep
            pub async fn #f(&self, #mutability input: types::#input) -> Result<types::#output, errors::#error> {
                #fill_token
                let policy = RetryPolicy::new(#safe, &[#(#retryable),*]);
                #discovery
                let request = protocol::#prepare(input, self.handle.validates())?;
                protocol::#parse(&#send.await?)
            }
            #stream_method
            #upload_method
        }
    });
    let mut doc = format!(" A client for {title}. Cheap to clone; clones share the connection pool.");
    let omitted: Vec<String> = svc
        .event_stream_operations()
        .map(|op| {
            format!(
                "\n - `{}`: its member `{}` is an event stream. Its types ([`{}`](super::types::{}), [`{}`](super::types::{})) are generated; the protocol has no way to send or read it.",
                op.name,
                op.event_stream.as_deref().unwrap_or_default(),
                op.input,
                op.input,
                op.output,
                op.output
            )
        })
        .collect();
    if !omitted.is_empty() {
        doc.push_str(&format!(
            "\n\n Left out of this client, because its protocol defines no event streams:{}",
            omitted.concat().replace("\n", "\n ")
        ));
    }
    if !svc.client_context_params.is_empty() {
        doc.push_str("\n\n Client context parameters of the service's endpoint rules, set with [`ConfigBuilder::client_context_param`](::smithy_gen_runtime::ConfigBuilder::client_context_param):");
        for (name, ty, d) in &svc.client_context_params {
            let d = d.as_deref().map(|d| format!(": {}", d.split_whitespace().collect::<Vec<_>>().join(" "))).unwrap_or_default();
            doc.push_str(&format!("\n - `{name}` ({ty}){d}"));
        }
    }
    let doc_lines: Vec<String> = doc.lines().map(str::to_string).collect();
    let signing_options = if svc.s3_signing { quote!(S3) } else { quote!(DEFAULT) };
    let discover = discover_method(svc);
    quote! {
        //! The service's client.

        // Model types are reached through `types::`, so the prelude's names
        // and these imports cannot clash with a shape's name.
        #[allow(unused_imports)]
        use super::#proto_mod as protocol;
        #[allow(unused_imports)]
        use super::{errors, types};
        #[allow(unused_imports)]
        use ::smithy_gen_runtime::retry::RetryPolicy;

        /// How to reach and speak to the service.
        pub(crate) static SERVICE: ::smithy_gen_runtime::invoke::ServiceSpec = ::smithy_gen_runtime::invoke::ServiceSpec {
            protocol: #protocol,
            signing_name: #signing,
            sdk_id: #sdk_id,
            endpoint_prefix: #prefix,
            target_prefix: #target,
            default_headers: &[#((#default_names, #default_values)),*],
            endpoint_rules: #rules,
            parsed_rules: ::std::sync::OnceLock::new(),
            signing: ::smithy_gen_runtime::signing::SigningOptions::#signing_options,
        };

        #(#[doc = #doc_lines])*
        #[derive(Debug, Clone)]
        pub struct Client {
            // Seen by the service's fluent calls (their `presigned`).
            pub(super) handle: ::smithy_gen_runtime::invoke::Handle,
        }

        impl Client {
            /// A client using `config`; requests go to the config's endpoint or to
            /// `https://<endpoint prefix>.<region>.amazonaws.com`.
            pub fn new(config: ::smithy_gen_runtime::config::Config) -> Self {
                Client { handle: ::smithy_gen_runtime::invoke::Handle::new(config, &SERVICE) }
            }

            #from_env

            /// The configuration this client's calls use.
            pub fn config(&self) -> &::smithy_gen_runtime::config::Config {
                self.handle.config()
            }

            /// This client with its configuration changed by `change`, for a
            /// call or a few: another region, endpoint, credentials provider,
            /// retry mode, number of attempts, timeout or hook (the `with_*`
            /// methods of `Config`), its endpoint resolved again:
            /// `client.with_config(|c| c.with_region("eu-west-1").with_max_attempts(5))`.
            /// The retry quota, clock-skew correction and connections stay shared.
            pub fn with_config(&self, change: impl ::std::ops::FnOnce(::smithy_gen_runtime::config::Config) -> ::smithy_gen_runtime::config::Config) -> Self {
                Self::new(change(::std::clone::Clone::clone(self.handle.config())))
            }

            /// The URL requests go to (from the model's endpoint rules, the
            /// region, FIPS and dual-stack settings and any endpoint override),
            /// or why the rules give none.
            pub fn endpoint(&self) -> ::std::result::Result<::std::string::String, ::std::string::String> {
                self.handle.endpoint()
            }

            #(#methods)*

            #discover
        }
    }
}

/// The client's private `discover_endpoints`: a call of the service's
/// discovery operation for the runtime's endpoint cache (nothing without
/// `aws.api#clientEndpointDiscovery`). Compiled with the operations that
/// use it.
fn discover_method(svc: &ServiceIr) -> TokenStream {
    let Some(d) = &svc.endpoint_discovery else { return TokenStream::new() };
    let Some(op) = svc.operations.iter().find(|o| o.name == d.operation) else { return TokenStream::new() };
    let f = ident(&input_fn(svc, op));
    let input = ident(&op.input);
    let features: std::collections::BTreeSet<String> =
        svc.operations.iter().filter(|o| d.operations.contains_key(&o.name)).map(|o| o.feature.clone()).collect();
    let all: std::collections::BTreeSet<String> = svc.operations.iter().map(|o| o.feature.clone()).collect();
    let gate = (svc.operations.len() > 1 && features != all).then(|| features.into_iter().collect());
    let cfg = super::gates::cfg(&gate);
    let set_operation = d.operation_field.as_ref().map(|f| {
        let f = ident(f);
        quote!(input.#f = ::std::option::Option::Some(::std::string::ToString::to_string(operation));)
    });
    let set_identifiers = d.identifiers_field.as_ref().map(|f| {
        let f = ident(f);
        quote!(input.#f = ::std::option::Option::Some(identifiers.into_iter().collect());)
    });
    let (endpoints, address, period) = (ident(&d.endpoints_field), ident(&d.address_field), ident(&d.period_field));
    // The input: its `Operation` and `Identifiers` set when there are
    // identifiers to send (and the input takes them).
    let input_value = if set_operation.is_none() && set_identifiers.is_none() {
        quote! {
            let _ = (operation, identifiers);
            let input = types::#input::default();
        }
    } else {
        let unused = set_operation.is_none().then(|| quote!(let _ = operation;));
        quote! {
            #unused
            let mut input = types::#input::default();
            if !identifiers.is_empty() {
                #set_operation
                #set_identifiers
            }
        }
    };
    let doc = format!(" Calls `{}` for the endpoints of `operation` (see `smithy_gen_runtime::endpoint_discovery`).", d.operation);
    quote! {
        #cfg
        #[doc = #doc]
        fn discover_endpoints(&self, operation: &'static str, identifiers: ::std::vec::Vec<(::std::string::String, ::std::string::String)>) -> ::smithy_gen_runtime::endpoint_discovery::DiscoveryFuture<'_> {
            ::std::boxed::Box::pin(async move {
                #input_value
                let output = self.#f(input).await.map_err(|e| ::std::string::ToString::to_string(&e))?;
                ::std::result::Result::Ok(
                    output
                        .#endpoints
                        .unwrap_or_default()
                        .into_iter()
                        .map(|e| ::smithy_gen_runtime::endpoint_discovery::DiscoveredEndpoint {
                            address: e.#address.unwrap_or_default(),
                            cache_period_in_minutes: e.#period.unwrap_or_default(),
                        })
                        .collect(),
                )
            })
        }
    }
}
