//! A strict RFC 8259 JSON parser for order requests and responses.
//!
//! Written here rather than taken from `serde_json` because order validation
//! needs four things together that no well-kept `no_std` crate gives at once:
//! duplicate object keys reported as errors (with the path of the duplicate,
//! since two parsers may keep different copies and so read different orders),
//! the byte offset of every value (so findings can be ordered by position and
//! errors located by line and column), a nesting limit enforced without
//! recursion (the parser keeps its own stack, so `[[[[...` 100 000 deep cannot
//! overflow the machine stack), and `no_std` + `alloc` only.
//!
//! What it accepts: exactly one JSON value (RFC 8259 grammar), surrounded by
//! optional whitespace (space, tab, line feed, carriage return), in UTF-8
//! without a byte order mark. Rejected: invalid UTF-8, a BOM, escapes that
//! encode a lone UTF-16 surrogate, raw control characters in strings,
//! duplicate keys in one object, more than [`Limits::max_depth`] nested
//! arrays/objects, and inputs longer than [`Limits::max_size`] bytes.
//!
//! Numbers keep their literal text; [`Number::as_i64`] gives the value when
//! the literal is an integer (no fraction, no exponent) that fits an `i64`.
//! Objects keep their members in document order.
//!
//! Values borrow from the input: a string or key without escapes (nearly
//! all of them) and every number literal are slices of it, so a parse
//! allocates only for containers and escaped strings. Allocation was 38 % of
//! an order validation's instructions when every string was copied.

use alloc::borrow::Cow;
use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Input size and nesting limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest allowed nesting of arrays and objects (a top-level object is depth 1).
    pub max_depth: usize,
    /// Largest accepted input, in bytes.
    pub max_size: usize,
}

impl Limits {
    /// 64 levels, 1 MiB: far above any real order body, far below harm.
    pub const DEFAULT: Limits = Limits {
        max_depth: 64,
        max_size: 1024 * 1024,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Where in the input something is: byte offset plus 1-based line and column
/// (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Byte offset from the start of the input.
    pub offset: usize,
    /// Line number, starting at 1.
    pub line: usize,
    /// Column number in characters, starting at 1.
    pub column: usize,
}

impl Position {
    /// Computes line and column of byte `offset` in `input` (clamped to its length).
    pub fn locate(input: &[u8], offset: usize) -> Position {
        let offset = offset.min(input.len());
        let before = input.get(..offset).unwrap_or_default();
        let mut line = 1;
        let mut column = 1;
        for &b in before {
            if b == b'\n' {
                line += 1;
                column = 1;
            } else if b & 0xC0 != 0x80 {
                // Count only bytes that start a character.
                column += 1;
            }
        }
        Position { offset, line, column }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {} (byte {})",
            self.line, self.column, self.offset
        )
    }
}

/// Why an input is not acceptable JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonError {
    /// The input is larger than [`Limits::max_size`].
    TooLarge {
        /// Input length in bytes.
        size: usize,
        /// The limit.
        max_size: usize,
    },
    /// The input is not valid UTF-8.
    InvalidUtf8 {
        /// Where the first invalid byte is.
        at: Position,
    },
    /// The input starts with a UTF-8 byte order mark (RFC 8259 §8.1 forbids emitting one).
    ByteOrderMark,
    /// The text does not follow the JSON grammar.
    Syntax {
        /// Where the problem was found.
        at: Position,
        /// What was expected or found, e.g. `"expected ':' after an object key"`.
        reason: &'static str,
    },
    /// A `\u` escape encodes half of a UTF-16 surrogate pair without its other half.
    LoneSurrogate {
        /// Where the escape starts.
        at: Position,
    },
    /// Arrays and objects are nested deeper than [`Limits::max_depth`].
    TooDeep {
        /// Where the container that crosses the limit starts.
        at: Position,
        /// The limit.
        max_depth: usize,
    },
    /// An object has the same key twice.
    DuplicateKey {
        /// Where the second occurrence of the key starts.
        at: Position,
        /// The path of the duplicate member, e.g. `organization.id`.
        path: String,
    },
}

impl crate::ErrorCode for JsonError {
    fn code(&self) -> &'static str {
        match self {
            JsonError::TooLarge { .. } => "json_too_large",
            JsonError::InvalidUtf8 { .. } => "json_invalid_utf8",
            JsonError::ByteOrderMark => "json_bom",
            JsonError::Syntax { .. } => "json_syntax",
            JsonError::LoneSurrogate { .. } => "json_lone_surrogate",
            JsonError::TooDeep { .. } => "json_too_deep",
            JsonError::DuplicateKey { .. } => "json_duplicate_key",
        }
    }
}

