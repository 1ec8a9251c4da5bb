//! The header and claims of a verified token, as borrowed views into the caller's scratch buffer.
//!
//! Decides the JSON type rules of the registered header parameters and claims (RFC 7515 §4.1,
//! RFC 7519 §4.1); guarantees typed access to them and borrowed access to every other claim and to
//! the raw payload JSON; never copies or allocates.

use crate::json::{Items, JsonStr, Kind, Value};

use super::numeric_date::NumericDate;
use super::Error;

/// The protected header of a verified token.
#[derive(Clone, Copy, Debug)]
pub struct Header<'a> {
    pub(crate) raw: Value<'a>,
    pub(crate) alg: super::Algorithm,
    pub(crate) kid: Option<JsonStr<'a>>,
    pub(crate) typ: Option<JsonStr<'a>>,
}

impl<'a> Header<'a> {
    /// The algorithm the token was verified with.
    pub fn alg(&self) -> super::Algorithm {
        self.alg
    }

    /// The `kid`, if present.
    pub fn kid(&self) -> Option<JsonStr<'a>> {
        self.kid
    }

    /// The `typ`, if present.
    pub fn typ(&self) -> Option<JsonStr<'a>> {
        self.typ
    }

    /// The header JSON text.
    pub fn json(&self) -> &'a str {
        self.raw.raw()
    }

    /// Any header parameter by name.
    pub fn get(&self, name: &str) -> Option<Value<'a>> {
        self.raw.get(name)
    }
}

/// The claims of a verified token: typed registered claims, any other claim by name, the raw JSON.
#[derive(Clone, Copy, Debug)]
pub struct Claims<'a> {
    payload: Value<'a>,
    header: Header<'a>,
    registered: Registered<'a>,
}

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Registered<'a> {
    pub(crate) iss: Option<JsonStr<'a>>,
    pub(crate) sub: Option<JsonStr<'a>>,
    pub(crate) jti: Option<JsonStr<'a>>,
    pub(crate) aud: Option<Value<'a>>,
    pub(crate) exp: Option<NumericDate>,
    pub(crate) nbf: Option<NumericDate>,
    pub(crate) iat: Option<NumericDate>,
}

/// The registered claims as found while the payload was parsed, types not yet checked (that
/// happens only after the signature holds).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RawRegistered<'a> {
    iss: Option<Value<'a>>,
    sub: Option<Value<'a>>,
    jti: Option<Value<'a>>,
    aud: Option<Value<'a>>,
    exp: Option<Value<'a>>,
    nbf: Option<Value<'a>>,
    iat: Option<Value<'a>>,
}

impl<'a> RawRegistered<'a> {
    /// Records a top-level member if it is a registered claim. Escaped spellings of registered
    /// names (`"\u0065xp"`) count as the names themselves; duplicates were refused by the parser.
    pub(crate) fn offer(&mut self, name: JsonStr<'a>, value: Value<'a>) {
        let mut buf = [0u8; 3];
        let Some(name) = name.text_in(&mut buf) else {
            return;
        };
        let slot = match name {
            "iss" => &mut self.iss,
            "sub" => &mut self.sub,
            "jti" => &mut self.jti,
            "aud" => &mut self.aud,
            "exp" => &mut self.exp,
            "nbf" => &mut self.nbf,
            "iat" => &mut self.iat,
            _ => return,
        };
        *slot = Some(value);
    }
}

impl<'a> Registered<'a> {
    /// Checks the JSON types of the registered claims found in the payload.
    pub(crate) fn check(raw: &RawRegistered<'a>) -> Result<Self, Error> {
        Ok(Registered {
            iss: raw.iss.map(string_claim).transpose()?,
            sub: raw.sub.map(string_claim).transpose()?,
            jti: raw.jti.map(string_claim).transpose()?,
            aud: raw.aud.map(audience_claim).transpose()?,
            exp: raw.exp.map(date_claim).transpose()?,
            nbf: raw.nbf.map(date_claim).transpose()?,
            iat: raw.iat.map(date_claim).transpose()?,
        })
    }

