//! Each service's fluent calls (`src/<service>/fluent.rs`): for every
//! operation, `Client::<op>()` returning a call to set up member by member
//! and `send`, as aws-sdk-rust's clients read. The setters are the input
//! builder's, forwarded (one `fluent!` invocation per operation, expanded in
//! the runtime); `send` calls `Client::<op>_with`, and `presigned` (where a
//! URL can carry the request: see `presignable`) presigns the call with the
//! protocol's `prepare_<op>`.

use proc_macro2::TokenStream;
use quote::quote;

use super::client::input_fn;
use super::errors::error_name;
use super::protocol::find_struct;
use super::rust_type::ident;
use super::types::{builder_entries, builder_name};
use crate::ir::{HttpBinding, OperationIr, Protocol, RType, ServiceIr, StructIr};

/// Whether a URL can carry `op`'s request, so its fluent call gets
/// `presigned`: signed with SigV4, without an event stream, and with no body or one
/// the URL need not carry (S3's blob payload, left to the holder; a query
/// form, moved into the URL). awsJson requests always have a body; an S3
/// operation with a required member serialized into the body
/// (`DeleteObjects`' `Delete`) would always be refused (the runtime refuses
/// an S3 body the URL would drop), so it gets none.
fn presignable(svc: &ServiceIr, op: &OperationIr, input: &StructIr) -> bool {
    // Presigning is SigV4's: a bearer token or API key has no URL form.
    if op.unsigned || !op.auth.contains(&crate::ir::AuthIr::SigV4) || op.input_stream.is_some() || op.output_stream.is_some() {
        return false;
    }
    match svc.protocol {
        Protocol::AwsQuery | Protocol::Ec2Query => true,
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 | Protocol::RpcV2Cbor => false,
        Protocol::RestJson1 | Protocol::RestXml if svc.s3_signing => !input.members.iter().any(|m| {
            m.required && (matches!(m.http, HttpBinding::Body) || (matches!(m.http, HttpBinding::Payload) && !matches!(m.ty, RType::Blob)))
        }),
        Protocol::RestJson1 | Protocol::RestXml => !input.members.iter().any(|m| matches!(m.http, HttpBinding::Body | HttpBinding::Payload)),
    }
}