impl JsonError {
    /// The path the error concerns: the duplicate's path for
    /// [`JsonError::DuplicateKey`], the whole document (`""`) otherwise.
    pub fn path(&self) -> &str {
        match self {
            JsonError::DuplicateKey { path, .. } => path,
            _ => "",
        }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::TooLarge { size, max_size } => {
                write!(f, "input is {size} bytes, more than the limit of {max_size}")
            }
            JsonError::InvalidUtf8 { at } => write!(f, "invalid UTF-8 at {at}"),
            JsonError::ByteOrderMark => f.write_str("input starts with a byte order mark"),
            JsonError::Syntax { at, reason } => write!(f, "{reason} at {at}"),
            JsonError::LoneSurrogate { at } => {
                write!(f, "\\u escape encodes a lone UTF-16 surrogate at {at}")
            }
            JsonError::TooDeep { at, max_depth } => {
                write!(f, "nesting deeper than {max_depth} levels at {at}")
            }
            JsonError::DuplicateKey { at, path } => write!(f, "duplicate key {path:?} at {at}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for JsonError {}

/// A JSON number: its literal text, and its value when it is an integer that fits an `i64`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number<'a> {
    literal: &'a str,
    int: Option<i64>,
}

impl<'a> Number<'a> {
    /// The number exactly as written, e.g. `"1.50e3"`.
    pub fn literal(&self) -> &'a str {
        self.literal
    }

    /// The value, when the literal has no fraction or exponent and fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        self.int
    }

    /// Whether the literal is written as an integer (no fraction, no exponent),
    /// whether or not it fits an `i64`.
    pub fn is_integer_literal(&self) -> bool {
        !self.literal.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'))
    }
}

/// One member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'a> {
    /// The key, unescaped (borrowed from the input when it has no escapes).
    pub key: Cow<'a, str>,
    /// The value.
    pub value: Value<'a>,
}

/// An object: members in document order, keys unique.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object<'a> {
    members: Vec<Member<'a>>,
}

impl<'a> Object<'a> {
    /// The members in document order.
    pub fn members(&self) -> &[Member<'a>] {
        &self.members
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.members.iter().find(|m| m.key == key).map(|m| &m.value)
    }

    /// Whether `key` is present.
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

/// What kind of JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind<'a> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number.
    Number(Number<'a>),
    /// A string, unescaped (borrowed from the input when it has no escapes).
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Value<'a>>),
    /// An object.
    Object(Object<'a>),
}

/// A parsed value with the byte offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Value<'a> {
    /// Byte offset of the value's first character.
    pub offset: usize,
    /// The value itself.
    pub kind: Kind<'a>,
}

impl<'a> Value<'a> {
    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Object<'a>> {
        match &self.kind {
            Kind::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The array, if this is one.
    pub fn as_array(&self) -> Option<&[Value<'a>]> {
        match &self.kind {
            Kind::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_number(&self) -> Option<&Number<'a>> {
        match &self.kind {
            Kind::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The integer value, if this is a number written as an integer that fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::as_i64)
    }

    /// A short name of the JSON type: `null`, `boolean`, `number`, `string`, `array`, `object`.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "boolean",
            Kind::Number(_) => "number",
            Kind::String(_) => "string",
            Kind::Array(_) => "array",
            Kind::Object(_) => "object",
        }
    }
}

/// Parses `input` with [`Limits::DEFAULT`].
///
/// # Errors
/// Any [`JsonError`]; see the module docs for what is rejected.
pub fn parse(input: &[u8]) -> Result<Value<'_>, JsonError> {
    parse_with_limits(input, Limits::DEFAULT)
}

/// Parses `input` with the given limits.
///
/// # Errors
/// Any [`JsonError`]; see the module docs for what is rejected.
pub fn parse_with_limits(input: &[u8], limits: Limits) -> Result<Value<'_>, JsonError> {
    if input.len() > limits.max_size {
        return Err(JsonError::TooLarge {
            size: input.len(),
            max_size: limits.max_size,
        });
    }
    let text = core::str::from_utf8(input).map_err(|e| JsonError::InvalidUtf8 {
        at: Position::locate(input, e.valid_up_to()),
    })?;
    if text.starts_with('\u{feff}') {
        return Err(JsonError::ByteOrderMark);
    }
    Parser {
        src: text.as_bytes(),
        text,
        pos: 0,
        limits,
    }
    .run()
}

