//! `make demo`, validation scene: the workloads' `CreateUserRequest` JSON Schema compiled once, then
//! three request bodies validated in one streaming pass each — accepted, rejected for `age: 9999` and an
//! extra `is_admin: true` (mass assignment), and a hostile one — printing each error's JSON Pointer and
//! stable code. No value from a body is ever printed: errors do not carry them.

use apiward::validate::{self, Capacity, Limits, Literal, Node, Program, Property, Storage};

const SCHEMA: &[u8] = br#"{
  "title": "CreateUserRequest",
  "type": "object",
  "properties": {
    "email": {"type": "string", "format": "email"},
    "username": {"type": "string", "minLength": 3, "maxLength": 32, "pattern": "^[a-zA-Z0-9_]+$"},
    "age": {"type": "integer", "minimum": 13, "maximum": 120}
  },
  "required": ["email", "username", "age"]
}"#;

fn main() {
    let cap = Capacity::for_document(SCHEMA);
    let mut nodes = vec![Node::Never; cap.nodes];
    let mut properties = vec![Property::optional("", 0); cap.properties];
    let mut ids = vec![0u16; cap.ids];
    let mut literals = vec![Literal::Null; cap.literals];
    let mut text = vec![0u8; cap.text];
    let mut programs = vec![Program::EMPTY; cap.programs];
    let storage = Storage {
        nodes: &mut nodes,
        properties: &mut properties,
        ids: &mut ids,
        literals: &mut literals,
        text: &mut text,
        programs: &mut programs,
    };
    let schema = match validate::compile(SCHEMA, storage) {
        Ok(schema) => schema,
        Err(e) => {
            eprintln!("schema refused: {e}");
            std::process::exit(1);
        }
    };
    println!("== validation: CreateUserRequest (additionalProperties false by default) ==");
    let hostile = format!(
        r#"{{"email":"a@example.com","username":"{}","age":36,"x":{}}}"#,
        "a".repeat(50_000),
        "[".repeat(10_000)
    );
    let bodies: [(&str, &[u8]); 3] = [
        ("valid", br#"{"email":"ada@example.com","username":"ada_lovelace","age":36}"#),
        ("age 9999 + is_admin", br#"{"email":"ada@example.com","username":"ada_lovelace","age":9999,"is_admin":true}"#),
        ("50 000-char username, 10 000-deep array", hostile.as_bytes()),
    ];
    for (label, body) in bodies {
        let mut errors = [validate::Error::default(); 8];
        match validate::validate_all(&schema, body, &Limits::DEFAULT, &mut errors) {
            Ok(()) => println!("{label:<42} -> accepted"),
            Err(n) => {
                println!("{label:<42} -> rejected (HTTP 422):");
                for e in &errors[..n] {
                    println!("    {:<22} {:<14} {}", format!("{:?}", e.path.as_str()), e.code(), e.message());
                }
            }
        }
    }
}