    pub(crate) fn has(&self, claim: super::Claim) -> bool {
        use super::Claim;
        match claim {
            Claim::Iss => self.iss.is_some(),
            Claim::Sub => self.sub.is_some(),
            Claim::Aud => self.aud.is_some(),
            Claim::Exp => self.exp.is_some(),
            Claim::Nbf => self.nbf.is_some(),
            Claim::Iat => self.iat.is_some(),
            Claim::Jti => self.jti.is_some(),
        }
    }

    pub(crate) fn audiences(&self) -> Audiences<'a> {
        match self.aud {
            Some(v) if v.kind() == Kind::String => Audiences { single: v.as_str(), items: None },
            Some(v) => Audiences { single: None, items: v.items() },
            None => Audiences { single: None, items: None },
        }
    }
}

fn string_claim(value: Value<'_>) -> Result<JsonStr<'_>, Error> {
    value.as_str().ok_or(Error::InvalidClaim)
}

fn date_claim(value: Value<'_>) -> Result<NumericDate, Error> {
    value.as_number().and_then(NumericDate::parse).ok_or(Error::InvalidClaim)
}

/// `aud`: a string, or a non-empty array of strings (RFC 7519 §4.1.3).
fn audience_claim(value: Value<'_>) -> Result<Value<'_>, Error> {
    match value.kind() {
        Kind::String => Ok(value),
        Kind::Array => {
            let mut items = value.items().ok_or(Error::InvalidClaim)?.peekable();
            if items.peek().is_none() {
                return Err(Error::InvalidClaim);
            }
            if items.all(|v| v.kind() == Kind::String) {
                Ok(value)
            } else {
                Err(Error::InvalidClaim)
            }
        }
        _ => Err(Error::InvalidClaim),
    }
}

/// The values of `aud`, whether it was a single string or an array.
#[derive(Clone, Debug)]
pub struct Audiences<'a> {
    single: Option<JsonStr<'a>>,
    items: Option<Items<'a>>,
}

impl<'a> Iterator for Audiences<'a> {
    type Item = JsonStr<'a>;

    fn next(&mut self) -> Option<JsonStr<'a>> {
        if let Some(one) = self.single.take() {
            return Some(one);
        }
        self.items.as_mut()?.next().and_then(|v| v.as_str())
    }
}

impl<'a> Claims<'a> {
    pub(crate) fn new(payload: Value<'a>, header: Header<'a>, registered: Registered<'a>) -> Self {
        Claims { payload, header, registered }
    }

    /// The verified header.
    pub fn header(&self) -> &Header<'a> {
        &self.header
    }

    /// The claims JSON text exactly as signed (for bindings that build native objects from it).
    pub fn json(&self) -> &'a str {
        self.payload.raw()
    }

    /// The claims object.
    pub fn value(&self) -> Value<'a> {
        self.payload
    }

    /// Any claim by name (compared after unescaping).
    pub fn get(&self, name: &str) -> Option<Value<'a>> {
        self.payload.get(name)
    }

    /// `iss`.
    pub fn iss(&self) -> Option<JsonStr<'a>> {
        self.registered.iss
    }

    /// `sub`.
    pub fn sub(&self) -> Option<JsonStr<'a>> {
        self.registered.sub
    }

    /// `jti`.
    pub fn jti(&self) -> Option<JsonStr<'a>> {
        self.registered.jti
    }

    /// `aud`, as a sequence of strings (one item when the claim was a single string).
    pub fn aud(&self) -> Audiences<'a> {
        self.registered.audiences()
    }

    /// `exp`.
    pub fn exp(&self) -> Option<NumericDate> {
        self.registered.exp
    }

    /// `nbf`.
    pub fn nbf(&self) -> Option<NumericDate> {
        self.registered.nbf
    }

    /// `iat`.
    pub fn iat(&self) -> Option<NumericDate> {
        self.registered.iat
    }
}