/// Objects with fewer members than this find duplicate keys by a linear search.
const SMALL_OBJECT: usize = 16;

/// A container being filled; the parser's explicit stack replaces recursion.
enum Frame<'a> {
    Array {
        offset: usize,
        items: Vec<Value<'a>>,
    },
    Object {
        offset: usize,
        members: Vec<Member<'a>>,
        /// The keys of a large object, for duplicate detection; small objects (nearly all)
        /// are searched linearly instead.
        keys: Option<BTreeSet<Cow<'a, str>>>,
        /// The key whose value is being parsed.
        pending: Option<Cow<'a, str>>,
    },
}

struct Parser<'a> {
    src: &'a [u8],
    /// The same input as text (validated once, up front), so slices need no second check.
    text: &'a str,
    pos: usize,
    limits: Limits,
}

impl<'a> Parser<'a> {
    fn at(&self, offset: usize) -> Position {
        Position::locate(self.src, offset)
    }

    fn syntax(&self, offset: usize, reason: &'static str) -> JsonError {
        JsonError::Syntax {
            at: self.at(offset),
            reason,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn path(stack: &[Frame], last_key: Option<&str>) -> String {
        fn push_key(path: &mut String, key: &str) {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
        }
        let mut path = String::new();
        for frame in stack {
            match frame {
                Frame::Array { items, .. } => {
                    use core::fmt::Write;
                    let _ = write!(path, "[{}]", items.len());
                }
                Frame::Object { pending, .. } => {
                    if let Some(k) = pending {
                        push_key(&mut path, k);
                    }
                }
            }
        }
        if let Some(k) = last_key {
            push_key(&mut path, k);
        }
        path
    }

    fn run(mut self) -> Result<Value<'a>, JsonError> {
        let mut stack: Vec<Frame<'a>> = Vec::new();
        loop {
            // Expect a value.
            self.skip_ws();
            let start = self.pos;
            let mut done = match self.peek() {
                Some(b'[') | Some(b'{') => {
                    if stack.len() >= self.limits.max_depth {
                        return Err(JsonError::TooDeep {
                            at: self.at(start),
                            max_depth: self.limits.max_depth,
                        });
                    }
                    let is_array = self.peek() == Some(b'[');
                    self.pos += 1;
                    self.skip_ws();
                    if is_array {
                        if self.peek() == Some(b']') {
                            self.pos += 1;
                            Value {
                                offset: start,
                                kind: Kind::Array(Vec::new()),
                            }
                        } else {
                            stack.push(Frame::Array {
                                offset: start,
                                items: Vec::new(),
                            });
                            continue;
                        }
                    } else if self.peek() == Some(b'}') {
                        self.pos += 1;
                        Value {
                            offset: start,
                            kind: Kind::Object(Object::default()),
                        }
                    } else {
                        let mut frame = Frame::Object {
                            offset: start,
                            members: Vec::new(),
                            keys: None,
                            pending: None,
                        };
                        self.read_key(&stack, &mut frame)?;
                        stack.push(frame);
                        continue;
                    }
                }
                Some(b'"') => Value {
                    offset: start,
                    kind: Kind::String(self.read_string()?),
                },
                Some(b't') => self.literal(b"true", Kind::Bool(true))?,
                Some(b'f') => self.literal(b"false", Kind::Bool(false))?,
                Some(b'n') => self.literal(b"null", Kind::Null)?,
                Some(b'-' | b'0'..=b'9') => Value {
                    offset: start,
                    kind: Kind::Number(self.read_number()?),
                },
                Some(_) => return Err(self.syntax(start, "expected a value")),
                None => return Err(self.syntax(start, "unexpected end of input, expected a value")),
            };
            // A value is complete: attach it to its container, closing containers as they end.
            loop {
                let Some(mut frame) = stack.pop() else {
                    self.skip_ws();
                    if self.pos < self.src.len() {
                        return Err(self.syntax(self.pos, "unexpected text after the JSON value"));
                    }
                    return Ok(done);
                };
                match &mut frame {
                    Frame::Array { items, offset } => {
                        items.push(done);
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                stack.push(frame);
                                break;
                            }
                            Some(b']') => {
                                self.pos += 1;
                                let offset = *offset;
                                let items = core::mem::take(items);
                                done = Value {
                                    offset,
                                    kind: Kind::Array(items),
                                };
                            }
                            _ => return Err(self.syntax(self.pos, "expected ',' or ']' in an array")),
                        }
                    }
                    Frame::Object {
                        members,
                        pending,
                        offset,
                        ..
                    } => {
                        let key = pending.take().unwrap_or_default();
                        members.push(Member { key, value: done });
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_ws();
                                self.read_key(&stack, &mut frame)?;
                                stack.push(frame);
                                break;
                            }
                            Some(b'}') => {
                                self.pos += 1;
                                let offset = *offset;
                                let members = core::mem::take(members);
                                done = Value {
                                    offset,
                                    kind: Kind::Object(Object { members }),
                                };
                            }
                            _ => return Err(self.syntax(self.pos, "expected ',' or '}' in an object")),
                        }
                    }
                }
            }
        }
    }

    /// Reads `"key" :` into the object frame, rejecting duplicates.
    fn read_key(&mut self, stack: &[Frame<'a>], frame: &mut Frame<'a>) -> Result<(), JsonError> {
        let start = self.pos;
        if self.peek() != Some(b'"') {
            return Err(self.syntax(start, "expected a string key"));
        }
        let key = self.read_string()?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.syntax(self.pos, "expected ':' after an object key"));
        }
        self.pos += 1;
        if let Frame::Object {
            members,
            keys,
            pending,
            ..
        } = frame
        {
            let duplicate = match keys {
                Some(set) => set.contains(&key),
                None => members.iter().any(|m| m.key == key),
            };
            if duplicate {
                return Err(JsonError::DuplicateKey {
                    at: self.at(start),
                    path: Self::path(stack, Some(&key)),
                });
            }
            // Past SMALL_OBJECT members a linear search would make a hostile object with
            // many keys quadratic: index the keys from then on.
            if keys.is_none() && members.len() >= SMALL_OBJECT {
                *keys = Some(members.iter().map(|m| m.key.clone()).collect());
            }
            if let Some(set) = keys {
                set.insert(key.clone());
            }
            *pending = Some(key);
        }
        Ok(())
    }

    fn literal(&mut self, word: &'static [u8], kind: Kind<'a>) -> Result<Value<'a>, JsonError> {
        let start = self.pos;
        let end = start.saturating_add(word.len());
        if self.src.get(start..end) == Some(word) {
            self.pos = end;
            Ok(Value { offset: start, kind })
        } else {
            Err(self.syntax(start, "expected a value"))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn read_number(&mut self) -> Result<Number<'a>, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.syntax(start, "leading zeros are not allowed in numbers"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.syntax(self.pos, "expected a digit")),
        }
        let mut integral = true;
        if self.peek() == Some(b'.') {
            integral = false;
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.syntax(self.pos, "expected a digit after '.'"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            integral = false;
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.syntax(self.pos, "expected a digit in the exponent"));
            }
        }
        // ASCII digits and signs checked above, so both ends are character boundaries.
        let literal = self.text.get(start..self.pos).unwrap_or_default();
        let int = if integral {
            literal.parse::<i64>().ok()
        } else {
            None
        };
        Ok(Number { literal, int })
    }

    fn hex4(&mut self) -> Result<u16, JsonError> {
        let mut v: u16 = 0;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err(self.syntax(self.pos, "expected four hex digits after \\u")),
            };
            v = (v << 4) | u16::from(d);
            self.pos += 1;
        }
        Ok(v)
    }

    fn read_string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        let open = self.pos;
        self.pos += 1; // the opening quote
        let mut out = String::new();
        loop {
            // Copy a run of plain characters at once; the input is valid UTF-8
            // and the run starts and ends on an ASCII byte, so it is a `str` slice.
            let run_start = self.pos;
            let rest = self.src.get(run_start..).unwrap_or_default();
            let run_len = rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(rest.len());
            self.pos += run_len;
            let text: &'a str = self.text;
            let run = text.get(run_start..self.pos).unwrap_or_default();
            if out.is_empty() && self.peek() == Some(b'"') {
                // The common case, no escapes: a slice of the input.
                self.pos += 1;
                return Ok(Cow::Borrowed(run));
            }
            out.push_str(run);
            match self.peek() {
                None => return Err(self.syntax(open, "unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    let esc = self.pos;
                    self.pos += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                if self.src.get(self.pos..self.pos.saturating_add(2)) != Some(b"\\u") {
                                    return Err(JsonError::LoneSurrogate { at: self.at(esc) });
                                }
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(JsonError::LoneSurrogate { at: self.at(esc) });
                                }
                                let cp =
                                    0x10000 + ((u32::from(hi) - 0xD800) << 10) + (u32::from(lo) - 0xDC00);
                                char::from_u32(cp)
                            } else if (0xDC00..0xE000).contains(&hi) {
                                return Err(JsonError::LoneSurrogate { at: self.at(esc) });
                            } else {
                                char::from_u32(u32::from(hi))
                            };
                            match c {
                                Some(c) => {
                                    out.push(c);
                                    continue;
                                }
                                None => return Err(JsonError::LoneSurrogate { at: self.at(esc) }),
                            }
                        }
                        _ => return Err(self.syntax(esc, "invalid escape sequence")),
                    };
                    self.pos += 1;
                    out.push(c);
                }
                Some(_) => {
                    return Err(self.syntax(self.pos, "control characters must be escaped in strings"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use alloc::format;
    use alloc::vec;

    fn code(input: &[u8]) -> &'static str {
        parse(input).unwrap_err().code()
    }

    #[test]
    fn parses_values_with_offsets_and_order() {
        let v = parse(br#" {"b": [1, -2.5e3, true, null], "a": "x\u00e9\ud83d\ude00\n"} "#).unwrap();
        assert_eq!(v.offset, 1);
        let o = v.as_object().unwrap();
        let keys: Vec<&str> = o.members().iter().map(|m| &*m.key).collect();
        assert_eq!(keys, vec!["b", "a"]);
        let arr = o.get("b").unwrap().as_array().unwrap();
        assert_eq!(arr[0].as_i64(), Some(1));
        assert_eq!(arr[0].offset, 8);
        assert_eq!(arr[1].as_number().unwrap().literal(), "-2.5e3");
        assert_eq!(arr[1].as_i64(), None);
        assert_eq!(arr[2].as_bool(), Some(true));
        assert_eq!(arr[3].type_name(), "null");
        assert_eq!(o.get("a").unwrap().as_str(), Some("x\u{e9}\u{1f600}\n"));
    }

    #[test]
    fn integers_outside_i64_keep_their_literal() {
        let v = parse(b"[9223372036854775807, 9223372036854775808, -9223372036854775808, 1.0]").unwrap();
        let a = v.as_array().unwrap();
        assert_eq!(a[0].as_i64(), Some(i64::MAX));
        assert_eq!(a[1].as_i64(), None);
        assert!(a[1].as_number().unwrap().is_integer_literal());
        assert_eq!(a[2].as_i64(), Some(i64::MIN));
        assert!(!a[3].as_number().unwrap().is_integer_literal());
    }

    #[test]
    fn rejects_grammar_errors() {
        for bad in [
            &b""[..],
            b" ",
            b"{",
            b"{\"a\"}",
            b"{\"a\":1,}",
            b"[1,]",
            b"[1 2]",
            b"01",
            b"-",
            b"1.",
            b"1e",
            b".5",
            b"+1",
            b"tru",
            b"nul",
            b"\"abc",
            b"\"\\x\"",
            b"\"\\u12G4\"",
            b"\"a\tb\"",
            b"{} {}",
            b"{a:1}",
            b"'a'",
            b"[1]x",
            b"NaN",
            b"\x0c1",
        ] {
            assert_eq!(code(bad), "json_syntax", "{:?}", core::str::from_utf8(bad));
        }
    }

    #[test]
    fn accepts_grammar_edge_cases() {
        for ok in [
            &b"0"[..],
            b"-0",
            b"1E+2",
            b"1e-2",
            b"\"\"",
            b"[]",
            b"{}",
            b" \t\r\n[ ] ",
            b"\"\\/\\b\\f\\r\\t\\\\\\\"\"",
            b"{\"\":0}",
            b"\"\xe2\x82\xac\"",
        ] {
            assert!(parse(ok).is_ok(), "{:?}", core::str::from_utf8(ok));
        }
    }

    #[test]
    fn syntax_errors_are_located() {
        let err = parse(b"{\n  \"a\" 1\n}").unwrap_err();
        match err {
            JsonError::Syntax { at, .. } => {
                assert_eq!(
                    at,
                    Position {
                        offset: 8,
                        line: 2,
                        column: 7
                    }
                );
            }
            other => panic!("{other:?}"),
        }
        // Columns count characters, not bytes.
        assert_eq!(
            Position::locate("é x".as_bytes(), 3),
            Position {
                offset: 3,
                line: 1,
                column: 3
            }
        );
    }

    #[test]
    fn rejects_bad_encodings() {
        assert_eq!(code(b"\"\xff\""), "json_invalid_utf8");
        assert_eq!(code(b"\"\xed\xa0\x80\""), "json_invalid_utf8"); // UTF-8-encoded surrogate
        assert_eq!(code(b"\xef\xbb\xbf{}"), "json_bom");
        assert_eq!(code(br#""\ud800""#), "json_lone_surrogate");
        assert_eq!(code(br#""\udc00\ud800""#), "json_lone_surrogate");
        assert_eq!(code(br#""\ud800\u0041""#), "json_lone_surrogate");
        assert_eq!(code(br#""\ud800x""#), "json_lone_surrogate");
        match parse(b"[\"ok\", \"\xc3\"]").unwrap_err() {
            JsonError::InvalidUtf8 { at } => assert_eq!(at.offset, 8),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn duplicate_keys_report_their_path() {
        let err = parse(br#"{"o": {"c": [{"x": 1}, {"y": 1, "y": 2}]}}"#).unwrap_err();
        assert_eq!(err.code(), "json_duplicate_key");
        assert_eq!(err.path(), "o.c[1].y");
        let err = parse(br#"{"a": 1, "b": {}, "a": 2}"#).unwrap_err();
        assert_eq!(err.path(), "a");
        // Same key in different objects is fine; escapes are compared unescaped.
        assert!(parse(br#"{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}"#).is_ok());
        assert_eq!(code(br#"{"a": 1, "\u0061": 2}"#), "json_duplicate_key");
    }

    #[test]
    fn duplicate_keys_are_found_in_large_objects() {
        // Around and past the size from which keys are indexed instead of searched.
        for n in [SMALL_OBJECT - 1, SMALL_OBJECT, SMALL_OBJECT + 1, 200] {
            let keys: Vec<String> = (0..n).map(|i| format!("\"k{i}\": {i}")).collect();
            let ok = format!("{{{}}}", keys.join(", "));
            assert!(parse(ok.as_bytes()).is_ok(), "{n}");
            for dup in [0, n / 2, n - 1] {
                let bad = format!("{{{}, \"k{dup}\": 0, \"z\": 1}}", keys.join(", "));
                let err = parse(bad.as_bytes()).unwrap_err();
                assert_eq!(err.code(), "json_duplicate_key", "{n} {dup}");
                assert_eq!(err.path(), format!("k{dup}"));
            }
        }
    }

    #[test]
    fn depth_limit_without_stack_overflow() {
        let mut deep = vec![b'['; 100_000];
        deep.extend(vec![b']'; 100_000]);
        assert_eq!(code(&deep), "json_too_deep");
        let mut deep_obj = Vec::new();
        for _ in 0..100_000 {
            deep_obj.extend_from_slice(b"{\"a\":");
        }
        assert_eq!(code(&deep_obj), "json_too_deep");
        let limits = Limits {
            max_depth: 3,
            max_size: 100,
        };
        assert!(parse_with_limits(b"[[[1]]]", limits).is_ok());
        assert!(parse_with_limits(b"[[[[]]]]", limits).is_err());
        assert!(parse_with_limits(b"[{\"a\":[{}]}]", limits).is_err());
        // Exactly 64 levels pass with the default limits.
        let mut ok = vec![b'['; 64];
        ok.extend(vec![b']'; 64]);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn size_limit() {
        let limits = Limits {
            max_depth: 8,
            max_size: 4,
        };
        assert!(parse_with_limits(b"1234", limits).is_ok());
        assert_eq!(
            parse_with_limits(b"12345", limits),
            Err(JsonError::TooLarge { size: 5, max_size: 4 })
        );
        let big = vec![b' '; Limits::DEFAULT.max_size + 1];
        assert_eq!(code(&big), "json_too_large");
    }

    #[test]
    fn never_panics_on_truncations_of_a_valid_document() {
        let doc = br#"{"a": [1, -2.5e-3, {"b": "c\u00e9\ud83d\ude00"}, true, false, null], "d": {}}"#;
        assert!(parse(doc).is_ok());
        for end in 0..doc.len() {
            // Every strict prefix is incomplete and must be a clean error.
            assert!(parse(&doc[..end]).is_err(), "{end}");
        }
        // Flipping every byte to every other byte must not panic.
        for i in 0..doc.len() {
            for b in [0u8, b'"', b'\\', b'{', b']', 0x80, 0xff] {
                let mut m = doc.to_vec();
                m[i] = b;
                let _ = parse(&m);
            }
        }
        let _ = format!("{}", parse(b"[").unwrap_err());
    }
}
