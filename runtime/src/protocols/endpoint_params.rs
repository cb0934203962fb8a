//! The endpoint rule-set parameters an operation sets (`@staticContextParams`
//! and `@contextParam` members), written as a table: one `endpoint_params!`
//! call per operation instead of a push of nine formatted lines per parameter.

/// Push each parameter onto `request.endpoint_params`:
/// `endpoint_params!(request, input [entries]);` where an entry is
/// `bool("Name" true)` or `string("Name" "value")` (static), `str("Name"
/// field)` or `enum("Name" field)` (an input member, as text; nothing when
/// unset) or `flag("Name" field)` (a boolean input member).
#[doc(hidden)]
#[macro_export]
macro_rules! __endpoint_params_endpoint_params {
    ($request:ident, $input:ident [$($kind:ident($($e:tt)*)),* $(,)?]) => {
        $($crate::__endpoint_params_endpoint_params!(@push $request $input $kind $($e)*);)*
    };
    (@push $r:ident $i:ident bool $name:literal $v:literal) => {
        $r.endpoint_params.push(($name, $crate::endpoints::Value::Bool($v)))
    };
    (@push $r:ident $i:ident string $name:literal $v:literal) => {
        $r.endpoint_params.push(($name, $crate::endpoints::Value::String(::std::string::String::from($v))))
    };
    (@push $r:ident $i:ident str $name:literal $f:ident) => {
        if let ::std::option::Option::Some(v) = &$i.$f {
            $r.endpoint_params.push(($name, $crate::endpoints::Value::String(::std::clone::Clone::clone(v))));
        }
    };
    (@push $r:ident $i:ident enum $name:literal $f:ident) => {
        if let ::std::option::Option::Some(v) = &$i.$f {
            let text = $crate::types::enums::EnumText::to_text(v).into_owned();
            $r.endpoint_params.push(($name, $crate::endpoints::Value::String(text)));
        }
    };
    (@push $r:ident $i:ident flag $name:literal $f:ident) => {
        if let ::std::option::Option::Some(v) = &$i.$f {
            $r.endpoint_params.push(($name, $crate::endpoints::Value::Bool(*v)));
        }
    };
}
pub use __endpoint_params_endpoint_params as endpoint_params;
