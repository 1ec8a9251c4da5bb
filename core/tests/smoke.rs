use apiward::jwt::*;
#[test]
fn roundtrip() {
    let secret: Vec<u8> = (0u8..32).collect();
    let sk = SigningKey::hmac(&secret).unwrap();
    let claims = br#"{"sub":"user-1234","iss":"https://auth.example.com/","aud":"api://orders","iat":1800000000,"nbf":1800000000,"exp":1800000900,"scope":"orders:read orders:write","jti":"6f1c2a4e-8a7b-4c0d-9e2f-3b5a7c9d1e0f"}"#;
    let mut out = [0u8; 1024];
    let token = sign(Algorithm::HS256, &sk, claims, None, &mut out).unwrap().to_owned();
    println!("{token}");
    let keys = [Key::hmac(&secret).unwrap()];
    let policy = Policy::new(AlgorithmSet::only(Algorithm::HS256)).issuers(&["https://auth.example.com/"]).audiences(&["api://orders"]).leeway(30);
    let mut scratch = [0u8; 4096];
    let c = verify(token.as_bytes(), &keys, &policy, 1_800_000_060, &mut scratch).unwrap();
    assert_eq!(c.sub().unwrap().as_plain(), Some("user-1234"));
    let mut scratch = [0u8; 4096];
    assert_eq!(verify(token.as_bytes(), &keys, &policy, 1_800_000_930, &mut scratch).unwrap_err(), Error::Expired);
    let sk = SigningKey::es256(&[7u8; 32]).unwrap();
    let t = sign(Algorithm::ES256, &sk, claims, Some("k1"), &mut out).unwrap().to_owned();
    let keys = [sk.public_key().unwrap().with_kid("k1").unwrap()];
    let policy = Policy::new(AlgorithmSet::only(Algorithm::ES256)).audiences(&["api://orders"]);
    verify(t.as_bytes(), &keys, &policy, 1_800_000_060, &mut scratch).unwrap();
    let sk = SigningKey::ed25519(&[9u8; 32]).unwrap();
    let t = sign(Algorithm::EdDSA, &sk, claims, Some("k1"), &mut out).unwrap().to_owned();
    let keys = [sk.public_key().unwrap().with_kid("k1").unwrap()];
    let policy = Policy::new(AlgorithmSet::only(Algorithm::EdDSA)).audiences(&["api://orders"]);
    verify(t.as_bytes(), &keys, &policy, 1_800_000_060, &mut scratch).unwrap();
}
