//! One before/after test per syntax-tree pass: a small input shaped like progenitor's or
//! typify's output goes through the pass, and the printed result is checked. The passes match
//! exact snippets of generator output, so these tests also pin the shapes they expect.

use proc_macro2::TokenStream;
use quote::quote;
use syn::visit_mut::VisitMut;
use syn::{File, Item};

use super::*;

fn support() -> Support {
    crate::generate::support()
}

fn file(tokens: TokenStream) -> File {
    syn::parse2(tokens).expect("test input parses")
}

fn items(tokens: TokenStream) -> Vec<Item> {
    file(tokens).items
}

fn print(items: &[Item]) -> String {
    let mut file = file(TokenStream::new());
    file.items = items.to_vec();
    prettyplease::unparse(&file)
}

/// The printed text without whitespace and without the trailing commas prettyplease adds
/// when it breaks a list over lines, to compare with a snippet.
fn squeeze(text: &str) -> String {
    let joined: String = text.split_whitespace().collect();
    joined.replace(",>", ">").replace(",)", ")")
}

fn has(text: &str, snippet: &str) -> bool {
    squeeze(text).contains(&squeeze(snippet))
}

/// A typify string enum with its `FromStr`, the description carrying `marker`.
fn string_enum(marker: &str) -> TokenStream {
    let doc = format!("Status.\n\n{marker}");
    quote! {
        #[doc = #doc]
        #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
        pub enum Status {
            #[serde(rename = "ACTIVE")]
            Active,
            #[serde(rename = "DOWN")]
            Down,
        }
        impl ::std::fmt::Display for Status {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match *self {
                    Self::Active => f.write_str("ACTIVE"),
                    Self::Down => f.write_str("DOWN"),
                }
            }
        }
        impl ::std::str::FromStr for Status {
            type Err = self::error::ConversionError;
            fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                match value {
                    "ACTIVE" => Ok(Self::Active),
                    "DOWN" => Ok(Self::Down),
                    _ => Err("invalid value".into()),
                }
            }
        }
    }
}

#[test]
fn enum_parse_errors_name_the_documented_values() {
    let mut items = items(string_enum(""));
    enum_parse_errors(&mut items).unwrap();
    let out = print(&items);
    assert!(
        has(
            &out,
            r#"_ => Err("not one of the documented values (ACTIVE, DOWN)".into()),"#
        ),
        "{out}"
    );
    assert!(!out.contains("invalid value"), "{out}");
}

