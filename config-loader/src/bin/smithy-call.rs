//! `smithy-call`: every service of the generated crate (see its `cli`
//! module), with configurations from [`smithy_gen_config::builder`]: the
//! credential chain of the AWS CLI, roles, web identity and SSO included.

fn main() -> std::process::ExitCode {
    aws_generated::cli::main_with(smithy_gen_config::builder)
}