pub fn fluent_file(svc: &ServiceIr) -> TokenStream {
    let calls = svc.client_operations().filter_map(|op| {
        let input = find_struct(svc, &op.input)?;
        let name = ident(&crate::naming::type_name(&op.name));
        let f = ident(&op.fn_name);
        let with = ident(&input_fn(svc, op));
        let builder = ident(&builder_name(input));
        let output = ident(&op.output);
        let error = ident(&error_name(op));
        let entries = builder_entries(input, &quote!(types::));
        let ret = match &op.output_stream {
            Some(out) => {
                let union = ident(&out.union);
                quote!(::std::result::Result<(types::#output, ::smithy_gen_runtime::streams::event_stream::EventReceiver<types::#union, errors::#error>), errors::#error>)
            }
            None => quote!(::std::result::Result<types::#output, errors::#error>),
        };
        let kind = match &op.input_stream {
            Some(s) => {
                let union = ident(&s.union);
                quote!(events(::smithy_gen_runtime::streams::event_stream::EventInput<types::#union>))
            }
            None => quote!(plain),
        };
        let presign = presignable(svc, op, input).then(|| {
            let op_name = &op.name;
            let module = ident(super::protocol::module_name(svc));
            let prepare = ident(&format!("prepare_{}", op.fn_name));
            quote!(, presign(#op_name, super::#module::#prepare, errors::#error))
        });
        let cfg = super::gates::cfg(&super::gates::operation(svc, op));
        let dep = op.deprecated.as_ref().map(|n| quote!(#[deprecated(note = #n)]));
        let summary = op.docs.as_deref().and_then(|d| d.split("\n\n").next()).map(|p| format!("{}\n\n", p.trim())).unwrap_or_default();
        let doc = format!(
            "{summary}Calls `{}`: set the input's members on what this returns, then `send`. [`{with}`](Self::{with}) takes an input built beforehand, and documents the operation in full.",
            op.name
        );
        let doc_lines: Vec<String> = doc.lines().map(|l| format!(" {l}")).collect();
        // A paginated operation's call pages with the input set so far
        // (`client.list_roles().max_items(50).into_paginator()`).
        let paginator = op.paginated.as_ref().map(|p| {
            let method = ident(&p.method);
            let ty = ident(&p.type_name);
            let doc = format!(" Pages through `{}` with the input set so far, instead of sending it once: see [`Client::{}`].", op.name, p.method);
            quote! {
                #cfg
                impl #name {
                    #[doc = #doc]
                    #dep
                    #[allow(deprecated)]
                    pub fn into_paginator(self) -> super::paginators::#ty {
                        self.client.#method(self.input.unchecked())
                    }
                }
            }
        });
        Some(quote! {
            #paginator
            #cfg
            fluent!(#name, Client, types::builders::#builder, #with, #ret, #kind, { #(#entries),* } #presign);
            #cfg
            impl Client {
                #(#[doc = #doc_lines])*
                #dep
                pub fn #f(&self) -> #name {
                    #name::new(self)
                }
            }
        })
    });
    quote! {
        //! Fluent calls: `client.<operation>().<member>(value)….send().await`.

        #[allow(unused_imports)]
        use super::{errors, types, Client};
        #[allow(unused_imports)]
        use ::smithy_gen_runtime::types::builders::fluent;
        #(#calls)*
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use serde_json::json;

    use super::presignable;
    use crate::lower::{lower_crate, Selection};
    use crate::model::Model;

    /// Which operations of a restXml service get `presigned`, signed as S3
    /// (`sdkId` `S3`) or not.
    fn presigned_operations(sdk_id: &str) -> Vec<String> {
        let op = |input: &str| json!({"type": "operation", "input": {"target": input}, "traits": {"smithy.api#http": {"method": "PUT", "uri": "/{Key}"}}});
        let key = json!({"target": "smithy.api#String", "traits": {"smithy.api#required": {}, "smithy.api#httpLabel": {}}});
        let model = json!({
            "smithy": "2.0",
            "shapes": {
                "ex#Svc": {"type": "service", "version": "1", "operations": [{"target": "ex#Upload"}, {"target": "ex#DeleteMany"}, {"target": "ex#Configure"}, {"target": "ex#Get"}], "traits": {
                    "aws.protocols#restXml": {}, "aws.auth#sigv4": {"name": "s3"}, "aws.api#service": {"sdkId": sdk_id}
                }},
                // A blob payload: the holder's to send.
                "ex#Upload": op("ex#UploadInput"),
                "ex#UploadInput": {"type": "structure", "members": {"Key": key, "Body": {"target": "ex#Data", "traits": {"smithy.api#httpPayload": {}, "smithy.api#required": {}}}}},
                "ex#Data": {"type": "blob"},
                // A required structure payload: always a body the URL would drop.
                "ex#DeleteMany": op("ex#DeleteManyInput"),
                "ex#DeleteManyInput": {"type": "structure", "members": {"Key": key, "Delete": {"target": "ex#Delete", "traits": {"smithy.api#httpPayload": {}, "smithy.api#required": {}}}}},
                "ex#Delete": {"type": "structure", "members": {"Name": {"target": "smithy.api#String"}}},
                // An optional structure payload: presignable without it.
                "ex#Configure": op("ex#ConfigureInput"),
                "ex#ConfigureInput": {"type": "structure", "members": {"Key": key, "Config": {"target": "ex#Delete", "traits": {"smithy.api#httpPayload": {}}}}},
                "ex#Get": op("ex#GetInput"),
                "ex#GetInput": {"type": "structure", "members": {"Key": key}},
            }
        });
        let model = Model::load_sources(&[(PathBuf::from("presign.json"), model.to_string())]).expect("loads");
        let ir = lower_crate(&model, "t", &Selection::default()).unwrap_or_else(|e| panic!("{e}"));
        let svc = &ir.services[0];
        svc.client_operations()
            .filter(|op| super::find_struct(svc, &op.input).is_some_and(|input| presignable(svc, op, input)))
            .map(|op| op.name.clone())
            .collect()
    }

    #[test]
    fn s3_operations_with_a_required_body_get_no_presigned_call() {
        assert_eq!(presigned_operations("S3"), ["Configure", "Get", "Upload"]);
        assert_eq!(presigned_operations("Other"), ["Get"]);
    }
}
