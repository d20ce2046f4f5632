//! The model readers (botocore and Smithy JSON AST), each followed by lowering, validation and
//! the IR passes, on any text.
//!
//! Input: one byte choosing the reader (`n % 4`: 0 a botocore `service-2.json` alone, 1 a
//! botocore model whose text holds the service, paginators and endpoint rule set files
//! separated by NUL bytes, 2 a Smithy JSON AST, 3 the format detected as `cargo xtask codegen
//! --model` does), then the model text as UTF-8. Every outcome is fine except a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use model::{BotocoreFiles, Format, Source};

fn source(text: &str) -> Source<'_> {
    Source {
        name: "fuzz.json",
        text,
    }
}

fn botocore(text: &str) {
    let _ = model::load_botocore(BotocoreFiles {
        service: source(text),
        paginators: None,
        endpoint_rules: None,
    });
}

fuzz_target!(|data: &[u8]| {
    let [choice, rest @ ..] = data else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match choice % 4 {
        0 => botocore(text),
        1 => {
            let mut files = text.splitn(3, '\0');
            let service = files.next().unwrap_or_default();
            let paginators = files.next().map(|text| Source {
                name: "paginators-1.json",
                text,
            });
            let endpoint_rules = files.next().map(|text| Source {
                name: "endpoint-rule-set-1.json",
                text,
            });
            let _ = model::load_botocore(BotocoreFiles {
                service: source(service),
                paginators,
                endpoint_rules,
            });
        }
        2 => {
            let _ = model::load_smithy(source(text));
        }
        _ => match model::detect_format(source(text)) {
            Ok(Format::Botocore) => botocore(text),
            Ok(Format::Smithy) => {
                let _ = model::load_smithy(source(text));
            }
            Err(_) => {}
        },
    }
});
