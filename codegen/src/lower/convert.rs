//! The model's vocabulary translated into the IR's own types (the IR
//! imports nothing from `model`).

use crate::ir;
use crate::model;

impl From<model::Protocol> for ir::Protocol {
    fn from(p: model::Protocol) -> Self {
        match p {
            model::Protocol::AwsJson1_0 => ir::Protocol::AwsJson1_0,
            model::Protocol::AwsJson1_1 => ir::Protocol::AwsJson1_1,
            model::Protocol::RestJson1 => ir::Protocol::RestJson1,
            model::Protocol::AwsQuery => ir::Protocol::AwsQuery,
            model::Protocol::Ec2Query => ir::Protocol::Ec2Query,
            model::Protocol::RestXml => ir::Protocol::RestXml,
            model::Protocol::RpcV2Cbor => ir::Protocol::RpcV2Cbor,
        }
    }
}

impl From<model::TimestampFormat> for ir::TimestampFormat {
    fn from(f: model::TimestampFormat) -> Self {
        match f {
            model::TimestampFormat::DateTime => ir::TimestampFormat::DateTime,
            model::TimestampFormat::HttpDate => ir::TimestampFormat::HttpDate,
            model::TimestampFormat::EpochSeconds => ir::TimestampFormat::EpochSeconds,
        }
    }
}

impl From<model::Bound> for ir::Bound {
    fn from(b: model::Bound) -> Self {
        ir::Bound { int: b.int, float: b.float }
    }
}

impl From<model::ErrorFault> for ir::ErrorFault {
    fn from(f: model::ErrorFault) -> Self {
        match f {
            model::ErrorFault::Client => ir::ErrorFault::Client,
            model::ErrorFault::Server => ir::ErrorFault::Server,
        }
    }
}

impl From<&model::UriSegment> for ir::UriSegment {
    fn from(s: &model::UriSegment) -> Self {
        match s {
            model::UriSegment::Literal(v) => ir::UriSegment::Literal(v.clone()),
            model::UriSegment::Label(v) => ir::UriSegment::Label(v.clone()),
            model::UriSegment::Greedy(v) => ir::UriSegment::Greedy(v.clone()),
        }
    }
}

impl From<&model::Http> for ir::HttpRoute {
    fn from(h: &model::Http) -> Self {
        ir::HttpRoute {
            method: h.method.clone(),
            uri: h.uri.clone(),
            path: h.path.iter().map(ir::UriSegment::from).collect(),
            query: h.query.clone(),
            code: h.code,
        }
    }
}