#[test]
fn open_enums_get_a_catch_all_and_hand_written_serde() {
    let mut items = items(string_enum(OPEN_ENUM_MARKER));
    let opened = open_enums(&mut items, &support()).unwrap();
    assert_eq!(opened, ["Status"]);
    let out = print(&items);
    assert!(has(&out, "Unrecognized(crate::UnknownValue),"), "{out}");
    assert!(!out.contains(OPEN_ENUM_MARKER), "{out}");
    assert!(
        has(
            &out,
            "#[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)] pub enum Status"
        ),
        "serde derives and Copy dropped: {out}"
    );
    assert!(!out.contains("#[serde(rename"), "{out}");
    assert!(has(&out, r#"Self::Down => "DOWN","#), "{out}");
    assert!(has(&out, "impl ::serde::Serialize for Status"), "{out}");
    assert!(has(&out, "crate::UnknownValue::deserialize_open("), "{out}");
    // typify's Display (a match without the catch-all) is replaced by one over `as_str`.
    assert_eq!(
        out.matches("impl ::std::fmt::Display for Status").count(),
        1
    );
    assert!(!out.contains(r#"f.write_str("ACTIVE")"#), "{out}");

    // An enum without the marker stays as typify wrote it.
    let mut closed = self::items(string_enum(""));
    assert!(open_enums(&mut closed, &support()).unwrap().is_empty());
    assert!(!print(&closed).contains("Unrecognized"));
}

#[test]
fn secrets_are_kept_out_of_debug() {
    let doc = format!("The pre-shared key.\n\n{SECRET_MARKER}");
    let mut items = items(quote! {
        #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
        pub struct Connection {
            pub name: ::std::string::String,
            #[doc = #doc]
            pub psk: ::std::option::Option<Psk>,
        }
        #[doc = #doc]
        #[derive(::serde::Serialize, Clone, Debug)]
        #[serde(transparent)]
        pub struct Psk(::std::string::String);
        pub mod builder {
            #[derive(Clone, Debug)]
            pub struct Connection {
                name: ::std::result::Result<::std::string::String, ::std::string::String>,
                psk: ::std::result::Result<::std::option::Option<super::Psk>, ::std::string::String>,
            }
        }
    });
    let done = redact_secrets(&mut items, &support()).unwrap();
    assert_eq!(
        done,
        [
            "types::Connection",
            "types::builder::Connection",
            "types::Psk"
        ]
    );
    let out = print(&items);
    assert!(!out.contains(SECRET_MARKER), "{out}");
    assert!(
        !out.contains("Clone, Debug"),
        "derived Debug removed: {out}"
    );
    assert!(
        has(
            &out,
            r#"f.debug_struct("Connection").field("name", &self.name).field("psk", &crate::support::REDACTED).finish()"#
        ),
        "{out}"
    );
    assert!(
        has(
            &out,
            r#"f.debug_tuple("Psk").field(&crate::support::REDACTED).finish()"#
        ),
        "{out}"
    );
    let Some(Item::Mod(builder)) = items.iter().find(|i| matches!(i, Item::Mod(_))) else {
        panic!("builder module kept");
    };
    let builder = print(&builder.content.as_ref().unwrap().1);
    assert!(
        has(&builder, "impl ::std::fmt::Debug for Connection"),
        "{builder}"
    );
}

/// A `send` body as progenitor writes it, with the `api-version` header and an error route.
fn send_method() -> TokenStream {
    quote! {
        pub mod builder {
            impl<'a> ShowThing<'a> {
                pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<types::ErrorBody>> {
                    let url = format!("{}/things", client.baseurl,);
                    let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                    header_map.append(
                        ::reqwest::header::HeaderName::from_static("api-version"),
                        ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                    );
                    #[allow(unused_mut)]
                    let mut request = client.client.get(url).headers(header_map).build()?;
                    let response = result?;
                    match response.status().as_u16() {
                        200u16 => ResponseValue::from_response(response).await,
                        400u16..=499u16 => {
                            Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))
                        }
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
        }
        pub mod types {
            pub struct ErrorBody {}
            fn keep() -> types::ErrorBody { todo!() }
        }
    }
}

#[test]
fn the_api_version_header_and_its_map_go() {
    let mut file = file(send_method());
    let mut pass = DropApiVersion { removed: 0 };
    pass.visit_file_mut(&mut file);
    assert_eq!(pass.removed, 1);
    let out = prettyplease::unparse(&file);
    assert!(!out.contains("api-version"), "{out}");
    assert!(!out.contains("header_map"), "{out}");
    assert!(has(&out, "client.client.get(url).build()?"), "{out}");

    // Another header beside it keeps the map.
    let mut file = self::file(quote! {
        fn send() {
            let mut header_map = HeaderMap::with_capacity(2usize);
            header_map.append(HeaderName::from_static("api-version"), v);
            header_map.append(HeaderName::from_static("x-other"), w);
            let request = client.get(url).headers(header_map).build();
        }
    });
    let mut pass = DropApiVersion { removed: 0 };
    pass.visit_file_mut(&mut file);
    assert_eq!(pass.removed, 1);
    let out = prettyplease::unparse(&file);
    assert!(has(&out, ".headers(header_map)"), "{out}");
    assert!(
        out.contains("x-other") && !out.contains("api-version"),
        "{out}"
    );
}

#[test]
fn error_bodies_go_through_the_hand_written_reader() {
    let mut file = file(send_method());
    let arms = route_error_bodies(&mut file, &support()).unwrap();
    assert_eq!(arms, 1);
    let out = prettyplease::unparse(&file);
    assert!(
        has(&out, "Err(crate::error::error_response(response).await)"),
        "{out}"
    );
    assert!(
        has(&out, "200u16 => crate::runtime::decode(response).await,"),
        "{out}"
    );
    assert!(
        has(
            &out,
            "Result<ResponseValue<types::Thing>, Error<crate::ServiceError>>"
        ),
        "{out}"
    );
    // The `types` module keeps its own ErrorBody.
    assert!(has(&out, "fn keep() -> types::ErrorBody"), "{out}");
    assert_eq!(leftovers(&file), Ok(()));
    // Without the pass, the leftover check notices progenitor's error parsing.
    let untouched = self::file(send_method());
    assert!(
        leftovers(&untouched).unwrap_err().contains("error route"),
        "the check must see the unrewritten arm"
    );
}

#[test]
fn leftover_markers_are_errors() {
    let doc = format!("A thing.\n\n{SECRET_MARKER}");
    let marked = file(quote! { #[doc = #doc] pub struct Thing; });
    let error = leftovers(&marked).unwrap_err();
    assert!(error.contains(SECRET_MARKER), "{error}");
    // Inside a macro's tokens too.
    let in_macro = file(quote! { const _: &str = concat!(#doc); });
    assert!(leftovers(&in_macro).is_err());
    let clean = file(quote! { #[doc = "A thing."] pub struct Thing; });
    assert_eq!(leftovers(&clean), Ok(()));
    // progenitor's error parsing is seen in a macro's raw tokens as well as in code.
    let in_macro = file(quote! {
        fn f() { wrap!(Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))) }
    });
    assert!(leftovers(&in_macro).unwrap_err().contains("error route"));
    let other_call = file(quote! {
        fn f() { Err(Error::ErrorResponse(crate::decode(response).await?)) }
    });
    assert_eq!(leftovers(&other_call), Ok(()));
}

#[test]
fn optional_arrays_become_options() {
    let mut items = items(quote! {
        pub struct Update {
            #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
            pub peer_subnets: ::std::vec::Vec<::std::string::String>,
            pub name: ::std::string::String,
        }
        pub mod builder {
            pub struct Update {
                peer_subnets: ::std::result::Result<::std::vec::Vec<::std::string::String>, ::std::string::String>,
                name: ::std::result::Result<::std::string::String, ::std::string::String>,
            }
        }
    });
    assert_eq!(optional_arrays(&mut items).unwrap(), 1);
    let out = print(&items);
    assert!(
        has(
            &out,
            r#"#[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
               pub peer_subnets: ::std::option::Option<::std::vec::Vec<::std::string::String>>,"#
        ),
        "{out}"
    );
    assert!(
        has(
            &out,
            "peer_subnets: ::std::result::Result<::std::option::Option<::std::vec::Vec<::std::string::String>>, ::std::string::String>,"
        ),
        "{out}"
    );
    assert!(has(&out, "pub name: ::std::string::String,"), "{out}");
}

#[test]
fn patterns_become_automata_as_carried_over() {
    let mut file = file(quote! {
        fn check(value: &str) -> bool {
            static PATTERN: ::std::sync::LazyLock<::regress::Regex> =
                ::std::sync::LazyLock::new(|| {
                    ::regress::Regex::new("^(?![0-9]+$)[a-z0-9]+$").unwrap()
                });
            if PATTERN.find(value).is_none() {
                return false;
            }
            other::Regex::new("x").is_ok()
        }
    });
    assert_eq!(patterns(&mut file, &support()), Ok(1));
    let out = prettyplease::unparse(&file);
    // The static holds the tables of both parts: what must match, what must not.
    let table = |pattern: &str| {
        let t = crate::patterns::Table::build(pattern).unwrap();
        let class_of = proc_macro2::Literal::byte_string(&t.class_of);
        let next = proc_macro2::Literal::byte_string(&t.next);
        let (classes, start) = (t.classes, t.start);
        quote!(crate::support::Dfa { class_of: #class_of, classes: #classes, next: #next, start: #start, })
    };
    let (matching, not) = (table("^[a-z0-9]+$"), table("^(?:[0-9]+$)"));
    for part in [
        "static PATTERN: crate::support::Pattern = crate::support::Pattern {".to_string(),
        format!("matching: {matching}"),
        format!("not_matching: &[{not},]"),
    ] {
        assert!(has(&out, &part), "{part}\n{out}");
    }
    assert!(!out.contains("LazyLock"), "{out}");
    assert!(has(&out, "if !PATTERN.is_match(value)"), "{out}");
    assert!(has(&out, r#"other::Regex::new("x")"#), "{out}");
    assert!(!out.contains("regress"), "{out}");

    // A pattern the engines read differently fails generation, naming it.
    let mut refused = self::file(quote! {
        static PATTERN: ::std::sync::LazyLock<::regress::Regex> =
            ::std::sync::LazyLock::new(|| ::regress::Regex::new("^\\p{L}+$").unwrap());
    });
    let error = patterns(&mut refused, &support()).unwrap_err();
    assert!(
        error.contains(r"^\p{L}+$") && error.contains("Unicode property"),
        "{error}"
    );
}

#[test]
fn docs_name_the_full_path_and_sketches_are_text() {
    let mut file = file(quote! {
        ///Sends a `GET` request to `/things`
        ///
        ///```ignore
        ///let response = client.show_thing().send().await;
        ///```
        pub fn show_thing() {}
    });
    assert_eq!(document_full_paths(&mut file, "/v5/{project_id}"), 1);
    edit_docs(&mut file, |text| {
        text.contains("```ignore")
            .then(|| text.replace("```ignore", "```text"))
    });
    let out = prettyplease::unparse(&file);
    assert!(
        out.contains("request to `/v5/{project_id}/things`"),
        "{out}"
    );
    assert!(
        out.contains("```text") && !out.contains("```ignore"),
        "{out}"
    );
}

#[test]
fn optional_setters_take_the_value() {
    let mut items = items(quote! {
        pub mod builder {
            pub struct Thing {
                name: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                id: ::std::result::Result<::std::string::String, ::std::string::String>,
            }
            impl Thing {
                pub fn name<T>(mut self, value: T) -> Self
                where
                    T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                    T::Error: ::std::fmt::Display,
                {
                    self.name = value
                        .try_into()
                        .map_err(|e| format!("error converting supplied value for name: {e}"));
                    self
                }
                pub fn id<T>(mut self, value: T) -> Self
                where
                    T: ::std::convert::TryInto<::std::string::String>,
                    T::Error: ::std::fmt::Display,
                {
                    self.id = value
                        .try_into()
                        .map_err(|e| format!("error converting supplied value for id: {e}"));
                    self
                }
            }
        }
    });
    assert_eq!(optional_setters(&mut items).unwrap(), 1);
    let out = print(&items);
    assert!(
        has(
            &out,
            "T: ::std::convert::TryInto<::std::string::String>, T::Error"
        ),
        "{out}"
    );
    assert!(!out.contains("TryInto<::std::option::Option"), "{out}");
    assert!(
        has(
            &out,
            "self.name = value.try_into().map(::std::option::Option::Some).map_err("
        ),
        "{out}"
    );
    assert_eq!(
        out.matches("Option::Some").count(),
        1,
        "required setter unchanged: {out}"
    );
}

#[test]
fn bounded_fields_check_their_range() {
    let doc = format!("Lifetime.\n\n{RANGE_MARKER}60:604800]]");
    let mut items = items(quote! {
        pub struct Policy {
            #[doc = #doc]
            pub lifetime_seconds: ::std::option::Option<i64>,
            pub other: ::std::option::Option<i64>,
        }
        pub mod builder {
            pub struct Policy {
                lifetime_seconds: ::std::result::Result<::std::option::Option<i64>, ::std::string::String>,
                other: ::std::result::Result<::std::option::Option<i64>, ::std::string::String>,
            }
            impl Policy {
                pub fn lifetime_seconds<T>(mut self, value: T) -> Self
                where
                    T: ::std::convert::TryInto<::std::option::Option<i64>>,
                    T::Error: ::std::fmt::Display,
                {
                    self
                }
            }
        }
    });
    assert_eq!(bounded_fields(&mut items, &support()).unwrap(), 1);
    let out = print(&items);
    assert!(!out.contains(RANGE_MARKER), "{out}");
    assert!(
        has(
            &out,
            "pub lifetime_seconds: ::std::option::Option<crate::Bounded<60, 604800>>,"
        ),
        "{out}"
    );
    assert!(has(&out, "pub other: ::std::option::Option<i64>,"), "{out}");
    assert!(
        has(
            &out,
            "lifetime_seconds: ::std::result::Result<::std::option::Option<crate::Bounded<60, 604800>>, ::std::string::String>,"
        ),
        "{out}"
    );
    assert!(
        has(
            &out,
            "T: ::std::convert::TryInto<::std::option::Option<crate::Bounded<60, 604800>>>"
        ),
        "{out}"
    );
    // A negative bound is a braced const argument.
    let out = bounded_type(&support(), -5, i64::MAX)
        .to_token_stream()
        .to_string();
    assert_eq!(out, "crate :: Bounded < { - 5 } , { i64 :: MAX } >");
}

#[test]
fn bounded_params_check_their_range_in_the_setter() {
    let mut file = file(quote! {
        pub mod builder {
            pub struct ListThings<'a> {
                client: &'a super::Client,
                limit: Result<Option<i32>, String>,
            }
            impl<'a> ListThings<'a> {
                pub fn limit<V>(mut self, value: V) -> Self
                where
                    V: std::convert::TryInto<i32>,
                {
                    self.limit = value
                        .try_into()
                        .map(Some)
                        .map_err(|_| "conversion to `i32` for limit failed".to_string());
                    self
                }
            }
        }
    });
    let params = vec![("ListThings".to_string(), "limit".to_string(), 0, 2000)];
    assert_eq!(bounded_params(&mut file, &support(), &params).unwrap(), 1);
    let out = prettyplease::unparse(&file);
    assert!(
        has(
            &out,
            "limit: Result<Option<crate::Bounded<0, 2000>>, String>,"
        ),
        "{out}"
    );
    assert!(
        has(
            &out,
            "V: std::convert::TryInto<crate::Bounded<0, 2000>>, V::Error: ::std::fmt::Display,"
        ),
        "{out}"
    );
    assert!(
        has(
            &out,
            r#"self.limit = value.try_into().map(Some).map_err(|e| format!("limit: {e}"));"#
        ),
        "{out}"
    );
    // A limited parameter without a builder field is an error naming it.
    let missing = vec![("ListThings".to_string(), "offset".to_string(), 0, 10)];
    let error = bounded_params(&mut file, &support(), &missing).unwrap_err();
    assert!(error.contains("ListThings.offset"), "{error}");
}

#[test]
fn the_optional_slot_is_recognised_as_it_prints() {
    let printed = |ty: &Type| {
        ty.to_token_stream()
            .to_string()
            .starts_with(":: std :: result :: Result < :: std :: option :: Option <")
    };
    let types: Vec<Type> = vec![
        syn::parse_quote!(::std::result::Result<::std::option::Option<i64>, ::std::string::String>),
        syn::parse_quote!(::std::result::Result<::std::option::Option, String>),
        syn::parse_quote!(::std::result::Result<::std::string::String, ::std::string::String>),
        syn::parse_quote!(std::result::Result<::std::option::Option<i64>, String>),
        syn::parse_quote!(::std::result::Result<std::option::Option<i64>, String>),
        syn::parse_quote!(::std::result::Result::<::std::option::Option<i64>, String>),
        syn::parse_quote!(::std::result::Result<::std::option::Option::<i64>, String>),
        syn::parse_quote!(::core::result::Result<::std::option::Option<i64>, String>),
        syn::parse_quote!(::std::result::Result<'a, ::std::option::Option<i64>>),
        syn::parse_quote!(Result<Option<i64>, String>),
    ];
    for ty in &types {
        assert_eq!(
            is_result_of_option(ty),
            printed(ty),
            "{}",
            ty.to_token_stream()
        );
    }
    assert!(is_result_of_option(&types[0]) && !is_result_of_option(&types[2]));
}

#[test]
fn variants_say_their_wire_value_after_their_own_description() {
    let mut items = items(quote! {
        pub enum Status {
            #[doc = "Up."]
            #[serde(rename = "ACTIVE")]
            Active,
            #[serde(rename = "DOWN")]
            Down,
        }
    });
    document_wire_values(&mut items);
    let out = print(&items);
    assert!(
        has(
            &out,
            r#"/// Up. /// /// `ACTIVE` on the wire. #[serde(rename = "ACTIVE")] Active,"#
        ),
        "{out}"
    );
    assert!(
        has(
            &out,
            r#"/// `DOWN` on the wire. #[serde(rename = "DOWN")] Down,"#
        ),
        "{out}"
    );
}

#[test]
fn setters_carry_their_fields_description_and_whether_it_is_required() {
    let mut items = items(quote! {
        pub struct Widget {
            #[doc = "The widget's name."]
            pub name: WidgetName,
            #[serde(skip_serializing_if = "::std::option::Option::is_none")]
            pub size: ::std::option::Option<i64>,
            #[serde(default = "defaults::widget_kind")]
            pub kind: ::std::string::String,
        }
        pub mod builder {
            impl Widget {
                pub fn name<T>(mut self, value: T) -> Self { self }
                pub fn size<T>(mut self, value: T) -> Self { self }
                pub fn kind<T>(mut self, value: T) -> Self { self }
            }
            impl ::std::default::Default for Widget {
                fn default() -> Self { todo!() }
            }
        }
    });
    assert_eq!(document_setters(&mut items), 3);
    let out = print(&items);
    assert!(
        has(
            &out,
            "/// The widget's name. /// /// Required: `send()` fails naming it when it is not set. pub fn name"
        ),
        "{out}"
    );
    assert!(
        has(
            &out,
            "/// Optional: left out of the request unless set. pub fn size"
        ),
        "{out}"
    );
    assert!(
        has(
            &out,
            "/// Optional: the documented default unless set. pub fn kind"
        ),
        "{out}"
    );
    assert!(
        !has(
            &out,
            "/// Required: `send()` fails naming it when it is not set. fn default"
        ),
        "{out}"
    );
}

#[test]
fn impls_move_next_to_their_types_and_nothing_else_moves() {
    let mut items = items(quote! {
        pub enum A { X }
        pub struct B;
        pub mod builder {}
        impl ::std::fmt::Display for A { fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { Ok(()) } }
        impl B { pub fn new() -> Self { B } }
        impl Other for Elsewhere {}
    });
    impls_beside_types(&mut items);
    let order: Vec<String> = items
        .iter()
        .map(|i| {
            i.to_token_stream()
                .to_string()
                .split('{')
                .next()
                .unwrap()
                .trim()
                .to_string()
        })
        .collect();
    assert_eq!(
        order,
        [
            "pub enum A",
            "impl :: std :: fmt :: Display for A",
            "pub struct B ;",
            "impl B",
            "pub mod builder",
            "impl Other for Elsewhere",
        ]
    );
}

#[test]
fn path_parameters_are_checked_before_they_are_encoded() {
    let mut file = file(quote! {
        async fn send() {
            let url = format!(
                "{}/vpn-gateways/{}/certificate/{}",
                client.baseurl,
                encode_path(&vgw_id.to_string()),
                encode_path(&certificate_id.to_string()),
            );
            let other = format!("{}", encode_path(&literal()));
        }
    });
    assert_eq!(checked_path_segments(&mut file, &support()), 2);
    let out = prettyplease::unparse(&file);
    for name in ["vgw_id", "certificate_id"] {
        let expected =
            format!("encode_path(&crate::path::segment(\"{name}\", {name}.to_string())?)");
        assert!(has(&out, &expected), "{out}");
    }
    // Anything else is left as it was.
    assert!(has(&out, "encode_path(&literal())"), "{out}");
}

#[test]
fn the_client_has_one_way_in() {
    let mut items = items(quote! {
        pub struct Client { pub(crate) baseurl: String }
        impl Client {
            /// Create a new client.
            pub fn new(baseurl: &str, inner: crate::runtime::Runtime) -> Self {
                let client = reqwest::ClientBuilder::new();
                Self::new_with_client(baseurl, client.build().unwrap(), inner)
            }
            /// Construct a new client with an existing `reqwest::Client`.
            pub fn new_with_client(baseurl: &str, client: reqwest::Client, inner: crate::runtime::Runtime) -> Self {
                Self { baseurl: baseurl.to_string() }
            }
        }
        impl ClientInfo<crate::runtime::Runtime> for Client {
            fn new() -> Self { todo!() }
        }
    });
    crate_constructors(&mut items).unwrap();
    let out = squeeze(&print(&items));
    assert!(!out.contains("pubfnnew("), "{out}");
    assert!(!out.contains("unwrap()"), "{out}");
    assert!(out.contains("pub(crate)fnnew_with_client("), "{out}");
    // A trait's `new` is not the constructor: it stays.
    assert!(out.contains("fnnew()->Self"), "{out}");
    let mut none = self::items(quote! { pub struct Client; });
    assert!(crate_constructors(&mut none).is_err());
}

/// progenitor's `send()` tail for a builder, with its success arm.
fn full_send(builder: &str, success: TokenStream) -> TokenStream {
    let builder = quote::format_ident!("{builder}");
    quote! {
        impl<'a> #builder<'a> {
            pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<types::ErrorBody>> {
                let url = format!("{}/things", client.baseurl,);
                #[allow(unused_mut)]
                let mut request = client.client.get(url).build()?;
                let info = OperationInfo {
                    operation_id: "show_thing",
                };
                client.pre(&mut request, &info).await?;
                let result = client.exec(request, &info).await;
                client.post(&result, &info).await?;
                let response = result?;
                match response.status().as_u16() {
                    #success
                    400u16..=499u16 => {
                        Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))
                    }
                    500u16..=599u16 => {
                        Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))
                    }
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }
        }
    }
}

#[test]
fn every_send_ends_in_one_runtime_call() {
    let show = full_send(
        "ShowThing",
        quote!(200u16 => ResponseValue::from_response(response).await,),
    );
    let delete = full_send(
        "DeleteThing",
        quote!(204u16 => Ok(ResponseValue::empty(response)),),
    );
    let mut file = file(quote! {
        pub mod builder { #show #delete }
    });
    route_error_bodies(&mut file, &support()).unwrap();
    assert_eq!(one_exchange(&mut file, &support()), Ok(2));
    let out = prettyplease::unparse(&file);
    for expected in [
        r#"let request = client.client.get(url).build()?; crate::runtime::respond(client, request, "show_thing", 200u16).await"#,
        r#"crate::runtime::respond_empty(client, request, "show_thing", 204u16).await"#,
    ] {
        assert!(has(&out, expected), "{expected}\n{out}");
    }
    for gone in [
        "OperationInfo",
        ".pre(",
        ".exec(",
        "match",
        "unused_mut",
        "let mut request",
    ] {
        assert!(!out.contains(gone), "{gone}\n{out}");
    }

    // Another shape (here a second success status) is an error naming the builder.
    let list = full_send(
        "ListThings",
        quote!(
            200u16 => ResponseValue::from_response(response).await,
            202u16 => Ok(ResponseValue::empty(response)),
        ),
    );
    let mut other = self::file(quote! { pub mod builder { #list } });
    route_error_bodies(&mut other, &support()).unwrap();
    let error = one_exchange(&mut other, &support()).unwrap_err();
    assert!(
        error.contains("ListThings") && error.contains("not one success, 4XX, 5XX, other"),
        "{error}"
    );
}
